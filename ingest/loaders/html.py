"""HTML loader: decode (declared or sniffed GB2312/GBK/UTF-8), keep the main text, read title, date and URL."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import IngestError
from assistant.types import LoadedFile, Page, TableSpan
from ingest.boilerplate import find_source_url
from ingest.encoding import declared_charset, decode_bytes, not_text_reason
from ingest.html_blocks import Block, blocks_of, main_text, parse
from ingest.html_tables import locate

_DATE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)")
_DATE_CUE = re.compile(r"来源|发布|时间|日期|更新|发表|出处|作者|编辑")
_DATE_META = ("article:published_time", "og:release_date", "publishdate", "publish_date", "pubdate",
              "firstpublishedtime", "dc.date", "dc.date.issued", "date", "published", "release_date",
              "article:modified_time", "lastmodifiedtime")
# " - 新华网", "_中国政府网", "|人民网": the site name after the last separator is not the title.
_TITLE_SEP = re.compile(r"\s*(?:[-_|｜—–]{1,2}|::)\s*")


@dataclass(frozen=True)
class HtmlExtract:
    text: str
    title: str = ""
    date: str = ""  # ISO YYYY-MM-DD
    url: str = ""
    tables: tuple[TableSpan, ...] = ()  # data tables kept in the main text, one labelled line per row


def iso_date(text: str) -> str:
    """The first plausible calendar date in text as YYYY-MM-DD, else ''."""
    for m in _DATE.finditer(text):
        year, month, day = (int(g) for g in m.groups())
        if 1 <= month <= 12 and 1 <= day <= 31:
            return f"{year:04d}-{month:02d}-{day:02d}"
    return ""


def _meta(root, *names: str) -> str:
    wanted = {n.lower() for n in names}
    for el in root.iter("meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
        if key in wanted and (el.get("content") or "").strip():
            return el.get("content").strip()
    return ""


def _title(root) -> str:
    og = _meta(root, "og:title")
    heads = [" ".join(h.text_content().split()) for h in root.iter("h1")]
    page_title = " ".join((root.findtext(".//title") or "").split())
    for h1 in heads:  # an <h1> that the <title> repeats is the article's, not the site logo's
        if 4 <= len(h1) <= 80 and (h1 in page_title or (og and h1 in og)):
            return h1
    if og:
        return og
    parts = [p for p in _TITLE_SEP.split(page_title) if p]
    if len(parts) > 1:
        return max(parts[:-1], key=len)  # the last part is the site name
    return page_title or next((h for h in heads if 4 <= len(h) <= 80), "")


def _date(root, blocks: list[Block], span: tuple[int, int]) -> str:
    found = iso_date(_meta(root, *_DATE_META))
    if found:
        return found
    for el in root.iter("time"):
        found = iso_date(el.get("datetime") or el.text_content())
        if found:
            return found
    # A dateline ("2005年3月11日 来源：人民网", "发布时间：…") sits above the article or in its first lines;
    # blogs put it right after. Dates in the footer or in other articles' teasers are not it.
    start, end = span
    head = blocks[max(start - 15, 0) : min(end, start + 15)]
    cued = (iso_date(b.text) for b in head if _DATE_CUE.search(b.text))
    near = blocks[max(start - 8, 0) : start + 3] + blocks[max(end - 2, start) : end + 4]
    return next((d for d in cued if d), "") or next((d for d in (iso_date(b.text) for b in near) if d), "")


def _canonical(root) -> str:
    for el in root.iter("link"):
        if (el.get("rel") or "").lower() == "canonical" and (el.get("href") or "").startswith("http"):
            return el.get("href").strip()
    og = _meta(root, "og:url")
    return og if og.startswith("http") else ""


class NotHtml(ValueError):
    """Bytes that are not a web page at all (an image, an archive, random data)."""


def extract_html(data: bytes) -> HtmlExtract:
    """Main text, title, publication date and canonical URL of one HTML page given as bytes."""
    text = decode_bytes(data, declared_charset(data)).text
    why = not_text_reason(data, text)
    if why:
        raise NotHtml(why)
    meta_root = parse(text)
    blocks = blocks_of(parse(text))  # a second tree: extraction strips furniture from its tree
    body, span = main_text(blocks)
    url = _canonical(meta_root) or find_source_url(body)
    tables = locate(body, [b.table for b in blocks[span[0] : span[1]] if b.table is not None])
    return HtmlExtract(body, _title(meta_root), _date(meta_root, blocks, span), url, tables)


def load_html(path: Path) -> list[LoadedFile]:
    data = path.read_bytes()
    if not data.strip():
        raise IngestError(str(path), "the file is empty", "upload the saved web page again")
    try:
        page = extract_html(data)
    except NotHtml as exc:
        raise IngestError(str(path), str(exc).replace("not text", "not a web page"),
                          "check the file: save the page again from the browser as HTML") from exc
    except (ValueError, TypeError) as exc:  # lxml refuses some broken markup outright
        raise IngestError(str(path), f"the HTML could not be parsed ({exc})", "save the page again as HTML") from exc
    if not page.text.strip():
        raise IngestError(str(path), "no readable main text in the HTML page",
                          "save the article page itself (not a frame or index page), or paste its text into a .txt file")
    suffix = path.suffix.lower().lstrip(".")
    return [LoadedFile(str(path), "html" if suffix in ("html", "htm") else suffix, (Page(1, page.text, tables=page.tables),),
                       title_hint=page.title, date_hint=page.date, source_url=page.url)]
