"""What a clause pays this profile: the step its figures fall in, the sum in yuan (fixed, a share of the basis
converted at the profile's rate, or 元/㎡·月 × area × 12), the cap applied, the payment schedule stated."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.incentives.clauses import Benefit, Condition, Tier
from assistant.incentives.profile import FIELD_DOCS, CompanyProfile

LABELS = {"first_year_foreign_capital_usd": "第一年实到外资", "second_year_foreign_capital_usd": "第二年实到外资",
          "third_year_foreign_capital_usd": "第三年实到外资", "foreign_capital_usd": "实到外资",
          "export_usd": "自营出口额", "rent_area_m2": "租赁面积", "annual_tax_cny": "入库税收"}


@dataclass(frozen=True)
class Amount:
    text: str
    low: float | None = None
    high: float | None = None
    missing: tuple[str, ...] = ()
    failing: str = ""
    notes: tuple[str, ...] = ()


def yuan(x: float) -> str:
    """50万元 / 1,680,000元: the way the policies write sums."""
    return f"{x / 10000:g}万元" if x >= 10000 and round(x) % 100 == 0 else f"{x:,.0f}元"


def _figure(field: str, v: float) -> str:
    if field.endswith("_usd"):
        return f"{v / 10000:g}万美元"
    return f"{v:g}平方米" if field == "rent_area_m2" else yuan(v)


def _pick(tiers: tuple[Tier, ...], v: float) -> Tier | None:
    return next((t for t in tiers if (t.low is None or v >= t.low) and (t.high is None or v < t.high)), None)


def _talent_tier(b: Benefit, conds: tuple[Condition, ...], profile: CompanyProfile) -> Tier | None:
    cond = next((c for c in conds if c.field == "talent"), None)
    if not cond or not profile.talent:
        return None
    classes = cond.value.split(",")
    if len(classes) != len(b.tiers):
        return None
    return next((t for c, t in zip(classes, b.tiers, strict=True) if profile.talent.get(c, 0) > 0), None)


def _sum(b: Benefit, t: Tier, profile: CompanyProfile, v: float | None) -> tuple[float | None, str, tuple[str, ...]]:
    """The tier's sum in yuan, how it was reached, and the fields still needed to reach it."""
    if t.amount_cny is not None:
        return t.amount_cny, t.text, ()
    if b.kind == "per_unit":
        if not profile.known("rent_area_m2"):
            return None, t.text, ("rent_area_m2",)
        area = profile.rent_area_m2 or 0
        return t.rate * area * 12, f"{t.text} × {area:g}平方米 × 12个月", ()
    if v is None or t.rate is None:
        return None, t.text, ()
    if b.basis_currency == "USD":
        if not profile.known("usd_cny_rate"):
            return None, f"{t.text}（{_figure(b.basis_field, v)}，按到账当日汇率折算）", ("usd_cny_rate",)
        rate = profile.usd_cny_rate or 0
        return t.rate * v * rate, f"{_figure(b.basis_field, v)} × {t.text} × 汇率{rate:g}", ()
    return t.rate * v, f"{_figure(b.basis_field, v)} × {t.text}", ()


def _choose(b: Benefit, conds: tuple[Condition, ...], profile: CompanyProfile) -> tuple[Tier | None, float | None,
                                                                                       Amount | None]:
    """The step that applies, the basis value, or an Amount saying why none can be chosen."""
    stepped = any(t.low is not None or t.high is not None for t in b.tiers)
    field = b.basis_field if b.basis_field in FIELD_DOCS else ""
    v = float(getattr(profile, field)) if field and profile.known(field) else None
    if stepped and field:
        if v is None:
            steps = "；".join(f"{t.threshold_text}→{t.text}" for t in b.tiers)
            return None, None, Amount(f"按{LABELS.get(field, field)}分档：{steps}", missing=(field,))
        t = _pick(b.tiers, v)
        if t is None:
            lowest = b.tiers[0].threshold_text or _figure(field, b.tiers[0].low or 0)
            return None, v, Amount("", failing=f"{LABELS.get(field, field)}{_figure(field, v)}未达到最低档（{lowest}）")
        return t, v, None
    if len(b.tiers) == 1:
        return b.tiers[0], v, None
    t = _talent_tier(b, conds, profile)
    if t:
        return t, v, None
    sums = [x.amount_cny for x in b.tiers if x.amount_cny is not None]
    text = "分别" + "、".join(x.text for x in b.tiers) + "（按条款所列级别或类别，画像无法确定哪一档）"
    return None, v, Amount(text, min(sums) if sums else None, max(sums) if sums else None)


def compute(b: Benefit, conds: tuple[Condition, ...], profile: CompanyProfile) -> Amount:
    if b.kind == "in_kind" or not b.tiers:  # 照顾该人才子女入读公办小学起始年级1人: the closing phrase says what
        return Amount(re.split(r"[，,]", b.text.rstrip("。；"))[-1])
    t, v, early = _choose(b, conds, profile)
    if early is not None:
        return early
    assert t is not None
    total, how, missing = _sum(b, t, profile, v)
    notes: list[str] = []
    if total is not None and b.cap_cny is not None and total > b.cap_cny:
        notes.append(f"按上限封顶：“{b.cap_text}”")
        total = b.cap_cny
    elif b.cap_text:
        notes.append(f"上限：“{b.cap_text}”")
    step = f"（{t.threshold_text}档）" if t.threshold_text else ""
    text = f"{how}{step}" + (f" = {yuan(total)}" if total is not None and how != t.text else "")
    if b.schedule and total is not None:
        parts = "、".join(yuan(total * s) for s in b.schedule)
        notes.append(f"{b.schedule_text}：{parts}")
    elif b.schedule_text:
        notes.append(b.schedule_text)
    if b.duration_text:
        notes.append(b.duration_text)
    low = None if t.up_to else total
    return Amount(text, low, total, missing, "", tuple(notes))
