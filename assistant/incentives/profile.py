"""A company profile: the documented facts the finder matches clauses against (JSON for the CLI, a form in the UI)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields

from assistant.errors import AssistantError

OWNERSHIPS = ("domestic", "foreign", "hk_macao_taiwan")
RENT_USES = ("office", "factory")

# field → what it means (README, --help and the error for an unknown field all quote this)
FIELD_DOCS: dict[str, str] = {
    "region": "where the company is or will be (鹿城区, 温州市鹿城区); policies of that place and above apply",
    "ownership": "domestic / foreign / hk_macao_taiwan",
    "industry": "free text (先进制造业, 软件和信息服务业, 房地产…); matched against the clauses' industry words",
    "fortune_global_500": "true when the investor is a Fortune Global 500 company",
    "first_year_foreign_capital_usd": "foreign capital actually paid in during the project's first year, US$",
    "second_year_foreign_capital_usd": "foreign capital actually paid in during the second year, US$",
    "third_year_foreign_capital_usd": "foreign capital actually paid in during the third year, US$",
    "foreign_capital_usd": "foreign capital actually paid in (实到外资) this year, US$",
    "export_usd": "own exports (自营出口额) this year, US$",
    "rent_area_m2": "rented floor area, m²",
    "rent_use": "office / factory: what the rented space is used for",
    "annual_tax_cny": "tax paid locally last year (入库税收), yuan",
    "above_designated_size": "true for a 规上 (above-designated-size) enterprise",
    "talent": "people by class or degree, e.g. {\"A\": 1, \"D\": 2}",
    "listing_stage": "tutoring / ipo_accepted / ipo_approved / listed / overseas_listed / relocated_listed / neeq "
                     "/ joint_stock (the stage of a listing just reached)",
    "usd_cny_rate": "yuan per US dollar, to convert rewards paid as a share of dollar capital (policies use the "
                    "rate of the day the money arrives)",
    "as_of": "ISO date the match is judged on (default: today), e.g. to read an expired policy historically",
}
_NUMBERS = {"first_year_foreign_capital_usd", "second_year_foreign_capital_usd", "third_year_foreign_capital_usd",
            "foreign_capital_usd", "export_usd", "rent_area_m2", "annual_tax_cny", "usd_cny_rate"}
_BOOLS = {"fortune_global_500", "above_designated_size"}


class ProfileError(AssistantError):
    def __init__(self, problem: str):
        valid = ", ".join(FIELD_DOCS)
        super().__init__(f"company profile: {problem}. Fix: use only these fields: {valid} "
                         "(see README, 'Incentive finder')")


@dataclass(frozen=True)
class CompanyProfile:
    region: str = ""
    ownership: str = ""
    industry: str = ""
    fortune_global_500: bool | None = None
    first_year_foreign_capital_usd: float | None = None
    second_year_foreign_capital_usd: float | None = None
    third_year_foreign_capital_usd: float | None = None
    foreign_capital_usd: float | None = None
    export_usd: float | None = None
    rent_area_m2: float | None = None
    rent_use: str = ""
    annual_tax_cny: float | None = None
    above_designated_size: bool | None = None
    talent: dict[str, int] = field(default_factory=dict)
    listing_stage: str = ""
    usd_cny_rate: float | None = None
    as_of: str = ""

    def known(self, name: str) -> bool:
        v = getattr(self, name, None)
        return v not in (None, "", {})

    def today(self) -> dt.date:
        return dt.date.fromisoformat(self.as_of) if self.as_of else dt.date.today()

    def as_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self) if self.known(f.name)}


def _check(name: str, value):
    if name in _NUMBERS:
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise ProfileError(f"{name} must be a non-negative number, got {value!r}")
        return float(value)
    if name in _BOOLS:
        if not isinstance(value, bool):
            raise ProfileError(f"{name} must be true or false, got {value!r}")
        return value
    if name == "talent":
        if not isinstance(value, dict) or not all(isinstance(v, int) and v >= 0 for v in value.values()):
            raise ProfileError(f"talent must be an object of counts like {{\"A\": 1}}, got {value!r}")
        return {str(k).upper() if len(str(k)) == 1 else str(k): v for k, v in value.items()}
    if not isinstance(value, str):
        raise ProfileError(f"{name} must be text, got {value!r}")
    choices = {"ownership": OWNERSHIPS, "rent_use": RENT_USES}.get(name)
    if choices and value and value not in choices:
        raise ProfileError(f"{name} must be one of {', '.join(choices)}, got {value!r}")
    if name == "as_of" and value:
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            raise ProfileError(f"as_of must be an ISO date (2021-06-30), got {value!r}") from None
    return value.strip()


def profile_from_dict(data: dict) -> CompanyProfile:
    """Validate a JSON object into a profile; an unknown field is an error that lists the valid ones."""
    if not isinstance(data, dict):
        raise ProfileError("the profile must be a JSON object")
    unknown = sorted(set(data) - set(FIELD_DOCS))
    if unknown:
        raise ProfileError(f"unknown field(s) {', '.join(unknown)}")
    return CompanyProfile(**{k: _check(k, v) for k, v in data.items() if v is not None})
