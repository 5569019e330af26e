"""PDF loader: pypdf text page by page, ruled tables as labelled rows (pdfplumber), repaired Kangxi radicals,
OCR for pages without a usable text layer."""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

from assistant.errors import IngestError
from assistant.types import LoadedFile, Page
from ingest.limits import DEFAULT_LIMITS, LoadLimits

_FIX_PASSWORD = "remove the password (print or export an unprotected copy) and upload again"
_FIX_DAMAGED = "download or export the PDF again; if it opens in a viewer, print it to a new PDF"
# CJK Radicals Supplement glyphs that Chromium-printed PDFs emit for ordinary simplified characters;
# NFKC maps only two of them, so the rest are listed (only those with an unambiguous everyday character).
_RADICAL_SUPPLEMENT = dict(zip(
    map(chr, (0x2E9F, 0x2EA0, 0x2EC4, 0x2EC5, 0x2EC6, 0x2EC8, 0x2EC9, 0x2ECB, 0x2ED0, 0x2ED3, 0x2ED4, 0x2ED7,
              0x2ED8, 0x2ED9, 0x2EDA, 0x2EDB, 0x2EDC, 0x2EDD, 0x2EE0, 0x2EE2, 0x2EE3, 0x2EE4, 0x2EE5, 0x2EE6,
              0x2EE7, 0x2EE8, 0x2EE9, 0x2EEA, 0x2EEC, 0x2EEE, 0x2EF0, 0x2EF3)),
    "母民西见角讠贝车钅长门雨青韦页风飞食饣马骨鬼鱼鸟卤麦黄黾齐齿龙龟", strict=True,
))
_RADICALS = re.compile(r"[\u2e80-\u2eff\u2f00-\u2fdf]")
_MEANINGFUL = re.compile(r"[\u3400-\u9fffA-Za-z0-9]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd\ue000-\uf8ff]")
_LINE_END = re.compile(r"[。！？!?；;：:」』”）)】]$")
_CJK = re.compile(r"[\u3400-\u9fff]")
_LIST_START = re.compile(r"[（(]?[一二三四五六七八九十\d]{1,3}[、.．)）]|第[一二三四五六七八九十百\d]+[章节条款]")
_MIN_CHARS = 10  # fewer meaningful characters than this on a page: treat it as an image (scan, brochure)


def fix_radicals(text: str) -> str:
    """Replace Kangxi radicals (U+2F00-U+2FDF) and supplement radicals by the characters they stand for.

    Per character on purpose: NFKC on the whole text would also turn （，：！？ into ASCII.
    """
    def one(m: re.Match[str]) -> str:
        ch = m.group(0)
        if ch in _RADICAL_SUPPLEMENT:
            return _RADICAL_SUPPLEMENT[ch]
        return unicodedata.normalize("NFKC", ch) if "\u2f00" <= ch <= "\u2fdf" else ch

    return _RADICALS.sub(one, text)


def text_layer_unusable(text: str) -> bool:
    """True when a page's extracted text is empty or garbage (no ToUnicode map → control characters)."""
    stripped = "".join(text.split())
    if len(_MEANINGFUL.findall(stripped)) < _MIN_CHARS:
        return True
    return len(_CONTROL.findall(stripped)) > 0.05 * len(stripped)


def unwrap_lines(text: str) -> str:
    """Join hard-wrapped lines of a paragraph; keep breaks after sentence ends, short lines and headings.

    A line is wrapped when it reaches the right margin (about the page's longest line) and the break falls
    inside Chinese text ("温\\n州市", "5%\\n给予"): joining those keeps words whole for search and quotes.
    """
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) < 2:
        return "\n".join(lines)
    full = sorted(len(line) for line in lines)[int(0.9 * (len(lines) - 1))]
    out = [lines[0]]
    for prev, line in zip(lines, lines[1:], strict=False):
        at_margin = full >= 20 and len(prev) >= 0.85 * full and not _LINE_END.search(prev)
        if at_margin and (_CJK.match(line) or _CJK.search(prev[-1])) and not _LIST_START.match(line):
            out[-1] += line
        else:
            out.append(line)
    return "\n".join(out)


