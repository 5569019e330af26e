"""What kind of datum a question asks for (a number, a date, a person or organisation, a place, a named
thing) and whether a sentence states one: a passage that is on topic but holds no such datum cannot answer."""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.query.datum_shape import (
    asked_genre,
    asked_results,
    asked_roles,
    asked_shape,
    fits_shape,
)
from assistant.query.measures import ends_with_measure
from assistant.query.names import (
    FOREIGN_NAME,
    LATIN_NAME,
    ORG,
    PLACE_WORD,
    TITLE_OR_QUOTE,
    person_at_end,
    person_at_start,
    plausible_name,
    tagged,
)
from assistant.text.numbers import extract_quantities
from assistant.text.numerals import chinese_numeral, normalise_digits

# Checked in order: "哪一年" asks for a date before "哪一" asks for a thing, "几月" before "几".
_ASKS = (
    ("why", re.compile(r"为什么|为何|什么原因|原因|怎么回事|\bwhy\b", re.I)),
    ("date", re.compile(
        r"什么时候|(?<![如任])何时|哪天|哪一天|哪年|哪一年|哪个月|几月|几号|几日|什么时间|什么日期|(?<!多长)(?<!多少)(?:时间|日期)(?:是|为)?[？?]?$"
        r"|\bwhen\b|what (?:date|year|day|time)", re.I)),
    ("number", re.compile(
        r"多少|几[个位家名人次届年天岁种项所条座只辆架艘场枚倍亿万千百十]|多大|多高|多长|多远|多重|多久"
        r"|how (?:much|many|old|long|large|big|far)|what percentage", re.I)),
    # "母基金规模？" asks the figure; "哪部分…计入利润总额" asks which part, the figure's noun is in passing.
    ("number", re.compile(r"^(?!.*(?:哪|如何|怎么|怎样|是否|能否)).*(?:人数|数量|金额|规模|总额|增长率|增速)")),
    ("where", re.compile(
        r"在哪(?!些|个方面|一方面)|哪里|哪儿|(?<![如任])何地|(?<![如任])何处|哪个(?:城市|国家|省|地方|地区|区|县|市)|哪座城市|哪国|什么地方|地点|地址|起点|终点"
        r"|(?:举办|主办|承办|所在|发源)(?:国|地|城市)(?:是|为)?[？?]?$"
        r"|\bwhere\b|which (?:city|country|province|district)", re.I)),
    ("who", re.compile(
        r"谁|哪位|哪家|哪支|哪个(?:公司|企业|机构|球队|队|部门|单位|组织|人)|什么人|\bwho\b|which (?:company|team|firm)",
        re.I)),
    ("which", re.compile(r"哪个|哪一|哪部(?![分门])|哪款|哪项|哪种|哪只|\bwhich\b", re.I)),
)
_CN_COUNT = re.compile(r"[一二两三四五六七八九十百千]+[多余]?(?:[个位家名人次届天岁种项所条座只辆架艘场枚倍]|万|亿)")
_DAY = re.compile(r"\d{1,2}月(?:\d{1,2}[日号])?|\d{1,2}[日号]|[一二三四五六七八九十]{1,3}月|[上中下]旬|年[初底末中]"
                  r"|周[一二三四五六日]|星期[一二三四五六日天]")  # 今天, 去年: relative to an unknown day, no date
# "延期到疫情结束后办理", "自公布之日起": a time fixed by an event answers "什么时候" as a rule states it.
_EVENT_TIME = re.compile(r"(?:结束|解除|届满|期满|到期|终止|发布|公布|印发|施行)(?:[后後]|之[后後]|以[后後]|之日)"
                         r"|(?:次|当|翌)[日月年](?:起|内|前)")  # "退休次月起补发"
