"""Lexical retrieval: BM25 over jieba tokens that the catalog stores with each chunk, updated by the documents
that changed — a one-file change costs that file, not the library — and the source of word rarity (document
frequencies) for the answer's word weights.

Scores are bm25s's default (Lucene BM25, k1=1.5, b=0.75), computed at query time from term frequencies, so
they stay exact while documents come and go. Postings live in a compact base (CSC arrays) plus a small delta
of recent additions; removed chunks are masked until the next compaction folds the delta in. An update
returns a new index that shares the base: questions being answered keep reading the version they started with.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from assistant.types import Chunk
from vectorstore.tokenize_zh import tokens

K1, B = 1.5, 0.75
EMPTY = "\u2205"  # a chunk with no tokens still has a slot (and length 1), as in bm25s
_COMPACT_AT = 200_000  # delta postings; folding them in costs about a second at 100k chunks


def chunk_tokens(title: str, heading: str, text: str) -> list[str]:
    """What BM25 indexes for a chunk: its document's title, its heading and its text."""
    return tokens(f"{title} {heading} {text}") or [EMPTY]


@dataclass(frozen=True)
class _Base:
    """Postings of token t: slots[indptr[t]:indptr[t+1]] with their term frequencies."""

    indptr: np.ndarray
    slots: np.ndarray
    tfs: np.ndarray


