"""The library catalog (SQLite in the index folder): documents, their chunks and failures — the source of truth
that Chroma and BM25 mirror."""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, fields, replace
from pathlib import Path

from assistant.query.scope import text_years
from assistant.types import Chunk, Contact, DocInfo, DocRecord
from vectorstore.lexical_index import chunk_tokens

_SCALAR = [f.name for f in fields(DocRecord) if f.name not in ("contacts", "warnings", "edited")]
_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS documents ({", ".join(n + (" PRIMARY KEY" if n == "doc_id" else "") for n in _SCALAR)},
    contacts TEXT, warnings TEXT, edited TEXT);
CREATE INDEX IF NOT EXISTS documents_sha ON documents(sha256);
CREATE TABLE IF NOT EXISTS chunks (chunk_id TEXT PRIMARY KEY, doc_id TEXT, ordinal INT, text TEXT, page INT,
    start INT, "end" INT, article TEXT, heading TEXT, "table" TEXT DEFAULT '', tokens TEXT);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_id);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS pending (doc_id TEXT PRIMARY KEY, pid INT, host TEXT, since TEXT);
CREATE TABLE IF NOT EXISTS changes (gen INT, doc_id TEXT);
CREATE TABLE IF NOT EXISTS doc_years (doc_id TEXT PRIMARY KEY, years TEXT);
CREATE INDEX IF NOT EXISTS changes_gen ON changes(gen);
"""
_CHUNK_COLUMNS = 'chunk_id, doc_id, ordinal, text, page, start, "end", article, heading, "table"'  # not tokens
ALL = "*"  # the pending row of a change to the whole index (rebuild)


def doc_info(rec: DocRecord) -> DocInfo:
    return DocInfo(
        doc_id=rec.doc_id, source=rec.source, sha256=rec.sha256, title=rec.title, doc_type=rec.doc_type,
        province=rec.province, city=rec.city, district=rec.district, published=rec.published,
        effective=rec.effective, expires=rec.expires, repealed=rec.repealed, repealed_flag=rec.repealed_flag,
        version_key=rec.version_key, superseded_by=rec.superseded_by, issuer=rec.issuer,
    )


def _row_to_record(row: sqlite3.Row) -> DocRecord:
    # Read for every document when a process opens the library (~40k at 100k chunks): empty lists skip json.
    d = {k: "" if (v := row[k]) is None else v for k in _SCALAR}
    d["repealed_flag"] = bool(d["repealed_flag"])
    d["chunk_count"] = int(d["chunk_count"] or 0)
    d["table_count"] = int(d["table_count"] or 0)
    lists = [() if not (v := row[k]) or v == "[]" else tuple(json.loads(v)) for k in ("contacts", "warnings", "edited")]
    return DocRecord(**d, contacts=tuple(Contact(**c) for c in lists[0]), warnings=lists[1], edited=lists[2])


def _chunk(row: sqlite3.Row, info: DocInfo) -> Chunk:
    return Chunk(row["chunk_id"], info, row["ordinal"], row["text"], row["page"], row["start"], row["end"],
                 row["article"] or "", row["heading"] or "", row["table"] or "")


class Catalog:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.RLock()
        self._db = sqlite3.connect(path, check_same_thread=False, timeout=30)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)
        self._migrate()

    def _migrate(self) -> None:
        """Columns added since a catalog was created: added with their default, existing rows kept."""
        added = {"documents": {"table_count": "INT DEFAULT 0"}, "chunks": {"table": "TEXT DEFAULT ''", "tokens": "TEXT"}}
        with self._lock, self._db:
            for table, columns in added.items():
                have = {r[1] for r in self._db.execute(f"PRAGMA table_info({table})")}
                for name, decl in columns.items():
                    if name not in have:
                        self._db.execute(f'ALTER TABLE {table} ADD COLUMN "{name}" {decl}')

    # --- meta --------------------------------------------------------------------------------
    def get_meta(self, key: str, default: str = "") -> str:
        row = self._db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else default

    def set_meta(self, key: str, value: str) -> None:
        with self._lock, self._db:
            self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    @property
    def generation(self) -> int:
        """Bumped on every change so in-memory indexes know when to update (also across processes)."""
        return int(self.get_meta("generation", "0"))

    def _bump(self, *doc_ids: str) -> None:
        """A new generation, and which documents it changed (the lexical index then updates only those)."""
        self._db.execute(
            "INSERT INTO meta VALUES ('generation', '1') ON CONFLICT(key) DO UPDATE SET value = value + 1"
        )
        gen = self._db.execute("SELECT value FROM meta WHERE key='generation'").fetchone()[0]
        self._db.executemany("INSERT INTO changes VALUES (?, ?)", [(int(gen), d) for d in doc_ids])

    def changed_since(self, generation: int) -> set[str] | None:
        """Documents changed after `generation`; None when the whole library may have (a clear)."""
        docs = {r[0] for r in self._db.execute("SELECT doc_id FROM changes WHERE gen > ?", (generation,))}
        return None if ALL in docs else docs

    # --- documents ---------------------------------------------------------------------------
    def get(self, doc_id: str) -> DocRecord | None:
        row = self._db.execute("SELECT * FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        return _row_to_record(row) if row else None

    def find_indexed_by_sha(self, sha: str, exclude: str = "") -> DocRecord | None:
        row = self._db.execute(
            "SELECT * FROM documents WHERE sha256=? AND status='indexed' AND doc_id<>? ORDER BY doc_id LIMIT 1",
            (sha, exclude),
        ).fetchone()
        return _row_to_record(row) if row else None

    def documents(self, prefix: str = "") -> list[DocRecord]:
        rows = self._db.execute(
            "SELECT * FROM documents WHERE doc_id LIKE ? ORDER BY doc_id", (prefix.replace("%", r"\%") + "%",)
        )
        return [_row_to_record(r) for r in rows]

    def _write_record(self, rec: DocRecord) -> None:
        rec = replace(rec, updated_at=dt.datetime.now().isoformat(timespec="seconds"))
        d = asdict(rec)
        values = [d[k] for k in _SCALAR] + [
            json.dumps(d["contacts"], ensure_ascii=False), json.dumps(d["warnings"], ensure_ascii=False),
            json.dumps(d["edited"], ensure_ascii=False),
        ]
        cols = _SCALAR + ["contacts", "warnings", "edited"]
        self._db.execute(
            f"INSERT OR REPLACE INTO documents ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", values
        )

    # --- the write-ahead journal: a row says "Chroma may not match the catalog for this document" ------
    def _journal(self, doc_id: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO pending VALUES (?, ?, ?, ?)",
                         (doc_id, os.getpid(), socket.gethostname(), dt.datetime.now().isoformat(timespec="seconds")))

    def begin_change(self, *doc_ids: str) -> None:
        """Committed before Chroma is touched, so a crash at any later point leaves a row to repair from."""
        with self._lock, self._db:
            for doc_id in doc_ids:
                self._journal(doc_id)

    def end_change(self, doc_id: str) -> None:
        with self._lock, self._db:
            self._db.execute("DELETE FROM pending WHERE doc_id=?", (doc_id,))

    def pending(self) -> list[tuple[str, int, str]]:
        """(doc_id, pid, host) of every change begun and not finished."""
        rows = self._db.execute("SELECT doc_id, pid, host FROM pending ORDER BY doc_id")
        return [(r[0], int(r[1]), r[2] or "") for r in rows]

    def snapshot(self) -> tuple[list[tuple[str, int, str]], set[str]]:
        """Pending changes and the chunk ids of indexed documents, read in one transaction."""
        with self._lock:
            self._db.execute("BEGIN")
            try:
                pending = self.pending()
                ids = {r[0] for r in self._db.execute(
                    "SELECT c.chunk_id FROM chunks c JOIN documents d ON c.doc_id = d.doc_id WHERE d.status='indexed'")}
            finally:
                self._db.execute("COMMIT")
        return pending, ids

    def put_record(self, rec: DocRecord, journal: bool = False) -> None:
        """A record without chunks (failed / duplicate), or a metadata change of an indexed one."""
        with self._lock, self._db:
            if journal:
                self._journal(rec.doc_id)
            old = self.get(rec.doc_id)
            if old and old.title != rec.title:  # BM25 indexes the title with every chunk
                self._db.executemany("UPDATE chunks SET tokens=? WHERE chunk_id=?", [
                    (" ".join(chunk_tokens(rec.title, r[1], r[2])), r[0]) for r in self._db.execute(
                        "SELECT chunk_id, heading, text FROM chunks WHERE doc_id=?", (rec.doc_id,)).fetchall()])
            self._write_record(rec)
            if old and (old.title, old.published) != (rec.title, rec.published):
                self._write_years(rec, [r[0] for r in self._db.execute(
                    "SELECT text FROM chunks WHERE doc_id=?", (rec.doc_id,))])
            self._bump(rec.doc_id)

    def put_document(self, rec: DocRecord, chunks: Sequence[Chunk]) -> None:
        self.put_documents([(rec, chunks)])

    def put_documents(self, items: Sequence[tuple[DocRecord, Sequence[Chunk]]]) -> None:
        """Replace documents and all their chunks in one transaction: never half a document. It completes the
        documents' pending changes (Chroma was written first)."""
        with self._lock, self._db:
            for rec, chunks in items:
                self._db.execute("DELETE FROM pending WHERE doc_id=?", (rec.doc_id,))
                self._db.execute("DELETE FROM chunks WHERE doc_id=?", (rec.doc_id,))
                self._db.executemany(
                    'INSERT INTO chunks (chunk_id, doc_id, ordinal, text, page, start, "end", article, heading, "table",'
                    " tokens) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [(c.chunk_id, c.doc.doc_id, c.ordinal, c.text, c.page, c.start, c.end, c.article, c.heading,
                      c.table, " ".join(chunk_tokens(rec.title, c.heading, c.text))) for c in chunks],
                )
                self._write_record(replace(rec, chunk_count=len(chunks)))
                self._write_years(rec, [c.text for c in chunks])
            self._bump(*(rec.doc_id for rec, _ in items))

    def _write_years(self, rec: DocRecord, texts: Sequence[str]) -> None:
        years = text_years((f"{rec.title}\n{t}" for t in texts), rec.published)
        self._db.execute("INSERT OR REPLACE INTO doc_years VALUES (?, ?)", (rec.doc_id, ",".join(map(str, years))))

    def years_of(self, doc_ids: Iterable[str] | None = None) -> dict[str, frozenset[int]]:
        """The years each indexed document names (see text_years), stored at indexing time; a catalog older than
        that table gets them now, once."""
        wanted = None if doc_ids is None else set(doc_ids)
        rows = self._db.execute("SELECT d.doc_id, y.years FROM documents d LEFT JOIN doc_years y "
                                "ON d.doc_id = y.doc_id WHERE d.status='indexed'").fetchall() if wanted is None else [
            r for d in sorted(wanted) for r in self._db.execute(
                "SELECT d.doc_id, y.years FROM documents d LEFT JOIN doc_years y ON d.doc_id = y.doc_id "
                "WHERE d.status='indexed' AND d.doc_id=?", (d,))]
        out = {d: frozenset(int(y) for y in ys.split(",") if y) for d, ys in rows if ys is not None}
        missing = [d for d, ys in rows if ys is None]
        if missing:
            with self._lock, self._db:
                for d in missing:
                    rec = self.get(d)
                    self._write_years(rec, [r[0] for r in self._db.execute(
                        "SELECT text FROM chunks WHERE doc_id=?", (d,))])
            out.update(self.years_of(missing))
        return out

    def delete(self, doc_id: str, journal: bool = False) -> None:
        with self._lock, self._db:
            if journal:
                self._journal(doc_id)
            self._db.execute("DELETE FROM chunks WHERE doc_id=?", (doc_id,))
            self._db.execute("DELETE FROM documents WHERE doc_id=?", (doc_id,))
            self._db.execute("DELETE FROM doc_years WHERE doc_id=?", (doc_id,))
            self._bump(doc_id)

    def clear(self, journal: bool = False) -> None:
        with self._lock, self._db:
            if journal:
                self._journal(ALL)
            self._db.execute("DELETE FROM chunks")
            self._db.execute("DELETE FROM documents")
            self._db.execute("DELETE FROM changes")
            self._db.execute("DELETE FROM doc_years")
            self._bump(ALL)

    # --- chunks ------------------------------------------------------------------------------
    def chunk_ids(self, doc_id: str) -> list[str]:
        return [r[0] for r in self._db.execute("SELECT chunk_id FROM chunks WHERE doc_id=?", (doc_id,))]

    def chunks(self, doc_ids: Iterable[str] | None = None) -> list[Chunk]:
        """Chunks of indexed documents (all, or of the given documents), with their current DocInfo."""
        return [c for c, _ in self._chunk_rows(doc_ids)]

    def lexical_rows(self, doc_ids: Iterable[str] | None = None) -> Iterator[tuple[Chunk, list[str]]]:
        """Chunks with the BM25 tokens stored at indexing time, streamed (the library's tokens are never all in
        memory at once); a catalog older than that column gets them now, once."""
        missing = []
        for chunk, toks in self._chunk_rows(doc_ids):
            if toks is None:
                words = chunk_tokens(chunk.doc.title, chunk.heading, chunk.text)
                missing.append((" ".join(words), chunk.chunk_id))
                yield chunk, words
            else:
                yield chunk, toks.split(" ")
        if missing:
            with self._lock, self._db:
                self._db.executemany("UPDATE chunks SET tokens=? WHERE chunk_id=?", missing)

    def _chunk_rows(self, doc_ids: Iterable[str] | None) -> Iterator[tuple[Chunk, str | None]]:
        reader = None
        if doc_ids is None:  # the whole library: on a connection of its own, read lazily in one snapshot
            recs = self.documents()
            reader = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
            reader.row_factory = sqlite3.Row
            rows: Iterable[sqlite3.Row] = reader.execute("SELECT * FROM chunks ORDER BY doc_id, ordinal")
        else:  # a few documents (answers, metadata edits): look them up, never scan the library
            wanted = sorted(set(doc_ids))
            recs = [r for r in (self.get(d) for d in wanted) if r]
            rows = [row for d in wanted for row in self._db.execute(
                "SELECT * FROM chunks WHERE doc_id=? ORDER BY ordinal", (d,))]
        infos = {r.doc_id: doc_info(r) for r in recs if r.status == "indexed"}
        try:
            for r in rows:
                if r["doc_id"] in infos:
                    yield _chunk(r, infos[r["doc_id"]]), r["tokens"]
        finally:
            if reader is not None:
                reader.close()

    def chunks_by_id(self, chunk_ids: Iterable[str]) -> list[Chunk]:
        """Chunks of indexed documents by chunk id, with their current DocInfo, in two look-ups (what a search
        returns from a lexical index opened from its snapshot, which knows chunks by id only)."""
        rows = self._rows_in("chunks", "chunk_id", chunk_ids, _CHUNK_COLUMNS)
        recs = [_row_to_record(r) for r in self._rows_in("documents", "doc_id", {r["doc_id"] for r in rows}, "*")]
        infos = {r.doc_id: doc_info(r) for r in recs if r.status == "indexed"}
        return [_chunk(r, infos[r["doc_id"]]) for r in rows if r["doc_id"] in infos]

    def _rows_in(self, table: str, key: str, values: Iterable[str], columns: str) -> list[sqlite3.Row]:
        wanted = sorted(set(values))
        return [row for i in range(0, len(wanted), 500) for row in self._db.execute(
            f"SELECT {columns} FROM {table} WHERE {key} IN ({', '.join('?' * len(wanted[i: i + 500]))})",
            wanted[i: i + 500])]

    def chunk_count(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]
