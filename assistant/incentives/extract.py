"""Incentive clauses from a document's pages, by rules: the conditions, exclusions and stacking rules of each
rewarding part, with its Benefit (parse.py), its article and its policy's validity."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from assistant.incentives.clauses import Condition, IncentiveClause
from assistant.incentives.parse import basis_before, read_benefit
from assistant.incentives.segment import Part, PolicyFacts, segment
from assistant.incentives.vocabulary import (
    condition_rules,
    exclusion_rules,
    kind_of,
    listing_stages,
    stacking_pattern,
)
from assistant.text.sentences import sentence_spans
from assistant.types import Chunk, DocInfo

_HONOUR = re.compile(r"增长|亩均|首次|认定|获评|获得|评为|入选|通过|新设|新注册|新认定|考核|验收|鉴定|备案|达\d")


def conditions_in(text: str) -> list[Condition]:
    """Who may claim, as the profile can test it; talent classes named together become one 'any of' test."""
    out: list[Condition] = []
    talent: list[str] = []
    for rule in condition_rules():
        m = rule.pattern.search(text)
        if not m:
            continue
        if rule.field == "talent":
            talent.append(rule.value)
            continue
        if any(c.field == rule.field for c in out):
            continue  # the first (most specific) rule for a field wins
        out.append(Condition(rule.field, rule.test, rule.value, m.group(), m.start(), m.end()))
    if talent:
        first = re.search(f"{talent[0]}类", text)
        out.append(Condition("talent", "has", ",".join(talent), "、".join(t + "类" for t in talent),
                             first.start() if first else 0, first.end() if first else 0))
    for key, pattern, _label in listing_stages():
        if m := pattern.search(text):
            out.append(Condition("listing_stage", "==", key, m.group(), m.start(), m.end()))
            break
    return out


def _unmodelled(text: str, benefit_start: int) -> tuple[str, ...]:
    """Comma-separated phrases before the benefit that state a condition the profile cannot decide."""
    head = text[:benefit_start]
    return tuple(s.strip("，,。； ") for s in re.split(r"[，,]", head) if _HONOUR.search(s) and len(s.strip()) > 2)


def _exclusions(text: str, facts: PolicyFacts) -> tuple[Condition, ...]:
    out = []
    for rule in exclusion_rules():
        if m := rule.pattern.search(text):
            out.append(Condition("industry", "not", rule.value, m.group(), m.start(), m.end()))
    for value, _label, phrase in facts.exclusions:
        if not any(c.value == value for c in out):
            out.append(Condition("industry", "not", value, phrase))
    return tuple(out)


def _clause(text: str, part: Part, facts: PolicyFacts, doc: DocInfo, n: int, chunk_id: str) -> IncentiveClause:
    end = part.extra_end or part.end
    quote = text[part.start:end]
    benefit, thresholds = read_benefit(quote)
    head = text[part.sentence_start:part.start]  # 第二年…达到上述标准: the sentence head's who-may-claim
    conds = conditions_in(quote)
    for c in conditions_in(head):
        if not any(x.field == c.field for x in conds):
            conds.append(Condition(c.field, c.test, c.value, c.text))  # not in the quote: no offsets
    if benefit.kind in ("fixed", "in_kind", "rate") and thresholds and thresholds[0][0] not in ("", "-"):
        fld, low, phrase = thresholds[0]
        if low is not None and fld != benefit.basis_field:
            conds.append(Condition(fld, ">=", str(low), phrase, quote.find(phrase), quote.find(phrase) + len(phrase)))
    article_text = text[part.article_start:part.article_end]
    stacking = [article_text[s:e] for s, e in sentence_spans(article_text) if stacking_pattern().search(
        article_text[s:e])] + facts.stacking
    split = quote.find("分别") if "分别" in quote else len(quote) // 2
    policy_key = "" if part.policy == doc.title else part.policy[:16] + "#"
    return IncentiveClause(
        clause_id=f"{doc.doc_id}#{policy_key}{part.article}#{n}", doc_id=doc.doc_id, source=doc.file_name,
        policy=part.policy, article=part.article, kind=kind_of(quote), region=doc.region.label(),
        expires=facts.expires or doc.expires, effective=facts.effective or doc.effective, page=part.page,
        chunk_id=chunk_id, quote=quote, start=part.start, end=end, conditions=tuple(conds),
        unmodelled=_unmodelled(quote, split), exclusions=_exclusions(quote, facts),
        stacking=tuple(dict.fromkeys(stacking)), benefit=benefit,
    )


def extract_document(doc: DocInfo, pages: Sequence[tuple[int, str]], chunks: Sequence[Chunk] = ()) -> list[
        IncentiveClause]:
    """Every incentive clause of one document (pages as (number, text)); 附则 facts apply to their policy."""
    policies: dict[str, PolicyFacts] = {}
    found = [(text, part) for number, text in pages for part in segment(number, text, doc.title, policies)]
    out: list[IncentiveClause] = []
    seen: dict[str, int] = {}
    for text, part in found:
        key = f"{part.policy}#{part.article}"
        seen[key] = seen.get(key, 0) + 1
        chunk_id = next((c.chunk_id for c in chunks if c.page == part.page and c.start <= part.start < c.end), "")
        out.append(_clause(text, part, policies[part.policy], doc, seen[key], chunk_id))
    return _carry_over(out, [p for _t, p in found])


def _carry_over(clauses: list[IncentiveClause], parts: list[Part]) -> list[IncentiveClause]:
    """What a part says by reference to the one before: 达到上述标准 (its steps), a cap stated once at the end of
    a sentence (每个项目三年奖励累计不超过300万元), and who claims (第四条's 中介机构 for its 再给予…)."""
    out = list(clauses)
    for i in range(1, len(out)):
        prev, cur, p_prev, p_cur = out[i - 1], out[i], parts[i - 1], parts[i]
        if p_prev.article_start != p_cur.article_start or p_prev.policy != p_cur.policy:
            continue
        b = cur.benefit
        if "上述标准" in cur.quote and len(prev.benefit.tiers) == len(b.tiers) and not any(t.low for t in b.tiers):
            tiers = tuple(replace(t, low=p.low, high=p.high, threshold_text=p.threshold_text)
                          for t, p in zip(b.tiers, prev.benefit.tiers, strict=True))
            basis = basis_before(cur.quote, cur.quote.index("上述标准"))[0]
            b = replace(b, tiers=tiers, kind="tiers", basis_field="" if basis == "-" else basis)
        benef = [c for c in prev.conditions if c.field == "beneficiary"]
        conds = cur.conditions
        if benef and not any(c.field == "beneficiary" for c in conds) and cur.quote.startswith(("再", "引进")):
            conds = conds + (Condition(benef[0].field, benef[0].test, benef[0].value, benef[0].text),)
        out[i] = replace(cur, benefit=b, conditions=conds)
    for i in range(len(out) - 2, -1, -1):  # a sentence's closing cap binds its earlier ；-pieces
        cur, nxt = out[i], out[i + 1]
        if parts[i].sentence_start == parts[i + 1].sentence_start and nxt.benefit.cap_cny and not cur.benefit.cap_cny:
            nb = nxt.benefit
            out[i] = replace(cur, benefit=replace(cur.benefit, cap_cny=nb.cap_cny, cap_text=nb.cap_text,
                                                  cap_scope=nb.cap_scope))
    return out
