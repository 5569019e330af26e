"""Answers, citations and source cards as safe HTML: every string from a document or a user is escaped."""

from __future__ import annotations

from collections.abc import Iterable

from assistant.text.markers import PLAIN_MARKER
from assistant.types import Answer, Citation, DocRecord
from assistant.web.i18n import doc_type_label, t

# One pass, one table: HTML's special characters plus those Markdown (and KaTeX) treat as structure. The chatbot
# renders Markdown, so a document saying ![x](http://…) or [a](javascript:…) must arrive as numeric entities,
# which Markdown never parses as syntax. (Two passes would re-escape the first pass's "&#…;".)
_INERT = str.maketrans({c: f"&#{ord(c)};" for c in "&<>\"'[]()!*_`#|~$\\{}+-=:"})
_BADGES = ("expired", "repealed", "not_yet_effective")


def escape(text: str) -> str:
    """Inert text: HTML-escaped, Markdown syntax neutralised, newlines as <br> (no blank lines)."""
    escaped = (text or "").translate(_INERT)
    # A blank line would end the raw-HTML block and let Markdown parse what follows: keep one line.
    return escaped.replace("\r", "").replace("\n", "<br>")


def _marker(uid: str, n: int, known: set[int]) -> str:
    if n not in known:  # a marker with no citation behind it is shown as plain text, not as a link
        return f"&#91;{n}&#93;"
    # The chat's sanitizer drops data-* and id attributes but keeps classes: the link target rides in a class.
    return f'<sup class="zs-cite zs-to-{uid}-{n}" title="[{n}]">&#91;{n}&#93;</sup>'


def text_with_markers(text: str, uid: str, citations: Iterable[Citation]) -> str:
    """Answer text escaped, each [n] turned into a clickable marker that opens source card n."""
    known = {c.n for c in citations}
    out: list[str] = []
    pos = 0
    for m in PLAIN_MARKER.finditer(text):
        out.append(escape(text[pos : m.start()]))
        out.append(_marker(uid, int(m.group(1)), known))
        pos = m.end()
    out.append(escape(text[pos:]))
    return "".join(out)


def badges(citation: Citation, lang: str) -> str:
    """Validity badges: expired / repealed / not yet in force / a newer version exists."""
    out = []
    if citation.validity in _BADGES:
        out.append(f'<span class="zs-badge zs-badge-warn">{escape(t(lang, "badge_" + citation.validity))}</span>')
    if citation.superseded_by:
        out.append(f'<span class="zs-badge zs-badge-new">{escape(t(lang, "badge_superseded"))}</span>')
    if citation.scope in ("other", "parent", "child") and citation.scope_name:
        # Nearest facts after a refusal are about another place: the card says so, not only the text.
        kind = "zs-badge-warn" if citation.scope == "other" else "zs-badge-new"
        label = t(lang, "badge_scope_" + citation.scope, name=citation.scope_name)
        out.append(f'<span class="zs-badge {kind} zs-badge-scope">{escape(label)}</span>')
    return "".join(out)


def passage_in_context(citation: Citation) -> str:
    """The whole passage with the quoted span highlighted."""
    chunk, quote = citation.chunk_text or citation.quote, citation.quote
    at = chunk.find(quote) if quote else -1
    if at < 0:
        return escape(chunk)
    end = at + len(quote)
    return f"{escape(chunk[:at])}<mark>{escape(quote)}</mark>{escape(chunk[end:])}"


def card_meta(citation: Citation, lang: str) -> str:
    """File · page · table · article · date line of a source card."""
    parts = [citation.source]
    if citation.page:
        parts.append(t(lang, "page", page=citation.page))
    if citation.table:
        parts.append(citation.table)
    if citation.article:
        parts.append(citation.article)
    if citation.date:
        parts.append(f"{t(lang, 'published')} {citation.date}")
    return " · ".join(escape(p) for p in parts)


