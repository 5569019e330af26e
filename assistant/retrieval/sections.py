"""The numbered section a question names, from the documents retrieval found.

"泰州市海陵区企业复工审批流程是什么？" names the section "五、审批流程" of the notice retrieval found, but the passages of
that notice that repeat the question's other words (its title, 海陵区, 企业复工) outrank the section's body, which
repeats neither. A section title is the document's own label for what follows it: when the question holds a
title of a section of a document found whole, that section's passage joins the passages, before the
first one of its document."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace

from assistant.types import Chunk, Hit

ChunksOf = Callable[[Iterable[str]], Sequence[Chunk]]  # doc ids → their chunks (catalog.chunks)

# "五、审批流程 1．…", "（二）申报材料：": a clause number, a short title, then the section's text. Titles of one word
# ("总则") name no asked datum.
_SECTION = re.compile(r"(?:^|[\s　。；])(?:[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[）)])\s*"
                      r"([\u4e00-\u9fff]{3,12})(?=[\s　：:。]|$)")
_NAMED_TITLE = 4  # a title this long, whole in the question, names that section (三个字 titles are too common)


def section_titles(text: str) -> set[str]:
    """The titles of the numbered sections a passage holds."""
    return set(_SECTION.findall(text))


def asked_section_spans(question: str, text: str, heading: str = "") -> list[tuple[str, int, int]]:
    """(title, start, end) of each numbered section of a passage whose title the question holds whole: from its
    number to the next section's. A section title is a heading written inline; it heads what follows it. A passage
    headed by such a title (one continuing the section) is in it up to its first section number."""
    marks = list(_SECTION.finditer(text))
    spans = [(m.group(1), m.start(), marks[i + 1].start() if i + 1 < len(marks) else len(text))
             for i, m in enumerate(marks) if _names_section(question, m.group(1))]
    if _names_section(question, heading):
        spans.insert(0, (heading, 0, marks[0].start() if marks else len(text)))
    return spans


def _unfinished(text: str, title: str, start: int, end: int) -> bool:
    """The section's text stops visibly unfinished: nothing after its title, or a clause or list item ending in
    ；，：、 ("1. 企业复工申请表；")."""
    body = text[text.find(title, start) + len(title): end].strip(" \u3000\n\t。.")
    return not body or body[-1] in "；;，,：:、"


def _names_section(question: str, title: str) -> bool:
    return len(title) >= _NAMED_TITLE and title in question


def with_asked_sections(question: str, hits: Sequence[Hit], chunks_of: ChunksOf) -> list[Hit]:
    """hits, with the passage of each section the question names (of the documents found) placed before its
    document's first passage, scored like it; the rest keep their order."""
    out = list(hits)
    have = {h.chunk.chunk_id for h in hits}
    for doc_id in dict.fromkeys(h.chunk.doc.doc_id for h in hits):
        chunks = chunks_of([doc_id])
        named = [c for c in chunks if any(_names_section(question, t) for t in section_titles(c.text))]
        if not named:
            continue
        section = named[0]
        if section.chunk_id in have:  # found already: only what the chunker cut off joins, right after it
            at = next(i for i, h in enumerate(out) if h.chunk.chunk_id == section.chunk_id) + 1
            joined, score = _continued(question, section, chunks, have), out[at - 1].score
        else:
            at = next(i for i, h in enumerate(out) if h.chunk.doc.doc_id == doc_id)
            joined, score = [section, *_continued(question, section, chunks, have)], out[at].score
        out[at:at] = [Hit(c, score=score) for c in joined]
        have.update(c.chunk_id for c in joined)
    return out


def _continued(question: str, chunk: Chunk, chunks: Sequence[Chunk], have: set[str]) -> list[Chunk]:
    """The next passage of the document, headed by the section's title, when the named section runs to the end of
    this one ("四、企业复工审批材料 1. 企业复工申请表；" | "2. 企业复工现场审核表；…")."""
    spans = asked_section_spans(question, chunk.text)
    if not spans or spans[-1][2] < len(chunk.text):
        return []
    following = next((c for c in chunks if c.ordinal == chunk.ordinal + 1), None)
    if following is None or following.chunk_id in have:
        return []
    if not (_unfinished(chunk.text, *spans[-1]) or _runs_on(following.text)):
        return []
    return [replace(following, heading=spans[-1][0])]


def _runs_on(text: str) -> bool:
    """The passage carries on running text rather than opening a part of its own under a heading line
    ("生命健康专项（政策资金）经费情况说明\n一、项目概述…")."""
    head = text.lstrip()[:60]
    return "\n" not in head or len(head.split("\n", 1)[0]) > 40
