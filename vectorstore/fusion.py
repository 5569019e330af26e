"""Reciprocal rank fusion: merge ranked lists without comparing their incomparable scores."""

from __future__ import annotations

from collections.abc import Sequence

from assistant.types import Chunk, Hit


def reciprocal_rank_fusion(
    dense: Sequence[tuple[Chunk, float]],
    lexical: Sequence[tuple[Chunk, float]],
    k: int,
    c: int = 60,
    weights: tuple[float, float] = (1.0, 1.0),
    boost: dict[str, float] | None = None,
) -> list[Hit]:
    """score = Σ w/(c + rank); `boost` adds per-chunk_id bonuses (e.g. a place the question names)."""
    table: dict[str, dict] = {}
    for rank, (chunk, score) in enumerate(dense if weights[0] else (), 1):
        e = table.setdefault(chunk.chunk_id, {"chunk": chunk, "s": 0.0})
        e["s"] += weights[0] / (c + rank)
        e["dr"], e["ds"] = rank, score
    for rank, (chunk, score) in enumerate(lexical if weights[1] else (), 1):
        e = table.setdefault(chunk.chunk_id, {"chunk": chunk, "s": 0.0})
        e["s"] += weights[1] / (c + rank)
        e["br"], e["bs"] = rank, score
    if boost:
        for e in table.values():
            e["s"] += boost.get(e["chunk"].chunk_id, 0.0)
    ranked = sorted(table.values(), key=lambda e: -e["s"])[:k]
    return [
        Hit(e["chunk"], e["s"], e.get("dr"), e.get("br"), e.get("ds"), e.get("bs")) for e in ranked
    ]
