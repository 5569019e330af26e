"""The answer gate: may these passages answer this question? Relevance (terms, asked datum, retrieval
signal) over the passages that stay within the question's scope (place, body, law, year).

One gate for every path: extractive and LLM answers, contacts, reply drafting and English questions all
receive the same Verdict, and every sentence they offer goes through `sentence_scope`."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from assistant.answering.place_mentions import NATIONAL
from assistant.answering.relevance import TermRelevance
from assistant.answering.scope_check import ScopeChecker, ScopeMatch
from assistant.query.intents import question_intents
from assistant.query.kinds import asked_kind
from assistant.query.scope import QuestionScope, question_scope
from assistant.stages import Verdict
from assistant.types import Contact, DocInfo, Hit

_NEAREST = 2  # out-of-scope passages shown, labelled, after a scope refusal


class ScopeGate:
    """known_regions: the regions the library covers (their short forms count as places in questions)."""

    def __init__(self, relevance: TermRelevance, min_relevance: float,
                 known_regions: Callable[[], Sequence[str]] = tuple, checker: ScopeChecker | None = None):
        self.relevance, self.min_relevance = relevance, min_relevance
        self.known_regions, self.checker = known_regions, checker or ScopeChecker()

    def scope(self, question: str) -> QuestionScope:
        return question_scope(question, tuple(self.known_regions()))

    def judge(self, question: str, hits: Sequence[Hit]) -> Verdict:
        scope = self.scope(question)
        asks_number = asked_kind(question) == "number" or "amount" in question_intents(question)
        if not hits:
            return Verdict(False, "no_hits", 0.0, scope, asks_number=asks_number)
        matches = [self.checker.passage(scope, h, asks_number) for h in hits]
        inside = [(h, m) for h, m in zip(hits, matches, strict=True) if m.ok]
        outside = [h for h, m in zip(hits, matches, strict=True) if not m.ok]
        def keep(hit: Hit, sentence: str) -> bool:
            return scope.empty or self.checker.sentence(scope, hit, sentence, asks_number, generated=False).ok

        # One asked place that the top passages match as itself or as a wider region whose rule applies there (a
        # 福建省 notice for 莆田市, a national one). A national rule must name the question's subject itself
        # (measured: without that, traps got unrelated national passages labelled as applying).
        wider = len(scope.places) == 1 and all(m.relation in ("same", "parent") for _, m in inside[:3])
        applies_to = (scope.places[0].forms or (scope.places[0].text,)) if wider else ()
        national = frozenset(h.chunk.chunk_id for h, m in inside[:3] if m.name == NATIONAL)
        relevance = self.relevance.score(question, [h for h, _ in inside], keep, applies_to,
                                         national) if inside else 0.0
        if relevance >= self.min_relevance:
            return Verdict(True, "ok", relevance, scope, tuple(h for h, _ in inside), tuple(m for _, m in inside),
                           asks_number=asks_number)
        if scope.empty:
            return Verdict(False, "irrelevant", relevance, scope, asks_number=asks_number)
        if not outside:
            # In-scope passages on topic whose sentences state the datum only for another year or place.
            loose = self.relevance.score(question, [h for h, _ in inside])
            reason = "out_of_scope" if loose >= self.min_relevance else "irrelevant"
            return Verdict(False, reason, relevance, scope, asks_number=asks_number)
        # Would the other places' passages answer the question without its scope? Then they are the nearest
        # facts a refusal may show, labelled as being about something else.
        unscoped = _without_scope(question, scope)
        near = self.relevance.score(unscoped, outside) if unscoped else 0.0
        nearest = tuple(outside[:_NEAREST]) if near >= self.min_relevance else ()
        return Verdict(False, "out_of_scope", relevance, scope, nearest=nearest, asks_number=asks_number)

    def sentence_scope(self, verdict: Verdict, hit: Hit, sentence: str, generated: bool = False) -> ScopeMatch:
        return self.checker.sentence(verdict.scope, hit, sentence, verdict.asks_number, generated)

    def contact_in_scope(self, scope: QuestionScope, contact: Contact, doc: DocInfo | None) -> ScopeMatch:
        """A contact answers only for the asked place or a place above it (and the asked body)."""
        return self.checker.contact(scope, contact, doc)


def _without_scope(question: str, scope: QuestionScope) -> str:
    text = question
    for item in scope.items:
        text = text.replace(item.text, " ")
    return re.sub(r"\s+", " ", text).strip(" 的")
