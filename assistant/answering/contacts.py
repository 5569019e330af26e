"""Answers to "who do I contact": the structured contacts found at ingest, each with its source and [n]."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from assistant.answering.citations import make_citation
from assistant.answering.validity_notes import with_validity_dates
from assistant.query.terms import Term, coverage, question_terms, with_pinyin_places
from assistant.text.numbers import extract_quantities, quantity_supported
from assistant.types import Citation, Contact, Hit

MAX_CONTACTS = 3
# Words that only say "a contact is wanted"; what is left names whose contact.
_CONTACT_WORDS = frozenset(
    "联系方式 联系电话 电话 联系人 联系 地址 邮箱 电子邮件 电子邮箱 邮件 咨询 热线 号码 手机 窗口 找谁 对接 办理 部门 方式 "
    "contact phone telephone hotline email address call number reach".split()
)


def _subject_terms(question: str, hits: Sequence[Hit]) -> list[Term]:
    # For "whom do I ask", the place decides: 鹿城区's 投资促进局 answers 鹿城区楼宇招商 questions too. English
    # names are read in the passages' pinyin first (Jinchuan → 锦川).
    return [replace(t, weight=t.weight * 3) if t.place else t
            for t in with_pinyin_places(question_terms(question), hits) if t.text not in _CONTACT_WORDS]


def _known_route(contact: Contact) -> bool:
    return bool(contact.organisation and (contact.phone or contact.address or contact.email))


def _context(contact: Contact, hits: Sequence[Hit]) -> str:
    """What the contact is about: its own fields plus the title and region of its document."""
    docs = [h.chunk.doc for h in hits if h.chunk.doc.doc_id == contact.doc_id][:1]
    frame = " ".join(f"{d.title} {d.region.label()}" for d in docs)
    return f"{contact.organisation} {contact.address} {contact.snippet} {contact.source} {frame}"


def _fitting(question: str, contacts: Sequence[Contact], hits: Sequence[Hit]) -> list[Contact]:
    """Contacts for the subject the question names, or for the retrieved documents when it names none."""
    terms = _subject_terms(question, hits)
    doc_rank = {}
    for rank, hit in enumerate(hits):
        doc_rank.setdefault(hit.chunk.doc.doc_id, rank)
    scored = []
    for contact in dict.fromkeys(c for c in contacts if _known_route(c)):  # drops exact duplicates
        if terms:
            text = _context(contact, hits).lower()
            fit = coverage(terms, text)
            if fit < 0.5 or any(t.place and coverage([t], text) < 1 for t in terms):
                continue  # a contact for another place or body is no answer
        elif contact.doc_id not in doc_rank:
            continue
        else:
            fit = 1.0
        scored.append((-fit, doc_rank.get(contact.doc_id, len(hits)), not contact.phone, contact))
    scored.sort(key=lambda s: s[:3])
    unique: dict[tuple[str, str], Contact] = {}
    for neg_fit, _, _, c in scored:
        if neg_fit <= scored[0][0] + 0.25:  # only contacts nearly as close to the subject as the best one
            unique.setdefault((c.organisation, c.phone or c.address), c)
    return list(unique.values())[:MAX_CONTACTS]


def _covering_span(text: str, contact: Contact) -> str:
    """The exact span of a passage that holds the contact's organisation, phone, address and e-mail, so every
    number the answer line shows (phone, 88号, 3楼) can be checked in the quote; "" when one is missing."""
    fields = [f for f in (contact.organisation, contact.phone, contact.address, contact.email) if f]
    anchor = max(text.find(contact.snippet), 0) if contact.snippet else 0
    spans = []
    for f in fields:
        starts = [i for i in range(len(text)) if text.startswith(f, i)]
        if not starts:
            return ""
        start = min(starts, key=lambda i: abs(i - anchor))  # the occurrence next to the snippet
        spans.append((start, start + len(f)))
    return text[min(s for s, _ in spans) : max(e for _, e in spans)]


def _citation(n: int, contact: Contact, hits: Sequence[Hit]) -> Citation:
    """Cite the passage the contact was read from; without one, cite the document by its snippet."""
    for hit in hits:
        if contact.snippet and contact.snippet in hit.chunk.text or (
            not contact.snippet and contact.phone and contact.phone in hit.chunk.text
        ):
            quote = _covering_span(hit.chunk.text, contact) or contact.snippet
            return with_validity_dates(make_citation(n, hit, quote), hit.chunk.doc)
    title = next((h.chunk.doc.title for h in hits if h.chunk.doc.doc_id == contact.doc_id), "")
    quote = contact.snippet or contact.organisation
    return Citation(
        n=n, doc_id=contact.doc_id, chunk_id="", source=contact.source, title=title, page=0, article="",
        date=contact.date, quote=quote, chunk_text=quote,
    )


def _source_label(contact: Contact, citation: Citation, language: str) -> str:
    """Where the contact comes from, as far as the grounding check accepts it: a number in the line (a date,
    "2025" in a file name) must be in the quoted passage, else it is left to the citation, which carries the
    source file and date anyway."""
    def checkable(label: str) -> bool:
        return all(quantity_supported(q, citation.quote) for q in extract_quantities(label))

    title = f"《{citation.title.strip('《》')}》" if citation.title else ""
    name = next((x for x in (contact.source, title) if x and checkable(x)), "")
    parts = [name, contact.date if contact.date and checkable(contact.date) else ""]
    return (", " if language == "en" else "，").join(p for p in parts if p)


def _line(contact: Contact, citation: Citation, language: str) -> str:
    n, source = citation.n, _source_label(contact, citation, language)
    if language == "en":
        parts = [f"phone {contact.phone}" if contact.phone else "", f"address {contact.address}" if contact.address else ""]
        parts.append(f"email {contact.email}" if contact.email else "")
        tail = f" (source: {source})" if source else ""
        return f"- {contact.organisation}: {'; '.join(p for p in parts if p)}{tail} [{n}]"
    parts = [f"电话 {contact.phone}" if contact.phone else "", f"地址 {contact.address}" if contact.address else ""]
    parts.append(f"邮箱 {contact.email}" if contact.email else "")
    tail = f"（来源：{source}）" if source else ""
    return f"- {contact.organisation}：{'；'.join(p for p in parts if p)}{tail}[{n}]"


def answer_contacts(
    question: str, contacts: Sequence[Contact], hits: Sequence[Hit], language: str
) -> tuple[str, tuple[Citation, ...]] | None:
    """A list of the fitting contacts, each with source, date and [n]; None when no contact fits."""
    fitting = _fitting(question, contacts, hits)
    if not fitting:
        return None
    citations: dict[str, Citation] = {}
    lines = []
    for contact in fitting:
        key = contact.snippet or f"{contact.doc_id}/{contact.organisation}"
        if key not in citations:
            citations[key] = _citation(len(citations) + 1, contact, hits)
        lines.append(_line(contact, citations[key], language))
    # The lead-in carries the markers too: every line of an answer points at its passages.
    markers = "".join(f"[{c.n}]" for c in citations.values())
    lead = "According to the documents, you can contact:" if language == "en" else "根据资料，可以通过以下方式联系："
    return f"{lead}{markers}\n" + "\n".join(lines), tuple(citations.values())
