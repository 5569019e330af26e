"""Does a passage, and a sentence of it, speak about the place, body, law and year the question names?

A place matches when it is the asked place or one above it (a 成都市 rule applies in 温江区: relation
"parent"), never a sibling or an unrelated place; in a document about several places the sentence, or the
place its passage last named before it, must be the asked one. Bodies and laws must be named (全称 or 简称);
a fact dated to another year does not answer a question about this one."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from assistant.answering.place_mentions import (
    DATELINE,
    NATIONAL,
    VENUE,
    asked_relations,
    is_national,
    most_named,
    other_places,
    passage_place,
    place_mentions,
    place_relation,
)
from assistant.query.entities import body_suffix, entity_names, law_core, other_office
from assistant.query.names import abbreviation_in
from assistant.query.scope import CODED, NUMBERED, QuestionScope, ScopeItem, without_comparisons, year_spans
from assistant.types import Chunk, Contact, DocInfo, Hit, Region

_RANK = {"same": 0, "child": 1, "parent": 2}


@dataclass(frozen=True)
class ScopeMatch:
    """How evidence matches the question's scope. relation: none (the question names no scope), same,
    parent (name = the wider place or 全国), child (name = the narrower place), other (name = what the
    evidence is about instead)."""

    ok: bool
    relation: str = "none"
    name: str = ""
    missing: tuple[str, ...] = ()  # labels of the scope items the evidence does not match


def _frame(hit: Hit) -> str:
    """What names the passage's subject besides its text: title, heading, and the file name (上海市普陀区商务委员会
    单位25年预算.pdf says whose budget and which year when the title does not)."""
    c = hit.chunk
    return f"{c.doc.title}\n{c.heading}\n{c.doc.file_name.rsplit('.', 1)[0]}"


class ScopeChecker:
    """Passage- and sentence-level scope checks; `asks_number` makes a narrower place's figure fail (温江区's
    fund is not 成都市's fund), while for lists and descriptions it may answer, labelled."""

    def __init__(self, library_years: Callable[[], frozenset[int]] | None = None,
                 doc_years: Callable[[str], frozenset[int]] | None = None):
        self.library_years, self.doc_years = library_years, doc_years

    def passage(self, scope: QuestionScope, hit: Hit, asks_number: bool = False) -> ScopeMatch:
        return self._check(scope, hit, None, asks_number)

    def sentence(self, scope: QuestionScope, hit: Hit, sentence: str, asks_number: bool = False,
                 generated: bool = False) -> ScopeMatch:
        """generated: the sentence was written by an LLM, so every place it names counts; a quoted sentence of a
        document about the asked place itself may name others in passing (推介会在上海举行, 南京派光等项目签约)."""
        return self._check(scope, hit, sentence, asks_number, generated)

    def _check(self, scope: QuestionScope, hit: Hit, sentence: str | None, asks_number: bool,
               generated: bool = True) -> ScopeMatch:
        if scope.empty:
            return ScopeMatch(True)
        results = [self._place(p, hit, sentence, asks_number, generated) for p in scope.places]
        results += [self._named(b, hit, sentence, law=False) for b in scope.bodies]
        results += [self._named(law, hit, sentence, law=True) for law in scope.laws]
        results += [_office(o, hit) for o in scope.offices]
        results += [self._year(y, hit, sentence) for y in scope.years]
        if scope.places and sum(r.ok for r in results[: len(scope.places)]) >= 1:
            # "成都和重庆的…": a sentence about one of the asked places is in scope.
            results = [r for r in results[: len(scope.places)] if r.ok][:1] + results[len(scope.places):]
        failed = [r for r in results if not r.ok]
        if failed:
            return ScopeMatch(False, "other", failed[0].name, tuple(m for r in failed for m in r.missing))
        places = [r for r in results if r.relation in _RANK]
        worst = max(places, key=lambda r: _RANK[r.relation]) if places else ScopeMatch(True, "same")
        return ScopeMatch(True, worst.relation, worst.name)

    def contact(self, scope: QuestionScope, contact: Contact, doc: DocInfo | None) -> ScopeMatch:
        """A contact stands in for its document's passage: its organisation, address and snippet, framed by
        the document's title and region. A question naming an office (普陀区财政局) is routed only to that office:
        a street office's service centre in the same district is not who answers for the finance bureau."""
        info = doc or DocInfo(contact.doc_id, contact.source, "", "", "other")
        text = f"{contact.organisation} {contact.address} {contact.snippet}"
        hit = Hit(Chunk(f"{info.doc_id}#contact", info, 0, text, 0, 0, len(text)), 0.0)
        for office in scope.offices:
            if not any(f in contact.organisation for f in office.forms):
                return ScopeMatch(False, "other", contact.organisation, (office.label,))
        return self._check(QuestionScope(scope.places, scope.bodies), hit, None, False)  # years/laws: n/a

    # --- places --------------------------------------------------------------------------------
    def _place(self, item: ScopeItem, hit: Hit, sentence: str | None, asks_number: bool,
               generated: bool = True) -> ScopeMatch:
        asked = item.region or Region()
        doc = hit.chunk.doc
        fail = ScopeMatch(False, "other", "", (item.label,))
        doc_rel = place_relation(asked, doc.region) if doc.region.names() else ""
        if doc_rel == "other" and not self._covers(asked, hit):
            return ScopeMatch(False, "other", passage_place(hit, doc.region.names()[-1]), (item.label,))
        if doc_rel == "other":
            doc_rel = "several"  # a document about several places: its passages say which one
        text = hit.chunk.text
        # In a document about the asked place itself, a place named earlier in the passage is incidental (推介会
        # held in 上海); in a document about a wider area it says which part the next sentences are about.
        local = self._local_place(asked, text, sentence, doc_rel != "same") if sentence is not None else None
        if local is not None and local[0] == "other" and doc_rel == "same" and not generated:
            local = None  # the document is about the asked place: a place its own sentence names is incidental
        if local is None:  # the passage as a whole: any mention of the asked place ties it; others exclude it
            # (the title of a document about several places names them all: only the passage itself counts)
            where = f"{hit.chunk.heading}\n{text}" if doc_rel == "several" else f"{_frame(hit)}\n{text}"
            related = asked_relations(asked, where)
            rels = [rel for _, rel in related]
            others = [r.names()[-1] for r in other_places(asked, related) if r.names()]
            if "same" in rels or "child" in rels:
                local = ("same", item.label) if "same" in rels else ("child", "")
            elif others and doc_rel != "same" and not is_national(doc):
                # (a national rule's passage may name the province it makes an exception for: its sentences say)
                return ScopeMatch(False, "other", most_named(others), (item.label,))
        if local is not None:
            rel, name = local
            if rel == "other":
                return ScopeMatch(False, "other", name, (item.label,))
            if rel == "child" and asks_number:
                return ScopeMatch(False, "other", name, (item.label,))
            return ScopeMatch(True, rel, name if rel != "same" else item.label)
        if doc_rel == "several":
            return fail
        if doc_rel in ("same", "child"):
            return fail if doc_rel == "child" and asks_number else ScopeMatch(True, doc_rel, doc.region.label())
        if doc_rel == "parent":
            return ScopeMatch(True, "parent", doc.region.names()[-1])
        return ScopeMatch(True, "parent", NATIONAL) if is_national(doc) else fail

    @staticmethod
    def _covers(asked: Region, hit: Hit) -> bool:
        """A document whose region is a sibling may still be about several places: its title names the asked
        one (成都金牛区、温江区、邛崃市…动态), or it is a sibling in the same city and the passage names it."""
        doc = hit.chunk.doc
        title_places = [r for _, r in place_mentions(DATELINE.sub("", doc.title))]
        if any(place_relation(asked, r) == "same" for r in title_places):
            return True
        if not any(place_relation(doc.region, r) in ("same", "child") for r in title_places):
            # The region was only inferred from the text (a national agency's news that mentions 北京 often):
            # too weak to exclude a passage that names the asked place itself.
            return any(place_relation(asked, r) in ("same", "child") for _, r in place_mentions(hit.chunk.text))
        same_city = bool(asked.city and asked.city == doc.region.city and asked.district and doc.region.district)
        return same_city and any(place_relation(asked, r) in ("same", "child")
                                 for _, r in place_mentions(hit.chunk.text))

    @staticmethod
    def _local_place(asked: Region, text: str, sentence: str, context: bool = True) -> tuple[str, str] | None:
        """The place a sentence is about: one it names (the asked one wins), else the nearest place named
        before it in its passage; None when neither names a place below the asked one's parents."""
        venues = [m.span(1) for m in VENUE.finditer(sentence)]
        related = asked_relations(asked, sentence, tuple(venues))
        for rel in ("same", "child"):
            if region := next((r for r, own in related if own == rel), None):
                return rel, region.names()[-1]
        others = other_places(asked, related)
        if others:
            # (a place left out, "湖北省以外", is no other place to label facts with)
            named = others[0].names() and place_relation(asked, others[0]) == "other"
            return "other", others[0].names()[-1] if named else ""
        if not context:
            return None
        at = text.find(sentence)
        before = [r for pos, r in place_mentions(text) if at >= 0 and pos < at]
        for region in reversed(before):
            rel = place_relation(asked, region)
            if rel != "parent":
                return rel, region.names()[-1] if region.names() else ""
        return None

    # --- bodies and laws -----------------------------------------------------------------------
    def _named(self, item: ScopeItem, hit: Hit, sentence: str | None, law: bool) -> ScopeMatch:
        doc = hit.chunk.doc
        if law:
            core = item.forms[0] if item.forms else law_core(item.text)
            title = law_core(doc.title)
            if title == core or (core in title and not place_mentions(title.replace(core, ""))):
                return ScopeMatch(True, "same", item.label)
            where = sentence if sentence is not None else hit.chunk.text
            if core in where or (sentence is not None and _law_in_context(core, hit.chunk.text, sentence)):
                return ScopeMatch(True, "same", item.label)
            return ScopeMatch(False, "other", doc.title, (f"《{item.label}》",))
        hay = f"{_frame(hit)}\n{hit.chunk.text}"
        other = (_other_edition(item, sentence) or _rival_body(item, sentence)) if sentence is not None else ""
        if other:  # the sentence is about 神舟十六号 (全英公开赛) though its passage also names 神舟十四号 (马来西亚公开赛)
            return ScopeMatch(False, "other", other, (item.label,))
        if _names_item(item, hay):
            return ScopeMatch(True, "same", item.label)
        return ScopeMatch(False, "other", doc.title, (item.label,))

    # --- years ---------------------------------------------------------------------------------
    def _year(self, item: ScopeItem, hit: Hit, sentence: str | None) -> ScopeMatch:
        first, last = item.years
        doc = hit.chunk.doc
        fail = ScopeMatch(False, "other", "", (item.text,))
        for text in ([without_comparisons(sentence)] if sentence is not None else []) + [_frame(hit)]:
            stated = [(a, b) for a, b, _ in year_spans(text or "")]
            if stated:
                if any(a <= last and first <= b for a, b in stated):
                    return ScopeMatch(True, "same", item.text)
                return ScopeMatch(False, "other", f"{stated[0][0]}年", (item.text,))
        if self.library_years is not None and not _in_force(doc, first, last) and not any(
                y in self.library_years() for y in range(first, last + 1)):
            return ScopeMatch(False, "other", "", (item.text,))  # no text in the library names that year
        if sentence is None:
            stated = [(a, b) for a, b, _ in year_spans(hit.chunk.text)]
            if stated and not any(a <= last and first <= b for a, b in stated) and not _in_force(doc, first, last):
                return ScopeMatch(False, "other", f"{stated[0][0]}年", (item.text,))
            return self._undated(item, doc) if not stated else ScopeMatch(True, "same", item.text)
        if not doc.published or _in_force(doc, first, last) or first <= int(doc.published[:4]) <= last:
            return self._undated(item, doc)
        return ScopeMatch(False, "other", f"{doc.published[:4]}年", fail.missing)

    def _undated(self, item: ScopeItem, doc: DocInfo) -> ScopeMatch:
        """A passage and sentence that date nothing, in a document without a date of its own: the years the
        document names elsewhere date it. One that names only other years is about them (an undated news item that
        mentions 2025年5月 does not give a 2019 fund size); one that names none, or the asked one, may answer."""
        first, last = item.years
        if doc.published or doc.effective or doc.expires or self.doc_years is None:
            return ScopeMatch(True, "same", item.text)
        named = self.doc_years(doc.doc_id)
        if named and not any(first <= y <= last for y in named):
            return ScopeMatch(False, "other", f"{max(named)}年", (item.text,))
        return ScopeMatch(True, "same", item.text)


