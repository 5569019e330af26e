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
_SPAN_BEFORE = re.compile(r"(?:自|至|到|于|截至|截止|从)\s*$")
_SPAN_AFTER = re.compile(r"\s*(?:起|至|前|后|止|到|—|-|～|~|施行|实施|生效)")
_TIMESTAMP = re.compile(r"^\s*\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\s+\d{1,2}:\d{2}")
# A law's header records its history: "2020年7月5日 国务院令第728号公布 / 2025年3月17日 …修订".
_BODY_START = re.compile(r"第[一1]\s*[章条节]|目\s*录")
_HISTORY_EVENT = re.compile(r"通过|公布|发布|批准|修订|修正|修改")
_HISTORY_LEAD = re.compile(r"(?:^|\n)[\s（(]*$|根据\s*$")
_TAKES_EFFECT = re.compile(r"^\s*起?施行")


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
    if revised := history_date(text):
        return revised.isoformat()  # the loader's hint is the header's first date: the original, not this version
    hinted = parse_date(date_hint)
    if hinted:
        return hinted.isoformat()
    mentions = find_dates(text)
    for m in mentions:
        line_start = text.rfind("\n", 0, m.start) + 1
        before = text[max(line_start, m.start - 12) : m.start]
        if _LABELLED.search(before) or (m.start < 2000 and _TIMESTAMP.match(text, line_start)):
            return m.date.isoformat()
    tail_from = len(text.rstrip()) - tail_chars
    signed = [m for m in mentions if m.start >= tail_from and _alone_on_line(text, m)]
    if signed:
        return signed[-1].date.isoformat()  # the 落款 date under the issuer's name
    head = [m for m in mentions if m.start < head_chars and not _is_deadline(text, m)]
    # A law's header lists 通过 then each 修正 date: the latest is the version we hold.
    return max(m.date for m in head).isoformat() if head else ""


def history_date(text: str, head_chars: int = 1500) -> dt.date | None:
    """Latest 通过/公布/批准/修订/修正 date of a header that records two or more such events, else None."""
    body = _BODY_START.search(text, 0, head_chars)
    head = text[: body.start() if body else min(len(text), head_chars)]
    mentions = [m for m in find_dates(head) if _HISTORY_LEAD.search(head[max(0, m.start - 4) : m.start])]
    events = []
    for i, m in enumerate(mentions):
        upto = mentions[i + 1].start if i + 1 < len(mentions) else len(head)
        said = head[m.end : min(upto, m.end + 160)]
        if not _TAKES_EFFECT.match(said) and _HISTORY_EVENT.search(said):
            events.append(m.date)
    return max(events) if len(events) >= 2 else None


def _is_deadline(text: str, m: DateMention) -> bool:
    """自2024年1月1日起 / 至2026年底 / 3月1日前: a date the text talks about, not when it was written."""
    return bool(_SPAN_BEFORE.search(text[max(0, m.start - 3) : m.start]) or _SPAN_AFTER.match(text, m.end))


def _alone_on_line(text: str, m: DateMention) -> bool:
    """A 落款 date stands on its own line (maybe after the issuer's name)."""
    line_start = text.rfind("\n", 0, m.start) + 1
    line_end = text.find("\n", m.end)
    after = text[m.end : len(text) if line_end < 0 else line_end].strip()
    before = text[line_start : m.start].strip()
    return not after and len(before) <= 30 and not re.search(r"[。；，]", before)
