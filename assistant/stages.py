"""The stage protocols the Assistant composes: retrieve → rerank → judge (the answer gate) → generate.

Each seam has an offline default and can be swapped (factory.py picks implementations from settings)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from assistant.answering.scope_check import ScopeMatch
from assistant.query.scope import QuestionScope
from assistant.types import Answer, Filters, Hit

History = Sequence[tuple[str, str]]


class Retriever(Protocol):
    def retrieve(self, query: str, k: int, filters: Filters | None = None) -> list[Hit]:
        """The best `k` passages for the query (k may be more than the generator gets: rerankers cut)."""
        ...


class Reranker(Protocol):
    def rerank(self, query: str, hits: Sequence[Hit]) -> list[Hit]:
        """The same hits, reordered (and rescored) by what retrieval alone cannot see."""
        ...


@dataclass(frozen=True)
class Verdict:
    """What the answer gate decided. `hits` are the in-scope passages a generator may use (with their scope
    matches); `nearest` are out-of-scope passages that would have answered, for a labelled refusal."""

    answerable: bool
    reason: str  # "ok" | "no_hits" | "irrelevant" | "out_of_scope"
    relevance: float
    scope: QuestionScope
    hits: tuple[Hit, ...] = ()
    matches: tuple[ScopeMatch, ...] = ()
    nearest: tuple[Hit, ...] = ()
    asks_number: bool = False

    def match_for(self, hit: Hit) -> ScopeMatch:
        for h, m in zip(self.hits, self.matches, strict=False):
            if h.chunk.chunk_id == hit.chunk.chunk_id:
                return m
        return ScopeMatch(True)


class AnswerGate(Protocol):
    def judge(self, question: str, hits: Sequence[Hit]) -> Verdict:
        """Relevance, asked datum and scope of the passages for this question."""
        ...

    def sentence_scope(self, verdict: Verdict, hit: Hit, sentence: str, generated: bool = False) -> ScopeMatch:
        """Whether one sentence of a passage (or, generated, of an LLM answer citing it) stays in the question's
        scope."""
        ...


class Generator(Protocol):
    def generate(self, question: str, verdict: Verdict, history: History, language: str,
                 base: Answer) -> Iterator[str | Answer]:
        """Text deltas, then exactly one final Answer built on `base` (question, hits, language filled in)."""
        ...
