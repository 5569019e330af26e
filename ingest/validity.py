"""Read what a policy says about its own validity: 自…起施行, 有效期至…/有效期X年, 本办法已废止."""

from __future__ import annotations

import datetime as dt
import re

from assistant.types import Validity
from ingest.dates import cn_number, parse_date

_DOC_WORDS = (
    "实施细则|若干措施|若干意见|若干规定|管理办法|暂行办法|办法|政策|措施|意见|规定|通知|细则|条例|方案|决定|规则"
    "|文件|计划|公告|指引|指南|法"
)
_SELF = re.compile(rf"本(?:{_DOC_WORDS})")
_SENTENCE = re.compile(r"[^。；;\n]+")
_EFFECTIVE = re.compile(
    r"(?:自|于|从)\s*(?P<when>[^，,。；]{2,30}?)\s*起?(?:正式)?(?:施行|实施|执行|生效|试行)"
    r"|(?:施行|生效|实施)日期[:：]\s*(?P<labelled>[^，,。；\n]{6,20})"
)
_ON_ISSUE = re.compile(r"(?:印发|发布|公布|颁布|下发|发文)之日")
_EXPIRES_ON = re.compile(r"有效期(?:限)?(?:为|是)?\s*(?:至|到|截至|截止到?)\s*(?P<when>[^，,。；]{6,20})")
_VALID_YEARS = re.compile(r"有效期(?:限)?(?:为|是)?\s*(?P<n>[\d一二两三四五六七八九十]{1,3})\s*年")
_SELF_REPEALED = re.compile(
    rf"本(?:{_DOC_WORDS})(?:已经?|已被|现已|于(?P<on>[^，,。；]{{6,20}}?)|自(?P<from>[^，,。；]{{6,20}}?)起)(?:废止|失效|停止执行)"
)
# Status stamps that databases and portals put on a repealed document (title mark or a status line).
_STATUS_MARK = re.compile(
    r"[（(【\[]\s*(?:已废止|已失效|失效|废止)\s*[)）】\]]|^\s*(?:时效性|效力状态|状态|效力)\s*[:：]\s*(?:已)?(?:废止|失效)\s*$",
    re.M,
)


def find_validity(text: str, published: dt.date | None = None) -> Validity:
    """The document's own effective/expiry/repeal dates; '…同时废止' about OTHER documents is ignored."""
    effective = expires = repealed = None
    years = 0
    for m in _SENTENCE.finditer(text):
        sentence = m[0]
        if not _SELF.search(sentence):
            continue  # another document's dates (原办法自…起施行, 创业券有效期2年) are not ours
        effective = _effective_in(sentence, published) or effective
        expires = _expiry_in(sentence) or expires
        if y := _VALID_YEARS.search(sentence):
            years = _years(y["n"]) or years
        if r := _SELF_REPEALED.search(sentence):
            repealed = parse_date(r["on"] or r["from"] or "") or repealed or dt.date.min
    if not expires and years and (effective or published):
        start = effective or published
        expires = _add_years(start, years) - dt.timedelta(days=1)  # 3 years from 2024-01-01 ends 2026-12-31
    flag = repealed == dt.date.min or bool(_STATUS_MARK.search(text[:600]))
    return Validity(
        effective=effective,
        expires=expires,
        repealed=None if repealed == dt.date.min else repealed,
        repealed_flag=flag,
    )


def _effective_in(sentence: str, published: dt.date | None) -> dt.date | None:
    for m in _EFFECTIVE.finditer(sentence):
        when = m["when"] or m["labelled"] or ""
        if _ON_ISSUE.search(when):
            return published
        if d := parse_date(when):
            return d
    return None


def _expiry_in(sentence: str) -> dt.date | None:
    m = _EXPIRES_ON.search(sentence)
    return parse_date(m["when"]) if m else None


def _years(token: str) -> int:
    n = int(token) if token.isdigit() else cn_number(token.replace("两", "二"))
    return n if n and 0 < n <= 20 else 0


def _add_years(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)

