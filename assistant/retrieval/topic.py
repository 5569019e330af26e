"""A second search for the asked quantity alone, within the documents of the question's scope.

"普陀区商务委员会2025年政府采购预算是多少？": every passage of that body's budget names 普陀区, 商务委员会 and 2025, so
the passages that name them most often (主要职能, 机构设置) outrank the one sentence or table row that states the
政府采购预算. Searching "政府采购预算" on its own finds that row; keeping only the passages within the question's
scope (the place, body and year, read from the passage and its document's title and file name) keeps another
body's row of the same name out. Then the passages of the documents found whose figure is best labelled with the
asked quantity (query/figure_label.py) are made sure to be among the passages the answer is drawn from."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from assistant.query.figure_label import asked_figure, passage_fit
from assistant.query.scope import QuestionScope
from assistant.types import Hit

Search = Callable[[str], Sequence[Hit]]  # query → fused hits, best first
InScope = Callable[[Hit], bool]
_LABELLED = 0.5  # a figure's label holds most of the asked quantity's words and little else (figure_label.label_fit)
_NEAR_BEST = 0.05  # as well labelled as the best one: the same row in another table (收入 and 支出 总表)
_BROUGHT_IN = 2  # at most this many of the top passages make way


def asks_figure(question: str) -> bool:
    """How much / how many: the questions whose answer is one figure in one row or sentence (as the gate reads
    them: asked kind "number" or an amount intent). Lists and descriptions keep the one search."""
    from assistant.query.intents import question_intents
    from assistant.query.kinds import asked_kind

    return asked_kind(question) == "number" or "amount" in question_intents(question)


def topic_query(question: str, scope: QuestionScope) -> str:
    """The asked quantity alone (the question without its scope items and asking words: "城乡社区支出预算数"), when
    the question names a place or body ("" otherwise: nothing to set aside)."""
    if not (scope.places or scope.bodies or scope.offices):
        return ""
    return asked_figure(question, scope).text


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


def with_labelled_figures(top: Sequence[Hit], ranked: Sequence[Hit], question: str, scope: QuestionScope,
                          in_scope: InScope) -> list[Hit]:
    """The top passages, with the in-scope passages of the same documents whose figure is best labelled with the
    asked quantity brought in from further down (in place of the last ones). A search for "城乡社区支出预算数" ranks the prose about its
    sub-items (其他城乡社区支出…, the words repeated) above the one table row "城乡社区支出：支出预算合计
    119,385,303元" that states it; the answer can only quote a passage it is given."""
    asked = asked_figure(question, scope)
    docs = {h.chunk.doc.doc_id for h in top}  # where retrieval found the whole question: the body's own documents
    fits = {h.chunk.chunk_id: passage_fit(asked, h) if h.chunk.doc.doc_id in docs else 0.0 for h in ranked}
    best = max(fits.values(), default=0.0)
    if best < _LABELLED:
        return list(top)
    have = {h.chunk.chunk_id for h in top}
    near = [h for h in ranked if fits[h.chunk.chunk_id] >= best - _NEAR_BEST]
    missing = [h for h in near if h.chunk.chunk_id not in have and in_scope(h)][:_BROUGHT_IN]
    if not missing:
        return list(top)
    keep = len(top) - len(missing)
    return list(top[:keep]) + missing