class LexicalIndex:
    def __init__(self) -> None:
        self.vocab: dict[str, int] = {}
        self._chunks: list[Chunk | None] = []  # slot → chunk (None: removed)
        self._terms: list[tuple[np.ndarray, np.ndarray]] = []  # slot → (token ids, counts)
        self._dl = np.zeros(0, dtype=np.float32)
        self._alive = np.zeros(0, dtype=bool)
        self._df = np.zeros(0, dtype=np.int32)
        self._slots_of: dict[str, list[int]] = {}
        self._base = _Base(np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32))
        self._delta: dict[int, list[tuple[int, int]]] = {}
        self._delta_size = 0
        self.live = 0
        self._total_len = 0

    # --- building and updating -----------------------------------------------------------------
    @classmethod
    def build(cls, rows: Iterable[tuple[Chunk, Sequence[str]]]) -> LexicalIndex:
        """From (chunk, its tokens) pairs, e.g. the catalog's stored tokens: no tokenizing at start."""
        index = cls()
        index._add(rows)
        return index._compacted()

    @classmethod
    def from_chunks(cls, chunks: Sequence[Chunk]) -> LexicalIndex:
        return cls.build((c, chunk_tokens(c.doc.title, c.heading, c.text)) for c in chunks)

    def updated(self, doc_ids: Iterable[str], rows: Iterable[tuple[Chunk, Sequence[str]]]) -> LexicalIndex:
        """A new index where the given documents hold exactly `rows` (their current chunks; none: deleted)."""
        new = self._copy()
        for doc_id in doc_ids:
            for slot in new._slots_of.pop(doc_id, []):
                new._remove(slot)
        new._add(rows)
        return new._compacted() if new._delta_size > _COMPACT_AT else new

    def _copy(self) -> LexicalIndex:
        new = LexicalIndex.__new__(LexicalIndex)
        new.__dict__.update(self.__dict__)
        new.__dict__.pop("chunks", None)  # the cached list of the old version
        new.vocab = dict(self.vocab)
        new._chunks, new._terms = list(self._chunks), list(self._terms)
        new._dl, new._alive, new._df = self._dl.copy(), self._alive.copy(), self._df.copy()
        new._slots_of = {d: list(s) for d, s in self._slots_of.items()}
        new._delta = {t: list(p) for t, p in self._delta.items()}
        return new

    def _remove(self, slot: int) -> None:
        ids, _ = self._terms[slot]
        self._df[ids] -= 1
        self._alive[slot] = False
        self._chunks[slot] = None
        self.live -= 1
        self._total_len -= int(self._dl[slot])

    def _add(self, rows: Iterable[tuple[Chunk, Sequence[str]]]) -> None:
        lengths = []
        for chunk, toks in rows:
            counts = Counter(toks or [EMPTY])
            ids = np.fromiter((self.vocab.setdefault(t, len(self.vocab)) for t in counts), dtype=np.int32,
                              count=len(counts))
            tfs = np.fromiter(counts.values(), dtype=np.int32, count=len(counts))
            slot = len(self._chunks)
            self._chunks.append(chunk)
            self._terms.append((ids, tfs))
            self._slots_of.setdefault(chunk.doc.doc_id, []).append(slot)
            for i, n in zip(ids.tolist(), tfs.tolist(), strict=True):
                self._delta.setdefault(i, []).append((slot, n))
            self._delta_size += len(ids)
            lengths.append(int(tfs.sum()))
            if len(self._df) < len(self.vocab):
                self._df = np.concatenate([self._df, np.zeros(max(len(self.vocab) - len(self._df), 4096), np.int32)])
            self._df[ids] += 1
        self._dl = np.concatenate([self._dl, np.asarray(lengths, dtype=np.float32)])
        self._alive = np.concatenate([self._alive, np.ones(len(lengths), dtype=bool)])
        self.live += len(lengths)
        self._total_len += sum(lengths)

    def _compacted(self) -> LexicalIndex:
        """Removed slots dropped, the delta folded into the base (slots renumbered in catalog order)."""
        keep = [s for s in range(len(self._chunks)) if self._alive[s]]
        new = LexicalIndex()
        new.vocab, new._df = self.vocab, self._df
        new._chunks = [self._chunks[s] for s in keep]
        new._terms = [self._terms[s] for s in keep]
        new._dl = self._dl[keep] if keep else np.zeros(0, dtype=np.float32)
        new._alive = np.ones(len(keep), dtype=bool)
        for slot, c in enumerate(new._chunks):
            new._slots_of.setdefault(c.doc.doc_id, []).append(slot)
        new.live, new._total_len = len(keep), self._total_len
        if keep:
            ids = np.concatenate([t[0] for t in new._terms])
            tfs = np.concatenate([t[1] for t in new._terms]).astype(np.float32)
            slots = np.repeat(np.arange(len(keep), dtype=np.int32), [len(t[0]) for t in new._terms])
            order = np.argsort(ids, kind="stable")
            indptr = np.zeros(len(self.vocab) + 1, dtype=np.int64)
            np.cumsum(np.bincount(ids, minlength=len(self.vocab)), out=indptr[1:])
            new._base = _Base(indptr, slots[order], tfs[order])
        return new

    # --- reading -------------------------------------------------------------------------------
    @cached_property
    def chunks(self) -> list[Chunk]:
        """The indexed chunks, one list per index version (consumers cache what they derive by its identity)."""
        return [c for c in self._chunks if c is not None]

    def __len__(self) -> int:
        return self.live

    def doc_freq(self, word: str) -> int:
        """How many chunks contain the word; a word the tokenizer splits (母基金): its rarest part's count."""
        word = word.lower()
        if word in self.vocab:
            return int(self._df[self.vocab[word]])
        parts = [self.vocab.get(t) for t in tokens(word)]
        return 0 if not parts or None in parts else int(min(self._df[parts]))

    def _postings(self, tid: int) -> tuple[np.ndarray, np.ndarray]:
        b = self._base
        slots, tfs = (b.slots[b.indptr[tid]: b.indptr[tid + 1]], b.tfs[b.indptr[tid]: b.indptr[tid + 1]]) \
            if tid + 1 < len(b.indptr) else (np.zeros(0, np.int32), np.zeros(0, np.float32))
        extra = self._delta.get(tid)
        if extra:
            more = np.asarray(extra, dtype=np.int64)
            slots, tfs = np.concatenate([slots, more[:, 0]]), np.concatenate([tfs, more[:, 1].astype(np.float32)])
        return slots, tfs

    def scores(self, query_tokens: Sequence[str]) -> np.ndarray:
        """BM25 score of every slot (removed slots 0)."""
        out = np.zeros(len(self._chunks), dtype=np.float32)
        if not self.live:
            return out
        avgdl = self._total_len / self.live
        for t in query_tokens:
            tid = self.vocab.get(t)
            if tid is None or not self._df[tid]:
                continue
            df = int(self._df[tid])
            idf = math.log(1 + (self.live - df + 0.5) / (df + 0.5))
            slots, tfs = self._postings(tid)
            out[slots] += idf * tfs / (tfs + K1 * (1 - B + B * self._dl[slots] / avgdl))
        out[~self._alive] = 0
        return out

    def search(self, query: str, k: int, keep: Callable[[Chunk], bool] | None = None) -> list[tuple[Chunk, float]]:
        q = tokens(query)
        if not q or not self.live:
            return []
        scores = self.scores(q)
        found = np.flatnonzero(scores > 0)
        out: list[tuple[Chunk, float]] = []
        for i in found[np.argsort(-scores[found], kind="stable")]:
            c = self._chunks[int(i)]
            if c is not None and (keep is None or keep(c)):
                out.append((c, float(scores[i])))
                if len(out) >= k:
                    break
        return out
