"""The generator stage: extractive (default), LLM (checked), and the fallback that returns the extractive answer
when the LLM fails. Both see only the gate's in-scope passages and offer only sentences the gate keeps."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Iterator
from dataclasses import replace

from assistant.answering.english_answer import english_answer
from assistant.answering.extractive import EN_LEAD_IN, ExtractiveGenerator
from assistant.answering.gate import ScopeGate
from assistant.answering.llm import with_notice
from assistant.answering.series_note import SeriesYear, YearSeries, newest_only, series_label
from assistant.answering.validity_notes import validity_warnings
from assistant.query.english_places import english_name
from assistant.stages import History, Verdict
from assistant.text.instructions import is_instruction
from assistant.text.sentences import is_heading
from assistant.types import Answer, Citation, Hit

_UNREACHABLE = re.compile(r"timed out|took longer|connection failed|HTTP 5\d\d")


def scope_label(verdict: Verdict, hit: Hit, language: str) -> str:
    """"（成都市政策，适用于温江区）" for a passage from a wider place; "" when it is the asked place's own."""
    match = verdict.match_for(hit)
    asked = "、".join(p.label for p in verdict.scope.places)
    if not asked or match.relation not in ("parent", "child"):
        return ""
    if language == "en":
        asked = ", ".join(english_name(p.label) for p in verdict.scope.places)
        name = english_name(match.name)
        kind = "national rule" if match.name == "全国" else f"rule of {name}"
        return f"({kind}, applies to {asked}) " if match.relation == "parent" else f"({name}, within {asked}) "
    if match.relation == "parent":
        return f"（{'国家层面规定' if match.name == '全国' else match.name + '政策'}，适用于{asked}）"
    return f"（{match.name}的情况）"


def asked_years(verdict: Verdict) -> frozenset[int]:
    """The years the question names (2024年, 2021-2025年): their yearly documents are the versions asked for."""
    return frozenset(y for item in verdict.scope.years for y in range(item.years[0], item.years[1] + 1))


def _heading(hit: Hit, sentence: str) -> bool:
    """The sentence is its passage's heading ("第二条　厂房租金补贴。"): it names a clause, it does not answer."""
    at = hit.chunk.text.find(sentence)
    return at >= 0 and is_heading(hit.chunk.text, at, at + len(sentence))


def with_scope(citation: Citation, verdict: Verdict, hit: Hit) -> Citation:
    match = verdict.match_for(hit)
    return replace(citation, scope=match.relation if not verdict.scope.empty else "",
                   scope_name=match.name if match.relation in ("parent", "child") else "")


class ExtractiveAnswerer:
    """The default generator: cited sentences of the in-scope passages, each one kept by the gate."""

    def __init__(self, extractive: ExtractiveGenerator, gate: ScopeGate, today: dt.date | None = None,
                 series: YearSeries | None = None):
        self.extractive, self.gate, self.today, self.series = extractive, gate, today, series

    def series_years(self, verdict: Verdict) -> dict[str, SeriesYear]:
        """No year asked: which year of a yearly series (budget, annual report) each passage is from."""
        return self.series.of(verdict.hits) if self.series is not None and not verdict.scope.years else {}

    def answer(self, question: str, verdict: Verdict, language: str, base: Answer) -> Answer:
        """The checked extractive answer; an empty refusal (text "") when no sentence stays in scope."""
        years = self.series_years(verdict)
        hits = newest_only(years, list(verdict.hits))
        text, cits = self.extractive.generate(
            question, hits, language,
            # Document text is data: a sentence that gives orders (prompt injection) is never offered.
            keep=lambda hit, sentence: (not is_instruction(sentence) and not _heading(hit, sentence)
                                        and self.gate.sentence_scope(verdict, hit, sentence).ok),
            labels=lambda hit: scope_label(verdict, hit, language) + series_label(years, hit, language))
        if not cits:
            return replace(base, text="", citations=(), grounded=False, mode="refusal")
        by_chunk = {h.chunk.chunk_id: h for h in hits}
        # A passage read on past the end of one found (an item the chunker cut) is scoped as the one it continues.
        by_chunk |= {c.chunk_id: next(h for h in hits if h.chunk.doc.doc_id == c.doc_id)
                     for c in cits if c.chunk_id not in by_chunk}
        cits = tuple(with_scope(c, verdict, by_chunk[c.chunk_id]) for c in cits)
        if language == "en":  # the quotes stay Chinese; an English line says what and where each one is
            text = english_answer(text, cits, by_chunk, lead=EN_LEAD_IN)
        return replace(base, text=text, citations=cits, grounded=True, mode="extractive",
                       warnings=validity_warnings(cits, language, self.today, asked_years(verdict)))

    def generate(self, question: str, verdict: Verdict, history: History, language: str,
                 base: Answer) -> Iterator[str | Answer]:
        answer = self.answer(question, verdict, language, base)
        # Stream line by line so the UI shows progress the same way as with an LLM.
        yield from (ln for ln in answer.text.splitlines(keepends=True) if ln)
        yield answer


class FallbackGenerator:
    """The LLM writes the answer from the in-scope passages; its sentences are checked (markers, numbers,
    scope) and on any failure the extractive answer is returned with a notice."""

    def __init__(self, llm, extractive: ExtractiveAnswerer, today: dt.date | None = None, cooldown: float = 60.0):
        self.llm, self.extractive, self.today, self.cooldown = llm, extractive, today, cooldown
        self._down_until = 0.0  # after a timeout or a refused connection, don't make the next users wait too

    def generate(self, question: str, verdict: Verdict, history: History, language: str,
                 base: Answer) -> Iterator[str | Answer]:
        fallback = self.extractive.answer(question, verdict, language, base)
        if time.monotonic() < self._down_until:
            yield with_notice(fallback, f"the LLM failed moments ago; retrying after {self.cooldown:g}s (llm_cooldown)")
            return
        gate = self.extractive.gate
        years = self.extractive.series_years(verdict)
        def label(hit: Hit) -> str:
            return scope_label(verdict, hit, language) + series_label(years, hit, language)

        for item in self.llm.answer(question, newest_only(years, list(verdict.hits)), history, language,
                                    fallback=fallback,
                                    in_scope=lambda hit, s: gate.sentence_scope(verdict, hit, s, generated=True).ok):
            if isinstance(item, Answer) and any(_UNREACHABLE.search(w) for w in item.warnings):
                self._down_until = time.monotonic() + self.cooldown
            if isinstance(item, Answer) and item.mode == "llm":
                by_chunk = {h.chunk.chunk_id: h for h in verdict.hits}
                cits = tuple(with_scope(c, verdict, by_chunk[c.chunk_id]) for c in item.citations)
                labels = [f"[{c.n}] {label(by_chunk[c.chunk_id])}" for c in cits if label(by_chunk[c.chunk_id])]
                text = item.text + ("\n" + "\n".join(labels) if labels else "")
                item = replace(item, text=text, citations=cits, hits=base.hits,
                               rewritten_question=base.rewritten_question,
                               warnings=tuple(dict.fromkeys(item.warnings + validity_warnings(
                                   cits, language, self.today, asked_years(verdict)))))
            yield item
