"""Split a document into retrieval chunks: whole sentences, whole clauses when they fit, exact page slices."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.types import Chunk, DocInfo, Page, TableSpan

_NUM = "一二三四五六七八九十百零〇"
_ARTICLE = re.compile(rf"^第[{_NUM}\d]+条")
_CHAPTER = re.compile(rf"^第[{_NUM}\d]+[章节编]")
_MARKERS = (  # clause markers of policy documents, outermost first
    re.compile(rf"^[{_NUM}]+、"),
    re.compile(rf"^[（(][{_NUM}]+[)）]"),
    re.compile(r"^\d{1,2}(?:[.．、](?!\d)|\s)"),
)
_MARKDOWN_HEADING = re.compile(r"^#{1,6}(?:\s+|$)")
_SENTENCE = re.compile(r"[^。！？；!?;]+(?:[。！？；!?;]+[”’」』）)】》\"']*)?|[。！？；!?;]+")
_SENTENCE_END = "。！？；!?;"
_SOFT_BREAKS = "，、,：:"
_SHORT_LINE = 30  # an unpunctuated line this short is a heading or a lead-in, never a passage of its own


@dataclass
class _Unit:
    page: int  # index into pages
    start: int
    end: int
    kind: str  # text | head (structural heading) | lead (short unpunctuated line)
    marker: str = ""  # 第十二条 / 一、/ （二）/ 1. when this unit opens a clause
    title: str = ""  # heading text when kind == head
    opens: bool = False  # starts a new clause (chunks never straddle clauses)
    segment: int = 0  # increases at every skipped marker line (<!-- page … -->): chunks never straddle one
    article: str = ""
    heading: str = ""
    table: str = ""  # label of the table this row belongs to (rows never share a chunk with prose)


def split_document(pages: Sequence[Page], doc: DocInfo, target_chars: int = 320) -> list[Chunk]:
    """Chunks of about target_chars that never cut a sentence, carry article and heading, and slice one page."""
    units = [u for i, p in enumerate(pages) for u in _page_units(i, p, target_chars)]
    _assign_context(units)
    groups = _pack(units, target_chars)
    chunks = []
    for ordinal, group in enumerate(groups):
        page = pages[group[0].page]
        start, end = group[0].start, group[-1].end
        context = next((u for u in group if u.kind == "text"), group[-1])
        chunks.append(Chunk(
            chunk_id=f"{doc.doc_id}#{ordinal}", doc=doc, ordinal=ordinal, text=page.text[start:end],
            page=page.number, start=start, end=end, article=context.article, heading=context.heading,
            table=context.table,
        ))
    return chunks


def _lines(text: str) -> list[tuple[int, int, int]]:
    """(start, end, segment) of each non-blank line with surrounding whitespace removed."""
    out, pos, segment = [], 0, 0
    for raw in text.split("\n"):
        stripped = raw.strip()
        if stripped.startswith("<!--") and stripped.endswith("-->"):
            segment += 1  # a page marker of a converted flipbook/markdown: not text, and a boundary
        elif stripped:
            lead = len(raw) - len(raw.lstrip())
            out.append((pos + lead, pos + lead + len(stripped), segment))
        pos += len(raw) + 1
    return out


def _table_units(page: int, table: TableSpan, text: str, target: int) -> list[_Unit]:
    """A table's rows: each a sentence-like unit headed by the caption, never a clause marker of its own."""
    units = []
    for ls, le, seg in _lines(text[: table.end]):
        if ls < table.start:
            continue
        for s, e in _sentences(text, ls, le, target):
            units.append(_Unit(page, s, e, "text", segment=seg, heading=table.caption or table.label,
                               table=table.label, opens=not units))
    return units


def _page_units(page: int, p: Page, target: int) -> list[_Unit]:
    text = p.text
    units: list[_Unit] = []
    tables = {t.start: t for t in p.tables}
    skip_to = -1
    for ls, le, seg in _lines(text):
        if ls < skip_to:
            continue
        if ls in tables:
            units.extend(_table_units(page, tables[ls], text, target))
            skip_to = tables[ls].end
            continue
        line = text[ls:le]
        body = _MARKDOWN_HEADING.sub("", line)
        marker = _marker(body)
        if _is_heading(line, body, marker):
            title = " ".join(body.split())  # "一、\t推动…" → "一、 推动…"
            units.append(_Unit(page, ls, le, "head", marker, title, opens=True, segment=seg))
            continue
        if len(line) <= _SHORT_LINE and line[-1] not in _SENTENCE_END and not marker:
            units.append(_Unit(page, ls, le, "lead", segment=seg))
            continue
        for n, (s, e) in enumerate(_sentences(text, ls, le, target)):
            units.append(_Unit(page, s, e, "text", marker if n == 0 else "", opens=n == 0 and bool(marker), segment=seg))
    return units


