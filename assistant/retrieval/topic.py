"""A second search for the asked quantity alone, within the documents of the question's scope.

"普陀区商务委员会2025年政府采购预算是多少？": every passage of that body's budget names 普陀区, 商务委员会 and 2025, so
the passages that name them most often (主要职能, 机构设置) outrank the one sentence or table row that states the
政府采购预算. Searching "政府采购预算" on its own finds that row; keeping only the passages within the question's
scope (the place, body and year, read from the passage and its document's title and file name) keeps another
body's row of the same name out."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from assistant.query.scope import QuestionScope
from assistant.types import Hit

Search = Callable[[str], Sequence[Hit]]  # query → fused hits, best first
InScope = Callable[[Hit], bool]


def asks_figure(question: str) -> bool:
    """How much / how many: the questions whose answer is one figure in one row or sentence (as the gate reads
    them: asked kind "number" or an amount intent). Lists and descriptions keep the one search."""
    from assistant.query.kinds import asked_kind
    from assistant.query.terms import question_intents

    return asked_kind(question) == "number" or "amount" in question_intents(question)


def topic_query(question: str, scope: QuestionScope) -> str:
    """The question without its scope items, when it names a place or body ("" otherwise: nothing to set aside)."""
    if not (scope.places or scope.bodies):
        return ""
    text = question
    for item in scope.items:
        text = text.replace(item.text, " ")
    return " ".join(text.split()).strip(" 的")


def with_topic_hits(pool: Sequence[Hit], topic: str, search: Search, in_scope: InScope) -> list[Hit]:
    """The pool plus the topic search's in-scope hits, each scaled so the best of them ties the pool's best: a
    passage found by both keeps its higher score."""
    found = [h for h in search(topic) if in_scope(h)] if topic else []
    if not found or not pool:
        return list(pool)
    scale = max(h.score for h in pool) / (max(h.score for h in found) or 1.0)
    best = {h.chunk.chunk_id: h for h in pool}
    for h in found:
        scaled = h.score * scale
        if h.chunk.chunk_id not in best or scaled > best[h.chunk.chunk_id].score:
            best[h.chunk.chunk_id] = replace(h, score=scaled)
    return sorted(best.values(), key=lambda h: -h.score)
