"""Pick the loader for a file by its suffix: files → LoadedFile (clean main text by page)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from assistant.errors import IngestError, UnsupportedFileError
from assistant.types import LoadedFile
from ingest.limits import DEFAULT_LIMITS, LoadLimits, check_size

SUPPORTED_SUFFIXES: frozenset[str] = frozenset({".pdf", ".html", ".htm", ".docx", ".txt", ".md", ".jsonl"})


PageDone = Callable[[int, int, bool], None]  # (page number, pages, OCR'd): a PDF reports each page it has read


def _loader_for(suffix: str, limits: LoadLimits, on_page: PageDone | None = None) -> Callable[[Path], list[LoadedFile]]:
    # Imported per call: loading a TXT file should not import pypdf, lxml or the OCR stack.
    if suffix == ".pdf":
        from ingest.loaders.pdf import load_pdf

        return partial(load_pdf, limits=limits, on_page=on_page)
    if suffix in (".html", ".htm"):
        from ingest.loaders.html import load_html

        return load_html
    if suffix == ".docx":
        from ingest.loaders.docx import load_docx

        return partial(load_docx, limits=limits)
    if suffix == ".jsonl":
        from ingest.loaders.jsonl import load_jsonl

        return load_jsonl
    from ingest.loaders.text import load_text

    return load_text


def load(path: Path, limits: LoadLimits = DEFAULT_LIMITS, on_page: PageDone | None = None) -> list[LoadedFile]:
    """One LoadedFile per document (JSONL: one per record; others: exactly one). `on_page` hears of each PDF page
    read (scans take seconds a page to OCR: the staff page shows how far it is).

    Raises IngestError(path, reason, fix) / UnsupportedFileError for unsupported, empty, encrypted,
    truncated or corrupt files — the reason names what is wrong, the fix says what to do.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise UnsupportedFileError(
            str(path), f"unsupported file type {suffix or '(no extension)'}",
            f"convert it to one of {', '.join(sorted(SUPPORTED_SUFFIXES))} (e.g. .doc → .docx, scans → .pdf)",
        )
    if not path.is_file():
        raise IngestError(str(path), "the file does not exist or is not a regular file", "check the path")
    check_size(path, limits)
    try:
        return _loader_for(suffix, limits, on_page)(path)
    except IngestError:
        raise
    except (OSError, UnicodeError, MemoryError, RecursionError) as exc:
        raise IngestError(str(path), f"the file could not be read ({type(exc).__name__}: {exc})",
                          "check the file opens on your computer, then upload it again") from exc
