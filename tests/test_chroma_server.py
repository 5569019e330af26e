"""Server mode: a real `chroma run` on 127.0.0.1, started by the test, used through ASSISTANT_CHROMA_HOST."""

from __future__ import annotations

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
