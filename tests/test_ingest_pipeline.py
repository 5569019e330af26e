"""Ingest identity and safety: idempotent re-ingest, replacement, duplicates, bad files among good ones."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.factory import build_library
from assistant.types import Filters

POLICY = "wenjiang_optical_policy.txt"


def _chroma_texts(lib) -> dict[str, str]:
    got = lib.chroma.col.get(include=["documents"])
    return dict(zip(got["ids"], got["documents"], strict=True))


def test_reingest_unchanged_does_nothing(settings, corpus_dir: Path):
    lib = build_library(settings)
    first = lib.ingest([corpus_dir])
    assert first.ok and len(first.added) == 4
    ids_before = _chroma_texts(lib)
    misses_before = lib.embedder.misses
    second = lib.ingest([corpus_dir])
    assert len(second.unchanged) == 4 and not (second.added or second.updated or second.duplicate)
    assert _chroma_texts(lib) == ids_before
    assert lib.embedder.misses == misses_before  # nothing re-embedded
    assert lib.consistency_problems() == []
    assert len(ids_before) == lib.catalog.chunk_count() == sum(d.chunk_count for d in lib.docs())


def test_changed_file_replaces_its_chunks(settings, corpus_dir: Path, tmp_path: Path):
    src = tmp_path / POLICY
    shutil.copy(corpus_dir / POLICY, src)
    lib = build_library(settings)
    lib.ingest([src])
    old_count = lib.get(POLICY).chunk_count
    text = src.read_text(encoding="utf-8")
    src.write_text(text.replace("每年最高不超过200万元", "每年最高不超过260万元").split("第四条")[0], encoding="utf-8")
    report = lib.ingest([src])
    assert len(report.updated) == 1
    rec = lib.get(POLICY)
    assert rec.chunk_count < old_count
    stored = "".join(_chroma_texts(lib).values())
    assert "260万元" in stored and "200万元" not in stored and "研发投入" not in stored
    assert lib.consistency_problems() == []
    hits = lib.bm25().search("研发投入补助", 5)
    assert all("研发投入" not in c.text for c, _ in hits)


def test_same_content_under_another_name_is_a_duplicate(settings, corpus_dir: Path, tmp_path: Path):
    a = tmp_path / "a" / POLICY
    b = tmp_path / "b" / "copy_of_policy.txt"
    for p in (a, b):
        p.parent.mkdir()
        shutil.copy(corpus_dir / POLICY, p)
    lib = build_library(settings)
    report = lib.ingest([a, b])
    assert len(report.added) == 1 and len(report.duplicate) == 1
    dup = lib.get("copy_of_policy.txt")
    assert dup.status == "duplicate" and dup.duplicate_of == lib.get(POLICY).doc_id and dup.chunk_count == 0
    assert lib.catalog.chunk_count() == lib.get(POLICY).chunk_count


def test_corrupt_file_among_good_ones(settings, corpus_dir: Path, tmp_path: Path):
    good = tmp_path / POLICY
    shutil.copy(corpus_dir / POLICY, good)
    (tmp_path / "photo.png").write_bytes(b"\x89PNG not a document")
    broken = tmp_path / "broken.pdf"
    broken.write_bytes((corpus_dir / "sichuan_comm_park_brochure.pdf").read_bytes()[:700])
    lib = build_library(settings)
    report = lib.ingest([broken, good])
    assert [Path(p).name for p in report.added] == [POLICY]
    assert (str(tmp_path / "photo.png"), "unsupported type .png") in lib.ingest([tmp_path]).skipped
    assert len(report.failed) == 1 and "broken.pdf" in report.failed[0][1]
    rec = lib.get("broken.pdf")
    assert rec.status == "failed" and rec.error and rec.chunk_count == 0
    assert lib.consistency_problems() == []
    assert all(c.doc.doc_id != rec.doc_id for c in lib.catalog.chunks())


def test_failed_update_keeps_last_good_version(settings, corpus_dir: Path, tmp_path: Path):
    pdf = tmp_path / "park.pdf"
    shutil.copy(corpus_dir / "sichuan_comm_park_brochure.pdf", pdf)
    lib = build_library(settings)
    lib.ingest([pdf])
    chunks = lib.get("park.pdf").chunk_count
    pdf.write_bytes(b"%PDF-1.7\n garbage")
    report = lib.ingest([pdf])
    assert not report.ok
    rec = lib.get("park.pdf")
    assert rec.status == "indexed" and rec.chunk_count == chunks and "last ingest failed" in rec.error
    # fixing the file clears the error
    shutil.copy(corpus_dir / "sichuan_comm_park_brochure.pdf", pdf)
    assert lib.ingest([pdf]).ok and not lib.get("park.pdf").error


def test_delete_and_rebuild(settings, corpus_dir: Path):
    lib = build_library(settings)
    lib.ingest([corpus_dir])
    rec = lib.delete(POLICY)
    assert rec.doc_id not in {d.doc_id for d in lib.docs()}
    assert not lib.chroma.ids_of_doc(rec.doc_id)
    assert all(c.doc.doc_id != rec.doc_id for c, _ in lib.bm25().search("厂房租金补贴", 10))
    report = lib.ingest([corpus_dir], rebuild=True)
    assert len(report.added) == 4 and lib.consistency_problems() == []


def test_staff_metadata_edit_survives_reingest_and_filters(settings, corpus_dir: Path):
    lib = build_library(settings)
    lib.ingest([corpus_dir])
    lib.update_meta("qingdao_news.txt", doc_type="park", district="黄岛区")
    lib.ingest([corpus_dir])
    lib.reindex()
    rec = lib.get("qingdao_news.txt")
    assert rec.doc_type == "park" and rec.district == "黄岛区" and set(rec.edited) == {"doc_type", "district"}
    where_hits = lib.chroma.query(lib.embedder.embed_query("海洋产业引导基金"), 5,
                                  {"$and": [{"doc_type": "park"}, {"district": "黄岛区"}]})
    assert where_hits and all(c.doc.doc_id == rec.doc_id for c, _ in where_hits)
    with pytest.raises(Exception, match="YYYY-MM-DD"):
        lib.update_meta("qingdao_news.txt", expires="明年")
    assert Filters().empty


def test_cli_ingest_docs_delete(settings, corpus_dir: Path, capsys, tmp_path: Path):
    from assistant.cli import main

    idx = str(tmp_path / "cli-index")
    broken = tmp_path / "empty.docx"
    broken.write_bytes(b"")
    assert main(["ingest", str(corpus_dir), str(broken), "--index", idx]) == 1
    out, err = capsys.readouterr()
    assert "added 4" in out and "failed 1" in out and "empty.docx" in err
    assert main(["docs", "--json", "--index", idx]) == 0
    import json

    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    by_name = {r["file_name"]: r for r in rows}
    assert by_name["empty.docx"]["status"] == "failed"
    assert by_name[POLICY]["chunk_count"] > 0 and by_name[POLICY]["validity"] in ("valid", "expired")
    assert main(["delete", POLICY, "--index", idx]) == 0
    assert main(["delete", "no-such-doc", "--index", idx]) == 2
    assert "no document" in capsys.readouterr().err


def test_jsonl_records_are_documents(settings, tmp_path: Path):
    import json

    def write(records):
        path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")

    path = tmp_path / "corpus.jsonl"
    recs = [
        {"id": "a1", "title": "园区租金政策", "text": "入驻园区的企业前两年免收租金。第三年租金减半。"},
        {"id": "b2", "title": "人才政策", "text": "引进博士人才给予安家补贴30万元。"},
        {"id": "c3", "title": "物流政策", "text": "新设立的物流企业给予一次性奖励50万元。"},
    ]
    write(recs)
    with path.open("a", encoding="utf-8") as f:
        f.write('\n{"id": "junk", "text": "版权所有 未经授权禁止转载"}\nnot json at all\n')
    lib = build_library(settings)
    first = lib.ingest([path])
    assert len(first.added) == 3 and len(first.skipped) == 2 and first.ok
    docs = {d.doc_id.rsplit("::", 1)[-1]: d for d in lib.docs() if "::" in d.doc_id}
    assert set(docs) == {"a1", "b2", "c3"} and docs["b2"].title == "人才政策"
    assert len(lib.ingest([path]).unchanged) == 1  # the whole file is unchanged: nothing is re-read
    assert "skipped 2" in first.summary_line()
    recs[1]["text"] = "引进博士人才给予安家补贴40万元。"
    write(recs[:2])  # b2 changed, c3 left the file
    again = lib.ingest([path])
    assert len(again.updated) == 1 and len(again.unchanged) == 1
    assert {d.doc_id.rsplit("::", 1)[-1] for d in lib.docs() if "::" in d.doc_id} == {"a1", "b2"}
    texts = " ".join(c.text for c in lib.catalog.chunks())
    assert "40万元" in texts and "30万元" not in texts and "物流" not in texts
    assert lib.consistency_problems() == []


def test_a_folder_of_many_small_files_is_written_in_a_few_index_changes(settings, tmp_path: Path):
    folder = tmp_path / "news"
    folder.mkdir()
    for i in range(40):  # each file a document of its own: written together, not one index change each
        (folder / f"n{i:02d}.txt").write_text(f"第{i}号快讯\n{i}号园区企业获得研发补助{i + 10}万元。", encoding="utf-8")
    lib = build_library(settings)
    before = lib.catalog.generation
    report = lib.ingest([folder])
    assert len(report.added) == 40 and not report.failed
    assert lib.catalog.generation - before <= 2  # one batch write (and at most one version refresh)
    assert lib.chroma.count() == lib.catalog.chunk_count() == sum(r.chunk_count for r in lib.docs())
    hit, = lib.bm25().search("27号园区企业研发补助", 1)
    assert hit[0].doc.doc_id == lib.get("n27.txt").doc_id


def test_when_the_embedder_is_down_every_file_of_the_batch_fails_and_nothing_is_half_written(tmp_path: Path):
    from assistant.settings import Settings

    folder = tmp_path / "news"
    folder.mkdir()
    for i in range(3):
        (folder / f"n{i}.txt").write_text(f"第{i}号快讯：园区企业获得补助{i}万元。", encoding="utf-8")
    down = Settings(index_dir=tmp_path / "index", cache_dir=tmp_path / "cache", embedder="openai",
                    openai_base_url="http://127.0.0.1:9/v1", embed_model="any")  # port 9 (discard): refused
    lib = build_library(down)
    report = lib.ingest([folder])
    assert len(report.failed) == 3 and not report.added
    assert lib.catalog.chunk_count() == 0 == lib.chroma.count() and lib.catalog.pending() == []
    assert {r.status for r in lib.docs()} == {"failed"}
