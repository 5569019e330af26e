"""Find amounts, percentages, dates, phone numbers and other numbers in Chinese/English text, canonically."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from assistant.text.markers import MARKER
from assistant.text.numerals import (
    CN_BIG,
    CN_CHARS,
    CN_DIGIT,
    CN_UNIT,
    canonical,
    normalise_digits,
    parse_chinese,
)


@dataclass(frozen=True)
class Quantity:
    kind: str  # "amount" | "percent" | "date" | "phone" | "number"
    value: str  # canonical: "5000000000", "15%", "2024-03-01" / "2024-03" / "2024" / "--03-01", phone digits
    text: str  # as written
    start: int
    end: int
    unit: str = ""  # amounts: currency code (CNY, USD…); numbers: canonical unit word (年, 人…) or ""


# --- patterns (run on normalise_digits(text); each pass masks what it claimed) ---------------------
_ORDINAL = re.compile(rf"第\s*(?:\d+|[{CN_CHARS}]+)|(?:Article|Art\.|Clause|Chapter|Section|No\.|page|p\.)\s*\d+", re.I)
_ENUMERATOR = re.compile(r"(?m)^[ \t>*-]*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*[.、．)）](?!\d)|[（(]\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*[)）]")
_SEP = r"\s*[-－—–]\s*"
_PHONE = re.compile(
    rf"(?<!\d)(?:\+?86[\s-]?)?(?:[（(]\s*0\d{{2,3}}\s*[)）]\s*|0\d{{2,3}}{_SEP})\d{{3,4}}[\s-]?\d{{4}}(?!\d)"
    rf"|(?<!\d)1[3-9]\d[\s-]?\d{{4}}[\s-]?\d{{4}}(?![\d.万亿元%])|(?<!\d)[48]00{_SEP}?\d{{3}}{_SEP}?\d{{4}}(?!\d)"
    r"|(?:(?<=电话)|(?<=热线)|(?<=传真)|(?<=Tel)|(?<=TEL)|(?<=tel)|(?<=Phone)|(?<=phone))[:：\s]*\d{7,8}(?!\d)"
)
_MONTHS = {m[:3].lower(): i for i, m in enumerate(
    "January February March April May June July August September October November December".split(), 1)}
_MON = (r"(?P<mon>January|February|March|April|May|June|July|August|September|October|November|December"
        r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?(?![A-Za-z])")
_CN_Y, _CN_MD = "[〇○零一二三四五六七八九]{4}", "[一二三四五六七八九十]{1,3}"
_DATES = [
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月(?:\s*(?P<d>\d{1,2})\s*[日号])?"),
    re.compile(rf"(?P<y>{_CN_Y})\s*年\s*(?:(?P<m>{_CN_MD})\s*月(?:\s*(?P<d>{_CN_MD})\s*[日号])?)?"),
    re.compile(r"(?<![\d.])(?P<y>(?:19|20)\d{2})(?P<s>[-/.])(?P<m>\d{1,2})(?P=s)(?P<d>\d{1,2})(?![\d.])"),
    re.compile(rf"{_MON}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d{{2}})\b", re.I),
    re.compile(rf"(?<!\d)(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MON},?\s+(?P<y>(?:19|20)\d{{2}})\b", re.I),
    re.compile(rf"\b{_MON}\s+(?P<y>(?:19|20)\d{{2}})\b", re.I),
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})(?=\s*[-－—–~～至到]\s*(?:19|20)\d{2}\s*年)"),  # 2024-2026年
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*年"),
    re.compile(rf"(?<!\d)(?P<m>\d{{1,2}}|{_CN_MD})\s*月\s*(?P<d>\d{{1,2}}|{_CN_MD})\s*[日号]"),
]
_TIME = re.compile(r"(?<![\d:])(?P<h>[01]?\d|2[0-3])[:：](?P<mi>[0-5]\d)(?![\d:])")
_PERCENT_CN = re.compile(rf"(?P<base>[百千])分之(?P<n>\d+(?:\.\d+)?|[{CN_CHARS}]+(?:点[{''.join(CN_DIGIT)}]+)?)")

_CURRENCY = {"人民币": "CNY", "rmb": "CNY", "cny": "CNY", "元": "CNY", "块": "CNY", "yuan": "CNY", "¥": "CNY",
             "￥": "CNY", "美元": "USD", "usd": "USD", "$": "USD", "us$": "USD", "dollar": "USD", "港元": "HKD",
             "港币": "HKD", "hkd": "HKD", "hk$": "HKD", "欧元": "EUR", "eur": "EUR", "€": "EUR", "euro": "EUR",
             "日元": "JPY", "英镑": "GBP"}
_PRE = r"(?P<pre>人民币|RMB|CNY|USD|US\$|HK\$|HKD|EUR|\$|¥|￥|€)\s?"
_SUF_ZH = r"元人民币|人民币元|美元|港元|港币|欧元|日元|英镑|元|块钱|块"
_SUF_EN = r"\s?(?:yuan|RMB|CNY|USD|HKD|EUR|US\s?dollars?|dollars?|euros?)(?![A-Za-z])"
_PCT = r"%|‰|\s?per\s?cent(?![A-Za-z])|\s?per\s?mille(?![A-Za-z])|个百分点|\s?percentage\s+points?"
_NUM = rf"\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?|[{CN_CHARS}]+(?:点[{''.join(CN_DIGIT)}]+)?"
_MAG_EN = {"hundred": 100, "thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
_TOKEN = re.compile(
    rf"(?:{_PRE})?(?P<num>{_NUM})"
    rf"(?P<mag>(?<=\d)[十百千万亿]+|(?:\s?(?:hundred|thousand|million|billion|trillion)(?![A-Za-z]))+)?"
    rf"(?:\s?[（(]\s*不?含\s*[)）])?"
    rf"(?:(?P<cur>{_SUF_ZH}|{_SUF_EN})|(?P<pct>{_PCT}))?",
    re.I,
)
_RANGE_GAP = re.compile(r"\s*(?:[（(]\s*不?含\s*[)）])?\s*(?:[-－—–~～]|至|到|to)\s*", re.I)
_UNITS = {"年": "年", "个月": "月", "月": "月份", "周": "周", "天": "天", "日": "天", "个工作日": "工作日",
          "工作日": "工作日", "小时": "小时", "人": "人", "名": "人", "家": "家", "户": "家", "亩": "亩",
          "平方米": "平方米", "平米": "平方米", "平方公里": "平方公里", "公顷": "公顷", "倍": "倍", "层": "层",
          "栋": "栋", "座": "座", "所": "所", "项": "项", "次": "次", "届": "届", "岁": "岁", "公里": "公里",
          "吨": "吨", "台": "台", "套": "套", "个": "", "years": "年", "year": "年", "months": "月", "month": "月",
          "working days": "工作日", "days": "天", "day": "天", "hours": "小时", "people": "人", "persons": "人",
          "employees": "人", "mu": "亩", "square meters": "平方米", "sqm": "平方米", "times": "倍",
          "companies": "家", "enterprises": "家"}
_UNIT_AFTER = re.compile(
    r"\s?(" + "|".join(sorted((re.escape(u) for u in _UNITS), key=len, reverse=True)) + r")(?![A-Za-z])", re.I)


@dataclass
class _Raw:
    """A number token before range inheritance and classification."""

    start: int
    end: int
    num: Decimal
    mult: int = 1
    currency: str = ""
    percent: bool = False
    unit: str = ""
    counted: bool = False  # a measure word follows (3年, 三家, 5 years)
    chinese: bool = False


def _mask(work: str, start: int, end: int) -> str:
    return work[:start] + "\x00" * (end - start) + work[end:]


def _date_value(m: re.Match) -> str | None:
    g = m.groupdict()
    def num(s: str | None) -> int | None:
        if not s:
            return None
        return int(s) if s.isdigit() else int(parse_chinese(s) or 0)
    year = num(g.get("y"))
    month = _MONTHS.get(g["mon"][:3].lower()) if g.get("mon") else num(g.get("m"))
    day = num(g.get("d"))
    if (month is not None and not 1 <= month <= 12) or (day is not None and not 1 <= day <= 31):
        return None
    parts = [f"{year:04d}" if year else "-"] + [f"{x:02d}" for x in (month, day) if x is not None]
    return "-".join(parts)


def _claim_patterns(text: str, work: str) -> tuple[list[Quantity], str]:
    """Phones, dates and times first: their digits must not be read as plain numbers later."""
    found: list[Quantity] = []
    for m in MARKER.finditer(work):
        work = _mask(work, m.start(), m.end())
    for m in _PHONE.finditer(work):
        span = m.group().strip(" :：")
        start = m.start() + m.group().index(span)
        found.append(Quantity("phone", re.sub(r"\D", "", span), text[start:start + len(span)], start,
                              start + len(span)))
        work = _mask(work, start, start + len(span))
    for pattern in _DATES:
        for m in pattern.finditer(work):
            value = _date_value(m)
            if value:
                found.append(Quantity("date", value, text[m.start():m.end()], m.start(), m.end()))
                work = _mask(work, m.start(), m.end())
    for m in _TIME.finditer(work):
        found.append(Quantity("number", f"{int(m['h']):02d}:{m['mi']}", m.group(), m.start(), m.end()))
        work = _mask(work, m.start(), m.end())
    for pattern in (_ORDINAL, _ENUMERATOR):  # references and list numbers are not claims
        for m in pattern.finditer(work):
            work = _mask(work, m.start(), m.end())
    return found, work


def _currency_code(word: str) -> str:
    word = word.strip().lower()
    if not word:
        return ""
    if word in _CURRENCY:
        return _CURRENCY[word]
    return "USD" if "dollar" in word else "EUR" if "euro" in word else "CNY"  # 元人民币, 块钱


def _raw_tokens(work: str) -> list[_Raw]:
    tokens: list[_Raw] = []
    for m in _TOKEN.finditer(work):
        text = m["num"]
        chinese = not text[0].isdigit()
        # 千万不要 / 每万元 / 十分: a Chinese numeral needs a digit (or a leading 十) to be a number at all.
        if chinese and not (any(c in CN_DIGIT for c in text) or text[0] in "十拾"):
            continue
        num = parse_chinese(text) if chinese else _decimal(text.replace(",", ""))
        if num is None:
            continue
        mult = 1
        for part in re.findall(r"[十百千万亿]|[a-z]+", (m["mag"] or "").lower()):
            mult *= CN_UNIT.get(part) or CN_BIG.get(part) or _MAG_EN[part]
        if m["pct"] and ("‰" in m["pct"] or "mille" in m["pct"].lower()):
            num /= 10  # 8‰ is 0.8%: one canonical value whichever way a rate is written
        token = _Raw(m.start(), m.end(), num, mult, _currency_code(m["pre"] or m["cur"] or ""), bool(m["pct"]))
        token.chinese = chinese
        unit_m = _UNIT_AFTER.match(work, m.end())
        if unit_m and not (token.currency or token.percent):
            token.unit, token.counted = _UNITS[unit_m.group(1).lower()], True
            token.end = unit_m.end()  # "3年" reads better than "3" in a warning
        tokens.append(token)
    return tokens


def _decimal(s: str) -> Decimal | None:
    try:
        return Decimal(s)
    except InvalidOperation:
        return None


def _inherit_ranges(tokens: list[_Raw], work: str) -> None:
    """200万-500万（不含）美元, 200-500万元, 3-5%: the left end takes the right end's unit words."""
    for left, right in zip(tokens, tokens[1:], strict=False):
        if not _RANGE_GAP.fullmatch(work[left.end:right.start]):
            continue
        if left.mult == 1 and right.mult > 1 and not left.chinese:
            left.mult = right.mult
        if not (left.currency or left.percent):
            left.currency, left.percent = right.currency, right.percent
        if not left.counted:
            left.unit, left.counted = right.unit, right.counted