def _office(item: ScopeItem, hit: Hit) -> ScopeMatch:
    """A generic office (财政局) need not be named, but another office's document (司法局's budget) is out of scope."""
    other = other_office(item.forms, _frame(hit), hit.chunk.text)
    return ScopeMatch(False, "other", other, (item.label,)) if other else ScopeMatch(True, "same", item.label)


def _in_force(doc: DocInfo, first: int, last: int) -> bool:
    """The document's own validity window covers part of the asked years (a rule in force then answers)."""
    start = int((doc.effective or doc.published or "0")[:4])
    end = int(doc.expires[:4]) if doc.expires else 9999
    if doc.repealed:
        end = min(end, int(doc.repealed[:4]))
    return bool(doc.effective or doc.expires) and start <= last and first <= end


_TITLE_MARK = re.compile(r"《([^》]{1,60})》")


def _law_in_context(core: str, text: str, sentence: str) -> bool:
    """A sentence naming no 《…》 of its own goes on about the last one its passage named before it ("根据《若干措施》，
    …。对…企业，给予…"), as a sentence without a place is about the place named before it."""
    at = text.find(sentence)
    if at < 0 or _TITLE_MARK.search(sentence):
        return False
    named = _TITLE_MARK.findall(text[:at])
    return bool(named) and core in law_core(named[-1])


