"""LangChain parts: the assistant's retrieval as a BaseRetriever, its embedder as Embeddings, its answer as a Runnable.

Our own types stay inside: a Hit leaves as a langchain_core Document whose metadata carry what a citation needs, so a
developer's own chain (own prompt, own model) can still cite file, page and article."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_core.messages import BaseMessage
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableLambda

from assistant.answering.citations import make_citation
from assistant.answering.llm import LANGUAGE_RULES, passage_header
from assistant.errors import ConfigError
from assistant.prompts import load_prompt
from assistant.settings import Settings
from assistant.text.instructions import mask_instructions
from assistant.types import Answer, Filters, Hit

FILTER_FIELDS = ("region", "doc_type", "valid_only")


def hit_document(n: int, hit: Hit, today: dt.date | None = None) -> Document:
    """Passage [n] as a Document: page_content is the chunk text; metadata are the citation's fields plus where
    the passage sits (heading, table, region, type) and how it was found (score, ranks)."""
    chunk, doc = hit.chunk, hit.chunk.doc
    cited = make_citation(n, hit, chunk.text, today).as_dict()
    meta: dict[str, Any] = {k: v for k, v in cited.items() if k not in ("quote", "scope")}  # quote == the text
    meta.update(
        path=doc.source, heading=chunk.heading, table=chunk.table, doc_type=doc.doc_type,
        region=doc.region.label(), province=doc.province, city=doc.city, district=doc.district,
        effective=doc.effective, expires=doc.expires, repealed=doc.repealed, score=hit.score,
        dense_score=hit.dense_score, bm25_score=hit.bm25_score, dense_rank=hit.dense_rank,
        bm25_rank=hit.bm25_rank, prompt_header=passage_header(n, hit),
    )
    # None is left out: vector stores such as Chroma refuse None in metadata, and "absent" says the same.
    return Document(page_content=chunk.text, metadata={k: v for k, v in meta.items() if v is not None},
                    id=chunk.chunk_id)


class AssistantRetriever(BaseRetriever):
    """Hybrid retrieval (dense + BM25) and the place/version reranker of an Assistant, as LangChain Documents.

    gated=True also applies the answer gate: an empty list then means "the documents do not answer this"
    (too little relevance, or another place/law/year than asked), and only in-scope passages are returned."""

    assistant: Any  # assistant.service.Assistant (typed loosely: pydantic must not validate it)
    k: int | None = None  # passages returned; default the assistant's top_k
    filters: Filters | None = None
    gated: bool = False

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun,
                                k: int | None = None, filters: Filters | Mapping | None = None) -> list[Document]:
        hits = self.assistant.retrieve(query, as_filters(filters) or self.filters, k or self.k)
        if self.gated:
            verdict = self.assistant.gate.judge(query, hits)
            hits = list(verdict.hits) if verdict.answerable else []
        return [hit_document(n, hit, self.assistant.today) for n, hit in enumerate(hits, 1)]


class AssistantEmbeddings(Embeddings):
    """The project's embedder (bundled multilingual-e5-small by default, with its embedding cache) for LangChain
    vector stores. Passages and queries get e5's different prefixes, as in our own index."""

    def __init__(self, embedder):
        self.embedder = embedder

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> AssistantEmbeddings:
        from assistant.factory import build_embedder

        return cls(build_embedder(settings or Settings()))

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embedder.embed_passages(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embedder.embed_query(text).tolist()


def answer_runnable(assistant) -> Runnable[str | Mapping[str, Any], Answer]:
    """The whole assistant (gate, extractive or checked LLM answer, refusals) as a Runnable.

    Input: a question, or {"question", "history", "filters", "k"}; history is [(user, assistant), …] or LangChain
    messages; filters is a Filters or {"region", "doc_type", "valid_only"}. Output: the Answer (`.as_dict()` is
    the JSON of `zhaoshang ask --json`)."""

    def answer(value: str | Mapping[str, Any]) -> Answer:
        if isinstance(value, str):
            return assistant.ask(value)
        if not isinstance(value, Mapping) or not isinstance(value.get("question"), str):
            raise ConfigError("input", f"{type(value).__name__} without a `question` string",
                              'pass a question, or {"question": "…", "history": [...], "filters": {...}}')
        return assistant.ask(value["question"], as_history(value.get("history")), as_filters(value.get("filters")),
                             value.get("k"))

    return RunnableLambda(answer, name="zhaoshang_answer")


def format_passages(docs: Sequence[Document]) -> str:
    """Numbered passages for a prompt, headed as our own LLM prompt heads them ([n] 《title》 | date | page | …),
    with instructions hidden in a passage masked so a document cannot speak as the prompt."""
    return "\n\n".join(f"{d.metadata.get('prompt_header') or f'[{n}]'}\n{mask_instructions(d.page_content)}"
                       for n, d in enumerate(docs, 1))


def answer_prompt(language: str = "zh") -> ChatPromptTemplate:
    """prompts/answer.txt as a ChatPromptTemplate with inputs {passages} and {question}."""
    if language not in LANGUAGE_RULES:
        raise ConfigError("language", repr(language), f"use one of {', '.join(LANGUAGE_RULES)}")
    return ChatPromptTemplate.from_template(load_prompt("answer")).partial(
        language_instruction=LANGUAGE_RULES[language], history="")


def as_filters(raw: Filters | Mapping | None) -> Filters | None:
    if raw is None or isinstance(raw, Filters):
        return raw
    unknown = set(raw) - set(FILTER_FIELDS)
    if unknown:
        raise ConfigError("filters", f"unknown field(s) {', '.join(sorted(unknown))}", f"use {', '.join(FILTER_FIELDS)}")
    return Filters(**dict(raw))


def as_history(raw: Sequence | None) -> tuple[tuple[str, str], ...]:
    """(user, assistant) pairs from pairs, LangChain messages or {"role", "content"} dicts (a user turn without
    a reply is dropped: the current question is passed on its own)."""
    pairs: list[tuple[str, str]] = []
    user: str | None = None
    for item in raw or ():
        if isinstance(item, Sequence) and not isinstance(item, str) and len(item) == 2:
            pairs.append((str(item[0]), str(item[1])))
            continue
        role, text = _role_text(item)
        if role in ("human", "user"):
            user = text
        elif role in ("ai", "assistant") and user is not None:
            pairs.append((user, text))
            user = None
    return tuple(pairs)


def _role_text(item: Any) -> tuple[str, str]:
    if isinstance(item, BaseMessage):
        return item.type, str(item.text)
    if isinstance(item, Mapping) and "role" in item:
        return str(item["role"]), str(item.get("content", ""))
    raise ConfigError("history", f"{type(item).__name__} item", "give (user, assistant) pairs or chat messages")
