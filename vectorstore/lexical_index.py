"""Lexical retrieval: BM25 over jieba tokens that the catalog stores with each chunk, updated by the documents
that changed — a one-file change costs that file, not the library — and the source of word rarity (document
frequencies) for the answer's word weights.

Scores are bm25s's default (Lucene BM25, k1=1.5, b=0.75), computed at query time from term frequencies, so
they stay exact while documents come and go. Postings live in a compact base (CSC arrays) plus a small delta
of recent additions; removed chunks are masked until the next compaction folds the delta in. An update
returns a new index that shares the base: questions being answered keep reading the version they started with.
An index can be saved as arrays and opened again (vectorstore/lexical_snapshot.py); an opened one knows its
chunks by id and reads a chunk (`fetch`) only when a search returns it.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from functools import cached_property

import numpy as np

from assistant.types import Chunk
from vectorstore.tokenize_zh import tokens

K1, B = 1.5, 0.75
EMPTY = "\u2205"  # a chunk with no tokens still has a slot (and length 1), as in bm25s
_COMPACT_AT = 200_000  # postings of added chunks; folding them into the base costs ~1 s at 100k chunks


def chunk_tokens(title: str, heading: str, text: str) -> list[str]:
    """What BM25 indexes for a chunk: its document's title, its heading and its text."""
    return tokens(f"{title} {heading} {text}") or [EMPTY]


@dataclass(frozen=True)
class _Postings:
    """Postings both ways: by token (tok_ptr over token ids → slots, tfs) for scoring, and by slot (slot_ptr
    over slots → token ids, tfs) to un-count a removed chunk's words and to compact."""

    tok_ptr: np.ndarray
    tok_slots: np.ndarray
    tok_tfs: np.ndarray
    slot_ptr: np.ndarray
    slot_tids: np.ndarray
    slot_tfs: np.ndarray

    @classmethod
    def of(cls, slots: np.ndarray, tids: np.ndarray, tfs: np.ndarray, n_slots: int, n_tokens: int) -> _Postings:
        """From (slot, token id, tf) triples sorted by slot."""
        slot_ptr = np.zeros(n_slots + 1, dtype=np.int64)
        np.cumsum(np.bincount(slots, minlength=n_slots), out=slot_ptr[1:])
        tok_ptr = np.zeros(n_tokens + 1, dtype=np.int64)
        np.cumsum(np.bincount(tids, minlength=n_tokens), out=tok_ptr[1:])
        order = np.argsort(tids, kind="stable")
        return cls(tok_ptr, slots[order].astype(np.int32), tfs[order].astype(np.float32), slot_ptr,
                   tids.astype(np.int32), tfs.astype(np.uint16))


_EMPTY_POSTINGS = _Postings.of(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64), 0, 0)
POSTINGS = tuple(f.name for f in fields(_Postings))
Fetch = Callable[[Sequence[str]], Mapping[str, Chunk]]  # chunk ids → the chunks still there


