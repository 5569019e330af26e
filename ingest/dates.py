"""Find calendar dates in Chinese text (2024年3月1日, 二〇二四年三月一日, 2024-03-01, 2024.3.1) and pick a publication date."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_CN_DIGIT = {"〇": 0, "○": 0, "零": 0, "Ｏ": 0, "O": 0, "０": 0, "一": 1, "二": 2, "三": 3, "四": 4,
             "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN = "〇○零Ｏ０一二三四五六七八九十"
_SP = r"[ \t\u3000]*"  # PDF extraction often puts spaces around 年/月/日

_ARABIC_CN = re.compile(rf"(?<!\d)(\d{{4}}){_SP}年{_SP}(\d{{1,2}}){_SP}月{_SP}(\d{{1,2}}){_SP}[日号]")
_CHINESE_CN = re.compile(rf"([{_CN}]{{4}}){_SP}年{_SP}([{_CN}]{{1,3}}){_SP}月{_SP}([{_CN}]{{1,3}}){_SP}[日号]")
# 2024-03-01 / 2024/3/1 / 2024.3.1 / 2024_03_01 — the same separator twice, and no digit glued on either side
_NUMERIC = re.compile(r"(?<![\d.])(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?!\d|\.\d)")

_LABELLED = re.compile(r"(发布|印发|成文|公布|发文|更新|发表)(日期|时间)?[:：]?\s*$")
_TIMESTAMP = re.compile(r"^\s*\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\s+\d{1,2}:\d{2}")


@dataclass(frozen=True)
class DateMention:
    """A date found in text, with where it was (offsets into the text searched)."""

    date: dt.date
    start: int
    end: int
    text: str


def cn_number(s: str) -> int | None:
    """二〇二四 → 2024 (digit by digit); 十二 → 12, 二十一 → 21, 三十 → 30 (small numbers)."""
    if "十" not in s:
        digits = [_CN_DIGIT.get(c) for c in s]
        return None if None in digits else int("".join(str(d) for d in digits))
    tens, _, ones = s.partition("十")
    t = _CN_DIGIT.get(tens, -1) if tens else 1
    o = _CN_DIGIT.get(ones, -1) if ones else 0
    return None if t < 0 or o < 0 else t * 10 + o


def _make(y: int | None, m: int | None, d: int | None) -> dt.date | None:
    if y is None or m is None or d is None or not 1949 <= y <= 2100:
        return None  # years outside this window are article numbers, amounts or ids, not dates
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def find_dates(text: str) -> list[DateMention]:
    """Every full (year, month, day) date in text, in order of appearance."""
    found: list[DateMention] = []
    for m in _ARABIC_CN.finditer(text):
        found.append((_make(int(m[1]), int(m[2]), int(m[3])), m))
    for m in _CHINESE_CN.finditer(text):
        found.append((_make(cn_number(m[1]), cn_number(m[2]), cn_number(m[3])), m))
    for m in _NUMERIC.finditer(text):
        found.append((_make(int(m[1]), int(m[3]), int(m[4])), m))
    out = [DateMention(d, m.start(), m.end(), m[0]) for d, m in found if d]
    return sorted(out, key=lambda x: x.start)


def parse_date(text: str) -> dt.date | None:
    """The first date in text (any supported format), or None."""
    found = find_dates(text or "")
    return found[0].date if found else None


def publication_date(text: str, date_hint: str = "", head_chars: int = 400, tail_chars: int = 300) -> str:
    """ISO publication date: the loader's hint, else a labelled/timestamp date, the header, the 落款; '' if none."""
    hinted = parse_date(date_hint)
    if hinted:
        return hinted.isoformat()
    mentions = find_dates(text)
    for m in mentions:
        line_start = text.rfind("\n", 0, m.start) + 1
        before = text[max(line_start, m.start - 12) : m.start]
        if _LABELLED.search(before) or (m.start < 2000 and _TIMESTAMP.match(text, line_start)):
            return m.date.isoformat()
    head = [m for m in mentions if m.start < head_chars]
    if head:
        # A law's header lists 通过 then each 修正 date: the latest is the version we hold.
        return max(m.date for m in head).isoformat()
    tail_from = len(text.rstrip()) - tail_chars
    tail = [m for m in mentions if m.start >= tail_from and _alone_on_line(text, m)]
    return tail[-1].date.isoformat() if tail else ""


def _alone_on_line(text: str, m: DateMention) -> bool:
    """A 落款 date stands on its own line (maybe after the issuer's name)."""
    line_start = text.rfind("\n", 0, m.start) + 1
    line_end = text.find("\n", m.end)
    after = text[m.end : len(text) if line_end < 0 else line_end].strip()
    before = text[line_start : m.start].strip()
    return not after and len(before) <= 30 and not re.search(r"[。；，]", before)
