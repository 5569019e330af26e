"""Main-text extraction from an HTML tree: text blocks scored by length, punctuation and link density.

The article is the contiguous run of blocks with the largest total score (max-subarray), so short headings
between paragraphs stay while menus, link lists and footers around the article go.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree, html

from ingest.boilerplate import clean_text, is_junk_line
from ingest.html_tables import RenderedTable, render_table

_DROP_TAGS = ("script", "style", "noscript", "iframe", "select", "option", "button", "textarea", "input",
              "nav", "footer", "aside", "head", "object", "embed", "svg", "map", "label")
_BLOCK_TAGS = frozenset("p div td th tr li ul ol dl dd dt h1 h2 h3 h4 h5 h6 table tbody section article "
                        "blockquote pre center form header main figure figcaption caption hr address".split())
# class/id names of page furniture; matched as whole words so "content-side-note" style names need two hits.
_FURNITURE = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|menu|footer|breadcrumbs?|crumbs?|share|sharing|bdsharebuttonbox|sidebar|"
    r"copyright|comments?|related|recommend|login|toolbar|pagination|pager|advert|ads|topbar|friendlink)(?:$|[\s_-])",
    re.I,
)
_PUNCT = re.compile(r"[，。！？；：、,.!?;]")
_SPACE = re.compile(r"[ \t\r\f\v\u3000\xa0]+")


@dataclass
class Block:
    text: str
    link_chars: int = 0
    tag: str = ""
    table: RenderedTable | None = None  # set on the first row line of a data table

    @property
    def size(self) -> int:
        return len(self.text.replace(" ", ""))

    @property
    def link_density(self) -> float:
        return self.link_chars / max(self.size, 1)


def parse(text: str) -> html.HtmlElement:
    """Parse decoded HTML (an XML declaration with an encoding would make lxml refuse a str)."""
    text = re.sub(r"^\s*<\?xml[^>]*>", "", text)
    parser = html.HTMLParser(remove_comments=True, remove_pis=True)
    return html.document_fromstring(text or "<html></html>", parser=parser)


def _strip_furniture(root: html.HtmlElement) -> None:
    etree.strip_elements(root, *_DROP_TAGS, with_tail=False)
    for el in list(root.iter()):
        if not isinstance(el.tag, str) or el.getparent() is None:
            continue
        names = f"{el.get('class', '')} {el.get('id', '')}"
        if el.tag not in ("body", "html") and _FURNITURE.search(names):
            el.drop_tree()


def blocks_of(root: html.HtmlElement) -> list[Block]:
    """Linearise the tree into text blocks split at block-level tags and <br>."""
    _strip_furniture(root)
    out: list[Block] = [Block("")]

    def flush(tag: str = "") -> None:
        if out[-1].text.strip():
            out.append(Block("", tag=tag))
        else:
            out[-1].tag = tag or out[-1].tag

    def walk(el: html.HtmlElement, in_link: bool) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag == "table" and _add_table(el, out):
            return
        if tag in _BLOCK_TAGS or tag == "br":
            flush(tag)
        in_link = in_link or tag == "a"
        if el.text and tag != "br":
            _add(out[-1], el.text, in_link)
        for child in el:
            walk(child, in_link)
            if child.tail:
                _add(out[-1], child.tail, in_link and child.tag != "a")
        if tag in _BLOCK_TAGS:
            flush()

    body = root.find("body")
    walk(body if body is not None else root, False)
    # Pages often carry the article twice (print/mobile copies): a repeat would stretch the region over
    # everything between the copies.
    seen: set[str] = set()
    kept = []
    for block in out:
        key = "".join(block.text.split())
        if key and (len(key) < 20 or key not in seen):
            seen.add(key)
            kept.append(block)
    return kept


def _add_table(el: html.HtmlElement, out: list[Block]) -> bool:
    """A data table as one block per labelled row (after its <caption>); False for a layout table."""
    before = next((b.text.strip() for b in reversed(out) if b.text.strip()), "")
    rendered = render_table(el, before)
    if rendered is None:
        return False
    caption = el.find("caption")
    lines = ([" ".join(caption.text_content().split())] if caption is not None else []) + list(rendered.lines)
    if out[-1].text.strip():
        out.append(Block(""))
    for line in lines:
        out[-1].text = line
        out[-1].tag = "tr"
        out.append(Block(""))
    out[-(len(rendered.lines) + 1)].table = rendered
    return True


def _add(block: Block, text: str, in_link: bool) -> None:
    text = _SPACE.sub(" ", text.replace("\n", " "))
    block.text += text
    if in_link:
        block.link_chars += len(text.replace(" ", ""))


def _score(block: Block) -> float:
    """Positive for prose, negative for link lists and menu crumbs, about zero for short headings."""
    size, links = block.size, block.link_density
    punct = len(_PUNCT.findall(block.text))
    if links > 0.5 or is_junk_line(block.text):
        return -max(size, 10)
    if punct == 0 and size < 40:
        return -3.0  # a heading or a label: cheap to include when prose surrounds it
    return size * (1 - links) * (1.0 if punct else 0.5)


def best_region(blocks: list[Block]) -> tuple[int, int]:
    """Indices [start, end) of the contiguous run of blocks with the highest total score."""
    best, best_span = float("-inf"), (0, 0)
    run, start = 0.0, 0
    for i, block in enumerate(blocks):
        if run <= 0:
            run, start = 0.0, i
        run += _score(block)
        if run > best:
            best, best_span = run, (start, i + 1)
    return best_span


def main_text(blocks: list[Block]) -> tuple[str, tuple[int, int]]:
    """The article's text (paragraphs joined by "\\n") and its block span [start, end)."""
    if not blocks:
        return "", (0, 0)
    start, end = best_region(blocks)
    kept = [b.text.strip() for b in blocks[start:end] if b.link_density <= 0.5]
    return clean_text("\n".join(kept)).text, (start, end)
