"""OCR fallback for pages without a usable text layer: bundled rapidocr models, one engine per process."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from statistics import median
from typing import Any

_ENGINE: Any = None
_ENGINE_LOCK = threading.Lock()
RENDER_SCALE = 2.0  # ~144 dpi: small print in brochures stays legible, a page renders in ~0.1 s
# Per-page bound: OCR time grows with pixels, so a poster-sized page is rendered no larger than an A3 page at 144 dpi.
MAX_SIDE_PX = 2400
_MIN_SCORE = 0.5  # below this rapidocr's guesses are mostly noise (textures, photos)
# Blank-page test on a 36 dpi thumbnail (~0.01 s): fewer dark pixels than this share means nothing to read.
# One short heading line on A4 darkens ~0.1% of the thumbnail, so such a page is still OCR'd.
_THUMB_SCALE = 0.5
_INK_LEVEL = 200
_BLANK_INK_SHARE = 0.0002


class OcrBudget:
    """How much OCR one file may still spend: pages and seconds (the clock starts at its first OCR'd page)."""

    def __init__(self, max_pages: int, max_seconds: float):
        self.max_pages, self.max_seconds = max_pages, max_seconds
        self.pages = 0
        self.started: float | None = None

    def refusal(self) -> str:
        """Why no further page of this file may be OCR'd, or ''."""
        if self.pages >= self.max_pages:
            return f"the OCR limit of {self.max_pages} pages per file is reached (ASSISTANT_OCR_MAX_PAGES)"
        if self.started is not None and time.monotonic() - self.started > self.max_seconds:
            return f"the OCR time budget of {self.max_seconds:.0f} s per file is used up (ASSISTANT_OCR_MAX_SECONDS)"
        return ""

    def spend_page(self) -> None:
        if self.started is None:
            self.started = time.monotonic()
        self.pages += 1


@dataclass(frozen=True)
class OcrBox:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float


def ocr_engine() -> Any:
    """The process-wide RapidOCR engine, created on first use (model load ~1-2 s; no download)."""
    global _ENGINE
    with _ENGINE_LOCK:
        if _ENGINE is None:
            from rapidocr import RapidOCR  # heavy import (onnxruntime, opencv): only when a page needs it

            # Its default INFO logging prints every model path and every empty page.
            _ENGINE = RapidOCR(params={"Global.log_level": "error"})
        return _ENGINE


def ocr_boxes(image: Any) -> tuple[list[OcrBox], float]:
    """The text boxes rapidocr is sure enough of, and the image's width."""
    result = ocr_engine()(image)
    width = float(getattr(image, "width", 0) or image.shape[1])
    if result is None or result.txts is None or result.boxes is None:
        return [], width
    boxes = [
        OcrBox(text, float(b[:, 0].min()), float(b[:, 1].min()), float(b[:, 0].max()), float(b[:, 1].max()))
        for text, b, score in zip(result.txts, result.boxes, result.scores, strict=True)
        if text.strip() and score >= _MIN_SCORE
    ]
    return boxes, width


def ocr_image(image: Any) -> str:
    """Text of an image (PIL image or numpy array), lines in reading order, columns left to right."""
    boxes, width = ocr_boxes(image)
    return "\n".join(reading_order(boxes, width))


def ocr_page(image: Any) -> tuple[str, tuple]:
    """Text of a scanned page with its tables as labelled rows (ingest/ocr_tables.py), and their spans."""
    from ingest.ocr_tables import ocr_page_text

    boxes, width = ocr_boxes(image)
    return ocr_page_text(boxes, width, reading_order)


def is_blank(page: Any) -> bool:
    """A pypdfium2 page with (almost) no ink, judged on a thumbnail: no OCR needed."""
    import numpy as np

    gray = np.asarray(page.render(scale=_THUMB_SCALE, grayscale=True).to_pil().convert("L"))
    return bool((gray < _INK_LEVEL).mean() < _BLANK_INK_SHARE)


def render_page(pdf_path: str, index: int, scale: float = RENDER_SCALE) -> Any | None:
    """Page `index` (0-based) as a PIL image for OCR, at most MAX_SIDE_PX on its long side; None when blank."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(pdf_path)
    try:
        page = pdf[index]
        if is_blank(page):
            return None
        width, height = page.get_size()  # points (1/72 inch)
        return page.render(scale=min(scale, MAX_SIDE_PX / max(width, height, 1.0))).to_pil()
    finally:
        pdf.close()


def ocr_pdf_page(pdf_path: str, index: int, scale: float = RENDER_SCALE) -> str:
    """Render page `index` (0-based) with pypdfium2 and OCR it ('' for a blank page)."""
    image = render_page(pdf_path, index, scale)
    return "" if image is None else ocr_image(image)


def _columns(boxes: list[OcrBox], width: float) -> list[list[OcrBox]]:
    """Split boxes at vertical gutters, but only for prose columns: table cells are read row by row.

    Banners wider than a column (a page title across both columns) are read before or after the columns.
    """
    wide = [b for b in boxes if b.x1 - b.x0 > 0.45 * width]
    narrow = [b for b in boxes if b.x1 - b.x0 <= 0.45 * width]
    spans: list[list[float]] = []
    for box in sorted(narrow, key=lambda b: b.x0):
        if spans and box.x0 <= spans[-1][1] + width * 0.01:
            spans[-1][1] = max(spans[-1][1], box.x1)
        else:
            spans.append([box.x0, box.x1])
    groups = [[b for b in narrow if lo <= b.x0 and b.x1 <= hi] for lo, hi in spans]
    prose = all(len(g) >= 3 and median(b.x1 - b.x0 for b in g) >= 0.2 * width for g in groups)
    if len(groups) < 2 or not prose:
        return [boxes]
    middle = median((b.y0 + b.y1) / 2 for b in narrow)
    above = [b for b in wide if (b.y0 + b.y1) / 2 < middle]
    below = [b for b in wide if (b.y0 + b.y1) / 2 >= middle]
    return [above, *groups, below]


def reading_order(boxes: list[OcrBox], width: float) -> list[str]:
    """Lines of text: per column, boxes on the same row joined by a space, rows top to bottom."""
    lines: list[str] = []
    for column in _columns(boxes, width):
        if not column:
            continue
        line_height = median(b.y1 - b.y0 for b in column)
        row: list[OcrBox] = []
        for box in sorted(column, key=lambda b: (b.y0 + b.y1) / 2):
            centre = (box.y0 + box.y1) / 2
            if row and abs(centre - (row[-1].y0 + row[-1].y1) / 2) > line_height / 2:
                lines.append(" ".join(b.text for b in sorted(row, key=lambda b: b.x0)))
                row = []
            row.append(box)
        if row:
            lines.append(" ".join(b.text for b in sorted(row, key=lambda b: b.x0)))
    return lines
