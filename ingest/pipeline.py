"""The ingest use case: files → loaded → understood → chunked → embedded → Chroma + catalog, idempotently."""

from __future__ import annotations

import hashlib
import logging
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import numpy as np

from assistant.catalog import Catalog, doc_info
from assistant.errors import IngestError
from assistant.index_writer import IndexWriter
from assistant.types import Chunk, DocMeta, DocRecord, IngestReport, LoadedFile
from ingest.batches import BATCH_CHUNKS, READ_AHEAD, Batch, Prepared, ReadFile, Tally, Writes
from ingest.chunking import split_document
from ingest.folders import path_text, select_files
from ingest.limits import DEFAULT_LIMITS, LoadLimits, check_size
from ingest.loaders import load
from ingest.metadata import name_year, understand

log = logging.getLogger(__name__)
Progress = Callable[[int, int, str], None]  # (files done, files, file name)
PageProgress = Callable[[str, int, int, bool], None]  # (file name, pages read, pages, last page OCR'd): PDFs


def _pages_of(name: str, pages: PageProgress | None) -> Callable[[int, int, bool], None] | None:
    """The loader's page callback for one file, naming the file for the caller."""
    return (lambda n, total, ocr: pages(name, n, total, ocr)) if pages else None


def doc_id_for(path: Path) -> str:
    """Stable id from the path: relative to the working directory when inside it, else absolute (posix)."""
    p = path.resolve()
    try:
        return path_text(p.relative_to(Path.cwd().resolve()).as_posix())
    except ValueError:
        return path_text(p.as_posix())


