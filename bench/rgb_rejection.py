"""RGB negative rejection: refuse when only answer-free passages are indexed, answer when the positives are.

From ../shared/data/rgb_zh/zh_refine.jsonl (CC BY-NC-SA, read by path), a seeded sample of questions is split
in half by the project's RGB importer: for the REJECTION half only the negative passages are indexed (the
answer is absent: expected refusal), for the POSITIVE half positives and negatives are indexed (expected an
answer, ideally holding the gold answer). Questions are split dev/test by a stable hash of the RGB id (40/60).
The same library and questions run against a baseline commit and the current tree, each with its own index.

    PYTHONPATH=$PWD .venv/bin/python bench/rgb_rejection.py --questions 30     # 10 min cold, 2 cores
    PYTHONPATH=$PWD .venv/bin/python bench/rgb_rejection.py --questions 300 --no-baseline

Writes bench/out/rgb_rejection/{corpus.jsonl, cases.json, results.json, report.md} and prints report.md.
Metrics: negative_rejection (rejection set refused, leaving out the cases whose gold answer an indexed passage
still states beside the question's words), rejection_all (every rejection case, noisy ones too), positive_answered (positive set answered),
positive_right_facts (answered with the gold answer, numbers normalised), latency p50/p95.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_trees import DEFAULT_BASELINE, commit_label, run_trees  # noqa: E402
from scope_cases import split_of  # noqa: E402
from scope_score import grouped, table  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "rgb_zh"
OUT = Path(__file__).resolve().parent / "out" / "rgb_rejection"
METRICS = ("negative_rejection", "rejection_all", "positive_answered", "positive_right_facts", "n", "p50_ms", "p95_ms")


def build(data: Path, n: int, seed: int, out: Path) -> tuple[list[dict], Path]:
    """Cases (id, question, reject, facts, facts_any, split) and the corpus JSONL the trees index."""
    from assistant.evaluation.importers import import_rgb, write_corpus

    imported = import_rgb(data, "refine", limit=n, unanswerable=0.5, seed=seed)
    corpus = out / "corpus.jsonl"
    write_corpus(imported.corpus, corpus)
    cases = [{"id": c.id, "question": c.question, "reject": not c.answerable, "facts": list(c.expected_facts),
              "facts_any": list(c.expected_facts_any), "split": split_of(c.id)} for c in imported.cases]
    noisy = answer_still_indexed(data, cases, [r["text"] for r in imported.corpus])
    for case in cases:
        case["answer_indexed"] = case["id"] in noisy
    print("; ".join(imported.notes))
    print(f"{len(noisy)} rejection cases left out of negative_rejection: a passage still indexed states their "
          f"gold answer ({', '.join(sorted(noisy))})")
    return cases, corpus


def answer_still_indexed(data: Path, cases: list[dict], passages: list[str]) -> set[str]:
    """Rejection cases whose gold answer is still written in an indexed passage (RGB's negatives are not always
    answer-free: 神舟十四号's "negatives" name its commander). Answering those is right, so they are not scored.
    A passage counts when it holds an answer of 2+ characters with a non-digit ("10" is in half the passages)
    and, within 80 characters of it, the question's content words (coverage ≥ 0.8): "5月5日" alone is in
    unrelated passages too, and "亚军" in a passage about the team's history is not this year's result."""
    from assistant.query.terms import coverage, question_terms

    records = {f"rgb-refine-{r['id']}": r for r in map(json.loads, (data / "zh_refine.jsonl").open(encoding="utf-8"))}
    squeezed = [re.sub(r"\s+", "", p) for p in passages]
    noisy = set()
    for case in cases:
        if not case["reject"] or case["id"] not in records:
            continue
        answers = records[case["id"]]["answer"]
        flat = [a for group in answers for a in (group if isinstance(group, list) else [group])]
        names = [a for a in (re.sub(r"\s+", "", str(x)) for x in flat) if len(a) >= 2 and not a.isdigit()]
        terms = question_terms(case["question"])
        if any(coverage(terms, p[max(0, i - 80): i + 80]) >= 0.8 for a in names for p in squeezed
               for i in _positions(a, p)):
            noisy.add(case["id"])
    return noisy


def _positions(needle: str, hay: str) -> list[int]:
    return [m.start() for m in re.finditer(re.escape(needle), hay)]


def rgb_metrics(cases: list[dict], answers: dict) -> dict[str, dict]:
    from assistant.text.numbers import contains_fact

    def score(case: dict) -> tuple[dict, list[float]]:
        a = answers[case["id"]]
        if case["reject"]:
            clean = None if case.get("answer_indexed") else not a["grounded"]
            return {"negative_rejection": clean, "rejection_all": not a["grounded"], "positive_answered": None,
                    "positive_right_facts": None}, [a["ms"]]
        facts = all(contains_fact(a["text"], f) for f in case["facts"]) and (
            not case["facts_any"] or any(contains_fact(a["text"], f) for f in case["facts_any"]))
        return {"negative_rejection": None, "rejection_all": None, "positive_answered": a["grounded"],
                "positive_right_facts": a["grounded"] and facts}, [a["ms"]]

    return grouped(cases, score, lambda c: "reject" if c["reject"] else "positive")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DATA, help="the rgb_zh folder (read by path, never copied)")
    ap.add_argument("--out", type=Path, default=OUT, help="output folder (git-ignored); indexes live here too")
    ap.add_argument("--questions", type=int, default=80, help="questions sampled from zh_refine's 300 (seeded)")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--baseline", default=DEFAULT_BASELINE, help="git ref measured beside the current tree")
    ap.add_argument("--no-baseline", action="store_true", help="measure the current tree only")
    args = ap.parse_args()

    t0 = time.perf_counter()
    args.out.mkdir(parents=True, exist_ok=True)
    cases, corpus = build(args.data, args.questions, args.seed, args.out)
    (args.out / "cases.json").write_text(json.dumps(cases, ensure_ascii=False, indent=1), encoding="utf-8")
    questions = [{"id": c["id"], "question": c["question"]} for c in cases]
    results = run_trees("rgb", questions, [corpus], args.out, None if args.no_baseline else args.baseline)
    metrics = {tree: rgb_metrics(cases, r["answers"]) for tree, r in results.items()}
    n_rej = sum(c["reject"] for c in cases)
    md = "\n".join([f"## RGB negative rejection (zh_refine, {len(cases)} questions: {n_rej} rejection, "
                    f"{len(cases) - n_rej} positive; dev/test by question id)", "", table(metrics, "all", METRICS),
                    "", "code: " + "; ".join(f"{t} = {commit_label(r['commit'])}" for t, r in results.items()),
                    f"wall time: {(time.perf_counter() - t0) / 60:.1f} min"])
    (args.out / "results.json").write_text(json.dumps({"metrics": metrics}, indent=1), encoding="utf-8")
    (args.out / "report.md").write_text(md + "\n", encoding="utf-8")
    print(md)


if __name__ == "__main__":
    main()
