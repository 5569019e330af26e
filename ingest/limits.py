"""How much work one file may cost: size on disk, unpacked size, OCR pages and seconds (from the settings)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assistant.errors import IngestError

MB = 1024 * 1024
# Real DOCX parts compress 3-20x (XML) or not at all (images); a zip bomb's filler compresses 1000x and more.
MAX_COMPRESSION_RATIO = 100
# A part must be at least this big before its ratio counts: tiny XML parts of repeated tags compress well.
RATIO_MIN_BYTES = MB


@dataclass(frozen=True)
class LoadLimits:
    max_file_mb: int = 25  # ASSISTANT_UPLOAD_MAX_MB: uploads and CLI ingest alike
    unpacked_max_mb: int = 100  # ASSISTANT_UNPACKED_MAX_MB: everything inside a DOCX package, uncompressed
    ocr_max_pages: int = 30  # ASSISTANT_OCR_MAX_PAGES per file
    ocr_max_seconds: float = 120.0  # ASSISTANT_OCR_MAX_SECONDS per file

    @classmethod
    def from_settings(cls, settings) -> LoadLimits:
        return cls(settings.upload_max_mb, settings.unpacked_max_mb, settings.ocr_max_pages, settings.ocr_max_seconds)


def check_size(path: Path, limits: LoadLimits, shown: str = "") -> None:
    """Refuse a file over the per-file limit before reading it (a 5 GB file named .txt costs nothing)."""
    size = path.stat().st_size
    if size > limits.max_file_mb * MB:
        raise IngestError(shown or str(path), f"{size / MB:.1f} MB exceeds the {limits.max_file_mb} MB limit per file",
                          "split the file, or raise ASSISTANT_UPLOAD_MAX_MB if it really is one document")


DEFAULT_LIMITS = LoadLimits()
