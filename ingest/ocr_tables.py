"""Tables on scanned pages: OCR boxes → rows by their vertical centres, columns by the horizontal gaps that run
through every row of the block; the grid is rendered as labelled rows like a text-layer table (ingest/tables.py).

A block is a table only when at least three consecutive rows split into the same two or more columns and its
body holds figures: a scanned brochure's prose lines are one box wide, and two-column prose has no row whose
boxes share column gaps with the rows around it for long."""

from __future__ import annotations

from collections.abc import Sequence
from statistics import median

from assistant.types import TableSpan
from ingest.ocr import OcrBox
from ingest.tables import Grid, PageText, is_number

_MIN_ROWS = 3


def _rows(boxes: Sequence[OcrBox]) -> list[list[OcrBox]]:
    """Boxes on one line (centres within half a line height), each row left to right, rows top to bottom."""
    if not boxes:
        return []
    height = median(b.y1 - b.y0 for b in boxes)
    rows: list[list[OcrBox]] = []
    for box in sorted(boxes, key=lambda b: (b.y0 + b.y1) / 2):
        centre = (box.y0 + box.y1) / 2
        if rows and abs(centre - (rows[-1][-1].y0 + rows[-1][-1].y1) / 2) <= height / 2:
            rows[-1].append(box)
        else:
            rows.append([box])
    return [sorted(r, key=lambda b: b.x0) for r in rows]


def _spans(rows: Sequence[Sequence[OcrBox]]) -> list[tuple[float, float]]:
    """Column spans: the boxes' x-extents of all rows merged where they overlap."""
    spans: list[list[float]] = []
    for box in sorted((b for r in rows for b in r), key=lambda b: b.x0):
        if spans and box.x0 <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], box.x1)
        else:
            spans.append([box.x0, box.x1])
    return [(a, b) for a, b in spans]


def _grid(rows: Sequence[Sequence[OcrBox]], spans: Sequence[tuple[float, float]]) -> Grid:
    grid: Grid = []
    for r, row in enumerate(rows):
        cells = [("", -(r * len(spans) + c) - 1) for c in range(len(spans))]
        for box in row:
            c = next(i for i, (a, b) in enumerate(spans) if a <= box.x0 <= b)
            text = f"{cells[c][0]} {box.text}".strip()
            cells[c] = (text, r * len(spans) + c)
        grid.append(cells)
    return grid


def _table_runs(rows: list[list[OcrBox]]) -> list[tuple[int, int, list[tuple[float, float]]]]:
    """(first row, end row, column spans) of each block of rows that reads as one table."""
    out, i = [], 0
    while i < len(rows):
        j, best = i, None
        while j < len(rows) and len(rows[j]) >= 2:
            spans = _spans(rows[i : j + 1])
            if len(spans) < 2:
                break
            best, j = (j + 1, spans), j + 1
        if best and best[0] - i >= _MIN_ROWS and any(is_number(b.text) for r in rows[i + 1 : best[0]] for b in r):
            out.append((i, best[0], best[1]))
            i = best[0]
        else:
            i += 1
    return out


def ocr_page_text(boxes: Sequence[OcrBox], width: float, prose_lines) -> tuple[str, tuple[TableSpan, ...]]:
    """The page's text with its tables as labelled rows; `prose_lines(boxes, width)` orders everything else."""
    rows = _rows(boxes)
    runs = _table_runs(rows)
    if not runs:
        return "\n".join(prose_lines(list(boxes), width)), ()
    out = PageText()
    last = 0
    for start, end, spans in runs:
        before = prose_lines([b for r in rows[last:start] for b in r], width)
        out.add("\n".join(before))
        out.add_grid(_grid(rows[start:end], spans), before=before)
        last = end
    out.add("\n".join(prose_lines([b for r in rows[last:] for b in r], width)))
    return out.text, tuple(out.tables)
