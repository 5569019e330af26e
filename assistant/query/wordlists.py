"""Word lists as data: assistant/query/data/*.txt, each opening with '#' lines that say what it is and where it
came from. One reader for all of them."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


@lru_cache(maxsize=32)
def lines(name: str) -> tuple[str, ...]:
    """The non-comment, non-blank lines of data/<name>.txt."""
    text = (DATA / f"{name}.txt").read_text(encoding="utf-8")
    return tuple(ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#"))


def words(name: str) -> frozenset[str]:
    """Every whitespace-separated word of the list."""
    return frozenset(w for ln in lines(name) for w in ln.split())


def pairs(name: str) -> dict[str, str]:
    """key=value lines (the last one wins for a repeated key)."""
    return dict(ln.split("=", 1) for ln in lines(name) if "=" in ln)
