"""Compare places: the same kind of incentive across regions or policy versions, side by side, each cell cited,
资料未载明 where a place has none."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.incentives.clauses import IncentiveClause

NOT_STATED = "资料未载明"
KINDS = ("foreign_investment", "export", "rent", "talent", "listing", "tax_building", "rd", "intermediary",
         "headquarters", "other")  # kinds.txt, in its order


@dataclass(frozen=True)
class CompareTable:
    kind: str
    columns: tuple[str, ...]  # one per region (or per policy when one region has several)
    cells: tuple[tuple[IncentiveClause, ...], ...]  # per column, the clauses of that kind

    def as_dict(self) -> dict:
        return {"kind": self.kind, "columns": [
            {"place": col, "cells": [
                {"policy": c.policy, "clause": c.article, "benefit": summary(c), "expires": c.expires,
                 "citation": {"source": c.source, "title": c.policy, "page": c.page, "article": c.article,
                              "quote": c.quote}} for c in cells] or NOT_STATED}
            for col, cells in zip(self.columns, self.cells, strict=True)]}


def summary(c: IncentiveClause) -> str:
    tiers = c.benefit.tiers
    steps = "；".join(f"{t.threshold_text}→{t.text}" if t.threshold_text else t.text for t in tiers)
    cap = f"（{c.benefit.cap_text}）" if c.benefit.cap_text else ""
    return (steps or c.quote[:60]) + cap


def compare(clauses: list[IncentiveClause], kind: str, places: tuple[str, ...] = ()) -> CompareTable:
    """Columns: the places asked (or every place and policy in the library), each with its clauses of `kind`."""
    keys = list(places) or sorted({f"{c.region or '全国'}｜{c.policy}" for c in clauses})
    cells = []
    for key in keys:
        region, _, policy = key.partition("｜")
        cells.append(tuple(c for c in clauses if c.kind == kind and (
            region in (c.region or "全国") if places else (c.region or "全国") == region and c.policy == policy)))
    if not places:  # columns with nothing of this kind say 资料未载明 only when the place has no clause at all
        keep = [i for i, cs in enumerate(cells) if cs] or list(range(len(keys)))
        keys, cells = [keys[i] for i in keep], [cells[i] for i in keep]
    return CompareTable(kind, tuple(keys), tuple(cells))


def print_table(table: CompareTable) -> None:
    for col, cells in zip(table.columns, table.cells, strict=True):
        print(f"== {col}")
        if not cells:
            print(f"  {NOT_STATED}")
        for c in cells:
            print(f"  {c.article}：{summary(c)}")
            print(f"    引文：“{c.quote[:120]}”（{c.source}，第{c.page}页）")
