"""Can every sum a finder line states be found in its cited clause, or computed from it and the profile? The
check the tests and the bench run on every item, independent of how the matcher reached the sum."""

from __future__ import annotations

import re

from assistant.incentives.match import MatchItem
from assistant.incentives.profile import CompanyProfile
from assistant.text.numbers import extract_quantities

_PER_UNIT = re.compile(r"(\d+(?:\.\d+)?)\s*元\s*/")


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= max(1.0, 1e-6 * abs(b))


def _candidates(quote: str, profile: CompanyProfile) -> list[float]:
    """Sums stated in the quote, and each stated rate applied to each profile figure (converted, or × 12 months)."""
    qs = extract_quantities(quote)
    sums = [float(q.value) for q in qs if q.kind == "amount" and q.unit == "CNY"]
    rates = [float(q.value[:-1]) / 100 for q in qs if q.kind == "percent"]
    rates += [float(m) / 1000 for m in re.findall(r"(\d+(?:\.\d+)?)\s*‰", quote)]
    figures = [float(getattr(profile, f)) for f in ("first_year_foreign_capital_usd", "second_year_foreign_capital_usd",
                                                    "third_year_foreign_capital_usd", "foreign_capital_usd",
                                                    "export_usd", "annual_tax_cny") if profile.known(f)]
    fx = [profile.usd_cny_rate] if profile.usd_cny_rate else []
    out = sums + [r * v * x for r in rates for v in figures for x in [1.0, *fx]]
    if profile.rent_area_m2:
        out += [float(m) * profile.rent_area_m2 * 12 for m in _PER_UNIT.findall(quote)]
    return out


def untraceable(item: MatchItem, profile: CompanyProfile) -> list[float]:
    """The stated sums of an item that neither appear in nor follow from its quote (empty = all traceable)."""
    # a cap stated once for a whole sentence (每个项目三年奖励累计不超过300万元) is quoted in the item's warnings
    candidates = _candidates(item.clause.quote + "\n" + item.clause.benefit.cap_text, profile)
    stated = [a for a in (item.amount_cny_min, item.amount_cny_max) if a is not None]
    return [a for a in stated if not any(_close(a, c) for c in candidates)]
