"""How the assistant scales with the library: 3k → 106k chunks of real Chinese text, one growing library.

The library is NCP policies (../shared/data/ncp_policy_qa, 599 documents, first) then CRUD-RAG news
(../shared/data/crud_rag_news_subset, 6,306 articles), read by path; beyond ~20k chunks the same records are
added again under new ids (copy 2, 3, …) — real text, repeated. Vectors come from a deterministic STAND-IN
embedder (bench/standin_embedder.py: hashed character bigrams, not a language model) served on the
OpenAI-compatible wire on 127.0.0.1, so the whole run takes minutes; answer quality over it means nothing,
timings and memory do (the real e5 adds ~10-30 ms per question for the query vector).

At each size a fresh process (bench/scale_probe.py) opens the library once and asks one question (an earlier
start of the app: its first answer is reported as `first_start`), then another fresh process measures: time to
ready and to the first answer, retrieval p50, extractive answer p50/p95 over NCP questions, the first answer
after a one-file change, and its peak RSS. `--code NAME=DIR` measures other checkouts (e.g. a baseline
`git worktree`) on the same library in the same run.

    .venv/bin/python bench/scale.py [--sizes 3000,10000,33000,106000] [--questions 40] [--code base=/tmp/base]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from standin_embedder import serve  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
SOURCES = (DATA / "ncp_policy_qa" / "corpus_available.jsonl", DATA / "crud_rag_news_subset" / "docs.jsonl")


def records() -> Iterator[dict]:
    """NCP then news, then again under new ids: each a JSONL record the ingest reads (id, text, date)."""
    for copy in itertools.count(1):
        for src in SOURCES:
            for line in src.read_text(encoding="utf-8").splitlines():
                r = json.loads(line)
                rid = r.get("docid") or r.get("doc_id")
                yield {"id": f"{rid}" if copy == 1 else f"{rid}-copy{copy}", "text": r["text"],
                       "date": r.get("date", "")}


def probe(code: Path, *args: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ASSISTANT_", "OPENAI_"))}
    env.update(PYTHONPATH=str(code), HF_HUB_OFFLINE="1", TOKENIZERS_PARALLELISM="false")
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "scale_probe.py"), *args], env=env, cwd=code,
                          capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"probe {args[0]} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def grow(work: Path, url: str, target: int, stream: Iterator[dict], have: int, ratio: float) -> tuple[int, float]:
    """Add parts until the library holds `target` chunks; returns (chunks, chunks per record)."""
    part_no = len(list(work.glob("part-*.jsonl")))
    while have < target:
        n = min(3000, max(20, int((target - have) / ratio)))  # a part stays under the upload size limit
        part = work / f"part-{part_no:03d}.jsonl"
        part.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in itertools.islice(stream, n)),
                        encoding="utf-8")
        out = probe(ROOT, "build", str(work / "index"), str(work / "cache"), url, str(part))
        print(f"  built part {part_no}: {n} records → {out}", file=sys.stderr, flush=True)
        if out["chunks"] <= have:
            raise SystemExit(f"part {part} added nothing: {out}")
        ratio = max(0.5, (out["chunks"] - have) / n) if out["chunks"] > have else ratio
        have, part_no = out["chunks"], part_no + 1
    return have, ratio


def replicate(index: Path, target: int, batch: int = 400) -> int:
    """Grow a library by copying its indexed documents under new ids (catalog rows and stored vectors, as a
    re-ingest of the same records would write them) until it holds `target` chunks; returns the chunk count."""
    from assistant.catalog import Catalog
    from assistant.settings import Settings
    from vectorstore.chroma_index import make_client

    catalog = Catalog(index / "catalog.sqlite")  # current schema; tokens and years stored, so copies carry them
    for _ in catalog.lexical_rows():
        pass
    catalog.years_of()
    db = sqlite3.connect(index / "catalog.sqlite")
    col = make_client(index).get_collection(Settings().collection)
    docs = [r[0] for r in db.execute("SELECT doc_id FROM documents WHERE status='indexed' ORDER BY doc_id")]
    have = db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]
    cols = {t: [r[1] for r in db.execute(f"PRAGMA table_info({t})")] for t in ("documents", "chunks", "doc_years")}
    for rep in itertools.count(2):
        for i in range(0, len(docs), batch):
            if have >= target:
                break
            part, tag = docs[i: i + batch], f"~r{rep}"
            marks = ",".join("?" * len(part))
            with db:
                for table, names in cols.items():
                    picked = ", ".join({"doc_id": "doc_id || ?", "chunk_id": "replace(chunk_id, '#', ? || '#')"}
                                       .get(n, f'"{n}"') for n in names)
                    args = [tag] * sum(n in ("doc_id", "chunk_id") for n in names)
                    db.execute(f"INSERT INTO {table} SELECT {picked} FROM {table} WHERE doc_id IN ({marks})",
                               [*args, *part])
            got = col.get(where={"doc_id": {"$in": part}}, include=["embeddings", "documents", "metadatas"])
            col.upsert(ids=[x.replace("#", tag + "#") for x in got["ids"]], embeddings=got["embeddings"],
                       documents=got["documents"], metadatas=[m | {"doc_id": m["doc_id"] + tag} for m in got["metadatas"]])
            have = db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]
        if have >= target:
            break
    with db:  # copies are not versions of their originals (else every re-ingest re-marks them superseded)
        db.execute("UPDATE documents SET version_key = version_key || '~' || doc_id, superseded_by='' "
                   "WHERE doc_id LIKE '%~r%' AND version_key <> '' AND version_key NOT LIKE '%~r%'")
    with db:  # a new generation that changed everything: open processes rebuild
        db.execute("UPDATE meta SET value = value + 1 WHERE key='generation'")
        db.execute("INSERT INTO changes SELECT value, '*' FROM meta WHERE key='generation'")
    return have


def table(rows: list[dict]) -> str:
    head = ("| code | chunks | first start: first answer | ready / first answer after start | retrieval p50 "
            "| extractive answer p50 / p95 | first answer after a one-file change | peak RSS |\n"
            "|---|---|---|---|---|---|---|---|")
    lines = [f"| {r['code']} | {r['chunks']:,} | {r['first_start']['first_answer_s']} s "
             f"| {r['ready_s']} / {r['first_answer_s']} s | {r['retrieval_p50_ms']:.0f} ms "
             f"| {r['answer_p50_ms']:.0f} / {r['answer_p95_ms']:.0f} ms | {r['first_answer_after_change_s']} s "
             f"| {r['peak_rss_gb']} GB |" for r in rows]
    return "\n".join([head, *lines])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="3000,10000,33000,106000", help="target chunk counts, ascending")
    ap.add_argument("--questions", type=int, default=40, help="timed questions per size")
    ap.add_argument("--work", type=Path, default=Path("/tmp/zs-scale"), help="library folder (kept: sizes already built are re-measured, not rebuilt)")
    ap.add_argument("--code", action="append", default=[], help="NAME=DIR of a checkout to measure (repeatable; default: this one)")
    ap.add_argument("--replicate-above", type=int, default=0,
                    help="beyond this many chunks, grow by copying documents under new ids instead of ingesting")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "scale.json")
    args = ap.parse_args()
    codes = [(c.split("=", 1)[0], Path(c.split("=", 1)[1]).resolve()) for c in args.code] or [("now", ROOT)]
    args.work.mkdir(parents=True, exist_ok=True)
    _server, url = serve()
    print(f"stand-in embedder (hashed bigrams, not a model) at {url}", file=sys.stderr)
    catalog = args.work / "index" / "catalog.sqlite"
    have = sqlite3.connect(catalog).execute("SELECT COUNT(*) FROM chunks").fetchone()[0] if catalog.exists() else 0
    stream, ratio, rows = records(), 4.5, []
    done_parts = sorted(args.work.glob("part-*.jsonl"))  # a kept library: skip the records already added
    for _ in itertools.islice(stream, sum(len(p.read_text(encoding="utf-8").splitlines()) for p in done_parts)):
        pass
    for target in (int(s) for s in args.sizes.split(",")):
        snap = args.work / f"at-{target}"
        if not snap.exists():  # the library grows once; each size is kept as a snapshot to measure any code on
            if have < target and args.replicate_above and have >= args.replicate_above:
                have = replicate(args.work / "index", target)
            elif have < target:
                have, ratio = grow(args.work, url, target, stream, have, ratio)
            shutil.copytree(args.work / "index", snap)
        for name, code in codes:
            run = args.work / "run" / "index"  # each measurement changes one file: on a fresh copy of the snapshot
            shutil.rmtree(run.parent, ignore_errors=True)
            shutil.copytree(snap, run)
            primed = probe(code, "prime", str(run), str(args.work / "cache"), url, "-")  # an earlier start
            out = probe(code, "measure", str(run), str(args.work / "cache"), url, str(args.questions))
            rows.append({"code": name, **out, "first_start": primed})
            print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"rows": rows, "cpus": os.cpu_count(), "loadavg": os.getloadavg()}, indent=2))
    print(table(rows))


if __name__ == "__main__":
    main()
