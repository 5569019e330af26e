"""The parts of an app start at one library, timed one after another in one process (so at the same machine load):
building the lexical index from the catalog's stored tokens vs saving and opening its snapshot (and whether both
give the same results), searches on the opened index before and after their chunks were read, the document
records and the years. The library is only read; the snapshot is written to a scratch folder inside it and removed.

    PYTHONPATH=. .venv/bin/python bench/startup_parts.py INDEX_DIR      # e.g. a bench/scale.py library
"""

from __future__ import annotations

import json
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QA = ROOT.parent / "shared" / "data" / "ncp_policy_qa" / "qa_with_gold_doc.jsonl"


def main(index_dir: Path) -> dict:
    from assistant.catalog import Catalog
    from assistant.lexical_store import LexicalStore
    from vectorstore import lexical_snapshot
    from vectorstore.lexical_index import LexicalIndex

    out: dict = {}

    def timed(name: str, fn):
        t = time.perf_counter()
        value = fn()
        out[name] = round(time.perf_counter() - t, 2)
        print(f"{name}: {out[name]} s", file=sys.stderr, flush=True)
        return value

    catalog = Catalog(index_dir / "catalog.sqlite")
    folder = index_dir / "lexical-startup-parts"
    shutil.rmtree(folder, ignore_errors=True)
    store = LexicalStore(catalog, folder)
    questions = [json.loads(x)["question"] for x in QA.read_text(encoding="utf-8").splitlines() if x.strip()]
    try:
        built = timed("build_from_stored_tokens_s", lambda: LexicalIndex.build(catalog.lexical_rows()))
        timed("save_snapshot_s", lambda: lexical_snapshot.save(built, folder, store._catalog_id(), catalog.generation))
        out["snapshot_mb"] = round(sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20)
        opened, _ = timed("open_snapshot_s", lambda: lexical_snapshot.load(folder, store._catalog_id(),
                                                                            catalog.generation, store._fetch))
        for label in ("new_questions", "chunks_already_read"):
            times = []
            for q in questions[:60]:
                t = time.perf_counter()
                opened.search(q, 60)
                times.append(1000 * (time.perf_counter() - t))
            out[f"opened_search_p50_ms_{label}"] = round(statistics.median(times), 1)
        times = []
        for q in questions[:60]:
            t = time.perf_counter()
            built.search(q, 60)
            times.append(1000 * (time.perf_counter() - t))
        out["built_search_p50_ms"] = round(statistics.median(times), 1)
        out["same_results"] = all([(c.chunk_id, round(s, 4)) for c, s in opened.search(q, 30)]
                                  == [(c.chunk_id, round(s, 4)) for c, s in built.search(q, 30)] for q in questions[:20])
        docs = timed("document_records_s", catalog.documents)
        timed("years_s", catalog.years_of)
        out.update(chunks=catalog.chunk_count(), documents=len(docs))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return out


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]))))
