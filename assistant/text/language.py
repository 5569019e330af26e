"""Which language a question is in, so answers and refusals match it."""

from __future__ import annotations

import re

CJK = re.compile(r"[\u3400-\u9fff]")  # CJK Unified Ideographs (+ Ext. A)
_LATIN = re.compile(r"[A-Za-z]")


def detect_language(text: str) -> str:
    """'zh' when the text has Chinese characters carrying it, 'en' when Latin letters dominate."""
    cjk = len(CJK.findall(text))
    latin = len(_LATIN.findall(text))
    # One Chinese place name inside an English sentence stays English: weigh letters ~ words.
    return "en" if latin > 3 * cjk and latin >= 3 else "zh"
