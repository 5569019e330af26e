"""The library catalog kept in the Chroma server itself (server mode), so replicas on any machine share one library
with no shared folder. Same interface as the SQLite `Catalog`; `factory.build_catalog` picks one by settings.

One collection, `<collection>.catalog`, holds rows of six kinds: `doc:<doc_id>` (the DocRecord as JSON with its
years and the version of its chunks; a deleted document leaves a `gone` tombstone), `<chunk_id>@<version>` (a
chunk's text, position and BM25 tokens), `log:<seq>` (the append-only change log: which documents a commit changed;
`seq` is a microsecond timestamp, so entries sort), `pending:<doc_id>` (the write-ahead journal, as the SQLite
table; `done` once closed) and `meta:<key>`. A change commits with ONE upsert of its chunk rows, records, journal
rows and log entry: Chroma writes one call's records to its log in one transaction, so no replica reads a record
without its chunks or without the log entry that announces it. Chunk rows carry a fresh version per commit and the
record names it, so rows of a replaced version (deleted after the commit) or of a write that died are never read.

Each replica follows the log (catalog_feed.ChangeFeed) and applies only the documents it names.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import uuid
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, replace

from assistant.catalog import ALL, Catalog, doc_info
from assistant.catalog_feed import ChangeFeed
from assistant.query.scope import text_years
from assistant.types import Chunk, Contact, DocRecord
from vectorstore.lexical_index import chunk_tokens

_DOC_BATCH = 200  # documents whose chunks are read in one call


def _vector(key: str) -> list[float]:
    """These rows are read by id and metadata, never by similarity, but Chroma stores a vector with each: a 1-d one,
    spread by the id's hash (thousands of identical vectors would make the HNSW graph degenerate)."""
    return [zlib.crc32(key.encode()) / 2**32]


def _as_json(rec: DocRecord, **extra) -> str:
    stamped = replace(rec, updated_at=dt.datetime.now().isoformat(timespec="seconds"))
    return json.dumps({**asdict(stamped), **extra}, ensure_ascii=False)


def _as_record(raw: dict) -> DocRecord:
    fields = {k: v for k, v in raw.items() if k not in ("years", "version", "ids")}
    fields.update(contacts=tuple(Contact(**c) for c in raw.get("contacts", ())),
                  warnings=tuple(raw.get("warnings", ())), edited=tuple(raw.get("edited", ())))
    return DocRecord(**fields)


def _chunk_ids(raw: dict) -> list[str]:
    """Stored only when they are not `<doc_id>#0…n-1` (the chunker numbers them so): records stay small."""
    ids = raw.get("ids")
    return list(ids) if ids is not None else [f"{raw['doc_id']}#{i}" for i in range(int(raw["chunk_count"]))]


