"""How far the thought of an answer's best sentence runs past it: the sentences a lead-in announces, the rest of a
numbered item (its sub-items too), and the end of a sentence the chunker cut off, which opens the document's next
passage. Spans are (rank of the hit, start, end) in that hit's text."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator

from assistant.text.sentences import ends_mid_sentence, item_numbers, sentence_spans
from assistant.types import Chunk, Hit

Span = tuple[int, int, int]
NextPassage = Callable[[Chunk], Chunk | None]  # a passage → its document's next one (from the library catalog)

# "…要求如下：", and a preamble that ends "…现将有关事项通知如下。" / "…制定如下措施。": what it announces follows it.
_LEAD_IN_END = re.compile(r"(?:[：:]|(?:如下|以下)[\u4e00-\u9fff]{0,4}[。：:])\s*$")
_BIGRAM = re.compile(r"(?=([\u4e00-\u9fff]{2}))")
_ASKS = re.compile(r"[？?]$")
_QUESTION = re.compile(r"^(?:问|记者)[：:]|[？?]$")  # the next question of an FAQ or interview
# A bracketed label ("（牵头单位：…", "[责任单位：…]") names who carries a measure out, after its text.
_ASIDE = re.compile(r"[（(\[【][^）)\]】，,。]{1,8}[：:]")
# An item's title: its number and a few words, no clause ("（五）缓缴社会保险费。", "二、分类安排发热病人。").
_TITLE, _CLAUSE = 20, re.compile(r"[，,；;：:]")


def following(hits: list[Hit], rank: int, end: int, next_passage: NextPassage | None = None) -> Iterator[Span]:
    """The sentences after hits[rank].chunk.text[:end], in reading order: the rest of its passage, then those of the
    document's next passages (the chunker cuts a document every few hundred characters, wherever an item or a
    sentence happens to be). A next passage retrieval did not find is read with next_passage and appended to hits,
    so that a span's rank names it."""
    chunk = hits[rank].chunk
    while True:
        yield from ((rank, s, e) for s, e in sentence_spans(chunk.text) if s >= end)
        rank = next((i for i, h in enumerate(hits) if h.chunk.doc.doc_id == chunk.doc.doc_id
                     and h.chunk.ordinal == chunk.ordinal + 1), -1)
        if rank < 0:
            nxt = next_passage(chunk) if next_passage is not None else None
            if nxt is None:
                return
            hits.append(Hit(nxt, score=hits[-1].score))
            rank = len(hits) - 1
        chunk, end = hits[rank].chunk, 0


def continuation(hits: list[Hit], rank: int, start: int, end: int, question: str, budget: int, datum: bool,
                 next_passage: NextPassage | None = None, many: bool = False) -> list[Span]:
    """What follows the best sentence hits[rank].chunk.text[start:end] and belongs with it, at most budget - 1
    sentences (and the end of the last one, when the chunker cut it off). Only when the question asks for several
    things (many: a list, a procedure) are the sentences read on into a passage retrieval did not find; for one
    thing, the sentences of other passages found are the better use of the budget."""
    chunk = hits[rank].chunk
    if datum and chunk.table:
        return []  # a table row names its own cells: the figure it states is no lead-in to the next row
    text = chunk.text[start:end]
    grams = _BIGRAM.findall(text)
    restates = bool(grams) and sum(g not in question for g in grams) / len(grams) < 0.35
    after = following(hits, rank, end, next_passage if many else None)
    level = min((r for _, r in item_numbers(text)), default=None)
    heading = _heading_rank(chunk.text, start)
    if _ASKS.search(text):
        # A question the document asks (an FAQ's "问：外地人可否进上海看病就医？", an interviewer's): its answer is what
        # follows it, up to the next question.
        def _answer(span: Span) -> bool:
            return not _QUESTION.search(hits[span[0]].chunk.text[span[1]:span[2]])

        taken = list(itertools.islice(itertools.takewhile(_answer, after), max(0, budget - 1)))
    elif _LEAD_IN_END.search(text) or restates or len(text) < 14:
        # A lead-in ("…要求如下：", a heading, a sentence that only restates the question): the answer is what
        # follows it, which shares no word with the question.
        taken = list(itertools.islice(after, max(0, budget - 1)))
    elif datum:
        taken = []
    elif level is not None:
        taken = _rest_of_item(hits, after, level, budget - 1)
    elif heading is not None:
        # The first sentence under an item's title ("（五）缓缴社会保险费。" | "对…的企业，…延长至3月底。"): the rest of
        # the item says the rest of the measure.
        taken = _rest_of_item(hits, after, heading, budget - 1)
    else:
        taken = []
    last = taken[-1] if taken else (rank, start, end)
    return taken + _rest_of_cut_sentence(hits, last, next_passage)


def _heading_rank(text: str, start: int) -> int | None:
    """The rank of the item whose title is the sentence before text[start:] ("（五）缓缴社会保险费。", also at the end of
    a sentence the splitter did not cut: "（责任单位：市财政局） （五）缓缴社会保险费。"), or None."""
    before = [text[s:e] for s, e in sentence_spans(text) if e <= start][-1:]
    numbers = item_numbers(before[0]) if before else []
    if not numbers:
        return None
    at, rank = numbers[-1]
    title = before[0][at:]
    return rank if len(title) <= _TITLE and not _CLAUSE.search(title) else None


def _rest_of_item(hits: list[Hit], after: Iterator[Span], level: int, budget: int) -> list[Span]:
    """An item ("五、对违反上述规定的，…严肃处理。", "（二）疑似人员的处置流程 1.发热人员…") goes on until an item number of
    its rank or above ("六、", "（三）"), which may open a sentence or stand inside one the splitter did not cut
    ("…地址：南宁市长虹路1号 （三）医疗物资捐赠渠道。"): its sentences and sub-items ("1." … "4." under "（二）")
    say the rest of it."""
    taken: list[Span] = []
    for r, s, e in itertools.islice(after, max(0, budget)):
        text = hits[r].chunk.text
        if _ASIDE.match(text, s):
            break  # "（责任单位：市财政局）" closes a measure: what follows it is the next one's
        stop = next((at for at, rank in item_numbers(text[s:e]) if rank <= level), None)
        if stop is None:
            taken.append((r, s, e))
            continue
        piece = text[s : s + stop].rstrip()
        if piece:
            taken.append((r, s, s + len(piece)))
        break
    return taken


def _rest_of_cut_sentence(hits: list[Hit], span: Span, next_passage: NextPassage | None) -> list[Span]:
    """The end of a sentence that ends its passage unfinished ("…尚不够刑事处罚的，依法给予治安处罚；"): the first
    sentence of the document's next passage ("构成犯罪的，依法按照…追究刑事责任。"), when retrieval found it."""
    rank, start, end = span
    text = hits[rank].chunk.text
    if text[end:].strip() or not ends_mid_sentence(text[start:end]):
        return []
    nxt = next(following(hits, rank, end, next_passage), None)
    return [nxt] if nxt is not None and nxt[0] != rank else []