class Ingestor:
    """Writes documents into the catalog and Chroma; the embedder is any vectorstore Embedder.

    Loading, OCR, chunking and embedding run without the write lock; only the index writes take it, so a
    slow scan never makes uploads, edits or re-index wait."""

    def __init__(self, catalog: Catalog, writer: IndexWriter, embedder, chunk_chars: int = 320,
                 limits: LoadLimits = DEFAULT_LIMITS):
        self.catalog, self.writer, self.embedder, self.chunk_chars = catalog, writer, embedder, chunk_chars
        self.limits = limits

    def run(self, paths: Sequence[Path], progress: Progress | None = None, force: bool = False,
            pages: PageProgress | None = None) -> IngestReport:
        t0 = time.perf_counter()
        self.writer.repair()  # a crashed earlier run is finished or undone before anything else is written
        selection = select_files(paths)
        tally = Tally()
        # Inside a folder an image, a link out of it or a hidden file is not an error; the summary says why.
        tally.skipped.extend(selection.skipped)
        files, batch, writes = selection.files, Batch(), Writes()
        # Files are read (loaded, understood, chunked) ahead in a thread, and batches written in another, while
        # the embedder works (it releases the GIL). The reader reports progress, in file order.
        with ThreadPoolExecutor(1, thread_name_prefix="ingest-read") as reader:
            ahead: deque[tuple[Path, Future[ReadFile]]] = deque()
            todo = iter(enumerate(files))
            try:
                while True:
                    while len(ahead) < READ_AHEAD and (item := next(todo, None)):
                        i, path = item
                        ahead.append((path, reader.submit(self._read, path, force, (i, len(files)), progress, pages)))
                    if not ahead:
                        break
                    path, read = ahead.popleft()
                    self._guarded(path, tally, lambda r=read: self._take(r.result(), batch, tally, force, writes))
                self._flush(batch, tally, writes)
            finally:
                for _, read in ahead:
                    read.cancel()
                writes.close()
        if progress:
            progress(len(files), len(files), "")
        self.refresh_versions()
        return tally.report(time.perf_counter() - t0)

    def _guarded(self, path: Path, tally: Tally, step: Callable[[], None]) -> None:
        """One bad file never aborts the run; an unexpected error's traceback goes to the log."""
        try:
            step()
        except IngestError as exc:
            self._record_failure(path, path_text(str(exc)), tally)
        except Exception as exc:
            log.exception("unexpected error ingesting %s", path_text(path))
            self._record_failure(path, path_text(f"{path}: unexpected {type(exc).__name__}: {exc}"), tally)

    def _record_failure(self, path: Path, reason: str, tally: Tally) -> None:
        tally.failed.append((path_text(path), reason))
        doc_id = doc_id_for(path)
        with self.writer.lock:
            old = self.catalog.get(doc_id)
            if old and old.status == "indexed":  # keep the last good version searchable, but say it is stale
                self.writer.put_record(replace(old, error=f"last ingest failed: {reason}"))
            else:
                self.catalog.put_record(DocRecord(doc_id=doc_id, source=path_text(path),
                                                  file_type=path.suffix.lstrip("."), status="failed", error=reason))

    def _read(self, path: Path, force: bool, position: tuple[int, int], progress: Progress | None,
              pages: PageProgress | None) -> ReadFile:
        """A file made ready to write, or why nothing needs writing (in the reader thread: reads, never writes)."""
        if progress:
            progress(*position, path_text(path.name))
        if not path.is_file():
            why = "no such file" if not path.exists() else "not a regular file (a pipe, device or folder)"
            raise IngestError(path_text(path), why, "check the path")
        doc_id = doc_id_for(path)
        sha = _sha256(path, self.limits)
        old = self.catalog.get(doc_id)
        if not force and old and old.sha256 == sha and old.status != "failed" and not old.error:
            return ReadFile(path, doc_id, sha, unchanged=True)
        if path.suffix.lower() == ".jsonl" or self.catalog.find_indexed_by_sha(sha, exclude=doc_id):
            return ReadFile(path, doc_id, sha)  # records are read as they are written; a twin is not read at all
        (loaded,) = load(path, self.limits, _pages_of(path_text(path.name), pages))
        loaded = replace(loaded, path=path_text(loaded.path))
        return ReadFile(path, doc_id, sha, prepared=(loaded.path, *self._prepare(loaded, doc_id, sha)))

    def _take(self, read: ReadFile, batch: Batch, tally: Tally, force: bool, writes: Writes) -> None:
        """A read file joins the batch being written (a copy of a file indexed or waiting: a duplicate)."""
        if read.unchanged:
            tally.unchanged.append(path_text(read.path))
            return
        if read.path.suffix.lower() == ".jsonl":
            writes.wait()  # its records are written in their own batches, after the files before it
            self._ingest_records(read.path, read.doc_id, read.sha, tally, force)
            return
        with self.writer.lock:
            twin = self.catalog.find_indexed_by_sha(read.sha, exclude=read.doc_id)
            twin_id = twin.doc_id if twin else batch.by_sha.get(read.sha, "")
            if twin_id:
                self.writer.put_without_chunks(DocRecord(
                    doc_id=read.doc_id, source=path_text(read.path), sha256=read.sha, status="duplicate",
                    duplicate_of=twin_id, file_type=read.path.suffix.lstrip(".")))
                tally.duplicate.append((path_text(read.path), twin_id))
                return
        assert read.prepared is not None
        batch.add(read.sha, read.prepared)
        if batch.chunks >= BATCH_CHUNKS:
            self._flush(batch, tally, writes)

    def _flush(self, batch: Batch, tally: Tally, writes: Writes) -> None:
        """Embed the batch's documents together, then write them while the next batch embeds; if either fails,
        each of its files failed (nothing of them half written)."""
        items = batch.take()
        if not items:
            return
        try:
            vectors = self.embedder.embed_passages([c.text for *_, chunks in items for c in chunks])
        except Exception as exc:  # e.g. the embedding server down
            self._batch_failed(items, exc, tally)
            return
        writes.submit(lambda: self._store_or_fail(items, vectors, tally))

    def _store_or_fail(self, items: list[Prepared], vectors: np.ndarray, tally: Tally) -> None:
        try:
            self._store(items, vectors, tally)
        except Exception as exc:
            self._batch_failed(items, exc, tally)

    def _batch_failed(self, items: list[Prepared], exc: Exception, tally: Tally) -> None:
        log.error("could not write %d documents", len(items), exc_info=exc)
        for path, _, _ in items:
            self._record_failure(Path(path), path_text(f"{path}: {type(exc).__name__}: {exc}"), tally)

    def _ingest_records(self, path: Path, file_id: str, sha: str, tally: Tally, force: bool) -> None:
        seen = set()
        records = load(path, self.limits)
        if records:  # the loader reports lines it could not use on the first record
            tally.skipped.extend((path_text(path), w) for w in records[0].warnings if w.startswith("line "))
        batch: list[Prepared] = []
        for loaded in records:
            loaded = replace(loaded, path=path_text(loaded.path))
            rid = loaded.path.rsplit("::", 1)[-1]
            doc_id = f"{file_id}::{rid}"
            seen.add(doc_id)
            old = self.catalog.get(doc_id)
            if not force and old and old.sha256 == loaded.record_sha256 and old.status == "indexed":
                tally.unchanged.append(loaded.path)
                continue
            try:
                batch.append((loaded.path, *self._prepare(loaded, doc_id, loaded.record_sha256)))
            except IngestError as exc:
                tally.failed.append((loaded.path, str(exc)))
            if sum(len(chunks) for *_, chunks in batch) >= BATCH_CHUNKS:
                self._write_many(batch, tally)
                batch = []
        self._write_many(batch, tally)
        for rec in self.catalog.documents(prefix=f"{file_id}::"):
            if rec.doc_id not in seen:  # the record left the file: it leaves the index too
                self.writer.delete(rec.doc_id)
        # the container itself: remembered so an unchanged file costs nothing next time
        self.catalog.put_record(DocRecord(doc_id=file_id, source=path_text(path), sha256=sha, file_type="jsonl",
                                          status="container", chunk_count=0))

    def _prepare(self, loaded: LoadedFile, doc_id: str, sha: str) -> tuple[DocRecord, list[Chunk]]:
        meta = understand(loaded, doc_id=doc_id)
        rec = _record_from(loaded, doc_id, sha, meta)
        chunks = split_document(loaded.pages, doc_info(rec), self.chunk_chars)
        if not chunks:
            raise IngestError(loaded.path, "no text left after cleaning", "check that the file has readable text")
        return rec, chunks

    def _write_many(self, batch: Sequence[Prepared], tally: Tally) -> None:
        """Embed the documents' chunks together and write them in one index change."""
        if batch:
            self._store(batch, self.embedder.embed_passages([c.text for *_, chunks in batch for c in chunks]), tally)

    def _store(self, batch: Sequence[Prepared], vectors: np.ndarray, tally: Tally) -> None:
        items, offset, fresh = [], 0, []
        with self.writer.lock:  # read the old records here: a staff edit may have landed while we embedded
            for path, rec, chunks in batch:
                old = self.catalog.get(rec.doc_id)
                if old and old.edited:  # staff corrections survive re-ingest
                    rec = replace(rec, **{f: getattr(old, f) for f in old.edited}, edited=old.edited)
                    info = doc_info(rec)
                    chunks = [replace(c, doc=info) for c in chunks]
                items.append((rec, chunks, vectors[offset: offset + len(chunks)]))
                offset += len(chunks)
                fresh.append((path, not (old and old.status == "indexed")))
            self.writer.put_documents(items)
        tally.chunks += offset
        for path, added in fresh:
            (tally.added if added else tally.updated).append(path)

    def delete(self, doc_id: str) -> None:
        self.writer.delete(doc_id)

    def refresh_versions(self) -> list[str]:
        """Mark older versions of the same document (same version_key) as superseded by the newest."""
        with self.writer.lock:
            return self._refresh_versions()

    def _refresh_versions(self) -> list[str]:
        groups: dict[str, list[DocRecord]] = {}
        for r in self.catalog.documents():
            if r.status == "indexed" and r.version_key:
                groups.setdefault(r.version_key, []).append(r)
        changed = []
        for recs in groups.values():
            # The year a file is named by first: a 2024 report is often published (dated) in 2025.
            newest = max(recs, key=lambda r: (name_year(r.source), r.effective or r.published or "", r.doc_id))
            for r in recs:
                want = "" if r is newest or len(recs) == 1 else newest.doc_id
                if r.superseded_by != want:
                    self.update_record(replace(r, superseded_by=want))
                    changed.append(r.doc_id)
        return changed

    def update_record(self, rec: DocRecord) -> None:
        """Store new document-level metadata and copy it onto the chunks in Chroma."""
        self.writer.put_record(rec)


