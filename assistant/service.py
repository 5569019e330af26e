"""The Assistant use case: question (+ history, filters) → retrieval → cited answer, refusal or contact list."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import replace

from assistant.contact_answers import answer_contacts
from assistant.conversation import is_followup, rewrite_followup
from assistant.errors import ConfigError
from assistant.extractive import ExtractiveGenerator
from assistant.language import detect_language
from assistant.library import Library
from assistant.query_terms import question_intents
from assistant.refusal import is_contact_question, refusal_text
from assistant.retrieval import HybridRetriever, place_names
from assistant.settings import Settings
from assistant.types import Answer, Contact, Filters, Hit
from assistant.validity_notes import validity_warnings

History = Sequence[tuple[str, str]]
_DATE_CLAUSE = re.compile(r"(自|于)?\d{4}年\d{1,2}月\d{1,2}日起?(施行|生效|实施)|有效期(至|到|为)")
_BUREAU_WORDS = ("投资促进", "投促", "招商", "管委会", "商务")


class Assistant:
    def __init__(self, settings: Settings, library: Library, retriever: HybridRetriever,
                 extractive: ExtractiveGenerator, llm=None, today: dt.date | None = None):
        self.settings, self.library, self.retriever = settings, library, retriever
        self.extractive, self.llm, self.today = extractive, llm, today

    def complete(self, prompt: str) -> str:
        """Plain LLM completion for staff tools (reply drafting); ConfigError when no LLM is configured."""
        if self.llm is None:
            raise ConfigError("OPENAI_BASE_URL", "no LLM configured", "set OPENAI_BASE_URL and OPENAI_MODEL")
        return self.llm.complete(prompt)

    def retrieve(self, question: str, filters: Filters | None = None, k: int | None = None) -> list[Hit]:
        return self.retriever.retrieve(question, k or self.settings.top_k, filters)

    def ask(self, question: str, history: History = (), filters: Filters | None = None,
            k: int | None = None) -> Answer:
        final = None
        for item in self.ask_stream(question, history, filters, k):
            if isinstance(item, Answer):
                final = item
        assert final is not None
        return final

    def ask_stream(self, question: str, history: History = (), filters: Filters | None = None,
                   k: int | None = None) -> Iterator[str | Answer]:
        """Text deltas, then exactly one final Answer (whose text replaces the deltas)."""
        t0 = time.perf_counter()
        question = question.strip()
        lang = detect_language(question)
        standalone = self._standalone(question, history)
        hits = self._with_date_clauses(standalone, self.retrieve(standalone, filters, k))
        base = Answer(question=question, text="", citations=(), grounded=False, mode="refusal",
                      rewritten_question=standalone if standalone != question else "", hits=tuple(hits),
                      language=lang)
        for item in self._answer(standalone, history, hits, lang, base):
            if isinstance(item, Answer):
                item = replace(item, latency_ms=(time.perf_counter() - t0) * 1000)
            yield item

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

    def _answer(self, question: str, history: History, hits: list[Hit], lang: str,
                base: Answer) -> Iterator[str | Answer]:
        if is_contact_question(question):
            contacts = self.library.contacts([h.chunk.doc.doc_id for h in hits]) or self._region_contacts(question)
            found = answer_contacts(question, contacts, hits, lang)
            if found:
                text, cits = found
                yield text
                yield replace(base, text=text, citations=cits, grounded=True, mode="contacts")
                return
        relevance = self.extractive.relevance(question, hits) if hits else 0.0
        if relevance < self.settings.min_relevance:
            near = hits[:1] if relevance >= self.settings.min_relevance / 2 else []
            text = refusal_text(lang, self._refusal_contact(question, near))
            yield text
            yield replace(base, text=text)
            return
        text, cits = self.extractive.generate(question, hits, lang)
        extractive = replace(base, text=text, citations=cits, grounded=True, mode="extractive",
                             warnings=validity_warnings(cits, lang, self.today))
        if self.llm is None:
            yield from _pieces(text)
            yield extractive
            return
        for item in self.llm.answer(question, hits, history, lang, fallback=extractive):
            if isinstance(item, Answer) and item.mode == "llm":
                item = replace(item, hits=base.hits, rewritten_question=base.rewritten_question,
                               warnings=tuple(dict.fromkeys(item.warnings + validity_warnings(
                                   item.citations, lang, self.today))))
            yield item

    def _region_contacts(self, question: str) -> list[Contact]:
        places = place_names(question, self.library.regions())
        docs = [r.doc_id for r in self.library.docs() if r.status == "indexed"
                and any(p in (r.province, r.city, r.district) for p in places)]
        return self.library.contacts(docs) if docs else []

    def _refusal_contact(self, question: str, near: list[Hit]) -> Contact | None:
        """The bureau to ask instead: one in the question's region, else one from a nearly relevant document.
        Never an unrelated one: a weather question must not be sent to some park's office."""
        pool = self._region_contacts(question) or self.library.contacts([h.chunk.doc.doc_id for h in near])
        ranked = sorted(pool, key=lambda c: (not any(w in c.organisation for w in _BUREAU_WORDS), not c.phone))
        return ranked[0] if ranked else None


def _pieces(text: str) -> Iterator[str]:
    """Stream the extractive answer line by line so the UI shows progress the same way as with an LLM."""
    lines = text.splitlines(keepends=True)
    yield from (ln for ln in lines if ln)
