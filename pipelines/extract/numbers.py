"""Numerals as written in research reports, turned into floats.

`parse_number` reads one numeral string: Arabic digits with thousands separators
and decimals, full-width digits, Chinese numerals (including 两, 〇 and the
financial capitals 壹贰叁), Chinese and English magnitude words (`1.8万亿`,
`3.5 billion`, `200k`), a sign (`-1.2`, `负3`) and accounting brackets
(`(1.2)`). It returns None for anything it cannot read with confidence
(`1.2.3`, the ambiguous `1,23`, `三成`), never a guess.

The smaller pieces (`parse_arabic`, `parse_chinese`, `magnitude_value`) are
shared with `quantities`, which finds numerals in running text and needs to
know how each part was written.

Choices a reader may not expect:
- 兆 is 1e12 (the trillion of Taiwanese and Japanese finance, as in 1兆日元).
  Mainland units that carry the metric mega prefix (兆瓦, 兆字节) are whole
  unit words in `vocab/units.csv` and never reach this table.
- A run of Chinese digits with no unit character (二〇二四, 一二三) reads as a
  digit sequence; a numeral that mixes both (三四十) is refused.
"""

from __future__ import annotations

import functools
import re

from pipelines.extract.textnorm import fold

ZH_DIGITS: dict[str, int] = {
    "零": 0, "〇": 0, "○": 0,
    "一": 1, "壹": 1, "幺": 1,
    "二": 2, "两": 2, "贰": 2, "貳": 2, "兩": 2,
    "三": 3, "叁": 3, "參": 3,
    "四": 4, "肆": 4,
    "五": 5, "伍": 5,
    "六": 6, "陆": 6, "陸": 6,
    "七": 7, "柒": 7,
    "八": 8, "捌": 8,
    "九": 9, "玖": 9,
}
# Units that multiply the digit in front of them inside one section of four digits.
ZH_SMALL_UNITS: dict[str, int] = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
# Section units: they close a section and scale everything before them.
ZH_BIG_UNITS: dict[str, float] = {"万": 1e4, "萬": 1e4, "亿": 1e8, "億": 1e8, "兆": 1e12}

ZH_NUMERAL_CHARS = "".join(ZH_DIGITS) + "".join(ZH_SMALL_UNITS) + "".join(ZH_BIG_UNITS)
_ZH_UNIT_CHARS = frozenset(ZH_SMALL_UNITS) | frozenset(ZH_BIG_UNITS)

# English magnitude words and the letter abbreviations sell-side notes use (lower-cased).
EN_MAGNITUDES: dict[str, float] = {
    "thousand": 1e3, "k": 1e3,
    "million": 1e6, "mn": 1e6, "mln": 1e6, "m": 1e6, "mm": 1e6,
    "billion": 1e9, "bn": 1e9, "b": 1e9,
    "trillion": 1e12, "tn": 1e12, "trn": 1e12,
    # Indian numbering: a lakh is 1e5, a crore 1e7 (Rs 500 crore); cr only in that sense.
    "lakh": 1e5, "lakhs": 1e5, "crore": 1e7, "crores": 1e7, "cr": 1e7,
}

# Plain digits, or digits grouped by commas in threes; one optional decimal part.
_PLAIN = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_GROUPED = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?")
_ARABIC_WITH_MAGNITUDE = re.compile(
    rf"(?P<num>[0-9][0-9,.]*)\s?(?P<mag>[{ZH_NUMERAL_CHARS}]+|[A-Za-z]+)?"
)


# Cached: reports repeat the same numerals (years, 10, 2.5) over and over, and quantities reads one
# for nearly every number that has a unit.
@functools.lru_cache(maxsize=16384)
def parse_arabic(core: str) -> float | None:
    """Read Arabic digits (already folded to ASCII); None when malformed or ambiguous.

    `1,234.56` and `1234` are read; `1.2.3` (two decimal points) and `1,23`
    (a comma that is not a thousands separator, maybe a decimal comma or a
    list) are refused rather than guessed.
    """
    if _PLAIN.fullmatch(core) or _GROUPED.fullmatch(core):
        return float(core.replace(",", ""))
    return None


