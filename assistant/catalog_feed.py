"""The change log of the catalog kept in the Chroma server, as each replica follows it: which documents changed,
as a local generation counter the library's in-memory indexes compare against (see Library.bm25).

Entries are rows `log:<seq>:<random>` of the catalog collection, `seq` a microsecond timestamp, so they sort; a
commit upserts its entry together with its records. A replica looks at most once a second and re-reads the last
LAG seconds, so that an entry whose timestamp was taken a moment before it landed (a slow call, a clock slightly
behind) is still seen; entries it has already applied are remembered by id inside that window.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections import deque
from collections.abc import Iterable

from assistant.catalog import ALL

POLL_SECONDS = 1.0  # how stale a replica's view may be: its next question after this sees the others' changes
LAG_US = 60_000_000  # entries landing up to a minute after their timestamp are still seen (keep clocks in NTP)
KEEP_US = 86_400_000_000  # entries older than a day are trimmed; a replica idle that long reloads everything
_HISTORY = 10_000  # local generations remembered for changed_since (older ones: a full reload)


def now_us() -> int:
    return time.time_ns() // 1000


class ChangeFeed:
    def __init__(self, rows):
        self._rows = rows
        self._lock = threading.RLock()
        # A generation is the time (µs) this process learned of a change, or one more than the last: unique across
        # runs, so a cache keyed by it is never taken for another run's, and a generation an earlier run saved
        # (a lexical snapshot) can still be brought up to date from the log (see changed_since).
        self._gen = self._floor = now_us()  # local history is complete from _floor on
        self._history: deque[tuple[int, frozenset[str]]] = deque(maxlen=_HISTORY)
        self._seen: dict[str, int] = {}  # entry id → seq, for entries inside the re-read window
        self._polled_us, self._polled_at, self._trimmed_at = 0, 0.0, 0.0
        self._poll(initial=True)  # what is in the log now is in the state the library reads next

    @property
    def generation(self) -> int:
        with self._lock:
            if time.monotonic() - self._polled_at >= POLL_SECONDS:
                self._poll()
            return self._gen

    def _poll(self, initial: bool = False) -> None:
        now, since = now_us(), self._polled_us - LAG_US
        got = self._rows.get(where={"$and": [{"kind": "log"}, {"seq": {"$gt": since}}]},
                             include=["metadatas", "documents"])
        changed: set[str] = set()
        for i, meta, docs in zip(got["ids"], got["metadatas"], got["documents"], strict=True):
            if i not in self._seen:
                changed.update(json.loads(docs))
            self._seen[i] = int(meta["seq"])
        self._seen = {i: s for i, s in self._seen.items() if s > now - 2 * LAG_US}
        if not initial and now - self._polled_us > KEEP_US - LAG_US:
            changed = {ALL}  # idle so long that entries it never saw may have been trimmed
        if changed and not initial:
            self._advance(changed)
        self._polled_us, self._polled_at = now, time.monotonic()

    def _advance(self, doc_ids: Iterable[str]) -> None:
        if len(self._history) == self._history.maxlen:
            self._floor = self._history[0][0]
        self._gen = max(self._gen + 1, now_us())
        self._history.append((self._gen, frozenset(doc_ids)))

    def changed_since(self, generation: int) -> set[str] | None:
        """Documents changed after `generation`; None when the whole library may have (a clear, a long idle).
        A generation older than this process's history (saved by an earlier run) gets every document the log
        names from LAG before it on: a superset, and applying a document twice is harmless."""
        with self._lock:
            if self._floor <= generation <= self._gen:
                docs = set().union(*(d for g, d in self._history if g > generation))
                return None if ALL in docs else docs
        if not now_us() - KEEP_US + LAG_US < generation < self._floor:
            return None
        got = self._rows.get(where={"$and": [{"kind": "log"}, {"seq": {"$gt": generation - LAG_US}}]},
                             include=["documents"])
        docs = set().union(*(json.loads(d) for d in got["documents"]))
        return None if ALL in docs else docs

    def entry(self, doc_ids: Iterable[str]) -> tuple[str, dict, str]:
        """The log row announcing a change of these documents, to upsert with the change itself."""
        seq = now_us()
        return f"log:{seq:017d}:{uuid.uuid4().hex[:8]}", {"kind": "log", "seq": seq}, json.dumps(
            sorted(set(doc_ids)), ensure_ascii=False)

    def committed(self, entry: tuple[str, dict, str]) -> None:
        """Our own change is visible to us at once, not at the next poll; old entries are trimmed now and then."""
        with self._lock:
            self._seen[entry[0]] = entry[1]["seq"]
            self._advance(json.loads(entry[2]))
        if time.monotonic() - self._trimmed_at > 600:
            self._trimmed_at = time.monotonic()
            self._rows.delete(where={"$and": [{"kind": "log"}, {"seq": {"$lt": now_us() - KEEP_US}}]})
