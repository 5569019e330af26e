"""The shared vocabulary: small frozen dataclasses that flow one way through the product.

files ─load─▶ LoadedFile ─understand─▶ Document ─split─▶ Chunk ─index─▶ Hit ─answer─▶ Answer
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Literal

DocType = Literal["policy", "regulation", "park", "news", "other"]
DOC_TYPES: tuple[str, ...] = ("policy", "regulation", "park", "news", "other")
ValidityStatus = Literal["valid", "expired", "repealed", "not_yet_effective", "unknown"]


@dataclass(frozen=True)
class TableSpan:
    """Where a table sits in its page's text: text[start:end] is its rows, one labelled line per row."""

    start: int
    end: int
    caption: str = ""  # nearest title line before the table ("2025年部门收支总表", "表1 …"), "" when none
    unit: str = ""  # unit the caption area states for the amounts (元, 万元), applied to the rendered values
    columns: tuple[str, ...] = ()  # column labels from the header rows, joined top to bottom
    rows: int = 0  # body rows rendered

    @property
    def label(self) -> str:
        """What a chunk and a citation call the table: its caption, else its column labels."""
        return self.caption or "表：" + "、".join(c for c in self.columns if c)[:40]


@dataclass(frozen=True)
class Page:
    """One page of extracted text (1-based number); HTML/TXT files are a single page."""

    number: int
    text: str
    ocr: bool = False  # text came from OCR, not from a text layer
    tables: tuple[TableSpan, ...] = ()  # tables rendered into text, in reading order


@dataclass(frozen=True)
class LoadedFile:
    """What a loader returns: clean main text by page plus whatever hints the format gives."""

    path: str
    file_type: str  # pdf, html, docx, txt, md, jsonl
    pages: tuple[Page, ...]
    title_hint: str = ""  # <title>, <h1>, PDF /Title, JSONL title field
    date_hint: str = ""  # <meta> publish date, "2025-11-02 07:25" line, JSONL date field
    source_url: str = ""  # original URL when the file says (原文链接, canonical link, JSONL url)
    warnings: tuple[str, ...] = ()  # e.g. "page 3: text layer unusable, OCR used"
    record_sha256: str = ""  # JSONL records: hash of the record (the file hash would change for all)

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.pages)


@dataclass(frozen=True)
class Validity:
    """Dates a policy states about itself (自…起施行 / 有效期至… / 废止)."""

    effective: dt.date | None = None
    expires: dt.date | None = None
    repealed: dt.date | None = None
    repealed_flag: bool = False  # "已废止"/"同时废止" about this document without a date

    def status(self, today: dt.date | None = None) -> ValidityStatus:
        today = today or dt.date.today()
        if self.repealed_flag or (self.repealed and self.repealed <= today):
            return "repealed"
        if self.expires and self.expires < today:
            return "expired"
        if self.effective and self.effective > today:
            return "not_yet_effective"
        if self.effective or self.expires:
            return "valid"
        return "unknown"


@dataclass(frozen=True)
class Contact:
    """A contact route stated in a document; never invented."""

    organisation: str
    phone: str = ""
    address: str = ""
    email: str = ""
    doc_id: str = ""
    source: str = ""  # file name the contact came from
    date: str = ""  # publication date of that document (ISO) if known
    snippet: str = ""  # the exact text the contact was read from


@dataclass(frozen=True)
class Region:
    province: str = ""
    city: str = ""
    district: str = ""

    def names(self) -> tuple[str, ...]:
        return tuple(n for n in (self.province, self.city, self.district) if n)

    def label(self) -> str:
        return "".join(dict.fromkeys(self.names()))  # dedupe 北京市北京市


@dataclass(frozen=True)
class DocMeta:
    """What we understood about a document. Staff may override any field in the library."""

    title: str = ""
    published: str = ""  # ISO date, "" when unknown
    doc_type: str = "other"
    region: Region = field(default_factory=Region)
    issuer: str = ""
    validity: Validity = field(default_factory=Validity)
    contacts: tuple[Contact, ...] = ()
    version_key: str = ""  # title without dates/version marks: same key = versions of one document


