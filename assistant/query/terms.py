"""What a question asks about: content terms (Chinese and English, with a small glossary and pinyin place
names), intents (amount, date, contact, list…) and how well a passage covers them."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

import rjieba

from assistant.query.english_places import english_place
from assistant.query.wordlists import lines, pairs, words
from assistant.text.language import CJK
from assistant.types import Hit
from ingest.regions import short_forms

# Word lists are data (assistant/query/data/, each file says where it came from).
_STOP = words("stop_words_zh")  # function and question words: no evidence about the topic
_EN_STOP = words("stop_words_en")
_GENERIC = words("generic_words")  # domain words any policy passage contains: weak evidence
_SYNONYM_OF = {w: tuple(group.split()) for group in lines("synonyms") for w in group.split()}
_GLOSSARY = pairs("glossary_en_zh")  # English question word → the Chinese words a passage would use (matching only)
_EN_GENERIC = words("en_generic")
_EN_PHRASES = pairs("en_phrases")  # multi-word English names whose Chinese passages use one short form
_EN_PHRASE = re.compile("|".join(sorted(map(re.escape, _EN_PHRASES), key=len, reverse=True)), re.I)
_PLACE_SUFFIX = re.compile(r"[省市县区镇乡园港]$|新区$|开发区$|自贸区$")
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
    tag: str = ""  # the part-of-speech tag rjieba gave a Chinese word


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
    return Term(word, weight, alts, place, noun=tag[:1] in "njl" or tag in ("vn", "eng") or place, tag=tag)


def _english_term(word: str, capitalised: bool = False) -> Term | None:
    w = word.lower()
    if w in _EN_STOP:
        return None
    w = w[:-3] + "y" if w.endswith("ies") else (w[:-1] if w.endswith("s") and not w.endswith("ss") else w)
    if w in _EN_STOP or len(w) < 2:
        return None
    places = english_place(w)  # the gazetteer's divisions by pinyin: wenjiang → 温江
    if places:
        return Term(w, 1.5, (*places, w), place=True, name=capitalised)
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
    # Gazetteer pinyin places count as unknown here too: "Jinchuan" spells 金川区 and also the passages' 锦川.
    unknown = {t.text for t in terms if (t.alts == (t.text,) or t.place) and t.text.isascii() and t.text.isalpha()}
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
            t = replace(t, alts=(names[t.text], *t.alts))
        out.append(t)
    return out


def _frame(hit: Hit) -> str:
    return f"{hit.chunk.doc.title}\n{hit.chunk.text}"


# "3月2日云汐市", "2023年锦川县": the tokenizer glues a date's last character to an unknown name after it (日云汐市,
# 年锦川县), a word no passage has; the name is the word. Two-character words (年度, 日前) are left alone.
_DATE_GLUE = "年月日号"
_DATE_COMPOUND = "度底初末中内间份龄薪均会鉴报代限检货终产销前后来以起"  # 年度, 月底, 日前, 年均…: one word


def _unconfirmed_district_stems(question: str) -> frozenset[str]:
    """Short district names (新建, 合作, 城关) the gazetteer knows but did not accept as places in this
    question because no city or province of theirs is named nearby (see ingest.regions)."""
    from ingest.regions import district_stems, find_places

    stems = district_stems()
    named = {question[i : i + n] for n in _stem_lengths() for i in range(len(question) - n + 1)} & stems
    if not named:  # the common case: no gazetteer look-up of the question's places needed
        return frozenset()
    confirmed = {f for r in find_places(question) for n in r.names() for f in short_forms(n)}
    return frozenset(named - confirmed)


@lru_cache(maxsize=1)
def _stem_lengths() -> tuple[int, ...]:
    """The lengths district stems come in: a question is read by its substrings of these lengths (a few hundred
    set look-ups) instead of testing each of the gazetteer's ~3,000 stems against it."""
    from ingest.regions import district_stems

    return tuple(sorted({len(w) for w in district_stems()}))


@lru_cache(maxsize=4096)  # asked for several times per question (retrieval, the gate, the generator)
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
    before = ""  # the previous token's last character
    for token, tag in _glued(rjieba.tag(_EN_PHRASE.sub(" ", _TITLE.sub(" ", question)))):
        word, after_digit, before = token.strip(), before.isdigit(), token[-1:]
        if len(word) >= 3 and word[0] in _DATE_GLUE and word[1] not in _DATE_COMPOUND and after_digit:
            word = word[1:]
        if not word or not any(c.isalnum() for c in word):
            continue
        if word.isascii() and word.isalpha():
            term = _english_term(word, capitalised=word[0].isupper() and not first)
        else:
            word = _place_in(word) if tag == "ns" else word
            term = None if word in _STOP else _chinese_term(word, tag, unconfirmed)
        first = False
        if term and term.text not in terms:
            terms[term.text] = term
    return tuple(terms.values())


@lru_cache(maxsize=4096)
def _place_in(word: str) -> str:
    """The gazetteer's place inside a token the tagger glued a character to ("递交材料时深圳税务局" → 时深圳 → 深圳)."""
    from ingest.regions import find_place_spans

    spans = find_place_spans(word) if len(word) >= 3 else []
    if len(spans) == 1 and spans[0][1] - spans[0][0] >= 2 and len(word) - (spans[0][1] - spans[0][0]) == 1:
        return word[spans[0][0]: spans[0][1]]
    return word


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
    # A place's homophones all go in (lucheng → 潞城 鹿城); other words by their first Chinese form.
    words = [" ".join(a for a in t.alts if CJK.search(a)) if t.place else next((a for a in t.alts if CJK.search(a)), "")
             for t in question_terms(question)]
    return " ".join(w for w in words if w)


def match_strength(term: Term, hay: str) -> float:
    if term.text.isdigit():  # "4" must not match inside "2024"
        return 1.0 if re.search(rf"(?<!\d){term.text}(?!\d)", hay) else 0.0
    if any(a in hay or a.lower() in hay for a in term.alts):  # hay is lower-cased: G20 → g20
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
    """How many of the library's chunks contain a word: rare words are evidence, words in every chunk are not.
    The counts are the lexical index's document frequencies, kept when indexing: nothing here reads texts."""

    def __init__(self, doc_freq: Callable[[str], int], size: int):
        self.doc_freq, self.size = doc_freq, size
        self._df: dict[str, int] = {}

    def share(self, term: Term) -> float | None:
        """Share of chunks containing the term or one of its synonyms (0..1), None for an empty library."""
        if not self.size:
            return None
        if term.text not in self._df:
            alts = dict.fromkeys(a.lower() for a in term.alts)
            self._df[term.text] = min(self.size, sum(self.doc_freq(a) for a in alts))
        return self._df[term.text] / self.size

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