class ChromaCatalog:
    def __init__(self, client, collection: str):
        self._rows = client.get_or_create_collection(f"{collection}.catalog", embedding_function=None)
        self._max = client.get_max_batch_size() if hasattr(client, "get_max_batch_size") else 1000
        self.feed = ChangeFeed(self._rows)

    # --- change log ----------------------------------------------------------------------------
    @property
    def generation(self) -> int:
        """Bumped (locally) whenever this or another replica changed the library; see ChangeFeed."""
        return self.feed.generation

    def changed_since(self, generation: int) -> set[str] | None:
        return self.feed.changed_since(generation)

    def _commit(self, rows: list[tuple[str, dict, str]], doc_ids: Iterable[str]) -> None:
        """Records, journal rows and the log entry naming the changed documents, in one upsert (beyond one call's
        size, thousands of records, the entry goes last: nobody reads the records before it lands)."""
        entry = self.feed.entry(doc_ids)
        self._upsert([*rows, entry])
        self.feed.committed(entry)

    def _upsert(self, rows: Sequence[tuple[str, dict, str]]) -> None:
        for i in range(0, len(rows), self._max):
            part = rows[i: i + self._max]
            self._rows.upsert(ids=[r[0] for r in part], metadatas=[r[1] for r in part], documents=[r[2] for r in part],
                       embeddings=[_vector(r[0]) for r in part])

    # --- meta ----------------------------------------------------------------------------------
    def get_meta(self, key: str, default: str = "") -> str:
        got = self._rows.get(ids=[f"meta:{key}"], include=["documents"])
        return got["documents"][0] if got["ids"] else default

    def set_meta(self, key: str, value: str) -> None:
        self._upsert([(f"meta:{key}", {"kind": "meta"}, value)])

    # --- documents -----------------------------------------------------------------------------
    def _raws(self, doc_ids: Iterable[str] | None = None, where: dict | None = None) -> dict[str, dict]:
        """Stored records (JSON) by doc_id: of the given documents, or of all matching `where`."""
        if doc_ids is not None:
            ids = [f"doc:{d}" for d in sorted(set(doc_ids))]
            if not ids:
                return {}
            got = self._rows.get(ids=ids, where={"kind": "doc"}, include=["documents"])
        else:
            got = self._rows.get(where={"$and": [{"kind": "doc"}, where]} if where else {"kind": "doc"},
                                 include=["documents"])
        raws = (json.loads(d) for d in got["documents"])
        return {r["doc_id"]: r for r in raws}

    def get(self, doc_id: str) -> DocRecord | None:
        raw = self._raws([doc_id]).get(doc_id)
        return _as_record(raw) if raw else None

    def find_indexed_by_sha(self, sha: str, exclude: str = "") -> DocRecord | None:
        raws = self._raws(where={"$and": [{"sha256": sha}, {"status": "indexed"}]})
        found = sorted(d for d in raws if d != exclude)
        return _as_record(raws[found[0]]) if found else None

    def documents(self, prefix: str = "") -> list[DocRecord]:
        raws = self._raws()
        return [_as_record(raws[d]) for d in sorted(raws) if d.startswith(prefix)]

    def _doc_row(self, rec: DocRecord, **extra) -> tuple[str, dict, str]:
        meta = {"kind": "doc", "doc_id": rec.doc_id, "sha256": rec.sha256, "status": rec.status}
        return f"doc:{rec.doc_id}", meta, _as_json(rec, **extra)

    # --- the write-ahead journal ---------------------------------------------------------------
    def _journal_row(self, doc_id: str) -> tuple[str, dict, str]:
        meta = {"kind": "pending", "doc_id": doc_id, "pid": os.getpid(), "host": socket.gethostname(),
                "since": dt.datetime.now().isoformat(timespec="seconds")}
        return f"pending:{doc_id}", meta, ""

    def begin_change(self, *doc_ids: str) -> None:
        """Stored before Chroma's chunk collection is touched, so a crash at any later point leaves a row."""
        self._upsert([self._journal_row(d) for d in doc_ids])

    def _done_row(self, doc_id: str) -> tuple[str, dict, str]:
        """A journal row closed: kept (one per document) and reopened by its next change; a write fewer than a
        delete, and it can ride in the commit's own upsert."""
        return f"pending:{doc_id}", {"kind": "done", "doc_id": doc_id}, ""

    def end_change(self, doc_id: str) -> None:
        if doc_id == ALL:  # a clear finished (or repaired): replicas reload everything
            self._commit([self._done_row(ALL)], [ALL])
        else:
            self._upsert([self._done_row(doc_id)])

    def pending(self) -> list[tuple[str, int, str]]:
        """(doc_id, pid, host) of every change begun and not finished, by any replica."""
        got = self._rows.get(where={"kind": "pending"}, include=["metadatas"])
        return sorted((m["doc_id"], int(m["pid"]), m["host"]) for m in got["metadatas"])

    def snapshot(self) -> tuple[list[tuple[str, int, str]], set[str]]:
        """Pending changes, then the chunk ids of indexed documents (a writer journals before anything else)."""
        pending = self.pending()
        return pending, {i for r in self._raws().values() if r["status"] == "indexed" for i in _chunk_ids(r)}

    # --- writing -------------------------------------------------------------------------------
    def _chunk_rows(self, rec: DocRecord, chunks: Sequence[Chunk], version: str) -> list[tuple[str, dict, str]]:
        def meta(c: Chunk) -> dict:
            return {"kind": "chunk", "doc_id": rec.doc_id, "version": version, "ordinal": c.ordinal, "page": c.page,
                    "start": c.start, "end": c.end, "article": c.article, "heading": c.heading, "table": c.table,
                    "tokens": " ".join(chunk_tokens(rec.title, c.heading, c.text))}

        return [(f"{c.chunk_id}@{version}", meta(c), c.text) for c in chunks]

    def _drop_other_versions(self, doc_ids: Sequence[str], version: str) -> None:
        """Chunk rows the records no longer point at: the versions replaced, and any a crashed write left."""
        self._rows.delete(where={"$and": [{"kind": "chunk"}, {"doc_id": {"$in": list(doc_ids)}},
                                          {"version": {"$ne": version}}]})

    def put_record(self, rec: DocRecord, journal: bool = False) -> None:
        """A record without chunks (failed / duplicate), or a metadata change of an indexed one."""
        old = self._raws([rec.doc_id]).get(rec.doc_id)
        extra = {k: old[k] for k in ("years", "version", "ids")} if old else {"years": [], "version": "", "ids": None}
        rows = [self._journal_row(rec.doc_id)] if journal else []
        if old and (old["title"], old["published"]) != (rec.title, rec.published) and extra["version"]:
            chunks = self.chunks([rec.doc_id])
            if old["title"] != rec.title:  # BM25 indexes the title with every chunk: a new version of them
                extra["version"] = uuid.uuid4().hex[:12]
                rows += self._chunk_rows(rec, chunks, extra["version"])
            extra["years"] = sorted(text_years((f"{rec.title}\n{c.text}" for c in chunks), rec.published))
        self._commit([*rows, self._doc_row(rec, **extra)], [rec.doc_id])
        if old and old["version"] != extra["version"]:
            self._drop_other_versions([rec.doc_id], extra["version"])

    def put_document(self, rec: DocRecord, chunks: Sequence[Chunk]) -> None:
        self.put_documents([(rec, chunks)])

    def put_documents(self, items: Sequence[tuple[DocRecord, Sequence[Chunk]]]) -> None:
        """The documents' chunk rows (a new version), records pointing at them and closed journal rows, in one
        commit (Chroma's chunk collection was written first); then the replaced versions go."""
        version = uuid.uuid4().hex[:12]
        chunk_rows, rows = [], []
        for rec, chunks in items:
            chunk_rows += self._chunk_rows(rec, chunks, version)
            ids = [c.chunk_id for c in chunks]
            years = text_years((f"{rec.title}\n{c.text}" for c in chunks), rec.published)
            rows += [self._doc_row(replace(rec, chunk_count=len(chunks)), years=sorted(years), version=version,
                                   ids=None if ids == [f"{rec.doc_id}#{i}" for i in range(len(ids))] else ids),
                     self._done_row(rec.doc_id)]
        self._commit([*chunk_rows, *rows], [rec.doc_id for rec, _ in items])  # chunk rows first: see _commit
        self._drop_other_versions([rec.doc_id for rec, _ in items], version)

    def years_of(self, doc_ids: Iterable[str] | None = None) -> dict[str, frozenset[int]]:
        """The years each indexed document names (see text_years), stored at indexing time."""
        return {d: frozenset(r["years"]) for d, r in self._raws(doc_ids).items() if r["status"] == "indexed"}

    def delete(self, doc_id: str, journal: bool = False) -> None:
        """A tombstone in place of the record commits the delete (with its log entry); the chunk rows go after."""
        tomb = (f"doc:{doc_id}", {"kind": "gone", "doc_id": doc_id}, "")
        self._commit(([self._journal_row(doc_id)] if journal else []) + [tomb], [doc_id])
        self._drop_other_versions([doc_id], "")

    def clear(self, journal: bool = False) -> None:
        if journal:
            self.begin_change(ALL)
        self._rows.delete(where={"kind": {"$in": ["doc", "gone", "chunk", "done"]}})
        self._commit([], [ALL])

    # --- chunks --------------------------------------------------------------------------------
    def chunk_ids(self, doc_id: str) -> list[str]:
        raw = self._raws([doc_id]).get(doc_id)
        return _chunk_ids(raw) if raw else []

    def chunks(self, doc_ids: Iterable[str] | None = None) -> list[Chunk]:
        """Chunks of indexed documents (all, or of the given documents), with their current DocInfo."""
        return [c for c, _ in self.lexical_rows(doc_ids)]

    def chunks_by_id(self, chunk_ids: Iterable[str]) -> list[Chunk]:
        """Chunks of indexed documents by chunk id (what a lexical index opened from its snapshot asks for)."""
        wanted = set(chunk_ids)
        return [c for c in self.chunks({cid.rsplit("#", 1)[0] for cid in wanted}) if c.chunk_id in wanted]

    def lexical_rows(self, doc_ids: Iterable[str] | None = None) -> Iterator[tuple[Chunk, list[str]]]:
        """Chunks with the BM25 tokens stored at indexing time, read a few hundred documents at a time."""
        raws = {d: r for d, r in self._raws(doc_ids).items() if r["status"] == "indexed" and r["version"]}
        order = sorted(raws)
        for i in range(0, len(order), _DOC_BATCH):
            part = order[i: i + _DOC_BATCH]
            got = self._rows.get(where={"$and": [{"kind": "chunk"}, {"doc_id": {"$in": part}}]},
                                 include=["documents", "metadatas"])
            rows = sorted(((m["doc_id"], int(m["ordinal"])), cid, m, text) for cid, m, text
                          in zip(got["ids"], got["metadatas"], got["documents"], strict=True)
                          if m["version"] == raws[m["doc_id"]]["version"])
            infos = {d: doc_info(_as_record(raws[d])) for d in part}
            for _, cid, m, text in rows:
                yield (Chunk(cid.rsplit("@", 1)[0], infos[m["doc_id"]], int(m["ordinal"]), text, int(m["page"]),
                             int(m["start"]), int(m["end"]), m["article"], m["heading"], m["table"]),
                       m["tokens"].split(" "))

    def chunk_count(self) -> int:
        return sum(int(r["chunk_count"]) for r in self._raws().values() if r["status"] == "indexed")

    # --- moving a server-mode library whose catalog was a local file -------------------------------
    def adopt(self, local: Catalog) -> int:
        """Copy a local catalog's documents in when this one was never written to (the catalog used to live in the
        index folder in server mode too); without it the first repair would take the server's chunks for strays.
        Every ingest stores the embedding model, so a library emptied on purpose is never filled again from here."""
        if self.get_meta("embedding_model") or self._rows.get(where={"kind": "doc"}, limit=1, include=[])["ids"]:
            return 0
        records = local.documents()
        indexed = [r for r in records if r.status == "indexed"]
        for i in range(0, len(indexed), 50):
            self.put_documents([(r, local.chunks([r.doc_id])) for r in indexed[i: i + 50]])
        for rec in records:
            if rec.status != "indexed":
                self.put_record(rec)
        model = local.get_meta("embedding_model")
        if model:
            self.set_meta("embedding_model", model)
        return len(records)