@dataclass(frozen=True)
class Document:
    doc_id: str  # from the source path (relative, normalised) or URL
    source: str  # path or URL as given
    sha256: str  # of the file bytes (or of the JSONL record)
    file_type: str
    pages: tuple[Page, ...]
    meta: DocMeta
    warnings: tuple[str, ...] = ()

    @property
    def file_name(self) -> str:
        return self.source.replace("\\", "/").rsplit("/", 1)[-1]


@dataclass(frozen=True)
class DocInfo:
    """Document-level facts every chunk carries into the index (flattened into Chroma metadata)."""

    doc_id: str
    source: str
    sha256: str
    title: str
    doc_type: str
    province: str = ""
    city: str = ""
    district: str = ""
    published: str = ""
    effective: str = ""
    expires: str = ""
    repealed: str = ""
    repealed_flag: bool = False
    version_key: str = ""
    superseded_by: str = ""  # doc_id of a newer version in the library, if any
    issuer: str = ""  # who issued it (财政部 税务总局): a regionless notice of national bodies applies nationwide

    @property
    def file_name(self) -> str:
        return self.source.replace("\\", "/").rsplit("/", 1)[-1]

    @property
    def validity(self) -> Validity:
        def d(s: str) -> dt.date | None:
            return dt.date.fromisoformat(s) if s else None

        return Validity(d(self.effective), d(self.expires), d(self.repealed), self.repealed_flag)

    @property
    def region(self) -> Region:
        return Region(self.province, self.city, self.district)


@dataclass(frozen=True)
class Chunk:
    """An exact slice text == page_text[start:end] of one page, with its context."""

    chunk_id: str  # f"{doc_id}#{ordinal}"
    doc: DocInfo
    ordinal: int
    text: str
    page: int
    start: int
    end: int
    article: str = ""  # 第十二条 / 三、/ （二） — the clause this chunk belongs to
    heading: str = ""  # nearest section heading (第二章 …, 一、…) for context; a table's caption for its rows
    table: str = ""  # label of the table whose rows this chunk holds (caption, else column labels), "" for prose

    def with_doc(self, doc: DocInfo) -> Chunk:
        return replace(self, doc=doc)


@dataclass(frozen=True)
class Hit:
    chunk: Chunk
    score: float  # fused score (higher is better)
    dense_rank: int | None = None  # 1-based rank in the dense list, None if absent
    bm25_rank: int | None = None
    dense_score: float | None = None  # cosine similarity
    bm25_score: float | None = None


@dataclass(frozen=True)
class Filters:
    region: str = ""  # matches province, city or district name
    doc_type: str = ""
    valid_only: bool = False

    @property
    def empty(self) -> bool:
        return not (self.region or self.doc_type or self.valid_only)


@dataclass(frozen=True)
class Citation:
    n: int
    doc_id: str
    chunk_id: str
    source: str  # file name
    title: str
    page: int
    article: str
    date: str  # publication date
    quote: str  # exact substring of the chunk text
    chunk_text: str = ""  # the whole passage, for "show in context"
    validity: str = "unknown"  # ValidityStatus at answer time
    superseded_by: str = ""
    sha256: str = ""
    # The document's own validity dates (ISO), so warnings can name the date and re-check it later.
    effective: str = ""
    expires: str = ""
    repealed: str = ""
    # How the passage matched the question's scope (place, body, law, year): "" when the question names none,
    # "same", "parent" (scope_name = the wider place, or 全国), "child" (scope_name = the narrower place), or
    # "other" for nearest facts shown after a refusal (scope_name = what they are about).
    scope: str = ""
    scope_name: str = ""
    table: str = ""  # the table the quote is a row of (its caption, else its column labels), "" for prose

    def as_dict(self) -> dict:
        return {
            "n": self.n,
            "doc_id": self.doc_id,
            "chunk_id": self.chunk_id,
            "source": self.source,
            "title": self.title,
            "page": self.page,
            "article": self.article,
            "table": self.table,
            "date": self.date,
            "quote": self.quote,
            "validity": self.validity,
            "superseded_by": self.superseded_by,
            "sha256": self.sha256,
            "scope": {"match": self.scope, "name": self.scope_name} if self.scope else None,
        }


