"""Every change to the index: journal row first, then Chroma, then the catalog commit — and repair after a crash.

The catalog (SQLite) is the source of truth; Chroma mirrors it. A change first commits a `pending` row for its
document, then writes Chroma, then commits the catalog and clears the row in one transaction. A process that dies
anywhere in between leaves the row behind; `repair()` then makes Chroma equal the catalog for that document
(stray chunks deleted, the catalog's chunks re-upserted from the embedding cache). A half-done ingest is thus
rolled back to the last committed version (and the changed file is re-read on the next run); a half-done delete
or metadata edit, whose catalog part commits first, is rolled forward.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Sequence

import numpy as np

from assistant.catalog import ALL, Catalog
from assistant.crash_points import crash_point
from assistant.types import Chunk, DocRecord
from vectorstore.chroma_index import ChromaIndex

log = logging.getLogger(__name__)


def doc_of(chunk_id: str) -> str:
    return chunk_id.rsplit("#", 1)[0]


def _abandoned(pid: int, host: str) -> bool:
    """A pending row is ours (we hold the write lock, so it is left from a failure) or of a dead process.
    A row of another machine sharing the index folder is left to that machine: its processes are not ours to see."""
    if host and host != socket.gethostname():
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, another user's
        return False
    return False


class IndexWriter:
    """One writer lock per library; only the writes hold it, never loading, OCR or embedding."""

    def __init__(self, catalog: Catalog, chroma: ChromaIndex, embedder):
        self.catalog, self.chroma, self.embedder = catalog, chroma, embedder
        self.lock = threading.RLock()

    def put_document(self, rec: DocRecord, chunks: Sequence[Chunk], vectors: np.ndarray) -> None:
        self.put_documents([(rec, chunks, vectors)])

    def put_documents(self, items: Sequence[tuple[DocRecord, Sequence[Chunk], np.ndarray]]) -> None:
        """Several documents in one journal commit, one Chroma upsert and one catalog commit: a Chroma write
        costs about the same for 1 or 500 chunks, so many small documents (news, JSONL records) go together."""
        if not items:
            return
        with self.lock:
            stale = sorted(i for rec, chunks, _ in items
                           for i in set(self.catalog.chunk_ids(rec.doc_id)) - {c.chunk_id for c in chunks})
            self.catalog.begin_change(*(rec.doc_id for rec, _, _ in items))
            crash_point("ingest:journaled")
            chunks = [c for _, cs, _ in items for c in cs]
            if chunks:
                self.chroma.upsert(chunks, np.vstack([v for _, cs, v in items if len(cs)]))
            crash_point("ingest:chroma-upserted")
            if stale:
                self.chroma.delete_ids(stale)
            crash_point("ingest:chroma-stale-deleted")
            self.catalog.put_documents([(rec, cs) for rec, cs, _ in items])

    def put_without_chunks(self, rec: DocRecord) -> None:
        """A document that must have no chunks (a duplicate of another): its old chunks leave Chroma first."""
        with self.lock:
            ids = self.catalog.chunk_ids(rec.doc_id)
            if ids:
                self.catalog.begin_change(rec.doc_id)
                self.chroma.delete_ids(ids)
            self.catalog.put_document(rec, [])

    def put_record(self, rec: DocRecord) -> None:
        """Metadata of a document; copied onto its chunks in Chroma (the catalog commits first)."""
        with self.lock:
            self.catalog.put_record(rec, journal=True)
            crash_point("edit:catalog-written")
            chunks = self.catalog.chunks([rec.doc_id])
            if chunks:
                self.chroma.update_metadata(chunks)
            crash_point("edit:chroma-updated")
            self.catalog.end_change(rec.doc_id)

    def delete(self, doc_id: str) -> None:
        """The catalog forgets the document first: from then on it is gone, whatever happens to Chroma."""
        with self.lock:
            ids = self.catalog.chunk_ids(doc_id)
            self.catalog.delete(doc_id, journal=True)
            crash_point("delete:catalog-deleted")
            if ids:
                self.chroma.delete_ids(ids)
            crash_point("delete:chroma-deleted")
            self.catalog.end_change(doc_id)

    def clear(self) -> None:
        with self.lock:
            self.catalog.clear(journal=True)
            crash_point("rebuild:catalog-cleared")
            self.chroma.reset()
            self.catalog.end_change(ALL)

    # --- recovery --------------------------------------------------------------------------------
    def repair(self) -> list[str]:
        """Finish or undo what crashed processes left; then check the id sets. Returns what was repaired."""
        with self.lock:
            repaired = []
            for doc_id, pid, host in self.catalog.pending():
                if not _abandoned(pid, host):
                    continue
                try:
                    self._reconcile(None if doc_id == ALL else [doc_id])
                except Exception as exc:  # e.g. an embedding server down: the row stays, the next open retries
                    log.error("could not repair %s yet (%s: %s); will retry", doc_id, type(exc).__name__, exc)
                    continue
                self.catalog.end_change(doc_id)
                repaired.append(doc_id)
            # Chroma first, then the catalog and its journal in one snapshot: a live writer in another
            # process journals before touching Chroma, so its documents show up as busy and are left alone.
            chroma_ids = self.chroma.all_ids()
            pending, catalog_ids = self.catalog.snapshot()
            busy = {d for d, *_ in pending}
            if ALL not in busy:
                odd = {doc_of(i) for i in chroma_ids ^ catalog_ids} - busy
                if odd:
                    try:
                        self._reconcile(sorted(odd))
                        repaired += sorted(odd)
                    except Exception as exc:
                        log.error("could not repair %d documents yet (%s: %s)", len(odd), type(exc).__name__, exc)
            if repaired:
                log.warning("index repaired after an interrupted change: %s", ", ".join(repaired[:20]))
            return repaired

    def _reconcile(self, doc_ids: list[str] | None) -> None:
        """Make Chroma hold exactly the catalog's chunks of these documents (None: of all documents)."""
        if doc_ids is None:
            wanted = {c.chunk_id: c for c in self.catalog.chunks()}
            present = self.chroma.all_ids()
        else:
            wanted = {c.chunk_id: c for c in self.catalog.chunks(doc_ids)}
            present = {i for d in doc_ids for i in self.chroma.ids_of_doc(d)}
        extra = sorted(present - set(wanted))
        if extra:
            self.chroma.delete_ids(extra)
        # Re-upsert even ids Chroma has: a crashed ingest may have overwritten them with an uncommitted text.
        chunks = list(wanted.values()) if doc_ids is not None else [wanted[i] for i in sorted(set(wanted) - present)]
        if chunks:
            self.chroma.upsert(chunks, self.embedder.embed_passages([c.text for c in chunks]))
