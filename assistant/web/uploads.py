"""Accepting staff uploads safely: allowed types, size limit, sanitised names kept inside the upload folder."""

from __future__ import annotations

import hashlib
import re
import shutil
import unicodedata
from dataclasses import dataclass
from pathlib import Path

ALLOWED_SUFFIXES = (".pdf", ".docx", ".html", ".htm", ".txt", ".md")
_UNSAFE = re.compile(r"[^\w\u3400-\u9fff（）()\-.]+")
_MAX_NAME = 120


class UploadRejected(ValueError):
    """An upload we refuse; the message says why and what is accepted."""


@dataclass(frozen=True)
class AcceptedUpload:
    original_name: str
    path: Path  # where it now lives, inside the upload folder


def safe_file_name(name: str) -> str:
    """A name that cannot leave its folder or hide: no directories, no leading dots, no control chars."""
    name = unicodedata.normalize("NFC", name or "")
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    stem = _UNSAFE.sub("_", stem).strip("._ -") or "upload"
    suffix = _UNSAFE.sub("", suffix).lower()
    stem = stem[: _MAX_NAME - len(suffix) - 1]
    return f"{stem}.{suffix}" if suffix else stem


def check_upload(original_name: str, size: int, max_mb: int) -> str:
    """Validate type and size; returns the sanitised name or raises UploadRejected."""
    name = safe_file_name(original_name)
    suffix = Path(name).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise UploadRejected(f"{original_name}: type {suffix or '(none)'} not accepted; "
                             f"upload one of {', '.join(ALLOWED_SUFFIXES)}")
    if size > max_mb * 1024 * 1024:
        raise UploadRejected(f"{original_name}: {size / 1048576:.1f} MB exceeds the {max_mb} MB limit "
                             "(ASSISTANT_UPLOAD_MAX_MB)")
    if size == 0:
        raise UploadRejected(f"{original_name}: the file is empty")
    return name


def arrived_upload(given: str | Path, upload_dir: Path) -> Path:
    """The file a request names, if it is one that arrived through the upload route: a regular file (not a
    link) inside upload_dir. A request naming any other server path (the README, /etc/…) is refused."""
    path = Path(given)
    try:
        inside = path.resolve(strict=True).is_relative_to(Path(upload_dir).resolve())
    except (OSError, RuntimeError):
        inside = False
    if not inside or path.is_symlink() or not path.is_file():
        raise UploadRejected(f"{path.name}: not a file uploaded in this session; upload it again")
    return path


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def store_upload(temp_path: Path, original_name: str, upload_dir: Path, max_mb: int) -> AcceptedUpload:
    """Copy an uploaded temp file into upload_dir under a safe name (a different file never overwrites)."""
    temp_path = Path(temp_path)
    name = check_upload(original_name, temp_path.stat().st_size, max_mb)
    upload_dir.mkdir(parents=True, exist_ok=True)
    target = upload_dir / name
    if target.exists() and _sha256(target) != _sha256(temp_path):
        # Same name, other bytes: keep both (the library treats them as two documents).
        target = upload_dir / f"{target.stem}-{_sha256(temp_path)[:8]}{target.suffix}"
    if target.resolve().parent != upload_dir.resolve():  # belt and braces: never write outside the folder
        raise UploadRejected(f"{original_name}: unsafe file name")
    shutil.copyfile(temp_path, target)
    return AcceptedUpload(original_name, target)
