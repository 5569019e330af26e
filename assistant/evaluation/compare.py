"""Compare two evaluation runs (their --out dirs): metric deltas and what changed question by question."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from assistant.errors import AssistantError
from assistant.evaluation.metrics import LOWER_IS_BETTER


@dataclass(frozen=True)
class QuestionChange:
    id: str
    question: str
    better: tuple[str, ...]  # checks that now pass
    worse: tuple[str, ...]  # checks that now fail, with the new reason


@dataclass(frozen=True)
class Comparison:
    run_a: str
    run_b: str
    metrics: tuple[tuple[str, float | None, float | None], ...]  # name, value in A, value in B
    changes: tuple[QuestionChange, ...]
    only_a: tuple[str, ...] = ()
    only_b: tuple[str, ...] = ()
    unchanged: int = 0
    notes: tuple[str, ...] = field(default=())

    @property
    def improved(self) -> list[QuestionChange]:
        return [c for c in self.changes if c.better and not c.worse]

    @property
    def regressed(self) -> list[QuestionChange]:
        return [c for c in self.changes if c.worse]


def _load(run_dir: str | Path) -> tuple[dict, dict[str, dict]]:
    d = Path(run_dir)
    results, summary = d / "results.jsonl", d / "summary.json"
    if not results.is_file() or not summary.is_file():
        raise AssistantError(f"{d}: not an evaluation run (no results.jsonl/summary.json). "
                             "Fix: pass a directory written by `python -m assistant eval … --out DIR`")
    rows = [json.loads(line) for line in results.read_text(encoding="utf-8").splitlines() if line.strip()]
    return json.loads(summary.read_text(encoding="utf-8")), {r["id"]: r for r in rows}


def _checks(row: dict) -> dict[str, dict]:
    return {c["name"]: c for c in row.get("checks", [])}


def _diff(a: dict, b: dict) -> QuestionChange | None:
    ca, cb = _checks(a), _checks(b)
    better, worse = [], []
    for name in dict.fromkeys([*ca, *cb]):
        pa = ca.get(name, {}).get("passed")
        pb = cb.get(name, {}).get("passed")
        if pb and pa is not True:
            better.append(f"{name}: now passes ({cb[name]['why']})")
        elif pb is False and pa is not False:
            worse.append(f"{name}: now fails ({cb[name]['why']})")
    if not (better or worse):
        return None
    return QuestionChange(b["id"], b["question"], tuple(better), tuple(worse))


def compare_runs(run_a: str | Path, run_b: str | Path) -> Comparison:
    """What got better or worse from run A to run B."""
    sum_a, rows_a = _load(run_a)
    sum_b, rows_b = _load(run_b)
    names = list(dict.fromkeys([*sum_a["overall"]["metrics"], *sum_b["overall"]["metrics"]]))
    metrics = tuple((n, sum_a["overall"]["metrics"].get(n), sum_b["overall"]["metrics"].get(n)) for n in names)
    changes, unchanged = [], 0
    for qid, row_b in rows_b.items():
        if qid in rows_a:
            change = _diff(rows_a[qid], row_b)
            if change:
                changes.append(change)
            else:
                unchanged += 1
    notes = []
    if sum_a.get("k") != sum_b.get("k"):
        notes.append(f"runs used different k ({sum_a.get('k')} vs {sum_b.get('k')}): hit@k is not comparable")
    return Comparison(str(run_a), str(run_b), metrics, tuple(changes),
                      tuple(q for q in rows_a if q not in rows_b), tuple(q for q in rows_b if q not in rows_a),
                      unchanged, tuple(notes))


def _delta(name: str, a: float | None, b: float | None) -> str:
    if a is None or b is None:
        return ""
    diff = b - a
    if abs(diff) < 1e-9:
        return "="
    good = diff < 0 if name in LOWER_IS_BETTER else diff > 0
    number = f"{diff:+.0f}" if name.endswith("_ms") else f"{diff:+.3f}"
    return f"{number} {'better' if good else 'worse'}"


def _value(name: str, v: float | None) -> str:
    return "–" if v is None else (f"{v:.0f}" if name.endswith("_ms") else f"{v:.3f}")


def format_comparison(comp: Comparison) -> str:
    """Plain-text report for the terminal."""
    lines = [f"A = {comp.run_a}", f"B = {comp.run_b}", *[f"note: {n}" for n in comp.notes], "",
             f"{'metric':<26}{'A':>10}{'B':>10}  change"]
    lines += [f"{n:<26}{_value(n, a):>10}{_value(n, b):>10}  {_delta(n, a, b)}" for n, a, b in comp.metrics]
    lines += ["", f"questions: {len(comp.improved)} better · {len(comp.regressed)} worse · "
              f"{comp.unchanged} unchanged · {len(comp.only_a)} only in A · {len(comp.only_b)} only in B"]
    for title, group in (("Worse", comp.regressed), ("Better", comp.improved)):
        if group:
            lines += ["", f"{title}:"]
        for c in group:
            lines.append(f"  {c.id}  {c.question}")
            lines += [f"    - {w}" for w in c.worse] + [f"    + {b}" for b in c.better]
    if comp.only_a or comp.only_b:
        lines += ["", f"only in A: {', '.join(comp.only_a) or '-'}", f"only in B: {', '.join(comp.only_b) or '-'}"]
    return "\n".join(lines) + "\n"
