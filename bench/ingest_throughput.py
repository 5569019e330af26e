"""Ingest throughput (chunks/s, chars/s) next to the embedder's own time, measured in the same run, with a cold
embedding cache; plus peak memory.

    .venv/bin/python bench/ingest_throughput.py [--docs N] [PATH ...]
    .venv/bin/python bench/ingest_throughput.py --ncp-crud 10000 [--raw-sample 1000] [--standin]

Default corpus: data/sample plus the first N (default 12) laws of ../shared/data/cn_regulations_investment_subset
(read by path, never copied). `--ncp-crud CHUNKS`: a seeded sample of NCP policies and CRUD-RAG news records
(../shared/data), each written as a .txt file into a temporary folder (deleted after), reaching about CHUNKS
chunks. Pipeline overhead = ingest time minus the time spent inside the embedder during that ingest. The raw
embedder is then timed alone on the same chunk texts (all of them, or a seeded `--raw-sample`), sorted into
full batches. `--standin`: the stand-in embedder (bench/standin_embedder.py, hashed bigrams on the OpenAI wire,
not a model) instead of e5, to see the pipeline's own cost. Re-ingest of the unchanged corpus is timed too.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
REGS = DATA / "cn_regulations_investment_subset" / "md"
SOURCES = (DATA / "ncp_policy_qa" / "corpus_available.jsonl", DATA / "crud_rag_news_subset" / "docs.jsonl")
CHARS_PER_CHUNK = 290  # NCP + CRUD at the default chunk size, measured; only sizes the sample


class Timed:
    """The engine, with the seconds spent inside it summed (the pipeline's overhead is the rest)."""

    def __init__(self, inner) -> None:
        self.inner, self.model_id, self.seconds = inner, inner.model_id, 0.0

    def embed_passages(self, texts: Sequence[str]):
        t = time.perf_counter()
        try:
            return self.inner.embed_passages(texts)
        finally:
            self.seconds += time.perf_counter() - t

    def embed_query(self, text: str):
        return self.inner.embed_query(text)


def ncp_crud_files(folder: Path, chunks: int, seed: int = 14) -> list[Path]:
    """A seeded mix of NCP policies and CRUD news records, one .txt file each, of about `chunks` chunks."""
    rows = [json.loads(x) for src in SOURCES for x in src.read_text(encoding="utf-8").splitlines() if x.strip()]
    random.Random(seed).shuffle(rows)
    folder.mkdir(parents=True)
    chars, out = 0, []
    for r in rows:
        if chars >= chunks * CHARS_PER_CHUNK:
            break
        path = folder / f"{r.get('docid') or r.get('doc_id')}.txt"
        path.write_text(r["text"], encoding="utf-8")
        chars, out = chars + len(r["text"]), [*out, path]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="*", type=Path, help="files/folders to ingest instead of the default corpus")
    ap.add_argument("--docs", type=int, default=12, help="laws taken from the regulations subset")
    ap.add_argument("--ncp-crud", type=int, default=0, help="ingest a seeded NCP + CRUD sample of about this many chunks")
    ap.add_argument("--raw-sample", type=int, default=0, help="time the raw embedder on this many chunks (0: all)")
    ap.add_argument("--standin", action="store_true", help="the stand-in embedder on the wire instead of e5")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "ingest_throughput.json")
    args = ap.parse_args()

    from assistant.factory import build_library
    from assistant.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        paths = args.paths or ([Path(tmp) / "docs"] if args.ncp_crud else [ROOT / "data" / "sample",
                                                                           *sorted(REGS.glob("*.md"))[: args.docs]])
        files = len(ncp_crud_files(paths[0], args.ncp_crud)) if args.ncp_crud else None
        wire = {}
        if args.standin:
            sys.path.insert(0, str(ROOT / "bench"))
            from standin_embedder import MODEL, serve

            wire = dict(embedder="openai", openai_base_url=serve()[1], embed_model=MODEL, openai_api_key="stand-in")
        s = Settings(index_dir=Path(tmp) / "index", cache_dir=Path(tmp) / "cache", **wire)  # cold cache
        lib = build_library(s)
        raw = lib.embedder.inner  # the engine ingest uses (ASSISTANT_E5_ENGINE), without the cache
        raw.embed_passages(["预热：引擎加载不计入摄取时间。"])  # engine start-up (ONNX conversion) is not ingest
        lib.embedder.inner = timed = Timed(raw)
        t = time.perf_counter()
        report = lib.ingest(paths)
        ingest_s = time.perf_counter() - t
        texts = [c.text for c in lib.catalog.chunks()]
        chars = sum(len(x) for x in texts)
        t = time.perf_counter()
        again = lib.ingest(paths)
        reingest_s = time.perf_counter() - t
        sample = random.Random(14).sample(texts, min(args.raw_sample, len(texts))) if args.raw_sample else texts
        t = time.perf_counter()
        raw.embed_passages(sample)
        raw_s = (time.perf_counter() - t) * len(texts) / max(1, len(sample))  # scaled to all chunks
    out = {
        "embedder": type(raw).__name__, "files": files or len(report.added), "added": len(report.added),
        "failed": len(report.failed), "chunks": len(texts), "chars": chars,
        "ingest_seconds": round(ingest_s, 1), "ingest_chunks_per_s": round(len(texts) / ingest_s, 2),
        "ingest_chars_per_s": round(chars / ingest_s), "inside_embedder_seconds": round(timed.seconds, 1),
        "pipeline_overhead_seconds": round(ingest_s - timed.seconds, 1),
        "pipeline_overhead_vs_embedding": f"{(ingest_s - timed.seconds) / max(timed.seconds, 1e-9) * 100:.1f}%",
        "raw_embed_chunks": len(sample), "raw_embed_seconds_all_chunks": round(raw_s, 1),
        "raw_embed_chunks_per_s": round(len(texts) / raw_s, 2), "raw_embed_chars_per_s": round(chars / raw_s),
        "ingest_vs_raw_embedding": f"{(ingest_s / raw_s - 1) * 100:.0f}%",
        "reingest_unchanged_seconds": round(reingest_s, 2), "reingest_summary": again.summary_line(),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "mean_chunk_chars": round(chars / max(1, len(texts))),
    }
    print(json.dumps(out, ensure_ascii=False, indent=2))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
