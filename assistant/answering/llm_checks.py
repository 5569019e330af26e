"""Checks of an LLM answer beyond markers and numbers: every sentence must stand on a passage it cites (its
words are there, it stays in the question's scope), and each citation quotes the sentence that supports it."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence

from assistant.answering.citation_check import CheckReport, drop_sentences
from assistant.text.language import CJK
from assistant.text.markers import MARKER
from assistant.text.numbers import extract_quantities, quantity_supported
from assistant.text.sentences import sentence_spans
from assistant.types import Hit

SentenceGate = Callable[[Hit, str], bool]  # (cited passage, sentence) → stays in the question's scope


def drop_unfounded(text: str, report: CheckReport, hits: Sequence[Hit],
                   in_scope: SentenceGate | None) -> tuple[str, int]:
    """Drop sentences that cite no passage, or whose cited passages are all about another place, body, law or
    year than the question's (the answer gate's sentence check): every sentence offered must stand on one."""
    if not report.sentences:
        return text, 0
    in_scope = in_scope or (lambda hit, sentence: True)
    flags = []
    for s in report.sentences:
        valid = [n for n in s.markers if n not in s.invalid_markers]
        plain = MARKER.sub("", s.sentence).strip()
        lead_in = plain.endswith(("：", ":")) and len(report.sentences) > 1
        supported = [n for n in valid if _shares_words(plain, hits[n - 1].chunk.text)]
        flags.append(not lead_in and (not supported or not any(in_scope(hits[n - 1], plain) for n in supported)))
    if not any(flags):
        return text, 0
    return drop_sentences(text, flags), sum(flags)


def _shares_words(sentence: str, passage: str) -> bool:
    """A Chinese sentence must be made of its cited passage's words: at least a third of its character
    bigrams appear there (an English answer over Chinese passages cannot be checked this way, so it passes)."""
    grams = {g for g in bigrams(sentence) if CJK.search(g)}
    return len(grams) < 4 or len(grams & bigrams(passage)) >= len(grams) / 3


def best_quote(chunk_text: str, claims: Sequence[str]) -> str:
    """The chunk sentence that best supports the claims (shared quantities first, then shared bigrams),
    widened to the neighbouring sentences that hold the claims' other quantities. Always a substring."""
    spans = sentence_spans(chunk_text) or [(0, len(chunk_text))]
    claim_text = MARKER.sub("", " ".join(claims))
    claim_grams = bigrams(claim_text)
    quantities = extract_quantities(claim_text)
    sentences = [chunk_text[a:b] for a, b in spans]

    def score(i: int) -> tuple[int, float]:
        grams = bigrams(sentences[i])
        shared = len(grams & claim_grams) / math.sqrt(max(1, len(grams)) * max(1, len(claim_grams)))
        return sum(quantity_supported(q, sentences[i]) for q in quantities), shared

    best = max(range(len(spans)), key=score)
    first = last = best
    for q in quantities:
        if not quantity_supported(q, sentences[best]):
            holders = [i for i, sentence in enumerate(sentences) if quantity_supported(q, sentence)]
            if holders:
                nearest = min(holders, key=lambda i: abs(i - best))
                first, last = min(first, nearest), max(last, nearest)
    return chunk_text[spans[first][0]:spans[last][1]]


def bigrams(text: str) -> set[str]:
    chars = re.sub(r"[^\w]", "", text.lower())
    return {chars[i:i + 2] for i in range(len(chars) - 1)}