def _names_item(item: ScopeItem, text: str) -> bool:
    """The text names the body in one of its forms, or as a 简称 whose characters run through a 全称."""
    return any(f in text for f in item.forms) or any(abbreviation_in(f, text) for f in item.forms if len(f) <= 4)


def _rival_body(item: ScopeItem, sentence: str) -> str:
    """Another body of the asked one's kind that the sentence names instead of it (全英公开赛 for 马来西亚公开赛,
    青禾产业园 for 锦川产业园), or "": like a passage about several places, the sentence must name the asked one."""
    if _names_item(item, sentence):
        return ""
    suffix = body_suffix(item.text)
    if not suffix or len(suffix) < 2:
        return ""
    rivals = [name for name, _ in entity_names(sentence) if body_suffix(name) == suffix]
    return rivals[0] if rivals else ""


_ANY_EDITION = re.compile(r"第(?:[一二三四五六七八九十零〇两]{1,4}|\d{1,3})(?:届|次|批|级|轮|档|类|期)")


def _other_edition(item: ScopeItem, sentence: str) -> str:
    """Another edition or number of the asked thing named in the sentence without the asked one, or ""."""
    if any(f in sentence for f in item.forms):
        return ""
    if item.text.startswith("第"):
        found = [m.group() for m in _ANY_EDITION.finditer(sentence) if m.group()[-1] == item.text[-1]]
        return found[0] if found else ""
    if code := CODED.fullmatch(item.text):  # U12组 for U14组: the same series, another member
        found = [x.group() for x in CODED.finditer(sentence) if x.group(1) == code.group(1)]
        return found[0] if found else ""
    m = NUMBERED.fullmatch(item.text)
    if not m:
        return ""
    found = [x.group() for x in NUMBERED.finditer(sentence) if x.group(1) == m.group(1)]
    return found[0] if found else ""
