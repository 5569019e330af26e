"""The ingest use case: files → loaded → understood → chunked → embedded → Chroma + catalog, idempotently."""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from assistant.catalog import Catalog, doc_info
from assistant.errors import IngestError
from assistant.types import DocMeta, DocRecord, IngestReport, LoadedFile
from ingest.chunking import split_document
from ingest.loaders import SUPPORTED_SUFFIXES, load
from ingest.metadata import understand
from vectorstore.chroma_index import ChromaIndex

log = logging.getLogger(__name__)
Progress = Callable[[int, int, str], None]


def doc_id_for(path: Path) -> str:
    """Stable id from the path: relative to the working directory when inside it, else absolute (posix)."""
    p = path.resolve()
    try:
        return p.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return p.as_posix()


def expand(paths: Sequence[Path]) -> tuple[list[Path], list[Path]]:
    """Files to ingest (explicit files always; supported files under folders) and files skipped in folders."""
    files: list[Path] = []
    skipped: list[Path] = []
    for p in paths:
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and not any(part.startswith(".") for part in f.relative_to(p).parts):
                    (files if f.suffix.lower() in SUPPORTED_SUFFIXES else skipped).append(f)
        else:
            files.append(p)  # missing or unsupported: load() reports it with the fix
    return list(dict.fromkeys(files)), skipped


@dataclass
class _Tally:
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


