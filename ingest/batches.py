"""How ingest groups files for the index and tallies what it did: files read ahead of the writer, documents gathered into batches of
~512 chunks (one embedding call, Chroma upsert and catalog commit each), and a batch written while the next
one embeds."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from assistant.types import Chunk, DocRecord, IngestReport

# A Chroma write costs ~0.3 s whether it holds 1 chunk or 500 (measured on 2 cores), and the embedder pads a batch
# to its longest text after sorting by length: many small documents go together.
BATCH_CHUNKS = 512
READ_AHEAD = 32  # files read ahead of the writer (bounds the memory of loaded-but-unwritten files)

Prepared = tuple[str, DocRecord, list[Chunk]]  # (the file's path text, its record, its chunks)


@dataclass
class Tally:
    added: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    duplicate: list = field(default_factory=list)
    failed: list = field(default_factory=list)
    skipped: list = field(default_factory=list)
    chunks: int = 0

    def report(self, seconds: float) -> IngestReport:
        return IngestReport(tuple(self.added), tuple(self.updated), tuple(self.unchanged), tuple(self.duplicate),
                            tuple(self.failed), tuple(self.skipped), self.chunks, seconds)


@dataclass(frozen=True)
class ReadFile:
    """One file as the reader thread left it: unchanged, prepared for writing, or neither (JSONL, a twin)."""

    path: Path
    doc_id: str
    sha: str
    unchanged: bool = False
    prepared: Prepared | None = None


@dataclass
class Batch:
    """Prepared documents waiting to be embedded and written together."""

    items: list[Prepared] = field(default_factory=list)
    # A file identical to one taken earlier in the run is its duplicate, also while that one is still being
    # written (the catalog does not know it yet).
    by_sha: dict[str, str] = field(default_factory=dict)
    chunks: int = 0

    def add(self, sha: str, item: Prepared) -> None:
        self.items.append(item)
        self.by_sha.setdefault(sha, item[1].doc_id)
        self.chunks += len(item[2])

    def take(self) -> list[Prepared]:
        items, self.items, self.chunks = self.items, [], 0
        return items


class Writes:
    """Index writes in one thread, one at a time and in order, at most one waiting: the caller embeds the next
    batch meanwhile (the embedder and Chroma release the GIL). The write function handles its own errors."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="ingest-write")
        self._last: Future | None = None

    def submit(self, write: Callable[[], None]) -> None:
        self.wait()
        self._last = self._pool.submit(write)

    def wait(self) -> None:
        if self._last is not None:
            self._last.result()
            self._last = None

    def close(self) -> None:
        try:
            self.wait()
        finally:
            self._pool.shutdown()
