"""The only place that switches on settings to pick implementations of the three seams."""

from __future__ import annotations

import os

from assistant.settings import Settings

# Offline by default: HF hub look-ups (via gradio/tokenizers) must never be attempted (notes X1).
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def build_embedder(settings: Settings):
    from vectorstore.embedders import OpenAIEmbedder, build_e5_embedder
    from vectorstore.embedding_cache import CachedEmbedder

    if settings.embedder == "e5":
        inner = build_e5_embedder(settings.e5_engine, settings.cache_dir, settings.embed_batch,
                                  settings.e5_int8_queries)
    elif settings.embedder == "openai":
        inner = OpenAIEmbedder(settings.openai_base_url, settings.openai_api_key.get_secret_value(),
                               settings.embed_model)
    else:
        from assistant.errors import ConfigError

        raise ConfigError("ASSISTANT_EMBEDDER", repr(settings.embedder), "use 'e5' (offline) or 'openai'")
    return CachedEmbedder(inner, settings.cache_dir)


def build_catalog(settings: Settings, client):
    """The library catalog: SQLite in the index folder, or in server mode rows in the Chroma server itself, so
    that replicas share one library without sharing a folder (a catalog file left there from before is copied in)."""
    from assistant.catalog import Catalog

    local = settings.index_dir / "catalog.sqlite"
    if not settings.chroma_host:
        return Catalog(local)
    from assistant.chroma_catalog import ChromaCatalog

    settings.index_dir.mkdir(parents=True, exist_ok=True)  # still this replica's own files: uploads, keys, caches
    catalog = ChromaCatalog(client, settings.collection)
    if local.is_file():
        catalog.adopt(Catalog(local))
    return catalog


def open_catalog(settings: Settings):
    """The catalog alone, for commands that read the library without embedding anything."""
    from vectorstore.chroma_index import make_client

    client = make_client(settings.index_dir, settings.chroma_host, settings.chroma_port) if settings.chroma_host else None
    return build_catalog(settings, client)


def build_library(settings: Settings, embedder=None):
    from assistant.library import Library

    return Library(settings, embedder or build_embedder(settings))


def build_assistant(settings: Settings, mode: str = "hybrid", library=None):
    """mode: hybrid (default) | dense | bm25 — the single-retriever modes exist for baselines."""
    from assistant.answering.extractive import ExtractiveGenerator
    from assistant.answering.gate import ScopeGate
    from assistant.answering.generators import ExtractiveAnswerer, FallbackGenerator
    from assistant.answering.relevance import CALIBRATIONS, TermRelevance
    from assistant.answering.scope_check import ScopeChecker
    from assistant.answering.series_note import YearSeries
    from assistant.query.scope import question_scope
    from assistant.retrieval.hybrid import FusionConfig, HybridRetriever
    from assistant.retrieval.rerank import PlaceVersionReranker
    from assistant.service import Assistant

    library = library or build_library(settings)
    if settings.fusion not in ("score", "rrf"):
        from assistant.errors import ConfigError

        raise ConfigError("ASSISTANT_FUSION", repr(settings.fusion), "use 'score' (default) or 'rrf'")
    retriever = HybridRetriever(library, library.embedder, settings.candidates, mode,
                                fusion=FusionConfig(method=settings.fusion))

    def regions() -> tuple[str, ...]:
        return tuple(library.regions())

    def places(question: str) -> list[str]:
        scope = question_scope(question, regions())
        return [n for p in scope.places for n in ([p.label] if p.region else []) + list(p.forms)]

    # Word weights (how many library chunks contain a word) are the lexical index's document frequencies; the
    # dense cosine ramp is calibrated per embedder (none known: ranks and words only).
    relevance = TermRelevance(term_stats=library.term_stats, calibration=CALIBRATIONS.get(library.embedder.model_id))
    gate = ScopeGate(relevance, settings.min_relevance, regions,
                     ScopeChecker(library.years, library.doc_years))
    extractive = ExtractiveAnswerer(ExtractiveGenerator(chunks_of=library.catalog.chunks), gate,
                                    series=YearSeries(library.docs))
    llm, generator = None, extractive
    if settings.llm_enabled:
        from assistant.answering.llm import LLMAnswerer

        llm = LLMAnswerer(settings)
        generator = FallbackGenerator(llm, extractive, cooldown=settings.llm_cooldown)
    # The asked quantity's own search (retrieval/topic.py) looks for its label's words, which BM25 matches as
    # written; a dense vector of a 4-8 character label adds ~5 ms of CPU per figure question and finds nothing more
    # on the table-figure and scope benches (see README).
    topic = HybridRetriever(library, library.embedder, settings.candidates, "bm25") if mode == "hybrid" else None
    return Assistant(settings, library, retriever, PlaceVersionReranker(places), gate, generator, llm,
                     topic_retriever=topic)
