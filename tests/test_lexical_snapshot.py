"""The lexical index's snapshot: a start opens it instead of rebuilding, gives exactly a fresh build's scores,
sees the changes made after it, and a corrupt, foreign or half-written one is ignored and replaced."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.factory import build_library
from tests.fixture_files import POLICY_PARAGRAPHS
from vectorstore.lexical_index import LexicalIndex

QUERIES = ["先进制造业项目奖励", "研发投入补助", "氢能企业奖励", "租金补贴", "人才安家"]
EXTRA = ["对企业研发投入给予10%的补助，最高200万元。", "入驻企业可享受三年厂房租金补贴。", "人才安家补贴每人20万元。"]


@pytest.fixture
def folder(tmp_path):
    d = tmp_path / "docs"
    d.mkdir()
    for i in range(6):
        (d / f"p{i}.txt").write_text(f"第{i}号政策\n" + "\n".join([*POLICY_PARAGRAPHS, *EXTRA[i % 3:]]),
                                      encoding="utf-8")
    return d


@pytest.fixture(params=["read as returned", "read at start"])
def reading(request, monkeypatch):
    """A large library's start reads chunks as searches return them; a small one's reads them all at once."""
    from assistant import lexical_store

    monkeypatch.setattr(lexical_store, "READ_ALL_UP_TO", 0 if request.param == "read as returned" else 10**6)
    return request.param


def _scores(index: LexicalIndex) -> dict[str, dict[str, float]]:
    found = {q: {c.chunk_id: round(s, 4) for c, s in index.search(q, 100)} for q in QUERIES}
    assert all(found[q] for q in QUERIES if q != "氢能企业奖励")
    return found


def _saved(settings, folder) -> object:
    lib = build_library(settings)
    assert lib.ingest([folder]).ok
    lib.bm25()  # built from the stored tokens, then saved in the background
    lib.lexical.wait_saved()
    return lib


def _snapshots(settings) -> list[Path]:
    return sorted((settings.index_dir / "lexical").glob("snap-*"))


def test_a_start_opens_the_snapshot_and_scores_like_a_fresh_build(settings, folder, reading):
    lib = _saved(settings, folder)
    assert lib.lexical.opened_from.startswith("built") and len(_snapshots(settings)) == 1
    reopened = build_library(settings)
    index = reopened.bm25()
    assert reopened.lexical.opened_from.startswith("snapshot")
    fresh = LexicalIndex.build(reopened.catalog.lexical_rows())
    assert _scores(index) == _scores(fresh) and len(index) == len(fresh)
    hit, _ = index.search("研发投入补助", 1)[0]
    assert hit.text == next(c for c in reopened.catalog.chunks([hit.doc.doc_id]) if c.chunk_id == hit.chunk_id).text
    assert index.doc_freq("研发") == fresh.doc_freq("研发")
    from assistant.factory import build_assistant  # dense hits come as the opened index's chunks too

    dense = build_assistant(settings, mode="dense", library=reopened).retriever.retrieve("研发投入补助", 3)
    assert len(dense) == 3 and all(h.chunk.text and h.chunk.doc.title for h in dense)


def test_changes_after_the_snapshot_are_seen_at_the_next_start(settings, folder, reading):
    _saved(settings, folder)
    writer = build_library(settings)  # another process changes the library after the snapshot
    (folder / "p0.txt").write_text("第0号政策\n对氢能企业给予最高800万元奖励。", encoding="utf-8")
    writer.ingest([folder / "p0.txt"])
    writer.delete(str(folder / "p5.txt"))
    reopened = build_library(settings)
    index = reopened.bm25()
    assert reopened.lexical.opened_from.startswith("snapshot") and "2 changed" in reopened.lexical.opened_from
    assert index.search("氢能企业奖励", 1)[0][0].doc.doc_id == reopened.get(str(folder / "p0.txt")).doc_id
    assert _scores(index) == _scores(LexicalIndex.build(reopened.catalog.lexical_rows()))
    assert len(index) == reopened.catalog.chunk_count()


@pytest.mark.parametrize("damage", ["corrupt", "truncated", "other catalog"])
def test_a_bad_snapshot_is_ignored_rebuilt_and_replaced(settings, folder, damage):
    lib = _saved(settings, folder)
    expected = _scores(lib.bm25())
    snap, = _snapshots(settings)
    target = snap / "tok_slots.npy"
    if damage == "corrupt":
        data = bytearray(target.read_bytes())
        data[-3] ^= 0xFF
        target.write_bytes(bytes(data))
    elif damage == "truncated":
        target.write_bytes(target.read_bytes()[:-8])
    else:  # the folder copied next to another library's catalog
        lib.catalog.set_meta("lexical_catalog_id", "another")
    (settings.index_dir / "lexical" / "tmp-half-written").mkdir()  # a save a crash interrupted
    reopened = build_library(settings)
    assert _scores(reopened.bm25()) == expected
    assert reopened.lexical.opened_from.startswith("built")
    reopened.lexical.wait_saved()
    assert [p.name for p in _snapshots(settings)] != [snap.name]
    assert not (settings.index_dir / "lexical" / "tmp-half-written").exists()
    again = build_library(settings)
    assert _scores(again.bm25()) == expected and again.lexical.opened_from.startswith("snapshot")
