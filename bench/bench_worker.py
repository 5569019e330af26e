"""Ask one code tree a list of questions over its own index; write the raw answers as JSON.

Started by bench/bench_trees.py in a subprocess whose PYTHONPATH is the tree under test (today's checkout or a
baseline commit), so `assistant` is imported from that tree. It uses only the long-standing entry points
(Settings, build_library, build_assistant, Library.ingest, Assistant.ask, Answer.as_dict); scoring happens in
the caller, with the current tree's metrics, so both trees are judged by one rule.

    PYTHONPATH=TREE python bench/bench_worker.py --index DIR --questions Q.json --out A.json --ingest PATH...
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path


def run(index: Path, ingest: list[Path], questions: list[dict]) -> dict:
    import assistant
    from assistant.factory import build_assistant, build_library
    from assistant.settings import Settings

    settings = Settings(index_dir=index)
    library = build_library(settings)
    t0 = time.perf_counter()
    report = library.ingest(ingest)
    ingest_s = time.perf_counter() - t0
    bot = build_assistant(settings, library=library)
    bot.ask("预热")  # the first question pays for loading the model and building BM25
    answers = {}
    for q in questions:
        t = time.perf_counter()
        ans = bot.ask(q["question"])
        wall_ms = (time.perf_counter() - t) * 1000
        d = ans.as_dict()
        answers[q["id"]] = {
            "grounded": bool(d["grounded"]), "text": d["answer"], "mode": d["mode"], "ms": wall_ms,
            "cited": [{k: c.get(k) or "" for k in ("doc_id", "source", "title", "scope")} for c in d["citations"]],
        }
    return {"code": str(Path(assistant.__file__).parent.parent), "ingest_s": round(ingest_s, 1),
            "ingest": report.summary_line(), "answers": answers}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", type=Path, required=True, help="index folder for this tree")
    ap.add_argument("--questions", type=Path, required=True, help="JSON list of {id, question}")
    ap.add_argument("--out", type=Path, required=True, help="where to write the answers JSON")
    ap.add_argument("--ingest", type=Path, nargs="+", required=True, help="files/folders to index (idempotent)")
    args = ap.parse_args()
    questions = json.loads(args.questions.read_text(encoding="utf-8"))
    result = run(args.index, args.ingest, questions)
    args.out.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    print(f"{result['code']}: {len(questions)} questions answered; ingest {result['ingest']} [{result['ingest_s']}s]")


if __name__ == "__main__":
    main()
