"""Visitors' questions answered in the answering process (serving/replica.py), started as `python app.py` starts it:
the same answers as in the web process, over the real HTTP API too; a staff upload or delete reaches its answers at
once; a killed replica costs no answer and comes back. Real Chroma, embedder, catalog and a real second process."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import httpx
import pytest

from assistant.factory import build_assistant
from assistant.serving import answer_process
from assistant.serving.answer_process import ProcessAssistant
from assistant.web.server import build_server
from tests.test_web_security import serve

QUESTIONS = ("温江区对入驻四川通信产业园的企业有什么厂房租金补贴？", "四川通信产业园的联系电话是多少？",
             "鹿城区对新设立外商投资企业实到外资有什么奖励？", "温江区的母基金规模有多大？",
             "What rent subsidy does Wenjiang offer to companies in the Sichuan communication industrial park?")
FUND_Q = "温江区天使投资引导基金的规模是多少？"
FUND_DOC = """温江区人民政府关于设立温江区天使投资引导基金的通知

一、温江区天使投资引导基金规模为8亿元，由温江区财政局出资设立，重点投向生物医药和数字经济领域的初创企业。
二、引导基金对单个项目的投资不超过2000万元。
"""


@pytest.fixture
def served(settings, corpus_dir: Path, tmp_path: Path):
    local = build_assistant(settings)
    assert local.library.ingest([corpus_dir]).ok
    remote = ProcessAssistant(local, settings).start()
    try:
        assert remote.wait_ready(180), "the answering process did not get ready"
        yield local, remote
    finally:
        remote.close()


def _shape(answer) -> tuple:
    return answer.text, answer.mode, [(c.source, c.chunk_id, c.scope) for c in answer.citations]


def test_the_replica_answers_as_the_web_process_does_and_over_http(served, settings):
    local, remote = served
    for question in QUESTIONS:
        assert _shape(remote.ask(question)) == _shape(local.ask(question)), question
    assert remote.answered_remotely == len(QUESTIONS)
    with serve(build_server(remote, settings.model_copy(update={"rate_limit_per_minute": 0}))) as url:
        health = httpx.get(url + "/api/v1/health", timeout=30).json()
        body = httpx.post(url + "/api/v1/ask", json={"question": QUESTIONS[0]}, timeout=60).json()
    assert health["answering"] == "process" and health["documents"] == len(local.library.docs())
    assert body["grounded"] and "50%" in body["answer"]
    assert remote.answered_remotely == len(QUESTIONS) + 1


def test_an_upload_and_a_delete_reach_the_replicas_answers_at_once(served, tmp_path: Path):
    local, remote = served
    before = remote.ask(FUND_Q)
    assert "8亿元" not in before.text
    doc = tmp_path / "wenjiang_angel_fund.txt"
    doc.write_text(FUND_DOC, encoding="utf-8")
    assert local.library.ingest([doc]).ok  # as the staff upload does, in the web process
    added = remote.ask(FUND_Q)
    assert "8亿元" in added.text and "wenjiang_angel_fund.txt" in [c.source for c in added.citations]
    local.library.delete("wenjiang_angel_fund.txt")
    gone = remote.ask(FUND_Q)
    assert "8亿元" not in gone.text and "wenjiang_angel_fund.txt" not in [c.source for c in gone.citations]
    assert remote.answered_remotely == 3


def test_a_killed_replica_costs_no_answer_and_comes_back(served, monkeypatch):
    local, remote = served
    monkeypatch.setattr(answer_process, "RESTART_AFTER_S", 0.2)
    pid = remote._process.pid
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while remote.ready and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not remote.ready and remote.answering == "starting"
    answered = remote.answered_remotely
    assert _shape(remote.ask(QUESTIONS[0])) == _shape(local.ask(QUESTIONS[0]))  # here, meanwhile
    assert remote.wait_ready(180) and remote._process.pid != pid
    remote.ask(QUESTIONS[1])
    assert remote.answered_remotely == answered + 1
