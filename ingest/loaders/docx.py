"""DOCX loader: paragraphs and tables in document order (python-docx), one page."""

from __future__ import annotations

import zipfile
from pathlib import Path

from assistant.errors import IngestError
from assistant.types import LoadedFile, Page

_FIX = "open it in Word or WPS and save it again as .docx (old .doc files must be converted)"


def _table_lines(table) -> list[str]:
    lines = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            text = " ".join(cell.text.split())
            if text and (not cells or cells[-1] != text):  # merged cells repeat the same text
                cells.append(text)
        if cells:
            lines.append(" | ".join(cells))
    return lines


def _body_lines(document) -> list[str]:
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            text = block.text.strip()
            if text:
                lines.append(text)
        elif isinstance(block, Table):
            lines.extend(_table_lines(block))
    return lines


def _title(document, lines: list[str]) -> str:
    title = (document.core_properties.title or "").strip()
    if title:
        return title
    for para in document.paragraphs:
        style = (para.style.name if para.style is not None else "") or ""
        if para.text.strip() and (style == "Title" or style.startswith("Heading 1")):
            return para.text.strip()
    return lines[0] if lines and len(lines[0]) <= 60 else ""


def load_docx(path: Path) -> list[LoadedFile]:
    if path.stat().st_size == 0:
        raise IngestError(str(path), "the file is empty", "upload the document again")
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from lxml.etree import XMLSyntaxError

    if not zipfile.is_zipfile(path):
        raise IngestError(str(path), "not a valid DOCX: the file is not a zip package (truncated, or a renamed .doc)",
                          _FIX)
    try:
        document = docx.Document(str(path))
        lines = _body_lines(document)
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, XMLSyntaxError, ValueError, EOFError) as exc:
        raise IngestError(str(path), f"not a valid DOCX: the package is damaged ({exc})", _FIX) from exc
    if not lines:
        raise IngestError(str(path), "the document has no text", "check the DOCX is not only images; "
                          "for scans, export a PDF and upload that (it will be OCR'd)")
    return [LoadedFile(str(path), "docx", (Page(1, "\n".join(lines)),), title_hint=_title(document, lines))]
