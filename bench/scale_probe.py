"""One measurement of bench/scale.py, in its own process so that start-up and peak memory are the serving
process's own: `build PART.jsonl` adds records to the library; `measure` opens the library as the app does,
asks questions on the extractive path, changes one file and asks again; `prime` opens it and asks one question
first, as an earlier run of the app would (a code that keeps a lexical snapshot saves it then). Prints one JSON
line.

    PYTHONPATH=CODE python bench/scale_probe.py build|prime|measure INDEX CACHE EMBED_URL [ARG]
"""

from __future__ import annotations

import json
import resource
import statistics
import sys
import time
from pathlib import Path

T0 = time.perf_counter()
QA = Path(__file__).resolve().parents[2] / "shared" / "data" / "ncp_policy_qa" / "qa_with_gold_doc.jsonl"
CHANGED = "关于支持{n}号产业园企业复工复产的通知\n园区内企业复工后，按实际用工人数给予每人500元稳岗补贴，最高20万元。\n"


def _settings(index: str, cache: str, url: str):
    from assistant.settings import Settings

    return Settings(index_dir=Path(index), cache_dir=Path(cache), embedder="openai", openai_base_url=url,
                    openai_api_key="stand-in", embed_model="standin-bigram-256", llm_model="")


def _questions(n: int) -> list[str]:
    import random

    rows = [json.loads(x)["question"] for x in QA.read_text(encoding="utf-8").splitlines() if x.strip()]
    random.Random(14).shuffle(rows)
    return rows[:n]


def _pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def build(index: str, cache: str, url: str, part: str) -> dict:
    from assistant.factory import build_library

    lib = build_library(_settings(index, cache, url))
    t = time.perf_counter()
    report = lib.ingest([Path(part)])
    return {"chunks": lib.catalog.chunk_count(), "ingest_s": round(time.perf_counter() - t, 1),
            "added": len(report.added), "failed": len(report.failed)}


def prime(index: str, cache: str, url: str) -> dict:
    from assistant.factory import build_assistant

    assistant = build_assistant(_settings(index, cache, url))
    assistant.ask(_questions(1)[0])
    first = time.perf_counter() - T0
    store = getattr(assistant.library, "lexical", None)  # codes without a lexical snapshot have none
    if store is not None:
        store.wait_saved()
    return {"first_answer_s": round(first, 2), "saved_s": round(time.perf_counter() - T0, 2),
            "peak_rss_gb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20, 2)}


def measure(index: str, cache: str, url: str, n: int) -> dict:
    from assistant.factory import build_assistant

    qs = _questions(n + 2)
    assistant = build_assistant(_settings(index, cache, url))
    ready = time.perf_counter() - T0
    assistant.ask(qs[0])
    first = time.perf_counter() - T0
    retrieval, answers = [], []
    for q in qs[2:]:
        t = time.perf_counter()
        assistant.retriever.retrieve(q, assistant.settings.top_k)
        retrieval.append(time.perf_counter() - t)
        t = time.perf_counter()
        assistant.ask(q)
        answers.append(time.perf_counter() - t)
    lib = assistant.library
    change = Path(index).parent / "changes" / f"change-{lib.catalog.chunk_count()}.txt"
    change.parent.mkdir(exist_ok=True)
    change.write_text(CHANGED.format(n=lib.catalog.chunk_count()), encoding="utf-8")
    t = time.perf_counter()
    lib.ingest([change])
    ingest_one = time.perf_counter() - t
    t = time.perf_counter()
    assistant.ask(qs[1])
    after_change = time.perf_counter() - t
    lib.delete(str(change))  # the library is as it was for the next size
    ms = [1000 * x for x in answers]
    return {"chunks": lib.catalog.chunk_count(), "ready_s": round(ready, 2), "first_answer_s": round(first, 2),
            "retrieval_p50_ms": round(1000 * statistics.median(retrieval), 1),
            "answer_p50_ms": round(_pct(ms, 50), 1), "answer_p95_ms": round(_pct(ms, 95), 1),
            "ingest_one_file_s": round(ingest_one, 2), "first_answer_after_change_s": round(after_change, 2),
            "peak_rss_gb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20, 2)}


if __name__ == "__main__":
    mode, index, cache, url, arg = sys.argv[1:6]
    out = (build(index, cache, url, arg) if mode == "build" else prime(index, cache, url) if mode == "prime"
           else measure(index, cache, url, int(arg)))
    print(json.dumps(out), flush=True)