def _classify(tokens: list[_Raw], text: str, lenient: bool) -> list[Quantity]:
    out = []
    for t in tokens:
        # Chinese numerals are everywhere in ordinary words (一律, 十分, 千万): only count them with units,
        # and not 一 (一家企业, 一次性) unless we are reading a passage for evidence (一年内 backs "1年内").
        if t.chinese and not (t.currency or t.percent or (t.counted and (lenient or t.num * t.mult != 1))):
            continue
        value = t.num * t.mult
        if t.percent:
            out.append(Quantity("percent", canonical(value) + "%", text[t.start:t.end], t.start, t.end))
        elif t.currency:
            out.append(Quantity("amount", canonical(value), text[t.start:t.end], t.start, t.end, t.currency))
        else:
            out.append(Quantity("number", canonical(value), text[t.start:t.end], t.start, t.end, t.unit))
    return out


def extract_quantities(text: str) -> list[Quantity]:
    """Every number-like claim in text, ordered by position; citation markers and 第N条 are skipped."""
    return list(_extract_cached(text, False))


@lru_cache(maxsize=1024)
def _extract_cached(text: str, lenient: bool) -> tuple[Quantity, ...]:
    work = normalise_digits(text)
    found, work = _claim_patterns(text, work)
    for m in _PERCENT_CN.finditer(work):
        n = m["n"]
        num = _decimal(n) if n[0].isdigit() else parse_chinese(n)
        if num is not None:
            num = num / 10 if m["base"] == "千" else num
            found.append(Quantity("percent", canonical(num) + "%", m.group(), m.start(), m.end()))
            work = _mask(work, m.start(), m.end())
    tokens = _raw_tokens(work)
    _inherit_ranges(tokens, work)
    found.extend(_classify(tokens, text, lenient))
    return tuple(sorted(found, key=lambda q: q.start))


