"""Score raw answers (from bench_worker.py) for the scope-trap and RGB suites, and render the tables.

Rules, stated once:
- refused = the answer is not grounded (a "资料中没有找到…" text with labelled nearest facts still counts).
- right source = grounded and a cited document is the gold one (metrics.matches_source).
- right facts = right source and every gold fact is in the answer (assistant.text.numbers.contains_fact: numbers,
  dates and Chinese numerals compared after normalising); a gold answer without such facts (a long NCP span)
  counts when the answer contains it or covers >= 60% of its characters in order (difflib matching blocks).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence

from assistant.evaluation.metrics import matches_source, percentile
from assistant.text.markers import strip_markers
from assistant.text.numbers import contains_fact

SPAN_RECALL = 0.6
TREES = ("baseline", "current")
SPLITS = ("dev", "test")


def span_recall(gold: str, text: str) -> float:
    """Share of the gold span's characters found in the answer, in order (markers removed)."""
    gold, text = gold.strip(), strip_markers(text)
    if not gold:
        return 0.0
    if gold in text:
        return 1.0
    blocks = difflib.SequenceMatcher(None, gold, text, autojunk=False).get_matching_blocks()
    return sum(b.size for b in blocks) / len(gold)


def cites(answer: dict, gold_doc: str) -> bool:
    return any(matches_source(gold_doc, c["doc_id"], c["source"], c["title"]) for c in answer["cited"])


def has_facts(answer: dict, facts: Sequence[str], span: str) -> bool:
    if facts:
        return all(contains_fact(answer["text"], f) for f in facts)
    return span_recall(span, answer["text"]) >= SPAN_RECALL


def score_pair(case: dict, control: dict, trap: dict) -> dict[str, float]:
    """Per pair: the trap refused; the control answered, from the gold source, with the gold facts."""
    answered = control["grounded"]
    source = answered and cites(control, case["doc_id"])
    facts = source and has_facts(control, case["gold_facts"], case["gold_answer"])
    refused = not trap["grounded"]
    return {"trap_refused": refused, "control_answered": answered, "control_right_source": source,
            "control_right_facts": facts, "both_right": refused and facts}


def mean_rows(rows: Sequence[dict[str, float | None]], latencies: Sequence[float]) -> dict[str, float | int | None]:
    """Mean of each metric over the rows it applies to (None = not applicable), plus latency."""
    out: dict[str, float | int | None] = {"n": len(rows)}
    for key in dict.fromkeys(k for r in rows for k in r):
        values = [float(r[key]) for r in rows if r.get(key) is not None]
        out[key] = sum(values) / len(values) if values else None
    out["p50_ms"] = percentile(latencies, 50)
    out["p95_ms"] = percentile(latencies, 95)
    return out


def grouped(cases: Sequence[dict], score: Callable[[dict], tuple[dict, list[float]]],
            group: Callable[[dict], str]) -> dict[str, dict]:
    """Metrics per (group value) and per split: {group: {split: metrics}}; group 'all' is every case."""
    buckets: dict[tuple[str, str], tuple[list, list]] = {}
    for case in cases:
        row, lat = score(case)
        for g in ("all", group(case)):
            rows, lats = buckets.setdefault((g, case["split"]), ([], []))
            rows.append(row)
            lats.extend(lat)
    out: dict[str, dict] = {}
    for (g, split), (rows, lats) in sorted(buckets.items()):
        out.setdefault(g, {})[split] = mean_rows(rows, lats)
    return out


def scope_metrics(cases: Sequence[dict], answers: dict) -> dict[str, dict]:
    """answers: the worker's {question id: answer}; each case was asked as '<id>/control' and '<id>/trap'."""
    def score(case: dict) -> tuple[dict, list[float]]:
        control, trap = answers[case["id"] + "/control"], answers[case["id"] + "/trap"]
        return score_pair(case, control, trap), [control["ms"], trap["ms"]]

    return grouped(cases, score, lambda c: c["kind"])


def _cell(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float) and value <= 1.0:
        return f"{value:.3f}"
    return f"{value:.0f}"


def table(by_tree: dict[str, dict], group: str, metrics: Sequence[str], label: str = "code",
          splits: Sequence[str] = SPLITS) -> str:
    """Markdown: rows = trees, columns = each metric for dev and test (or `splits`) side by side."""
    head = [label] + [f"{m} ({s})" for m in metrics for s in splits]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for tree, groups in by_tree.items():
        cells = groups.get(group, {})
        lines.append("| " + " | ".join([tree] + [_cell(cells.get(s, {}).get(m)) for m in metrics for s in splits])
                     + " |")
    return "\n".join(lines)
