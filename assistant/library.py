"""The document library: what staff manage (ingest, list, edit, delete, re-index) over one index folder."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from functools import cached_property, lru_cache
from pathlib import Path

from assistant.errors import ConfigError, DocumentNotFound
from assistant.factory import build_catalog
from assistant.index_writer import IndexWriter
from assistant.lexical_store import LexicalStore
from assistant.query.terms import TermStats
from assistant.settings import Settings
from assistant.types import DOC_TYPES, Contact, DocRecord, IngestReport
from ingest.limits import LoadLimits
from ingest.pipeline import Ingestor, PageProgress, Progress, doc_id_for
from vectorstore.chroma_index import ChromaIndex, make_client
from vectorstore.lexical_index import LexicalIndex

EDITABLE = ("title", "doc_type", "province", "city", "district", "effective", "expires", "repealed", "published")


def _title_places(record: DocRecord) -> tuple[str, ...]:
    """The most specific name of each place the title names, kept only within the document's own region (a title
    naming a partner city elsewhere does not make the document one of that city's)."""
    # Compared at city level: a 金牛区 article whose title also names 温江区 covers both (same 成都市).
    return _places_within(record.title, record.city or record.province)


@lru_cache(maxsize=8192)  # every filtered question asks this of every document: read each title once
def _places_within(title: str, own: str) -> tuple[str, ...]:
    from ingest.regions import find_place_spans

    out = []
    for _, _, region in find_place_spans(title):
        names = region.names()
        if names and (not own or own in names):
            out.append(names[-1])
    return tuple(dict.fromkeys(out))


