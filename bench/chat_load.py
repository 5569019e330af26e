"""Concurrent investors on the web chat: N visitors ask at once through Gradio's queue, as the page does.

Starts `python app.py` on the demo corpus (data/sample) on 127.0.0.1 for this checkout and, with --baseline, for a
baseline commit too (a temporary git worktree, its own index). Each round, `--clients` new visitors open the page
(the page's load event, which creates their session, as a browser does before anyone can type), then all ask one
question at the same moment (join the queue, read the event stream until the answer is complete); the rounds of
the two servers alternate, so a change in the machine's load hits both alike. Every question asked in a run is a
different string (the demo suite, then its questions with 请问 / "Please tell me:" in front), so no per-question
cache helps. Reports per-question latency p50/p95/max from pressing Send to the complete answer, the wall time
per round, the server's CPU per question (answering plus the page loads, from /proc) and the client's own CPU.
Traffic goes only to 127.0.0.1.

    .venv/bin/python bench/chat_load.py [--clients 20] [--rounds 3] [--baseline 87f70d7] [--url http://127.0.0.1:7860/]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_trees import baseline_tree  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SUITE = ROOT / "tests" / "gold" / "demo_suite.jsonl"
WARM_UP = ("锦川经济开发区对落户企业有哪些扶持政策？", "What incentives does the Jinchuan park offer?")


def questions(n: int) -> list[str]:
    """n different strings: the demo suite, then the same questions phrased a little differently."""
    suite = [json.loads(ln)["question"] for ln in SUITE.read_text(encoding="utf-8").splitlines() if ln.strip()]
    out = []
    for i in range(n):
        q, variant = suite[i % len(suite)], i // len(suite)
        english = q.isascii()
        prefix = ("" if not variant else "Please tell me: " * variant) if english else "请问" * variant
        out.append(prefix + q)
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_cpu(pid: int | None) -> float:
    """User+system CPU seconds of the server process (all threads) and of its live child processes (the
    answering process, serving/replica.py); 0 when not started here."""
    if not pid:
        return 0.0
    total = 0.0
    for p in [pid, *_children(pid)]:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # exited between the listing and the read
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _children(pid: int) -> list[int]:
    """Descendants of pid, from /proc (their CPU is not in the parent's stat until they are waited for)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    found, frontier = [], [pid]
    while frontier:
        kids = [c for c, p in parents.items() if p in frontier]
        found += kids
        frontier = kids
    return found


@dataclass
class Server:
    label: str
    base: str
    proc: subprocess.Popen | None = None
    send: tuple[int, int] = (0, 0)  # (fn_index, trigger id) of the Send button's event
    load: list[int] = field(default_factory=list)  # fn_index of the page's load events
    latencies: list[float] = field(default_factory=list)
    walls: list[float] = field(default_factory=list)
    answer_cpu: float = 0.0  # server CPU while the questions were answered
    page_cpu: float = 0.0  # server CPU while the visitors' pages loaded (sessions created)
    client_cpu: float = 0.0

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    def report(self) -> dict:
        n = len(self.latencies)
        return {"p50_s": round(pct(self.latencies, 50), 3), "p95_s": round(pct(self.latencies, 95), 3),
                "max_s": round(max(self.latencies), 3), "wall_per_round_s": [round(w, 2) for w in self.walls],
                "server_cpu_ms_per_question": round(1000 * self.answer_cpu / n, 1) if self.proc else None,
                "server_cpu_ms_per_page_load": round(1000 * self.page_cpu / n, 1) if self.proc else None,
                "client_cpu_ms_per_question": round(1000 * self.client_cpu / n, 1)}


def read_config(server: Server) -> None:
    config = httpx.get(server.base + "config", timeout=30).json()
    send = next(c["id"] for c in config["components"] if c.get("props", {}).get("elem_id") == "zs-send")
    for i, dep in enumerate(config["dependencies"]):
        targets = [list(t) for t in dep.get("targets", [])]
        if [send, "click"] in targets:
            server.send = (i, send)
        if any(t[1] == "load" for t in targets) and not dep["inputs"]:
            server.load.append(i)
    if not server.send[1]:
        raise SystemExit("the chat's Send event was not found in /config")


async def run_event(http: httpx.AsyncClient, base: str, session: str, fn: int, data: list,
                    trigger: int | None = None) -> float:
    """Seconds from joining the queue to the event's completion, read from the session's event stream."""
    t0 = time.perf_counter()
    body = {"data": data, "event_data": None, "fn_index": fn, "trigger_id": trigger, "session_hash": session}
    (await http.post(base + "gradio_api/queue/join", json=body)).raise_for_status()
    async with http.stream("GET", base + f"gradio_api/queue/data?session_hash={session}") as stream:
        async for line in stream.aiter_lines():
            if line.startswith("data:"):
                msg = json.loads(line[5:])
                if msg.get("msg") == "process_completed":
                    if not msg.get("success", True):
                        raise RuntimeError(f"event {fn} failed: {msg}")
                    return time.perf_counter() - t0
    raise RuntimeError("stream ended before the event completed")


def ask_data(question: str) -> list:
    return [question, [], None, None, None, False, "zh"]


async def one_round(http: httpx.AsyncClient, server: Server, batch: list[str]) -> None:
    """New visitors open the page, then all press Send at the same moment."""
    sessions = [uuid.uuid4().hex[:12] for _ in batch]
    c0 = server_cpu(server.pid)
    await asyncio.gather(*(run_event(http, server.base, s, fn, []) for s in sessions for fn in server.load))
    c1, p0, t0 = server_cpu(server.pid), time.process_time(), time.perf_counter()
    server.latencies += await asyncio.gather(*(
        run_event(http, server.base, s, server.send[0], ask_data(q), server.send[1]) for s, q in zip(sessions, batch, strict=True)))
    server.walls.append(time.perf_counter() - t0)
    server.client_cpu += time.process_time() - p0
    server.answer_cpu += server_cpu(server.pid) - c1
    server.page_cpu += c1 - c0


def start_app(tree: Path, work: Path, label: str) -> Server:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ASSISTANT_", "OPENAI_"))}
    # 20 clients on one loopback address would be one client to the per-address rate limit: measure the app.
    env.update(GRADIO_ANALYTICS_ENABLED="False", HF_HUB_OFFLINE="1", ASSISTANT_RATE_LIMIT_PER_MINUTE="0",
               PYTHONPATH=str(tree))
    log = (work / f"app-{label}.log").open("w")
    proc = subprocess.Popen([sys.executable, str(tree / "app.py"), "--index", str(work / f"index-{label}"),
                             "--port", str(port)], cwd=tree, env=env, stdout=log, stderr=subprocess.STDOUT)
    server = Server(label, f"http://127.0.0.1:{port}/", proc)
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        try:
            if httpx.get(server.base, timeout=2).status_code == 200 and _answering_ready(server.base):
                return server
        except httpx.HTTPError:
            pass
        time.sleep(1)
    proc.kill()
    raise SystemExit(f"app.py did not start; see {work / f'app-{label}.log'}")


def _answering_ready(base: str) -> bool:
    """Not while the answering process is still loading (questions would be measured in the web process); a
    server without /api/v1/health (an older baseline) is ready when its page is."""
    r = httpx.get(base + "api/v1/health", timeout=5)
    return r.status_code != 200 or r.json().get("answering") != "starting"


def wait_idle(server: Server, timeout: float = 120.0) -> None:
    """Until the server's background warm-up has finished (less than 2% of a core over half a second)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and server.pid:
        before = server_cpu(server.pid)
        time.sleep(0.5)
        if server_cpu(server.pid) - before < 0.01:
            return


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


async def measure(servers: list[Server], clients: int, rounds: int) -> None:
    limits = httpx.Limits(max_connections=4 * clients, max_keepalive_connections=4 * clients)
    async with httpx.AsyncClient(timeout=120, limits=limits, trust_env=False) as http:
        for server in servers:  # warm-up: one question, then one round of other questions, not counted
            wait_idle(server)
            await run_event(http, server.base, uuid.uuid4().hex[:12], server.send[0], ask_data(WARM_UP[0]),
                            server.send[1])
        warm = [f"{WARM_UP[i % 2]}（{i}）" if i % 2 == 0 else f"{WARM_UP[1]} ({i})" for i in range(clients)]
        for server in servers:
            await one_round(http, server, warm)
            server.latencies, server.walls = [], []
            server.answer_cpu = server.page_cpu = server.client_cpu = 0.0
        asked = questions(clients * rounds)
        for r in range(rounds):
            for server in servers:
                await one_round(http, server, asked[r * clients:(r + 1) * clients])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clients", type=int, default=20, help="questions asked at the same moment")
    ap.add_argument("--rounds", type=int, default=3, help="how many times")
    ap.add_argument("--baseline", default="", help="also measure this commit, rounds alternating (e.g. 87f70d7)")
    ap.add_argument("--url", default="", help="an app already running on 127.0.0.1 (default: start one)")
    args = ap.parse_args()
    load_before = os.getloadavg()
    servers: list[Server] = []
    with ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="chat-load-")))
        try:
            if args.baseline:
                tree, commit = stack.enter_context(baseline_tree(args.baseline))
                servers.append(start_app(tree, work, f"baseline {commit[:12]}"))
            servers.append(Server("current", args.url.rstrip("/") + "/") if args.url
                           else start_app(ROOT, work, "current"))
            for server in servers:
                read_config(server)
            asyncio.run(measure(servers, args.clients, args.rounds))
        finally:
            for server in servers:
                if server.proc:
                    server.proc.terminate()
                    server.proc.wait(timeout=20)
    print(json.dumps({"clients": args.clients, "rounds": args.rounds, "questions_each": args.clients * args.rounds,
                      **{s.label: s.report() for s in servers},
                      "loadavg_before": [round(x, 2) for x in load_before],
                      "loadavg_after": [round(x, 2) for x in os.getloadavg()], "cpus": os.cpu_count()}, indent=2))


if __name__ == "__main__":
    main()
