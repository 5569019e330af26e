"""Tune hybrid fusion on the DEV questions of ncp_policy_qa: every question except the 300 benchmark ones.

    .venv/bin/python bench/tune_fusion.py            # ~2 min: gathers candidates once, then fuses offline
The 300 questions bench/retrieval_ncp.py scores (first 300 after the seed-7 shuffle) are the TEST set and are
never read here. Dev is split in two seeded halves; a setting is only worth taking if both halves agree.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections.abc import Callable
from dataclasses import replace
from itertools import product
from pathlib import Path

from retrieval_ncp import DATA, record_id, score

TEST_N = 300
cands_cache: list = []  # dense lists at n=30, reused by the BM25 text variants
Fuser = Callable[[object, int], list]


def load_dev(seed: int = 7) -> list[dict]:
    rows = [json.loads(x) for x in (DATA / "qa_with_gold_doc.jsonl").read_text(encoding="utf-8").splitlines()]
    random.Random(seed).shuffle(rows)
    return rows[TEST_N:]  # the same shuffle as load_questions(300, 7): everything after the test slice


def evaluate(cands: list, gold: list[str], fuse: Fuser, k: int = 20) -> dict:
    ranked = [[record_id(h.chunk.doc.doc_id) for h in fuse(c, k)] for c in cands]
    out = score(ranked, gold)
    halves = [score(ranked[i::2], gold[i::2])["mrr"] for i in (0, 1)]
    return {key: round(v, 4) for key, v in out.items()} | {"mrr_a": round(halves[0], 4), "mrr_b": round(halves[1], 4)}


def truncated(cand, n: int):
    return replace(cand, dense=cand.dense[:n], lexical=cand.lexical[:n])


def convex_fusion(cand, k: int, alpha: float, n: int = 30):
    """Score-aware alternative: alpha·min-max(cosine) + (1-alpha)·BM25/max(BM25); absent from a list = 0."""
    from assistant.types import Hit

    dense, lexical = cand.dense[:n], cand.lexical[:n]
    table: dict[str, list] = {}
    if dense:
        hi, lo = dense[0][1], dense[-1][1]
        for ch, s in dense:
            table.setdefault(ch.chunk_id, [ch, 0.0])[1] += alpha * (s - lo) / ((hi - lo) or 1.0)
    if lexical:
        top = lexical[0][1]
        for ch, s in lexical:
            table.setdefault(ch.chunk_id, [ch, 0.0])[1] += (1 - alpha) * s / top
    ranked = sorted(table.values(), key=lambda e: -e[1])[:k]
    return [Hit(ch, s) for ch, s in ranked]


def bm25_text_variant(lib, fn: Callable) -> object:
    """A lexical index over another text per chunk (title / heading in or out)."""
    from vectorstore.lexical_index import LexicalIndex
    from vectorstore.tokenize_zh import tokens

    return LexicalIndex.build((c, tokens(fn(c))) for c in lib.catalog.chunks())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", type=Path, default=Path("bench/out/ncp-index"))
    ap.add_argument("--pool", type=int, default=100, help="candidates gathered per retriever")
    ap.add_argument("--out", type=Path, default=Path("bench/out/tune_fusion.json"))
    args = ap.parse_args()

    from assistant.factory import build_library
    from assistant.query.scope import question_scope
    from assistant.retrieval.hybrid import FusionConfig, HybridRetriever
    from assistant.retrieval.rerank import PlaceVersionReranker
    from assistant.settings import Settings

    lib = build_library(Settings(index_dir=args.index))
    dev = load_dev()
    gold = [q["gold_docid"] for q in dev]
    r = HybridRetriever(lib, lib.embedder, mode="hybrid")
    t0 = time.perf_counter()
    cands = [r.gather(q["question"], n=args.pool) for q in dev]
    cands_cache[:] = [truncated(c, 30) for c in cands]
    print(f"{len(dev)} dev questions gathered in {time.perf_counter() - t0:.0f}s")

    rows: dict[str, dict] = {}

    def run(name: str, fuse: Fuser, cs: list | None = None) -> None:
        rows[name] = evaluate(cs or cands, gold, fuse)
        print(f"{name:42s} {rows[name]}")

    base = FusionConfig()
    score = replace(base, method="score")
    run("dense only (n=30)", lambda c, k: r.fuse(replace(truncated(c, 30), lexical=[]), k))
    run("bm25 only (n=30)", lambda c, k: r.fuse(replace(truncated(c, 30), dense=[]), k))
    for n in (10, 20, 30, 50, 100):
        run(f"rrf c=60 w=1 n={n}", lambda c, k, n=n: r.fuse(truncated(c, n), k, base))
    for cc in (1, 2, 5, 10, 20, 30, 60, 120):
        run(f"rrf c={cc} n=30", lambda c, k, cc=cc: r.fuse(truncated(c, 30), k, replace(base, c=cc)))
    for cc, w in product((5, 20, 60), (0.5, 1.5, 2.0, 3.0)):
        cfg = replace(base, c=cc, bm25_weight=w)
        run(f"rrf c={cc} bm25_w={w} n=30", lambda c, k, cfg=cfg: r.fuse(truncated(c, 30), k, cfg))
    for cc, dw in product((5, 60), (0.5, 1.0, 2.0, 5.0)):
        cfg = replace(base, c=cc, doc_weight=dw)
        run(f"rrf c={cc} doc_w={dw} n=30", lambda c, k, cfg=cfg: r.fuse(truncated(c, 30), k, cfg))
    for a in (0.1, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6):
        run(f"score alpha={a} n=30", lambda c, k, a=a: r.fuse(truncated(c, 30), k, replace(score, alpha=a)))
        run(f"score alpha={a} n=30 bm25/max", lambda c, k, a=a: convex_fusion(c, k, a))
    for n in (10, 20, 50, 100):
        run(f"score alpha=0.3 n={n}", lambda c, k, n=n: r.fuse(truncated(c, n), k, replace(score, alpha=0.3)))
    for ps in (0.0, 0.1, 0.2, 0.5):  # the reranker's place lift on top of each fusion (retrieval/rerank.py)
        rr = PlaceVersionReranker(lambda q: [p.label for p in question_scope(q).places], place_share=ps)
        for name, cfg in (("rrf c=60", base), ("score alpha=0.3", score)):
            run(f"{name} n=30 place_share={ps}",
                lambda c, k, cfg=cfg, rr=rr: rr.rerank(c.query, r.fuse(truncated(c, 30), 60, cfg))[:k])
    bm25_texts(lib, r, dev, gold, run, score)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"dev_questions": len(dev), "rows": rows}, indent=2, ensure_ascii=False))
    print(f"wrote {args.out}")


def bm25_texts(lib, r, dev: list[dict], gold: list[str], run: Callable, score_cfg) -> None:
    """What BM25 should index per chunk: the lists are gathered again with each variant."""
    variants = {
        "text": lambda c: c.text,
        "title+text": lambda c: f"{c.doc.title} {c.text}",
        "title+heading+text (now)": lambda c: f"{c.doc.title} {c.heading} {c.text}",
    }
    for name, fn in variants.items():
        idx = bm25_text_variant(lib, fn)
        lex = [idx.search(q["question"], 30) for q in dev]
        cs = [replace(c, lexical=x) for c, x in zip(cands_cache, lex, strict=True)]
        run(f"bm25 only, {name}", lambda c, k: r.fuse(replace(c, dense=[]), k), cs)
        run(f"rrf c=60, {name}", lambda c, k: r.fuse(c, k, replace(score_cfg, method="rrf")), cs)
        run(f"score alpha=0.3, {name}", lambda c, k: r.fuse(c, k, score_cfg), cs)


if __name__ == "__main__":
    main()
