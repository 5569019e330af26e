"""Numerals as written in Chinese and full-width text: 五十亿 → 5000000000, 二〇二四 → 2024, １２％ → 12%. The readers
of amounts, dates and counts (numbers.py) and of question kinds build on these."""

from __future__ import annotations

import re
from decimal import Decimal

_FULLWIDTH = str.maketrans("０１２３４５６７８９％", "0123456789%")
_FW_BETWEEN_DIGITS = re.compile(r"(?<=\d)[，．](?=\d)")


def normalise_digits(text: str) -> str:
    """Full-width digits/％ → ASCII; ，． become ,. only between digits (elsewhere they are punctuation)."""
    text = text.translate(_FULLWIDTH)
    # 1:1 replacements keep every offset valid, so spans found here index the original text too.
    return _FW_BETWEEN_DIGITS.sub(lambda m: "," if m.group() == "，" else ".", text)


CN_DIGIT = dict(zip("零〇○一壹二贰两三叁四肆五伍六陆七柒八捌九玖", [0, 0, 0, 1, 1, 2, 2, 2, 3, 3, 4, 4, 5, 5,
                                                               6, 6, 7, 7, 8, 8, 9, 9], strict=True))
CN_UNIT = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
CN_BIG = {"万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8}
CN_CHARS = "".join(CN_DIGIT) + "".join(CN_UNIT) + "".join(CN_BIG)


def parse_chinese(s: str) -> Decimal | None:
    """五十亿 → 5000000000, 三点五 → 3.5, 二〇二四 → 2024; None when it is not a numeral."""
    whole, _, frac = s.partition("点")
    if frac and not all(c in CN_DIGIT for c in frac):
        return None
    if whole and all(c in CN_DIGIT for c in whole):
        value = int("".join(str(CN_DIGIT[c]) for c in whole))  # digit by digit: 二〇二四
    else:
        total = section = number = 0
        for c in whole:
            if c in CN_DIGIT:
                number = CN_DIGIT[c]
            elif c in CN_UNIT:
                section += (number or 1) * CN_UNIT[c]
                number = 0
            elif c in CN_BIG and CN_BIG[c] == 10**8:
                total, section, number = (total + section + number) * 10**8, 0, 0
            elif c in CN_BIG:
                total, section, number = total + (section + number) * 10**4, 0, 0
            else:
                return None
        value = total + section + number
    digits = "".join(str(CN_DIGIT[c]) for c in frac)
    return Decimal(f"{value}.{digits}") if digits else Decimal(value)


def chinese_numeral(s: str) -> int | None:
    """十五 → 15, 一百零二 → 102 (第一百零二条); None when s is not a whole Chinese numeral."""
    value = parse_chinese(s) if s and all(c in CN_CHARS for c in s) else None
    return int(value) if value is not None and value == int(value) else None


def canonical(d: Decimal) -> str:
    text = format(d.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
