"""The quantity a how-much question asks for, and how well a figure's own label in a sentence or table row names it.

"普陀区商务委员会2025年“三公”经费预算数是多少？" asks for the figure labelled 三公经费预算数. One row may state several
figures ("“三公”经费预算数合计 1.00万元，…，机关运行经费预算数 171.01万元") and one passage several sentences with
figures of the same body and year. The figure to quote is the one whose own label (the words just before it, back
to the previous figure or clause break, plus the row label in a table) is the asked quantity; a figure labelled with
another quantity (机关运行经费, 公共安全支出) is a neighbour, however many question words its sentence holds. Labels
are compared as character bigrams, leaving out what every passage of the document shares (its title and file
name: 部门预算, 决算, the body's name) and the question's scope (place, body, year)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from assistant.query.scope import QuestionScope, year_spans
from assistant.query.wordlists import words
from assistant.text.numbers import extract_quantities

_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
# How a question asks for the figure; not part of the quantity's name.
_ASKING = re.compile(r"请问|是多少|有多少|为多少|多少|是几|有几|几|是什么|多大|多高|多少钱|吗|呢")
# A figure's label starts after the previous clause break (in prose, also after "其中：").
_BREAK = re.compile(r"[，,；;。！？!?（）()、\n｜]")
_PROSE_BREAK = re.compile(r"[，,；;。！？!?（）()、\n｜：:]")
_ROW_LABEL_MAX = 40  # a table row renders as "row label：column label value，…"; longer heads are prose
# A table row states the figure too, but a sentence that says it in words is what a reader quotes.
TABLE_SHARE = 0.9


@dataclass(frozen=True)
class AskedFigure:
    """The asked quantity's bigrams ("三公经费预算数" → 三公 公经 经费 费预 预算 算数); empty when the question names
    nothing beyond its scope."""

    bigrams: frozenset[str]
    text: str = ""  # the question without its scope and asking words
    scope_forms: tuple[str, ...] = ()  # the question's place, body and year as a passage writes them: cut from labels

    def __bool__(self) -> bool:
        return bool(self.bigrams)


@lru_cache(maxsize=1)
def _fillers() -> tuple[str, ...]:
    return tuple(sorted(words("figure_label_fillers"), key=len, reverse=True))


def _bigrams(text: str) -> frozenset[str]:
    """CJK character bigrams of the text without years, fillers (合计, 本年, 的…) and anything not Chinese."""
    for _, _, written in year_spans(text):
        text = text.replace(written, " ")
    for filler in _fillers():
        text = text.replace(filler, " ")
    return frozenset(run[i: i + 2] for run in _CJK_RUN.findall(text) for i in range(len(run) - 1))


def asked_figure(question: str, scope: QuestionScope) -> AskedFigure:
    """The question without its scope items and its asking words: the name of the quantity it asks for."""
    forms = tuple(sorted({f for item in scope.items for f in (item.text, *item.forms) if f}, key=len, reverse=True))
    text = _ASKING.sub(" ", _without(question, forms))
    return AskedFigure(_bigrams(text), text, forms)


def _without(text: str, forms: tuple[str, ...]) -> str:
    for form in forms:  # longest first: 普陀区 before 普陀
        text = text.replace(form, " ")
    return text


def figure_labels(sentence: str, table_row: bool) -> list[str]:
    """Each figure's label in the sentence: the words before it back to the previous figure or clause break; a
    table row's figures also carry the row label (the text before the row's first "：")."""
    row = ""
    if table_row:
        head, colon, _ = sentence.partition("：")
        row = head if colon and len(head) <= _ROW_LABEL_MAX else ""
    breaks = _BREAK if table_row else _PROSE_BREAK
    out, previous = [], 0
    for q in extract_quantities(sentence):
        if q.kind in ("date", "phone"):
            previous = q.end
            continue
        start = max([previous] + [m.end() for m in breaks.finditer(sentence, previous, q.start)])
        label = sentence[start: q.start]
        out.append(f"{row} {label}" if row and start >= len(row) else label)
        previous = q.end
    return out


def label_fit(asked: AskedFigure, sentence: str, frame: str = "", table_row: bool = False) -> float:
    """0..1: how well the best-labelled figure of the sentence is the asked quantity — the share of the asked
    words its label holds, lowered when the label also names something the question does not (机关运行经费 for
    三公经费). frame: the document's title and file name; a run of three or more characters shared with it (the
    body's full name, 部门预算) is what every passage of the document says, on both sides."""
    if not asked:
        return 0.0
    wanted = _bigrams(_shared_cut(asked.text, frame)) or asked.bigrams
    best = 0.0
    for label in figure_labels(sentence, table_row):
        own = _bigrams(_shared_cut(_without(label, asked.scope_forms), frame))
        if not own:
            continue
        recall = len(wanted & own) / len(wanted)
        precision = len(asked.bigrams & own) / len(own)
        best = max(best, recall * precision**0.5)
    return best * (TABLE_SHARE if table_row else 1.0)


@lru_cache(maxsize=8192)
def _shared_cut(text: str, frame: str, least: int = 3) -> str:
    """The text without its runs of `least` or more characters that the frame holds too (longest first)."""
    out, i = [], 0
    while i < len(text):
        j = i + least
        while j <= len(text) and text[i:j] in frame:
            j += 1
        if j - 1 - i >= least:
            out.append(" ")
            i = j - 1
        else:
            out.append(text[i])
            i += 1
    return "".join(out)
