"""Ingest throughput (chunks/s, chars/s) next to the raw embedder's throughput on the same chunk texts,
measured in the same run, with a cold embedding cache; plus peak memory.

    .venv/bin/python bench/ingest_throughput.py [--docs N] [PATH ...]
Default corpus: data/sample plus the first N (default 12) laws of ../shared/data/cn_regulations_investment_subset
(read by path, never copied). Re-ingest of the unchanged corpus is timed too (should cost ~nothing).
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REGS = ROOT.parent / "shared" / "data" / "cn_regulations_investment_subset" / "md"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="*", type=Path, help="files/folders to ingest instead of the default corpus")
    ap.add_argument("--docs", type=int, default=12, help="laws taken from the regulations subset")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "ingest_throughput.json")
    args = ap.parse_args()
    paths = args.paths or [ROOT / "data" / "sample", *sorted(REGS.glob("*.md"))[: args.docs]]

    from assistant.factory import build_library
    from assistant.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        s = Settings(index_dir=Path(tmp) / "index", cache_dir=Path(tmp) / "cache")  # cold cache: pay embedding
        lib = build_library(s)
        t = time.perf_counter()
        report = lib.ingest(paths)
        ingest_s = time.perf_counter() - t
        texts = [c.text for c in lib.catalog.chunks()]
        chars = sum(len(x) for x in texts)
        t = time.perf_counter()
        again = lib.ingest(paths)
        reingest_s = time.perf_counter() - t
        raw = lib.embedder.inner  # the engine ingest used (ASSISTANT_E5_ENGINE), without the cache
        t = time.perf_counter()
        raw.embed_passages(texts)
        raw_s = time.perf_counter() - t
    out = {
        "embedder": type(raw).__name__, "files": len(report.added), "failed": len(report.failed),
        "chunks": len(texts), "chars": chars,
        "ingest_seconds": round(ingest_s, 1), "ingest_chunks_per_s": round(len(texts) / ingest_s, 2),
        "ingest_chars_per_s": round(chars / ingest_s), "raw_embed_seconds": round(raw_s, 1),
        "raw_embed_chunks_per_s": round(len(texts) / raw_s, 2), "raw_embed_chars_per_s": round(chars / raw_s),
        "overhead_vs_raw_embedding": f"{(ingest_s / raw_s - 1) * 100:.0f}%",
        "reingest_unchanged_seconds": round(reingest_s, 2), "reingest_summary": again.summary_line(),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "mean_chunk_chars": round(chars / max(1, len(texts))),
    }
    print(json.dumps(out, ensure_ascii=False, indent=2))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
