"""Sentences: the one splitter for source passages and generated answers alike (Chinese and English).

A sentence ends at 。！？!? (or ". " in English), an ellipsis, a table row's ｜, or a line break; closing quotes and [n] markers
that follow the end punctuation ("…500万元。[1]") still belong to it."""

from __future__ import annotations

import re

from assistant.text.markers import MARKER

_MARKERS_RUN = r"(?:\s*" + MARKER.pattern + r")*"
# A sentence ends at 。！？!? (or ". " in English) or a line break; closing quotes and markers that
# follow the end punctuation ("…500万元。[1]") still belong to it.
_ABBREVIATION = r"(?<!\b[A-Z])(?<!\bNo)(?<!\bArt)(?<!\be\.g)(?<!\bi\.e)(?<!\betc)"  # U.S. / No. 5 / e.g.
# "｜" separates the side-by-side halves of a table row as ingest renders it (收入 items｜支出 items, ingest/tables.py):
# each half names its own cells, so each is quoted on its own.
_SENTENCE_END = re.compile(r"(?:[。！？!?]+|｜|" + _ABBREVIATION + r"\.(?=\s|$)|…+)[”’\"'」』）)]*" + _MARKERS_RUN + r"|\n+")
# "1." starting a list item is not a sentence end: at a line's start, or after Chinese text on a line that holds a
# whole list ("材料 1. 企业复工申请表； 2. …"), where an English sentence cannot end.
_LIST_NUMBER = re.compile(r"(?:^|\n|[\u3000-\u303f\uff00-\uffef\u4e00-\u9fff])[ \t\u3000]*\d{1,2}$")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence holding a letter or digit, whitespace trimmed: text[start:end] is it."""
    spans, last = [], 0
    for m in _SENTENCE_END.finditer(text):
        if m.group().startswith(".") and _LIST_NUMBER.search(text, 0, m.start()):
            continue
        spans.append((last, m.end()))
        last = m.end()
    spans.append((last, len(text)))
    trimmed = []
    for start, end in spans:
        piece = text[start:end]
        if piece.strip() and any(c.isalnum() for c in piece):
            lead = len(piece) - len(piece.lstrip())
            trimmed.append((start + lead, start + len(piece.rstrip().removesuffix("｜").rstrip())))
    return trimmed


def split_sentences(text: str) -> list[str]:
    """Chinese and English sentences (and list lines); a trailing [n] stays with its sentence."""
    return [text[s:e] for s, e in sentence_spans(text)]


# An article's or section's own title: "第二条　厂房租金补贴。", "三、办事流程", "## 四、联系方式". Not "（二）…" or
# "1. …": those number the items of a list, and an item ("1. 项目洽谈") is the answer to "what are the steps".
_HEADING = re.compile(r"#{1,6}\s*[^\d，,；;：:。！？!?]{0,20}|(?:第[一二三四五六七八九十百零〇两\d]+[条章节]|[一二三四五六七八九十]{1,3}、)"
                      r"[\s　]*[^\d，,；;：:。！？!?]{0,16}[。.]?")


def is_heading(text: str, start: int, end: int) -> bool:
    """text[start:end] (a sentence of sentence_spans) is a heading, not a statement: a clause number with a short
    title and no figure, on a line of its own or followed on its line by the clause it names ("第二条　厂房租金补贴。
    租用园区…"). A short article on a line of its own ("第三条 国家鼓励外商投资。") is a statement: a title has no
    subject, and a clause that ends its line while more text follows it on the line is what tells them apart."""
    m = _HEADING.fullmatch(text[start:end])
    if not m:
        return False
    line_end = text.find("\n", end)
    rest = text[end: line_end if line_end >= 0 else len(text)].strip()
    # Ending in 。 with nothing after it on its line: a one-sentence article, unless it is a section title (三、…).
    return bool(rest) or not text[start:end].rstrip().endswith("。") or not text[start:end].lstrip("# ").startswith("第")


_RUNNING_TEXT = re.compile(r"[。！？；]|\.\.\.|…|，.*，")


def is_running_text(title: str) -> bool:
    """A "title" that is running text (a document's first line taken as its title: "Sep 12, 2022 ... Incase挂绳搭配
    适用于…"): it names no subject and labels nothing."""
    return bool(_RUNNING_TEXT.search(title))


# The clause numbers of Chinese documents, by rank: "一、" heads a part, "（一）" an item of it, "1." a sub-item, "（1）"
# one below that (GB/T 9704 numbers a document's structure in this order).
_ITEM_NUMBERS = (r"[一二三四五六七八九十]{1,3}、", r"[（(][一二三四五六七八九十]{1,3}[）)]", r"\d{1,2}[、．.](?!\d)",
                 r"[（(]\d{1,2}[）)]")
_ITEM = re.compile("|".join(f"({n})" for n in _ITEM_NUMBERS))
# A number opens an item at the start of a sentence, or after a lead-in on the same line ("…通知如下： 一、…",
# "（二）疑似人员的处置流程 1.发热人员…"), never inside a word ("统一、规范", "1、2月").
_ITEM_OPENS = re.compile(r"(?:^|(?<=[\s　：:]))(?:" + _ITEM.pattern + ")")
# What a finished sentence ends with; a passage ending otherwise was cut mid-sentence ("…依法给予治安处罚；").
_FINISHED = "。！？!?…”’\"'」』）)"


def item_numbers(sentence: str) -> list[tuple[int, int]]:
    """(offset, rank) of each item number opening a clause of the sentence: rank 1 = "一、", 2 = "（一）", 3 = "1.",
    4 = "（1）"."""
    return [(m.start(), m.lastindex) for m in _ITEM_OPENS.finditer(sentence)]


def ends_mid_sentence(text: str) -> bool:
    """The text stops before its sentence does: its last character is a clause mark (；，：、) or a word."""
    text = text.rstrip()
    return bool(text) and text[-1] not in _FINISHED
