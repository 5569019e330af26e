"""Feedback: stored with the answer, its citations and the cited document versions; exported for staff."""

from __future__ import annotations

import csv
import json

import pytest

from assistant.staff.feedback import FeedbackStore
from assistant.types import Answer


@pytest.fixture(scope="module")
def answer(fixture_assistant) -> Answer:
    return fixture_assistant.ask("温江区对研发投入有什么补助？")


def test_rating_keeps_question_answer_citations_and_versions(tmp_path, answer):
    store = FeedbackStore(tmp_path / "fb" / "feedback.sqlite")
    fid = store.add(answer, -1, "  补助上限没写清楚  ")
    row = store.rows()[0]
    assert row.id == fid and row.rating == -1 and row.comment == "补助上限没写清楚"
    assert row.question == answer.question and row.answer == answer.text and row.mode == answer.mode
    assert [c["chunk_id"] for c in row.citations] == [c.chunk_id for c in answer.citations]
    assert row.doc_versions == {c.doc_id: c.sha256 for c in answer.citations}
    assert all(len(sha) == 64 for sha in row.doc_versions.values())


def test_comment_added_after_rating(tmp_path, answer):
    store = FeedbackStore(tmp_path / "feedback.sqlite")
    fid = store.add(answer, 1)
    store.comment(fid, "很有用")
    assert store.rows()[0].comment == "很有用"
    with pytest.raises(ValueError):
        store.add(answer, 5)


def test_exports_round_trip_and_survive_a_reopen(tmp_path, answer):
    path = tmp_path / "feedback.sqlite"
    FeedbackStore(path).add(answer, 1, "=HYPERLINK(\"http://x\")")  # would run as a formula in Excel
    store = FeedbackStore(path)  # a restart keeps what was stored
    store.add(answer, -1)
    lines = store.export_jsonl(tmp_path / "f.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert [r["rating"] for r in records] == [1, -1]  # oldest first
    assert records[0]["doc_versions"] == {c.doc_id: c.sha256 for c in answer.citations}
    with store.export_csv(tmp_path / "f.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows[0]["question"] == answer.question and rows[0]["comment"].startswith("'=")
    assert json.loads(rows[1]["citations"])[0]["source"] == answer.citations[0].source