def _sha256(path: Path, limits: LoadLimits) -> str:
    """Hash in blocks, after the size check: a 5 GB file named .txt is refused before it is read."""
    check_size(path, limits, path_text(path))
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _record_from(loaded: LoadedFile, doc_id: str, sha: str, meta: DocMeta) -> DocRecord:
    v = meta.validity

    def iso(d) -> str:
        return d.isoformat() if d else ""

    return DocRecord(
        doc_id=doc_id, source=loaded.path, sha256=sha, file_type=loaded.file_type, title=meta.title,
        doc_type=meta.doc_type, province=meta.region.province, city=meta.region.city,
        district=meta.region.district, issuer=meta.issuer, published=meta.published, effective=iso(v.effective),
        expires=iso(v.expires), repealed=iso(v.repealed), repealed_flag=v.repealed_flag, status="indexed",
        version_key=meta.version_key, contacts=meta.contacts, warnings=loaded.warnings + _instruction_flags(loaded),
        table_count=sum(len(p.tables) for p in loaded.pages),
    )


def _instruction_flags(loaded: LoadedFile) -> tuple[str, ...]:
    """Text that gives the assistant orders (prompt injection) is kept as data but flagged for staff; answers
    never offer it and LLM prompts mask it (assistant/text/instructions.py)."""
    from assistant.text.instructions import instruction_sentences

    found = [(p.number, s) for p in loaded.pages for s in instruction_sentences(p.text)]
    return tuple(f"page {n}: instruction-like text, never followed or quoted: «{s[:60]}»" for n, s in found[:5])
