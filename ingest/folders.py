"""Which files an ingest run reads: regular files inside the given folders; everything else skipped with a reason."""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ingest.loaders import SUPPORTED_SUFFIXES


@dataclass(frozen=True)
class FileSelection:
    files: tuple[Path, ...]  # to ingest
    skipped: tuple[tuple[str, str], ...]  # (path as text, why it was left out)


def path_text(path: Path | str) -> str:
    """A path as text that can be stored, printed and sent anywhere.

    Linux file names are bytes; Python keeps bytes that are not UTF-8 as lone surrogates, which SQLite,
    Chroma and a UTF-8 stdout refuse. They become visible escapes (a_\\xff.txt) instead.
    """
    text = os.fspath(path)
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # surrogates that were not produced by decoding a file name
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def _link_problem(link: Path, root: Path) -> str:
    """Why a symlink inside root is not followed ('' when it points at a regular file inside root)."""
    try:
        target = link.resolve(strict=True)
    except RuntimeError:
        return "symbolic link loop, not followed"
    except OSError:
        return "broken symbolic link, not followed"
    if not target.is_relative_to(root):
        return "symbolic link to outside the ingested folder, not followed"
    if target.is_dir():
        return "symbolic link to a folder, not followed (its files are read where they are)"
    return ""


def _walk(root: Path, files: list[Path], skipped: list[tuple[str, str]]) -> None:
    """Depth-first, sorted, never following links to folders (os.walk default) so loops cannot recur."""
    real_root = root.resolve()
    for folder, dirs, names in os.walk(root, onerror=lambda e: skipped.append((path_text(e.filename), str(e)))):
        base = Path(folder)
        for d in sorted(dirs):
            if d.startswith("."):
                skipped.append((path_text(base / d), "hidden folder, not read"))
            elif (base / d).is_symlink():
                skipped.append((path_text(base / d), _link_problem(base / d, real_root) or
                                "symbolic link to a folder, not followed (its files are read where they are)"))
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not (base / d).is_symlink())
        for name in sorted(names):
            _select(base / name, real_root, files, skipped)


def _select(f: Path, real_root: Path, files: list[Path], skipped: list[tuple[str, str]]) -> None:
    why = ""
    if f.name.startswith("."):
        why = "hidden file"
    elif f.is_symlink():
        why = _link_problem(f, real_root)
    if not why:
        try:
            mode = f.stat().st_mode
        except OSError as exc:
            why = f"cannot be read ({exc.strerror})"
        else:
            if not stat.S_ISREG(mode):
                why = _kind(mode)
            elif f.suffix.lower() not in SUPPORTED_SUFFIXES:
                why = f"unsupported type {f.suffix or '(none)'}"
    if why:
        skipped.append((path_text(f), why))
    else:
        files.append(f)


def select_files(paths: Sequence[Path]) -> FileSelection:
    """Files named explicitly are always tried (the loader says what is wrong with them); folders are walked."""
    files: list[Path] = []
    skipped: list[tuple[str, str]] = []
    for p in paths:
        if p.is_dir():
            _walk(p, files, skipped)
        else:
            files.append(p)
    return FileSelection(tuple(dict.fromkeys(files)), tuple(skipped))