# "全国新增确诊病例数？", "2022年英特尔全年营收": a bare noun phrase ending in a count noun or a measure asks its figure.
_COUNT_NOUN_END = re.compile(r"(?<![函参变无])数(?:是|为)?[？?。\s]*$")
_ANY_ASKING = re.compile(r"如何|怎么|怎样|什么|哪|吗|是否|能否|可否|有没有|有无|\b(?:how|what|which|is|are|does|do)\b", re.I)
_ROLE_QUESTION_END = re.compile(r"(?:是|为|都有|有)?(?:哪些人|哪些|什么人)?[？?。\s]*$")
# A reason is given with a causal word: "他无法参加比赛" says that, not why.
_CAUSE = re.compile(r"因为|由于|因此|所以|原因|导致|致使|造成|因[伤病故事]|受[^，。]{0,12}影响|为了|鉴于|出于|以免|以便")
_ADDRESS_PLACE = re.compile(r"位于|坐落")
# "Nov 10, 2022 ..." heads a search snippet: when the page was crawled, not a date its text states.
_DATELINE = re.compile(r"^\s*(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* \d{1,2}, \d{4}\s*(?:\.\.\.|…)")
_TAGS = {"who": ("nr", "nrt", "nrfg", "nt"), "where": ("ns",), "which": ("nr", "nrt", "nrfg", "nt", "ns", "nz")}


def asked_kind(question: str) -> str | None:
    """The kind of datum the question asks for: number, date, where, who, which, genre — or None."""
    question = question.strip()  # "2023年亚洲杯举办国？ ": the patterns that end a question end at its last word
    if asked_genre(question):  # "《狂飙》是什么类型的电视剧": a genre word, not any name
        return "genre"
    for kind, pattern in _ASKS:
        if pattern.search(question):
            return kind
    # "《炽道》的主演", "董事长是" — a role named at the end asks who holds it.
    bare = _ROLE_QUESTION_END.sub("", question)
    if any(bare.endswith(role) for role in asked_roles(question)):
        return "who"
    # "春节档票房冠军": the winner may be a film or a team as well as a person.
    if any(bare.endswith(result) for result in asked_results(question)):
        return "which"
    if not _ANY_ASKING.search(question) and (_COUNT_NOUN_END.search(question)
                                             or ends_with_measure(bare)):
        return "number"
    return None


def _new(found: str, question: str) -> bool:
    """A datum the question itself names ("上海的…在哪") is not the answer it asks for."""
    return bool(found.strip()) and found.strip() not in question


def states_kind(kind: str, sentence: str, question: str) -> bool:
    """Whether the sentence states a datum of the kind (one the question does not already name), in the shape
    the question asks for (a count in its unit, a rate, a person in its role, a place of its event)."""
    sentence = _DATELINE.sub("", sentence)
    shape = asked_shape(question, kind)
    if shape.replaces_kind:
        return fits_shape(shape, sentence, question)
    if kind in ("who", "which") and shape.mentions and not asked_genre(question):
        return fits_shape(shape, sentence, question) and _holder_named(kind, shape.mentions, sentence, question)
    return _states_any(kind, sentence, question) and fits_shape(shape, sentence, question)


_CLAUSE_END = "，。；！？,;!?"
_HOLDER_AFTER = 12  # "冠军是…张三", "冠军由张三获得": the holder written just after the title
# "佤族少年王发拿到…冠军": the name the tagger misses, read as the one just before the verb of winning.
_WINNING = re.compile(r"(?:再次|首次|成功|最终|一举)?(?:拿到|夺得|获得|摘得|斩获|赢得|捧起|问鼎|登顶|卫冕|拿下|分获|获)")
_BEFORE_NAME = "是为由：:的”\"」手员记长"  # what may precede a holder's name: 由日本选手山口茜, 的“果果书记”刘超


