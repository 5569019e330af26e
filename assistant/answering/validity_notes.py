"""Warnings for answers that cite an expired, repealed, not-yet-effective or superseded policy."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace

from assistant.types import Citation, DocInfo, Validity


def with_validity_dates(citation: Citation, doc: DocInfo) -> Citation:
    """The citation carrying its document's validity dates, so a warning can name them."""
    return replace(citation, effective=doc.effective, expires=doc.expires, repealed=doc.repealed)


def _date(iso: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(iso) if iso else None
    except ValueError:
        return None


def _status(c: Citation, today: dt.date | None) -> str:
    """Status on `today` from the dates when the citation has them, else the status it was built with."""
    if c.validity == "repealed" and not c.repealed:
        return "repealed"  # repealed by a statement without a date: no date can undo that
    validity = Validity(_date(c.effective), _date(c.expires), _date(c.repealed))
    if validity == Validity():
        return c.validity
    return validity.status(today)


def _zh_date(iso: str) -> str:
    d = _date(iso)
    return f"{d.year}年{d.month}月{d.day}日" if d else iso


def _name(c: Citation, language: str) -> str:
    title = (c.title or c.source).strip("《》")
    return f"“{title}”" if language == "en" else f"《{title}》"


def _zh_warning(status: str, c: Citation, refs: str) -> str:
    name = _name(c, "zh")
    if status == "expired":
        when = f"已于{_zh_date(c.expires)}到期失效" if c.expires else "已过有效期"
        return f"注意：{refs}{name}{when}，请以现行政策为准。"
    if status == "repealed":
        when = f"已于{_zh_date(c.repealed)}废止" if c.repealed else "已废止"
        return f"注意：{refs}{name}{when}，请以现行政策为准。"
    when = f"自{_zh_date(c.effective)}起施行，" if c.effective else ""
    return f"注意：{refs}{name}{when}目前尚未生效。"


def _en_warning(status: str, c: Citation, refs: str) -> str:
    name = _name(c, "en")
    if status == "expired":
        when = f"expired on {c.expires}" if c.expires else "has expired"
        return f"Note: {refs} {name} {when}; check the current policy."
    if status == "repealed":
        when = f"was repealed on {c.repealed}" if c.repealed else "has been repealed"
        return f"Note: {refs} {name} {when}; check the current policy."
    when = f" takes effect on {c.effective} and" if c.effective else ""
    return f"Note: {refs} {name}{when} is not yet in force."


def _superseded(c: Citation, refs: str, language: str) -> str:
    newer = c.superseded_by.replace("\\", "/").rsplit("/", 1)[-1]
    if language == "en":
        return f"Note: {refs} {_name(c, 'en')}: a newer version exists: {newer}."
    return f"注意：{refs}{_name(c, 'zh')}已有更新版本：{newer}，请优先参考新版本。"


def validity_warnings(
    citations: Sequence[Citation], language: str, today: dt.date | None = None, asked_years: frozenset[int] = frozenset()
) -> tuple[str, ...]:
    """One warning per cited document that is out of force or has a newer version, in citation order. A yearly
    document named by a year the question asks about (asked_years) is the version asked for, not an outdated one."""
    from ingest.metadata import name_year

    by_doc: dict[str, list[Citation]] = {}
    for c in citations:
        by_doc.setdefault(c.doc_id or c.source, []).append(c)
    warnings: list[str] = []
    for group in by_doc.values():
        c = group[0]
        refs = "".join(f"[{x.n}]" for x in group)
        status = _status(c, today)
        if status in ("expired", "repealed", "not_yet_effective"):
            warnings.append(_en_warning(status, c, refs) if language == "en" else _zh_warning(status, c, refs))
        if c.superseded_by and name_year(c.source) not in asked_years:
            warnings.append(_superseded(c, refs, language))
    return tuple(warnings)
