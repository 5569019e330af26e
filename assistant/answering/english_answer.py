"""The extractive answer for an English reader: each quoted Chinese passage gets an English lead-in saying what
it is and where (kind of document, title, places, article, date, page) and the figures it states in English units.

Nothing is translated beyond names and figures that have one fixed English form: the sentences themselves stay
quoted in Chinese, and a note says so. A machine translation of the sentence would be content the documents do
not contain."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from assistant.query.english_places import english_name
from assistant.query.wordlists import pairs
from assistant.text.english_figures import english_date, english_figures
from assistant.text.markers import PLAIN_MARKER
from assistant.text.numerals import chinese_numeral
from assistant.types import Citation, Hit

SOURCES_NOTE = ("Note: the sources are in Chinese. Each passage is quoted in the original after an English line "
                "naming its source and figures; nothing else was translated.")
_DOC_TYPES_EN = {"policy": "policy document", "regulation": "regulation", "park": "park brochure",
                 "news": "news article"}
_ARTICLE = re.compile(r"第([零〇一二三四五六七八九十百千两\d]+)([条章节款])")
_PART_EN = {"条": "Article", "章": "Chapter", "节": "Section", "款": "Paragraph"}
_BRACKETS = re.compile(r"[（(][^（）()]*[）)]\s*$")


def _title_kind(title: str, doc_type: str) -> str:
    """"条例" → "regulations" from the title's last word; else the document type; else "document"."""
    bare = _BRACKETS.sub("", title).strip()
    kinds = pairs("title_kinds_en")
    for size in range(min(len(bare), 5), 0, -1):
        if bare[-size:] in kinds:
            return kinds[bare[-size:]]
    return _DOC_TYPES_EN.get(doc_type, "document")


def _places(title: str, hit: Hit | None) -> list[str]:
    """The places the title names in English ("Wenjiang District (温江区)"); the document's region if none."""
    from ingest.regions import find_place_spans

    names = [r.names()[-1] for _, _, r in find_place_spans(title) if r.names()]
    if not names and hit is not None and hit.chunk.doc.region.names():
        names = [hit.chunk.doc.region.names()[-1]]
    return [english_name(n) for n in dict.fromkeys(names)]


def _article(article: str) -> str:
    """第十五条 → "Article 15"; other clause marks (三、, （二）) are kept as written."""
    m = _ARTICLE.search(article or "")
    if not m:
        return article
    number = int(m.group(1)) if m.group(1).isdigit() else chinese_numeral(m.group(1).replace("两", "二"))
    return f"{_PART_EN[m.group(2)]} {number}" if number else article


def lead_in(citation: Citation, hit: Hit | None, quoted: str, same_doc: bool = False) -> str:
    """One English line naming what passage [n] is, where it is from and the figures it states; `same_doc`:
    the line before named the document already."""
    doc_type = hit.chunk.doc.doc_type if hit is not None else "other"
    title = citation.title or citation.source
    kind = _title_kind(title, doc_type)
    where = [f"the same {kind}" if same_doc else f"the {kind} “{title}”"]
    places = [] if same_doc else _places(title, hit)
    if places:
        where.append("about " + ", ".join(places))
    if citation.article:
        where.append(_article(citation.article))
    if citation.page > 1:
        where.append(f"page {citation.page}")
    if citation.date and not same_doc:
        where.append(f"published {english_date(citation.date)}")
    line = f"From {', '.join(where)}"
    figures = english_figures(PLAIN_MARKER.sub("", quoted))
    return f"{line} — figures: {'; '.join(figures)}:" if figures else f"{line}:"


def english_answer(text: str, citations: Sequence[Citation], hits_by_chunk: Mapping[str, Hit],
                   lead: str = "") -> str:
    """The extractive answer text (one line per passage, each ending in its [n]) with an English lead-in before
    each Chinese line and the note that the sources are Chinese at the end."""
    by_n = {c.n: c for c in citations}
    lines = text.splitlines()
    if lead and lines and lines[0] == lead:
        lines = lines[1:]
    out: list[str] = []
    previous = ""
    for line in lines:
        marker = PLAIN_MARKER.search(line)
        cite = by_n.get(int(marker.group(1))) if marker else None
        if cite is not None:
            out.append(lead_in(cite, hits_by_chunk.get(cite.chunk_id), line, same_doc=cite.doc_id == previous))
            previous = cite.doc_id
        out.append(line)
    return "\n".join([*out, SOURCES_NOTE]) if out else text