def _holder_named(kind: str, titles: tuple[str, ...], sentence: str, question: str) -> bool:
    """A sentence naming a title (冠军, 得主, 创办) names its holder: a name before it in the sentence (陈雨菲2比0
    击败安洗莹，夺得女单冠军), just after it in its clause ("冠军由日本选手山口茜摘得"), or just after the 的 that
    ends the title's phrase ("创办…果果合唱团的“果果书记”刘超"). "他最终夺得U14组男单冠军" names no one (whom 他
    is, another sentence says), and a name far after the title in another phrase ("…男单冠军 背着小背篓…新华社、
    人民网等赞誉") is not its holder."""
    for w in titles:
        for m in re.finditer(re.escape(w), sentence):
            before = sentence[: m.start()]
            if _states_any(kind, before, question) or any(
                    _new(person_at_end(before[: v.start()]), question) for v in _WINNING.finditer(before)):
                return True
            clause = sentence[m.end(): m.end() + 40]
            clause = re.split(rf"[{_CLAUSE_END}]|\s", clause, maxsplit=1)[0]  # scraped text parts phrases by spaces
            spots = [clause[:_HOLDER_AFTER]] + ([clause[clause.index("的") + 1:][:_HOLDER_AFTER]] if "的" in clause else [])
            if any(_states_any(kind, spot, question) or _person_in(spot, question) for spot in spots):
                return True
    return False


def _person_in(text: str, question: str) -> bool:
    return any(_new(person_at_start(text[i:]), question) for i in range(len(text))
               if i == 0 or text[i - 1] in _BEFORE_NAME)


def _states_any(kind: str, sentence: str, question: str) -> bool:
    if kind in ("number", "date"):
        wanted = ("amount", "percent", "number") if kind == "number" else ("date",)
        if any(q.kind in wanted and _new(q.text, question) and not (kind == "date" and _reported(sentence, q.end))
               for q in extract_quantities(sentence)):
            return True
        extra = _CN_COUNT if kind == "number" else _DAY
        if any(_new(m.group(), question) and not (kind == "date" and _reported(sentence, m.end()))
               for m in extra.finditer(sentence)):
            return True
        return kind == "date" and any(_new(m.group(), question) for m in _EVENT_TIME.finditer(sentence))
    if kind == "why":
        return bool(_CAUSE.search(sentence))
    if kind == "genre":  # the shape names the genre words
        return True
    if kind == "where" and _ADDRESS_PLACE.search(sentence):
        return True
    people = kind == "who" and _asks_people(question)
    tags = _PERSON_TAGS if people else _TAGS[kind] if kind in _TAGS else ()
    if any(t in tags and plausible_name(w, t) and _new(w, question) for w, t in tagged(sentence)):
        return True
    if people:  # "神舟十四号的航天员有谁": 酒泉卫星发射中心 is no astronaut
        return any(_new(m, question) for p in (FOREIGN_NAME, LATIN_NAME) for m in p.findall(sentence))
    patterns = {"who": (ORG, FOREIGN_NAME, LATIN_NAME), "where": (PLACE_WORD,),
                "which": (ORG, FOREIGN_NAME, LATIN_NAME, TITLE_OR_QUOTE, PLACE_WORD)}[kind]
    return any(_new(m, question) for p in patterns for m in p.findall(sentence))


_PERSON_TAGS = ("nr", "nrt", "nrfg")
# The asked noun of "X有谁 / X是谁 / 谁是…的X": one ending like a person's (航天员, 火炬手, 得主, 演员, 议长) asks for
# people, whom an organisation's name does not answer.
_ASKED_NOUN = re.compile(r"([\u4e00-\u9fff]{2,4}?)(?:都|分别)?(?:是|有|为)(?:谁|哪些人|哪位)|^谁是.*?([\u4e00-\u9fff]{2})[？?]?$")
_PERSON_END = tuple("员手者长师官")


def _asks_people(question: str) -> bool:
    m = _ASKED_NOUN.search(question.strip())
    noun = (m.group(1) or m.group(2)) if m else ""
    return noun.endswith(_PERSON_END)


_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?=\s*年|赛季|届|版)")


# "韩联社6日称", "外交部周四表示", "新华社北京10月7日电": the day news reported it, not the day it happened.
_REPORTED = re.compile(r"\s*(?:[也还又已再]\s*)?(?:称|表示|宣布|报道|透露|发布|介绍|说|讯|电|消息|获悉|发表|证实|回应)")


def _reported(sentence: str, end: int) -> bool:
    return bool(_REPORTED.match(sentence, end))


def other_year(question: str, text: str) -> bool:
    """The text dates its facts to other years only ("2020年…" for a question about 2021): another fact."""
    from assistant.query.scope import without_comparisons

    asked = set(_YEAR.findall(question))
    stated = set(_YEAR.findall(without_comparisons(_DATELINE.sub("", text))))
    return bool(asked and stated and not asked & stated)


