"""NCP questions by split: every public NCP question (../shared/data/ncp_policy_qa/qa_with_gold_doc.jsonl, read by path)
whose gold document falls in the split, asked of the scope-trap library (the NCP corpus, the 74 regulations and the
Lucheng policies). The scope-trap pairs use only the questions whose place, body, law or year can be swapped; this
asks all of them (510 on dev), so a rule tuned on dev meets more of dev's failures, and test stays held out.

    PYTHONPATH=$PWD .venv/bin/python bench/ncp_questions.py --no-baseline          # dev, current tree, ~1 min warm
    PYTHONPATH=$PWD .venv/bin/python bench/ncp_questions.py --split test --baseline c14c5ce

Metrics per split: answered, right source (the gold document cited, or a republished copy holding the gold statement:
bench/scope_score.py), right facts (right source and the gold facts or ≥60% of the gold span), refused as out of
scope ("资料中没有找到…") and as irrelevant. Writes bench/out/ncp_questions/{report.md, results.json}.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_trees import DEFAULT_BASELINE, commit_label, run_trees  # noqa: E402
from scope_cases import split_of  # noqa: E402
from scope_score import cites, cites_copy, doc_key, gold_statement, has_facts  # noqa: E402
from scope_seeds import library_docs, library_paths  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
OUT = Path(__file__).resolve().parent / "out" / "ncp_questions"
METRICS = ("answered", "right_source", "right_facts", "refused_scope", "refused_irrelevant")


def questions(data: Path, split: str) -> list[dict]:
    from assistant.evaluation.importers import ncp_facts

    out, seen = [], set()
    for line in (data / "ncp_policy_qa" / "qa_with_gold_doc.jsonl").read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        if r["question"] in seen or (split != "all" and split_of(r["gold_docid"]) != split):
            continue
        seen.add(r["question"])
        out.append({"id": r["qid"], "question": r["question"], "doc_id": r["gold_docid"], "gold_answer": r["answer"],
                    "gold_facts": list(ncp_facts(r["answer"])[0])})
    return out


def score(case: dict, answer: dict, doc_texts: dict[str, str]) -> dict[str, bool]:
    answered = answer["grounded"]
    source = answered and cites(answer, case["doc_id"])
    if answered and not source:
        source = cites_copy(answer, gold_statement(doc_texts.get(case["doc_id"], ""), case["gold_answer"]), doc_texts)
    return {"answered": answered, "right_source": source,
            "right_facts": source and has_facts(answer, case["gold_facts"], case["gold_answer"]),
            "refused_scope": not answered and answer["text"].startswith("资料中没有找到"),
            "refused_irrelevant": not answered and not answer["text"].startswith("资料中没有找到")}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DATA, help="the shared data folder (read by path, never copied)")
    ap.add_argument("--out", type=Path, default=OUT, help="output folder (git-ignored); indexes live here too")
    ap.add_argument("--split", default="dev", choices=("dev", "test", "all"), help="by gold document, as scope traps")
    ap.add_argument("--baseline", default=DEFAULT_BASELINE, help="git ref measured beside the current tree")
    ap.add_argument("--no-baseline", action="store_true", help="measure the current tree only")
    args = ap.parse_args()

    t0 = time.perf_counter()
    cases = questions(args.data, args.split)
    docs = {doc_key(d.doc_id): d.text for d in library_docs(args.data)}
    asked = [{"id": c["id"], "question": c["question"]} for c in cases]
    results = run_trees("ncpq", asked, library_paths(args.data), args.out, None if args.no_baseline else args.baseline)
    rows = {}
    for tree, r in results.items():
        scored = [score(c, r["answers"][c["id"]], docs) for c in cases]
        rows[tree] = {m: sum(s[m] for s in scored) for m in METRICS}
    md = [f"## NCP questions whose gold document is in the {args.split} split ({len(cases)} questions)", "",
          "| code | " + " | ".join(METRICS) + " |", "|---|" + "---|" * len(METRICS)]
    md += [f"| {tree} | " + " | ".join(str(v[m]) for m in METRICS) + " |" for tree, v in rows.items()]
    md += ["", "code: " + "; ".join(f"{t} = {commit_label(r['commit'])}" for t, r in results.items()),
           f"wall time: {(time.perf_counter() - t0) / 60:.1f} min"]
    (args.out / "results.json").write_text(json.dumps(rows, indent=1), encoding="utf-8")
    (args.out / "report.md").write_text("\n".join(md) + "\n", encoding="utf-8")
    print("\n".join(md))


if __name__ == "__main__":
    main()
