"""Read one rewarding part of an article into a Benefit: thresholds (200万-500万（不含）美元), what each step pays
(人民币30万元, 实到外资额的8‰, 20元/平方米•月), caps, payment schedule and duration — all from its own text."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.incentives.clauses import Benefit, Tier
from assistant.incentives.vocabulary import basis_rules
from assistant.text.numbers import extract_quantities

_PERMILLE = re.compile(r"(\d+(?:\.\d+)?)\s*‰")
_PER_UNIT = re.compile(r"(?P<n>\d+(?:\.\d+)?)\s*元\s*/\s*(?:每)?(?:月\s*[•·.．]?\s*(?:每)?(?:平方米?|平米|㎡)"
                       r"|(?:平方米?|平米|㎡)\s*[•·.．]?\s*(?:每)?月)")
_CAP = re.compile(r"(?P<head>[^，。；、]{0,16}?)(?:不超过|不高于|最高补助|最高奖励|最高|上限)(?:额度|金额)?(?:不超过|为)?"
                  r"\s*(?:人民币)?(?P<amt>\d+(?:\.\d+)?\s*[万亿]?元)")
_SCHEDULE = re.compile(r"分(?P<n>[二三四五两2-5])[年期](?:按|，按)?(?P<shares>(?:\d+%、?)+)?(?:的?比例)?(?:拨付|兑现|发放)?")
_DURATION = re.compile(r"(?:补助|奖励|补贴)?期限(?:不超过|为)?\s*\d+\s*年|期限\d年")
_VERB = re.compile(r"给予|予以|奖励|补助|补贴|资助|按")
_RANGE_GAP = re.compile(r"\s*(?:[（(]\s*不?含\s*[)）])?\s*(?:以上)?\s*(?:[-－—–~～]|至|到)\s*")
_UP_TO = re.compile(r"(?:最高|不超过|不高于)[^，、]{0,6}$")


@dataclass
class _Q:
    start: int
    end: int
    value: float
    currency: str = ""  # CNY / USD for amounts, "" for rates
    rate: float | None = None
    text: str = ""


def _masked(text: str, spans: list[tuple[int, int]], pos: int) -> bool:
    return any(s <= pos < e for s, e in spans)


def _caps(text: str, has_other_benefit: bool, masked: list[tuple[int, int]]) -> tuple[
        list[tuple[int, int]], float | None, str, str]:
    """Cap phrases (每个项目…最高不超过300万元); only a cap when something else is the benefit."""
    spans, cap, cap_text, scope = [], None, "", ""
    for m in _CAP.finditer(text):
        if "分别" in m.group() or not has_other_benefit or _masked(text, masked, m.start("amt")):
            continue
        amount = [q for q in extract_quantities(m.group("amt")) if q.kind == "amount"]
        if not amount:
            continue
        spans.append((m.start("amt"), m.end("amt")))
        value = float(amount[0].value)
        if cap is None or value < cap:
            cap, cap_text = value, m.group().strip()
            head = m.group()
            scope = ("year" if re.search(r"每年|年补助|年度|全年", head) else "project" if "项目" in head
                     else "total" if "累计" in head else "company" if re.search(r"每家|单家|企业|每户", head)
                     else "")
    return spans, cap, cap_text, scope


def _schedule(text: str) -> tuple[tuple[float, ...], str, list[tuple[int, int]]]:
    m = _SCHEDULE.search(text)
    if not m:
        return (), "", []
    shares = tuple(float(s) / 100 for s in re.findall(r"(\d+)%", m.group("shares") or ""))
    return shares, m.group(), [(m.start(), m.end())]


def _quantities(text: str, masked: list[tuple[int, int]]) -> list[_Q]:
    out = [_Q(m.start(), m.end(), float(m.group(1)) / 1000, rate=float(m.group(1)) / 1000, text=m.group())
           for m in _PERMILLE.finditer(text)]
    for q in extract_quantities(text):
        if _masked(text, masked, q.start) or q.kind not in ("amount", "percent") or "‰" in q.text:
            continue  # ‰ rates are read above, with their exact share
        if q.kind == "percent":
            out.append(_Q(q.start, q.end, float(q.value[:-1]) / 100, rate=float(q.value[:-1]) / 100, text=q.text))
        else:
            out.append(_Q(q.start, q.end, float(q.value), q.unit, text=q.text))
    return sorted(out, key=lambda q: q.start)


def _is_benefit(text: str, q: _Q, split: int | None) -> bool:
    if q.currency == "USD":
        return False
    if split is not None:
        return q.start > split
    before = text[max(0, q.start - 14):q.start]
    verb = list(_VERB.finditer(before))
    return bool(verb) and not re.search(r"[，,]", before[verb[-1].end():])


def _thresholds(text: str, qs: list[_Q]) -> list[tuple[float | None, float | None, str, int]]:
    """Threshold amounts grouped into steps (low, high, phrase, start): a-b ranges, else a list of lows."""
    groups: list[list[_Q]] = []
    for q in qs:
        if groups and _RANGE_GAP.fullmatch(text[groups[-1][-1].end:q.start]) and len(groups[-1]) == 1:
            groups[-1].append(q)
        else:
            groups.append([q])
    steps = []
    for i, g in enumerate(groups):
        after = text[g[-1].end:g[-1].end + 4]
        if len(g) == 2:
            steps.append((g[0].value, g[1].value, text[g[0].start:g[1].end], g[0].start))
        elif re.match(r"\s*(?:以下|（不含）以下)", after) and not re.match(r"\s*以上", after):
            steps.append((None, g[0].value, text[g[0].start:g[0].end + 2], g[0].start))
        else:
            nxt = groups[i + 1][0].value if i + 1 < len(groups) and groups[i + 1][0].value > g[0].value else None
            phrase = g[0].text + ("以上" if re.match(r"\s*以上", after) else "")
            steps.append((g[0].value, nxt, phrase, g[0].start))
    return steps


def basis_before(text: str, pos: int) -> tuple[str, str]:
    """The profile field (or "-") and label of the basis named nearest before pos."""
    best: tuple[tuple[int, int], str, str] | None = None
    for pattern, fld, label in basis_rules():
        for m in pattern.finditer(text, 0, pos):
            key = (m.end(), -m.start())  # nearest end; at a tie the longer name (进出口额 over 出口额)
            if best is None or key > best[0]:
                best = (key, fld, label)
    return (best[1], best[2]) if best else ("", "")


def read_benefit(text: str) -> tuple[Benefit, list[tuple[str, float | None, str]]]:
    """The Benefit of a part, and its thresholds' (basis field, lowest low, phrase) for conditions."""
    per_unit = _PER_UNIT.search(text)
    shares, schedule_text, masked = _schedule(text)
    duration = _DURATION.search(text)
    if duration:
        masked.append((duration.start(), duration.end()))
    if per_unit:
        masked.append((per_unit.start(), per_unit.end()))
    split = text.find("分别") if "分别" in text else None
    probe = [q for q in _quantities(text, masked) if _is_benefit(text, q, split) or q.rate is not None]
    cap_spans, cap, cap_text, scope = _caps(text, bool(per_unit) or len(probe) > 1 or any(
        q.rate is not None for q in probe), masked)
    qs = _quantities(text, masked + cap_spans)
    benefits = [q for q in qs if q.rate is not None and (split is None or q.start > split) and _rate_is_benefit(
        text, q, split)] + [q for q in qs if q.rate is None and _is_benefit(text, q, split)]
    benefits.sort(key=lambda q: q.start)
    thresholds = [q for q in qs if q.rate is None and q not in benefits and q.currency]
    steps = _thresholds(text, thresholds)
    tiers = _tiers(text, steps, benefits, per_unit)
    basis_field = ""
    anchor = steps[0][3] if steps else next((q.start for q in benefits if q.rate is not None), None)
    if per_unit:
        basis_field = "rent_area_m2"
    elif anchor is not None and benefits:
        basis_field = basis_before(text, anchor)[0]
    kind = ("per_unit" if per_unit else "tiers" if steps and benefits else "rate" if any(
        t.rate is not None for t in tiers) else "fixed" if tiers else "in_kind")
    conds = [(basis_before(text, s)[0], lo, phrase) for lo, _hi, phrase, s in steps[:1]]
    currency = "USD" if basis_field.endswith("_usd") or "折合人民币" in text else ""
    return Benefit(kind, basis_field, currency, tuple(tiers), cap, cap_text, scope, shares, schedule_text,
                   duration.group() if duration else "", text), conds


