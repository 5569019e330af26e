"""The `ask` command: one question, or a JSONL batch in order (evaluation suites can be fed as they are)."""

from __future__ import annotations

import argparse
import json
import sys

from assistant.errors import ConfigError
from assistant.settings import Settings
from assistant.types import Answer, Citation, Filters


def _history(raw) -> tuple[tuple[str, str], ...]:
    return tuple((str(u), str(a)) for u, a in (raw or []))


def citation_line(c: Citation) -> str:
    """One citation as a line of plain text (the CLI, and the Sources block of the OpenAI-compatible answer)."""
    where = " ".join(x for x in (f"p.{c.page}", c.table, c.article, c.date) if x)
    return f"[{c.n}] {c.title or c.source} ({c.source}, {where}) “{c.quote[:80]}”"


def _print(answer: Answer, as_json: bool) -> None:
    if as_json:
        print(json.dumps(answer.as_dict(), ensure_ascii=False), flush=True)
        return
    print(answer.text)
    for c in answer.citations:
        print(f"  {citation_line(c)}")
    for w in answer.warnings:
        print(f"  ⚠ {w}")


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.factory import build_assistant

    if not args.question and not args.batch:
        raise ConfigError("question", "missing", 'give a question, e.g. ask "温江区有哪些产业园？", or --batch FILE')
    assistant = build_assistant(settings, mode=args.mode)
    if not assistant.library.docs():  # every answer would be a refusal: say why before giving them
        print(f"note: the index {settings.index_dir} is empty; fill it with `zhaoshang ingest PATH…` "
              "(or `zhaoshang ingest --sample` for the demo corpus)", file=sys.stderr)
    filters = Filters(region=args.region, doc_type=args.doc_type, valid_only=args.valid_only)
    if not args.batch:
        _print(assistant.ask(args.question, filters=filters, k=args.k), args.json)
        return 0
    failed = 0
    for lineno, line in enumerate(args.batch.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            case = json.loads(line)
            question = case["question"]
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            print(f"{args.batch}:{lineno}: skipped, not a JSON object with a `question` ({exc})", file=sys.stderr)
            failed += 1
            continue
        _print(assistant.ask(question, _history(case.get("history")), filters, args.k), args.json)
    return 1 if failed else 0
