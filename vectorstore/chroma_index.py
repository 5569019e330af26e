"""The dense index in Chroma: embedded PersistentClient by default, a `chroma run` server when configured."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from assistant.errors import ConfigError, IndexError_
from assistant.types import Chunk, DocInfo, Filters

# Fields of DocInfo copied onto every chunk so filters and citations need no second lookup.
_DOC_FIELDS = (
    "doc_id", "source", "sha256", "title", "doc_type", "province", "city", "district",
    "published", "effective", "expires", "repealed", "version_key", "superseded_by", "issuer",
)


def _ord(iso: str) -> int:
    return int(iso.replace("-", "")) if iso else 0


def chunk_metadata(chunk: Chunk) -> dict:
    meta: dict = {f: getattr(chunk.doc, f) for f in _DOC_FIELDS}
    meta.update(
        repealed_flag=chunk.doc.repealed_flag,
        expires_ord=_ord(chunk.doc.expires),
        repealed_ord=_ord(chunk.doc.repealed),
        ordinal=chunk.ordinal, page=chunk.page, start=chunk.start, end=chunk.end,
        article=chunk.article, heading=chunk.heading, table=chunk.table,
    )
    return meta


def chunk_from_record(chunk_id: str, text: str, meta: dict) -> Chunk:
    doc = DocInfo(**{f: meta.get(f, "") or "" for f in _DOC_FIELDS}, repealed_flag=bool(meta.get("repealed_flag")))
    return Chunk(
        chunk_id=chunk_id, doc=doc, ordinal=int(meta["ordinal"]), text=text, page=int(meta["page"]),
        start=int(meta["start"]), end=int(meta["end"]), article=meta.get("article", ""),
        heading=meta.get("heading", ""), table=meta.get("table", "") or "",
    )


def chroma_where(filters: Filters | None, today: dt.date | None = None,
                 doc_ids: frozenset[str] | None = None) -> dict | None:
    """Translate Filters into a Chroma `where`; valid-only compares dates stored as YYYYMMDD integers. `doc_ids`:
    the documents the region filter's place covers (by region or by title), when the library knows them."""
    if not filters or filters.empty:
        return None
    clauses: list[dict] = []
    if filters.region and doc_ids:
        clauses.append({"doc_id": {"$in": sorted(doc_ids)}})
    elif filters.region:
        clauses.append({"$or": [{"province": filters.region}, {"city": filters.region}, {"district": filters.region}]})
    if filters.doc_type:
        clauses.append({"doc_type": filters.doc_type})
    if filters.valid_only:
        t = _ord((today or dt.date.today()).isoformat())
        clauses.append({"repealed_flag": False})
        clauses.append({"$or": [{"expires_ord": 0}, {"expires_ord": {"$gte": t}}]})
        clauses.append({"$or": [{"repealed_ord": 0}, {"repealed_ord": {"$gt": t}}]})
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def make_client(index_dir: Path, host: str = "", port: int = 8000):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    # Telemetry is a no-op in 1.5.9 (notes C6) but an air-gapped bureau wants it off by contract.
    cs = ChromaSettings(anonymized_telemetry=False)
    if host:
        try:
            return chromadb.HttpClient(host=host, port=port, settings=cs)
        except Exception as exc:  # chromadb raises plain ValueError/ConnectError here
            raise ConfigError(
                "ASSISTANT_CHROMA_HOST", f"cannot reach Chroma at {host}:{port} ({exc})",
                f"start it with `chroma run --path DIR --host {host} --port {port}` or unset ASSISTANT_CHROMA_HOST",
            ) from exc
    index_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(index_dir / "chroma"), settings=cs)


class ChromaIndex:
    """Chunks with precomputed embeddings. No embedding function is attached, so Chroma can never fall
    back to its downloading default (notes C3): we always pass vectors in and out."""

    def __init__(self, client, collection: str):
        try:
            self.col = client.get_or_create_collection(
                collection, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
            )
        except ValueError as exc:
            raise ConfigError("ASSISTANT_COLLECTION", str(exc), "use 3-512 chars of [a-zA-Z0-9._-]") from exc
        self._client = client
        self._name = collection
        self.max_batch = client.get_max_batch_size() if hasattr(client, "get_max_batch_size") else 1000

    def count(self) -> int:
        return self.col.count()

    def upsert(self, chunks: Sequence[Chunk], vectors: np.ndarray) -> None:
        # upsert, not add: add() silently keeps the old text for an existing id (notes C4).
        for i in range(0, len(chunks), self.max_batch):
            part = chunks[i : i + self.max_batch]
            self.col.upsert(
                ids=[c.chunk_id for c in part],
                embeddings=vectors[i : i + self.max_batch].tolist(),
                documents=[c.text for c in part],
                metadatas=[chunk_metadata(c) for c in part],
            )

    def update_metadata(self, chunks: Sequence[Chunk]) -> None:
        for i in range(0, len(chunks), self.max_batch):
            part = chunks[i : i + self.max_batch]
            self.col.update(ids=[c.chunk_id for c in part], metadatas=[chunk_metadata(c) for c in part])

    def delete_ids(self, ids: Sequence[str]) -> None:
        for i in range(0, len(ids), self.max_batch):
            self.col.delete(ids=list(ids[i : i + self.max_batch]))

    def ids_of_doc(self, doc_id: str) -> list[str]:
        return self.col.get(where={"doc_id": doc_id}, include=[])["ids"]

    def all_ids(self) -> set[str]:
        return set(self.col.get(include=[])["ids"])

    def query(self, vector: np.ndarray, k: int, where: dict | None = None) -> list[tuple[Chunk, float]]:
        n = self.count()
        if n == 0:
            return []
        try:
            res = self.col.query(
                query_embeddings=[vector.tolist()], n_results=min(k, n), where=where,
                include=["documents", "metadatas", "distances"],
            )
        except Exception as exc:
            raise IndexError_(f"Chroma query failed: {exc}. Fix: rebuild with `python -m assistant ingest … --rebuild`") from exc
        out = []
        for cid, text, meta, dist in zip(
            res["ids"][0], res["documents"][0], res["metadatas"][0], res["distances"][0], strict=True
        ):
            # A process killed right after a delete can leave the id in Chroma's vector index with its record
            # gone (measured with chromadb 1.5.9): such a hit has no text and must never be cited.
            if meta is None or text is None:
                continue
            out.append((chunk_from_record(cid, text, meta), 1.0 - float(dist)))
        return out

    def nearest(self, vector: np.ndarray, k: int, where: dict | None = None) -> list[tuple[str, float]]:
        """Ids and cosine similarities only. Fetching the records too costs ~10 ms of CPU per query, mostly
        with the GIL held (40 records' text and metadata decoded), which serialises concurrent questions; the
        retriever takes the chunks from the lexical index instead. Chroma caps k at the collection's size."""
        try:
            res = self.col.query(query_embeddings=[vector.tolist()], n_results=k, where=where, include=["distances"])
        except Exception as exc:
            raise IndexError_(f"Chroma query failed: {exc}. Fix: rebuild with `python -m assistant ingest … --rebuild`") from exc
        return [(cid, 1.0 - float(dist)) for cid, dist in zip(res["ids"][0], res["distances"][0], strict=True)]

    def reset(self) -> None:
        self._client.delete_collection(self._name)
        self.col = self._client.get_or_create_collection(
            self._name, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
        )
