"""Cut a policy's page text into what the clause reader needs: policies (title lines), articles (第X条 / 1.),
their rewarding parts (a sentence, or a ；-piece of one), and each policy's 附则 facts (validity, exclusions,
stacking rules)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from assistant.incentives.vocabulary import exclusion_rules, stacking_pattern
from assistant.text.numbers import extract_quantities
from assistant.text.sentences import sentence_spans

_ITEM = re.compile(r"(?m)^[ \t\u3000]*(第[一二三四五六七八九十百零]+条|\d{1,2}\s*[.．、](?!\d)|[（(]\d{1,2}[)）])")
_SECTION = re.compile(r"(?m)^[ \t\u3000]*([一二三四五六七八九十]+)、")
_ANNEX = re.compile(r"(?m)^[ \t\u3000]*附\s*则\s*$")
_TITLE = re.compile(r"(?m)^[ \t\u3000]*([^\n。，；：]{4,40}(?:意见|办法|措施|规定|细则)(?:（试行）|\(试行\))?)[ \t]*$")
_VERB = re.compile(r"奖励|补助|补贴|资助|贴息|给予|予以|照顾|名额")
_EXPIRES = re.compile(r"(?:有效期(?:至|到)|适用于[^。]{4,16}?[-－至到])\s*((?:19|20)\d{2}年\d{1,2}月\d{1,2}日)")
_EFFECTIVE = re.compile(r"(?:适用于|自)\s*((?:19|20)\d{2}年\d{1,2}月\d{1,2}日)")


@dataclass
class PolicyFacts:
    """What a policy's 附则 (or its last articles) say about all its clauses."""

    title: str
    expires: str = ""
    effective: str = ""
    exclusions: list[tuple[str, str, str]] = field(default_factory=list)  # (value, label, phrase)
    stacking: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Part:
    """One rewarding piece of an article: page text[start:end], with the sentence it belongs to."""

    page: int
    start: int
    end: int
    article: str
    policy: str
    sentence_start: int  # parts of one sentence share conditions stated at its head (第二年…上述标准)
    extra_end: int = 0  # a following cap-only sentence ("每年每家企业最高补助额度不超过50万元。") joined in
    article_start: int = 0  # the whole article: its stacking sentences (前款奖励…不可重复享受) concern every part
    article_end: int = 0


def _iso(cn_date: str) -> str:
    q = [x for x in extract_quantities(cn_date) if x.kind == "date"]
    return q[0].value if q else ""


def _annex_facts(text: str, facts: PolicyFacts) -> None:
    if m := _EXPIRES.search(text):
        facts.expires = facts.expires or _iso(m.group(1))
    if m := _EFFECTIVE.search(text):
        facts.effective = facts.effective or _iso(m.group(1))
    for rule in exclusion_rules():
        if m := rule.pattern.search(text):
            facts.exclusions.append((rule.value, rule.label, m.group()))
    for s, e in sentence_spans(text):
        if stacking_pattern().search(text[s:e]) and text[s:e] not in facts.stacking:
            facts.stacking.append(text[s:e])


def _split_parts(text: str, start: int, end: int) -> list[tuple[int, int, int]]:
    """(start, end, sentence_start) of each sentence, and of each ；-piece of a sentence, within text[start:end]."""
    out = []
    for s, e in sentence_spans(text[start:end]):
        s, e = s + start, e + start
        last = s
        for m in re.finditer("；", text[s:e]):
            out.append((last, s + m.end(), s))
            last = s + m.end()
        if last < e:
            out.append((last, e, s))
    return out


def _is_cap_only(piece: str) -> bool:
    return bool(re.search(r"不超过|最高|不高于", piece)) and not re.search(r"给予|予以|分别|按.{0,12}(?:奖励|补助)", piece)


def segment(page: int, text: str, default_title: str, policies: dict[str, PolicyFacts]) -> list[Part]:
    """Rewarding parts of one page; fills `policies` (title → facts) from the 附则 met on the way."""
    marks = sorted([(m.start(), "item", m.group(1)) for m in _ITEM.finditer(text)]
                   + [(m.start(), "section", m.group(1)) for m in _SECTION.finditer(text)]
                   + [(m.start(), "annex", "") for m in _ANNEX.finditer(text)]
                   + [(m.start(), "title", m.group(1).strip()) for m in _TITLE.finditer(text)])
    title, section, annex, parts = default_title, "", False, []
    policies.setdefault(title, PolicyFacts(title))
    for i, (pos, what, label) in enumerate(marks):
        end = marks[i + 1][0] if i + 1 < len(marks) else len(text)
        if what == "title":
            title, section, annex = label, "", False
            policies.setdefault(title, PolicyFacts(title))
            continue
        if what == "section":
            section, annex = label + "、", False
        if what == "annex":
            annex = True
            continue
        body_start = pos if what == "item" else text.index("、", pos) + 1
        if annex or re.search(r"适用对象|有效期|本政策自|本意见自", text[pos:end][:40]):
            _annex_facts(text[pos:end], policies[title])
            continue
        article = label.strip() if label.startswith("第") else section + re.sub(r"\s", "", label)
        parts.extend(_article_parts(page, text, body_start, end, article, title))
    _annex_facts_unmarked(text, policies[title])
    return parts


def _annex_facts_unmarked(text: str, facts: PolicyFacts) -> None:
    """Validity stated in a closing paragraph without 附则 (本意见自2018年1月1日起施行): still the policy's."""
    tail = text[-600:]
    if re.search(r"起施行|有效期", tail) and not facts.expires:
        _annex_facts(tail, facts)


def _article_parts(page: int, text: str, start: int, end: int, article: str, title: str) -> list[Part]:
    parts: list[Part] = []
    for s, e, sent in _split_parts(text, start, end):
        piece = text[s:e]
        has_amount = any(q.kind in ("amount", "percent") for q in extract_quantities(piece)) or "‰" in piece
        if parts and _is_cap_only(piece) and has_amount:
            last = parts[-1]
            parts[-1] = replace(last, extra_end=e)
        elif _VERB.search(piece) and (has_amount or re.search(r"名额|入读", piece)):
            parts.append(Part(page, s, e, article, title, sent, 0, start, end))
    return parts
