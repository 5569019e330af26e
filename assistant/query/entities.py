"""Named bodies (organisations, parks, companies, events) and laws/policies in a question, with the forms
(全称 and 简称) a passage may use for them."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from assistant.query.names import tagged

_DATA = Path(__file__).resolve().parent / "data"
# A body's name ends in one of these (longest first); the suffix says what kind of body it is.
_SUFFIXES = tuple(sorted(
    "投资促进局 管理委员会 管委会 委员会 人民政府 政府 办公室 办公厅 总局 部 局 厅 署 委 中心 有限公司 公司 集团 "
    "街道办事处 街道办 办事处 街道 "
    "银行 协会 商会 研究院 研究所 大学 学院 产业园区 产业园 工业园区 工业园 科技园 园区 开发区 高新区 经开区 新区 "
    "自贸区 自由贸易试验区 保税区 综保区 示范区 博览会 博会 交易会 洽谈会 推介会 对接会 大会 论坛 峰会 展会 "
    "展览会 公开赛 邀请赛 锦标赛 龙舟赛 马拉松 运动会 亚运会 冬奥会 奥运会 电影节 音乐节 艺术节 文化节".split(),
    key=len, reverse=True))
# Tags of words that can be part of a name: nouns, places, person and organisation names, verbal nouns,
# distinguishing words; and words tagged so that nonetheless end a name.
_NAME_TAGS = ("n", "ns", "nt", "nz", "nr", "vn", "b", "j", "l", "eng", "ng", "an", "a")
# Time words too: "2024年度政府采购金额" names no body 年度政府.
_BOUNDARY_WORDS = frozenset("请问 问题 哪些 什么 有关 相关 关于 情况 政策 企业 年 年度 季度 月度 本年 今年 去年 明年 当年 全年"
                            .split())
_PLACE_PREFIX = re.compile(r"^(?:[省市区县州镇乡])(?![场民域属])")  # 市场监管委 keeps its 市
_BRACKETED = re.compile(r"《([^》]{2,60})》")
# Unbracketed titles only with unmistakable endings: "有哪些扶持办法" is a question, not a title.
_TITLE_END = (r"条例|实施细则|管理办法|暂行办法|实施办法|若干规定|暂行规定|若干措施|若干政策|实施意见"
              r"|(?:投资|促进|保护|管理|合同|公司|招标投标|政府采购|劳动|专利|商标|税收征收管理)法")
_UNBRACKETED = re.compile(rf"[\u4e00-\u9fff（）]{{2,30}}?(?:{_TITLE_END})(?![\u4e00-\u9fff]{{0,1}}[条法])")
_TITLE_LEAD = re.compile(r"^(?:请问|根据|按照|依据|依照|关于|对于|在|按|据|那么|那|还有|另外)+")
_NOT_A_TITLE = re.compile(r"^(?:本|该|这|此|上述|相关|有关|哪|什么)")
_VERSION = re.compile(r"[（(][^）)]*(?:\d|试行|暂行|修订|草案)[^）)]*[）)]")


@lru_cache(maxsize=1)
def _abbreviations() -> dict[str, set[str]]:
    """全称 → 简称 and 简称 → 全称 from data/abbreviations.txt."""
    pairs: dict[str, set[str]] = {}
    for line in (_DATA / "abbreviations.txt").read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.startswith("#"):
            full, short = (s.strip() for s in line.split("=", 1))
            pairs.setdefault(full, set()).add(short)
            pairs.setdefault(short, set()).add(full)
    return pairs


@lru_cache(maxsize=1)
def generic_bodies() -> frozenset[str]:
    words = [w for line in (_DATA / "generic_bodies.txt").read_text(encoding="utf-8").splitlines()
             if not line.startswith("#") for w in line.split()]
    return frozenset(words)


# A suffix followed by these is another word (部门, 局长, 委员, 办法, 中心城区).
_BODY_END = re.compile("(?:" + "|".join(_SUFFIXES) + ")(?![门长员托理法事面势名城署分队位件落])")
# Offices are specific by their suffix; a park, company, event or centre only with a proper name in it
# (研发中心 is a kind of body, 锦川产业园 one body).
_VERBS_ENDING_LIKE_BODIES = frozenset("部署 签署 联署 布署 开办 举办 创办 主办 承办 协办 督办 交办 部局 布局 格局 大局".split())
_AUTHORITY = ("部", "局", "厅", "署", "委", "委员会", "人民政府", "政府", "管委会", "管理委员会", "办公室", "办公厅", "总局",
              "街道办事处", "街道办", "办事处", "街道", "博会", "博览会", "交易会")
# A count ("多少条", "三个", "2024"): the classifier after it starts no name ("多少条政府信息" names no body 条政府).
_CLASSIFIERS = "个位名家条项所座只支款部辆架艘枚种颗台套次场届期集批轮件份本张篇年月日天"
_COUNT = re.compile(rf"^第?(?:[\d.,]+|[一二两三四五六七八九十百千万亿零〇几多少若干]+)[{_CLASSIFIERS}]?$")  # 第二届 too
_PROPER_TAGS = ("nr", "ns", "nz", "nt", "eng")


def body_suffix_at(run: str) -> bool:
    """Whether a run of characters ends in (or holds, before 的) a park's, company's or event's name suffix."""
    head = run.split("的")[0]
    return any(head.endswith(s) or (s in head and len(s) >= 2) for s in _SUFFIXES if s not in _AUTHORITY)