def _open(path: Path):
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    data_tail = path.read_bytes()[-2048:]
    if b"%%EOF" not in data_tail:
        raise IngestError(str(path), "the PDF is truncated (its end-of-file marker is missing)", _FIX_DAMAGED)
    try:
        reader = PdfReader(str(path), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise IngestError(str(path), "the PDF is password-protected", _FIX_PASSWORD)
        _ = len(reader.pages)
    except IngestError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        if "decrypt" in str(exc).lower() or "password" in str(exc).lower():
            raise IngestError(str(path), "the PDF is password-protected", _FIX_PASSWORD) from exc
        raise IngestError(str(path), f"the PDF is damaged and cannot be read ({exc})", _FIX_DAMAGED) from exc
    return reader


class _TableFinder:
    """pdfplumber over the same file, opened on first use; remembers the last table for the next page."""

    def __init__(self, path: Path):
        self.path, self.pdf, self.pdfium, self.carry = path, None, None, None

    def _drawn(self, index: int) -> bool:
        """Whether the page draws any path (rules, boxes): pdfium answers in ~1 ms what pdfminer needs a full
        content-stream parse for, and a page without one has no ruled table."""
        import pypdfium2 as pdfium
        import pypdfium2.raw as pdfium_c

        if self.pdfium is None:
            self.pdfium = pdfium.PdfDocument(str(self.path))
        page = self.pdfium[index]
        try:
            return any(True for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=2))
        finally:
            page.close()

    def page(self, index: int, warnings: list[str]):
        """The page's text with its tables (None when it has none), carrying a table over from the last page."""
        from ingest.loaders.pdf_tables import page_with_tables

        try:
            if not self._drawn(index):
                self.carry = None
                return None
            if self.pdf is None:
                import pdfplumber

                self.pdf = pdfplumber.open(str(self.path))
            page = self.pdf.pages[index]
            found, self.carry = page_with_tables(page, fix_radicals, unwrap_lines, self.carry)
            page.close()
            return found
        except Exception as exc:  # pdfminer fails on some content streams pypdf reads: keep pypdf's text
            warnings.append(f"page {index + 1}: tables not read ({type(exc).__name__})")
            self.carry = None
            return None

    def close(self) -> None:
        for doc in (self.pdf, self.pdfium):
            if doc is not None:
                doc.close()


def _page_text(reader, index: int, path: Path, warnings: list[str], budget, tables: _TableFinder) -> Page:
    number = index + 1
    found = tables.page(index, warnings)  # a page with a ruled table is read once, by pdfplumber
    if found is not None and not text_layer_unusable(found.text):
        return Page(number, found.text, tables=found.tables)
    try:
        text = reader.pages[index].extract_text() or ""
    except Exception as exc:  # pypdf raises many types on one broken content stream; the page goes to OCR
        warnings.append(f"page {number}: text layer unreadable ({type(exc).__name__})")
        text = ""
    text = fix_radicals(text)
    if not text_layer_unusable(text):
        return Page(number, unwrap_lines(text))
    tables.carry = None
    from ingest.ocr import ocr_page, render_page

    reason = "no text layer" if not text.strip() else "text layer unusable"
    refusal = budget.refusal()
    if refusal:
        warnings.append(f"page {number}: {reason}, not OCR'd: {refusal}")
        return Page(number, "")
    try:
        image = render_page(str(path), index)
        if image is None:
            warnings.append(f"page {number}: blank page")
            return Page(number, "", ocr=True)
        budget.spend_page()
        ocr_text, ocr_tables = ocr_page(image)
    except Exception as exc:  # a page pdfium cannot render: keep whatever text there was
        logging.getLogger(__name__).warning("OCR of %s page %d failed: %s", path, number, exc)
        warnings.append(f"page {number}: {reason}, OCR failed ({type(exc).__name__})")
        return Page(number, "")
    if len(_MEANINGFUL.findall(ocr_text)) <= len(_MEANINGFUL.findall(text)):
        # OCR saw less than the (short but real) text layer, e.g. a page with only a heading: keep the layer.
        if text.strip() and not _CONTROL.search(text):
            return Page(number, unwrap_lines(text))
        warnings.append(f"page {number}: {reason}, OCR found no text (blank or picture-only page)")
        return Page(number, "", ocr=True)
    warnings.append(f"page {number}: {reason}, OCR used")
    # OCR lines stay as they are: without the page's margins a short label line looks like a wrapped one.
    return Page(number, ocr_text.strip(), ocr=True, tables=ocr_tables)


def _title(reader) -> str:
    try:
        title = str((reader.metadata or {}).get("/Title") or "").strip()
    except Exception:  # broken info dictionaries are common and never worth failing a file for
        return ""
    title = re.sub(r"^Microsoft (?:Word|PowerPoint) - ", "", title)
    title = re.sub(r"\.(?:docx?|wps|pptx?|pdf)$", "", title, flags=re.I)
    return "" if title.lower() in ("", "untitled", "无标题") else title


def load_pdf(path: Path, limits: LoadLimits = DEFAULT_LIMITS,
             on_page: Callable[[int, int, bool], None] | None = None) -> list[LoadedFile]:
    from ingest.ocr import OcrBudget

    if path.stat().st_size == 0:
        raise IngestError(str(path), "the file is empty", "upload the PDF again")
    reader = _open(path)
    warnings: list[str] = []
    budget = OcrBudget(limits.ocr_max_pages, limits.ocr_max_seconds)
    tables = _TableFinder(path)
    try:
        total, read = len(reader.pages), []
        for i in range(total):
            read.append(_page_text(reader, i, path, warnings, budget, tables))
            if on_page:
                on_page(i + 1, total, read[-1].ocr)
        pages = tuple(read)
    finally:
        tables.close()
    if not any(p.text.strip() for p in pages):
        raise IngestError(str(path), "no text could be extracted from any page, not even by OCR",
                          "check the PDF shows text when opened; scans need to be legible (≥150 dpi)")
    return [LoadedFile(str(path), "pdf", pages, title_hint=_title(reader), warnings=tuple(warnings))]
