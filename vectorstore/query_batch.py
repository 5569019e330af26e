"""Concurrent query embeddings in one engine call, without a waiting window.

A caller that finds the engine idle embeds its query at once, so a lone question is never slowed; queries that
arrive while a call runs wait and go together in the next call, led by the first of them. On 2 cores, e5-small
on onnxruntime (one intra-op thread) costs ~15 ms of CPU per query one at a time and ~11 ms in a batch of 20, and one call
at a time leaves the other cores to the visitors' Python work when many ask at once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

import numpy as np

MAX_BATCH = 32


class _Waiting:
    __slots__ = ("text", "ready", "lead", "vector", "error")

    def __init__(self, text: str):
        self.text = text
        self.ready = threading.Event()
        self.lead = False  # woken to run the next batch, not with a result
        self.vector: np.ndarray | None = None
        self.error: BaseException | None = None


class QueryBatcher:
    """`embed(text)` for many threads; `encode(texts)` is the engine's batch call (one row per text)."""

    def __init__(self, encode: Callable[[Sequence[str]], np.ndarray], max_batch: int = MAX_BATCH):
        self._encode, self._max = encode, max_batch
        self._lock = threading.Lock()
        self._queue: list[_Waiting] = []
        self._busy = False  # a batch is running; invariant: queued requests exist only while busy

    def embed(self, text: str) -> np.ndarray:
        me = _Waiting(text)
        with self._lock:
            self._queue.append(me)
            lead, self._busy = not self._busy, True
        if not lead:
            me.ready.wait()
        if not me.ready.is_set() or me.lead:
            self._run()  # the leader's own query is first in the queue, so it is in this batch
        if me.error is not None:
            raise me.error
        assert me.vector is not None
        return me.vector

    def _run(self) -> None:
        with self._lock:
            batch = self._queue[: self._max]
            del self._queue[: len(batch)]
        try:
            vectors = self._encode([w.text for w in batch])
            for w, v in zip(batch, vectors, strict=True):
                w.vector = v
        except BaseException as exc:  # every waiter learns of the failure, none hangs
            for w in batch:
                w.error = exc
        with self._lock:
            following = self._queue[0] if self._queue else None
            self._busy = following is not None
        for w in batch:
            w.lead = False
            w.ready.set()
        if following is not None:
            following.lead = True
            following.ready.set()