def _phone_match(a: str, b: str) -> bool:
    def core(d: str) -> str:
        return d[2:] if d.startswith("86") and len(d) > 11 else d.lstrip("0")
    short, long = sorted((core(a), core(b)), key=len)
    return len(short) >= 7 and long.endswith(short)


def _same(q: Quantity, p: Quantity) -> bool:
    if q.kind == "phone":
        return p.kind in ("phone", "number") and _phone_match(q.value, p.value)
    if q.kind == "date":
        if p.kind == "date":
            return p.value == q.value or p.value.startswith(q.value + "-") or (
                q.value.startswith("--") and p.value.endswith(q.value[1:]))
        return p.kind == "number" and len(q.value) == 4 and p.value == q.value  # 2024年 vs 〔2024〕
    if q.kind == "percent":
        return p.kind == "percent" and p.value == q.value
    if p.kind == "date":  # "3月" / "in 2024" as plain numbers inside a stated date
        return q.unit in ("", "月份") and q.value.isdigit() and int(q.value) in _date_parts(p.value)
    if p.kind == "phone":  # "88030503" written without its area code
        return q.kind == "number" and _phone_match(q.value, p.value)
    if p.kind not in ("amount", "number") or p.value != q.value:
        return False
    if q.unit and p.unit and q.unit != p.unit:
        return False  # 200万美元 is not 200万元; 3年 is not 3个月
    return True


