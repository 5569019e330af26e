"""A process killed (os._exit, no cleanup) at every write point of ingest, delete, metadata edit and rebuild:
after reopening, Chroma and the catalog agree chunk by chunk, and a deleted document is never retrieved."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.crash_points import ENV, EXIT_CODE, POINTS
from assistant.factory import build_assistant, build_library
from tests.fixture_files import POLICY_PARAGRAPHS

PROJECT = Path(__file__).resolve().parent.parent
_SCRIPT = """
import sys
from pathlib import Path
from assistant.factory import build_library
from assistant.settings import Settings

index, cache, op, arg = sys.argv[1:5]
lib = build_library(Settings(index_dir=Path(index), cache_dir=Path(cache)))
if op == "ingest":
    lib.ingest([Path(arg)])
elif op == "rebuild":
    lib.ingest([Path(arg)], rebuild=True)
elif op == "delete":
    lib.delete(arg)
elif op == "edit":
    lib.update_meta(arg, title="改过的标题")
"""
PARK = "某某高新区产业园区手册\n园区位于城东，规划面积12平方公里，重点发展光电信息产业。\n入驻企业可享受三年租金减半。\n"
QUESTION = "先进制造业项目固定资产投资奖励最高多少？"


def _policy_text(variant: str = "") -> str:
    body = "\n".join(POLICY_PARAGRAPHS)
    return "关于促进先进制造业发展的若干措施\n" + (body.replace("最高500万元", variant) if variant else body * 3)


def _library_of_two(settings, folder: Path):
    folder.mkdir()
    (folder / "policy.txt").write_text(_policy_text(), encoding="utf-8")
    (folder / "park.txt").write_text(PARK, encoding="utf-8")
    lib = build_library(settings)
    assert lib.ingest([folder]).ok
    return lib


def _run_until_crash(settings, point: str, op: str, arg: str) -> None:
    env = {**os.environ, ENV: point, "PYTHONPATH": str(PROJECT)}
    done = subprocess.run([sys.executable, "-c", _SCRIPT, str(settings.index_dir), str(settings.cache_dir), op, arg],
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == EXIT_CODE, done.stderr[-2000:]  # it really died at that point


def _assert_agree(lib) -> None:
    """Same ids, same texts, same document metadata in Chroma as in the catalog."""
    got = lib.chroma.col.get(include=["documents", "metadatas"])
    chroma = {i: (t, m["title"], m["doc_id"]) for i, t, m in zip(got["ids"], got["documents"], got["metadatas"],
                                                                  strict=True)}
    catalog = {c.chunk_id: (c.text, c.doc.title, c.doc.doc_id) for c in lib.catalog.chunks()}
    assert chroma == catalog
    assert lib.consistency_problems() == [] and lib.catalog.pending() == []


def _ingest_points() -> list:
    return [pytest.param(p, marks=[] if p == "ingest:chroma-upserted" else pytest.mark.stress)
            for p in POINTS if p.startswith("ingest:")]


@pytest.mark.parametrize("point", _ingest_points())
def test_crash_during_ingest_is_rolled_back_then_completed(settings, tmp_path, point):
    folder = tmp_path / "docs"
    _library_of_two(settings, folder)
    (folder / "policy.txt").write_text(_policy_text("最高800万元"), encoding="utf-8")  # fewer, changed chunks
    _run_until_crash(settings, point, "ingest", str(folder))
    lib = build_library(settings)  # repair on open
    _assert_agree(lib)
    report = lib.ingest([folder])
    assert [Path(p).name for p in report.updated] == ["policy.txt"]
    _assert_agree(lib)
    texts = "".join(c.text for c in lib.catalog.chunks())
    assert "800万元" in texts and "500万元" not in texts


def test_crash_during_ingest_of_a_new_document_leaves_nothing_retrievable(settings, tmp_path):
    folder = tmp_path / "docs"
    _library_of_two(settings, folder)
    new = tmp_path / "new"
    new.mkdir()
    (new / "fund.txt").write_text("金牛区产业基金管理办法\n母基金规模为人民币50亿元，由区财政出资。\n", encoding="utf-8")
    _run_until_crash(settings, "ingest:chroma-stale-deleted", "ingest", str(new))
    lib = build_library(settings)
    _assert_agree(lib)
    hits = lib.chroma.query(lib.embedder.embed_query("金牛区母基金规模"), 10)
    assert all(c.doc.doc_id != "new/fund.txt" for c, _ in hits)


@pytest.mark.parametrize("point", [pytest.param("delete:catalog-deleted"),
                                   pytest.param("delete:chroma-deleted", marks=pytest.mark.stress)])
def test_crash_during_delete_never_leaves_the_document_retrievable(settings, tmp_path, point):
    _library_of_two(settings, tmp_path / "docs")
    _run_until_crash(settings, point, "delete", "policy.txt")
    lib = build_library(settings)
    _assert_agree(lib)
    assert all(d.file_name != "policy.txt" for d in lib.docs())
    answer = build_assistant(settings, library=lib).ask(QUESTION)
    assert all(c.source.rsplit("/", 1)[-1] != "policy.txt" for c in answer.citations)
    assert "500万元" not in answer.text


@pytest.mark.parametrize("point", [pytest.param("edit:catalog-written"),
                                   pytest.param("edit:chroma-updated", marks=pytest.mark.stress)])
def test_crash_during_metadata_edit_is_completed(settings, tmp_path, point):
    _library_of_two(settings, tmp_path / "docs")
    _run_until_crash(settings, point, "edit", "policy.txt")
    lib = build_library(settings)
    _assert_agree(lib)
    assert lib.get("policy.txt").title == "改过的标题"  # the catalog committed first: the edit is kept


@pytest.mark.stress
def test_crash_during_rebuild_is_repaired(settings, tmp_path):
    folder = tmp_path / "docs"
    _library_of_two(settings, folder)
    _run_until_crash(settings, "rebuild:catalog-cleared", "rebuild", str(folder))
    lib = build_library(settings)
    _assert_agree(lib)
    assert lib.chroma.count() == 0
    assert lib.ingest([folder]).ok
    _assert_agree(lib)


def test_every_crash_point_is_exercised():
    """A new write point must get a kill test: the parametrised lists above name every one."""
    covered = {p.values[0] for p in _ingest_points()} | {"delete:catalog-deleted", "delete:chroma-deleted",
                                                        "edit:catalog-written", "edit:chroma-updated",
                                                        "rebuild:catalog-cleared"}
    assert covered == set(POINTS)


def test_a_live_writer_in_another_process_is_left_alone(settings, tmp_path):
    """Repair on open must not undo a change another process is still making (server mode, CLI next to the app)."""
    import sqlite3

    lib = _library_of_two(settings, tmp_path / "docs")
    doc = lib.get("policy.txt").doc_id
    writer = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:  # the other process has journalled its change and deleted the chunks from Chroma, not yet the catalog
        with sqlite3.connect(settings.index_dir / "catalog.sqlite") as db:
            db.execute("INSERT INTO pending VALUES (?, ?, ?, '')", (doc, writer.pid, socket.gethostname()))
        lib.chroma.delete_ids(lib.catalog.chunk_ids(doc))
        reopened = build_library(settings)
        assert reopened.repaired == [] and reopened.consistency_problems()  # not touched while it lives
    finally:
        writer.kill()
        writer.wait()
    after = build_library(settings)
    assert after.repaired == [doc]
    _assert_agree(after)
