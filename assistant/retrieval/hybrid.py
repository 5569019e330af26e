"""Retrievers: dense (Chroma), BM25 (jieba) and their hybrid, fused by min-max scaled scores (or reciprocal
rank), with metadata filters. Place and version preferences are the reranker's (retrieval/rerank.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace

from assistant.query.terms import glossary_query
from assistant.text.language import CJK, detect_language
from assistant.types import Chunk, Filters, Hit
from vectorstore.chroma_index import chroma_where
from vectorstore.fusion import reciprocal_rank_fusion, score_fusion

MODES = ("hybrid", "dense", "bm25")


def chunk_matches(chunk: Chunk, filters: Filters | None, today: dt.date | None = None,
                  doc_ids: frozenset[str] | None = None) -> bool:
    """The Python twin of chroma_where, for BM25 results."""
    if not filters or filters.empty:
        return True
    d = chunk.doc
    if filters.region and (d.doc_id not in doc_ids if doc_ids else filters.region not in (d.province, d.city,
                                                                                         d.district)):
        return False
    if filters.doc_type and d.doc_type != filters.doc_type:
        return False
    if filters.valid_only and d.validity.status(today) in ("expired", "repealed"):
        return False
    return True


def resolve_region(name: str, known: Sequence[str]) -> str:
    """A filter typed as "温江" or "成都" means the library's 温江区 / 成都市."""
    from ingest.regions import short_forms

    name = name.strip()
    if not name or name in known:
        return name
    matches = [r for r in known if name in short_forms(r)]
    return matches[0] if len(matches) == 1 else name


@dataclass(frozen=True)
class Candidates:
    """What the two retrievers found for one question, before fusion."""

    dense: list[tuple[Chunk, float]]
    lexical: list[tuple[Chunk, float]]
    weights: tuple[float, float]  # (dense, BM25) votes for this question's language, before bm25_weight
    query: str = ""


@dataclass(frozen=True)
class FusionConfig:
    """How the two lists are merged; measured on dev questions by bench/tune_fusion.py."""

    # "score" (min-max scaled scores, convex combination) beat RRF on every dev metric (bench/tune_fusion.py):
    # RRF throws away how far ahead the top BM25 match is, and BM25 is the stronger retriever on Chinese policy text.
    method: str = "score"
    c: int = 60  # RRF constant
    alpha: float = 0.3  # score fusion: share of the dense score (dev plateau 0.25-0.4)
    bm25_weight: float = 1.0  # relative to the dense vote, for Chinese questions
    doc_weight: float = 0.0  # RRF: weight of the document-level vote


class HybridRetriever:
    def __init__(self, library, embedder, candidates: int = 30, mode: str = "hybrid", today: dt.date | None = None,
                 fusion: FusionConfig | None = None):
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        self.library, self.embedder, self.candidates, self.mode, self.today = library, embedder, candidates, mode, today
        self.fusion = fusion or FusionConfig()

    def retrieve(self, query: str, k: int = 5, filters: Filters | None = None) -> list[Hit]:
        return self.fuse(self.gather(query, filters), k)

    def gather(self, query: str, filters: Filters | None = None, n: int | None = None) -> Candidates:
        """Each retriever's top `n` (default: the configured candidates), filters applied."""
        n = n or self.candidates
        covering: frozenset[str] | None = None
        if filters and filters.region:
            filters = replace(filters, region=resolve_region(filters.region, self.library.filter_regions()))
            # Documents that cover the place by their title (a city's article about three of its districts) too.
            covering = self.library.docs_covering(filters.region) or None
        dense: list[tuple[Chunk, float]] = []
        lexical: list[tuple[Chunk, float]] = []
        if self.mode in ("hybrid", "dense"):
            vec = self.embedder.embed_query(query)
            dense = self._dense(vec, n, chroma_where(filters, self.today, covering))
        # A question without any Chinese can only match stray Latin tokens in Chinese passages (e-mail
        # addresses, product codes): BM25 then searches the glossary's Chinese words for the question's
        # English domain words and places (subsidy → 补贴, Beijing-Tianjin-Hebei → 京津冀) — no translation,
        # only words we know — with a light vote. English with Chinese names in it keeps a lighter vote too.
        english_only = not CJK.search(query)
        lexical_query = glossary_query(query) if english_only else query
        if self.mode in ("hybrid", "bm25") and lexical_query:
            lexical = self.library.bm25().search(
                lexical_query, n, keep=lambda c: chunk_matches(c, filters, self.today, covering)
            )
        weights = (1.0, 0.5) if english_only or detect_language(query) == "en" else (1.0, 1.0)
        return Candidates(dense, lexical, weights, query)

    def _dense(self, vector, n: int, where: dict | None) -> list[tuple[Chunk, float]]:
        """Chroma's nearest ids, as chunks of the lexical index (which holds every chunk the catalog committed,
        equal to Chroma's records): Chroma then decodes no records. An id the catalog does not hold (a change
        another process has not committed yet, a record a crash left) is never a hit."""
        index = self.library.bm25()
        if not len(index):
            return []
        near = self.library.chroma.nearest(vector, n, where)
        by_id = index.by_ids(cid for cid, _ in near)  # an index opened from its snapshot reads only these
        return [(by_id[cid], score) for cid, score in near if cid in by_id]

    def fuse(self, cand: Candidates, k: int, fusion: FusionConfig | None = None) -> list[Hit]:
        f = fusion or self.fusion
        w = (cand.weights[0], cand.weights[1] * f.bm25_weight)
        if f.method == "score" and self.mode == "hybrid":  # one list alone keeps its own order (baselines)
            return score_fusion(cand.dense, cand.lexical, k, f.alpha, w)
        return reciprocal_rank_fusion(cand.dense, cand.lexical, k, f.c, w, None, f.doc_weight)
