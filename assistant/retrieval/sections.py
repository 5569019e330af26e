"""The numbered section a question names, from the documents retrieval found.

"泰州市海陵区企业复工审批流程是什么？" names the section "五、审批流程" of the notice retrieval found, but the passages of
that notice that repeat the question's other words (its title, 海陵区, 企业复工) outrank the section's body, which
repeats neither. A section title is the document's own label for what follows it: when the question holds a
title of a section of a document found whole, that section's passage joins the passages, before the
first one of its document."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

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


def with_asked_sections(question: str, hits: Sequence[Hit], chunks_of: ChunksOf) -> list[Hit]:
    """hits, with the passage of each section the question names (of the documents found) placed before its
    document's first passage, scored like it; the rest keep their order."""
    out = list(hits)
    have = {h.chunk.chunk_id for h in hits}
    for doc_id in dict.fromkeys(h.chunk.doc.doc_id for h in hits):
        named = [c for c in chunks_of([doc_id]) if c.chunk_id not in have
                 and any(len(t) >= _NAMED_TITLE and t in question for t in section_titles(c.text))]
        if not named:
            continue
        at = next(i for i, h in enumerate(out) if h.chunk.doc.doc_id == doc_id)
        out.insert(at, Hit(named[0], score=out[at].score))
        have.add(named[0].chunk_id)
    return out