def body_suffix(name: str) -> str:
    """The kind-of-body ending of a name (公开赛, 产业园, 委员会), or ""."""
    return next((s for s in _SUFFIXES if name.endswith(s)), "")


def name_forms(name: str) -> tuple[str, ...]:
    """The ways a passage may write a body's name: as given, its 简称 or 全称 (data file, and the rule
    工业和信息化部 → 工信部: the first character of each part joined by 和, plus the suffix)."""
    forms = {name}
    for full, shorts in _abbreviations().items():
        if full in name and len(full) >= 2:
            forms.update(name.replace(full, s) for s in shorts)
    suffix = body_suffix(name)
    stem = name[: -len(suffix)] if suffix else name
    if suffix and suffix not in _AUTHORITY and len(stem) >= 2:
        forms.add(stem)  # 华为公司 → 华为, 锦川产业园 → 锦川: a company or park is named by its proper part
    if suffix in ("街道办事处", "街道办") and len(stem) >= 2:
        forms.add(stem + "街道")  # 万里街道办事处: its budget and its news say 万里街道 as often
    if "和" in stem and suffix:
        parts = [p for p in stem.split("和") if p]
        short_suffix = {"委员会": "委", "管理委员会": "管委会"}.get(suffix, suffix)
        forms.add("".join(p[0] for p in parts) + short_suffix)
    return tuple(sorted(forms, key=len, reverse=True))


def _strip_places(name: str, place_forms: set[str]) -> str:
    """The body's name without the places it starts with (甘肃省平凉市政务服务中心 → 政务服务中心)."""
    from ingest.regions import find_place_spans

    spans = find_place_spans(name)
    while spans and spans[0][0] == 0 and spans[0][1] < len(name):
        name = name[spans[0][1]:]
        spans = find_place_spans(name)
    changed = True
    while changed:
        changed = False
        for form in sorted(place_forms, key=len, reverse=True):
            if form and name.startswith(form) and len(name) > len(form):
                name, changed = name[len(form):], True
    return _PLACE_PREFIX.sub("", name) if len(name) > 2 else name


def entity_names(question: str, place_forms: set[str] = frozenset()) -> list[tuple[str, tuple[str, ...]]]:
    """(name, forms) of the specific bodies the question names; places and generic office words are left to
    the place check (温江区投资促进局 → nothing here: 温江区 is the scope)."""
    out: dict[str, tuple[str, ...]] = {}
    for name in _names(question, place_forms):
        if name not in generic_bodies() and _specific(name):
            out.setdefault(name, name_forms(name))
    return list(out.items())


# A bureau's or commission's generic name (财政局, 商务委): it names one office of the place the question names.
_OFFICE_SUFFIXES = ("局", "委", "厅", "署")


def office_names(question: str, place_forms: set[str] = frozenset()) -> list[tuple[str, tuple[str, ...]]]:
    """(name, forms) of the generic offices the question names (普陀区财政局 → 财政局): not a body every passage must
    name, but another office's budget or report (司法局's) is not this one's."""
    out: dict[str, tuple[str, ...]] = {}
    for name in _names(question, place_forms):
        if name in generic_bodies() and name.endswith(_OFFICE_SUFFIXES):
            out.setdefault(name, name_forms(name))
    return list(out.items())


def other_office(forms: tuple[str, ...], frame: str, text: str) -> str:
    """Another office of the asked one's kind that a document's title or file name (frame) names, when neither it
    nor its passage names the asked office ("上海市普陀区司法局2026年单位预算" for 财政局 → 司法局); "" otherwise."""
    if not forms or any(f in frame or f in text for f in forms):
        return ""
    suffix = next((s for s in _OFFICE_SUFFIXES if forms[0].endswith(s)), "")
    if not suffix:
        return ""
    # 税务总局 named in a 税务局's notice is the same office one level up, not another office's document.
    stem = forms[0][: -len(suffix)][-2:]
    return next((m.group() for m in re.finditer(rf"([\u4e00-\u9fff]{{2}})总?{suffix}", frame)
                 if m.group(1) != stem), "")


