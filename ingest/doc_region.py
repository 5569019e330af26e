"""The region a document is about, from its title and text: within the title's place, the part the text mostly
talks about; none for a national document (issued, signed or addressed nationally)."""

from __future__ import annotations

import re
from collections import Counter

from assistant.types import Region
from ingest.regions import _collapse_chains, _mentions, _within, without_datelines


def main_region(title: str, text: str) -> Region:
    """The region a document is about: within the title's place, the part the text mostly talks about."""
    from ingest.national import ADDRESSEES, addressed_to_every_province, national_signature, national_title

    if national_title(title):
        return Region()  # 国务院关于鼓励华侨和香港澳门同胞投资的规定 is national, whatever places it names
    whole = title + "\n" + text
    mentions = _collapse_chains(_mentions(without_datelines(whole)))
    cut = len(title) + 1
    # A first line taken as the title may run on into the addressees ("…的通知 各省、自治区、直辖市人民政府，新疆
    # 生产建设兵团："): places named there are whom it is sent to, not what it is about.
    to = ADDRESSEES.search(title)
    in_title = [m for m in mentions if m.start < cut and not (to and to.start() <= m.start < to.end())]
    if not in_title and (addressed_to_every_province(title, text) or national_signature(text)):
        return Region()  # addressed to every province, or signed by national bodies: the places it names are
        # its addressees, or the ones it makes rules for
    weights: Counter[Region] = Counter()
    # A notice of "市市场监管委" about "我市各单位" names its own city only in its bodies' names (天津市标准化研究院),
    # while the places it helps (湖北省的企业) are named as often: there, with no place in its title to anchor it, a
    # body's place counts more.
    own_unnamed = not in_title and bool(_UNNAMED_OWN.search(whole))
    # Not a body of a place above another one it names (四川省应急委员会 in 内江's letter): that one is narrower.
    regions = {m.region for m in mentions} if own_unnamed else set()
    above = {r for r in regions if any(o != r and _within(o, r) for o in regions)}
    for m in mentions:
        named_body = own_unnamed and m.start >= cut and m.region not in above and bool(_BODY_AFTER.match(whole, m.end))
        weights[m.region] += 5 if m.start < cut else 3 if named_body else 1
    anchor = Region()
    if in_title and _WHOLE_AREA.search(title):
        # "浙江：全省各地健康码陆续上线…杭州、宁波…" is the province's, whichever of its cities the text names most.
        return min(in_title, key=lambda m: (m.level, m.start)).region
    if in_title:
        anchor = max(in_title, key=lambda m: (m.level, -m.start)).region
    # A notice addressed to its own counties or departments ("各县区人民政府，…，市政府各部门：") is a city's or
    # county's: a place it names once is its own, not a passing mention.
    local = bool(_LOCAL_ADDRESSEES.search(title + "\n" + text[:300]))
    return _refine(anchor, weights, need=2 if not (in_title or local) else 1)


_LOCAL_ADDRESSEES = re.compile(r"各(?:县|区|县区|区县|县市区|市县|市区|乡镇|街道)[^：:。]{0,60}[：:]"
                               r"|[市县区](?:政府|直)?各(?:部门|单位|委办局)")


# The document speaks of its own city or county without naming it (我市, 本市, 市政府, a title opening "市…委").
_UNNAMED_OWN = re.compile(r"[我本全][市县区](?![场民长值])|^市[\u4e00-\u9fff]{1,8}(?:委|局|办|政府)")
# A place opening a body's name: 天津市市场监督管理委员会, 天津市标准化研究院 (no clause break before the suffix).
_BODY_AFTER = re.compile(r"[\u4e00-\u9fff]{0,10}?(?:委员会|人民政府|政府|管委会|研究院|办公室|办公厅|[局厅委办院])"
                         r"(?![长员理法事面势名门])")
_WHOLE_AREA = re.compile(r"全省|全市|全区|全县|全州|全域|各地|各市|各县")


def _refine(anchor: Region, weights: Counter[Region], need: int) -> Region:
    """Go one level deeper while one child of the current region holds at least half of its weight."""
    current = anchor
    for field in ("province", "city", "district"):
        if getattr(current, field):
            continue
        inside = {r: w for r, w in weights.items() if _within(r, current)}
        total = sum(inside.values())
        by_child: Counter[str] = Counter()
        for r, w in inside.items():
            if getattr(r, field):
                by_child[getattr(r, field)] += w
        if not by_child:
            break
        child, w = by_child.most_common(1)[0]
        if w < need or w * 2 < total:
            break
        current = _descend(current, field, child)
    return current


def _descend(current: Region, field: str, child: str) -> Region:
    if field == "province":
        return Region(child)
    if field == "city":
        return Region(current.province, child)
    return Region(current.province, current.city, child)
