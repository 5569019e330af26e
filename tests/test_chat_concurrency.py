"""Concurrent visitors on the public chat, through Gradio's queue over real HTTP as the page does: an LLM that
never answers must not hold up answers that need no LLM, and (stress) 20 visitors asking at once get their
extractive answers within the latency goal."""

from __future__ import annotations

import json
import os
import socket
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from assistant.factory import build_assistant
from assistant.serving.answer_process import ProcessAssistant
from assistant.web.server import build_server
from tests.test_web_security import serve

ROOT = Path(__file__).resolve().parents[1]
LLM_QUESTION = "四川通信产业园标准厂房租金补贴是多少？"  # answered from the fixture corpus: goes to the LLM
NO_LLM_QUESTION = "明天成都天气怎么样？"  # nothing relevant: the fixed refusal, no LLM call


@pytest.fixture
def silent_llm() -> Iterator[str]:
    """A real TCP server that accepts every connection and never answers (a hung LLM server)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    held: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                held.append(listener.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/v1"
    listener.close()
    for conn in held:
        conn.close()


def send_event(base: str) -> tuple[int, int]:
    config = httpx.get(base + "/config", timeout=30).json()
    send = next(c["id"] for c in config["components"] if c.get("props", {}).get("elem_id") == "zs-send")
    fn = next(i for i, d in enumerate(config["dependencies"]) if [send, "click"] in [list(t) for t in d["targets"]])
    return fn, send


def chat(base: str, event: tuple[int, int], question: str) -> tuple[float, str]:
    """(seconds from Send to the complete answer, the answer's HTML), as the page's queue client does."""
    session, t0 = uuid.uuid4().hex[:12], time.perf_counter()
    body = {"data": [question, [], None, None, None, False, "zh"], "event_data": None, "fn_index": event[0],
            "trigger_id": event[1], "session_hash": session}
    httpx.post(base + "/gradio_api/queue/join", json=body, timeout=30).raise_for_status()
    with httpx.stream("GET", f"{base}/gradio_api/queue/data?session_hash={session}", timeout=60) as stream:
        for line in stream.iter_lines():
            msg = json.loads(line[5:]) if line.startswith("data:") else {}
            if msg.get("msg") == "process_completed":
                assert msg.get("success"), msg
                content = msg["output"]["data"][1][-1]["content"]  # a string or a list of text parts
                text = content if isinstance(content, str) else "".join(p.get("text", "") for p in content)
                return time.perf_counter() - t0, text
    raise AssertionError("the event stream ended before the answer")


@pytest.mark.parametrize("answer_process", [False, True], ids=["in-process", "answering-process"])
def test_a_hanging_llm_does_not_delay_answers_that_need_no_llm(fixture_assistant, silent_llm, tmp_path,
                                                               answer_process):
    settings = fixture_assistant.settings.model_copy(update={
        "openai_base_url": silent_llm, "llm_model": "m", "llm_timeout": 8.0, "chat_workers": 2,
        "rate_limit_per_minute": 0.0, "feedback_db": tmp_path / "fb.sqlite"})
    assistant = build_assistant(settings, library=fixture_assistant.library)
    if answer_process:  # as `python app.py` serves: the questions (and the LLM calls) in the replica
        assistant = ProcessAssistant(assistant, settings).start()
        assert assistant.wait_ready(180)
    try:
        _hanging_llm_round(assistant, settings)
    finally:
        if answer_process:
            assistant.close()
    if answer_process:
        assert assistant.answered_remotely == 5


def _hanging_llm_round(assistant, settings) -> None:
    with serve(build_server(assistant, settings)) as base, ThreadPoolExecutor(8) as pool:
        event = send_event(base)
        waiting = [pool.submit(chat, base, event, LLM_QUESTION) for _ in range(4)]  # more than chat_workers
        time.sleep(1.0)  # they are all waiting on the LLM now
        assert not any(f.done() for f in waiting)
        seconds, shown = chat(base, event, NO_LLM_QUESTION)
        assert seconds < 4.0, f"a refusal waited {seconds:.1f}s behind the hanging LLM (timeout 8s)"
        assert "现有资料中没有找到" in shown, shown
        for f in waiting:  # the LLM's users get the checked extractive answer with the fixed notice
            seconds, shown = f.result(timeout=30)
            assert "智能生成暂不可用" in shown


P95_GOAL = 0.5  # seconds, issue 12: 20 visitors asking at once on the 2-core CI machine, extractive path


@pytest.mark.stress
def test_twenty_visitors_asking_at_once_get_answers_within_the_goal(tmp_path):
    """bench/chat_load.py's measurement (app.py on the demo corpus in its own process, 20 new visitors per round
    asking different questions at the same moment, 3 rounds). Meaningful only on an otherwise idle machine."""
    import asyncio

    sys.path.insert(0, str(ROOT / "bench"))
    import chat_load

    if os.getloadavg()[0] > 1.0:
        pytest.skip(f"machine busy (load average {os.getloadavg()[0]:.1f}): latency would measure the other jobs")
    server = chat_load.start_app(ROOT, tmp_path, "current")
    try:
        chat_load.read_config(server)
        asyncio.run(chat_load.measure([server], clients=20, rounds=3))
    finally:
        server.proc.terminate()
        server.proc.wait(timeout=20)
    report = server.report()
    assert report["p95_s"] <= P95_GOAL, report
