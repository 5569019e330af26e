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


def render_table(table: html.HtmlElement, before: str) -> RenderedTable | None:
    """Lines of a data table; its caption is the <caption> or the text just above it (`before`)."""
    grid = data_grid(table)
    if grid is None:
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
