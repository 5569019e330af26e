"""Visitors' sessions without Gradio's per-visitor copy of the whole page (assistant/web/lean_sessions.py): what
the server keeps per visitor, over real HTTP through Gradio's queue as the page does."""

from __future__ import annotations

import gc
import json
import tracemalloc
import uuid

import gradio as gr
import httpx
from gradio.state_holder import SessionState

from assistant.web.lean_sessions import LeanSessionState
from assistant.web.server import build_server
from tests.test_chat_concurrency import chat, send_event
from tests.test_web_security import serve


def test_a_lean_session_sets_what_gradios_own_sets():
    """Guards a Gradio upgrade: the lean __init__ mirrors SessionState.__init__ minus the page copy."""
    with gr.Blocks() as blocks:
        gr.Textbox(value="x")
        gr.State(value=[])
    assert set(vars(LeanSessionState(blocks))) == set(vars(SessionState(blocks)))
    assert LeanSessionState(blocks).config_values == {}


def open_page(base: str) -> str:
    """A new visitor: the page's load events run in a new session, as the browser does before anyone types."""
    config = httpx.get(base + "/config", timeout=30).json()
    loads = [i for i, d in enumerate(config["dependencies"])
             if any(t[1] == "load" for t in d.get("targets", [])) and not d["inputs"]]
    session = uuid.uuid4().hex[:12]
    for fn in loads:
        body = {"data": [], "event_data": None, "fn_index": fn, "trigger_id": None, "session_hash": session}
        httpx.post(base + "/gradio_api/queue/join", json=body, timeout=30).raise_for_status()
        with httpx.stream("GET", f"{base}/gradio_api/queue/data?session_hash={session}", timeout=60) as stream:
            for line in stream.iter_lines():
                if line.startswith("data:") and json.loads(line[5:]).get("msg") == "process_completed":
                    break
    return session


def test_each_visitor_costs_the_server_little_memory(fixture_assistant, tmp_path):
    """Gradio keeps every session until 10,000 visitors later; with its page copy that was ~246 KB of Python heap
    per visitor who opened the page and asked once (2.4 GB at capacity, and full GC passes that grew with it);
    lean, 40 KB."""
    settings = fixture_assistant.settings.model_copy(update={
        "rate_limit_per_minute": 0.0, "feedback_db": tmp_path / "fb.sqlite"})
    app = build_server(fixture_assistant, settings)
    with serve(app) as base:
        event = send_event(base)
        for i in range(5):  # warm: caches and lazily built parts are not per-visitor memory
            open_page(base)
            chat(base, event, f"四川通信产业园标准厂房租金补贴是多少？（{i}）")
        gc.collect()
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        visitors = 30
        for i in range(visitors):
            open_page(base)
            _, shown = chat(base, event, f"四川通信产业园有哪些产业扶持政策？（{i}）")
            assert "zs-answer" in shown or "现有资料" in shown
        gc.collect()
        per_visitor = (tracemalloc.get_traced_memory()[0] - before) / visitors
        tracemalloc.stop()
    assert per_visitor < 70_000, f"{per_visitor / 1024:.0f} KB kept per visitor"
