"""CLI glue for `python -m assistant eval …` and `python -m assistant eval-import …`."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path

from assistant.errors import AssistantError
from assistant.evaluation.metrics import METRIC_HELP, missed_bars, parse_bars
from assistant.evaluation.runner import AskFn

_EPILOG = "metrics for --fail-under (K = --k; latency bars are upper bounds):\n" + "\n".join(
    f"  {name:<26}{text}" for name, text in METRIC_HELP.items()
) + "\n\nexit codes: 0 ok · 1 a --fail-under bar was missed · 2 bad suite or arguments"


def _add_index(parser: argparse.ArgumentParser) -> None:
    # The top-level CLI may already define --index for every command; add it only when missing.
    if "--index" not in parser._option_string_actions:
        parser.add_argument("--index", type=Path, default=None, help="index folder (default: settings)")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of `eval`: run a suite, or --compare two runs."""
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = _EPILOG
    parser.add_argument("suite", nargs="?", type=Path, help="suite JSONL (one case per line)")
    _add_index(parser)
    parser.add_argument("--out", type=Path, default=None, help="report folder (default: eval-runs/SUITE-TIME)")
    parser.add_argument("--k", type=int, default=5, help="retrieval depth for hit@k and MRR (default 5)")
    parser.add_argument("--fail-under", nargs="+", action="extend", default=[], metavar="METRIC=VALUE",
                        help="exit 1 when a metric misses its bar, e.g. hit@5=0.8 fact_recall=0.7 "
                             "refusal_accuracy=0.9 latency_p95_ms=3000 (names listed below)")
    parser.add_argument("--mode", default="hybrid", choices=("hybrid", "dense", "bm25"),
                        help="retriever to evaluate (dense/bm25 are baselines; default hybrid)")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("RUN_A", "RUN_B"),
                        help="compare two --out folders question by question instead of running")


def _settings(index: Path | None):
    from assistant.settings import Settings

    settings = Settings()
    return settings.model_copy(update={"index_dir": Path(index)}) if index else settings


def _print_summary(summary: dict, paths: dict[str, Path]) -> None:
    metrics = summary["overall"]["metrics"]
    shown = ["hit@1", f"hit@{summary['k']}", "mrr", "citation_precision", "citation_recall", "fact_recall",
             "answer_rate", "rejection_rate", "grounding", "latency_p95_ms"]
    parts = [f"{n}={metrics[n]:.0f}" if n.endswith("_ms") else f"{n}={metrics[n]:.3f}"
             for n in shown if metrics.get(n) is not None]
    print(f"{summary['overall']['cases']} cases, {summary['passed']} passed every check: " + " ".join(parts))
    if summary["hits_max"] < summary["k"]:
        print(f"note: answers carry at most {summary['hits_max']} retrieved passages, so hit@{summary['k']}"
              f" is really hit@{summary['hits_max']}", file=sys.stderr)
    if summary["errors"]:
        print(f"warning: {summary['errors']} cases raised an error (scored 0; see results.jsonl)", file=sys.stderr)
    print(f"report: {paths['report_html']}  (also report.md, results.jsonl, summary.json)")


def evaluate_suite(suite: Path, ask: AskFn, out: Path | None = None, k: int = 5,
                   fail_under: Sequence[str] = (), meta: dict | None = None) -> int:
    """Run a suite file through ask() with a progress bar, write reports, check bars; returns the exit code."""
    from tqdm import tqdm

    from assistant.evaluation.report import write_reports
    from assistant.evaluation.runner import run_suite
    from assistant.evaluation.suite import load_suite

    bars = parse_bars(fail_under, k)  # before the long run, so a typo fails fast
    cases = load_suite(suite)
    with tqdm(total=len(cases), desc="eval", unit="q") as bar:
        run = run_suite(cases, ask, k=k, progress=lambda done, total: bar.update(1), suite=str(suite))
    run.meta = dict(meta or {})
    out = out or Path("eval-runs") / f"{suite.stem}-{dt.datetime.now():%Y%m%d-%H%M%S}"
    paths = write_reports(run, out)
    summary = run.summary()
    _print_summary(summary, paths)
    missed = missed_bars(summary["overall"]["metrics"], bars)
    for line in missed:
        print(f"FAILED bar: {line}", file=sys.stderr)
    return 1 if missed else 0


