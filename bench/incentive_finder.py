"""Incentive finder benchmark on the Lucheng district policies (read by path from shared/data, never copied):

1. extraction: field-level precision/recall against hand labels (bench/incentive_labels.jsonl), dev and test
   split by document (dev: open economy + services policies, which the rules were written from; test: industry +
   talent policies, not looked at while writing the rules);
2. the match: profile cases (bench/incentive_cases.jsonl) with the status and sum expected from the policy text;
3. traceability: every sum stated in every case's result is found in or computed from its cited clause.

Usage: python bench/incentive_finder.py [--index DIR] [--out report.json]  (ingests into DIR, default a tmp dir)
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.lucheng_policies import write_policies  # noqa: E402

HERE = Path(__file__).resolve().parent
SCALARS = ("kind", "basis_field", "cap_cny")
SETS = ("tier_lows", "amounts", "conditions", "schedule")


def predicted(c) -> dict:
    b = c.benefit
    return {"kind": c.kind, "basis_field": b.basis_field if b.basis_field != "-" else "",
            "cap_cny": b.cap_cny, "tier_lows": [t.low for t in b.tiers if t.low is not None],
            "amounts": [t.amount_cny if t.amount_cny is not None else t.rate for t in b.tiers],
            "conditions": sorted({x.field for x in c.conditions}), "schedule": list(b.schedule)}


def _norm(values) -> list:
    return sorted(round(float(v), 6) for v in values)


def score_extraction(clauses, labels: list[dict]) -> dict:
    """Per split: per field TP/FP/FN (scalars count once; lists count per element), then precision and recall."""
    out: dict = {}
    for gold in labels:
        s = out.setdefault(gold["split"], {"clauses": 0, "found": 0, **{f: [0, 0, 0] for f in SCALARS + SETS}})
        s["clauses"] += 1
        hit = next((c for c in clauses if c.source == gold["file"] and gold["anchor"] in c.quote), None)
        s["found"] += bool(hit)
        pred = predicted(hit) if hit else {f: None for f in SCALARS} | {f: [] for f in SETS}
        for f in SCALARS:
            g, p = gold[f] or None, pred[f] or None
            s[f][0] += g is not None and g == p
            s[f][1] += p is not None and g != p
            s[f][2] += g is not None and g != p
        for f in SETS:
            g = _norm(gold[f]) if f != "conditions" else sorted(gold[f])
            p = _norm(pred[f]) if f != "conditions" else list(pred[f])
            common = sum(min(g.count(x), p.count(x)) for x in set(g))
            s[f][0] += common
            s[f][1] += len(p) - common
            s[f][2] += len(g) - common
    for s in out.values():
        for f in SCALARS + SETS:
            tp, fp, fn = s[f]
            s[f] = {"tp": tp, "fp": fp, "fn": fn, "precision": round(tp / (tp + fp), 3) if tp + fp else None,
                    "recall": round(tp / (tp + fn), 3) if tp + fn else None}
        tp = sum(s[f]["tp"] for f in SCALARS + SETS)
        fp = sum(s[f]["fp"] for f in SCALARS + SETS)
        fn = sum(s[f]["fn"] for f in SCALARS + SETS)
        s["all_fields"] = {"precision": round(tp / (tp + fp), 3), "recall": round(tp / (tp + fn), 3)}
    return out


def run_cases(clauses, cases: list[dict]) -> dict:
    from assistant.incentives.match import match
    from assistant.incentives.profile import profile_from_dict
    from assistant.incentives.traceability import untraceable

    right, total, traced, stated, failures = 0, 0, 0, 0, []
    for case in cases:
        profile = profile_from_dict(case["profile"])
        result = match(clauses, profile)
        for item in result.items:
            n = sum(a is not None for a in (item.amount_cny_min, item.amount_cny_max))
            stated += n
            traced += n - len(untraceable(item, profile))
        for exp in case["expect"]:
            total += 1
            it = next((i for i in result.items if i.clause.source == exp["file"] and exp["anchor"] in i.clause.quote),
                      None)
            got = (it.status, it.amount_cny_max) if it else ("absent", None)
            ok = got[0] == exp["status"] and (exp["amount_cny"] is None or (
                got[1] is not None and abs(got[1] - exp["amount_cny"]) < 1))
            if ok and exp.get("warning"):
                ok = any(exp["warning"] in w for w in it.warnings)
            right += ok
            if not ok:
                failures.append({"case": case["id"], "expected": exp, "got": got})
    return {"expectations": total, "right": right, "sums_stated": stated, "sums_traceable": traced,
            "failures": failures}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", type=Path, help="index folder to ingest into (default: a tmp dir)")
    ap.add_argument("--out", type=Path, help="write the report as JSON here")
    args = ap.parse_args()
    from assistant.factory import build_library
    from assistant.incentives.store import ClauseStore
    from assistant.settings import Settings

    tmp = Path(tempfile.mkdtemp(prefix="finder-bench-"))
    index = args.index or tmp / "index"
    paths = write_policies(tmp / "policies")
    lib = build_library(Settings(index_dir=index))
    lib.ingest(paths)
    clauses = ClauseStore(index, lib.catalog).clauses()
    labels = [json.loads(ln) for ln in (HERE / "incentive_labels.jsonl").read_text(encoding="utf-8").splitlines()]
    cases = [json.loads(ln) for ln in (HERE / "incentive_cases.jsonl").read_text(encoding="utf-8").splitlines()]
    report = {"clauses": len(clauses), "extraction": score_extraction(clauses, labels),
              "cases": run_cases(clauses, cases)}
    text = json.dumps(report, ensure_ascii=False, indent=1)
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
