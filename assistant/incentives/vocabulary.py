"""The finder's word lists (assistant/incentives/data/*.txt, each with its provenance), read once and compiled."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


@lru_cache(maxsize=16)
def rows(name: str) -> tuple[tuple[str, ...], ...]:
    """Tab-separated rows of data/<name>.txt, comments ('#') and blank lines skipped."""
    text = (DATA / f"{name}.txt").read_text(encoding="utf-8")
    return tuple(tuple(ln.split("\t")) for ln in text.splitlines() if ln.strip() and not ln.startswith("#"))


@dataclass(frozen=True)
class Rule:
    pattern: re.Pattern
    field: str
    test: str
    value: str
    label: str


@lru_cache(maxsize=1)
def condition_rules() -> tuple[Rule, ...]:
    return tuple(Rule(re.compile(p), f, t, v, lab) for p, f, t, v, lab in rows("conditions"))


@lru_cache(maxsize=1)
def exclusion_rules() -> tuple[Rule, ...]:
    return tuple(Rule(re.compile(p), "industry", "not", v, lab) for p, v, lab in rows("exclusions"))


@lru_cache(maxsize=1)
def basis_rules() -> tuple[tuple[re.Pattern, str, str], ...]:
    return tuple((re.compile(p), f, lab) for p, f, lab in rows("bases"))


@lru_cache(maxsize=1)
def kind_rules() -> tuple[tuple[str, re.Pattern], ...]:
    return tuple((k, re.compile(p)) for k, p in rows("kinds"))


@lru_cache(maxsize=1)
def listing_stages() -> tuple[tuple[str, re.Pattern, str], ...]:
    return tuple((k, re.compile(p), lab) for k, p, lab in rows("listing_stages"))


@lru_cache(maxsize=1)
def stacking_pattern() -> re.Pattern:
    return re.compile("|".join(r[0] for r in rows("stacking")))


def kind_of(text: str) -> str:
    return next(k for k, p in kind_rules() if p.search(text))
