"""JSONL loader: one document per line (text/content/body/context), bad lines skipped with a warning."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

from assistant.errors import IngestError
from assistant.types import LoadedFile, Page
from ingest.boilerplate import clean_text
from ingest.encoding import decode_bytes
from ingest.loaders.html import iso_date

TEXT_FIELDS = ("text", "content", "body", "context")
ID_FIELDS = ("id", "docid", "doc_id")
DATE_FIELDS = ("date", "publish_date", "published", "pub_date")
_FIX = 'write one JSON object per line with a "text" field (optional "id", "title", "date", "url")'


def _first(record: dict, fields: tuple[str, ...]) -> str:
    for name in fields:
        value = record.get(name)
        if value not in (None, ""):
            return str(value).strip()
    return ""


def _record(path: Path, number: int, line: str) -> LoadedFile | str:
    """The LoadedFile of one line, or the reason the line is skipped."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return f"line {number}: not valid JSON ({exc.msg}), skipped"
    if not isinstance(record, dict):
        return f"line {number}: not a JSON object, skipped"
    text = _first(record, TEXT_FIELDS)
    if not text:
        return f"line {number}: no text field ({'/'.join(TEXT_FIELDS)}), skipped"
    cleaned = clean_text(text)
    if not cleaned.text:
        return f"line {number}: no text left after cleaning, skipped"
    record_id = _first(record, ID_FIELDS) or str(number)
    return LoadedFile(
        path=f"{path}::{record_id}",
        file_type="jsonl",
        pages=(Page(1, cleaned.text),),
        title_hint=_first(record, ("title",)),
        date_hint=iso_date(_first(record, DATE_FIELDS)),
        source_url=_first(record, ("url", "source_url", "link")) or cleaned.source_url,
        record_sha256=hashlib.sha256(line.encode("utf-8")).hexdigest(),
    )


def iter_jsonl(path: Path) -> Iterator[LoadedFile | str]:
    """Yield each record's LoadedFile, or a warning string for a skipped line, streaming the file."""
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            yield _record(path, number, decode_bytes(raw.rstrip(b"\r\n")).text.lstrip("\ufeff"))


def load_jsonl(path: Path) -> list[LoadedFile]:
    """All records; skipped lines become warnings on the first record. IngestError when none is usable."""
    records: list[LoadedFile] = []
    skipped: list[str] = []
    for item in iter_jsonl(path):
        (skipped if isinstance(item, str) else records).append(item)
    if not records:
        reason = "the file is empty" if not skipped else f"no usable record ({skipped[0]})"
        raise IngestError(str(path), reason, _FIX)
    ids = [r.path for r in records]
    if len(set(ids)) != len(ids):
        skipped.append("some records share an id: only distinct ids are kept apart in the index")
    if skipped:
        first = records[0]
        records[0] = LoadedFile(first.path, first.file_type, first.pages, first.title_hint, first.date_hint,
                                first.source_url, first.warnings + tuple(skipped), first.record_sha256)
    return records
