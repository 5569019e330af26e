"""The chat's route to the finder: a question that states a company profile and asks what it can get
(我们是外资先进制造业企业，实到外资3000万美元，能拿到什么奖励？) is answered from the finder, each line cited."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from assistant.answering.citations import make_citation
from assistant.incentives.benefit import yuan
from assistant.incentives.match import MatchItem, match
from assistant.incentives.profile import CompanyProfile
from assistant.incentives.store import ClauseStore
from assistant.incentives.vocabulary import rows
from assistant.text.numbers import extract_quantities
from assistant.types import Answer, Citation, Hit

_INDUSTRY = re.compile(r"([\u4e00-\u9fff]{2,10}?业)(?:企业|公司|项目)")
_OWNERSHIP_PREFIX = re.compile(r"^(?:外资|外商投资|内资|民营|国有|港资|台资|澳资|一家|我们是|是)+")
_MAX_ITEMS = 6


def _rules(what: str) -> list[tuple[re.Pattern, str]]:
    return [(re.compile(p, re.I), v) for w, p, v in rows("question_profile") if w == what]


def _number_after(question: str, end: int, unit: str) -> float | None:
    """The first amount (or area) right after a phrase: 实到外资3000万美元 → 30000000."""
    for q in extract_quantities(question[end:end + 16]):
        if q.kind == "amount" and (unit != "m2" or q.unit == ""):
            return float(q.value)
        if q.kind == "number" and (unit == "m2") == (q.unit == "平方米"):
            return float(q.value)
    return None


def profile_from_question(question: str) -> CompanyProfile | None:
    """The profile a question states, when it also asks what the company can get; None otherwise."""
    if not any(p.search(question) for p, _v in _rules("asks")):
        return None
    data: dict[str, Any] = {}
    for what, name in (("ownership", "ownership"), ("fortune", "fortune_global_500"), ("size", "above_designated_size")):
        hit = next((v for p, v in _rules(what) if p.search(question)), None)
        if hit:
            data[name] = hit if what == "ownership" else True
    for p, field in _rules("fact"):
        m = p.search(question)
        if m and field not in data and (v := _number_after(question, m.end(), "money")) is not None:
            data[field] = v
            if field == "first_year_foreign_capital_usd":
                question = question[:m.start()] + "#" * (m.end() - m.start()) + question[m.end():]
    for p, use in _rules("rent"):
        m = p.search(question)
        if m and (v := _number_after(question, m.end(), "m2")) is not None:
            data.update(rent_use=use, rent_area_m2=v)
            break
    if m := _INDUSTRY.search(question):
        data["industry"] = _OWNERSHIP_PREFIX.sub("", m.group(1)) or m.group(1)
    # a figure, or two traits (外资 + 先进制造业): "外资企业有什么奖励" alone is a question for the chat
    weight = sum(2 if isinstance(v, float) else 1 for v in data.values())
    if weight < 2:
        return None
    from ingest.regions import find_places

    places = find_places(question)
    return CompanyProfile(region=places[-1].label() if places else "", **data)


def _citation(n: int, item: MatchItem, library: Any) -> Citation | None:
    c = item.clause
    chunk = next((x for x in library.catalog.chunks([c.doc_id]) if x.chunk_id == c.chunk_id), None)
    if chunk is None:
        return None
    lo, hi = max(c.start, chunk.start) - chunk.start, min(c.end, chunk.end) - chunk.start
    return replace(make_citation(n, Hit(chunk, 1.0), chunk.text[lo:hi]), title=c.policy, article=c.article)


_LINES = {
    "zh": {"lead": "根据问题中的企业情况（{facts}），资料中的奖励条款匹配如下：", "eligible": "符合",
           "needs_info": "需补充信息", "missing": "（还需：{fields}）", "none": "未找到"},
    "en": {"lead": "From the company facts in the question ({facts}), the incentive clauses in the library match "
                   "as follows (clause text in Chinese):", "eligible": "Eligible", "needs_info": "Needs information",
           "missing": " (still needed: {fields})", "none": "none"},
}


def finder_answer(library: Any, question: str, lang: str) -> Answer | None:
    """A cited answer from the finder, or None (no profile stated, or nothing in the library applies)."""
    profile = profile_from_question(question)
    if profile is None:
        return None
    result = match(ClauseStore(library.settings.index_dir, library.catalog).clauses(), profile)
    shown = [i for i in result.items if i.status != "ineligible" and i.touched][:_MAX_ITEMS]
    if not shown:
        return None
    words = _LINES["en" if lang == "en" else "zh"]
    facts = "，".join(f"{k}={v:,.0f}" if isinstance(v, float) else f"{k}={v}" for k, v in profile.as_dict().items())
    lines, citations, warnings = [words["lead"].format(facts=facts)], [], []
    for item in shown:
        cit = _citation(len(citations) + 1, item, library)
        if cit is None:
            continue
        citations.append(cit)
        amount = f"{yuan(item.amount_cny_max)}：" if item.amount_cny_max is not None else ""
        missing = words["missing"].format(fields=", ".join(item.missing)) if item.missing else ""
        lines.append(f"- {words[item.status]}：《{item.clause.policy}》{item.clause.article} {amount}"
                     f"{item.benefit}{missing} [{cit.n}]")
        warnings += [w for w in item.warnings if w.startswith("政策已于")]
    lines += [f"- {n}" for n in result.notes]
    return Answer(question=question, text="\n".join(lines), citations=tuple(citations), grounded=bool(citations),
                  mode="finder", warnings=tuple(dict.fromkeys(warnings)), language=lang)
