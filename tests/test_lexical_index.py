"""The lexical index: exactly bm25s's BM25, updated per changed document (same results as a rebuild), opened
from the tokens the catalog stored at indexing time, and the source of the answer's word rarity."""

from __future__ import annotations

import sqlite3
import time

import bm25s
import numpy as np
import pytest

from assistant.factory import build_library
from assistant.query.terms import question_terms
from assistant.types import Chunk, DocInfo
from tests.fixture_files import POLICY_PARAGRAPHS
from vectorstore.lexical_index import LexicalIndex, chunk_tokens
from vectorstore.tokenize_zh import tokens

TEXTS = [*POLICY_PARAGRAPHS, "园区位于城东，规划面积12平方公里，重点发展光电信息产业。", "入驻企业可享受三年租金减半。",
         "对新引进的集成电路设计企业，给予最高1000万元落户奖励。", "人才公寓租金补贴每月2000元。"]
QUESTIONS = ["租金补贴多少", "集成电路设计企业落户奖励", "光电信息产业园区规划面积", "研发投入补助"]


def _chunks(texts, doc_prefix="d"):
    out = []
    for i, t in enumerate(texts):
        doc = DocInfo(doc_id=f"{doc_prefix}{i % 3}", source="", sha256="", title=f"标题{i % 3}", doc_type="policy")
        out.append(Chunk(f"{doc.doc_id}#{i}", doc, i, t, 1, 0, len(t)))
    return out


def test_scores_are_bm25s_scores():
    chunks = _chunks(TEXTS)
    index = LexicalIndex.from_chunks(chunks)
    reference = bm25s.BM25()
    reference.index([chunk_tokens(c.doc.title, c.heading, c.text) for c in chunks], show_progress=False)
    for q in QUESTIONS:
        expected = np.asarray(reference.get_scores(tokens(q)))
        assert np.allclose(index.scores(tokens(q)), expected, atol=1e-5), q


def test_an_update_gives_what_a_rebuild_gives():
    before, after = _chunks(TEXTS), _chunks([*TEXTS[:3], "新增的氢能产业补贴最高500万元。", *TEXTS[4:]])
    changed = {"d0"}  # the new text is chunk 3, a chunk of d0
    index = LexicalIndex.from_chunks(before).updated(changed, [
        (c, chunk_tokens(c.doc.title, c.heading, c.text)) for c in after if c.doc.doc_id in changed])
    rebuilt = LexicalIndex.from_chunks(after)
    for q in [*QUESTIONS, "氢能产业补贴"]:
        got = {c.chunk_id: round(s, 4) for c, s in index.search(q, 100)}  # equal scores: any order
        assert got == {c.chunk_id: round(s, 4) for c, s in rebuilt.search(q, 100)}, q
    assert index.doc_freq("氢能") == 1 and len(index) == len(after)
    compacted = index.compacted()  # what many updates lead to: the added chunks folded into the base
    assert {c.chunk_id: round(s, 4) for c, s in compacted.search("氢能产业补贴", 100)} == \
        {c.chunk_id: round(s, 4) for c, s in rebuilt.search("氢能产业补贴", 100)}
    deleted = index.updated({"d1"}, [])
    assert all(c.doc.doc_id != "d1" for c, _ in deleted.search("租金补贴", 10)) and len(deleted) < len(index)


def test_word_rarity_comes_from_document_frequencies():
    index = LexicalIndex.from_chunks(_chunks(TEXTS))
    from assistant.query.terms import TermStats

    stats = TermStats(index.doc_freq, len(index))
    rare, = (t for t in question_terms("集成电路设计企业有什么奖励") if t.text == "集成电路")
    common, = (t for t in question_terms("企业有什么奖励") if t.text == "企业")
    assert 0 < stats.share(rare) < stats.share(common) <= 1


@pytest.fixture
def folder(tmp_path):
    d = tmp_path / "docs"
    d.mkdir()
    for i in range(6):
        (d / f"p{i}.txt").write_text(f"第{i}号政策\n" + "\n".join(POLICY_PARAGRAPHS), encoding="utf-8")
    return d


def test_opening_uses_stored_tokens_and_a_change_updates_one_document(settings, folder):
    lib = build_library(settings)
    assert lib.ingest([folder]).ok
    stored = sqlite3.connect(settings.index_dir / "catalog.sqlite").execute(
        "SELECT COUNT(*) FROM chunks WHERE tokens IS NULL").fetchone()[0]
    assert stored == 0  # tokens were written with the chunks
    first = lib.bm25()
    (folder / "p0.txt").write_text("第0号政策\n对氢能企业给予最高800万元奖励。", encoding="utf-8")
    lib.ingest([folder / "p0.txt"])
    t = time.perf_counter()
    second = lib.bm25()
    assert time.perf_counter() - t < 1.0
    assert second is not first and [c.chunk_id for c, _ in second.search("氢能企业", 3)][0].startswith(
        lib.get(str(folder / "p0.txt")).doc_id)
    assert len(second) == lib.catalog.chunk_count()
    reopened = build_library(settings)  # a new process: same results from the stored tokens
    assert [c.chunk_id for c, _ in reopened.bm25().search("氢能企业奖励", 5)] == \
        [c.chunk_id for c, _ in second.search("氢能企业奖励", 5)]


def test_a_catalog_from_before_stored_tokens_still_opens(settings, folder):
    lib = build_library(settings)
    assert lib.ingest([folder]).ok
    db = sqlite3.connect(settings.index_dir / "catalog.sqlite")
    with db:
        db.execute("UPDATE chunks SET tokens = NULL")
    reopened = build_library(settings)
    assert reopened.bm25().search("先进制造业项目奖励", 3)
    assert db.execute("SELECT COUNT(*) FROM chunks WHERE tokens IS NULL").fetchone()[0] == 0


def test_a_title_edit_is_searchable(settings, folder):
    lib = build_library(settings)
    assert lib.ingest([folder]).ok
    lib.bm25()
    rec = lib.update_meta(str(folder / "p3.txt"), title="锂电池专项扶持办法")
    assert lib.bm25().search("锂电池专项扶持", 1)[0][0].doc.doc_id == rec.doc_id


def test_the_years_the_library_names_follow_each_change(settings, folder):
    lib = build_library(settings)
    assert lib.ingest([folder]).ok
    assert 2031 not in lib.years()
    (folder / "plan.txt").write_text("远景规划\n到2031年，园区产值突破千亿元。", encoding="utf-8")
    lib.ingest([folder / "plan.txt"])
    assert 2031 in lib.years()
    lib.delete(str(folder / "plan.txt"))
    assert 2031 not in lib.years() and build_library(settings).years() == lib.years()
