"""The quantity a how-much question asks for, and how well a figure's own label in a sentence or table row names it.

"普陀区商务委员会2025年“三公”经费预算数是多少？" asks for the figure labelled 三公经费预算数. One row may state several
figures ("“三公”经费预算数合计 1.00万元，…，机关运行经费预算数 171.01万元") and one passage several sentences with
figures of the same body and year. The figure to quote is the one whose own label (the words just before it, back
to the previous figure or clause break, plus the row label in a table) is the asked quantity; a figure labelled with
another quantity (机关运行经费, 公共安全支出) is a neighbour, however many question words its sentence holds. Labels
are compared word by word, leaving out what every passage of the document shares (its title and file
name: 部门预算, 决算, the body's name) and the question's scope (place, body, year)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from assistant.query.names import tagged
from assistant.query.scope import QuestionScope, year_spans
from assistant.query.wordlists import words
from assistant.text.numbers import extract_quantities
from assistant.text.sentences import is_running_text, sentence_spans
from assistant.types import Hit

_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
# How a question asks for the figure; not part of the quantity's name.
_ASKING = re.compile(r"请问|是多少|有多少|为多少|多少|是几|有几|几|是什么|多大|多高|多少钱|吗|呢")
# A figure's label starts after the previous clause break (in prose, also after "其中："); brackets do not break
# it ("因公出国（境）费", "“城乡社区支出（类）…（项）”922.02万元"), and a unit in brackets is no part of it.
_BREAK = re.compile(r"[，,；;。！？!?、\n｜]")
_PROSE_BREAK = re.compile(r"[，,；;。！？!?、\n｜：:]")
# A bracketed note qualifies a label without naming another quantity: 因公出国（境）费, 政府采购金额（以合同签订为准）,
# （单位：万元）, 城乡社区支出（类）.
_NOTE = re.compile(r"[（(][^（）()]{0,16}[）)]")
# "第二十八条规定的期限": the article names the figure's place, and what is left ("期限") only its kind.
_ARTICLE = re.compile(r"第[一二三四五六七八九十百零〇两\d]+条(?:第[（(][^）)]{1,4}[)）]项)?")
_YEAR_WORD = re.compile(r"(?:19|20)\d\d\s*年度?|(?<!\d)\d\d年度?")  # 2024年度: the 度 goes with its year
_ROW_LABEL_MAX = 40  # a table row renders as "row label：column label value，…"; longer heads are prose
# A table row states the figure too, but a sentence that says it in words is what a reader quotes.
TABLE_SHARE = 0.8


@dataclass(frozen=True)
class AskedFigure:
    """The asked quantity's words ("三公经费预算数" → 三公 经费 预算); empty when the question names nothing beyond
    its scope."""

    words: tuple[str, ...]
    text: str = ""  # the question without its scope and asking words (not cleaned)
    scope_forms: tuple[str, ...] = ()  # the question's places and bodies as a passage writes them: cut from labels

    def __bool__(self) -> bool:
        return bool(self.words)


@lru_cache(maxsize=1)
def _fillers() -> tuple[str, ...]:
    return tuple(sorted(words("figure_label_fillers"), key=len, reverse=True))


@lru_cache(maxsize=16384)
def _clean(text: str) -> str:
    """The text without bracketed notes, years, fillers (合计, 本年, 的…) and anything not Chinese."""
    text = _YEAR_WORD.sub(" ", _NOTE.sub(" ", text))
    for _, _, written in year_spans(text):
        text = text.replace(written, " ")
    for filler in _fillers():
        text = text.replace(filler, " ")
    return " ".join(_CJK_RUN.findall(text))


@lru_cache(maxsize=16384)
def _words(text: str) -> tuple[str, ...]:
    """The words of a cleaned text. Compared by containment, not equality: rjieba may cut 收入预算 as one word in
    one place and as two in another."""
    return tuple(dict.fromkeys(w for run in text.split() for w, _ in tagged(run) if w.strip()))


def asked_figure(question: str, scope: QuestionScope) -> AskedFigure:
    """The question without its scope items and its asking words: the name of the quantity it asks for."""
    # Years go with the rest of the text's years (_clean), 年度 and all.
    forms = tuple(sorted({f for item in scope.items if item.kind != "year" for f in (item.text, *item.forms) if f},
                         key=len, reverse=True))
    if _ARTICLE.search(question):  # 第二十八条规定的期限: the article says which figure; 期限 only its kind
        return AskedFigure((), "", forms)
    text = _without(_YEAR_WORD.sub(" ", question), forms)
    text = " ".join(_ASKING.sub(" ", re.sub(r"[《》“”\"']", "", text)).split()).strip(" 的？?")
    return AskedFigure(_words(_clean(text)), text, forms)


def _without(text: str, forms: tuple[str, ...]) -> str:
    for form in forms:  # longest first: 普陀区 before 普陀
        text = text.replace(form, " ")
    return text


@lru_cache(maxsize=8192)
def figure_labels(sentence: str, table_row: bool) -> tuple[str, ...]:
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
            previous = q.end + sentence.startswith("度", q.end)  # 2024年度政府采购金额
            continue
        start = max([previous] + [m.end() for m in breaks.finditer(sentence, previous, q.start)])
        label = sentence[start: q.start]
        out.append(f"{row} {label}" if row and start >= len(row) else label)
        previous = q.end
    return tuple(out)


def label_fit(asked: AskedFigure, sentence: str, frame: str = "", table_row: bool = False, context: str = "") -> float:
    """0..1: how well the best-labelled figure of the sentence is the asked quantity, as the F1 of two shares:
    the asked words its label holds (or its table's caption or section heading, `context`: "支出决算表" says
    what a row "社会工作事务：合计 264.87万元" sums), and the label's words the question asks for (机关运行经费 is not
    三公经费; 其他社会工作事务支出 is not 社会工作事务支出). frame: the document's title and file name; a run of three or
    more characters shared with it (the body's full name, 部门预算) is what every passage of the document says."""
    if not asked:
        return 0.0
    asked_text = _clean(_shared_cut(asked.text, frame))
    wanted = _words(asked_text) or asked.words
    around = _clean(_shared_cut(context, frame)) if context else ""
    best = 0.0
    for label in figure_labels(sentence, table_row):
        own_text = _clean(_shared_cut(_without(label, asked.scope_forms), frame))
        own = _words(own_text)
        found = sum(w in asked_text or w in asked.text for w in own)
        if not found:
            continue
        recall = sum(w in own_text or w in around for w in wanted) / len(wanted)
        precision = found / len(own)
        best = max(best, 2 * recall * precision / (recall + precision))
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


def passage_fit(asked: AskedFigure, hit: Hit) -> float:
    """The best label fit of any sentence (or table row) of the passage."""
    if not asked:
        return 0.0
    text = hit.chunk.text
    if not any(w in text for w in asked.words):
        return 0.0
    frame, table_row = document_frame(hit), bool(hit.chunk.table)
    return max((label_fit(asked, s, frame, table_row, hit.chunk.heading) for s in _sentences(text)
                if any(w in s for w in asked.words)), default=0.0)


def document_frame(hit: Hit) -> str:
    """What every passage of the hit's document shares: its title (unless the title is only its first line of running
    text, which would cut that line's own labels) and its file name."""
    doc = hit.chunk.doc
    title = "" if is_running_text(doc.title) else doc.title
    return f"{title} {doc.file_name.rsplit('.', 1)[0]}"


@lru_cache(maxsize=4096)
def _sentences(text: str) -> tuple[str, ...]:
    """A passage's sentences, kept: the same passages come back for every question about their document."""
    return tuple(text[a:b] for a, b in sentence_spans(text))
