"""Ruled tables in text-layer PDF pages (pdfplumber): the page's text rebuilt with each table as labelled rows.

pdfplumber was chosen by measurement (bench/table_extraction.py on 14 real government PDFs): it finds the ruled
tables of budgets and disclosure reports with their merged header cells, at ~50 ms a page; PyMuPDF's finder was
5-10× slower (and AGPL). A page without a ruled table keeps pypdf's text untouched.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from assistant.types import TableSpan
from ingest.tables import Carry, Grid, PageText, cell_text, is_number

# "…预算表编制部门：…" — a caption the line joiner ran into the 编制部门 line under it: split them again.
_BY_LINE = re.compile(r"([^\n]{4,}?(?:表|情况))(编制(?:部门|单位)[：:][^\n]*)$")
_PAGE_NUMBER = re.compile(r"^[-—–\s]*\d{1,4}[-—–\s]*$|^第\s*\d+\s*页")


@dataclass(frozen=True)
class TablePage:
    text: str
    tables: tuple[TableSpan, ...]


def _edges(values: list[float], end: float) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > 1.0:
            out.append(v)
    return out + [end]


def table_grid(table, fix: Callable[[str], str]) -> Grid:
    """The full grid of a pdfplumber table: every position covered by a merged cell gets that cell's text and id."""
    texts = table.extract()
    text_of = {}
    for r, row in enumerate(table.rows):
        for c, bbox in enumerate(row.cells):
            if bbox is not None:
                text_of[bbox] = cell_text(fix(texts[r][c] or ""))
    xs = _edges([b[0] for b in table.cells], table.bbox[2])
    ys = _edges([b[1] for b in table.cells], table.bbox[3])
    cx = [(a + b) / 2 for a, b in zip(xs, xs[1:], strict=False)]
    cy = [(a + b) / 2 for a, b in zip(ys, ys[1:], strict=False)]
    grid: Grid = [[("", -(r * len(cx) + c) - 1) for c in range(len(cx))] for r in range(len(cy))]
    for ident, bbox in enumerate(table.cells):
        x0, top, x1, bottom = bbox
        text = text_of.get(bbox, "")
        for r, y in enumerate(cy):
            if top < y < bottom:
                for c, x in enumerate(cx):
                    if x0 < x < x1:
                        grid[r][c] = (text, ident)
    return grid


def _region_text(page, top: float, bottom: float, boxes: list[tuple]) -> str:
    """Text of the characters whose centre lies between top and bottom and outside every table."""
    def keep(obj) -> bool:
        if obj.get("object_type") != "char":
            return True
        x, y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        inside = any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in boxes)
        return top <= y < bottom and not inside

    return page.filter(keep).extract_text() or ""


def _continued(grid: Grid, lines_above: list[str], carry: Carry | None) -> tuple[Grid, list[str]]:
    """A table at the top of a page with the previous page's table's columns goes on from it."""
    if carry is None or not carry.header or any(not _PAGE_NUMBER.match(ln.strip()) for ln in lines_above):
        return grid, lines_above
    if len(carry.header[0]) != len(grid[0]):
        return grid, lines_above
    header_repeated = not any(is_number(t) for t, _ in grid[0])
    rows = grid if header_repeated else [list(r) for r in carry.header] + grid
    caption = [carry.caption, f"单位：{carry.unit}"] if carry.unit else [carry.caption]
    return rows, [c for c in caption if c]


def page_with_tables(page, fix: Callable[[str], str], prose: Callable[[str], str],
                     carry: Carry | None) -> tuple[TablePage | None, Carry | None]:
    """The page text with its ruled tables rendered row by row (None when the page has none), and what a
    table going on over the next page needs. `fix` repairs extracted characters; `prose` tidies text lines."""
    tables = sorted(page.find_tables(), key=lambda t: t.bbox[1])
    if not tables:
        return None, None
    boxes = [t.bbox for t in tables]
    out = PageText(prose=lambda text: prose(fix(text)))
    top = float("-inf")
    for n, table in enumerate(tables):
        above = _BY_LINE.sub(r"\1\n\2", prose(fix(_region_text(page, top, table.bbox[1], boxes))))
        out.add(above)
        lines = [ln for ln in above.split("\n") if ln.strip()]
        grid = table_grid(table, fix)
        if n == 0:
            grid, lines = _continued(grid, lines, carry)
        out.add_grid(grid, before=lines)
        top = table.bbox[3]
    out.add(prose(fix(_region_text(page, top, float("inf"), boxes))))
    if not out.tables:
        return None, None
    return TablePage(out.text, tuple(out.tables)), out.last