def source_card(citation: Citation, uid: str, lang: str) -> str:
    """One citation as a <details> card: summary shows title/meta/quote, body the passage in context."""
    title = escape(citation.title or citation.source)
    return (
        f'<details class="zs-card zs-card-{uid}-{citation.n}"><summary>'
        f'<span class="zs-n">{citation.n}</span><span class="zs-title">{title}</span>{badges(citation, lang)}'
        f'<span class="zs-meta">{card_meta(citation, lang)}</span>'
        f'<span class="zs-quote">“{escape(citation.quote)}”</span></summary>'
        f'<div class="zs-context"><span class="zs-context-label">{escape(t(lang, "show_context"))}</span>'
        f"<div>{passage_in_context(citation)}</div></div></details>"
    )


def answer_plain_text(answer: Answer, lang: str) -> str:
    """What the copy button copies: the answer with its [n] markers, warnings, and each source with its quote."""
    parts = [answer.text, *answer.warnings]
    if answer.citations:
        sources = [t(lang, "sources") + ("：" if lang == "zh" else ":")]
        for c in answer.citations:
            meta = [c.source, t(lang, "page", page=c.page) if c.page else "", c.article,
                    f"{t(lang, 'published')} {c.date}" if c.date else ""]
            sources.append(f"[{c.n}] {c.title or c.source}（{' · '.join(m for m in meta if m)}）")
            sources.append(f"    “{c.quote}”")
        parts.append("\n".join(sources))
    return "\n\n".join(p for p in parts if p)


def answer_html(answer: Answer, uid: str, lang: str) -> str:
    """The final answer: text with markers, warnings, then its source cards (one line of HTML)."""
    css = "zs-answer" if answer.grounded else "zs-answer zs-refusal"
    body = text_with_markers(answer.text, uid, answer.citations)
    notes = "".join(f'<div class="zs-warning">⚠ {escape(w)}</div>' for w in answer.warnings)
    cards = ""
    if answer.citations:
        items = "".join(source_card(c, uid, lang) for c in answer.citations)
        cards = f'<div class="zs-sources"><div class="zs-sources-title">{escape(t(lang, "sources"))}</div>{items}</div>'
    # The copy text rides along hidden, newlines as &#10; (a raw newline, or <br>, would not survive as text).
    plain = escape(answer_plain_text(answer, lang)).replace("<br>", "&#10;")
    tools = (f'<div class="zs-tools"><span class="zs-copy" role="button" title="{escape(t(lang, "copy_hint"))}">'
             f'{escape(t(lang, "copy"))}</span><span class="zs-plain">{plain}</span></div>')
    return f'<div class="{css}"><div class="zs-text">{body}</div>{notes}{cards}{tools}</div>'


def partial_html(text: str) -> str:
    """Text still streaming in: escaped, markers shown as plain [n] until the citations arrive."""
    return f'<div class="zs-answer zs-streaming"><div class="zs-text">{escape(text)}</div></div>'


def user_html(question: str) -> str:
    return f'<div class="zs-question">{escape(question)}</div>'


def banner(text: str, kind: str = "warn") -> str:
    return f'<div class="zs-banner zs-banner-{kind}">{escape(text)}</div>'


LIBRARY_COLUMNS = ("doc_id", "title", "type", "region", "published", "effective", "expires", "validity",
                   "chunks", "tables", "status", "error")


def library_rows(docs: Iterable[DocRecord], lang: str) -> list[list[str | int]]:
    """Library table rows (plain strings; the Dataframe shows them as text, never as HTML)."""
    rows: list[list[str | int]] = []
    for d in sorted(docs, key=lambda r: r.doc_id):
        status = d.status if not d.duplicate_of else f"{d.status} → {d.duplicate_of}"
        validity = d.validity_status()
        if d.superseded_by:
            validity = f"{validity} ({t(lang, 'badge_superseded')})"
        rows.append([d.doc_id, d.title, doc_type_label(lang, d.doc_type), d.region.label(), d.published,
                     d.effective, d.expires, validity, d.chunk_count, d.table_count, status,
                     "; ".join(filter(None, [d.error, *d.warnings]))])
    return rows