class LexicalIndex:
    def __init__(self) -> None:
        self.vocab: dict[str, int] = {}
        self._chunks: list[Chunk | str | None] = []  # slot → chunk (its id: not read yet; None: removed)
        self._fetch: Fetch | None = None
        self._dl = np.zeros(0, dtype=np.float32)
        self._alive = np.zeros(0, dtype=bool)
        self._df = np.zeros(0, dtype=np.int32)
        self._slots_of: dict[str, list[int]] = {}
        self._base, self._n_base = _EMPTY_POSTINGS, 0  # slots below _n_base are in the base
        self._extra: dict[int, tuple[np.ndarray, np.ndarray]] = {}  # slots added since: (token ids, tfs)
        self._delta: dict[int, list[tuple[int, int]]] = {}  # token id → [(slot, tf)] of the added slots
        self._delta_size = 0
        self.live = 0
        self._total_len = 0

    # --- building and updating -----------------------------------------------------------------
    @classmethod
    def build(cls, rows: Iterable[tuple[Chunk, Sequence[str]]], block: int = 8192) -> LexicalIndex:
        """From (chunk, its tokens) pairs, e.g. the catalog's stored tokens: no tokenizing at start. Rows are
        consumed in blocks so that the tokens of the whole library are never in memory at once."""
        index = cls()
        vocab, chunks, lengths, parts = index.vocab, index._chunks, [], []
        pending: list[np.ndarray] = []

        def flush() -> None:
            if not pending:
                return
            size, first = len(vocab), len(chunks) - len(pending)
            local = np.repeat(np.arange(len(pending), dtype=np.int64), [len(p) for p in pending])
            keys, tfs = np.unique(local * size + np.concatenate(pending), return_counts=True)
            parts.append(((keys // size + first).astype(np.int32), (keys % size).astype(np.int32), tfs.astype(np.uint16)))
            pending.clear()

        for chunk, toks in rows:
            toks = toks or [EMPTY]
            pending.append(np.array([vocab.setdefault(t, len(vocab)) for t in toks], dtype=np.int64))
            chunks.append(chunk)
            lengths.append(len(toks))
            index._slots_of.setdefault(chunk.doc.doc_id, []).append(len(chunks) - 1)
            if len(pending) >= block:
                flush()
        flush()
        if chunks:
            slots, tids, tfs = (np.concatenate(x) for x in zip(*parts, strict=True))
            index._base, index._n_base = _Postings.of(slots, tids, tfs, len(chunks), len(vocab)), len(chunks)
            index._df = np.bincount(tids, minlength=len(vocab)).astype(np.int32)
        index._dl = np.asarray(lengths, dtype=np.float32)
        index._alive = np.ones(len(chunks), dtype=bool)
        index.live, index._total_len = len(chunks), int(sum(lengths))
        return index

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
        return new.compacted() if new._delta_size > _COMPACT_AT else new

    def _copy(self) -> LexicalIndex:
        new = LexicalIndex.__new__(LexicalIndex)
        new.__dict__.update(self.__dict__)
        new.__dict__.pop("chunks", None)  # the cached list of the old version
        new.vocab, new._slots_of, new._extra = dict(self.vocab), dict(self._slots_of), dict(self._extra)
        new._chunks = list(self._chunks)
        new._dl, new._alive, new._df = self._dl.copy(), self._alive.copy(), self._df.copy()
        new._delta = {t: list(p) for t, p in self._delta.items()}
        return new

    def _terms(self, slot: int) -> tuple[np.ndarray, np.ndarray]:
        if slot < self._n_base:
            b = self._base
            return b.slot_tids[b.slot_ptr[slot]: b.slot_ptr[slot + 1]], b.slot_tfs[b.slot_ptr[slot]: b.slot_ptr[slot + 1]]
        return self._extra[slot]

    def _remove(self, slot: int) -> None:
        if not self._alive[slot]:
            return
        self._df[self._terms(slot)[0]] -= 1
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
            self._extra[slot] = (ids, tfs)
            self._slots_of[chunk.doc.doc_id] = [*self._slots_of.get(chunk.doc.doc_id, []), slot]
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

    def compacted(self) -> LexicalIndex:
        """Removed slots dropped, the added ones folded into the base (slots renumbered)."""
        renumber = np.cumsum(self._alive) - 1
        b = self._base
        owner = np.repeat(np.arange(self._n_base), np.diff(b.slot_ptr))
        kept = self._alive[owner]
        extra = [s for s in sorted(self._extra) if self._alive[s]]
        slots = np.concatenate([renumber[owner[kept]], *(np.full(len(self._extra[s][0]), renumber[s]) for s in extra)])
        tids = np.concatenate([b.slot_tids[kept], *(self._extra[s][0] for s in extra)])
        tfs = np.concatenate([b.slot_tfs[kept], *(self._extra[s][1] for s in extra)])
        new = LexicalIndex()
        new.vocab, new._df, new._fetch = self.vocab, self._df, self._fetch
        new._chunks = [c for c in self._chunks if c is not None]
        new._base, new._n_base = _Postings.of(slots, tids, tfs, len(new._chunks), len(self.vocab)), len(new._chunks)
        new._dl = self._dl[self._alive]
        new._alive = np.ones(len(new._chunks), dtype=bool)
        for slot, c in enumerate(new._chunks):
            new._slots_of.setdefault(_doc_id(c), []).append(slot)
        new.live, new._total_len = len(new._chunks), self._total_len
        return new

    # --- saving and opening (the file format is lexical_snapshot's) ------------------------------
    @property
    def is_compact(self) -> bool:
        """Every chunk in the base: nothing added or removed since it was built."""
        return not self._extra and self.live == len(self._chunks)

    def state(self) -> tuple[dict[str, np.ndarray], list[str], list[str]]:
        """Arrays, vocabulary (by id) and chunk ids (by slot) of this index; compact it first."""
        if not self.is_compact:
            raise ValueError("only a compacted index has a state: call compacted() first")
        arrays = {name: getattr(self._base, name) for name in POSTINGS} | {"dl": self._dl,
                                                                           "df": self._df[: len(self.vocab)]}
        return arrays, list(self.vocab), [c if isinstance(c, str) else c.chunk_id for c in self._chunks]

    @classmethod
    def from_state(cls, arrays: Mapping[str, np.ndarray], vocab: Sequence[str], ids: Sequence[str],
                   fetch: Fetch) -> LexicalIndex:
        """An index from a saved state; its chunks are read with `fetch` when a search first returns them."""
        index = cls()
        index.vocab = {t: i for i, t in enumerate(vocab)}
        index._base, index._n_base = _Postings(*(arrays[name] for name in POSTINGS)), len(ids)
        index._dl, index._df, index._fetch = arrays["dl"], arrays["df"], fetch
        index._alive = np.ones(len(ids), dtype=bool)
        index._chunks = list(ids)
        for slot, cid in enumerate(ids):
            index._slots_of.setdefault(_doc_id(cid), []).append(slot)
        index.live, index._total_len = len(ids), int(np.asarray(arrays["dl"], dtype=np.float64).sum())
        return index

    def _resolve(self, slots: Iterable[int]) -> None:
        """Read the chunks of these slots that are known by id only (one fetch). One gone from the catalog since
        stays an id (never returned) until the update that removes it."""
        missing = [s for s in slots if isinstance(self._chunks[s], str)]
        if missing and self._fetch is not None:
            got = self._fetch([self._chunks[s] for s in missing])  # type: ignore[misc]
            for s in missing:
                self._chunks[s] = got.get(self._chunks[s], self._chunks[s])  # type: ignore[call-overload]

    # --- reading -------------------------------------------------------------------------------
    @cached_property
    def chunks(self) -> list[Chunk]:
        """The indexed chunks, one list per index version (consumers cache what they derive by its identity)."""
        self._resolve(range(len(self._chunks)))
        return [c for c in self._chunks if isinstance(c, Chunk)]

    def __len__(self) -> int:
        return self.live

    def by_ids(self, chunk_ids: Iterable[str]) -> dict[str, Chunk]:
        """The indexed chunks with these ids (read now if known by id only); an id not indexed is left out."""
        wanted = set(chunk_ids)
        slots = [s for d in {_doc_id(i) for i in wanted} for s in self._slots_of.get(d, ())
                 if self._alive[s] and _id_of(self._chunks[s]) in wanted]
        self._resolve(slots)
        return {c.chunk_id: c for s in slots if isinstance(c := self._chunks[s], Chunk)}

    def doc_freq(self, word: str) -> int:
        """How many chunks contain the word; a word the tokenizer splits (母基金): its rarest part's count."""
        word = word.lower()
        if word in self.vocab:
            return int(self._df[self.vocab[word]])
        parts = [self.vocab.get(t) for t in tokens(word)]
        return 0 if not parts or None in parts else int(min(self._df[parts]))

    def _postings(self, tid: int) -> tuple[np.ndarray, np.ndarray]:
        b = self._base
        slots, tfs = (b.tok_slots[b.tok_ptr[tid]: b.tok_ptr[tid + 1]], b.tok_tfs[b.tok_ptr[tid]: b.tok_ptr[tid + 1]]) \
            if tid + 1 < len(b.tok_ptr) else (np.zeros(0, np.int32), np.zeros(0, np.float32))
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
        step = max(2 * k, 32)  # chunks known by id only are read a block at a time
        out: list[tuple[Chunk, float]] = []
        for order in _best_first(found, scores, 8 * step):
            for start in range(0, len(order), step):
                block = order[start: start + step].tolist()
                self._resolve(block)
                for i in block:
                    c = self._chunks[i]
                    if isinstance(c, Chunk) and (keep is None or keep(c)):
                        out.append((c, float(scores[i])))
                        if len(out) >= k:
                            return out
        return out
        return out


def _doc_id(chunk: Chunk | str) -> str:
    """The document of a chunk, or of a chunk id (`doc_id#ordinal`)."""
    return chunk.rsplit("#", 1)[0] if isinstance(chunk, str) else chunk.doc.doc_id



def _best_first(found: np.ndarray, scores: np.ndarray, top: int) -> Iterator[np.ndarray]:
    """Found slots by descending score (ties by slot) in two parts, the best `top` first and the rest only when a
    search reads past them: a common word matches most of the library, and sorting all of it cost ~15 ms at 100k."""
    if len(found) <= top:
        yield found[np.argsort(-scores[found], kind="stable")]
        return
    part = np.argpartition(-scores[found], top)
    for slots in (found[part[:top]], found[part[top:]]):
        yield slots[np.lexsort((slots, -scores[slots]))]


def _id_of(entry: Chunk | str | None) -> str | None:
    return entry.chunk_id if isinstance(entry, Chunk) else entry