def _date_parts(value: str) -> set[int]:
    return {int(x) for x in value.split("-") if x}


def quantity_supported(q: Quantity, passage: str) -> bool:
    """The passage states the same quantity after normalisation (units, 万/亿, digits, numerals)."""
    if any(_same(q, p) for p in _extract_cached(passage, True)):
        return True
    if q.kind == "phone":  # a phone the passage writes in an unusual layout: match digit by digit
        pattern = r"[\s\-—–－()（）]*".join(q.value[-8:])
        return re.search(rf"(?<!\d){pattern}(?!\d)", normalise_digits(passage)) is not None
    return False


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    return "".join(c for c in text if unicodedata.category(c)[0] not in "PZ" and not c.isspace())


def contains_fact(answer: str, fact: str) -> bool:
    """Evaluation: the answer states the fact; quantities compared canonically, the rest as plain text. Citation
    markers are not text: a fact spanning two cited sentences ("严格保密。[1]泄漏…") is still stated."""
    answer = MARKER.sub("", answer)
    if _plain(fact) and _plain(fact) in _plain(answer):
        return True
    quantities = extract_quantities(fact)
    if not quantities or not all(quantity_supported(q, answer) for q in quantities):
        return False
    # Words around the numbers ("最高奖励") must still be there, each piece as plain text.
    pieces, last = [], 0
    for q in quantities:
        pieces.append(fact[last:q.start])
        last = q.end
    pieces.append(fact[last:])
    plain_answer = _plain(answer)
    return all(_plain(p) in plain_answer for p in pieces if len(_plain(p)) >= 2)
