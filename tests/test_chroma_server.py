"""Server mode: a real `chroma run` on 127.0.0.1, started by the test, used through ASSISTANT_CHROMA_HOST. The
library's catalog lives in the server too, so app processes on different index folders share one library."""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from assistant.crash_points import POINTS

pytestmark = pytest.mark.server
PROJECT = Path(__file__).resolve().parent.parent
HYDROGEN = "关于支持氢能重卡示范运营的通知\n对示范运营的氢能重卡，每辆车给予最高30万元运营补贴。\n"
HYDROGEN_Q = "氢能重卡示范运营补贴每辆车最高多少？"
_collections = itertools.count()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_ready(url: str, proc: subprocess.Popen, seconds: float, what: str) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        assert proc.poll() is None, f"{what} exited early"
        time.sleep(0.3)
    pytest.fail(f"{what} did not become ready in {seconds:.0f} s")


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory):
    """One server for the module; each test gets collections of its own (see `server_env`)."""
    exe = shutil.which("chroma") or str(Path(sys.executable).with_name("chroma"))
    port = _free_port()
    proc = subprocess.Popen([exe, "run", "--path", str(tmp_path_factory.mktemp("server-data")), "--host",
                             "127.0.0.1", "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        _wait_ready(f"http://127.0.0.1:{port}/api/v2/heartbeat", proc, 60, "chroma run")
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.fixture
def server_env(chroma_server: int, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Server-mode settings in the environment (inherited by the processes a test starts)."""
    env = {"ASSISTANT_CHROMA_HOST": "127.0.0.1", "ASSISTANT_CHROMA_PORT": str(chroma_server),
           "ASSISTANT_COLLECTION": f"test{next(_collections)}_{os.getpid()}"}
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    return env


def test_ingest_and_answer_through_chroma_server(server_env, corpus_dir: Path, tmp_path: Path):
    from assistant.factory import build_assistant
    from assistant.settings import Settings

    a = build_assistant(Settings(index_dir=tmp_path / "a"))
    report = a.library.ingest([corpus_dir / "wenjiang_optical_policy.txt"])
    assert report.ok and a.library.chroma.count() == report.chunks_written > 0
    assert not (tmp_path / "a" / "chroma").exists() and not (tmp_path / "a" / "catalog.sqlite").exists()
    ans = a.ask("温江区的研发投入补助最高多少？")
    assert ans.grounded and ans.citations[0].source == "wenjiang_optical_policy.txt"
    # a second process's library on another folder opens the same records, chunks and lexical index
    b = build_assistant(Settings(index_dir=tmp_path / "b"))
    assert [d.doc_id for d in b.library.docs()] == [d.doc_id for d in a.library.docs()]
    assert len(b.library.bm25()) == len(a.library.bm25()) == b.library.catalog.chunk_count() == report.chunks_written
    assert b.ask("温江区的研发投入补助最高多少？").text == ans.text


def _start_app(index: Path, env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, str(PROJECT / "app.py"), "--index", str(index), "--port", str(port)],
        env={**os.environ, **env, "PYTHONPATH": str(PROJECT), "ASSISTANT_SAMPLE_DIR": str(index / "no-sample"),
             "ASSISTANT_RATE_LIMIT_PER_MINUTE": "0"},
        stdout=subprocess.DEVNULL, stderr=(index.parent / f"{index.name}.log").open("w"))
    return proc, f"http://127.0.0.1:{port}"


def _staff_key(index: Path) -> dict[str, str]:
    from assistant.web.api.keys import ApiKeyStore

    return {"Authorization": f"Bearer {ApiKeyStore(index).create('replica test')[1]}"}


def _cites_hydrogen(base: str) -> tuple[bool, dict]:
    body = httpx.post(f"{base}/api/v1/ask", json={"question": HYDROGEN_Q}, timeout=30).json()
    return body["grounded"] and any("hydrogen" in c["source"] for c in body["citations"]), body


def _lists_hydrogen(base: str) -> bool:
    return any(d["file_name"] == "hydrogen.txt" for d in httpx.get(f"{base}/api/v1/documents").json()["documents"])


def _until(base: str, want: bool, seconds: float = 10) -> tuple[float, dict]:
    """Until the replica cites the document (dense hits come from the server at once) and lists it (its own view
    of the catalog, updated at its next look at the change log), or neither."""
    t0 = time.perf_counter()
    while True:
        cited, body = _cites_hydrogen(base)
        if (cited == want and _lists_hydrogen(base) == want) or time.perf_counter() - t0 > seconds:
            return time.perf_counter() - t0, body
        time.sleep(0.2)


def test_replicas_on_two_folders_share_one_library(server_env, corpus_dir: Path, tmp_path: Path):
    """Two app processes, two index folders, one `chroma run`: a file uploaded through one is cited by the other
    within seconds, and a delete through that other stops the first from citing it. Nothing is shared on disk."""
    from assistant.factory import build_library
    from assistant.settings import Settings

    # A library to start from, indexed by a third process's folder (so both replicas start at once, no demo corpus)
    assert build_library(Settings(index_dir=tmp_path / "cli")).ingest([corpus_dir / "wenjiang_optical_policy.txt"]).ok
    a_dir, b_dir = tmp_path / "replica-a", tmp_path / "replica-b"
    keys_a, keys_b = _staff_key(a_dir), _staff_key(b_dir)  # API keys are per replica (in its folder)
    (a, url_a), (b, url_b) = _start_app(a_dir, server_env), _start_app(b_dir, server_env)
    try:
        _wait_ready(f"{url_a}/api/v1/documents", a, 180, "replica A")
        _wait_ready(f"{url_b}/api/v1/documents", b, 180, "replica B")
        assert [d["title"] for d in httpx.get(f"{url_b}/api/v1/documents").json()["documents"]] == \
            [d["title"] for d in httpx.get(f"{url_a}/api/v1/documents").json()["documents"]] != []
        assert not _cites_hydrogen(url_b)[0]

        up = httpx.post(f"{url_a}/api/v1/documents", headers=keys_a, timeout=120,
                        files=[("files", ("hydrogen.txt", HYDROGEN.encode(), "text/plain"))])
        assert up.status_code == 200 and up.json()["report"]["added"], up.text
        waited, body = _until(url_b, True)
        assert _cites_hydrogen(url_b)[0] and _lists_hydrogen(url_b), body  # only A's folder holds the file
        assert "30万元" in body["answer"] and waited < 5
        print(f"B cited and listed A's upload {waited:.2f} s after it was indexed")

        gone = httpx.delete(f"{url_b}/api/v1/documents/hydrogen.txt", headers=keys_b, timeout=60)
        assert gone.status_code == 200, (gone.text, httpx.get(f"{url_b}/api/v1/documents", headers=keys_b).text,
                                         (tmp_path / "replica-b.log").read_text()[-3000:])
        waited, body = _until(url_a, False)
        assert not _cites_hydrogen(url_a)[0] and not _lists_hydrogen(url_a) and "30万元" not in body["answer"]
        assert waited < 5
        print(f"A stopped citing and listing it {waited:.2f} s after B deleted it")
        for folder in (a_dir, b_dir):
            assert not (folder / "catalog.sqlite").exists() and not (folder / "chroma").exists()
    finally:
        for proc in (a, b):
            proc.terminate()
            proc.wait(timeout=30)


def _server_points() -> list:
    return [pytest.param(p, marks=[] if p in ("ingest:chroma-upserted", "delete:catalog-deleted")
                         else pytest.mark.stress) for p in POINTS]


@pytest.mark.parametrize("point", _server_points())
def test_a_replica_killed_mid_write_is_repaired_from_another_folder(server_env, tmp_path: Path, point: str):
    """The journal lives in the server: a process on another index folder (same machine) finishes or undoes what
    the killed one left, and Chroma's chunks equal the catalog's."""
    from assistant.factory import build_library
    from assistant.settings import Settings
    from tests.test_crash_recovery import _assert_agree, _library_of_two, _policy_text, _run_until_crash

    folder = tmp_path / "docs"
    settings = Settings(index_dir=tmp_path / "a")
    _library_of_two(settings, folder)
    (folder / "policy.txt").write_text(_policy_text("最高800万元"), encoding="utf-8")
    op = point.split(":")[0]
    _run_until_crash(settings, point, op, str(folder) if op in ("ingest", "rebuild") else "policy.txt")
    other = build_library(Settings(index_dir=tmp_path / "b"))
    assert other.repaired
    _assert_agree(other)
    assert other.ingest([folder]).ok
    _assert_agree(other)


def test_a_commit_that_lands_after_its_timestamp_is_still_applied(server_env, tmp_path: Path):
    """A replica re-reads the last minute of the change log: an entry stamped before its last look (a slow call, a
    clock a little behind) but landing after it still reaches the library's indexes."""
    from assistant.catalog_feed import POLL_SECONDS
    from assistant.factory import open_catalog
    from assistant.settings import Settings
    from assistant.types import DocRecord

    writer, reader = (open_catalog(Settings(index_dir=tmp_path / name)) for name in ("w", "r"))
    seen = reader.generation
    late = writer.feed.entry(["late.txt"])
    late[1]["seq"] -= 5_000_000  # stamped 5 s ago, before the reader's last look
    writer._upsert([writer._doc_row(DocRecord("late.txt", "late.txt", status="failed")), late])
    time.sleep(POLL_SECONDS)
    assert reader.generation > seen
    assert reader.changed_since(seen) == {"late.txt"} and reader.get("late.txt").status == "failed"
    now = reader.generation
    time.sleep(POLL_SECONDS)
    assert reader.generation == now  # seen once, applied once


def test_a_generation_saved_by_an_earlier_run_is_brought_up_to_date_from_the_log(server_env, tmp_path: Path):
    """What a saved lexical snapshot needs at the next start: the documents changed after its generation, from the
    server's log, although that generation was another process's."""
    from assistant.factory import open_catalog
    from assistant.settings import Settings
    from assistant.types import DocRecord

    first = open_catalog(Settings(index_dir=tmp_path / "first"))
    first.put_record(DocRecord("before.txt", "before.txt", status="failed"))
    time.sleep(0.01)
    saved = first.generation
    first.put_record(DocRecord("after.txt", "after.txt", status="failed"))
    later = open_catalog(Settings(index_dir=tmp_path / "later"))
    assert later.generation > first.generation  # a new run never reuses an earlier run's generation
    assert "after.txt" in later.changed_since(saved)
    assert later.changed_since(first.generation - 120_000_000) == {"before.txt", "after.txt"}
    assert later.changed_since(1) is None  # older than the log keeps: reload everything