class Library:
    def __init__(self, settings: Settings, embedder):
        self.settings = settings
        client = make_client(settings.index_dir, settings.chroma_host, settings.chroma_port)
        self.chroma = ChromaIndex(client, settings.collection)
        self.catalog = build_catalog(settings, client)  # SQLite here, or (server mode) in the Chroma server
        self.embedder = embedder
        # One writer at a time (UI uploads vs re-index vs edits); held only around index writes.
        self.writer = IndexWriter(self.catalog, self.chroma, embedder)
        self._lock = self.writer.lock
        self.ingestor = Ingestor(self.catalog, self.writer, embedder, settings.chunk_chars,
                                 LoadLimits.from_settings(settings))
        # The lexical index's snapshot lives next to the catalog; a start opens it instead of rebuilding.
        self.lexical = LexicalStore(self.catalog, settings.index_dir / "lexical")
        self._stats: tuple[LexicalIndex, TermStats] | None = None
        self._years: tuple[int, dict[str, frozenset[int]], frozenset[int]] | None = None
        self._docs: _DocView | None = None
        self.repaired = self.writer.repair()  # a change a crashed process left half done is finished or undone

    # --- writing -----------------------------------------------------------------------------
    def _check_model(self) -> None:
        stored = self.catalog.get_meta("embedding_model")
        if stored and stored != self.embedder.model_id and self.catalog.chunk_count():
            raise ConfigError(
                "ASSISTANT_EMBEDDER", f"index was built with {stored}, settings say {self.embedder.model_id}",
                "re-run ingest with --rebuild (embeddings are cached, unchanged texts are not re-embedded)",
            )
        self.catalog.set_meta("embedding_model", self.embedder.model_id)

    def ingest(self, paths: Sequence[Path], rebuild: bool = False, progress: Progress | None = None,
               pages: PageProgress | None = None) -> IngestReport:
        with self._lock:
            if rebuild:
                self.writer.clear()
            self._check_model()
        return self.ingestor.run([Path(p) for p in paths], progress, pages=pages)

    def reindex(self, progress: Progress | None = None, pages: PageProgress | None = None) -> IngestReport:
        """Re-read every source file (new extraction rules, edited files); embeddings come from the cache."""
        sources = sorted({r.source.split("::")[0] for r in self.catalog.documents() if r.status != "duplicate"})
        with self._lock:
            self._check_model()
        return self.ingestor.run([Path(s) for s in sources if Path(s).exists()], progress, force=True, pages=pages)

    def ensure_sample(self, progress: Progress | None = None) -> IngestReport | None:
        """Index the bundled demo corpus when the library is empty (first start)."""
        if self.catalog.documents() or not self.settings.sample_dir.is_dir():
            return None
        return self.ingest([self.settings.sample_dir], progress=progress)

    def delete(self, doc: str) -> DocRecord:
        rec = self.get(doc)
        with self._lock:
            self.ingestor.delete(rec.doc_id)
            self.ingestor.refresh_versions()
        return rec

    def update_meta(self, doc: str, **fields: str) -> DocRecord:
        """Staff corrections; they are remembered (`edited`) and survive re-ingest."""
        rec = self.get(doc)
        bad = set(fields) - set(EDITABLE)
        if bad:
            raise ConfigError(", ".join(sorted(bad)), "not an editable field", f"edit one of {', '.join(EDITABLE)}")
        if "doc_type" in fields and fields["doc_type"] not in DOC_TYPES:
            raise ConfigError("doc_type", repr(fields["doc_type"]), f"use one of {', '.join(DOC_TYPES)}")
        for key in ("effective", "expires", "repealed", "published"):
            if fields.get(key):
                _check_iso(key, fields[key])
        new = replace(rec, **fields, edited=tuple(sorted(set(rec.edited) | set(fields))))
        with self._lock:
            self.ingestor.update_record(new)
            self.ingestor.refresh_versions()
        return self.get(rec.doc_id)

    # --- reading -----------------------------------------------------------------------------
    def _documents(self) -> _DocView:
        """The catalog's documents, updated once per catalog change by the documents it changed: questions ask
        for regions and contacts on every call, and re-reading every row would grow with the library."""
        gen, view = self.catalog.generation, self._docs
        if view is None or view.gen != gen:
            changed = self.catalog.changed_since(view.gen) if view else None
            if view is None or changed is None:
                by_id = {r.doc_id: r for r in self.catalog.documents()}
            else:
                by_id = dict(view.by_id)
                for doc_id in changed:
                    rec = self.catalog.get(doc_id)
                    if rec:
                        by_id[doc_id] = rec
                    else:
                        by_id.pop(doc_id, None)
            view = self._docs = _DocView(gen, by_id)
        return view

    def docs(self) -> list[DocRecord]:
        return list(self._documents().records)

    def get(self, doc: str) -> DocRecord:
        """By doc_id, by source path or by file name."""
        rec = self.catalog.get(doc) or self.catalog.get(doc_id_for(Path(doc)))
        if rec:
            return rec
        named = [r for r in self._documents().records if r.file_name == doc or r.source == doc]
        if len(named) == 1:
            return named[0]
        raise DocumentNotFound(doc)

    def regions(self) -> list[str]:
        """Region names the library covers (for filters and place matching)."""
        return list(self._documents().regions)

    def filter_regions(self) -> list[str]:
        """The region filter's choices: the documents' regions plus the places a document's title names within
        its region (成都金牛区、温江区、邛崃市… is a 成都市 article that covers 温江区 and 邛崃市 too)."""
        names = dict.fromkeys(self.regions())
        for r in self._documents().records:
            if r.status == "indexed":
                names.update(dict.fromkeys(_title_places(r)))
        return sorted(names)

    def docs_covering(self, name: str) -> frozenset[str]:
        """doc_ids of the documents whose region is `name` or whose title names it (the region filter)."""
        return frozenset(r.doc_id for r in self._documents().records if r.status == "indexed"
                         and (name in (r.province, r.city, r.district) or name in _title_places(r)))

    def contacts(self, doc_ids: Sequence[str] | None = None) -> list[Contact]:
        view = self._documents()
        recs = view.records if doc_ids is None else [view.by_id[d] for d in sorted(set(doc_ids)) if d in view.by_id]
        return [c for r in recs if r.status == "indexed" for c in r.contacts]

    def bm25(self) -> LexicalIndex:
        """The lexical index of the current catalog generation (see LexicalStore: opened from its snapshot at
        start, then updated by the changed documents only, in milliseconds)."""
        return self.lexical.index()

    def years(self) -> frozenset[int]:
        """Every year the library's texts name (or are dated): a year none of them names has no facts here.
        Kept per document and updated by the documents a change touched."""
        gen, cached = self.catalog.generation, self._years
        if cached is None or cached[0] != gen:
            changed = self.catalog.changed_since(cached[0]) if cached else None
            if cached is None or changed is None:
                per_doc = self.catalog.years_of()
            else:
                per_doc = {d: y for d, y in cached[1].items() if d not in changed} | self.catalog.years_of(changed)
            cached = self._years = (gen, per_doc, frozenset().union(*per_doc.values()))
        return cached[2]

    def doc_years(self, doc_id: str) -> frozenset[int]:
        """The years one document names (or is dated), from the same per-document cache as years()."""
        self.years()
        return self._years[1].get(doc_id, frozenset()) if self._years else frozenset()

    def term_stats(self) -> TermStats:
        """How many chunks contain a word, from the lexical index's document frequencies (no text scans)."""
        index, cached = self.bm25(), self._stats
        if cached is None or cached[0] is not index:
            cached = self._stats = (index, TermStats(index.doc_freq, len(index)))
        return cached[1]

    def consistency_problems(self) -> list[str]:
        """Chroma and the catalog must hold exactly the same chunk ids."""
        chroma_ids = self.chroma.all_ids()
        cat_ids = {c.chunk_id for c in self.catalog.chunks()}
        problems = [f"in Chroma only: {i}" for i in sorted(chroma_ids - cat_ids)[:20]]
        problems += [f"in catalog only: {i}" for i in sorted(cat_ids - chroma_ids)[:20]]
        return problems


class _DocView:
    """The catalog's documents at one generation, and the region names derived from them (computed once)."""

    def __init__(self, gen: int, by_id: dict[str, DocRecord]):
        self.gen, self.by_id = gen, by_id

    @cached_property
    def records(self) -> list[DocRecord]:
        return [self.by_id[d] for d in sorted(self.by_id)]

    @cached_property
    def regions(self) -> tuple[str, ...]:
        names = {n for r in self.records if r.status == "indexed" for n in (r.province, r.city, r.district) if n}
        return tuple(sorted(names))


def _check_iso(key: str, value: str) -> None:
    import datetime as dt

    try:
        dt.date.fromisoformat(value)
    except ValueError as exc:
        raise ConfigError(key, f"{value!r} is not a date", "write it as YYYY-MM-DD, e.g. 2025-12-31") from exc
