"""Cache embeddings by (model, text hash) in SQLite so re-ingests, rebuilds and tests never pay twice."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from vectorstore.embedders import Embedder


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class CachedEmbedder:
    """Wraps any Embedder; passages are looked up first, only distinct misses are embedded (queries are not cached)."""

    def __init__(self, inner: Embedder, cache_dir: Path):
        self.inner = inner
        self.model_id = inner.model_id
        cache_dir.mkdir(parents=True, exist_ok=True)
        self.path = cache_dir / "embeddings.sqlite"
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS emb (model TEXT, key TEXT, vec BLOB, PRIMARY KEY (model, key))"
        )
        self.hits = 0
        self.misses = 0

    def _lookup(self, keys: list[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        for i in range(0, len(keys), 500):
            part = keys[i : i + 500]
            q = f"SELECT key, vec FROM emb WHERE model=? AND key IN ({','.join('?' * len(part))})"
            for key, blob in self._db.execute(q, [self.model_id, *part]):
                found[key] = np.frombuffer(blob, dtype=np.float32)
        return found

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return self.inner.embed_passages([])
        keys = [text_key(t) for t in texts]
        with self._lock:
            found = self._lookup(keys)
        # A text repeated inside one batch (a header on every page, a pasted clause) is embedded once.
        first: dict[str, int] = {}
        for i, k in enumerate(keys):
            if k not in found:
                first.setdefault(k, i)
        missing = list(first.values())
        self.hits += len(texts) - len(missing)
        self.misses += len(missing)
        if missing:
            vecs = self.inner.embed_passages([texts[i] for i in missing])
            rows = [(self.model_id, keys[i], vecs[j].astype(np.float32).tobytes()) for j, i in enumerate(missing)]
            with self._lock, self._db:
                self._db.executemany("INSERT OR REPLACE INTO emb VALUES (?, ?, ?)", rows)
            for j, i in enumerate(missing):
                found[keys[i]] = vecs[j]
        return np.vstack([found[k] for k in keys]).astype(np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self.inner.embed_query(text)
