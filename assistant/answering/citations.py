"""Turn a retrieved passage and a quoted span into a Citation a reader can check."""

from __future__ import annotations

import datetime as dt

from assistant.types import Citation, Hit


def make_citation(n: int, hit: Hit, quote: str, today: dt.date | None = None) -> Citation:
    """Build citation [n]; the quote must be an exact substring of the chunk (falls back to the chunk)."""
    chunk = hit.chunk
    if not quote or quote not in chunk.text:
        quote = chunk.text
    doc = chunk.doc
    return Citation(
        n=n,
        doc_id=doc.doc_id,
        chunk_id=chunk.chunk_id,
        source=doc.file_name,
        title=doc.title,
        page=chunk.page,
        article=chunk.article,
        table=chunk.table,
        date=doc.published,
        quote=quote,
        chunk_text=chunk.text,
        validity=doc.validity.status(today),
        superseded_by=doc.superseded_by,
        sha256=doc.sha256,
        effective=doc.effective,
        expires=doc.expires,
        repealed=doc.repealed,
    )
