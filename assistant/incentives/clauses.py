"""Incentive clauses as data: one record per rewarding sentence, every field tied to the span it was read from."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields


@dataclass(frozen=True)
class Condition:
    """Who may claim: a profile field tested against a value (`text` is the exact phrase it was read from)."""

    field: str  # a CompanyProfile field, or "" when the profile cannot tell (then it is only quoted)
    test: str  # "is" | "in" | "has" | "not" | ">=" | "=="
    value: str  # comma-separated for in/has/not; a number (base unit) for >=
    text: str
    start: int = 0  # offsets in the clause quote
    end: int = 0


@dataclass(frozen=True)
class Tier:
    """One step of a benefit: a basis range [low, high) and what it pays (a sum in yuan, or a rate)."""

    low: float | None
    high: float | None
    amount_cny: float | None = None  # fixed sum in yuan
    rate: float | None = None  # share of the basis (8‰ → 0.008); per unit for rent (元/㎡·月)
    text: str = ""  # the benefit phrase as written (人民币30万元 / 实到外资额的8‰折合人民币)
    threshold_text: str = ""  # the range phrase as written (200万-500万（不含）美元)
    up_to: bool = False  # "最高…": the sum is a ceiling, not a promise


@dataclass(frozen=True)
class Benefit:
    kind: str  # "fixed" | "tiers" | "rate" | "per_unit" | "in_kind"
    basis_field: str = ""  # profile field the tiers/rate are measured on ("" when none or unknown)
    basis_currency: str = ""  # USD when a rate applies to a dollar amount (converted to yuan)
    tiers: tuple[Tier, ...] = ()
    cap_cny: float | None = None
    cap_text: str = ""
    cap_scope: str = ""  # "year" | "project" | "company" | "total"
    schedule: tuple[float, ...] = ()  # payment shares, e.g. (0.4, 0.3, 0.3)
    schedule_text: str = ""
    duration_text: str = ""  # 补助期限不超过3年
    text: str = ""  # the benefit part of the clause as written


@dataclass(frozen=True)
class IncentiveClause:
    clause_id: str  # f"{doc_id}#{article}#{n}": stable across re-ingest while the article keeps its place
    doc_id: str
    source: str
    policy: str  # policy title
    article: str  # 第三条 / 四、1.
    kind: str  # what it rewards (kinds.txt)
    region: str  # label of the policy's region
    expires: str  # ISO date or ""
    effective: str
    page: int
    chunk_id: str
    quote: str  # the clause as written: an exact slice of the page text
    start: int  # offsets of the quote in its page
    end: int
    conditions: tuple[Condition, ...] = ()
    unmodelled: tuple[str, ...] = ()  # condition phrases the profile cannot decide (quoted as "to confirm")
    exclusions: tuple[Condition, ...] = ()
    stacking: tuple[str, ...] = ()  # stacking sentences of this article and of the policy's 附则
    benefit: Benefit = field(default_factory=lambda: Benefit("in_kind"))
    corrected: bool = False  # staff corrected this record (corrections file)

    def as_dict(self) -> dict:
        return asdict(self)


def clause_from_dict(d: dict) -> IncentiveClause:
    """Inverse of as_dict (JSON caches and staff corrections)."""
    b = dict(d.get("benefit") or {"kind": "in_kind"})
    b["tiers"] = tuple(Tier(**t) for t in b.get("tiers", ()))
    b["schedule"] = tuple(b.get("schedule", ()))
    known = {f.name for f in fields(IncentiveClause)}
    rest = {k: v for k, v in d.items() if k in known and k not in ("benefit", "conditions", "exclusions")}
    for k in ("unmodelled", "stacking"):
        rest[k] = tuple(rest.get(k, ()))
    return IncentiveClause(
        **rest, benefit=Benefit(**b),
        conditions=tuple(Condition(**c) for c in d.get("conditions", ())),
        exclusions=tuple(Condition(**c) for c in d.get("exclusions", ())),
    )


def dumps(clauses: list[IncentiveClause]) -> str:
    return json.dumps([c.as_dict() for c in clauses], ensure_ascii=False, indent=0)
