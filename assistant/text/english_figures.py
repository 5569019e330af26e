"""Figures of a Chinese sentence said in English: 50亿元 → "CNY 5 billion", 三年 → "3 years", 8‰ → "8‰".

Parsing is assistant.text.numbers' job (one implementation); this module only renders what it found, and only
quantities whose unit it can name: a bare count ("12个") says nothing without its noun, so it is left out rather
than guessed."""

from __future__ import annotations

from decimal import Decimal

from assistant.text.numbers import Quantity, extract_quantities

# The units numbers.py canonicalises, in English (singular, plural). 月份 ("3月") is a month of the year, not a
# duration: it is left out, like bare counts.
_UNITS_EN = {"年": ("year", "years"), "月": ("month", "months"), "周": ("week", "weeks"), "天": ("day", "days"),
             "工作日": ("working day", "working days"), "小时": ("hour", "hours"), "人": ("person", "people"),
             "家": ("company", "companies"), "亩": ("mu", "mu"), "平方米": ("m²", "m²"),
             "平方公里": ("km²", "km²"), "公顷": ("hectare", "hectares"), "倍": ("time", "times"),
             "层": ("floor", "floors"), "栋": ("building", "buildings"), "项": ("item", "items"),
             "次": ("time", "times"), "届": ("edition", "editions"), "岁": ("year of age", "years of age"),
             "公里": ("km", "km"), "吨": ("tonne", "tonnes"), "台": ("unit", "units"), "套": ("set", "sets")}
_SCALES = ((Decimal(10) ** 12, "trillion"), (Decimal(10) ** 9, "billion"), (Decimal(10) ** 6, "million"))
_MONTHS = ("January February March April May June July August September October November December").split()


def _plain(value: Decimal) -> str:
    """1234567.5 → "1,234,567.5"; whole numbers without a decimal point."""
    text = f"{value:,.2f}".rstrip("0").rstrip(".") if value != value.to_integral_value() else f"{int(value):,}"
    return text


def english_number(value: Decimal) -> str:
    """5000000000 → "5 billion", 30000000 → "30 million", 200000 → "200,000" (as a reader says them)."""
    for scale, word in _SCALES:
        if abs(value) >= scale and (value / scale) * 100 == int((value / scale) * 100):
            return f"{_plain(value / scale)} {word}"
    return _plain(value)


def english_date(value: str) -> str:
    """numbers.py's canonical dates: "2020-01-01" → "1 January 2020", "2024-03" → "March 2024", "--03-01" →
    "1 March"."""
    year, _, rest = value.partition("-") if not value.startswith("--") else ("", "", value[2:])
    parts = [int(p) for p in rest.split("-") if p]
    month = _MONTHS[parts[0] - 1] if parts else ""
    day = str(parts[1]) if len(parts) > 1 else ""
    return " ".join(p for p in (day, month, year.lstrip("-")) if p)


def english_quantity(q: Quantity) -> str:
    """One quantity in English; "" when its unit cannot be named."""
    if q.kind == "amount":
        return f"{q.unit or 'CNY'} {english_number(Decimal(q.value))}"
    if q.kind == "percent":
        return q.text.strip() if "‰" in q.text else q.value
    if q.kind == "date":
        return english_date(q.value)
    if q.kind == "phone":
        return f"tel. {q.text.strip()}"
    if q.kind == "number" and q.unit in _UNITS_EN:
        value = Decimal(q.value)
        one, many = _UNITS_EN[q.unit]
        return f"{english_number(value)} {one if value == 1 else many}"
    return ""


def english_figures(text: str) -> list[str]:
    """The figures text states, in English, in order, each once."""
    return list(dict.fromkeys(f for f in (english_quantity(q) for q in extract_quantities(text)) if f))
