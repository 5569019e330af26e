"""Lexical retrieval: BM25 (bm25s) over jieba tokens, rebuilt from the catalog so it always matches Chroma."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import bm25s
import numpy as np

from assistant.types import Chunk
from vectorstore.tokenize_zh import tokens


class BM25Index:
    """In-memory BM25 over the catalog's chunks; building 10k chunks takes well under a second."""

    def __init__(self, chunks: Sequence[Chunk]):
        self.chunks = list(chunks)
        self._bm = bm25s.BM25()
        if self.chunks:
            # A chunk with no tokens still needs a slot so positions line up with self.chunks.
            corpus = [tokens(f"{c.doc.title} {c.heading} {c.text}") or ["\u2205"] for c in self.chunks]
            self._bm.index(corpus, show_progress=False)

    def __len__(self) -> int:
        return len(self.chunks)

    def search(
        self, query: str, k: int, keep: Callable[[Chunk], bool] | None = None
    ) -> list[tuple[Chunk, float]]:
        q = tokens(query)
        if not q or not self.chunks:
            return []
        scores = np.asarray(self._bm.get_scores(q), dtype=np.float32)
        order = np.argsort(-scores)
        out: list[tuple[Chunk, float]] = []
        for i in order:
            if scores[i] <= 0:  # bm25s returns zero-score docs too (notes B2)
                break
            c = self.chunks[int(i)]
            if keep is None or keep(c):
                out.append((c, float(scores[i])))
                if len(out) >= k:
                    break
        return out
