"""Tables as text: a cell grid (from PDF, DOCX or HTML) → one labelled line per row, plus where it sits.

A row becomes one sentence-like line that names its cells, e.g.
"一、财政拨款收入：本年收入预算数 371,514,655.00元｜一、一般公共服务支出：本年支出预算数 21,601,733.00元。"
so that a chunk holding any rows of a long table still says what each number is (its row label, its column
labels and the unit the caption area states), and an extractive answer can quote one row. The caption goes into
TableSpan (chunks carry it as their heading); the header rows are not repeated as a line of their own.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from assistant.types import TableSpan

Cell = tuple[str, int]  # (text, id): positions covered by one merged cell share its id
Grid = list[list[Cell]]

_NUMBER = re.compile(r"^[-+－]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?$")
_CODE = re.compile(r"^\d{1,6}$")  # 功能分类科目编码 201 / 13 / 01: a label, not an amount
_UNIT = re.compile(r"(?:金额)?单位\s*[：:]\s*(亿元|万元|千元|元)")
_COLUMN_UNIT = re.compile(r"[（(](?:单位\s*[：:]\s*)?(亿元|万元|千元|元|个|件|人|次|项|%)[)）]")
_NOT_AMOUNT = re.compile(r"率|比例|比重|%|人数|个数|数量|件数|编码|代码|序号|栏次|年度|年份")
_CAPTION_TAIL = re.compile(r"\s*(?:编制(?:部门|单位)|(?:金额)?单位)\s*[：:]")  # a caption line run into the next
_TITLE_END = re.compile(r"[。；;！？!?，,]$")
_CJK_EDGE = re.compile(r"[\u3400-\u9fff（）“”：、]")
_CJK_GAP = re.compile(r"(?<=[\u3400-\u9fff]) (?=[\u3400-\u9fff])")
_ROW_SEP, _CELL_SEP = "｜", "，"


def cell_text(raw: str | None) -> str:
    """One line per cell: wrapped lines joined without a space between Chinese characters."""
    parts = [p.strip() for p in (raw or "").replace("\r", "\n").split("\n") if p.strip()]
    out = ""
    for part in parts:
        glue = "" if out and (_CJK_EDGE.match(out[-1]) or _CJK_EDGE.match(part[0])) else " "
        out = out + glue + part if out else part
    return _CJK_GAP.sub("", " ".join(out.split()))  # "总 计" → "总计": a gap the PDF's spacing left


def is_number(text: str) -> bool:
    return bool(_NUMBER.match(text.replace(" ", "")))


def unit_in(line: str) -> str:
    """The unit a caption-area line states ("编制部门：… 单位：元" → 元), else ''."""
    m = _UNIT.search(line)
    return m[1] if m else ""


def caption_from(lines: Sequence[str]) -> tuple[str, str]:
    """(caption, unit) from the lines just above a table: the nearest title-like line and any 单位 line."""
    unit = ""
    for line in reversed(lines[-3:]):
        line = line.strip()
        if not line:
            continue
        unit = unit or unit_in(line)
        head = _CAPTION_TAIL.split(line)[0].strip().rstrip("（(［[ ")  # "…预算表编制部门：… 单位：万元" when lines ran together
        if not head:
            continue  # "编制部门：… 单位：元" on a line of its own
        if len(head) <= 60 and not _TITLE_END.search(head) and not is_number(head):
            return head, unit
        break
    return "", unit


@dataclass
class Piece:
    """What a grid splits into: a line of text (a full-width row) or a block of real table rows."""

    text: str = ""
    rows: list[list[Cell]] = field(default_factory=list)


def split_grid(grid: Grid) -> list[Piece]:
    """Rows whose one cell spans the whole width (section titles, prose framed by the table's border) become
    lines; runs of the other rows become table blocks."""
    pieces: list[Piece] = []
    for row in grid:
        texts = [t for t, _ in row]
        if not any(texts):
            continue
        if len({i for _, i in row}) == 1:
            pieces.append(Piece(text=next(t for t in texts if t)))
            continue
        if not pieces or not pieces[-1].rows:
            pieces.append(Piece())
        pieces[-1].rows.append(row)
    return pieces


def _header_count(rows: list[list[Cell]]) -> int:
    for k, row in enumerate(rows):
        if any(is_number(t) for t, _ in row):
            return min(max(k, 1), len(rows) - 1)
    return 1


def _column_parts(header: list[list[Cell]]) -> list[tuple[str, ...]]:
    """Each column's header texts top to bottom (a merged parent repeated over its columns only once)."""
    columns = []
    for c in range(len(header[0])):
        parts: list[str] = []
        for row in header:
            text = row[c][0]
            if text and text not in parts:
                parts.append(text)
        columns.append(tuple(parts))
    return columns


def _label_columns(body: list[list[Cell]]) -> set[int]:
    """Columns that name the row: mostly text, or integer codes in front of the first text column."""
    width = len(body[0])
    values = [[r[c][0] for r in body if r[c][0]] for c in range(width)]
    text_cols = {c for c, vs in enumerate(values) if vs and sum(not is_number(v) for v in vs) * 2 >= len(vs)}
    if not text_cols:
        return set()
    if len(text_cols) == width:  # all text (奖励标准 "最高500万元"): the first column names the row
        return {0}
    first = min(text_cols)
    # a 合计 cell merged across the code and name columns is the name, not a code
    own = [[r[c][0] for r in body if r[c][0] and r[c][1] != r[first][1]] for c in range(first)]
    codes = {c for c in range(first) if own[c] and all(_CODE.match(v) for v in own[c])}
    return text_cols | codes


def _units(labels: list[str], table_unit: str) -> list[tuple[str, bool]]:
    """Per column: (unit, for every number) — a column's own （万元） wins over the caption's 单位."""
    out = []
    for label in labels:
        m = _COLUMN_UNIT.search(label)
        if m:
            out.append((m[1], True))
        else:
            out.append(("" if _NOT_AMOUNT.search(label) else table_unit, False))
    return out


def _value(text: str, unit: tuple[str, bool]) -> str:
    name, every = unit
    plain = text.replace(",", "").lstrip("-+－")
    zero = not plain.strip("0.")
    return text + name if name and is_number(text) and (every or not zero) and not text.endswith("%") else text


def _label(parts: tuple[str, ...], said: tuple[str, ...]) -> str:
    """A column's label without the parent labels the row just said ("收入预算合计 …，财政拨款收入 …")."""
    k = 0
    while k < min(len(parts), len(said)) - 1 and parts[k] == said[k]:
        k += 1
    return "".join(parts[k:])


def _row_line(row: list[Cell], columns: list[tuple[str, ...]], label_cols: set[int],
              units: list[tuple[str, bool]]) -> str:
    """"row label：column value，column value｜next row label：…。" — empty cells left out."""
    groups: list[tuple[list[str], list[str]]] = []
    said: tuple[str, ...] = ()
    for c, (text, cid) in enumerate(row):
        if c > 0 and row[c - 1][1] == cid:
            continue  # the rest of a cell merged across columns
        is_label = c in label_cols
        if not groups or (is_label and c - 1 not in label_cols):
            groups.append(([], []))  # each run of label columns names the value columns after it
            said = ()
        if not text:
            continue
        if is_label:
            groups[-1][0].append(text)
        else:
            value, label = _value(text, units[c]), _label(columns[c], said)
            groups[-1][1].append(f"{label} {value}" if label else value)
            said = columns[c]
    parts = []
    for names, values in groups:
        name = " ".join(names)
        if name and values:
            parts.append(f"{name}：{_CELL_SEP.join(values)}")
        elif name or values:
            parts.append(name or _CELL_SEP.join(values))
    return _ROW_SEP.join(parts) + "。" if parts else ""


def render_rows(rows: list[list[Cell]], unit: str = "") -> tuple[list[str], list[str]]:
    """(one labelled line per body row, column labels) of a table block."""
    k = _header_count(rows)
    header, body = rows[:k], rows[k:]
    columns = _column_parts(header)
    labels = ["".join(parts) for parts in columns]
    label_cols = _label_columns(body)
    units = _units(labels, unit)
    lines = (_row_line(row, columns, label_cols, units) for row in body)
    return [line for line in lines if line], labels


def is_table(rows: list[list[Cell]]) -> bool:
    """At least two rows and two columns with content: anything less reads better as plain lines."""
    if len(rows) < 2:
        return False
    filled_cols = {c for r in rows for c, (t, _) in enumerate(r) if t}
    return len(filled_cols) >= 2


@dataclass
class Carry:
    """The last table of a page: a table that goes on over the page break keeps its caption, unit and header."""

    caption: str = ""
    unit: str = ""
    header: tuple[tuple[Cell, ...], ...] = ()


class PageText:
    """Builds one page's text from prose lines and rendered tables, remembering each table's span."""

    def __init__(self, prose: Callable[[str], str] = lambda text: text) -> None:
        self.prose = prose  # how the loader tidies text lines (PDF: joins hard-wrapped lines)
        self.lines: list[str] = []
        self.size = 0
        self.tables: list[TableSpan] = []
        self.last = Carry()

    def add(self, text: str) -> None:
        for line in text.split("\n"):
            if line.strip():
                self.size += len(line) + (1 if self.lines else 0)
                self.lines.append(line)

    def add_table(self, rows: list[list[Cell]], caption: str, unit: str) -> TableSpan | None:
        lines, labels = render_rows(rows, unit)
        if not lines:
            return None
        start = self.size + (1 if self.lines else 0)
        self.add("\n".join(lines))
        span = TableSpan(start, self.size, caption, unit, tuple(labels), len(lines))
        self.tables.append(span)
        self.last = Carry(caption, unit, tuple(tuple(r) for r in rows[:_header_count(rows)]))
        return span

    def add_grid(self, grid: Grid, before: Sequence[str] = ()) -> None:
        """A grid that may hold title rows and several blocks; `before` are the text lines above it."""
        context = list(before)
        prose: list[str] = []
        for piece in split_grid(grid):
            if piece.text:
                prose.append(piece.text)
                context.append(piece.text)
                continue
            self.add(self.prose("\n".join(prose)))
            prose = []
            if is_table(piece.rows):
                caption, unit = caption_from(context)
                self.add_table(piece.rows, caption, unit)
                context = []
            else:
                for row in piece.rows:
                    self.add(" ".join(dict.fromkeys(t for t, _ in row if t)))
        self.add(self.prose("\n".join(prose)))

    @property
    def text(self) -> str:
        return "\n".join(self.lines)