def _evaluate(args: argparse.Namespace) -> int:
    from assistant.factory import build_assistant  # heavy: imported only when a suite really runs

    parse_bars(args.fail_under, args.k)  # fail on a typo before loading models
    index = getattr(args, "index", None)
    if index and not Path(index).is_dir():  # a typo would otherwise evaluate a fresh, empty index
        raise AssistantError(f"--index {index}: no such folder. Fix: ingest first "
                             f"(`python -m assistant ingest FILES --index {index}`) or correct the path")
    settings = _settings(index)
    assistant = build_assistant(settings, mode=args.mode)
    meta = {"index": str(settings.index_dir), "llm": settings.llm_enabled, "mode": args.mode,
            "embedding_model": settings.embedding_model_id}
    return evaluate_suite(args.suite, assistant.ask, args.out, args.k, args.fail_under, meta)


def run(args: argparse.Namespace) -> int:
    """Entry point of `eval`; returns the exit code."""
    try:
        if args.compare:
            from assistant.evaluation.compare import compare_runs, format_comparison

            print(format_comparison(compare_runs(*args.compare)), end="")
            return 0
        if args.suite is None:
            print("error: give a suite JSONL, or --compare RUN_A RUN_B", file=sys.stderr)
            return 2
        return _evaluate(args)
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def add_import_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of `eval-import {ncp,rgb} DIR --out suite.jsonl`."""
    parser.add_argument("dataset", choices=("ncp", "rgb"), help="ncp = NCP policy QA, rgb = RGB zh")
    parser.add_argument("dir", type=Path, help="dataset folder (e.g. ../shared/data/rgb_zh)")
    parser.add_argument("--out", type=Path, required=True, help="suite JSONL to write")
    parser.add_argument("--limit", type=int, default=None, help="number of cases (random, see --seed)")
    parser.add_argument("--corpus-out", type=Path, default=None,
                        help="also write the passages/documents to ingest, as JSONL records {id, text}")
    parser.add_argument("--subset", choices=("refine", "int", "fact"), default="refine", help="RGB file")
    parser.add_argument("--unanswerable", type=float, default=0.2,
                        help="share of cases that should be refused (default 0.2)")
    parser.add_argument("--distractors", type=int, default=None,
                        help="NCP: documents besides the gold ones in --corpus-out (default: as many as gold)")
    parser.add_argument("--seed", type=int, default=0, help="random seed for case selection")


def run_import(args: argparse.Namespace) -> int:
    """Entry point of `eval-import`; returns the exit code."""
    from assistant.evaluation.importers import import_ncp, import_rgb, write_imported

    if not 0 <= args.unanswerable <= 1:
        print(f"error: --unanswerable {args.unanswerable}: must be between 0 and 1", file=sys.stderr)
        return 2
    try:
        if args.dataset == "ncp":
            result = import_ncp(args.dir, args.limit, args.unanswerable, args.seed,
                                with_corpus=args.corpus_out is not None, distractors=args.distractors)
        else:
            result = import_rgb(args.dir, args.subset, args.limit, args.unanswerable, args.seed)
        write_imported(result, args.out, args.corpus_out)
    except (AssistantError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {len(result.cases)} cases to {args.out}")
    for note in result.notes:
        print(f"note: {note}")
    if args.corpus_out:
        print(f"wrote {len(result.corpus)} corpus records to {args.corpus_out}\nnext:\n"
              f"  python -m assistant ingest {args.corpus_out} --index INDEX_DIR\n"
              f"  python -m assistant eval {args.out} --index INDEX_DIR --out RUN_DIR")
    return 0
