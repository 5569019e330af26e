"""The default answer generator: picks retrieved sentences that answer the question and cites each."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from assistant.answering.citations import make_citation
from assistant.answering.continuation import continuation
from assistant.answering.relevance import label_fit, passage_text, quantity_label
from assistant.answering.validity_notes import with_validity_dates
from assistant.query.figure_label import AskedFigure, asked_figure, document_frame
from assistant.query.figure_label import label_fit as figure_fit
from assistant.query.intents import DATUM, EVIDENCE, question_intents
from assistant.query.kinds import asked_kind, other_period, states_kind
from assistant.query.scope import question_scope
from assistant.query.terms import (
    SELF_REFERENCE,
    Term,
    coverage,
    match_strength,
    question_terms,
    with_pinyin_places,
)
from assistant.retrieval.sections import ChunksOf, asked_section_spans
from assistant.text.sentences import sentence_spans
from assistant.types import Chunk, Citation, Hit

EN_LEAD_IN = "According to the documents:"
Keep = Callable[[Hit, str], bool]
Labels = Callable[[Hit], str]

@dataclass(frozen=True)
class _Candidate:
    score: float
    rank: int  # index of the hit
    start: int
    end: int
    text: str
    evidence: bool  # has term overlap or the shape the question asks for
    datum: bool = False  # states the kind of datum the question asks for (an amount, a date, a phone…)
    beyond_frame: bool = False  # holds a question word its passage's title and heading do not
    follows: bool = False  # read on from the best sentence (continuation), not picked for its own words


def _near_duplicate(a: str, b: str) -> bool:
    """Same sentence repeated across versions or pages (character-bigram Jaccard ≥ 0.6)."""
    ga, gb = ({t[i : i + 2] for i in range(len(t) - 1)} for t in (a, b))
    return a in b or b in a or (bool(ga and gb) and len(ga & gb) / len(ga | gb) >= 0.6)


class ExtractiveGenerator:
    """Answers with the best sentences of the retrieved passages, each followed by its [n]."""

    def __init__(self, max_sentences: int = 4, today: dt.date | None = None, chunks_of: ChunksOf | None = None):
        """chunks_of (the catalog's): lets an item or sentence that runs past its passage's end be read on in the
        document's next passage though retrieval did not find it."""
        self.max_sentences = max_sentences
        self.today = today
        self.chunks_of = chunks_of

    def generate(self, question: str, hits: Sequence[Hit], language: str, keep: Keep | None = None,
                 labels: Labels | None = None) -> tuple[str, tuple[Citation, ...]]:
        """Deterministic answer text with [n] markers and the citations they point to. `keep(hit, sentence)`
        says whether a sentence may be offered (the answer gate's scope check); `labels(hit)` prefixes a
        passage's line (e.g. "（成都市政策，适用于温江区）")."""
        if not hits:
            return "", ()
        hits = list(hits)  # continuation appends the next passages it reads on into
        terms = with_pinyin_places(question_terms(question), hits)
        picked = self._pick(question, terms, question_intents(question), hits, keep)
        if keep is not None:  # continuations and heading replacements are sentences offered too
            picked = [c for c in picked if keep(hits[c.rank], c.text)]
        return self._compose(picked, hits, language, labels)

    def _pick(self, question: str, terms: Sequence[Term], intents: frozenset[str],
              hits: list[Hit], keep: Keep | None = None) -> list[_Candidate]:
        terms = _discriminative(terms, hits)
        kind = asked_kind(question)
        cands = sorted(
            (c for rank, hit in enumerate(hits)
             for c in _score_sentences(terms, intents, hit, rank, (kind, question))
             if keep is None or keep(hit, c.text)),
            key=lambda c: (-c.score, c.rank, c.start),
        )
        if not cands:
            return []
        best = cands[0]
        single = best.datum and (kind in _DATUM_KINDS or bool(intents & DATUM)) and not _wants_many(question, intents)
        # One datum asked and stated: at most one more sentence, and only one that states a datum too (a headline
        # may carry the figure of another clause; the sentence after it, the one asked for).
        budget = min(self.max_sentences, 2 if single else (4 if _wants_many(question, intents) else 3))
        follow = [_Candidate(best.score, r, s, e, hits[r].chunk.text[s:e], True, follows=True)
                  for r, s, e in continuation(hits, best.rank, best.start, best.end, question, budget, best.datum,
                                              self._next_passage, _wants_many(question, intents))]
        # A sentence the gate would drop takes no place from the sentences of other passages.
        picked = [best, *(c for c in follow if keep is None or keep(hits[c.rank], c.text))]
        for c in cands[1:]:
            # The best sentence's own passage continues its thought; other passages must nearly match it.
            floor = (0.55 if c.rank == best.rank else 0.75) * best.score
            if len(picked) >= budget or c.score < 0.55 * best.score:
                break
            # Another figure of the same park ("规划面积12平方公里") is not the one asked; but when the best sentence
            # only echoes the title (a headline with its dateline), the figure may well be in the next one.
            if single and not (c.datum and (c.beyond_frame or not best.beyond_frame)):
                continue
            if any(c.rank == p.rank and c.start == p.start for p in picked):
                continue
            if c.score >= floor and c.evidence and not any(_near_duplicate(c.text, p.text) for p in picked):
                picked.append(c)
        return _headings_replaced(picked, hits)

    def _next_passage(self, chunk: Chunk) -> Chunk | None:
        if self.chunks_of is None:
            return None
        nxt = next((c for c in self.chunks_of([chunk.doc.doc_id]) if c.ordinal == chunk.ordinal + 1), None)
        return nxt.with_doc(chunk.doc) if nxt is not None else None

    def _compose(self, picked: Sequence[_Candidate], hits: Sequence[Hit], language: str,
                 labels: Labels | None = None) -> tuple[str, tuple]:
        order: list[int] = list(dict.fromkeys(c.rank for c in picked))  # passages by their best sentence
        lines, citations = [], []
        for n, rank in enumerate(order, start=1):
            lead = next(c for c in picked if c.rank == rank)
            # The passage's best sentence first, then what follows it, then what came before it, in source order.
            group = sorted((c for c in picked if c.rank == rank), key=lambda c: (c is not lead, c.start < lead.start,
                                                                                  c.start))
            label = labels(hits[rank]) if labels else ""
            lines.append(label + "".join(f"{c.text}[{n}]" for c in group))
            spans = [(c.start, c.end) for c in group]
            quote = hits[rank].chunk.text[min(spans)[0] : max(e for _, e in spans)]  # one exact span covering all
            cite = make_citation(n, hits[rank], quote, today=self.today)
            citations.append(with_validity_dates(cite, hits[rank].chunk.doc))
        body = "\n".join(lines)
        text = f"{EN_LEAD_IN}\n{body}" if language == "en" and body else body
        return text, tuple(citations)


# Questions whose answer is several items or steps: a list, an introduction, a procedure, requirements.
_MANY = re.compile(r"哪些|哪几|有什么|有何|什么样|包括|介绍|如何|怎样|怎么|措施|要求|流程|步骤|条件|内容|情况"
                   r"|\bwhat are\b|\bwhich\b|\blist\b|\bhow (?:do|does|can|to|should)\b|\bdescribe\b", re.I)
_DATUM_KINDS = ("number", "date")
# Not "who": a government body (开发区管委会) is no name to the tagger, while a list of kinds of investors is.
_SHAPED_KINDS = ("number", "date", "where")
# A figure labelled with the asked quantity beats its neighbours (机关运行经费 next to 三公经费): measured on the
# table-figure dev split, where one passage's sentences differ by 0.1-0.2 in their other scores.
_FIGURE_FIT = 0.6
# "1." numbers a heading; "120.00万元" is an amount.
_ENDS_IN_HEADING = re.compile(r"(?:^|[\s：:])(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+(?:、|\.(?!\d)))[^，,；;。]{1,12}。?$")
# A sentence of the section the question names by its title outranks a preamble that repeats the question's other
# words (the document's title): as much as a passage's whole coverage may add (0.3).
_ASKED_SECTION = 0.3


def _wants_many(question: str, intents: frozenset[str]) -> bool:
    """A list, an introduction, a procedure or requirements: several sentences answer it."""
    return "list" in intents or bool(_MANY.search(question))


def _headings_replaced(picked: list[_Candidate], hits: Sequence[Hit]) -> list[_Candidate]:
    """A bare heading ("三、办事流程") says only what follows it is about: quote what follows instead. A sentence
    ending in one ("…特作如下决定： 一、强化疫情防控。") is kept, and what follows it added."""
    out: list[_Candidate] = []
    for c in picked:
        text = hits[c.rank].chunk.text
        after = next((replace(c, start=s, end=e, text=text[s:e], datum=False)
                      for s, e in sentence_spans(text) if s >= c.end), None)
        bare = len(c.text) < 14 and not c.datum and not c.follows  # "缓缴期间免征滞纳金。" goes on an item
        for d in ([after] if bare and after else [c, after] if after and _ENDS_IN_HEADING.search(c.text) else [c]):
            if not any(d.rank == o.rank and d.start == o.start for o in out):
                out.append(d)
    return out


def _discriminative(terms: Sequence[Term], hits: Sequence[Hit]) -> list[Term]:
    """Down-weight terms every passage contains (企业, 补贴): they cannot tell passages apart."""
    texts = [h.chunk.text.lower() for h in hits]
    out = []
    for t in terms:
        share = sum(match_strength(t, x) > 0 for x in texts) / len(texts) if texts else 0.0
        out.append(replace(t, weight=t.weight * (1 - 0.5 * share)))
    return out


def _score_sentences(terms: Sequence[Term], intents: frozenset[str], hit: Hit, rank: int,
                     asked: tuple[str | None, str] = (None, "")) -> list[_Candidate]:
    """Every sentence of the passage, scored by the question words it holds and whether it states the datum."""
    kind, question = asked
    text, doc = hit.chunk.text, hit.chunk.doc
    passage_bonus = 0.3 * coverage(terms, passage_text(hit)) + 0.1 / (1 + rank)
    # A place narrows the search but is not the answer: within a passage, let the other words decide.
    terms = [replace(t, weight=1.0) if t.place else t for t in terms]
    total = sum(t.weight for t in terms) or 1.0
    frame = f"{doc.title} {doc.region.label()} {hit.chunk.heading} {doc.file_name}"
    # The place, body or year the title (or file name) names holds for every sentence of the passage.
    scope_text = " ".join(i.text for i in question_scope(question).items) if question else ""
    in_scope = [t.place or (len(t.text) >= 2 and t.text in scope_text) for t in terms]
    given = [t.weight if s and match_strength(t, frame) else 0.0 for t, s in zip(terms, in_scope, strict=True)]
    # So do the title's other words: a preamble that repeats the title ("…关于…的安全提示 为贯彻落实…") is no better an
    # answer for them than the sentences of the section the question asks about. Not for a number or a date: the
    # sentence (or table row) stating it in the asked shape leads those, and its own words say which figure it is.
    if kind not in _DATUM_KINDS:
        given = [g or t.weight * match_strength(t, frame.lower()) for g, t in zip(given, terms, strict=True)]
    # The asked quantity is named by the question's other nouns (三公经费预算数): a figure right after them is
    # the one asked for, not its neighbour in the same row (机关运行经费预算数).
    label = quantity_label(terms, question) if question else []
    asked_fig = asked_figure(question, question_scope(question)) if kind == "number" else AskedFigure(frozenset())
    table_row, doc_frame = bool(hit.chunk.table), document_frame(hit)
    # And "本条例…" names the whole title: its words count as found in such a sentence.
    titled = [t.weight * match_strength(t, doc.title.lower()) for t in terms]
    # A section the question names by its title ("二、严格落实主体责任。在复工复产前…"): the title heads its sentences.
    sections = asked_section_spans(question, text, hit.chunk.heading) if question else []
    out = []
    for start, end in sentence_spans(text):
        sentence = text[start:end]
        found = [t.weight * match_strength(t, sentence.lower()) for t in terms]
        in_section = 0.0
        for title, lo, hi in sections:
            if lo <= start < hi:
                found = [max(f, t.weight * match_strength(t, title.lower())) for f, t in zip(found, terms, strict=True)]
                in_section = _ASKED_SECTION
        if SELF_REFERENCE.search(sentence):
            found = list(map(max, found, titled))
        own = sum(found) / total
        shape = max((EVIDENCE[i][1] for i in intents if EVIDENCE[i][0].search(sentence)), default=0.0)
        datum = shape > 0 and bool(intents & DATUM)
        # "规模有多大" → "总规模50亿元". A small bonus only: the kind is read from the question's wording, which
        # also matches questions that ask for no number ("规模较大的群体").
        # Whether it states the asked datum in the asked shape (GDP, not 人均GDP; a person next to the asked role),
        # as the answer gate reads it: the sentence that let the gate answer is the one the answer leads with.
        states = kind in _SHAPED_KINDS and own > 0 and states_kind(kind, sentence, question) and not (
            kind == "number" and other_period(question, sentence))
        if kind in _DATUM_KINDS and not shape and states:
            shape, datum = 0.25, True
        elif states:
            shape = max(shape, 0.25)
        # "有多少" / "什么时候" / "电话" want a datum: a sentence without one cannot answer, however on topic.
        lacks = 0.5 if (intents & DATUM and not shape) or (kind in _DATUM_KINDS and not states) else 1.0
        short = 0.3 if len(sentence) < 14 else 0.0  # bare headings like "第三条 支持企业落户。" say little
        score = lacks * sum(map(max, found, given)) / total + shape + passage_bonus - short + in_section
        if kind == "number" and label:
            score += 0.3 * label_fit(label, sentence, after=0)
        if asked_fig and datum:
            score += _FIGURE_FIT * figure_fit(asked_fig, sentence, doc_frame, table_row, hit.chunk.heading)
        beyond = any(f > t.weight * match_strength(t, frame.lower()) for t, f in zip(terms, found, strict=True))
        out.append(_Candidate(score, rank, start, end, sentence, own > 0 or shape > 0, datum, beyond))
    return out
