"""Data tables in HTML (<table> with rowspan/colspan) → labelled row lines; layout tables are left alone."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import html

from assistant.types import TableSpan
from ingest.tables import Grid, PageText, cell_text

_MAX_CELL = 200  # a cell this long holds an article: the <table> is page layout, not data


@dataclass(frozen=True)
class RenderedTable:
    """A data table's lines (caption excluded) and its span relative to their "\\n"-joined text."""

    lines: tuple[str, ...]
    spans: tuple[TableSpan, ...]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def _rows(table: html.HtmlElement) -> list[html.HtmlElement]:
    return [tr for tr in table.iter("tr") if _owner(tr) is table]


def _owner(el: html.HtmlElement) -> html.HtmlElement | None:
    parent = el.getparent()
    while parent is not None and parent.tag != "table":
        parent = parent.getparent()
    return parent


def _span(el: html.HtmlElement, name: str) -> int:
    try:
        return max(1, min(int(el.get(name, "1")), 50))
    except ValueError:
        return 1


def data_grid(table: html.HtmlElement) -> Grid | None:
    """The cell grid of a data table (merged cells repeated with one id), or None for a layout table."""
    if any(True for _ in table.iterdescendants("table")):
        return None
    taken: dict[tuple[int, int], tuple[str, int]] = {}
    ident = 0
    rows = _rows(table)
    for r, tr in enumerate(rows):
        c = 0
        for td in tr:
            if td.tag not in ("td", "th"):
                continue
            text = cell_text(td.text_content())
            if len(text) > _MAX_CELL:
                return None
            while (r, c) in taken:
                c += 1
            for dr in range(_span(td, "rowspan")):
                for dc in range(_span(td, "colspan")):
                    taken[(r + dr, c + dc)] = (text, ident)
            ident += 1
            c += _span(td, "colspan")
    if not taken:
        return None
    height = min(max(r for r, _ in taken) + 1, len(rows))
    width = max(c for _, c in taken) + 1
    grid = [[taken.get((r, c), ("", -(r * width + c) - 1)) for c in range(width)] for r in range(height)]
    return grid if height >= 2 and width >= 2 else None


def _looks_like_data(table: html.HtmlElement, grid: Grid) -> bool:
    """Link lists, login forms and "索引号：| … | 分类：| …" info boxes are laid out in tables too; data tables
    have few links, a header that is not a row of "label：" prompts, and a <th> or figures in their cells."""
    text = "".join(table.text_content().split())
    links = sum(len("".join(a.text_content().split())) for a in table.iter("a"))
    if not text or links > 0.3 * len(text):
        return False
    if any(t.rstrip().endswith(("：", ":", "？")) or len(t) > 60 for t, _ in grid[0] if t):
        return False  # prompts of a form, or a paragraph: not column labels
    cells = [t for row in grid[1:] for t, _ in row if t]
    figures = sum(1 for t in cells if any(ch.isdigit() for ch in t))
    return any(True for _ in table.iter("th")) or figures * 10 >= 3 * max(len(cells), 1)


def render_table(table: html.HtmlElement, before: str) -> RenderedTable | None:
    """Lines of a data table; its caption is the <caption> or the text just above it (`before`)."""
    grid = data_grid(table)
    if grid is None or not _looks_like_data(table, grid):
        return None
    caption = table.find("caption")
    context = [cell_text(caption.text_content())] if caption is not None else [before]
    out = PageText()
    out.add_grid(grid, before=context)
    if not out.tables:
        return None
    return RenderedTable(tuple(out.lines), tuple(out.tables))


def locate(text: str, tables: list[RenderedTable]) -> tuple[TableSpan, ...]:
    """Spans of the rendered tables inside the cleaned main text (tables cut out with the page furniture, or
    changed by cleaning, are not reported)."""
    from dataclasses import replace

    found: list[TableSpan] = []
    cursor = 0
    for table in tables:
        at = text.find(table.text, cursor)
        if at < 0:
            continue
        found.extend(replace(s, start=s.start + at, end=s.end + at) for s in table.spans)
        cursor = at + len(table.text)
    return tuple(found)
