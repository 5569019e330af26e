"""Match a company profile to incentive clauses: eligible / ineligible (which condition fails) / needs_info (which
fields are missing), the benefit computed where the profile determines it, with caps, schedules, stacking notes and
expiry warnings — every line citing its clause."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache

from assistant.incentives.benefit import Amount, compute
from assistant.incentives.clauses import Condition, IncentiveClause
from assistant.incentives.profile import FIELD_DOCS, CompanyProfile

_ORDER = {"eligible": 0, "needs_info": 1, "ineligible": 2}
NO_CLAUSES = "资料库中没有找到奖励条款（政策文件中“对…给予…奖励/补助”的条文）。"
NO_CLAUSES_EN = "The library holds no incentive clauses (policy articles that grant rewards or subsidies)."


@dataclass(frozen=True)
class MatchItem:
    clause: IncentiveClause
    status: str  # eligible | ineligible | needs_info
    benefit: str
    amount_cny_min: float | None = None
    amount_cny_max: float | None = None
    missing: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    failing: str = ""  # the condition that fails, as the clause words it
    touched: int = 0  # conditions and basis the profile decided: 0 = the clause is about something else

    @property
    def expired(self) -> bool:
        return any(w.startswith("政策已于") for w in self.warnings)

    def as_dict(self) -> dict:
        c = self.clause
        return {
            "policy": c.policy, "clause": c.article, "clause_id": c.clause_id, "kind": c.kind,
            "status": self.status, "benefit": self.benefit,
            "amount_cny_min": self.amount_cny_min, "amount_cny_max": self.amount_cny_max,
            "missing": list(self.missing), "warnings": list(self.warnings),
            "citation": {"source": c.source, "title": c.policy, "page": c.page, "article": c.article,
                         "quote": c.quote},
        }


@dataclass(frozen=True)
class MatchResult:
    profile: CompanyProfile
    items: tuple[MatchItem, ...]
    clause_count: int = 0  # clauses in the library (0 → say so)
    unmatched: int = 0  # clauses in scope whose conditions the profile does not speak to (honours, awards…)
    notes: tuple[str, ...] = field(default_factory=tuple)

    def as_dict(self) -> dict:
        out = {"profile": self.profile.as_dict(), "items": [i.as_dict() for i in self.items]}
        if not self.clause_count:
            out["message"] = NO_CLAUSES
        out["notes"] = list(self.notes)
        out["unmatched_clauses"] = self.unmatched
        return out


@lru_cache(maxsize=256)
def _in_region(asked: str, clause_region: str) -> bool:
    from assistant.answering.scope_check import place_relation
    from ingest.regions import find_places

    if not asked or not clause_region:
        return True
    a, c = find_places(asked), find_places(clause_region)
    if not a or not c:
        return asked in clause_region or clause_region in asked
    return place_relation(a[-1], c[-1]) in ("same", "parent")


def _test(cond: Condition, profile: CompanyProfile) -> bool | None:
    """True / False, or None when the profile does not say."""
    if cond.field == "beneficiary":
        return False  # the finder matches for the company itself; this clause rewards someone else
    if not profile.known(cond.field):
        return None
    value = getattr(profile, cond.field)
    words = [w.strip().lower() for w in cond.value.split(",") if w.strip()]
    if cond.test == "is":
        return bool(value) is (cond.value == "true")
    if cond.test == "in":
        return value in words
    if cond.test == "has" and cond.field == "talent":
        return any(value.get(w.upper(), 0) > 0 for w in words)
    if cond.test in ("has", "not"):
        hit = any(w in str(value).lower() for w in words)
        return hit if cond.test == "has" else not hit
    if cond.test == ">=":
        return float(value) >= float(cond.value)
    return str(value) == cond.value


def _modelled(clause: IncentiveClause) -> bool:
    fields_ = {c.field for c in clause.conditions if c.field in FIELD_DOCS}
    return bool(fields_ or clause.benefit.basis_field in FIELD_DOCS)


def _expiry(clause: IncentiveClause, today: dt.date) -> str:
    if clause.expires and dt.date.fromisoformat(clause.expires) < today:
        return f"政策已于{clause.expires}到期（{clause.policy}），条款仅供参考，请向主管部门确认现行政策。"
    return ""


def match_clause(clause: IncentiveClause, profile: CompanyProfile) -> MatchItem:
    missing, warnings, failing = [], [], ""
    touched = int(profile.known(clause.benefit.basis_field)) if clause.benefit.basis_field in FIELD_DOCS else 0
    for cond in clause.conditions:
        ok = _test(cond, profile)
        touched += ok is not None and cond.field != "beneficiary"
        if ok is None:
            missing.append(cond.field)
        elif not ok and not failing:
            failing = f"不符合条件：{cond.text}" if cond.field != "beneficiary" else f"受益对象为{cond.text}，非企业本身"
    for cond in clause.exclusions:
        if _test(cond, profile) is False and not failing:
            failing = f"排除：{cond.text}"
        elif not profile.known("industry"):
            warnings.append(f"注意排除条件：{cond.text}")
    amount: Amount = compute(clause.benefit, clause.conditions, profile)
    missing += [m for m in amount.missing if m not in missing]
    failing = failing or amount.failing
    warnings += list(amount.notes)
    if clause.unmodelled:
        warnings.append("另需满足（画像未涉及，请核实）：" + "；".join(clause.unmodelled))
    warnings += [s for s in clause.stacking if "本意见" in s or "前款" in s or "本条" in s]
    if w := _expiry(clause, profile.today()):
        warnings.append(w)
    blocking = [m for m in missing if m != "usd_cny_rate"]  # without a rate only the sum is unknown
    status = "ineligible" if failing else "needs_info" if blocking else "eligible"
    low, high = (None, None) if failing else (amount.low, amount.high)
    return MatchItem(clause, status, failing or amount.text, low, high,
                     tuple(dict.fromkeys(missing)), tuple(dict.fromkeys(warnings)), failing, touched)


def _stacking_notes(items: list[MatchItem]) -> list[str]:
    """When two or more rewards of one policy apply, its stacking rules, quoted."""
    notes = []
    by_policy: dict[str, list[MatchItem]] = {}
    for it in items:
        if it.status == "eligible":
            by_policy.setdefault(it.clause.policy, []).append(it)
    for policy, its in by_policy.items():
        if len(its) > 1:
            rules = [s for s in its[0].clause.stacking if not ("前款" in s or "本条" in s)]
            notes += [f"《{policy}》：{s}" for s in rules[:2]]
    return notes


def match(clauses: list[IncentiveClause], profile: CompanyProfile) -> MatchResult:
    """Every clause of the profile's region (and the places above it) that the profile speaks to, best first."""
    in_scope = [c for c in clauses if _in_region(profile.region, c.region)]
    relevant = [c for c in in_scope if _modelled(c)]
    items = [match_clause(c, profile) for c in relevant]
    # what the profile speaks to first: a talent clause is no news to a profile without talent
    items.sort(key=lambda i: (_ORDER[i.status], not i.touched, i.expired, -(i.amount_cny_max or 0)))
    return MatchResult(profile, tuple(items), len(clauses), len(in_scope) - len(relevant),
                       tuple(_stacking_notes(items)))
