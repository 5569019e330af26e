"""What a question asks about: content terms (Chinese and English, with a small glossary and pinyin place
names), intents (amount, date, contact, list…) and how well a passage covers them."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

import rjieba

from assistant.answering.refusal import is_contact_question
from assistant.text.language import CJK
from assistant.types import Hit
from ingest.regions import short_forms

# Function words and question words carry no evidence about the topic.
_STOP = frozenset(
    "的 了 是 在 有 和 与 及 或 吗 呢 吧 啊 呀 么 嘛 啥 我 我们 你 您 你们 他 她 它 它们 他们 请问 请 想 想要 了解 一下 "
    "知道 告诉 什么 怎么 怎么样 怎样 如何 哪 哪些 哪里 哪儿 哪个 哪家 多少 几 谁 为什么 是否 能否 可以 能 会 要 需要 "
    "对 对于 关于 有关 给 这 那 这个 那个 这些 那些 这里 那里 其 该 些 个 一 上 中 下 等 都 也 还 就 又 具体 主要 "
    "情况 问题 内容 方面 相关 现在 目前 可 一些 有没有 没有 是不是 能不能 多 如果 时候 的话 呢 吗 那么 以及 还有 "
    "有何 何 年 月 日 号 人 当 来 次 种 时间 日期 哪天 哪年 何时 能拿 拿 从 起 开始 一共 总共 共 到底 究竟 多长时间 多久 多长 "
    "多少时间 用了 到 数是".split()
)
_EN_STOP = frozenset(
    "a an the of in on at for to from by with and or is are was were be been do does did what which who whom whose "
    "where when why how much many there here it its this that these those i me my we our you your they them their "
    "can could will would should may might please tell about any some get give offer provide available kind type "
    "like know want need more other all also if as than into out up s get got must still now currently does let "
    "whether within take taken".split()
)
# Domain words any policy passage contains: weak evidence that a passage is on topic.
_GENERIC = frozenset(
    "企业 公司 政策 项目 发展 支持 规定 办法 措施 优惠 优惠政策 园区 工作 服务 提供 给予 单位 市场 "
    "城市 地区 国家 全国 地方 区域 当地 中国 我国 全省 全市".split()
)
_SYNONYMS = (  # groups of words a passage may use for the question's word
    "补贴 补助 奖励 资助 奖补 扶持 补贴资金|联系方式 电话 联系人 联系 咨询 热线|地址 位于 坐落 地点 在哪|"
    "到期 有效期 有效 施行 废止 截止 期限|租金 房租 租赁|贷款 融资 贴息|落户 入驻 引进 新引进 新落户"
).split("|")
_SYNONYM_OF = {w: tuple(group.split()) for group in _SYNONYMS for w in group.split()}
# English question words mapped to the Chinese words a passage would use (matching only, never shown).
_GLOSSARY = dict(  # "english=中文/中文": what an English question word looks like in a Chinese passage
    pair.split("=")
    for pair in """subsidy=补贴/补助/资助/奖补 grant=补贴/补助/资助 reward=奖励 award=奖励 bonus=奖励 prize=奖励
    incentive=奖励/补贴/扶持/优惠 support=支持/扶持 tax=税 rent=租金/房租/租赁 office=办公 land=土地/用地 loan=贷款
    financing=融资 finance=融资/金融 fund=基金/资金 interest=贴息/利息 talent=人才 housing=住房/公寓/安家 apartment=公寓
    park=园区/产业园/开发区 zone=开发区/园区/新区 district=区 city=市 province=省 county=县 contact=联系 phone=电话
    telephone=电话 address=地址/位于 located=位于/地址 expire=有效期/到期/截止 expiry=有效期/到期 valid=有效期/施行
    effective=施行/生效 effect=施行/生效 deadline=截止/期限 chip=集成电路/芯片/半导体 semiconductor=半导体/集成电路/芯片
    integrated=集成 circuit=电路 software=软件 manufacturing=制造 factory=厂房/工厂 plant=厂房/工厂 workshop=厂房
    building=楼宇/厂房 headquarter=总部 research=研发 startup=创业/初创 export=出口 trade=贸易/外贸
    foreign=外资/外商 apply=申报/申请 application=申报/申请 equipment=设备 investment=投资 invest=投资 investor=投资
    relocation=落户/迁入/入驻 relocate=落户/迁入 settle=落户/入驻 new=新 optical=光 communication=通信 telecom=通信
    project=项目 area=面积 size=面积 planned=规划 industry=产业 industrial=产业/工业 registered=注册 design=设计
    maximum=最高 max=最高 annual=年 first=首次 talent=人才 biomedicine=生物医药 pharmaceutical=医药
    artificial=人工智能 intelligence=智能 data=数据 digital=数字 energy=能源 vehicle=汽车 automotive=汽车
    battery=电池 logistics=物流 patent=专利 listing=上市 ipo=上市 policy=政策/措施/办法 measure=措施
    regulation=条例/规定 company=企业/公司 enterprise=企业 firm=企业/公司 business=企业 large=大型 small=中小/小
    medium=中小 sme=中小企业 pay=支付/付款 payment=支付/款项/付款 goods=货物 service=服务 day=日/天 month=月 year=年
    negative=负面 list=清单/目录 system=制度/体系 management=管理 foreign=外资/外商/外国 investor=投资者/投资
    prohibited=禁止 prohibit=禁止 restricted=限制 restrict=限制 field=领域 sector=领域/行业 law=法 rule=规定/规则
    signed=签约/签署 sign=签约/签署 signing=签约 contract=合同/签约 total=总/共 value=额/值 amount=金额/额
    matching=对接 docking=对接 event=活动 conference=大会/会议 forum=论坛 expo=博览会/博会 exhibition=展览/博览
    smart=智能/智慧 intelligent=智能 connected=网联/互联 innovation=创新 center=中心 centre=中心 key=重点/关键
    electronic=电子 information=信息 additional=追加/新增 capital=资本/资金 registered=注册 approval=审批
    approve=审批 working=工作 complete=办结/完成 procedure=流程/程序 process=流程 agreement=协议 scale=规模
    matrix=矩阵 optoelectronic=光电 photoelectric=光电 optoelectronics=光电 photonics=光电/光子 aerospace=航空航天
    satellite=卫星 material=材料 equipment=装备/设备 high=高 tech=技术/科技 technology=技术/科技 national=国家
    recognized=认定 certified=认定 phd=博士 doctoral=博士 master=硕士 graduate=研究生/毕业生 settlement=安家/落户
    household=户 accounts=账款 receivable=应收 debt=债权/债务 confirm=确认 complaint=投诉 dispute=争议/纠纷
    government=政府 agency=机关/部门 department=部门 commission=委员会 committee=委员会
    bureau=局 procurement=采购 purchase=采购 treatment=待遇 entry=准入 access=准入 establish=设立
    established=设立 development=开发/发展 economic=经济 economy=经济 promotion=促进 protection=保护 protect=保护
    property=产权/财产 intellectual=知识 operating=营业/经营 revenue=收入/营收 income=收入/所得 profit=利润
    growth=增长 output=产值 employee=员工/职工 worker=职工/工人 job=就业/岗位 employment=就业 training=培训
    china=中国 chinese=中国 national=国家/全国 state=国家/国务院 council=国务院 municipal=市 provincial=省""".split()
)
_EN_GENERIC = frozenset("policy company enterprise business new first annual district city province".split())
EN_PLACES = dict(
    pair.split(":")
    for pair in "beijing:北京 shanghai:上海 shenzhen:深圳 guangzhou:广州 guangdong:广东 chengdu:成都 sichuan:四川 "
    "chongqing:重庆 hangzhou:杭州 zhejiang:浙江 wenzhou:温州 lucheng:鹿城 suzhou:苏州 nanjing:南京 jiangsu:江苏 "
    "wuhan:武汉 tianjin:天津 xian:西安 hefei:合肥 qianhai:前海 pudong:浦东 tianfu:天府 hainan:海南".split()
)
# Multi-word English names whose Chinese passages use one short form (京津冀, 长三角, 负面清单).
_EN_PHRASES = dict(p.split("=") for p in (
    "beijing-tianjin-hebei=京津冀", "jing-jin-ji=京津冀", "yangtze river delta=长三角", "greater bay area=大湾区",
    "pearl river delta=珠三角", "chengdu-chongqing=成渝", "belt and road=一带一路", "free trade zone=自贸",
    "free trade pilot zone=自由贸易试验区", "high-tech zone=高新区", "negative list=负面清单"))
_EN_PHRASE = re.compile("|".join(sorted(map(re.escape, _EN_PHRASES), key=len, reverse=True)), re.I)
_PLACE_SUFFIX = re.compile(r"[省市县区镇乡园港]$|新区$|开发区$|自贸区$")
_INTENTS = {
    "amount": re.compile(r"多少|金额|补贴|补助|奖励|资助|奖补|how much|amount|subsid|grant|reward", re.I),
    "list": re.compile(r"哪些|哪几|有什么|\bwhich\b|\bwhat are\b|\blist\b", re.I),
    "date": re.compile(r"什么时候|何时|哪天|哪年|到期|期限|有效期|截止|施行|\bwhen\b|deadline|expir|\buntil\b", re.I),
    "where": re.compile(r"在哪|哪里|位于|地址|\bwhere\b|\blocated\b|\blocation\b", re.I),
    "effective": re.compile(r"施行|生效|实施|effective|take effect|in force", re.I),
    "validity": re.compile(r"还有效|有效吗|有效期|过期|到期|失效|still valid|\bvalid\b|expir", re.I),
}
# What a sentence that satisfies each intent looks like, with how much it is preferred.
EVIDENCE = {
    "amount": (re.compile(r"\d+(?:\.\d+)?\s*(?:万元|亿元|元|万|%|％)|百分之|[一二三四五六七八九十百千]+万元"), 0.5),
    "list": (re.compile(r"[\u4e00-\u9fff]、[\u4e00-\u9fff].*、|；|一是|二是|（一）|（二）|(?:^|[\s：:])[1-9][\.、]"), 0.35),
    "contact": (re.compile(r"\d{3,4}-\d{7,8}|1[3-9]\d{9}|电话|热线|专线|联系人|邮箱|@|(?<![\d.])\d{7,8}(?![\d.])"), 0.5),
    "date": (re.compile(r"\d{4}年\d{1,2}月|\d{4}-\d{1,2}-\d{1,2}|起施行|有效期"), 0.5),
    "where": (re.compile(r"位于|地址|坐落|路\d*号|大道|街道"), 0.4),
    # "本条例自2025年6月1日起施行" answers "when does it take effect", not the header's adoption date.
    "effective": (re.compile(r"\d{4}年\d{1,2}月(?:\d{1,2}日)?起?(?:施行|生效|实施)|(?:施行|生效|实施)[^。；]{0,8}\d{4}年"), 1.0),
    "validity": (re.compile(r"有效期(?:至|到|为|截至)[^。；]{0,8}\d{4}年|\d{4}年\d{1,2}月(?:\d{1,2}日)?(?:止|起)?(?:废止|失效|到期)"), 1.0),
}
DATUM = frozenset({"amount", "date", "contact", "where", "effective", "validity"})
# "本条例" / "本办法" in a sentence stands for the document's title.
SELF_REFERENCE = re.compile(r"本(?:法|条例|办法|措施|规定|政策|细则|决定|意见|通知|方案)")
_CJK_RUN = re.compile(r"[\u3400-\u9fff]{2,}")
_TITLE = re.compile(r"(?<=《)[^》]{1,60}(?=》)")


@dataclass(frozen=True)
class Term:
    """One content word of a question: what counts as finding it in a passage, and how much it weighs."""

    text: str
    weight: float
    alts: tuple[str, ...]
    place: bool = False
    name: bool = False  # an English proper noun outside the glossary (Jinchuan, Tesla): a place or a body
    noun: bool = True  # a missing noun is a missing topic; a missing verb (出台, 能拿) is often just phrasing


def _chinese_term(word: str, tag: str, unconfirmed: frozenset[str] = frozenset()) -> Term:
    place = word not in _GENERIC and len(word) >= 2 and (tag == "ns" or bool(_PLACE_SUFFIX.search(word)))
    if place and word in unconfirmed:
        place = False  # "新建" is also 南昌市新建区, but without its city nearby it is just "newly built"
    alts = _SYNONYM_OF.get(word, (word,))
    if place and len(word) >= 3 and (word[-1] in "省市县" or (word[-1] == "区" and len(word) == 3 and word[1] != "新")):
        alts = (word, word[:-1])  # 成都市 is often written 成都, 鹿城区 鹿城
    if place:
        weight = 1.5  # and a place no passage mentions halves relevance (see relevance())
    elif word.isdigit():
        # Years and single digits are everywhere in policy text; other numbers (500强, 1000万) are specific.
        weight = 0.3 if len(word) == 1 else (1.0 if re.fullmatch(r"(19|20)\d\d", word) else 2.0)
    elif any(c.isdigit() for c in word):
        weight = 2.0
    else:
        weight = 0.5 if word in _GENERIC else (0.3 if len(word) == 1 else 1.0)
    return Term(word, weight, alts, place, noun=tag[:1] in "njl" or tag in ("vn", "eng") or place)


def _english_term(word: str, capitalised: bool = False) -> Term | None:
    w = word.lower()
    if w in _EN_STOP:
        return None
    w = w[:-3] + "y" if w.endswith("ies") else (w[:-1] if w.endswith("s") and not w.endswith("ss") else w)
    if w in _EN_STOP or len(w) < 2:
        return None
    if w in EN_PLACES:
        return Term(w, 1.5, (EN_PLACES[w], w), place=True)
    if w in _GLOSSARY:
        return Term(w, 0.5 if w in _EN_GENERIC else 1.0, (*_GLOSSARY[w].split("/"), w))
    # Not in the glossary: off the domain (France, cup) unless it spells a name the passages hold in pinyin.
    return Term(w, 1.0, (w,), name=capitalised)


@lru_cache(maxsize=4096)
def _pinyin(name: str) -> str:
    from pypinyin import lazy_pinyin  # imported on the first English question only (~0.3 s)

    return "".join(lazy_pinyin(name)).lower()


@lru_cache(maxsize=512)
def _pinyin_words(text: str) -> dict[str, str]:
    """pinyin → the 2-4 character Chinese word it spells, for every such run in a passage (names are short)."""
    from pypinyin import lazy_pinyin

    out: dict[str, str] = {}
    for run in _CJK_RUN.findall(text):
        syllables = lazy_pinyin(run)
        if len(syllables) != len(run):
            continue
        for n in (2, 3, 4):
            for i in range(len(run) - n + 1):
                out.setdefault("".join(syllables[i : i + n]), run[i : i + n])
    return out


def with_pinyin_places(terms: Sequence[Term], hits: Sequence[Hit]) -> list[Term]:
    """Unknown English words that spell a retrieved document's place in pinyin ("Wenjiang") become that place;
    proper nouns that spell a word of the passages ("Jinchuan" → 锦川, "Meiyadi" → 美亚迪) become that word."""
    unknown = {t.text for t in terms if t.alts == (t.text,) and t.text.isascii() and t.text.isalpha()}
    if not unknown:
        return list(terms)
    places = {}
    for hit in hits:
        for name in hit.chunk.doc.region.names():
            short = re.sub(r"(省|市|区|县)$", "", name) if len(name) > 2 else name
            places.setdefault(_pinyin(short), short)
    names: dict[str, str] = {}
    for t in terms:
        if t.name and t.text in unknown and t.text not in places and len(t.text) >= 4:
            names.update((t.text, w) for h in hits[:5] if (w := _pinyin_words(_frame(h)).get(t.text)))
    out = []
    for t in terms:
        if t.text in places and t.text in unknown:
            t = Term(t.text, 1.5, (places[t.text], t.text), True)
        elif t.text in names:
            t = replace(t, alts=(names[t.text], t.text))
        out.append(t)
    return out


def _frame(hit: Hit) -> str:
    return f"{hit.chunk.doc.title}\n{hit.chunk.text}"


def _unconfirmed_district_stems(question: str) -> frozenset[str]:
    """Short district names (新建, 合作, 城关) the gazetteer knows but did not accept as places in this
    question because no city or province of theirs is named nearby (see ingest.regions)."""
    from ingest.regions import district_stems, find_places

    confirmed = {f for r in find_places(question) for n in r.names() for f in short_forms(n)}
    return frozenset(w for w in district_stems() if w in question and w not in confirmed)


def question_terms(question: str) -> tuple[Term, ...]:
    """The question's content terms (rjieba tokens minus stopwords and question words), weighted."""
    terms: dict[str, Term] = {}
    for title in _TITLE.findall(question):  # a named work or policy is one specific term, not its pieces
        terms[title] = Term(title, 2.5, (title,))
    for m in _EN_PHRASE.finditer(question):
        key = m.group().lower()
        terms[key] = Term(key, 1.5, (_EN_PHRASES[key], key))
    first = True
    unconfirmed = _unconfirmed_district_stems(question)
    for word, tag in _glued(rjieba.tag(_EN_PHRASE.sub(" ", _TITLE.sub(" ", question)))):
        word = word.strip()
        if not word or not any(c.isalnum() for c in word):
            continue
        if word.isascii() and word.isalpha():
            term = _english_term(word, capitalised=word[0].isupper() and not first)
        else:
            term = None if word in _STOP else _chinese_term(word, tag, unconfirmed)
        first = False
        if term and term.text not in terms:
            terms[term.text] = term
    return tuple(terms.values())


