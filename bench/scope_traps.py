"""Scope traps: does the assistant answer with another place's, body's, law's or year's facts?

Generates (at run time, from ../shared/data, never committed) pairs of questions: a CONTROL whose answer is
in the library, and a TRAP that is the same question with one scope element swapped for a sibling the
library does not cover (place: a sibling division; body: another national body; law: a sibling place's
version of the law; year: a year no document states). Expected: the control answered from the gold document
with the gold facts, the trap refused (grounded=False). Pairs are split dev/test by gold document (40/60).

The library is one index of the NCP policy corpus (599 docs), the 74 regulations and the Lucheng policies,
built by each code tree's own ingest. The same cases run against a BASELINE commit (checked out with
`git worktree add --detach`, default 8834778) and the current checkout, in the same run.

    PYTHONPATH=$PWD .venv/bin/python bench/scope_traps.py                 # baseline + current: 45 min cold, 2 cores
    PYTHONPATH=$PWD .venv/bin/python bench/scope_traps.py --no-baseline   # current tree only
    PYTHONPATH=$PWD .venv/bin/python bench/scope_traps.py --cases-only    # print the generated pairs' counts

Writes bench/out/scope_traps/{cases.json, results.json, report.md} and prints report.md. Metrics (per split,
per kind): trap_refused, trap_scoped (refused, or answered only with a wider place's rule labelled as applying to
the asked place: a trap's place the library covers through its province), control_answered, control_right_source,
control_right_facts, both_right (the trap refused AND its control right), latency p50/p95 over both questions.
See bench/scope_score.py for the rules.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_trees import DEFAULT_BASELINE, commit_label, run_trees  # noqa: E402
from scope_cases import KINDS, generate  # noqa: E402
from scope_score import scope_metrics, table  # noqa: E402
from scope_seeds import library_docs, library_paths, lucheng_seeds, ncp_seeds, regulation_seeds  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
OUT = Path(__file__).resolve().parent / "out" / "scope_traps"
METRICS = ("trap_refused", "trap_scoped", "control_answered", "control_right_source", "control_right_facts", "both_right",
           "n", "p50_ms", "p95_ms")


def build_cases(data: Path, seed: int, per_kind: int) -> list[dict]:
    seeds = ncp_seeds(data) + regulation_seeds(data) + lucheng_seeds(data)
    return [c.as_dict() for c in generate(seeds, library_docs(data), seed=seed, per_kind=per_kind)]


def questions_of(cases: list[dict]) -> list[dict]:
    return [q for c in cases for q in ({"id": c["id"] + "/control", "question": c["control"]},
                                       {"id": c["id"] + "/trap", "question": c["trap"]})]


def report(results: dict, metrics: dict, cases: list[dict], minutes: float) -> str:
    counts = collections.Counter((c["kind"], c["split"]) for c in cases)
    lines = [f"## Scope traps ({len(cases)} pairs; dev/test by gold document)", "",
             "pairs per kind (dev/test): " + ", ".join(f"{k} {counts[k, 'dev']}/{counts[k, 'test']}" for k in KINDS),
             "", table(metrics, "all", METRICS)]
    for kind in KINDS:
        lines += ["", f"### {kind}", "", table(metrics, kind, METRICS)]
    lines += ["", "code: " + "; ".join(f"{t} = {commit_label(r['commit'])} (ingest {r['ingest_s']}s)"
                                       for t, r in results.items()), f"wall time: {minutes:.1f} min"]
    return "\n".join(lines)


def saved_answers(out: Path) -> dict:
    """Worker outputs of an earlier run; a missing current column means the code was the baseline's."""
    results = {}
    for tree in ("baseline", "current"):
        path = out / f"answers-scope-{tree}.json"
        if path.is_file():
            results[tree] = json.loads(path.read_text(encoding="utf-8")) | {"commit": f"saved {path.name}"}
    if not results:
        raise SystemExit(f"no answers-scope-*.json in {out}. Fix: run without --score-only first")
    return results


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DATA, help="the shared data folder (read by path, never copied)")
    ap.add_argument("--out", type=Path, default=OUT, help="output folder (git-ignored); indexes live here too")
    ap.add_argument("--seed", type=int, default=13, help="seed of the case generator (order and sibling choice)")
    ap.add_argument("--per-kind", type=int, default=50, help="at most this many pairs per kind")
    ap.add_argument("--limit", type=int, default=0, help="score only the first N pairs (smoke runs)")
    ap.add_argument("--baseline", default=DEFAULT_BASELINE, help="git ref measured beside the current tree")
    ap.add_argument("--no-baseline", action="store_true", help="measure the current tree only")
    ap.add_argument("--cases-only", action="store_true", help="generate the pairs, print counts, stop")
    ap.add_argument("--score-only", action="store_true",
                    help="re-score the answers a previous run saved in --out (answers-scope-*.json), ask nothing")
    args = ap.parse_args()

    t0 = time.perf_counter()
    cases = build_cases(args.data, args.seed, args.per_kind)
    cases = cases[: args.limit] if args.limit else cases
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "cases.json").write_text(json.dumps(cases, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"{len(cases)} pairs:", dict(collections.Counter((c["kind"], c["source"], c["split"]) for c in cases)))
    if args.cases_only:
        return
    if args.score_only:
        results = saved_answers(args.out)
    else:
        results = run_trees("scope", questions_of(cases), library_paths(args.data), args.out,
                            None if args.no_baseline else args.baseline)
    doc_texts = {d.doc_id: d.text for d in library_docs(args.data)}
    metrics = {tree: scope_metrics(cases, r["answers"], doc_texts) for tree, r in results.items()}
    md = report(results, metrics, cases, (time.perf_counter() - t0) / 60)
    (args.out / "results.json").write_text(json.dumps(
        {"metrics": metrics, "code": {t: r["commit"] for t, r in results.items()},
         "ingest_s": {t: r["ingest_s"] for t, r in results.items()}}, indent=1), encoding="utf-8")
    (args.out / "report.md").write_text(md + "\n", encoding="utf-8")
    print(md)


if __name__ == "__main__":
    main()