_ASKING_START = re.compile(r"哪|什么|多少|几")  # "哪几个政府部门" asks which bodies; it names none


def _names(question: str, place_forms: set[str]) -> list[str]:
    """Every run the question names with a body's suffix, without its leading places (3 characters or more)."""
    out = []
    for m in _BODY_END.finditer(question):
        if question[max(0, m.start() - 1): m.end()] in _VERBS_ENDING_LIKE_BODIES:
            continue
        if question[max(0, m.start() - len(m.group())): m.start()] == m.group():
            continue  # 国家知识产权局局党组: the second 局 is the office's party group's, not another name's end
        start = _name_start(question, m.start())
        name = _strip_places(_from_inner_head(question[start : m.end()], place_forms), place_forms)
        if len(name) >= 3 and name not in place_forms and not _ASKING_START.match(name):
            out.append(name)
    return out


_NATIONAL_HEADS = ("中华人民共和国", "国家", "中国")


def _from_inner_head(run: str, place_forms: set[str]) -> str:
    """A body's name starts at a place or 国家 inside the run when what precedes it names no body: the walk left
    takes the question's nouns along (递交材料时深圳税务局 → 深圳税务局, 蔬菜市场供应国家发展改革委 →
    国家发展改革委), but 中国银行深圳分行 is one name."""
    from ingest.regions import find_place_spans

    if run.startswith(_NATIONAL_HEADS):
        return run
    heads = sorted({a for a, _, _ in find_place_spans(run)} | {run.find(f) for f in place_forms if f and f in run}
                   | {run.find(h) for h in _NATIONAL_HEADS if h in run})
    for at in heads:
        if at > 0 and not body_suffix(run[:at]):
            return run[at:]
    return run


def _specific(name: str) -> bool:
    suffix = body_suffix(name)
    if suffix in _AUTHORITY and suffix != "街道":  # 街道 is also a street: 主要街道, 老旧街道 name no office
        return True
    return any(tag.startswith(_PROPER_TAGS) or (tag.startswith("m") and len(word) >= 2 and not _COUNT.match(word))
               for word, tag in tagged(name[: -len(suffix)] or name))


def _name_start(text: str, end: int) -> int:
    """Walk left from a body's suffix over the words of its name (nouns, places, names, 和 between nouns), up
    to a verb, pronoun, particle or question word. The text before the suffix is tagged on its own: rjieba
    glues suffixes to what follows (工业和信息化部到 → 部到)."""
    tokens = tagged(text[:end])
    start, i = end, len(tokens) - 1
    while i >= 0 and end - start < 14:
        word, tag = tokens[i]
        joiner = (word in ("和", "与") and i > 0 and tokens[i - 1][1].startswith("n") and start < end
                  and not body_suffix(tokens[i - 1][0]))
        # A numeral-tagged word that counts nothing (万里 of 万里街道) can be part of a name; a count cannot, nor
        # the classifier after it.
        # An adverb ends it ("政府网站主动公开政府信息": 公开 is how, not whose).
        named = (tag.startswith(_NAME_TAGS) and tag != "ad") or (
            tag.startswith("m") and len(word) >= 2 and not _COUNT.match(word))
        counted = len(word) == 1 and word in _CLASSIFIERS and i > 0 and bool(_COUNT.match(tokens[i - 1][0]))
        if counted or not (joiner or (named and word not in _BOUNDARY_WORDS)):
            break
        start -= len(word)
        i -= 1
    return start


def law_core(title: str) -> str:
    """A law's title without 《》, 中华人民共和国 and version marks: 《中华人民共和国外商投资法》 → 外商投资法."""
    title = _VERSION.sub("", title.strip().strip("《》"))
    return title.removeprefix("中华人民共和国").strip()


def law_titles(question: str) -> list[tuple[str, tuple[str, ...]]]:
    """(title, forms) of the laws and policies a question names: 《…》, or an unmistakable title ending."""
    found: dict[str, tuple[str, ...]] = {}
    for m in _BRACKETED.finditer(question):
        core = law_core(m.group(1))
        if len(core) >= 3:
            found.setdefault(m.group(1), (core,))
    rest = _BRACKETED.sub("，", question)
    for m in _UNBRACKETED.finditer(rest):
        title = _TITLE_LEAD.sub("", m.group())
        if len(title) >= 5 and not _NOT_A_TITLE.match(title):
            found.setdefault(title, (law_core(title),))
    return list(found.items())