# Cached: quantities asks for the same few magnitude words (万, 亿, 万亿, billion) after every number.
@functools.lru_cache(maxsize=1024)
def magnitude_value(word: str) -> float | None:
    """Value of a magnitude word written after Arabic digits (万亿, 千万, 亿, million, bn, k)."""
    low = word.lower()
    if low in EN_MAGNITUDES:
        return EN_MAGNITUDES[low]
    if word and _ZH_UNIT_CHARS.issuperset(word):
        return parse_chinese(word)
    return None


def _parse_chinese_integer(s: str) -> float | None:
    if not s:
        return None
    if all(ch in ZH_DIGITS for ch in s):
        # A digit sequence such as 二〇二四 (years, codes); a lone digit is just itself.
        return float("".join(str(ZH_DIGITS[ch]) for ch in s))
    result = 0.0
    section = 0.0
    digit: float | None = None
    last_big = 0.0
    previous_was_digit = False
    for ch in s:
        if ch in ZH_DIGITS:
            if previous_was_digit and ZH_DIGITS[ch] != 0 and digit not in (None, 0):
                # 三四十: two digits in a row inside a unit numeral is an approximation, not a number.
                return None
            digit = ZH_DIGITS[ch]
            previous_was_digit = True
            continue
        previous_was_digit = False
        if ch in ZH_SMALL_UNITS:
            section += (digit if digit is not None else 1) * ZH_SMALL_UNITS[ch]
            digit = None
        elif ch in ZH_BIG_UNITS:
            big = ZH_BIG_UNITS[ch]
            section += digit or 0
            digit = None
            if section == 0 and result > 0 and big > last_big:
                # 万亿: the second section word scales the whole number so far.
                result *= big
            elif big > last_big and result > 0:
                result = (result + section) * big
            else:
                result += (section or 1) * big
            section = 0.0
            last_big = max(last_big, big)
        else:
            return None
    return result + section + (digit or 0)


# Cached: running text repeats a handful of Chinese numerals (三, 两, 十, 百万) over and over.
@functools.lru_cache(maxsize=4096)
def parse_chinese(s: str) -> float | None:
    """Read a Chinese numeral (一千二百三十四, 两万, 壹贰叁, 三十五点五, 千亿); None if not one."""
    if not s:
        return None
    whole, dot, frac = s.partition("点")
    value = _parse_chinese_integer(whole)
    if value is None:
        return None
    if dot:
        if not frac or not all(ch in ZH_DIGITS for ch in frac):
            return None
        value += float("0." + "".join(str(ZH_DIGITS[ch]) for ch in frac))
    return value


def parse_number(s: str) -> float | None:
    """Read one numeral string into a float, or None when it is not a number we can trust.

    Accepts `1,234.56`, `1，234`, `１２`, `一千二百三十四`, `两`, `〇`, `壹贰叁`,
    `1.8万亿`, `3.5 billion`, `200k`, `-1.2`, `负3`, `(1.2)`. Ratios and
    percentages written with a unit (`三成`, `40%`) are units, not numerals:
    `quantities` reads them.
    """
    # fold only rewrites non-ASCII characters.
    t = (s if s.isascii() else fold(s)).strip().replace("，", ",")
    if not t:
        return None
    sign = 1.0
    if t.startswith("(") and t.endswith(")"):
        sign, t = -1.0, t[1:-1].strip()
    if t[:1] in "-+":
        sign, t = (-sign if t[0] == "-" else sign), t[1:].lstrip()
    elif t.startswith("负"):
        sign, t = -sign, t[1:].lstrip()
    if not t:
        return None
    if t[0].isascii() and t[0].isdigit():
        m = _ARABIC_WITH_MAGNITUDE.fullmatch(t)
        if not m:
            return None
        value = parse_arabic(m["num"])
        if value is None:
            return None
        if m["mag"]:
            mag = magnitude_value(m["mag"])
            if mag is None:
                return None
            value *= mag
        return sign * value
    value = parse_chinese(t)
    return None if value is None else sign * value
