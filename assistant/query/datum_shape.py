"""The shape an asked datum takes in a sentence that answers, beyond its kind (query/kinds.py): a count in the
asked unit (多少支队伍 → 15支), a rate as a percentage (城镇化率 → 64.7%), a person written next to the asked
role (导演是谁 → 导演张三 / 由张三执导), a place where the asked event happens (在哪里举行 → 在莫斯科…举行).
An on-topic sentence that holds some number or some name, but not in that shape, answers another question:
that is what passages without the answer look like (RGB's negative passages)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from assistant.query.measures import ASKED_MEASURE, MEASURE_UNITS, asked_measure, labelled
from assistant.query.names import LATIN_NAME, PLACE_WORD, VENUE_WORD, person_at_end, person_at_start, tagged
from assistant.query.wordlists import lines

_NUMERAL = r"(?:\d[\d,.]*|[一二两三四五六七八九十百千]+)\s*[多余]?\s*[万亿千百]?\s*"
# Counted things: a count asked in one of a group's units is answered by a count in any unit of the group.
_UNIT_GROUPS = ("人名位", "个座所家项只支款部条辆架艘枚种颗台套", "次场届期集批轮", "天日", "年", "岁", "倍")
_ASKED_COUNT = re.compile(r"(?:多少|几)\s*([人名位个座所家项只支款部条辆架艘枚种颗台套次场届期集批轮天日年岁倍])")
# "第三次", "最后一次", "每个": an ordinal or a distributive, not a count.
_NOT_A_COUNT = re.compile(r"(?:第|最后|每|这|那|上|下|再|前|后|某|哪)$")
_ASKED_ORDINAL = re.compile(r"(?:哪一|第几)\s*([集期届章条次轮季部批])")
_ASKED_DURATION = re.compile(r"多久|多长时间|多长期限|多少天|几天|几个月|几年")
_ASKED_PEOPLE = re.compile(r"人数|人次|参赛者|游客量|客流")  # "报名人数是多少": a count of people
_ASKED_RATE = re.compile(r"率|比例|比重|占比|百分之|百分比|增速|增幅")
_RATE = re.compile(r"\d[\d.]*\s*[%％‰]|百分点|百分之|[一二三四五六七八九]成(?![立功本])")
_EVENT_VERBS = "举行|召开|举办|开幕|闭幕|开业|落户|上市|注册|成立|落地|投产|拍摄|去世|安葬|发射|着陆"
# "在哪里举行", and "举办的地点是哪里": the place of the event named before 地点.
_ASKED_WHERE_EVENT = re.compile(rf"(?:在哪(?:里|儿)?|哪里|何地|何处)\s*({_EVENT_VERBS})|({_EVENT_VERBS})的?(?:地点|地址|场地)")
_VERB_FAMILIES = (("举行", "召开", "举办", "开幕", "闭幕"), ("落户", "落地", "投产", "成立", "注册"),
                  ("上映", "定档", "公映", "首映", "上线", "播出", "开播", "首播"))
_TIME_FIRST = re.compile(r"\s*(?:\d|[一二三四五六七八九十]+[月日号]|周[一二三四五六日末]|星期|[今明昨本下上]|近日|日前|当天|次日)")
# "是什么类型的电影", "的类型是什么", "属于什么题材", "是什么电影": a genre of a work (not 什么类型的企业).
_ASKED_GENRE = re.compile(r"(?:什么|哪种|哪类|哪一类)(?:类型|题材|风格)?的?(?:电影|影片|电视剧|剧集?|片子?|网剧|综艺|节目|动画|"
                          r"小说|游戏)|(?:类型|题材)(?:是|为)?(?:什么|哪种|哪类)|(?:什么|哪种)(?:类型|题材)")
_WORK = re.compile(r"《[^》]+》|电影|影片|电视剧|剧集|网剧|综艺|动画|小说|游戏|纪录片")
_STATED_PLACE_CUE = re.compile(r"位于|坐落|地点|地址|会址")
_TITLE = re.compile(r"《[^》]*》")
_QUALIFIER = re.compile(r"(?:([A-Za-z]{2,})[\u4e00-\u9fff]?|([\u4e00-\u9fff]{2}))$")
_NOUN_TAGS = ("n", "j", "l", "s", "eng")  # nouns, abbreviations (奥运), idioms, places: what names a contest
_ROLE_BEFORE_NAME = re.compile(r"^[\s：:是为由]{0,2}")  # 导演：张三 / 导演是张三
_ROLE_AFTER_NAME = re.compile(r"(?:[\s、]|等|和|及|担任|出任|任|作为|由)*$")  # 张三等主演 / 张三担任指令长


@dataclass(frozen=True)
class DatumShape:
    """What the answer must look like: counted in `units`, a rate, a person next to one of `roles`, or a
    place next to one of `verbs`. Empty fields ask nothing."""

    units: str = ""
    measured: str = ""  # a unit group of measures.MEASURE_UNITS ("吨|千克|公斤|斤")
    ordinal: str = ""
    measure: tuple[str, ...] = ()
    rate: bool = False
    roles: tuple[str, ...] = ()
    verbs: tuple[str, ...] = ()
    mentions: tuple[str, ...] = ()  # one of these words must be in the sentence (冠军, 夺冠…; 访华 for 访华时间)
    titled: bool = False  # the mentions are a title: one the sentence qualifies otherwise (奥运冠军) is another

    def __bool__(self) -> bool:
        return bool(self.units or self.measured or self.ordinal or self.measure or self.rate or self.roles
                    or self.verbs or self.mentions)

    @property
    def replaces_kind(self) -> bool:
        """A person next to the role, a place next to the event, "第29集": the shape is the whole check."""
        return bool(self.roles or self.verbs or self.ordinal)


@lru_cache(maxsize=1)
def _roles() -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(ln.split()) for ln in lines("role_words"))


@lru_cache(maxsize=1)
def _results() -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(ln.split()) for ln in lines("result_words"))


def asked_results(question: str) -> tuple[str, ...]:
    """The words for the result a question asks the holder of (冠军 → 冠军, 夺冠, 折桂…)."""
    named = [row for row in _results() if row[0] in question]
    return tuple(dict.fromkeys(w for row in named for w in row))


def asked_roles(question: str) -> tuple[str, ...]:
    """The words for the role a question asks a person in (导演 → 导演, 执导), longest role named first."""
    named = [row for row in _roles() if row[0] in question or any(w in question for w in row[1:] if len(w) >= 2)]
    return tuple(dict.fromkeys(w for row in named for w in row))


@lru_cache(maxsize=1)
def _genres() -> tuple[str, ...]:
    return tuple(sorted({w for ln in lines("work_genres") for w in ln.split()}, key=len, reverse=True))


def asked_genre(question: str) -> tuple[str, ...]:
    """The genre words, when the question asks what kind of film, series, show, book or game a work is."""
    return _genres() if _ASKED_GENRE.search(question) and _WORK.search(question) else ()


@lru_cache(maxsize=1)
def _datum_nouns() -> frozenset[str]:
    return frozenset(w for ln in lines("datum_nouns") for w in ln.split())


def is_datum_word(word: str, question: str) -> bool:
    """Whether a question word names what is asked (时间, 售价, 指令长, 净利润) rather than what it is asked about."""
    return (word in _datum_nouns() or word in asked_measure(question) or word in asked_roles(question)
            or word in asked_results(question))


@lru_cache(maxsize=2048)
def asked_shape(question: str, kind: str | None) -> DatumShape:
    """The shape the answer to a question of this kind (number, who, where…) must have."""
    if m := _ASKED_ORDINAL.search(question):
        return DatumShape(ordinal=m.group(1))
    if genres := asked_genre(question):
        return DatumShape(mentions=genres)
    if kind == "number" and (asked := ASKED_MEASURE.search(question)):
        return DatumShape(measured=next(g for g in MEASURE_UNITS if asked.group(1) in g.split("|")))
    if kind == "number":
        m = _ASKED_COUNT.search(question)
        units = next((g for g in _UNIT_GROUPS if m and m.group(1) in g), "")
        if not units and _ASKED_PEOPLE.search(question) and not _ASKED_RATE.search(question):
            units = _UNIT_GROUPS[0]
        # "多少项税收优惠政策": a count of items asks no measure's figure, whatever nouns qualify the items; nor does
        # a length of time ("纳税申报…可延长多久": 3个月, not a tax amount).
        return DatumShape(units=units, rate=bool(_ASKED_RATE.search(question)) and not units,
                          measure=() if (m and units) or _ASKED_DURATION.search(question) else asked_measure(question))
    if kind == "who":
        roles = asked_roles(question)
        results = () if roles else asked_results(question)
        return DatumShape(roles=roles, mentions=results, titled=_qualified_title(results, question))
    if kind == "which":
        results = asked_results(question)
        return DatumShape(mentions=results, titled=_qualified_title(results, question))
    if kind == "date" and (event := _asked_event(question)):
        return DatumShape(mentions=event)
    if kind == "where" and (m := _ASKED_WHERE_EVENT.search(question)):
        verb = m.group(1) or m.group(2)
        family = next((f for f in _VERB_FAMILIES if verb in f), (verb,))
        return DatumShape(verbs=family)
    return DatumShape()


def _asked_event(question: str) -> tuple[str, ...]:
    """The event whose date is asked, named just before 时间/日期 ("耶伦访华时间" → 访华, "RCEP生效时间" → 生效), with
    the words news uses for the same event: a date stated for another event of the same subject answers nothing."""
    words = [w for w, _ in tagged(question) if w.strip()]
    for i, w in enumerate(words):
        if w in ("时间", "日期") and i > 0:
            before = words[i - 2] if words[i - 1] == "的" and i > 1 else words[i - 1]
            # "从什么时间起暂停…": an asking word names no event (the event follows; any date may answer)
            if before.startswith(("什么", "哪", "何", "多少", "几")):
                return ()
            if len(before) >= 2 and before.isalpha() and not any(c.isascii() for c in before):
                return next((f for f in _VERB_FAMILIES if before in f), (before,))
    return ()


def fits_shape(shape: DatumShape, sentence: str, question: str) -> bool:
    """Whether the sentence states the datum in the asked shape (True when no shape is asked)."""
    if _only_negated(sentence, question):
        return False
    if shape.ordinal and not re.search(rf"第\s*{_NUMERAL}{shape.ordinal}", sentence):
        return False
    if shape.units and not _counted(shape.units, sentence, question):
        return False
    if shape.measured and not re.search(rf"\d[\d,.]*\s*[万亿千]?\s*(?:{shape.measured})", sentence):
        return False
    if shape.measure and not labelled(shape.measure, sentence, question):
        return False
    if shape.rate and not _RATE.search(sentence):
        return False
    if shape.roles and not _person_in_role(shape.roles, sentence, question):
        return False
    # A word inside a work's title (《惊天救援》: 救援 is a genre word) names that work; it describes nothing.
    if shape.mentions and not any(w in _TITLE.sub("》", sentence) for w in shape.mentions):
        return False
    if shape.titled and not _titled_as_asked(shape.mentions, sentence, question):
        return False
    return not shape.verbs or _place_of_event(shape.verbs, sentence, question)


def _qualifier(text: str, end: int) -> str:
    """The name that qualifies a word starting at `end` (女单 of 女单冠军, CBA of CBA总冠军), or '' when what
    precedes it is a verb (勇夺冠军), a count (首枚金牌), a pronoun (是谁创办) or not a word."""
    m = _QUALIFIER.search(text[:end])
    if not m:
        return ""
    if m.group(1):
        return m.group(1)
    return m.group(2) if all(t.startswith(_NOUN_TAGS) for _, t in tagged(m.group(2))) else ""


def _qualified_title(results: tuple[str, ...], question: str) -> bool:
    """The question asks a title it qualifies with a name (女单冠军, 欧冠冠军), not a bare one (谁获得了冠军)."""
    return any(_qualifier(question, m.start()) for w in results for m in re.finditer(re.escape(w), question))


def _titled_as_asked(words: tuple[str, ...], sentence: str, question: str) -> bool:
    """The sentence states the asked title, not another one: it uses another of the result's words (夺冠), or
    some mention of the title the question names has no qualifier, or one sharing a character with the
    question's own (女单冠军; 单打冠军 for 男单) — not a name the question lacks (奥运冠军, 意甲冠军, CBA总冠军
    for 欧冠冠军)."""
    if any(w in sentence for w in words if w not in question):
        return True
    asked = question.upper()
    for w in (w for w in words if w in question):
        rest = asked.replace(w, " ")
        for m in re.finditer(re.escape(w), sentence):
            q = _qualifier(sentence, m.start())
            if not q or (q.upper() in asked if q.isascii() else any(c in rest for c in q)):
                return True
    return False


def _only_negated(sentence: str, question: str) -> bool:
    """The sentence names the asked thing only negated ("非网民规模" for 网民规模): its figure is the complement."""
    for m in re.finditer(r"非([\u4e00-\u9fff]{2,4})", sentence):
        for size in range(len(m.group(1)), 1, -1):
            word = m.group(1)[:size]
            if word in question and f"非{word}" not in question:
                plain = [i for i in range(len(sentence)) if sentence.startswith(word, i)]
                if all(i > 0 and sentence[i - 1] == "非" for i in plain):
                    return True
                break
    return False


def _counted(units: str, sentence: str, question: str) -> bool:
    for m in re.finditer(rf"{_NUMERAL}([{units}])", sentence):
        if m.group().strip() in question or _NOT_A_COUNT.search(sentence[: m.start()]):
            continue
        return True
    # 3.62亿 (people), 1.2万 (people): a bare magnitude counts people or things when no other unit follows.
    return "人" in units and bool(re.search(r"\d[\d.]*\s*[万亿](?![元美欧日英港台\w])", sentence))


def _person_in_role(roles: tuple[str, ...], sentence: str, question: str) -> bool:
    for role in roles:
        for m in re.finditer(re.escape(role), sentence):
            after = sentence[m.end():]
            after = after[_ROLE_BEFORE_NAME.match(after).end():]
            before = sentence[max(0, m.start() - 24): m.start()]
            before = before[: _ROLE_AFTER_NAME.search(before).start()]
            for name in (person_at_start(after), person_at_end(before)):
                if name and name not in question:
                    return True
    return False


def _place_of_event(verbs: tuple[str, ...], sentence: str, question: str) -> bool:
    if _STATED_PLACE_CUE.search(sentence):
        return True
    for verb in verbs:
        # The last 在/于 before the verb: "于11月15日至16日在锦川国际会议中心举行" is held in the centre.
        for m in re.finditer(rf"[在于]([^，。；！？,;在于]{{1,30}}?){verb}", sentence):
            where = m.group(1)  # "在锦川产业论坛即将举行之际": the event itself names a place; not where it is
            # The place opens the phrase (在莫斯科圆柱大厅举行); "于周六为…苏联…领导人举行" is a time.
            if _TIME_FIRST.match(where):
                continue
            found = [x.group() for p in (PLACE_WORD, VENUE_WORD, LATIN_NAME) for x in p.finditer(where) if x.start() <= 2]
            found += [w for w, tag in tagged(where[:12]) if tag == "ns" and where.find(w) <= 2]
            if any(f not in question for f in found):
                return True
    return False
