"""Concurrent investors on the web chat: N clients ask at once through Gradio's queue, as the page does.

Starts `python app.py` on the demo corpus (data/sample; the first start indexes it) on 127.0.0.1 and a free port,
asks one warm-up question, then `--rounds` rounds in which `--clients` clients each ask one question from the
demo suite at the same moment (join the queue, read its event stream until the answer is complete). Reports
per-question latency p50/p95/max and the wall time per round. Traffic goes only to 127.0.0.1.

    .venv/bin/python bench/chat_load.py [--clients 20] [--rounds 3] [--url http://127.0.0.1:7860/]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
SUITE = ROOT / "tests" / "gold" / "demo_suite.jsonl"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _chat_event(base: str) -> tuple[int, int]:
    """(fn_index, trigger id) of the Send button's event, read from the page's config."""
    config = httpx.get(base + "config", timeout=30).json()
    send = next(c["id"] for c in config["components"] if c.get("props", {}).get("elem_id") == "zs-send")
    for i, dep in enumerate(config["dependencies"]):
        if [send, "click"] in [list(t) for t in dep.get("targets", [])]:
            return i, send
    raise SystemExit("the chat's Send event was not found in /config")


def ask(base: str, fn: tuple[int, int], question: str) -> float:
    """Seconds from joining the queue to the complete answer."""
    session = uuid.uuid4().hex[:12]
    t0 = time.perf_counter()
    body = {"data": [question, [], None, None, None, False, "zh"], "event_data": None, "fn_index": fn[0],
            "trigger_id": fn[1], "session_hash": session}
    httpx.post(base + "gradio_api/queue/join", json=body, timeout=60).raise_for_status()
    with httpx.stream("GET", base + f"gradio_api/queue/data?session_hash={session}", timeout=120) as stream:
        for line in stream.iter_lines():
            if line.startswith("data:"):
                msg = json.loads(line[5:])
                if msg.get("msg") == "process_completed":
                    if not msg.get("success", True):
                        raise RuntimeError(f"answer failed: {msg}")
                    return time.perf_counter() - t0
    raise RuntimeError("stream ended before the answer completed")


def _start_app(work: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ASSISTANT_", "OPENAI_"))}
    # 20 clients on one loopback address would be one client to the per-address rate limit: measure the app.
    env.update(GRADIO_ANALYTICS_ENABLED="False", HF_HUB_OFFLINE="1", ASSISTANT_RATE_LIMIT_PER_MINUTE="0")
    log = (work / "app.log").open("w")
    proc = subprocess.Popen([sys.executable, str(ROOT / "app.py"), "--index", str(work / "index"), "--port", str(port)],
                            cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        try:
            if httpx.get(base, timeout=2).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            time.sleep(1)
    proc.kill()
    raise SystemExit(f"app.py did not start; see {work / 'app.log'}")


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clients", type=int, default=20, help="questions asked at the same moment")
    ap.add_argument("--rounds", type=int, default=3, help="how many times")
    ap.add_argument("--url", default="", help="an app already running on 127.0.0.1 (default: start one)")
    args = ap.parse_args()
    questions = [json.loads(ln)["question"] for ln in SUITE.read_text(encoding="utf-8").splitlines() if ln.strip()]
    proc = None
    with tempfile.TemporaryDirectory(prefix="chat-load-") as tmp:
        if args.url:
            base = args.url.rstrip("/") + "/"
        else:
            proc, base = _start_app(Path(tmp))
        try:
            fn = _chat_event(base)
            ask(base, fn, questions[0])  # warm-up: model and BM25 loaded
            latencies, walls = [], []
            for r in range(args.rounds):
                batch = [questions[(r * args.clients + i) % len(questions)] for i in range(args.clients)]
                t0 = time.perf_counter()
                with ThreadPoolExecutor(args.clients) as pool:
                    latencies += list(pool.map(lambda q: ask(base, fn, q), batch))
                walls.append(time.perf_counter() - t0)
        finally:
            if proc:
                proc.terminate()
                proc.wait(timeout=20)
    load = os.getloadavg()
    print(json.dumps({"clients": args.clients, "rounds": args.rounds, "questions": len(latencies),
                      "p50_s": round(pct(latencies, 50), 3), "p95_s": round(pct(latencies, 95), 3),
                      "max_s": round(max(latencies), 3), "wall_per_round_s": [round(w, 2) for w in walls],
                      "loadavg_after": [round(x, 2) for x in load], "cpus": os.cpu_count()}, indent=2))


if __name__ == "__main__":
    main()
