"""Server mode: a real `chroma run` on 127.0.0.1, started by the test, used through ASSISTANT_CHROMA_HOST."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.server


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def chroma_server(tmp_path: Path):
    exe = shutil.which("chroma") or str(Path(sys.executable).with_name("chroma"))
    port = _free_port()
    proc = subprocess.Popen([exe, "run", "--path", str(tmp_path / "server-data"), "--host", "127.0.0.1",
                             "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert proc.poll() is None, "chroma run exited early"
            time.sleep(0.3)
        else:
            pytest.fail("chroma server did not become ready in 60 s")
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_ingest_and_answer_through_chroma_server(chroma_server: int, corpus_dir: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch):
    from assistant.factory import build_assistant
    from assistant.settings import Settings

    monkeypatch.setenv("ASSISTANT_CHROMA_HOST", "127.0.0.1")
    monkeypatch.setenv("ASSISTANT_CHROMA_PORT", str(chroma_server))
    monkeypatch.setenv("ASSISTANT_INDEX_DIR", str(tmp_path / "catalog-only"))
    s = Settings()
    a = build_assistant(s)
    report = a.library.ingest([corpus_dir / "wenjiang_optical_policy.txt"])
    assert report.ok and a.library.chroma.count() == report.chunks_written > 0
    assert not (tmp_path / "catalog-only" / "chroma").exists()  # vectors live on the server
    ans = a.ask("温江区的研发投入补助最高多少？")
    assert ans.grounded and ans.citations[0].source == "wenjiang_optical_policy.txt"
    # a second client (another app process) sees the same collection
    b = build_assistant(Settings())
    assert b.library.chroma.count() == a.library.chroma.count()


_OTHER_PROCESS = """
import sys
from pathlib import Path
from assistant.factory import build_library
from assistant.settings import Settings

report = build_library(Settings()).ingest([Path(sys.argv[1])])
assert report.ok, report
"""


def test_a_document_ingested_by_another_process_is_answered_at_once(chroma_server: int, corpus_dir: Path,
                                                                     tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Replicas on one machine: two app processes, one index folder, one Chroma server. The serving process
    applies the other's change at its next question (the catalog's change log), without a rebuild."""
    from assistant.factory import build_assistant
    from assistant.settings import Settings

    env = {"ASSISTANT_CHROMA_HOST": "127.0.0.1", "ASSISTANT_CHROMA_PORT": str(chroma_server),
           "ASSISTANT_INDEX_DIR": str(tmp_path / "shared-index")}
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    serving = build_assistant(Settings())
    assert serving.library.ingest([corpus_dir / "wenjiang_optical_policy.txt"]).ok
    before = serving.library.bm25()
    doc = tmp_path / "hydrogen.txt"
    doc.write_text("关于支持氢能重卡示范运营的通知\n对示范运营的氢能重卡，每辆车给予最高30万元运营补贴。\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", _OTHER_PROCESS, str(doc)], capture_output=True, text=True,
                          env={**os.environ, **env, "PYTHONPATH": str(Path(__file__).parents[1])},
                          timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    t = time.perf_counter()
    ans = serving.ask("氢能重卡示范运营补贴每辆车最高多少？")
    assert time.perf_counter() - t < 5
    assert ans.grounded and "30万元" in ans.text and ans.citations[0].source == "hydrogen.txt"
    assert serving.library.bm25() is not before and len(serving.library.bm25()) == serving.library.catalog.chunk_count()
