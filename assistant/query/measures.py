"""Economic measures and measured quantities a question asks a figure of (净利润, GDP; 多少吨), and whether a sentence
labels a figure with that measure (净利润22.9亿元, not 人均GDP or GDP增速)."""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.query.wordlists import lines
from assistant.text.numbers import extract_quantities

# Measured quantities: "抢卸多少吨" is answered by a figure in tonnes, not by the day the ship came in.
MEASURE_UNITS = ("吨|千克|公斤|斤", "平方公里|平方米|亩|公顷", "公里|千米|米", "立方米|升")
ASKED_MEASURE = re.compile(rf"多少\s*(?:万|亿)?\s*({'|'.join(MEASURE_UNITS)})")


@lru_cache(maxsize=1)
def _measures() -> tuple[tuple[str, ...], ...]:
    rows = (tuple(sorted(set(ln.split()), key=len, reverse=True)) for ln in lines("measures"))
    return tuple(sorted(rows, key=lambda r: -len(r[0])))


def asked_measure(question: str) -> tuple[str, ...]:
    """The words for the economic measure a question asks a figure of (净利润 → 净利润, 归母净利润, 净利…)."""
    for row in _measures():
        if any(w in question for w in row):
            return row
    return ()

def ends_with_measure(text: str) -> bool:
    """The text ends in a measure's name ("2022年中国电影的总票房收入" → 收入, though 票房 comes first)."""
    return any(text.endswith(w) for row in _measures() for w in row)


def labelled(measure: tuple[str, ...], sentence: str, question: str, before: int = 16, after: int = 6) -> bool:
    """A figure with the measure's name just before it (净利润22.9亿元) or just after (22.9亿元的净利润)."""
    for q in extract_quantities(sentence):
        if q.kind == "date":
            continue
        window = sentence[max(0, q.start - before): q.start] + " " + sentence[q.end: q.end + after]
        if any(w in window and not _other_measure(window, w, question) for w in measure):
            return True
    return False


# 人均GDP is not GDP, GDP增速 not its amount: a modifier the question lacks makes the label another measure.
_MEASURE_MODIFIERS_BEFORE = ("人均", "户均", "亩均", "地均")
_MEASURE_MODIFIERS_AFTER = ("增速", "增长率", "增幅", "占比", "比重")


def _other_measure(window: str, word: str, question: str) -> bool:
    for m in re.finditer(re.escape(word), window):
        before, after = window[max(0, m.start() - 2): m.start()], window[m.end(): m.end() + 3]
        if not (any(before.endswith(x) and x not in question for x in _MEASURE_MODIFIERS_BEFORE)
                or any(after.startswith(x) and x not in question for x in _MEASURE_MODIFIERS_AFTER)):
            return False
    return True
