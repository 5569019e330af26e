"""Which places a text is about: the places it names (not a park's or company's name glued to a short form, not a
news dateline), how two regions relate (same, parent, child, other), and which documents are national."""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.types import DocInfo, Hit, Region
from ingest.regions import DATELINE  # noqa: F401  (re-exported: the scope check strips it from titles)

NATIONAL = "全国"
# "…对接活动在深圳举行", "赴南宁开展协同招商": where an event took place, not whose event it is (and a where-question's
# answer).
VENUE = re.compile(r"(?:在|于|赴|到)([^，。；,;：:]{2,14}?)(?:举行|举办|召开|开幕|闭幕|落幕|开展|启动|成功举办)")


@lru_cache(maxsize=8192)  # ~70 calls per question over the same few regions
def place_relation(asked: Region, found: Region) -> str:
    """same | parent (found contains asked) | child (found lies within asked) | other."""
    a = (asked.province, asked.city, asked.district)
    f = (found.province, found.city, found.district)
    if asked.names() and found.names() and asked.names()[-1] == found.names()[-1]:
        return "same"
    if not found.names():
        return "other"
    if all(not y or x == y for x, y in zip(a, f, strict=True)) and _depth(found) < _depth(asked):
        return "parent"
    if all(not x or x == y for x, y in zip(a, f, strict=True)) and _depth(found) > _depth(asked):
        return "child"
    return "other"


def asked_relations(asked: Region, text: str, skip: tuple[tuple[int, int], ...] = ()) -> list[tuple[Region, str]]:
    """(place, its relation to the asked place) for each place the text names outside the `skip` spans. A place
    named to be left out ("湖北省以外的其他省份", "除武汉外") is another place when the asked one lies in it, and
    says nothing about any other asked place (the rule holds everywhere else)."""
    out = []
    for pos, region, end in _mention_spans(text):
        if any(a <= pos < b for a, b in skip):
            continue
        rel = place_relation(asked, region)
        if _left_out(text, pos, end):
            if rel not in ("same", "child"):
                continue
            rel = "other"
        out.append((region, rel))
    return out


def other_places(asked: Region, related: list[tuple[Region, str]]) -> list[Region]:
    """The named places that make a text about somewhere else than the asked place: not those outside every place
    above the asked one that the text also names (a 福建省 passage's "湖北（武汉）等地区入闽人员" is about 福建, the
    travellers' origin is in passing), while a sibling inside that wider place (厦门市 for 莆田市) is another place."""
    others = [r for r, rel in related if rel == "other"]
    parents = [r for r, rel in related if rel == "parent"]
    if not parents:
        return others
    return [r for r in others if any(place_relation(p, r) != "other" for p in parents)]


_LEFT_OUT_AFTER = re.compile(r"[以之]?外(?![资商贸国省市地企籍汇])")


def _left_out(text: str, start: int, end: int) -> bool:
    return bool(_LEFT_OUT_AFTER.match(text, end)) or text[max(0, start - 2): start].endswith(("除", "除了"))


def _depth(r: Region) -> int:
    return 3 if r.district else 2 if r.city and r.city != r.province else 1 if r.province else 0


@lru_cache(maxsize=4096)
def place_mentions(text: str) -> tuple[tuple[int, Region], ...]:
    """Places a text names. A short form glued to a park's or company's name (四川通信产业园) is that name, not a
    place the text is about; a full name (南京市) always is."""
    return tuple((start, region) for start, region, _ in _mention_spans(text))


@lru_cache(maxsize=4096)
def _mention_spans(text: str) -> tuple[tuple[int, Region, int], ...]:
    from assistant.query.entities import body_suffix_at
    from ingest.regions import find_place_spans

    out = []
    spans = find_place_spans(text)
    for k, (start, end, region) in enumerate(spans):
        if k + 1 < len(spans) and spans[k + 1][0] == end and place_relation(region, spans[k + 1][2]) == "child":
            continue  # 淮安市洪泽区 names 洪泽区 (the city only says where it lies), not 淮安市 as well
        run = _NAME_RUN.match(text, end)
        glued = bool(run) and text[end] not in _AFTER_PLACE and body_suffix_at(run.group())
        if not glued or text[start:end].endswith(_SUFFIXES):
            out.append((start, region, end))
    return tuple(out)


_NAME_RUN = re.compile(r"[\u4e00-\u9fff]{1,10}")
_AFTER_PLACE = "的、和与及等在市省区县州旗镇乡新高经开自综保港"
_SUFFIXES = ("省", "市", "区", "县", "州", "旗")


def most_named(names: list[str]) -> str:
    """The place a passage names most (first among equals): a 内江 passage that mentions 香港 once in passing is
    内江's, and a refusal labels its facts so."""
    return max(dict.fromkeys(names), key=names.count) if names else ""


def passage_place(hit: Hit, region_name: str) -> str:
    """Whose facts a passage of a document of another place holds: its document's place, unless the title names
    several places (成都金牛区、温江区、邛崃市…动态), whose passages each say which one they are about."""
    from assistant.text.sentences import is_running_text

    title = hit.chunk.doc.title
    if is_running_text(title) or len({r for _, r in place_mentions(DATELINE.sub("", title))}) < 2:
        return region_name  # (a first line taken as the title names whatever its sentence does)
    named = [r.names()[-1] for _, r in place_mentions(f"{hit.chunk.heading}\n{hit.chunk.text}") if r.names()]
    return most_named(named) or region_name


def is_national(doc: DocInfo) -> bool:
    """A document with no region whose title is a national body's or law's: it applies everywhere."""
    if doc.region.names():
        return False
    from ingest.national import TO_EVERY_PROVINCE, national_title

    title = doc.title.strip("《》")
    return (national_title(title) or bool(TO_EVERY_PROVINCE.search(title))
            or (doc.doc_type == "regulation" and not place_mentions(title))
            or (bool(doc.issuer) and national_title(doc.issuer) and not place_mentions(title)))
