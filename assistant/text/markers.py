"""Citation markers in answer text: [1], [1,2], [1-3], and the full-width forms Chinese models write."""

from __future__ import annotations

import re

# [1] [1,2] [1-3] 【1】 ［1］ — full-width brackets appear in Chinese model output.
MARKER = re.compile(r"[\[【［]\s*(\d+(?:\s*[,，、\-–]\s*\d+)*)\s*[\]】］]")
# Plain [n] as our own answers write them (rendering, renumbering).
PLAIN_MARKER = re.compile(r"\[(\d{1,3})\]")


def parse_markers(text: str) -> tuple[int, ...]:
    """Marker numbers in order of appearance, without repeats; [1-3] means 1, 2, 3."""
    numbers: dict[int, None] = {}
    for m in MARKER.finditer(text):
        for part in re.split(r"\s*[,，、]\s*", m.group(1)):
            bounds = [int(x) for x in re.split(r"\s*[\-–]\s*", part)]
            lo, hi = bounds[0], bounds[-1]
            numbers.update(dict.fromkeys(range(lo, hi + 1) if 0 <= hi - lo <= 20 else (lo, hi)))
    return tuple(numbers)


def strip_markers(text: str) -> str:
    return MARKER.sub("", text)
