"""DOCX loader: paragraphs and tables (one labelled line per row) in document order (python-docx), one page."""

from __future__ import annotations

import zipfile
from pathlib import Path

from assistant.errors import IngestError
from assistant.types import LoadedFile, Page
from ingest.limits import DEFAULT_LIMITS, MAX_COMPRESSION_RATIO, MB, RATIO_MIN_BYTES, LoadLimits
from ingest.tables import Grid, PageText, cell_text

_FIX = "open it in Word or WPS and save it again as .docx (old .doc files must be converted)"
_FIX_BOMB = "open it in Word or WPS and save it again; a genuine document this large must be split"
# Word never writes a DTD; one in a part is how entity-expansion ("billion laughs") attacks start.
_DTD_MARKS = tuple(m.encode(enc) for m in ("<!DOCTYPE", "<!ENTITY") for enc in ("utf-8", "utf-16-le", "utf-16-be"))
_SCAN_BLOCK = 1 << 20


def _has_dtd(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """Stream the part in blocks (sizes already checked), so the scan never holds a whole part in memory."""
    tail = b""
    with zf.open(info) as part:
        for block in iter(lambda: part.read(_SCAN_BLOCK), b""):
            window = tail + block
            if any(mark in window for mark in _DTD_MARKS):
                return True
            tail = window[-32:]
    return False


def check_package(path: Path, limits: LoadLimits) -> None:
    """Refuse zip bombs and entity bombs from the zip directory and a streamed scan, before anything inflates.

    zipfile never yields more bytes than an entry's declared size, so checking the declared sizes is enough.
    """
    with zipfile.ZipFile(path) as zf:
        infos = zf.infolist()
        total = sum(i.file_size for i in infos)
        if total > limits.unpacked_max_mb * MB:
            raise IngestError(str(path), f"refused: the DOCX would unpack to {total / MB:.0f} MB, over the "
                              f"{limits.unpacked_max_mb} MB limit (ASSISTANT_UNPACKED_MAX_MB) — a zip bomb?", _FIX_BOMB)
        for info in infos:
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size >= RATIO_MIN_BYTES and ratio > MAX_COMPRESSION_RATIO:
                raise IngestError(str(path), f"refused: part {info.filename} expands {ratio:.0f}x, over the "
                                  f"{MAX_COMPRESSION_RATIO}x limit for a document — a zip bomb?", _FIX_BOMB)
        for info in infos:
            if info.filename.endswith((".xml", ".rels")) and _has_dtd(zf, info):
                raise IngestError(str(path), f"refused: part {info.filename} declares a DTD or entities, which "
                                  "Word never writes (an entity-expansion attack?)", _FIX)


def _grid(table) -> Grid:
    """Cell texts by grid position; a merged cell repeats in every position it covers, with one id."""
    grid: Grid = []
    for row in table.rows:
        grid.append([(cell_text(cell.text), id(cell._tc)) for cell in row.cells])
    width = max((len(r) for r in grid), default=0)
    return [r + [("", -k - 1) for k in range(width - len(r))] for r in grid]  # rows that end early


def _body(document) -> PageText:
    """Paragraphs as lines and tables as labelled rows, in document order."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    out = PageText()
    recent: list[str] = []  # the paragraphs just above a table hold its caption and unit
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            text = block.text.strip()
            if text:
                out.add(text)
                recent = (recent + [text])[-3:]
        elif isinstance(block, Table):
            out.add_grid(_grid(block), before=recent)
            recent = []
    return out


def _title(document, lines: list[str]) -> str:
    title = (document.core_properties.title or "").strip()
    if title:
        return title
    for para in document.paragraphs:
        style = (para.style.name if para.style is not None else "") or ""
        if para.text.strip() and (style == "Title" or style.startswith("Heading 1")):
            return para.text.strip()
    return lines[0] if lines and len(lines[0]) <= 60 else ""


def load_docx(path: Path, limits: LoadLimits = DEFAULT_LIMITS) -> list[LoadedFile]:
    if path.stat().st_size == 0:
        raise IngestError(str(path), "the file is empty", "upload the document again")
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from lxml.etree import XMLSyntaxError

    if not zipfile.is_zipfile(path):
        raise IngestError(str(path), "not a valid DOCX: the file is not a zip package (truncated, or a renamed .doc)",
                          _FIX)
    try:
        check_package(path, limits)
        document = docx.Document(str(path))
        body = _body(document)
        lines = body.lines
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, XMLSyntaxError, ValueError, EOFError) as exc:
        raise IngestError(str(path), f"not a valid DOCX: the package is damaged ({exc})", _FIX) from exc
    if not lines:
        raise IngestError(str(path), "the document has no text", "check the DOCX is not only images; "
                          "for scans, export a PDF and upload that (it will be OCR'd)")
    page = Page(1, body.text, tables=tuple(body.tables))
    return [LoadedFile(str(path), "docx", (page,), title_hint=_title(document, lines))]
