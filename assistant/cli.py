"""`python -m assistant …`: ingest, docs, delete, ask, eval — domain errors become one line and exit 2."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from assistant.errors import AssistantError, ConfigError
from assistant.settings import Settings
from assistant.types import DOC_TYPES

EPILOG = """examples:
  python -m assistant ingest data/sample ~/policies/*.pdf
  python -m assistant ingest --sample          # the demo corpus shipped with the package
  python -m assistant docs
  python -m assistant ask "金牛区的母基金规模是多少？"
  python -m assistant ask "What funds does Jinniu offer?" --json
  python -m assistant ask --batch questions.jsonl --json > answers.jsonl
  python -m assistant eval tests/gold/demo_suite.jsonl --out runs/demo
  python -m assistant serve --port 7860        # the web app (same as `python app.py`)
  python -m assistant match --profile profile.json --json

Settings come from ASSISTANT_* environment variables or .env (see README); --index overrides ASSISTANT_INDEX_DIR."""


def _settings(args: argparse.Namespace) -> Settings:
    s = Settings()
    if getattr(args, "index", None):
        s = s.model_copy(update={"index_dir": Path(args.index)})
    return s


def _add_index(p: argparse.ArgumentParser) -> None:
    p.add_argument("--index", metavar="DIR", help="index folder (default: $ASSISTANT_INDEX_DIR or ./index)")


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="python -m assistant", description="招商政策助手 — investment-policy assistant with cited answers.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = ap.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("ingest", help="index files or folders (PDF, HTML, DOCX, TXT, MD, JSONL); idempotent")
    p.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    p.add_argument("--sample", action="store_true",
                   help="also index the demo corpus shipped with the package (ASSISTANT_SAMPLE_DIR)")
    p.add_argument("--rebuild", action="store_true", help="empty the index first (embeddings stay cached)")
    _add_index(p)

    p = sub.add_parser("docs", help="list documents: type, region, dates, validity, status, chunks, tables, errors")
    p.add_argument("--json", action="store_true", help="one JSON object per document")
    _add_index(p)

    p = sub.add_parser("delete", help="remove a document (doc_id, path or file name) from the index")
    p.add_argument("doc")
    _add_index(p)

    p = sub.add_parser("ask", help="answer a question with citations (or a JSONL batch)")
    p.add_argument("question", nargs="?", help="the question (Chinese or English)")
    p.add_argument("--batch", type=Path, metavar="FILE",
                   help="JSONL with `question` and optional `history` [[user, assistant], ...] per line")
    p.add_argument("--json", action="store_true", help="print JSON (one object per question)")
    p.add_argument("--region", default="", help="only documents of this province/city/district, e.g. 温江区")
    p.add_argument("--type", dest="doc_type", default="", choices=("",) + DOC_TYPES, help="only this type")
    p.add_argument("--valid-only", action="store_true", help="skip expired and repealed documents")
    p.add_argument("--k", type=int, default=None, help="passages to use (default: ASSISTANT_TOP_K)")
    p.add_argument("--mode", default="hybrid", choices=("hybrid", "dense", "bm25"), help="retriever")
    _add_index(p)

    from assistant.incentives import command as finder_command

    p = sub.add_parser("match", help="incentive finder: what a company profile can claim, each line cited")
    finder_command.add_match_arguments(p)
    p = sub.add_parser("compare", help="the same kind of incentive across places and policies, side by side")
    finder_command.add_compare_arguments(p)

    from assistant.evaluation import command as eval_command

    p = sub.add_parser("eval", help="run a Q&A suite and write metrics, plots and reports",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    eval_command.add_arguments(p)
    p = sub.add_parser("eval-import", help="convert a public benchmark (ncp, rgb) into a suite")
    eval_command.add_import_arguments(p)

    from assistant.web.launch import DESCRIPTION, add_arguments

    add_arguments(sub.add_parser("serve", help=DESCRIPTION))
    return ap


def console_progress(desc: str):
    """A tqdm bar driven by the ingest progress callback (done, total, file name); returns (callback, bar)."""
    from tqdm import tqdm

    bar = tqdm(total=0, unit="file", desc=desc, disable=None)

    def progress(done: int, total: int, name: str) -> None:
        bar.total = total
        bar.n = done
        bar.set_postfix_str(name[:40])
        bar.refresh()

    return progress, bar


def cmd_ingest(args: argparse.Namespace) -> int:
    from assistant.factory import build_library

    settings = _settings(args)
    paths = list(args.paths) + ([settings.sample_dir] if args.sample else [])
    if not paths:
        raise ConfigError("PATH", "none given", "name files or folders to index, or --sample for the demo corpus")
    lib = build_library(settings)
    progress, bar = console_progress("ingest")
    report = lib.ingest(paths, rebuild=args.rebuild, progress=progress)
    bar.close()
    print(report.summary_line())
    for path, twin in report.duplicate:
        print(f"  duplicate: {path} has the same content as {twin} (not indexed twice)")
    for path, why in report.skipped[:20]:
        print(f"  skipped {path}: {why}")
    for _path, reason in report.failed:
        print(f"  FAILED: {reason}", file=sys.stderr)
    return 0 if report.ok else 1


def cmd_docs(args: argparse.Namespace) -> int:
    from assistant.factory import build_library

    docs = build_library(_settings(args)).docs()
    if args.json:
        for d in docs:
            print(json.dumps(d.as_dict(), ensure_ascii=False))
        return 0
    from rich.console import Console
    from rich.table import Table

    t = Table(title=f"{len(docs)} documents")
    for col in ("doc_id", "title", "type", "region", "published", "validity", "status", "chunks", "tables", "note"):
        t.add_column(col, overflow="fold")
    for d in docs:
        note = d.error or (f"duplicate of {d.duplicate_of}" if d.duplicate_of else "") or (
            f"superseded by {d.superseded_by}" if d.superseded_by else "")
        t.add_row(d.doc_id, d.title[:40], d.doc_type, d.region.label(), d.published, d.validity_status(),
                  d.status, str(d.chunk_count), str(d.table_count), note)
    Console().print(t)
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    from assistant.factory import build_library

    rec = build_library(_settings(args)).delete(args.doc)
    print(f"deleted {rec.doc_id} ({rec.chunk_count} chunks)")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handlers = {"ingest": cmd_ingest, "docs": cmd_docs, "delete": cmd_delete}
    if args.command == "serve":
        from assistant.web.launch import serve

        return serve(args)
    try:
        if args.command in handlers:
            return handlers[args.command](args)
        if args.command == "ask":
            from assistant.cli_ask import cmd_ask

            return cmd_ask(args, _settings(args))
        if args.command in ("match", "compare"):
            from assistant.incentives import command as finder_command

            run = finder_command.run_match if args.command == "match" else finder_command.run_compare
            return run(args, _settings(args))
        from assistant.evaluation import command as eval_command

        return eval_command.run(args) if args.command == "eval" else eval_command.run_import(args)
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
