"""The answer gate's operating curve: how many answer-absent questions it refuses for each share of answerable
ones it still answers, as its relevance threshold (settings.min_relevance) moves. It tells whether a bar such as
"refuse ≥ 80% of RGB's negatives while answering ≥ 90% of its positives" is within reach of the gate's signal at
any threshold, or needs a better signal.

    PYTHONPATH=$PWD .venv/bin/python bench/rgb_rejection.py --questions 300 --no-baseline --out bench/out/rgb300
    PYTHONPATH=$PWD .venv/bin/python bench/scope_traps.py --per-kind 400 --no-baseline --out bench/out/big_final
    PYTHONPATH=$PWD .venv/bin/python bench/gate_curve.py

Data: the RGB zh_refine library and cases that bench/rgb_rejection.py built (negatives: rejection cases whose gold
answer no indexed passage states beside the question's words; positives: the answerable cases), and the
scope-trap pairs of bench/scope_traps.py (negatives: the traps; positives: their controls), each split dev/test as
those benches split them. For every question, the gate's verdict on the passages `Assistant.ask` gives it; a
question is answered at threshold t when the gate's relevance is ≥ t (and no other check refused it: those stay
refused at every t). The gate alone: an answered question may still be refused later (every sentence dropped by
the scope check), so the bench's own numbers at the configured threshold can be a little higher.
Writes bench/out/gate_curve/{report.md, results.json, gate_curve.png}.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out" / "gate_curve"
LEVELS = (0.95, 0.9, 0.85)


def verdicts(index: Path, questions: list[dict]) -> tuple[list[dict], float]:
    """{split, negative, relevance, open} per question: open = refused for no other reason than relevance."""
    from assistant.factory import build_assistant, build_library
    from assistant.settings import Settings

    settings = Settings(index_dir=index)
    bot = build_assistant(settings, library=build_library(settings))
    out = []
    for q in questions:
        v = bot.gate.judge(q["question"], bot.passages(q["question"]))
        # Refused as out of scope or for want of passages: no threshold answers it (the scope check is not moved).
        open_ = v.answerable or v.reason == "irrelevant"
        out.append({"split": q["split"], "negative": q["negative"], "relevance": v.relevance if open_ else -1.0})
    return out, settings.min_relevance


def curve(rows: list[dict], split: str) -> list[tuple[float, float, float]]:
    """(threshold, positives answered, negatives refused), for every threshold that changes either."""
    pos = [r["relevance"] for r in rows if r["split"] == split and not r["negative"]]
    neg = [r["relevance"] for r in rows if r["split"] == split and r["negative"]]
    out = []
    for t in sorted({0.0, *(x + 1e-9 for x in pos + neg if x >= 0)}):
        out.append((t, sum(x >= t for x in pos) / len(pos), sum(x < t for x in neg) / len(neg)))
    return out


def best_at(points: list[tuple[float, float, float]], level: float) -> tuple[float, float, float] | None:
    ok = [p for p in points if p[1] >= level]
    return max(ok, key=lambda p: (p[2], p[0])) if ok else None


def at_threshold(points: list[tuple[float, float, float]], t: float) -> tuple[float, float, float]:
    return max((p for p in points if p[0] <= t), key=lambda p: p[0])


def rgb_questions() -> tuple[Path, list[dict]]:
    d = HERE / "out" / "rgb300"
    cases = json.loads((d / "cases.json").read_text(encoding="utf-8"))
    return d / "index-rgb-current", [{"question": c["question"], "split": c["split"], "negative": c["reject"]}
                                     for c in cases if not (c["reject"] and c.get("answer_indexed"))]


def scope_questions() -> tuple[Path, list[dict]]:
    d = HERE / "out" / "big_final"
    cases = json.loads((d / "cases.json").read_text(encoding="utf-8"))
    return d / "index-scope-current", [q for c in cases for q in (
        {"question": c["control"], "split": c["split"], "negative": False},
        {"question": c["trap"], "split": c["split"], "negative": True})]


def plot(curves: dict[str, dict[str, list]], path: Path) -> None:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(9, 4))
    for ax, (suite, by_split) in zip(fig.subplots(1, len(curves), squeeze=False)[0], curves.items(), strict=True):
        for split, points in by_split.items():
            ax.plot([p[1] for p in points], [p[2] for p in points], label=split, drawstyle="steps-post")
        ax.axvline(0.9, color="grey", lw=0.8, ls="--")
        ax.axhline(0.8, color="grey", lw=0.8, ls="--")
        ax.set(title=suite, xlabel="answerable questions answered", ylabel="answer-absent questions refused",
               xlim=(0.5, 1.01), ylim=(0, 1.01))
        ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    t0 = time.perf_counter()
    suites = {"RGB negatives / positives": rgb_questions(), "scope traps / controls": scope_questions()}
    missing = [str(i) for i, _ in suites.values() if not i.exists()]
    if missing:
        sys.exit(f"missing {', '.join(missing)}: run bench/rgb_rejection.py and bench/scope_traps.py first "
                 "(see --help)")
    md = ["| questions | split | at the configured threshold | best with ≥ 95% answered | ≥ 90% | ≥ 85% |",
          "|---|---|---|---|---|---|"]
    curves, results = {}, {}
    for suite, (index, questions) in suites.items():
        rows, configured = verdicts(index, questions)
        for split in ("dev", "test"):
            points = curve(rows, split)
            curves.setdefault(suite, {})[split] = points
            now = at_threshold(points, configured)
            cells = [f"answered {now[1]:.3f}, refused {now[2]:.3f} (t = {configured})"]
            for level in LEVELS:
                b = best_at(points, level)
                cells.append(f"refused {b[2]:.3f} (t = {b[0]:.2f})" if b else "–")
            md.append(f"| {suite} | {split} | " + " | ".join(cells) + " |")
            results[f"{suite} {split}"] = points
    args.out.mkdir(parents=True, exist_ok=True)
    plot(curves, args.out / "gate_curve.png")
    (args.out / "results.json").write_text(json.dumps(results), encoding="utf-8")
    text = "\n".join(md) + f"\n\nwall time: {(time.perf_counter() - t0) / 60:.1f} min\n"
    (args.out / "report.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
