"""The Assistant use case: question (+ history, filters) → retrieve → rerank → the answer gate → generate, or a
refusal that says what is missing and whom to ask. Every path (extractive, LLM, contacts, reply drafting)
goes through the same gate."""

from __future__ import annotations

import datetime as dt
import re
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import replace

from assistant.answering.contacts import answer_contacts
from assistant.answering.extractive import ExtractiveGenerator
from assistant.answering.gate import ScopeGate
from assistant.answering.handoff import Handoff
from assistant.answering.refusal import is_contact_question, nearest_lead_in, refusal_text, scope_refusal_text
from assistant.errors import ConfigError
from assistant.incentives.chat import finder_answer
from assistant.query.conversation import is_followup, rewrite_followup
from assistant.query.english_places import english_name
from assistant.query.intents import EVIDENCE, question_intents
from assistant.query.scope import topic_words
from assistant.retrieval.sections import with_asked_sections
from assistant.retrieval.topic import asks_figure, topic_query, with_labelled_figures, with_topic_hits
from assistant.settings import Settings
from assistant.stages import Generator, History, Reranker, Retriever, Verdict
from assistant.text.language import detect_language
from assistant.types import Answer, Filters, Hit

# Asking for a number, mail box or address (not "whom to apply to", which an article may answer).
_ROUTE_WORDS = re.compile(r"电话|手机|热线|邮箱|邮件|地址|联系方式|phone|e-?mail|address|hotline", re.I)
_DATE_CLAUSE = re.compile(r"(自|于)?\d{4}年\d{1,2}月\d{1,2}日起?(施行|生效|实施)|有效期(至|到|为)")


