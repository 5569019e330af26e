"""`python -m assistant match --profile profile.json` and `python -m assistant compare KIND`: the finder at the CLI."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from assistant.incentives.profile import FIELD_DOCS, ProfileError, profile_from_dict

_STATUS_ZH = {"eligible": "符合", "needs_info": "需补充信息", "ineligible": "不符合"}


def add_match_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--profile", type=Path, required=True, metavar="FILE",
                   help="company profile JSON; fields: " + ", ".join(FIELD_DOCS))
    p.add_argument("--json", action="store_true", help='print {"profile": …, "items": […]} (amounts in yuan)')
    p.add_argument("--index", metavar="DIR", help="index folder (default: $ASSISTANT_INDEX_DIR or ./index)")


def add_compare_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("kind", help="what the incentive rewards: foreign_investment, export, rent, talent, listing, "
                                "tax_building, rd, intermediary, headquarters, other")
    p.add_argument("--place", action="append", default=[], metavar="NAME",
                   help="a column per place (repeat); default: one per region and policy in the library")
    p.add_argument("--json", action="store_true", help="print the table as JSON")
    p.add_argument("--index", metavar="DIR", help="index folder (default: $ASSISTANT_INDEX_DIR or ./index)")


def read_profile(path: Path):
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ProfileError(f"no file {path}") from None
    except json.JSONDecodeError as exc:
        raise ProfileError(f"{path} is not valid JSON ({exc.msg}, line {exc.lineno})") from None
    return profile_from_dict(data)


def _money(x: float | None) -> str:
    from assistant.incentives.benefit import yuan

    return "—" if x is None else yuan(x)


def print_result(result) -> None:
    from assistant.incentives.match import NO_CLAUSES

    if not result.clause_count:
        print(NO_CLAUSES)
        return
    for it in result.items:
        c = it.clause
        amount = _money(it.amount_cny_max) if it.amount_cny_min == it.amount_cny_max else (
            f"{_money(it.amount_cny_min)}–{_money(it.amount_cny_max)}")
        print(f"[{_STATUS_ZH[it.status]}] 《{c.policy}》{c.article}  {amount}")
        print(f"    {it.benefit}")
        if it.missing:
            print("    缺少：" + ", ".join(it.missing))
        for w in it.warnings:
            print(f"    ⚠ {w}")
        print(f"    引文：“{c.quote}”（{c.source}，第{c.page}页）")
    for n in result.notes:
        print(f"叠加规则：{n}")
    if result.unmatched:
        print(f"另有{result.unmatched}条奖励条款的条件不在企业画像中（如获评荣誉、认定），未列出。")


def run_match(args: argparse.Namespace, settings) -> int:
    from assistant.factory import open_catalog
    from assistant.incentives.match import match
    from assistant.incentives.store import ClauseStore

    profile = read_profile(args.profile)
    result = match(ClauseStore(settings.index_dir, open_catalog(settings)).clauses(), profile)
    if args.json:
        print(json.dumps(result.as_dict(), ensure_ascii=False, indent=1))
    else:
        print_result(result)
    return 0


def run_compare(args: argparse.Namespace, settings) -> int:
    from assistant.factory import open_catalog
    from assistant.incentives.compare import compare, print_table
    from assistant.incentives.store import ClauseStore

    table = compare(ClauseStore(settings.index_dir, open_catalog(settings)).clauses(), args.kind, tuple(args.place))
    if args.json:
        print(json.dumps(table.as_dict(), ensure_ascii=False, indent=1))
    else:
        print_table(table)
    return 0
