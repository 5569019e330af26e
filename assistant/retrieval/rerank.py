"""The reranker stage: what retrieval scores cannot see — the place the question names and newer versions.

A named place lifts its documents (it does not override evidence: a share of the best fused score), and an
older version of a document steps back behind its replacement — unless the question names the year that older
version is about (洪泽区2023年… asks the 2023 report of a yearly series), when the other years step back instead."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from assistant.query.scope import year_spans
from assistant.retrieval.sections import section_titles
from assistant.types import Hit

PlacesFn = Callable[[str], Sequence[str]]  # question → the names (and short forms) of the places it names


@dataclass(frozen=True)
class PlaceVersionReranker:
    places_of: PlacesFn
    # Shares of the best fused score (measured on NCP dev by bench/tune_fusion.py, when it was part of fusion).
    place_share: float = 0.366
    superseded_share: float = 0.244
    # A numbered section whose title the question asks for ("…复工审批流程是什么" → "五、审批流程 1．企业向…"): the
    # passage holding that section's body, which repeats neither the document's place nor its subject.
    section_share: float = 0.2

    def rerank(self, query: str, hits: Sequence[Hit]) -> list[Hit]:
        if not hits:
            return []
        top = max(h.score for h in hits) or 1.0
        places = list(self.places_of(query))
        asked = _years(query)
        out = []
        for hit in hits:
            d, b = hit.chunk.doc, 0.0
            if places and any(p in (d.province, d.city, d.district) or p in d.title or p in hit.chunk.text
                              for p in places):
                b += self.place_share * top
            named = _years(f"{d.title} {d.file_name}") if asked else set()
            if named:  # the question and the document name years: another year's document steps back
                b -= 0.0 if named & asked else self.superseded_share * top
            elif d.superseded_by:
                b -= self.superseded_share * top
            if any(title in query for title in section_titles(hit.chunk.text)):
                b += self.section_share * top
            out.append(replace(hit, score=hit.score + b) if b else hit)
        return sorted(out, key=lambda h: -h.score)


def _years(text: str) -> set[int]:
    return {y for a, b, _ in year_spans(text) for y in range(a, min(b, a + 10) + 1)}


class NoReranker:
    """Keeps retrieval's order (baselines)."""

    def rerank(self, query: str, hits: Sequence[Hit]) -> list[Hit]:
        return list(hits)