@dataclass(frozen=True)
class Answer:
    question: str
    text: str  # with inline [n] markers
    citations: tuple[Citation, ...]
    grounded: bool  # False when refused
    mode: str  # "extractive" | "llm" | "refusal" | "contacts"
    warnings: tuple[str, ...] = ()
    rewritten_question: str = ""  # what retrieval actually used (follow-ups)
    hits: tuple[Hit, ...] = ()  # what retrieval returned (for evaluation)
    latency_ms: float = 0.0
    language: str = "zh"
    scope: dict = field(default_factory=dict)  # what the question restricted itself to (places, bodies, laws…)
    missing: str = ""  # when refused for scope: what the library lacks ("温江区")

    def as_dict(self) -> dict:
        return {
            "question": self.question,
            "answer": self.text,
            "grounded": self.grounded,
            "mode": self.mode,
            "citations": [c.as_dict() for c in self.citations],
            "warnings": list(self.warnings),
            "rewritten_question": self.rewritten_question,
            "retrieved": [h.chunk.chunk_id for h in self.hits],
            "retrieved_docs": [h.chunk.doc.doc_id for h in self.hits],
            "latency_ms": round(self.latency_ms, 1),
            "language": self.language,
            "scope": self.scope,
            "missing": self.missing,
        }


@dataclass(frozen=True)
class DocRecord:
    """One row of the library catalog: an indexed, failed or duplicate file."""

    doc_id: str
    source: str
    sha256: str = ""
    file_type: str = ""
    title: str = ""
    doc_type: str = "other"
    province: str = ""
    city: str = ""
    district: str = ""
    issuer: str = ""
    published: str = ""
    effective: str = ""
    expires: str = ""
    repealed: str = ""
    repealed_flag: bool = False
    status: str = "indexed"  # indexed | failed | duplicate | container (a JSONL file whose records are documents)
    error: str = ""
    duplicate_of: str = ""
    chunk_count: int = 0
    table_count: int = 0  # tables found and rendered row by row (PDF text layer, DOCX, HTML)
    superseded_by: str = ""
    version_key: str = ""
    contacts: tuple[Contact, ...] = ()
    warnings: tuple[str, ...] = ()
    edited: tuple[str, ...] = ()  # metadata fields staff corrected by hand (kept on re-ingest)
    updated_at: str = ""

    @property
    def file_name(self) -> str:
        return self.source.replace("\\", "/").rsplit("/", 1)[-1]

    @property
    def region(self) -> Region:
        return Region(self.province, self.city, self.district)

    def validity_status(self, today: dt.date | None = None) -> ValidityStatus:
        def d(s: str) -> dt.date | None:
            return dt.date.fromisoformat(s) if s else None

        return Validity(d(self.effective), d(self.expires), d(self.repealed), self.repealed_flag).status(today)

    def as_dict(self) -> dict:
        from dataclasses import asdict

        out = asdict(self)
        out["region"] = self.region.label()
        out["validity"] = self.validity_status()
        out["file_name"] = self.file_name
        return out


@dataclass(frozen=True)
class IngestReport:
    """What one ingest run did, file by file."""

    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    duplicate: tuple[tuple[str, str], ...] = ()  # (path, doc_id it duplicates)
    failed: tuple[tuple[str, str], ...] = ()  # (path, reason with fix)
    skipped: tuple[tuple[str, str], ...] = ()  # JSONL lines / unsupported files in folders left out: (path, why)
    chunks_written: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed

    def summary_line(self) -> str:
        return (
            f"added {len(self.added)} · updated {len(self.updated)} · unchanged {len(self.unchanged)}"
            f" · duplicate {len(self.duplicate)} · failed {len(self.failed)}"
            + (f" · skipped {len(self.skipped)}" if self.skipped else "")
            + f" ({self.chunks_written} chunks in {self.seconds:.1f}s)"
        )
