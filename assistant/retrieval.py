"""Hybrid retrieval: dense (Chroma) + BM25 (jieba), fused by reciprocal rank, with filters and place boosts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from assistant.types import Chunk, Filters, Hit
from vectorstore.chroma_index import chroma_where
from vectorstore.fusion import reciprocal_rank_fusion

MODES = ("hybrid", "dense", "bm25")
PLACE_BOOST = 0.012  # about one rank-1 vote's worth less: a named place lifts, it does not override evidence
SUPERSEDED_PENALTY = 0.008


def chunk_matches(chunk: Chunk, filters: Filters | None, today: dt.date | None = None) -> bool:
    """The Python twin of chroma_where, for BM25 results."""
    if not filters or filters.empty:
        return True
    d = chunk.doc
    if filters.region and filters.region not in (d.province, d.city, d.district):
        return False
    if filters.doc_type and d.doc_type != filters.doc_type:
        return False
    if filters.valid_only and d.validity.status(today) in ("expired", "repealed"):
        return False
    return True


def place_names(question: str) -> list[str]:
    """Administrative divisions the question names (gazetteer), most specific name of each."""
    from ingest.regions import find_places

    names = []
    for r in find_places(question):
        for n in (r.district, r.city, r.province):
            if n:
                names.append(n)
                break
    return names


class HybridRetriever:
    def __init__(self, library, embedder, candidates: int = 30, mode: str = "hybrid", today: dt.date | None = None):
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        self.library, self.embedder, self.candidates, self.mode, self.today = library, embedder, candidates, mode, today

    def retrieve(self, query: str, k: int = 5, filters: Filters | None = None) -> list[Hit]:
        dense: list[tuple[Chunk, float]] = []
        lexical: list[tuple[Chunk, float]] = []
        if self.mode in ("hybrid", "dense"):
            vec = self.embedder.embed_query(query)
            dense = self.library.chroma.query(vec, self.candidates, chroma_where(filters, self.today))
        if self.mode in ("hybrid", "bm25"):
            lexical = self.library.bm25().search(
                query, self.candidates, keep=lambda c: chunk_matches(c, filters, self.today)
            )
        boost = self._boosts(query, dense, lexical)
        hits = reciprocal_rank_fusion(dense, lexical, k=max(k * 3, k), boost=boost)
        return hits[:k]

    def _boosts(self, query: str, *lists: Sequence[tuple[Chunk, float]]) -> dict[str, float]:
        """Docs about a place the question names come first; older versions of a document step back."""
        places = place_names(query)
        boost: dict[str, float] = {}
        for lst in lists:
            for chunk, _ in lst:
                d = chunk.doc
                b = 0.0
                if places and any(
                    p in (d.province, d.city, d.district) or p in d.title or p in chunk.text for p in places
                ):
                    b += PLACE_BOOST
                if d.superseded_by:
                    b -= SUPERSEDED_PENALTY
                boost[chunk.chunk_id] = b
        return boost