class Assistant:
    """Composes the stages; factory.build_assistant picks their implementations from settings."""

    def __init__(self, settings: Settings, library, retriever: Retriever, reranker: Reranker, gate: ScopeGate,
                 generator: Generator, llm=None, today: dt.date | None = None, topic_retriever: Retriever | None = None):
        self.settings, self.library, self.retriever, self.reranker = settings, library, retriever, reranker
        # The second search for the asked quantity's words alone ("政府采购预算"): their label is literal text.
        self.topic_retriever = topic_retriever or retriever
        self.gate, self.generator, self.llm, self.today = gate, generator, llm, today
        self.handoff = Handoff(library, gate, settings)
        self.nearest = ExtractiveGenerator(max_sentences=2, today=today)
        # Retrieval and the gate are CPU-bound and read-only: at most chat_workers questions run them at once.
        # Waiting on an LLM holds no slot, so a hanging LLM never keeps other questions from being answered.
        self.slots = threading.BoundedSemaphore(max(1, settings.chat_workers))

    def complete(self, prompt: str) -> str:
        """Plain LLM completion for staff tools (reply drafting); ConfigError when no LLM is configured."""
        if self.llm is None:
            raise ConfigError("OPENAI_BASE_URL", "no LLM configured", "set OPENAI_BASE_URL and OPENAI_MODEL")
        return self.llm.complete(prompt)

    def warm(self) -> None:
        """Load what the first questions would otherwise wait for, seconds each on a large library: the lexical
        index, the library's years, the embedder, the tokenizer's and the pinyin gazetteer's dictionaries. The
        server runs it in a background thread at start; no LLM is called."""
        for question in ("温江区2024年有哪些落户补贴？", "What subsidies does Wenjiang offer?"):
            self.gate.judge(question, self.retrieve(question))

    def retrieve(self, question: str, filters: Filters | None = None, k: int | None = None) -> list[Hit]:
        """The top k passages after the reranker (which sees the whole candidate pool)."""
        n = max(k or self.settings.top_k, 2 * self.settings.candidates)
        pool = self.retriever.retrieve(question, n, filters)
        # A figure's row or sentence among passages that all name the asked body: search its words alone too.
        scope = self.gate.scope(question)
        topic = topic_query(question, scope) if asks_figure(question) else ""
        pool = with_topic_hits(pool, topic, lambda q: self.topic_retriever.retrieve(q, n, filters),
                               lambda h: self.gate.checker.passage(scope, h).ok)
        ranked = self.reranker.rerank(question, pool)
        top = ranked[: k or self.settings.top_k]
        if topic:  # the row or sentence whose label is the asked quantity is among the passages given
            top = with_labelled_figures(top, ranked, question, scope, lambda h: self.gate.checker.passage(scope, h).ok)
        return top

    def ask(self, question: str, history: History = (), filters: Filters | None = None,
            k: int | None = None) -> Answer:
        return final_answer(self.ask_stream(question, history, filters, k))

    def ask_stream(self, question: str, history: History = (), filters: Filters | None = None,
                   k: int | None = None) -> Iterator[str | Answer]:
        """Text deltas, then exactly one final Answer (whose text replaces the deltas)."""
        t0 = time.perf_counter()
        question = question.strip()
        lang = detect_language(question)
        routed = finder_answer(self.library, question, lang)  # a company profile: "…实到外资3000万美元，能拿到什么奖励？"
        if routed is not None:
            yield routed.text
            yield replace(routed, latency_ms=(time.perf_counter() - t0) * 1000)
            return
        standalone = self._standalone(question, history)
        with self.slots:
            hits = self.passages(standalone, filters, k)
            verdict = self.gate.judge(standalone, hits)
        base = Answer(question=question, text="", citations=(), grounded=False, mode="refusal",
                      rewritten_question=standalone if standalone != question else "", hits=tuple(hits),
                      language=lang, scope=verdict.scope.as_dict())
        for item in self._answer(standalone, history, verdict, lang, base):
            if isinstance(item, Answer):
                item = replace(item, latency_ms=(time.perf_counter() - t0) * 1000)
            yield item

    def passages(self, question: str, filters: Filters | None = None, k: int | None = None) -> list[Hit]:
        """What the gate judges and the answer is drawn from: the top passages, the section the question names by
        its title, and the clause stating a policy's dates when it asks them."""
        hits = with_asked_sections(question, self.retrieve(question, filters, k), self.library.catalog.chunks)
        return self._with_date_clauses(question, hits)

    def _with_date_clauses(self, question: str, hits: list[Hit]) -> list[Hit]:
        """A "when does it take effect / is it still valid" question needs the clause stating the dates
        (第X条 本条例自…起施行 / 有效期至…), which sits at the end of a document and rarely ranks in the top k:
        add it from the two best documents."""
        if not hits or not question_intents(question) & {"effective", "validity"}:
            return hits
        have = {h.chunk.chunk_id for h in hits}
        extra: list[Hit] = []
        for doc_id in list(dict.fromkeys(h.chunk.doc.doc_id for h in hits))[:2]:
            for chunk in self.library.catalog.chunks([doc_id]):
                if chunk.chunk_id not in have and _DATE_CLAUSE.search(chunk.text):
                    extra.append(Hit(chunk, score=hits[-1].score * 0.99))
                    break
        return hits + extra

    def _standalone(self, question: str, history: History) -> str:
        if not history or not is_followup(question, history):
            return question
        if self.llm is not None:
            return self.llm.rewrite_followup(question, history)
        return rewrite_followup(question, history)

    def _answer(self, question: str, history: History, verdict: Verdict, lang: str,
                base: Answer) -> Iterator[str | Answer]:
        if is_contact_question(question):
            hits = list(base.hits)
            contacts = self.handoff.in_scope(verdict.scope, self.library.contacts([h.chunk.doc.doc_id for h in hits]))
            found = answer_contacts(question, contacts or self.handoff.for_place(verdict.scope), hits, lang)
            if found:
                text, cits = found
                yield text
                yield replace(base, text=text, citations=cits, grounded=True, mode="contacts")
                return
            if not verdict.scope.empty and _ROUTE_WORDS.search(question) and not _states_contact(verdict):
                # No office of the asked place (or above it) in the library: never another place's number.
                refusal = self._refusal(question, verdict, lang, base, scoped=True)
                yield refusal.text
                yield refusal
                return
        final = base
        if verdict.answerable:
            for item in self.generator.generate(question, verdict, history, lang, base):
                if isinstance(item, Answer):
                    final = item
                else:
                    yield item
            if final.grounded:
                yield final
                return
        refusal = self._refusal(question, verdict, lang, base)
        yield refusal.text
        yield refusal

    def _refusal(self, question: str, verdict: Verdict, lang: str, base: Answer, scoped: bool = False) -> Answer:
        """The fixed refusal; for a scope the library lacks, say what is missing and show the nearest facts
        clearly labelled as being about something else, never as the answer."""
        near = list(base.hits[:1]) if verdict.relevance >= self.settings.min_relevance / 2 else []
        contact = self.handoff.refusal_contact(verdict.scope, near)
        scoped = scoped or verdict.reason == "out_of_scope"
        if not scoped:
            return replace(base, text=refusal_text(lang, contact), grounded=False, mode="refusal", citations=())
        missing = verdict.scope.label()
        text = scope_refusal_text(lang, verdict.scope.label(lang), topic_words(question, verdict.scope, lang), contact)
        citations: tuple = ()
        if verdict.nearest and verdict.reason == "out_of_scope":
            body, cits = self.nearest.generate(question, list(verdict.nearest), lang)
            by_chunk = {h.chunk.chunk_id: h for h in verdict.nearest}
            names = [self.gate.checker.passage(verdict.scope, by_chunk[c.chunk_id], verdict.asks_number).name
                     for c in cits]
            # The label names the places of the passages quoted, not the first passage found (which the
            # sentence picker may have passed over: a 平凉 passage was once shown as 深圳's).
            places = list(dict.fromkeys(names))
            if cits and all(places):  # a quoted passage that names no place leaves nothing to label it with
                citations = tuple(replace(c, scope="other", scope_name=n) for c, n in zip(cits, names, strict=True))
                if lang == "en":
                    other, missing_label = ", ".join(map(english_name, places)), verdict.scope.label(lang)
                else:
                    other, missing_label = "、".join(places), missing
                text = f"{text}\n{nearest_lead_in(lang, other, missing_label)}\n{body}"
        return replace(base, text=text, citations=citations, grounded=False, mode="refusal", missing=missing)


def final_answer(items: Iterable[str | Answer]) -> Answer:
    """The one Answer an answer stream ends with (its text deltas are dropped)."""
    final = None
    for item in items:
        if isinstance(item, Answer):
            final = item
    assert final is not None, "an answer stream ended without its Answer"
    return final


def _states_contact(verdict: Verdict) -> bool:
    """An in-scope passage states a phone, e-mail or address the contact extraction may have missed."""
    return any(EVIDENCE["contact"][0].search(h.chunk.text) or EVIDENCE["where"][0].search(h.chunk.text)
               for h in verdict.hits)