def _marker(body: str) -> str:
    for pattern in (_ARTICLE, *_MARKERS):
        if m := pattern.match(body):
            return m[0].strip()
    return ""


def _is_heading(line: str, body: str, marker: str) -> bool:
    if _MARKDOWN_HEADING.match(line) or (_CHAPTER.match(body) and len(body) <= 40 and "。" not in body):
        return True
    short = len(body) <= _SHORT_LINE and not any(c in body for c in "。；！？，")
    return bool(marker) and short and not marker.startswith("第")


def _sentences(text: str, ls: int, le: int, target: int) -> list[tuple[int, int]]:
    """Sentence spans of one line, whitespace-trimmed; an over-long sentence is cut at a comma."""
    out = []
    for m in _SENTENCE.finditer(text, ls, le):
        s, e = m.start(), m.end()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.extend(_cut_long(text, s, e, target))
    return out


def _cut_long(text: str, s: int, e: int, target: int) -> list[tuple[int, int]]:
    # A single sentence over 2×target (tables flattened into one line, endless enumerations) is cut
    # after the last ，/、 before target; with no comma at all it is cut at target. This is the only
    # place a chunk may end mid-sentence.
    pieces = []
    while e - s > 2 * target:
        window = text[s : s + target]
        cut = max(window.rfind(c) for c in _SOFT_BREAKS)
        cut = s + (cut + 1 if cut >= target // 4 else target)
        pieces.append((s, cut))
        s = cut
        while s < e and text[s].isspace():
            s += 1
    pieces.append((s, e))
    return pieces


def _assign_context(units: list[_Unit]) -> None:
    """Give every unit the clause number and the nearest heading in force where it stands."""
    article = heading = previous = ""
    for u in units:
        if u.table:
            u.article, previous = article, u.kind
            continue  # a row keeps its caption as heading; the prose after the table is under the old heading
        if u.kind == "head":
            heading, article = u.title, u.marker
        elif u.kind == "lead":
            article = ""  # 附则 / a new document's title line: the previous clause is over
            u.opens = previous == "text"  # a sub-headline after a paragraph starts a new passage
        elif u.marker and _ARTICLE.match(article) and not _ARTICLE.match(u.marker):
            u.opens = False  # （一）…；inside 第九十六条 is an item of that article, not a clause of its own
        elif u.marker:
            article = u.marker
        u.article, u.heading = article, heading
        previous = u.kind


def _pack(units: list[_Unit], target: int) -> list[list[_Unit]]:
    clause_end = _clause_ends(units)
    groups: list[list[_Unit]] = []
    current: list[_Unit] = []
    for i, u in enumerate(units):
        if current and _breaks(current, u, clause_end[i], target):
            groups.append(current)
            current = []
        current.append(u)
    if current:
        groups.append(current)
    return groups


def _clause_ends(units: list[_Unit]) -> list[int]:
    """For each unit, where its clause ends on its page (to keep a clause whole when it nearly fits)."""
    ends = [0] * len(units)
    for i in range(len(units) - 1, -1, -1):
        nxt = units[i + 1] if i + 1 < len(units) else None
        last = nxt is None or nxt.opens or (nxt.page, nxt.segment) != (units[i].page, units[i].segment)
        ends[i] = units[i].end if last else ends[i + 1]
    return ends


def _breaks(current: list[_Unit], u: _Unit, clause_end: int, target: int) -> bool:
    if u.page != current[0].page or u.segment != current[0].segment:
        return True
    headings_only = all(x.kind != "text" for x in current)
    if headings_only:  # a heading or lead-in line always joins the text after it (unless lead-ins pile up)
        return u.end - current[0].start > 2 * target
    if u.opens or u.table != current[-1].table:
        return True
    if u.end - current[0].start <= target:
        return False
    return clause_end - current[0].start > target * 5 // 4  # the rest of the clause does not nearly fit
