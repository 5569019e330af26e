"""Recognising names in text: people, organisations, places — the primitives the asked-datum checks share
(query/kinds.py: does a sentence name someone or somewhere; query/datum_shape.py: is that name next to the
asked role or event)."""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.query.wordlists import words

ORG = re.compile(r"[\u4e00-\u9fffA-Za-z]{2,}(?:公司|集团|大学|学院|银行|协会|委员会|政府|部|局|厅|署|院|队|俱乐部|组织"
                 r"|联盟|基金会|研究所|中心|法院|医院)")
TITLE_OR_QUOTE = re.compile(r"《[^》]{1,40}》|“[^”]{1,30}”|「[^」]{1,30}」")
LATIN_NAME = re.compile(r"(?<![A-Za-z])(?!(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b)[A-Z][A-Za-z]+(?:\s+[A-Z][A-Za-z]+)*")
FOREIGN_NAME = re.compile(r"[\u4e00-\u9fff]{1,6}·[\u4e00-\u9fff]{1,8}")
PLACE_WORD = re.compile(r"[\u4e00-\u9fff]{1,8}(?:省|市|县|区|镇|乡|州|港|岛|湾|路\d*号|大道|街道)")
# Where an event is held: venues are named by these ends (圆柱大厅, 国际会议中心, 国家体育场).
VENUE_WORD = re.compile(r"[\u4e00-\u9fff]{1,10}(?:大厅|会议中心|中心|会堂|体育场|体育馆|场馆|宫|广场|酒店|宾馆|公园|机场|基地"
                        r"|大学|港|岛|湾)")
PERSON_TAGS = ("nr", "nrt", "nrfg")


@lru_cache(maxsize=8192)
def tagged(text: str) -> tuple[tuple[str, str], ...]:
    """rjieba's (word, part-of-speech) pairs, cached: the same sentences are judged for several questions."""
    import rjieba

    return tuple(rjieba.tag(text))


@lru_cache(maxsize=1)
def common_surnames() -> frozenset[str]:
    return words("surnames")


@lru_cache(maxsize=1)
def surnames() -> frozenset[str]:
    return common_surnames() | words("surnames_more")


@lru_cache(maxsize=1)
def _transliteration() -> frozenset[str]:
    return words("transliteration_chars")


def _transliterated(run: str) -> str:
    """The leading foreign name spelled in Chinese (扬科维奇1972年 → 扬科维奇), or ''."""
    n = 0
    while n < len(run) and run[n] in _transliteration():
        n += 1
    return run[:n] if n >= 3 else ""


def plausible_name(word: str, tag: str) -> bool:
    """rjieba tags some common words as names (卫星, 普世性, 青少年): a two-character one must start with a common
    surname, a three-character one with any surname or be spelled as a foreign name (马克龙, 蓬佩奥)."""
    if len(word) == 3 and tag.startswith("nr") and '\u4e00' <= word[0] <= '\u9fff':
        return word[0] in surnames() or word[:2] in surnames() or bool(_transliterated(word))
    return len(word) >= 3 or (len(word) == 2 and (not tag.startswith("nr") or word[0] in common_surnames()))


def person_at_start(text: str) -> str:
    """A Chinese personal name opening `text` (张三表示 → 张三, 欧阳娜娜 → 欧阳娜娜), or ''. A name is a
    surname and one or two given-name characters; the tagger decides how long when it knows the name."""
    for pattern in (FOREIGN_NAME, LATIN_NAME):
        if m := pattern.match(text):
            return m.group()
    m = re.match(r"[\u4e00-\u9fff]{2,6}", text)
    if not m:
        return ""
    run = m.group()
    if foreign := _transliterated(run):
        return foreign
    family = next((s for s in (run[:2], run[:1]) if s in surnames()), "")
    if not family or len(run) <= len(family):
        return ""
    first = tagged(run)[0]
    if first[1].startswith("nr") and first[0].startswith(family) and len(first[0]) > len(family):
        return first[0]
    return run[: len(family) + min(2, len(run) - len(family))]


def person_at_end(text: str) -> str:
    """A Chinese personal name closing `text` (…由闫宇彤 → 闫宇彤; 蔡文静、彭冠英 → 彭冠英), or ''."""
    m = re.search(r"(?:[\u4e00-\u9fff]{2,5}|[A-Z][A-Za-z]+(?:\s+[A-Z][A-Za-z]+)*|[\u4e00-\u9fff]{1,6}·[\u4e00-\u9fff]{1,8})$",
                  text)
    if not m:
        return ""
    run = m.group()
    if not '\u4e00' <= run[0] <= '\u9fff' or "·" in run:
        return run
    if _transliterated(run[-4:]) or _transliterated(run[-3:]):
        return run[-4:] if _transliterated(run[-4:]) == run[-4:] else run[-3:]
    tail = tagged(run)[-1]
    if tail[1] == "ns" and len(tail[0]) >= 2:
        return ""  # 该党台北(市长): a place before the role, not a person holding it
    for size in (3, 2, 4):  # given names are mostly two characters, then one
        name = run[-size:]
        if len(name) == size and (name[:1] in surnames() or name[:2] in surnames()):
            if tail[1] in PERSON_TAGS or size <= 3:
                return name
    return ""


@lru_cache(maxsize=1024)
def _abbreviation_pattern(short: str) -> re.Pattern:
    return re.compile("[\u4e00-\u9fff]{0,6}?".join(map(re.escape, short)))


def abbreviation_in(short: str, text: str) -> bool:
    """人社局 in 人力资源社会保障局, 中国男足 in 中国国家男子足球队: a 简称's characters in order within a name."""
    return len(short) >= 3 and bool(_abbreviation_pattern(short).search(text))