_PREFIX_TAGS = ("n", "ng", "b", "a", "vn", "j")
_FUNCTION_TAGS = ("p", "c", "u", "r", "d", "m", "q", "x", "y", "e", "o", "f")  # 母+基金, 新+能源, 总+部: a one-character prefix of a noun


def _glued(tagged: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """rjieba splits rarer compounds (母基金 → 母 / 基金): a lone CJK character that is no function word,
    followed by a noun, is one word with it — 母基金 is the topic; 母 alone matches any passage."""
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(tagged):
        word, tag = tagged[i]
        nxt = tagged[i + 1] if i + 1 < len(tagged) else None
        lone = nxt and len(word) == 1 and CJK.match(word) and word not in _STOP and CJK.match(nxt[0])
        # 昇兴 → 昇 / 兴: two lone characters outside the dictionary are one name
        pair = lone and len(nxt[0]) == 1 and nxt[0] not in _STOP and not tag.startswith(_FUNCTION_TAGS) \
            and not nxt[1].startswith(_FUNCTION_TAGS)
        if lone and (pair or (tag.startswith(_PREFIX_TAGS) and nxt[1].startswith("n") and nxt[0] not in _STOP)):
            out.append((word + nxt[0], nxt[1]))
            i += 2
            continue
        out.append((word, tag))
        i += 1
    return out


def glossary_query(question: str) -> str:
    """The Chinese words the glossary knows for an English question's terms (for BM25); "" if none."""
    words = [next((a for a in t.alts if CJK.search(a)), "") for t in question_terms(question)]
    return " ".join(w for w in words if w)


def question_intents(question: str) -> frozenset[str]:
    """Which kind of answer the question wants: amount, list, contact, date, where."""
    found = {name for name, pattern in _INTENTS.items() if pattern.search(question)}
    if is_contact_question(question):
        found.add("contact")
    return frozenset(found)


def match_strength(term: Term, hay: str) -> float:
    if term.text.isdigit():  # "4" must not match inside "2024"
        return 1.0 if re.search(rf"(?<!\d){term.text}(?!\d)", hay) else 0.0
    if any(a in hay for a in term.alts):
        return 1.0
    if len(term.text) >= 3 and CJK.search(term.text) and not term.place:  # 苏州工业园区 is not half of 园区
        # Partial credit for long words the passage splits differently (信息产业 vs 信息技术产业).
        grams = [term.text[i : i + 2] for i in range(len(term.text) - 1)]
        return 0.8 * sum(g in hay for g in grams) / len(grams)
    return 0.0


def coverage(terms: Sequence[Term], hay: str) -> float:
    """Weighted share of the terms found in a text (0..1)."""
    total = sum(t.weight for t in terms)
    hay = hay.lower()
    return sum(t.weight * match_strength(t, hay) for t in terms) / total if total else 0.0


class TermStats:
    """How many of the library's chunks contain a word: rare words are evidence, words in every chunk are not."""

    def __init__(self, texts: Sequence[str]):
        self.texts = [t.lower() for t in texts]
        self._df: dict[str, int] = {}

    def share(self, term: Term) -> float | None:
        """Share of chunks containing the term (0..1), None for an empty library."""
        if not self.texts:
            return None
        if term.text not in self._df:
            self._df[term.text] = sum(match_strength(term, t) >= 1.0 for t in self.texts)
        return self._df[term.text] / len(self.texts)

    def informative(self, terms: Sequence[Term]) -> list[Term]:
        """Terms weighted by how informative they are in this library. A word no chunk contains is, for a
        noun or a place, a topic the library lacks (kept); for a verb (出台, 能拿) mere phrasing (nearly dropped)."""
        out = []
        for t in terms:
            share = self.share(t)
            if share is None or t.place or t.name:
                out.append(t)
            elif share == 0:
                out.append(t if t.noun else replace(t, weight=t.weight * 0.2))
            else:
                # 1.0 for words in ≤5% of chunks, down to 0.4 for words in half of them or more.
                factor = 1.0 - 0.6 * min(1.0, max(0.0, math.log(share / 0.05) / math.log(10)))
                out.append(replace(t, weight=t.weight * factor))
        return out
