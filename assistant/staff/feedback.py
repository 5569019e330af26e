"""Investor feedback on answers: stored in SQLite with what was cited, exported as CSV or JSONL for staff."""

from __future__ import annotations

import csv
import datetime as dt
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from assistant.types import Answer

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    rating INTEGER NOT NULL,          -- +1 helpful, -1 not helpful
    comment TEXT NOT NULL DEFAULT '',
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    mode TEXT NOT NULL,
    language TEXT NOT NULL,
    citations TEXT NOT NULL,          -- JSON list of Citation.as_dict()
    doc_versions TEXT NOT NULL        -- JSON {doc_id: sha256} of the cited documents at answer time
)
"""
EXPORT_FIELDS = ("id", "created_at", "rating", "comment", "question", "answer", "mode", "language",
                 "citations", "doc_versions")


@dataclass(frozen=True)
class FeedbackRow:
    id: int
    created_at: str
    rating: int
    comment: str
    question: str
    answer: str
    mode: str
    language: str
    citations: list[dict]
    doc_versions: dict[str, str]

    def as_dict(self) -> dict:
        return {f: getattr(self, f) for f in EXPORT_FIELDS}


class FeedbackStore:
    """One SQLite file; a connection per call so Gradio's worker threads never share one."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=10)

    def add(self, answer: Answer, rating: int, comment: str = "") -> int:
        """Record a thumbs up (+1) or down (-1) on answer; returns the feedback id."""
        if rating not in (1, -1):
            raise ValueError(f"rating must be 1 or -1, got {rating!r}")
        citations = [c.as_dict() for c in answer.citations]
        versions = {c.doc_id: c.sha256 for c in answer.citations}
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        with self._connect() as db:
            cur = db.execute(
                "INSERT INTO feedback (created_at, rating, comment, question, answer, mode, language, citations,"
                " doc_versions) VALUES (?,?,?,?,?,?,?,?,?)",
                (now, rating, comment.strip(), answer.question, answer.text, answer.mode, answer.language,
                 json.dumps(citations, ensure_ascii=False), json.dumps(versions, ensure_ascii=False)),
            )
            return int(cur.lastrowid or 0)

    def comment(self, feedback_id: int, comment: str) -> None:
        """Attach (or replace) the optional comment of an earlier rating."""
        with self._connect() as db:
            db.execute("UPDATE feedback SET comment = ? WHERE id = ?", (comment.strip(), feedback_id))

    def rows(self, limit: int | None = None) -> list[FeedbackRow]:
        """Newest first."""
        sql = "SELECT " + ", ".join(EXPORT_FIELDS) + " FROM feedback ORDER BY id DESC"
        params: tuple = ()
        if limit is not None:
            sql += " LIMIT ?"
            params = (limit,)
        with self._connect() as db:
            found = db.execute(sql, params).fetchall()
        return [FeedbackRow(*r[:8], json.loads(r[8]), json.loads(r[9])) for r in found]

    def export_jsonl(self, out: Path) -> Path:
        """One JSON object per feedback, citations and document versions as nested JSON."""
        out = Path(out)
        with out.open("w", encoding="utf-8") as f:
            for row in reversed(self.rows()):
                f.write(json.dumps(row.as_dict(), ensure_ascii=False) + "\n")
        return out

    def export_csv(self, out: Path) -> Path:
        """UTF-8 with BOM so Excel opens the Chinese text correctly; nested fields as JSON strings."""
        out = Path(out)
        with out.open("w", encoding="utf-8-sig", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(EXPORT_FIELDS)
            for row in reversed(self.rows()):
                values = row.as_dict()
                values["citations"] = json.dumps(values["citations"], ensure_ascii=False)
                values["doc_versions"] = json.dumps(values["doc_versions"], ensure_ascii=False)
                writer.writerow([_csv_safe(values[f]) for f in EXPORT_FIELDS])
        return out


def _csv_safe(value: object) -> object:
    # A cell starting with = + - @ is run as a formula by spreadsheet apps (CSV injection): quote it.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value