_ASKED_DAY = re.compile(r"(?<!\d)(\d{1,2})月(\d{1,2})[日号]")
# "2021年1月1日起施行的办法": the day names a policy (its start or issue), not the day a fact is dated to.
_POLICY_DAY = re.compile(r"\s*(?:起|开始|以来|前|后)?\s*(?:施行|实施|生效|执行|发布|印发|出台|颁布|公布|起)")


@lru_cache(maxsize=2048)  # asked for every sentence that states the datum
def _asked_days(question: str) -> frozenset[tuple[int, int]]:
    return frozenset((int(m.group(1)), int(m.group(2))) for m in _ASKED_DAY.finditer(question)
                     if not _POLICY_DAY.match(question, m.end()))


def other_day(question: str, text: str) -> bool:
    """The question names a day ("2022年1月5日全国新增…") and the text, the datum's sentence with its neighbours
    and its frame, does not: a daily figure of another day (or of a period) is another fact. "5日" counts when
    the text names no other month."""
    asked = _asked_days(question)
    if not asked:
        return False
    stated = {(int(m), int(d)) for m, d in _ASKED_DAY.findall(text)}
    if stated & asked:
        return False
    months = {int(m) for m in re.findall(r"(?<!\d)(\d{1,2})月", text)}
    bare = {int(d) for d in re.findall(r"(?<![\d月])(\d{1,2})[日号]", text)}
    return not any(d in bare and (not months or m in months) for m, d in asked)


# Parts of a year a figure may be for: 第四季度/四季度/Q4, 上半年, 前三季度, 前5个月, 1-9月, 5月份 (not 5月10日, a day).
_PART = re.compile(r"第?([一二三四1-4])季度|[Qq]([1-4])(?![\d])|([上下])半年|前([一二三两四五六七八九十\d]{1,2})个?(季度|月)"
                   r"|(\d{1,2})\s*[-—–~至到]\s*(\d{1,2})月|(?<![\d\-—–~至到])(\d{1,2})月份?(?!\s*\d{0,2}\s*[日号\d])"
                   r"|(\d{1,2}月\d{1,2}[日号]\s*(?:[-—–~至到]|起至)\s*(?:\d{1,2}月)?\d{1,2}[日号])"  # a span of days
                   r"|([\u4e00-\u9fff]{2})档(?!案)")  # a season of releases or sales: 五一档, 春节档, 暑期档
_WHOLE_YEAR = re.compile(r"全年|年度|整年|(?:19|20)\d\d年(?!\s*(?:第?[一二三四1-4]季度|[上下]半年|前|\d{1,2}\s*[-—–~至到月]))")


def _parts(text: str) -> set[str]:
    """The parts of a year the text names, normalised: 第四季度 = 四季度 = Q4 → "q4"."""
    out = set()
    for m in _PART.finditer(normalise_digits(text)):
        quarter, q, half, first, unit, lo, hi, month, days, season = m.groups()
        if days:
            out.add(f"days:{days}")
        elif season:
            out.add(f"season:{season}")
        elif quarter or q:
            out.add(f"q{chinese_numeral(quarter) if quarter and not quarter.isdigit() else quarter or q}")
        elif half:
            out.add(f"h{half}")
        elif first:
            out.add(f"first{chinese_numeral(first) if not first.isdigit() else first}{unit}")
        elif lo:
            out.add(f"m{int(lo)}-{int(hi)}")
        else:
            out.add(f"m{int(month)}")
    return out


def other_period(question: str, sentence: str) -> bool:
    """A figure for another part of the year than the one asked: 第四季度营收 for 2022年全年营收, 上半年 for 前三季度.
    Only when the question names a year or a part of one; a sentence naming no part is left to the year checks."""
    asked, stated = _parts(question), _parts(sentence)
    if asked:
        return bool(stated) and not stated & asked
    return bool(stated) and bool(_WHOLE_YEAR.search(question)) and not _WHOLE_YEAR.search(sentence)
