"""TXT and Markdown loader: any of our encodings, web-copy junk removed, title/date/URL hints kept."""

from __future__ import annotations

import re
from pathlib import Path

from assistant.errors import IngestError
from assistant.types import LoadedFile, Page
from ingest.boilerplate import clean_text
from ingest.encoding import decode_bytes, not_text_reason
from ingest.loaders.html import iso_date

_MD_COMMENT = re.compile(r"<!--.*?-->", re.S)
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$", re.M)
_SENTENCE_END = re.compile(r"[。；;]$")  # a title may end in ？ or ！, not in 。
_FIX_TEXT = "save the file as plain text (UTF-8 or GBK) and upload again"


def decode_text_file(path: Path) -> str:
    """Bytes of a text file as str; IngestError for empty or binary files."""
    data = path.read_bytes()
    if not data.strip():
        raise IngestError(str(path), "the file is empty", "upload a file with text in it")
    text = decode_bytes(data).text
    why = not_text_reason(data, text)
    if why:
        raise IngestError(str(path), why, _FIX_TEXT)
    return text.replace("\ufeff", "")


def _title_hint(text: str, markdown: bool) -> str:
    if markdown:
        heading = _MD_HEADING.search(text)
        if heading:
            return heading.group(1).strip()
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    # A first line that is a short phrase, not a sentence, is how web copies and policies start.
    return first if len(first) <= 60 and not _SENTENCE_END.search(first) else ""


def text_hints(raw: str) -> str:
    """The publication date in a text's first lines ("2025-11-02 07:25:18 来源:…", "2022年12月31日"), or ''."""
    head = "\n".join(raw.splitlines()[:15])
    return iso_date(head)


def load_text(path: Path) -> list[LoadedFile]:
    raw = decode_text_file(path)
    markdown = path.suffix.lower() in (".md", ".markdown")
    body = _MD_HEADING.sub(r"\1", _MD_COMMENT.sub("", raw)) if markdown else raw
    cleaned = clean_text(body)
    if not cleaned.text.strip():
        raise IngestError(str(path), "no text left after removing page furniture (menus, share prompts)",
                          "check the file holds the document's text, not only a web page's navigation")
    file_type = "md" if markdown else "txt"
    return [LoadedFile(str(path), file_type, (Page(1, cleaned.text),), title_hint=_title_hint(raw if markdown else
                       cleaned.text, markdown), date_hint=text_hints(raw), source_url=cleaned.source_url)]