class Ingestor:
    """Writes documents into the catalog and Chroma; the embedder is any vectorstore Embedder."""

    def __init__(self, catalog: Catalog, chroma: ChromaIndex, embedder, chunk_chars: int = 320):
        self.catalog, self.chroma, self.embedder, self.chunk_chars = catalog, chroma, embedder, chunk_chars

    def run(self, paths: Sequence[Path], progress: Progress | None = None, force: bool = False) -> IngestReport:
        t0 = time.perf_counter()
        files, unsupported = expand(paths)
        tally = _Tally()
        # Inside a folder an image or spreadsheet is not an error, but the summary still says it was left out.
        tally.skipped.extend((str(f), f"unsupported type {f.suffix or '(none)'}") for f in unsupported)
        for i, path in enumerate(files):
            if progress:
                progress(i, len(files), path.name)
            try:
                self._ingest_file(path, tally, force)
            except IngestError as exc:
                self._record_failure(path, str(exc), tally)
            except Exception as exc:  # one bad file never aborts the run; the traceback goes to the log
                log.exception("unexpected error ingesting %s", path)
                self._record_failure(path, f"{path}: unexpected {type(exc).__name__}: {exc}", tally)
        if progress:
            progress(len(files), len(files), "")
        self.refresh_versions()
        return tally.report(time.perf_counter() - t0)

    def _record_failure(self, path: Path, reason: str, tally: _Tally) -> None:
        tally.failed.append((str(path), reason))
        doc_id = doc_id_for(path)
        old = self.catalog.get(doc_id)
        if old and old.status == "indexed":  # keep the last good version searchable, but say it is stale
            self.catalog.put_record(replace(old, error=f"last ingest failed: {reason}"))
        else:
            self.catalog.put_record(DocRecord(doc_id=doc_id, source=str(path), file_type=path.suffix.lstrip("."),
                                              status="failed", error=reason))

    def _ingest_file(self, path: Path, tally: _Tally, force: bool) -> None:
        if not path.is_file():
            raise IngestError(str(path), "no such file", "check the path")
        doc_id = doc_id_for(path)
        sha = hashlib.sha256(path.read_bytes()).hexdigest()
        old = self.catalog.get(doc_id)
        if not force and old and old.sha256 == sha and old.status != "failed" and not old.error:
            tally.unchanged.append(str(path))
            return
        if path.suffix.lower() == ".jsonl":
            self._ingest_records(path, doc_id, sha, tally, force)
            return
        twin = self.catalog.find_indexed_by_sha(sha, exclude=doc_id)
        if twin:
            self._drop_chunks(doc_id)
            self.catalog.put_record(DocRecord(doc_id=doc_id, source=str(path), sha256=sha, status="duplicate",
                                              duplicate_of=twin.doc_id, file_type=path.suffix.lstrip(".")))
            tally.duplicate.append((str(path), twin.doc_id))
            return
        (loaded,) = load(path)
        self._write(loaded, doc_id, sha, old, tally)

    def _ingest_records(self, path: Path, file_id: str, sha: str, tally: _Tally, force: bool) -> None:
        seen = set()
        records = load(path)
        if records:  # the loader reports lines it could not use on the first record
            tally.skipped.extend((str(path), w) for w in records[0].warnings if w.startswith("line "))
        for loaded in records:
            rid = loaded.path.rsplit("::", 1)[-1]
            doc_id = f"{file_id}::{rid}"
            seen.add(doc_id)
            old = self.catalog.get(doc_id)
            if not force and old and old.sha256 == loaded.record_sha256 and old.status == "indexed":
                tally.unchanged.append(loaded.path)
                continue
            try:
                self._write(loaded, doc_id, loaded.record_sha256, old, tally)
            except IngestError as exc:
                tally.failed.append((loaded.path, str(exc)))
        for rec in self.catalog.documents(prefix=f"{file_id}::"):
            if rec.doc_id not in seen:  # the record left the file: it leaves the index too
                self.delete(rec.doc_id)
        # the container itself: remembered so an unchanged file costs nothing next time
        self.catalog.put_record(DocRecord(doc_id=file_id, source=str(path), sha256=sha, file_type="jsonl",
                                          status="container", chunk_count=0))

    def _write(self, loaded: LoadedFile, doc_id: str, sha: str, old: DocRecord | None, tally: _Tally) -> None:
        meta = understand(loaded, doc_id=doc_id)
        rec = _record_from(loaded, doc_id, sha, meta)
        if old and old.edited:  # staff corrections survive re-ingest
            rec = replace(rec, **{f: getattr(old, f) for f in old.edited}, edited=old.edited)
        chunks = split_document(loaded.pages, doc_info(rec), self.chunk_chars)
        if not chunks:
            raise IngestError(loaded.path, "no text left after cleaning", "check that the file has readable text")
        vectors = self.embedder.embed_passages([c.text for c in chunks])
        stale = set(self.catalog.chunk_ids(doc_id)) - {c.chunk_id for c in chunks}
        self.chroma.upsert(chunks, vectors)
        if stale:
            self.chroma.delete_ids(sorted(stale))
        self.catalog.put_document(rec, chunks)
        tally.chunks += len(chunks)
        (tally.updated if old and old.status == "indexed" else tally.added).append(loaded.path)

    def _drop_chunks(self, doc_id: str) -> None:
        ids = self.catalog.chunk_ids(doc_id)
        if ids:
            self.chroma.delete_ids(ids)

    def delete(self, doc_id: str) -> None:
        self._drop_chunks(doc_id)
        self.catalog.delete(doc_id)

    def refresh_versions(self) -> list[str]:
        """Mark older versions of the same document (same version_key) as superseded by the newest."""
        groups: dict[str, list[DocRecord]] = {}
        for r in self.catalog.documents():
            if r.status == "indexed" and r.version_key:
                groups.setdefault(r.version_key, []).append(r)
        changed = []
        for recs in groups.values():
            newest = max(recs, key=lambda r: (r.effective or r.published or "", r.doc_id))
            for r in recs:
                want = "" if r is newest or len(recs) == 1 else newest.doc_id
                if r.superseded_by != want:
                    self.update_record(replace(r, superseded_by=want))
                    changed.append(r.doc_id)
        return changed

    def update_record(self, rec: DocRecord) -> None:
        """Store new document-level metadata and copy it onto the chunks in Chroma."""
        self.catalog.put_record(rec)
        chunks = self.catalog.chunks([rec.doc_id])
        if chunks:
            self.chroma.update_metadata(chunks)


def _record_from(loaded: LoadedFile, doc_id: str, sha: str, meta: DocMeta) -> DocRecord:
    v = meta.validity

    def iso(d) -> str:
        return d.isoformat() if d else ""

    return DocRecord(
        doc_id=doc_id, source=loaded.path, sha256=sha, file_type=loaded.file_type, title=meta.title,
        doc_type=meta.doc_type, province=meta.region.province, city=meta.region.city,
        district=meta.region.district, issuer=meta.issuer, published=meta.published, effective=iso(v.effective),
        expires=iso(v.expires), repealed=iso(v.repealed), repealed_flag=v.repealed_flag, status="indexed",
        version_key=meta.version_key, contacts=meta.contacts, warnings=loaded.warnings,
    )