def _rate_is_benefit(text: str, q: _Q, split: int | None) -> bool:
    if "‰" in q.text:
        return True
    return (split is not None and q.start > split) or _is_benefit(text, q, None) or bool(
        re.search(r"的$", text[max(0, q.start - 1):q.start]) and _VERB.search(text[max(0, q.start - 20):q.start]))


def _tiers(text: str, steps: list, benefits: list[_Q], per_unit: re.Match | None) -> list[Tier]:
    def tier(lo, hi, b: _Q, phrase: str) -> Tier:
        up_to = bool(_UP_TO.search(text[max(0, b.start - 10):b.start]))
        return Tier(lo, hi, None if b.rate is not None else b.value, b.rate, b.text, phrase, up_to)

    if per_unit:
        up_to = bool(re.search(r"最高|不超过", text[max(0, per_unit.start() - 8):per_unit.start()]))
        # thresholds beside a per-m² rate are on something else (亩均税收): conditions, not steps of the rate
        return [Tier(None, None, None, float(per_unit.group("n")), per_unit.group(), "", up_to)]
    if len(steps) == len(benefits) and steps:
        return [tier(lo, hi, b, phrase) for (lo, hi, phrase, _s), b in zip(steps, benefits, strict=True)]
    if steps and "分别" not in text:  # interleaved: 50万-100万美元奖励10万元，100万-200万美元奖励20万元
        out = []
        for b in benefits:
            before = [s for s in steps if s[3] < b.start]
            lo, hi, phrase, _s = before[-1] if before else (None, None, "", 0)
            out.append(tier(lo, hi, b, phrase))
        return out
    low = steps[0][0] if len(steps) == 1 else None
    return [tier(low, None, b, steps[0][2] if len(steps) == 1 else "") for b in benefits]
