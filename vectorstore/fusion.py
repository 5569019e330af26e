"""Reciprocal rank fusion: merge ranked lists without comparing their incomparable scores."""

from __future__ import annotations

from collections.abc import Sequence

from assistant.types import Chunk, Hit

Ranked = Sequence[tuple[Chunk, float]]


def doc_ranks(ranked: Ranked) -> dict[str, int]:
    """1-based rank of each document by its best chunk in one retriever's list."""
    out: dict[str, int] = {}
    for chunk, _ in ranked:
        out.setdefault(chunk.doc.doc_id, len(out) + 1)
    return out


def reciprocal_rank_fusion(
    dense: Ranked,
    lexical: Ranked,
    k: int,
    c: int = 60,
    weights: tuple[float, float] = (1.0, 1.0),
    boost: dict[str, float] | None = None,
    doc_weight: float = 0.0,
) -> list[Hit]:
    """score = Σ w/(c + rank) per chunk, plus `doc_weight` × the same sum over document ranks (a document both
    retrievers put first wins even when they picked different chunks of it), plus per-chunk_id `boost`."""
    table: dict[str, dict] = {}
    lists = ((dense, weights[0], "d"), (lexical, weights[1], "b"))
    for ranked, w, key in lists:
        if not w:
            continue
        for rank, (chunk, score) in enumerate(ranked, 1):
            e = table.setdefault(chunk.chunk_id, {"chunk": chunk, "s": 0.0})
            e["s"] += w / (c + rank)
            e[key + "r"], e[key + "s"] = rank, score
    if doc_weight:
        doc_score: dict[str, float] = {}
        for ranked, w, _ in lists:
            for doc_id, rank in doc_ranks(ranked).items() if w else ():
                doc_score[doc_id] = doc_score.get(doc_id, 0.0) + w / (c + rank)
        for e in table.values():
            e["s"] += doc_weight * doc_score[e["chunk"].doc.doc_id]
    if boost:
        for e in table.values():
            e["s"] += boost.get(e["chunk"].chunk_id, 0.0)
    ranked_all = sorted(table.values(), key=lambda e: -e["s"])[:k]
    return [Hit(e["chunk"], e["s"], e.get("dr"), e.get("br"), e.get("ds"), e.get("bs")) for e in ranked_all]


def score_fusion(
    dense: Ranked,
    lexical: Ranked,
    k: int,
    alpha: float = 0.3,
    weights: tuple[float, float] = (1.0, 1.0),
    boost: dict[str, float] | None = None,
) -> list[Hit]:
    """score = alpha·w_d·cosine' + (1-alpha)·w_b·bm25', each min-max scaled to 0..1 over its own list
    (absent = 0). Unlike RRF it keeps *how much* better the top BM25 match is than the rest."""
    table: dict[str, dict] = {}
    lists = ((dense, alpha * weights[0], "d"), (lexical, (1 - alpha) * weights[1], "b"))
    for ranked, w, key in lists:
        if not w or not ranked:
            continue
        hi, lo = ranked[0][1], ranked[-1][1]
        for rank, (chunk, score) in enumerate(ranked, 1):
            e = table.setdefault(chunk.chunk_id, {"chunk": chunk, "s": 0.0})
            e["s"] += w * ((score - lo) / (hi - lo) if hi > lo else 1.0)
            e[key + "r"], e[key + "s"] = rank, score
    if boost:
        for e in table.values():
            e["s"] += boost.get(e["chunk"].chunk_id, 0.0)
    ranked_all = sorted(table.values(), key=lambda e: -e["s"])[:k]
    return [Hit(e["chunk"], e["s"], e.get("dr"), e.get("br"), e.get("ds"), e.get("bs")) for e in ranked_all]
