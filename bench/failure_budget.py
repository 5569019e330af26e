"""Where answerable questions are lost, stage by stage, and how far a perfect answer gate and sentence picker could
take the current retrieval: the ceiling the extractive path cannot pass without a better retriever or a reader.

    PYTHONPATH=$PWD .venv/bin/python bench/ncp_questions.py --no-baseline          # builds the index, once
    PYTHONPATH=$PWD .venv/bin/python bench/scope_traps.py --per-kind 400 --no-baseline --out bench/out/big_final
    PYTHONPATH=$PWD .venv/bin/python bench/failure_budget.py [--scope-cases bench/out/big_final/cases.json]

Data: the NCP questions of each split (bench/ncp_questions.py: ../shared/data/ncp_policy_qa, read by path) and the
scope-trap controls (their answerable halves), asked of the scope-trap library with the current tree. Each
question is asked as `Assistant.ask` does and scored as its bench scores it (right facts: the gold document or a
copy of its statement is cited and the gold facts, or 60% of the gold span, are in the answer). A lost question
is put in the first stage that lost it:

- retrieval: no passage of the gold document among the passages the answer is drawn from;
- reading: the gold document's passages are there, but no run of up to 4 consecutive sentences of one of them
  holds the gold facts (the answer is spread wider, or written otherwise);
- gate: such a run is there and the gate refused;
- selection: such a run is there, the gate answered, and the answer quoted other sentences or another document.

ceiling = right + gate + selection: what a perfect gate and sentence picker would reach over the same passages.
Writes bench/out/failure_budget/{report.md, results.json}.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ncp_questions import DATA, questions, score  # noqa: E402
from scope_score import doc_key, has_facts, score_pair  # noqa: E402
from scope_seeds import library_docs  # noqa: E402

OUT = Path(__file__).resolve().parent / "out" / "failure_budget"
INDEX = Path(__file__).resolve().parent / "out" / "ncp_questions" / "index-ncpq-current"
STAGES = ("right", "retrieval", "reading", "gate", "selection")
RUN = 4  # sentences


def _readable(hits, gold_doc: str, facts, span: str) -> bool | None:
    """None: no passage of the gold document; else whether one holds the facts within RUN consecutive sentences."""
    from assistant.text.sentences import sentence_spans

    gold = [h for h in hits if doc_key(h.chunk.doc.doc_id) == doc_key(gold_doc)]
    if not gold:
        return None
    for h in gold:
        text, spans = h.chunk.text, sentence_spans(h.chunk.text)
        for i in range(len(spans)):
            for j in range(i, min(i + RUN, len(spans))):
                if has_facts({"text": text[spans[i][0]:spans[j][1]]}, facts, span):
                    return True
    return False


def stage(bot, case: dict, right: bool, answered: bool) -> str:
    if right:
        return "right"
    readable = _readable(bot.passages(case["question"]), case["doc_id"], case["gold_facts"], case["gold_answer"])
    if readable is None:
        return "retrieval"
    if not readable:
        return "reading"
    return "selection" if answered else "gate"


def _answer(bot, question: str) -> dict:
    d = bot.ask(question).as_dict()
    return {"grounded": bool(d["grounded"]), "text": d["answer"],
            "cited": [{k: c.get(k) or "" for k in ("doc_id", "source", "title")} for c in d["citations"]]}


def budgets(bot, data: Path, scope_cases: Path | None) -> dict[str, dict[str, Counter]]:
    by_key = {doc_key(d.doc_id): d.text for d in library_docs(data)}
    by_id = {d.doc_id: d.text for d in library_docs(data)}
    out: dict[str, dict[str, Counter]] = {}
    for split in ("dev", "test"):
        counts = Counter()
        for case in questions(data, split):
            a = _answer(bot, case["question"])
            s = score(case, a, by_key)
            counts[stage(bot, case, s["right_facts"], s["answered"])] += 1
        out.setdefault("NCP questions", {})[split] = counts
    if scope_cases is not None and scope_cases.exists():
        refused = {"grounded": False}
        for split in ("dev", "test"):
            counts = Counter()
            for c in json.loads(scope_cases.read_text(encoding="utf-8")):
                if c["split"] != split:
                    continue
                case = {**c, "question": c["control"]}
                a = _answer(bot, c["control"])
                s = score_pair(c, a, refused, by_id)
                counts[stage(bot, case, s["control_right_facts"], s["control_answered"])] += 1
            out.setdefault("scope-trap controls", {})[split] = counts
    return out


def render(result: dict[str, dict[str, Counter]]) -> str:
    cols = [*STAGES, "ceiling"]
    md = ["| questions | split | n | " + " | ".join(cols) + " |", "|---|---|---|" + "---|" * len(cols)]
    for suite, splits in result.items():
        for split, c in splits.items():
            n = sum(c.values())
            cells = [f"{c[s] / n:.3f}" for s in STAGES]
            cells.append(f"**{(c['right'] + c['gate'] + c['selection']) / n:.3f}**")
            md.append(f"| {suite} | {split} | {n} | " + " | ".join(cells) + " |")
    return "\n".join(md)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DATA, help="the shared data folder (read by path, never copied)")
    ap.add_argument("--index", type=Path, default=INDEX, help="the scope-trap library (bench/ncp_questions.py builds it)")
    ap.add_argument("--scope-cases", type=Path, default=Path(__file__).resolve().parent / "out" / "big_final" /
                    "cases.json", help="scope-trap pairs written by bench/scope_traps.py (skipped when absent)")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    if not args.index.exists():
        sys.exit(f"{args.index} is missing: run `PYTHONPATH=$PWD .venv/bin/python bench/ncp_questions.py "
                 "--no-baseline` first (it builds the index)")
    from assistant.factory import build_assistant, build_library
    from assistant.settings import Settings

    t0 = time.perf_counter()
    settings = Settings(index_dir=args.index)
    bot = build_assistant(settings, library=build_library(settings))
    result = budgets(bot, args.data, args.scope_cases)
    md = render(result) + f"\n\nwall time: {(time.perf_counter() - t0) / 60:.1f} min\n"
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    (args.out / "report.md").write_text(md, encoding="utf-8")
    print(md)


if __name__ == "__main__":
    main()
