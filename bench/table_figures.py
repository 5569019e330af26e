"""Table figures: budget, final-account and disclosure figures asked of the 14 real government PDFs.

Questions (bench/data/table_figures.jsonl, written by hand from the PDFs; the PDFs themselves are read by path
from ../shared/data/gov_pdfs_real and never copied) ask for one figure each: stated in a sentence (text), only
in a table (table), for one year of a series the library holds in two years (year), without a year where the
newest document must answer and say its year (latest), or for a year the library does not have (missing: must
be refused). dev/test is split by document series (a year pair stays on one side). A third split, probe (13
questions over both sides' documents), was written after the asked-figure changes and never tuned on. The
baseline commit and the current tree each ingest the PDFs into their own cached index under bench/out/table_figures.

    PYTHONPATH=$PWD .venv/bin/python bench/table_figures.py                 # baseline 87f70d7 + current
    PYTHONPATH=$PWD .venv/bin/python bench/table_figures.py --no-baseline

Scoring (one rule for both trees): an answered case is right when the answer is grounded, cites one of the
gold documents, states one of the accepted forms of the figure in its first sentence (the one before the first
[n]; numbers compared after normalising: 元/万元 written either way) and none of the other year's figures
anywhere; a missing-year case is right when refused.
names_year (latest cases): the right answer also names the year of the document it used.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_trees import commit_label, run_trees  # noqa: E402
from scope_score import cites, grouped, table  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "gov_pdfs_real" / "pdf"
CASES = Path(__file__).with_name("data") / "table_figures.jsonl"
OUT = Path(__file__).resolve().parent / "out" / "table_figures"
BASELINE = "87f70d7"  # main before the asked-figure labels (d90f6ba: when the set was written, ruled tables read)
METRICS = ("right", "answered_right", "refused_right", "names_year", "n", "p50_ms", "p95_ms")
SPLITS = ("dev", "test", "probe")


def score(case: dict, answer: dict) -> dict:
    from assistant.text.numbers import contains_fact

    if case["refuse"]:
        return {"right": not answer["grounded"], "answered_right": None, "refused_right": not answer["grounded"],
                "names_year": None}
    text = answer["text"]
    lead = text.split("[", 1)[0]
    ok = (answer["grounded"] and any(cites(answer, d) for d in case["docs"])
          and any(contains_fact(lead, f) for f in case["facts_any"])
          and not any(contains_fact(text, f) for f in case["must_not"]))
    year = ok and case["names_year"] in text if case["names_year"] else None
    return {"right": ok, "answered_right": ok, "refused_right": None, "names_year": year}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DATA, help="the gov_pdfs_real/pdf folder (read by path)")
    ap.add_argument("--cases", type=Path, default=CASES)
    ap.add_argument("--out", type=Path, default=OUT, help="output folder (git-ignored); indexes are cached here")
    ap.add_argument("--baseline", default=BASELINE, help="git ref measured beside the current tree")
    ap.add_argument("--no-baseline", action="store_true", help="measure the current tree only")
    ap.add_argument("--show", action="store_true", help="print every case's answer (current tree)")
    args = ap.parse_args()

    t0 = time.perf_counter()
    cases = [json.loads(line) for line in args.cases.read_text(encoding="utf-8").splitlines() if line.strip()]
    questions = [{"id": c["id"], "question": c["question"]} for c in cases]
    results = run_trees("tables", questions, [args.data], args.out, None if args.no_baseline else args.baseline)
    metrics = {}
    for tree, r in results.items():
        answers = r["answers"]
        metrics[tree] = grouped(cases, lambda c, a=answers: (score(c, a[c["id"]]), [a[c["id"]]["ms"]]),
                                lambda c: c["kind"])
    lines = [f"## Table figures ({len(cases)} questions over {args.data.name}: "
             + ", ".join(f"{sum(c['split'] == s for c in cases)} {s}" for s in SPLITS) + ")", ""]
    for group in ("all", "text", "table", "year", "latest", "missing"):
        lines += [f"### {group}", "", table(metrics, group, METRICS, splits=SPLITS), ""]
    lines += ["code: " + "; ".join(f"{t} = {commit_label(r['commit'])}" for t, r in results.items()),
              "ingest: " + "; ".join(f"{t} {r['ingest_s']} s ({r['ingest']})" for t, r in results.items()),
              f"wall time: {(time.perf_counter() - t0) / 60:.1f} min"]
    md = "\n".join(lines)
    (args.out / "results.json").write_text(json.dumps({"metrics": metrics}, indent=1), encoding="utf-8")
    (args.out / "report.md").write_text(md + "\n", encoding="utf-8")
    if args.show:
        answers = results["current"]["answers"]
        for c in cases:
            a = answers[c["id"]]
            mark = "OK " if score(c, a)["right"] else "BAD"
            print(f"{mark} {c['id']} {c['question']} → {' '.join(a['text'].split())[:220]}")
    print(md)


if __name__ == "__main__":
    main()
