"""The question's scope: the places, bodies (organisations, parks, companies, events), laws and years it names.

An answer about another place, body, law or year is a wrong answer, however on topic (温江区的母基金 answered
with 金牛区's fund). The answer gate checks every sentence offered against this scope."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from assistant.query.english_places import english_places
from assistant.query.entities import entity_names, law_titles, office_names
from assistant.types import Region


@dataclass(frozen=True)
class ScopeItem:
    """One thing the question restricts its answer to."""

    kind: str  # "place" | "body" | "office" | "law" | "year"
    text: str  # as the question writes it: 温江区, Wenjiang, 工信部, 《外商投资法》, 2024年
    forms: tuple[str, ...] = ()  # strings that name it in a passage (全称, 简称, short forms)
    region: Region | None = None  # places: the division, as far as the question resolves it
    years: tuple[int, int] = (0, 0)  # years: first and last year of the period asked about

    @property
    def label(self) -> str:
        """How a refusal names it: the full Chinese name where known (Wenjiang → 温江区)."""
        if self.region is not None and self.region.names():
            return self.region.names()[-1]
        return self.text.strip("《》")


@dataclass(frozen=True)
class QuestionScope:
    places: tuple[ScopeItem, ...] = ()
    bodies: tuple[ScopeItem, ...] = ()
    laws: tuple[ScopeItem, ...] = ()
    years: tuple[ScopeItem, ...] = ()
    offices: tuple[ScopeItem, ...] = ()  # generic offices (财政局): another office's documents are out of scope

    @property
    def empty(self) -> bool:
        return not (self.places or self.bodies or self.laws or self.years or self.offices)

    @property
    def items(self) -> tuple[ScopeItem, ...]:
        return self.places + self.bodies + self.offices + self.laws + self.years

    def label(self, language: str = "zh") -> str:
        """温江区 / 2026年 / 《X条例》: what the refusal says the library lacks ("Wenjiang District (温江区)"). A name
        that a longer one holds is said once, by the longer one (国家文物局滨海新区中心支局, not also 国家文物局 and
        滨海新区; a year inside the asked notice's title)."""
        from assistant.query.english_places import english_name

        named = [(p.label, english_name(p.label)) for p in self.places]
        named += [(b.label, b.label) for b in self.bodies + self.offices]
        named += [(f"《{law.label}》", f"《{law.label}》") for law in self.laws] + [(y.text, y.text) for y in self.years]
        kept = [(zh, en) for zh, en in named if not any(zh != other and zh.strip("《》") in other for other, _ in named)]
        return ("、" if language != "en" else ", ").join(dict.fromkeys(en if language == "en" else zh for zh, en in kept))

    def as_dict(self) -> dict:
        return {kind: [i.label for i in getattr(self, kind)] for kind in ("places", "bodies", "offices", "laws", "years")
                if getattr(self, kind)}


# Years: 2024年, 2023年度, 2021-2025年, 2021年至2025年, 25年 (a title's short year); five-year plans by name.
_YEAR_RANGE = re.compile(r"(?<!\d)((?:19|20)\d\d)\s*(?:年)?\s*(?:[-－—–~～至到]\s*)((?:19|20)\d\d)\s*年")
_YEAR = re.compile(r"(?<![\d.])((?:19|20)\d\d|\d\d)\s*年(?!代|龄|级|轻|均|限|内|以来)"
                   r"|[〔［\[（(]((?:19|20)\d\d)[〕］\]）)]\s*\d{1,4}\s*号"  # document numbers: 苏政传发〔2020〕20号
                   r"|(?<![\d.\-/])((?:19|20)\d\d)(?=[\u4e00-\u9fff])(?![年月日号个万亿元人家项次条米吨户名件台辆座所位天期届度])")
_PLAN = re.compile(r"“?(十[一二三四五]五)”?(?:规划|时期|期间|期末|末)")
_PLAN_YEARS = {"十一五": (2006, 2010), "十二五": (2011, 2015), "十三五": (2016, 2020), "十四五": (2021, 2025),
               "十五五": (2026, 2030)}


# "184.65万元，比2023年度增加2.55万元": the year a figure is compared with is not the year it is about.
_COMPARED = re.compile(r"(?:比|较|与|同)\s*(?:19|20)?\d{2}\s*年度?(?:预算|决算|执行数|同期)*")


def without_comparisons(text: str) -> str:
    """The text without the years its figures are compared with (比2023年度…, 与2024年预算持平)."""
    return _COMPARED.sub("", text)


def year_spans(text: str) -> list[tuple[int, int, str]]:
    """(first, last, as written) of every year or period the text names; '25年' counts only as 2000+25."""
    out, taken = [], []
    for m in _YEAR_RANGE.finditer(text):
        out.append((int(m.group(1)), int(m.group(2)), m.group().strip()))
        taken.append(m.span())
    for m in _YEAR.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        y = m.group(1) or m.group(2) or m.group(3)
        if len(y) == 2:  # "25年预算": a two-digit year only right after a non-digit and before 年, within 2000-2039
            if int(y) > 39 or (m.start() > 0 and text[m.start() - 1].isdigit()):
                continue
            y = "20" + y
        out.append((int(y), int(y), m.group().strip()))
    for m in _PLAN.finditer(text):
        first, last = _PLAN_YEARS[m.group(1)]
        out.append((first, last, m.group(1)))
    return out


def text_years(texts: Iterable[str], published: str = "") -> frozenset[int]:
    """Every year the texts name (a period counts each of its years), and the year of publication."""
    years = {y for t in texts for a, b, _ in year_spans(t) for y in range(a, b + 1)}
    return frozenset(years | ({int(published[:4])} if published[:4].isdigit() else set()))


# An event named by its edition: 第七届立法会, 第三次会议 (第三条 is an article, not an event).
_EDITION = re.compile(r"第([一二三四五六七八九十零〇两]{1,4}|\d{1,3})(届|次|批|级|轮|档|类|期)")
_CN_DIGITS = "零一二三四五六七八九"


# A thing named by its number: 神舟十四号, 嫦娥五号, 地铁19号线 (not 88号 of an address, 20号文).
NUMBERED = re.compile(r"((?![第每])[\u4e00-\u9fff]{2})([一二三四五六七八九十零〇两]{1,4}|\d{1,3})号(?![楼院文令室路街])")
_ADDRESS_BASE = ("路", "街", "道", "巷", "弄", "村", "楼", "区", "号")


def edition_number(numeral: str) -> int | None:
    from ingest.dates import cn_number

    n = int(numeral) if numeral.isdigit() else cn_number(numeral.replace("两", "二"))
    return n if n and n <= 99 else None


def _numerals(n: int) -> tuple[str, str]:
    chinese = (_CN_DIGITS[n] if n < 10 else ("" if n < 20 else _CN_DIGITS[n // 10]) + "十"
               + (_CN_DIGITS[n % 10] if n % 10 else ""))
    return chinese, str(n)


def _editions(question: str) -> tuple[ScopeItem, ...]:
    """第七届 ↔ 第7届, 神舟十四号 ↔ 神舟14号: a passage about another edition states other facts."""
    items = []
    for m in _EDITION.finditer(question):
        n = edition_number(m.group(1))
        if n:
            items.append(ScopeItem("body", m.group(), tuple(f"第{x}{m.group(2)}" for x in _numerals(n))))
    for m in NUMBERED.finditer(question):
        n = edition_number(m.group(2))
        if n and not m.group(1).endswith(_ADDRESS_BASE):
            items.append(ScopeItem("body", m.group(), tuple(f"{m.group(1)}{x}号" for x in _numerals(n))))
    items += [ScopeItem("body", m.group(), (m.group(),)) for m in CODED.finditer(question)]
    return tuple(items)


# A thing named by a letter code and a number: U14组 (not U12组), C919, MU5735, G20 — one of a series.
CODED = re.compile(r"(?<![A-Za-z0-9.])([A-Z]{1,3})(\d{2,4})(?![A-Za-z0-9.])")


def _years(question: str) -> tuple[ScopeItem, ...]:
    # "近三年" / "每年" are not years; a two-digit "25年" in a question is too vague to restrict by.
    items = [ScopeItem("year", text, (text,), years=(a, b)) for a, b, text in year_spans(question)
             if not re.fullmatch(r"\d\d\s*年", text)]
    # "in 2019", "2021-2025": an English question's years restrict it as 2019年 does a Chinese one's.
    items += [ScopeItem("year", m.group(), (m.group(),), years=(int(m[1]), int(m[2] or m[1])))
              for m in _ENGLISH_YEAR.finditer(question)]
    return tuple(dict.fromkeys(items))


# A year in English: 1900-2099 standing alone, or a range of two; not an amount (2000 yuan) or a code.
_ENGLISH_YEAR = re.compile(r"(?<![\w.,/-])((?:19|20)\d\d)(?:\s*(?:-|–|to)\s*((?:19|20)\d\d))?(?![\w%/-]|[.,]\d|\s*(?:yuan|rmb|"
                           r"usd|dollars?|people|persons|companies|firms|enterprises|square|sq|mu\b|km|meters?|jobs|units|"
                           r"projects|万|元|亿|年|[个家项人]))", re.I)


def _places(question: str, known_regions: tuple[str, ...]) -> tuple[ScopeItem, ...]:
    from ingest.regions import question_place_spans, short_forms

    items: dict[str, ScopeItem] = {}
    for start, end, region in question_place_spans(question, known_regions):
        if region.names() and not _names_a_body(question, start, end):
            name = region.names()[-1]
            items.setdefault(name, ScopeItem("place", question[start:end], tuple(short_forms(name)), region))
    for word, region in english_places(question, known_regions):
        name = region.names()[-1]
        items.setdefault(name, ScopeItem("place", word, tuple(short_forms(name)), region))
    return tuple(items.values())


_NAME_RUN = re.compile(r"[\u4e00-\u9fff]{1,10}")


def _names_a_body(question: str, start: int, end: int) -> bool:
    """四川通信产业园, 北京中关村科技园: a place's short form glued to a park's or company's name is part of that
    name (the body check covers it), not the place the answer must be about."""
    from assistant.query.entities import body_suffix_at

    if question[start:end].endswith(("省", "市", "区", "县", "州", "旗")):
        return False
    run = _NAME_RUN.match(question, end)
    return bool(run) and body_suffix_at(run.group())


@lru_cache(maxsize=2048)
def question_scope(question: str, known_regions: tuple[str, ...] = ()) -> QuestionScope:
    """What the question restricts its answer to. known_regions: the regions the library covers, whose short
    forms ("温江") are safe to read as places even without their city nearby."""
    places = _places(question, known_regions)
    place_names = {f for p in places for f in p.forms}
    laws = tuple(ScopeItem("law", t, forms) for t, forms in law_titles(question))
    in_laws = " ".join(law.text for law in laws)
    bodies = tuple(ScopeItem("body", name, forms) for name, forms in entity_names(question, place_names)
                   if name not in in_laws) + _editions(question)
    offices = tuple(ScopeItem("office", name, forms) for name, forms in office_names(question, place_names)
                    if name not in in_laws)
    return QuestionScope(places, bodies, laws, _years(question), offices)


_SHORT_TOPIC = 8  # characters: 母基金规模, 开餐单位要求, 重点人员处置


def topic_words(question: str, scope: QuestionScope, language: str = "zh") -> str:
    """What the question asks about once its scope is set aside: 温江区的母基金规模有多大？ → 母基金规模."""
    from assistant.query.terms import question_terms

    named = [f.lower() for item in scope.items for f in (item.text, *item.forms)]
    words = [t.text for t in question_terms(question)
             if (t.noun or len(t.text) >= 2) and not t.place and not t.text.isdigit()
             and t.text not in ("district", "city", "province", "county")
             and not any(t.text in n or n in t.text for n in named)]
    if language == "en":
        return " ".join(w for w in words if w.isascii())[:60]
    topic = "".join(w for w in words if not w.isascii())
    # Words joined across what the question put between them read as nonsense once long ("哪几个扩大口罩生产",
    # "区园区企业防疫期间提供政策"): a longer topic is said only when the question writes it so, else the refusal
    # says "相关信息".
    rest = question
    for item in scope.items:
        rest = rest.replace(item.text, "")
    return topic if len(topic) <= _SHORT_TOPIC or topic in rest.replace("的", "") else ""
