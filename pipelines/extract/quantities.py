"""Quantity mentions in report text: a number, its magnitude words and unit, normalized.

`find_quantities(text)` scans the folded text once with one candidate regex
(Arabic numerals, Chinese numerals, 百分之/分之 forms, 翻番) and reads a small
window around each candidate: the unit, classifier or counted noun after it
(dict lookups against `vocab/*.csv`), the comparator words before and after it,
a currency sign or code before it, and the context that marks a number as a
name, date, label or piece of arithmetic instead of a quantity.

What comes back:
- `QuantityMention`: value in the contract's canonical unit, folding magnitude
  words in (`247372 万元` = 2.47372e9 CNY, `45EFLOPS` = 4.5e19 FLOPS). The span
  covers the currency sign, sign, number(s), magnitude words and unit as
  written; comparator words (`约`, `超过`, `以上`) are read into `comparator`
  but stay outside it.
- `UnparsedMention`: a number with a unit that cannot be normalized with
  confidence (malformed digits, an ambiguous separator, an implausible
  magnitude, a rate unit like `tokens/s`, conflicting currencies). Never a guess.

A bare number with no unit is not a quantity here, and neither are years,
months and days: 年/月/日 are not units, so `2024 年`, `1-5 年内` and
`2024 3 14 日` yield nothing.

Documented readings (choices where reports are ambiguous):
- Vague amounts keep the stated floor: `数百万` = 1e6 with `>`, `几十亿` = 1e9
  with `>`, `上千` = 1000 with `>=`; `3000多`, `十余家` = `>`; `十来个` = `~`.
- `翻番`/`翻一番`/`翻倍` = 100 percent growth and `翻两番` = 300 percent growth
  (the amount quadruples), so every doubling form is a growth rate in percent.
- `三成` = 30 percent; `千分之五` = 0.5 percent; `四分之一` and `1/4` = 0.25 ratio.
- `bp`/`基点` = 0.01 pp.
- A range's magnitude distributes over a bare low end: `2-3亿元` = 2e8..3e8,
  `两到三万` = 2e4..3e4; `三四十家` = 30..40.
- `近` is `~` everywhere (also in `近 10 倍`), one rule rather than a guess per phrase.
- Money followed by `/X` or `每X` (`3000 元/吨`) stays money with the divisor in
  `unit_surface`; any other rate (`100 tokens/s`) is unparsed.
- A Chinese numeral 一 before a classifier (`一个`, `一家`) is the indefinite
  article in running text and is skipped; `1 家` with Arabic digits is kept.
- Currency signs and codes before a number are `prefix` rows of `vocab/units.csv`
  (US$, NT$ = TWD, HK$, S$, A$, C$, €, £, ₹/Rs = INR, JPY, RMB, 人民币); `$` alone is USD and
  `¥` alone CNY. Indian `lakh`/`crore` are magnitude words (1e5, 1e7).
- `between X and Y` is a range when Y is written like X (same currency; compatible unit).
- An English lower-case plural after a number is a count (`100 million gamers`,
  `5 new drugs`: one modifier word allowed) only after an English scale word or a plain
  integer >= 2 that is not a year; `counted_nouns.csv` lists the plural-looking words that
  count nothing (3 years, Chapter 3 covers) and the words that cannot be a modifier.
- A slash list with one unit (`25/20/16倍`, `EPS 1.2/1.5/1.8元`, `+5/-3/+2pct`) gives one
  mention per value, each in that unit (the last one's magnitude word applies to all), the
  sign written before each value kept; two values form a list only when they cannot be a
  fraction (a decimal, or a first value not smaller than the second).
- Signs are read as written (`同比+1.3%` = 1.3, `-1.2pct` = -1.2); decline words (`下滑超50%`,
  `跌幅3.64%`) do not negate the value here: only the comparator (`超` = `>`) is read.
"""

from __future__ import annotations

import csv
import functools
import re
import string
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, NamedTuple, cast

from pipelines.extract.mentions import QuantityMention, UnparsedMention, builder
from pipelines.extract.numbers import (
    ZH_BIG_UNITS,
    ZH_DIGITS,
    ZH_NUMERAL_CHARS,
    ZH_SMALL_UNITS,
    magnitude_value,
    parse_arabic,
    parse_chinese,
)
from pipelines.extract.textnorm import fold
from pipelines.extract.trie import word_tree
from pipelines.paths import VOCAB_DIR

_ZD = "".join(ZH_DIGITS)
_ZN = ZH_NUMERAL_CHARS
_ZH_MAGNITUDE_CHARS = frozenset("".join(ZH_SMALL_UNITS) + "".join(ZH_BIG_UNITS))

_CANDIDATE = re.compile(
    # The lookahead names every character a candidate can start with (翻; 百千万 are numeral
    # characters; 数几上; digits): one class test rejects most positions before trying each branch.
    rf"(?=[翻数几上{_ZN}0-9])(?:"
    r"(?P<fan>翻了?[一两二三四]?番|翻倍)"
    rf"|(?P<pfx>百分之|千分之|万分之)\s?(?P<pnum>[0-9]+(?:\.[0-9]+)?|[{_ZN}]+(?:点[{_ZD}]+)?)"
    rf"|(?P<fden>[{_ZN}]+)分之(?P<fnum>[{_ZN}]+)"
    r"|(?P<vague>[数几上])(?P<vz>[十百千万亿]+)"
    rf"|(?P<zh>[{_ZN}]+(?:点[{_ZD}]+)?)"
    r"|(?P<ar>[0-9]+(?:,[0-9]+)*(?:\.[0-9]+)*))"
)
# The characters a candidate can start with, and at a digit the whole Arabic numeral: the ar
# branch (at a digit no other branch can match). The regex engine skips ahead to a character of a
# leading class in C, while _CANDIDATE's lookahead is tried at every position of the text: finding
# the next such character first, then matching _CANDIDATE there unless it is a digit, is the same
# search, much cheaper over long runs of text. `_lexicon().scan` is this pattern completed by
# _scan_pattern.
# 数几上 start a candidate only before a magnitude word (数百万, 上千) and 翻 only in 翻番/翻倍, the
# only forms _CANDIDATE reads there: the lookbehinds pass over 数据, 以上, 翻译 in C.
# At a digit, the groups tell find_quantities and _glued_mention what they would otherwise test in
# Python: `cur` a character before the number (one space allowed) that may end a currency sign or
# code, `ar` that the candidate is a numeral, `comma` a comma in it (a thousands separator or a list
# comma), `tail` the unit glued to it. (The class comes first, and the lookbehinds after it, so that
# the regex engine skips ahead in C. Each lookbehind costs every numeral some time: the tests that
# only the glued numerals need stay in Python.)
_CANDIDATE_START_PATTERN = (
    rf"[翻数几上{_ZN}0-9](?:(?<=[0-9]){{numeral_start}}"
    r"(?P<cur>(?<=[{cur}][0-9])|(?<=[{cur}][ \t][0-9]))?"
    r"(?P<ar>)(?>[0-9]*(?P<comma>,[0-9]+)?(?:,[0-9]+)*(?:\.[0-9]+)*){after}"
    rf"|(?<=[{_ZN}]){{zh}}"
    r"|(?<=[翻数几上])(?<![数几上](?![十百千万亿]))(?<!翻(?!了?[一两二三四]?番|倍)))")
_AMOUNT_AT = re.compile(rf"(?P<ar>[0-9]+(?:,[0-9]+)*(?:\.[0-9]+)*)|(?P<zh>[{_ZN}]+(?:点[{_ZD}]+)?)")
# Between a number and its unit: approximate markers and one Chinese magnitude word.
_MAGNITUDE_WORDS = "万亿|千亿|百亿|十亿|千万|百万|十万|万|亿|千|百|兆|萬|億"
_TAIL_ZH = re.compile(
    r"[ \t]{0,2}(?P<mod1>多|余|几|来|\+)?[ \t]?"
    rf"(?P<mag>{_MAGNITUDE_WORDS})?(?P<mod2>多|余)?"
)
_TAIL_EN = re.compile(
    r"[ \t]?(?P<emag>thousand|million|billion|trillion|crores?|lakhs?|bn|mn|mln|tn|trn|mm|cr|k|m|b)(?![a-z])")
# The characters either can start with (spaces, markers, magnitude words).
_TAIL_ZH_FIRST = frozenset(" \t多余几来+万亿千百十兆萬億")
_TAIL_EN_FIRST = frozenset(" \ttmbclk")
_CONNECTOR = re.compile(r"[ \t]{0,2}(?:-|~|至|到)[ \t]{0,2}")
_ARITHMETIC_AFTER = re.compile(r"[ \t]?(?:[-+*/×÷][ \t]?[0-9][0-9.,]*[ \t]?)+=")
# The characters either can start with: most numbers are followed by neither, so test one
# character before running the regex.
_RATE_FIRST = frozenset("/每")
_CONNECTOR_FIRST = frozenset(" \t-~至到")
_ARITHMETIC_FIRST = frozenset(" \t-+*/×÷")
_OPERATORS = frozenset("+*×÷")
_FRACTION_AFTER = re.compile(r"/([0-9]+)(?![0-9./])")
_ZH_PAIR = re.compile(r"([一二两三四五六七八九])([二三四五六七八九])([十百千万亿]*)")
_ZH_LEADING_DIGIT = re.compile(r"([一二两三四五六七八九])([十百千万亿]+)")
_FAN_VALUES = {"": 100.0, "一": 100.0, "两": 300.0, "二": 300.0, "三": 700.0, "四": 1500.0}
_PERCENT_PREFIX = {"百分之": 1.0, "千分之": 0.1, "万分之": 0.01}
_MOD_COMPARATOR = {"多": ">", "余": ">", "几": ">", "来": "~", "+": ">="}
# A lower-case English plural after a number (100 million gamers, 5 new drugs), with at most one
# modifier word between; which words qualify is decided against vocab/counted_nouns.csv.
_EN_PLURAL = re.compile(r"[ \t](?:(?P<adj>[a-z]+(?:-[a-z]+)?)[ \t])?(?P<noun>[a-z]{2,}s)(?![A-Za-z0-9'’-])")
_NOT_PLURAL_ENDINGS = ("ss", "us", "is", "ous")
# 25/20/16倍, EPS 1.2/1.5/1.8元: one unit written once after a slash list of values.
_SLASH_ITEMS = re.compile(r"(?:/[ \t]?[+-]?[0-9]+(?:\.[0-9]+)?(?![0-9,.]))+")
_SLASH_ITEM = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")
_AND = re.compile(r"[ \t]+and[ \t]+")
_BETWEEN_LAST = frozenset("n \t")
# Characters right before a Chinese numeral that make it part of a word (统一, 唯一, 之一, 每一).
_ZH_LEFT_STOP = frozenset("第统唯同之专单划均逐周初其任每某礼另万")
_BULLETS = " \t•·●○◆◇■□▪Øøžl*-–"
_YEAR_LIKE = re.compile(r"(?:19|20)[0-9]{2}")
_COMPUTE_CONTEXT = ("算力", "compute", "flops", "智算", "超算")
_HEADER_OPEN = "(（:：/"
# Verbs of change: "减少 5 万人至 35 万人" goes from one value to another.
_CHANGE_VERBS = ("增", "减", "降", "升", "涨", "跌", "提高", "扩大", "缩小", "下滑", "回落", "攀")


class _Lexeme(NamedTuple):
    """One surface that can follow a number: a unit, a classifier or a counted noun."""

    surface: str
    kind: str            # 'unit', 'classifier', 'noun'
    unit: str            # canonical unit ('count' for classifiers and nouns)
    multiplier: float
    family: str
    counted: str | None
    exact: bool          # ASCII letters must match case exactly
    blockers: tuple[str, ...]
    condition: str       # '', 'magnitude', 'compute', 'attached'


class _Lexicon(NamedTuple):
    by_first: dict[str, tuple[int, ...]]          # first (lower-cased) char -> candidate lengths, longest first
    table: dict[str, tuple[tuple[_Lexeme, bool, tuple[str, ...]], ...]]  # lower-cased surface -> (lexeme, exact, blockers)
    comparators_before: dict[str, str]
    comparators_before_by_last: dict[str, tuple[str, ...]]   # last character -> those words, in order
    comparators_after: dict[str, tuple[str, tuple[str, ...]]]   # surface -> (comparator, blockers)
    comparators_after_by_first: dict[str, tuple[str, ...]]   # first character -> those words, longest first
    context: dict[str, bool]                      # lower-cased surface -> must stand alone
    context_by_last: dict[str, tuple[tuple[str, bool], ...]]  # last character -> context items, in order
    stopwords: tuple[str, ...]
    max_value: dict[str, float]
    follow_chars: frozenset[str]                  # every character that can start what follows a unit-bearing number
    currencies: dict[str, str]                    # sign or code written before a number -> ISO code
    currency_tuple: tuple[str, ...]               # the same, longest first
    currency_last_chars: frozenset[str]
    currency_by_last: dict[str, tuple[str, ...]]  # last character -> signs and codes, longest first
    not_counted: frozenset[str]                   # plural-looking words after a number that count nothing
    not_modifier: frozenset[str]                  # words that cannot sit between a number and its noun
    # The characters right before a number (or its sign), or right after a mention, that let each
    # lookup there find anything: the hot paths test one character before calling it.
    context_before_chars: frozenset[str]          # _blocked_by_context
    comparator_before_chars: frozenset[str]       # _prefix_comparator
    comparator_after_chars: frozenset[str]        # _suffix_comparator (the character right after)
    currency_before_chars: frozenset[str]         # _currency_before
    # _CANDIDATE_START_PATTERN completed (see _scan_pattern): the unit glued to an Arabic numeral
    # (12.5%, 3亿元, 40家) is matched in C by the scan itself (see _glued_mention), and the scan
    # passes over numerals that find_quantities would leave at once. `scan_every` finds every
    # numeral, for a search that starts inside one. Then the characters before a glued numeral
    # that send it to _glued_start.
    scan: re.Pattern[str]
    scan_every: re.Pattern[str]
    # A glued unit surface whose lexeme does not depend on the text around it (no case to match, and
    # no other lexeme for the surface if it has blockers) -> what _glued_mention reads of it (see
    # _glued_info).
    glued_units: dict[str, tuple]
    glued_before_stop: frozenset[str]
    spaced_before_chars: frozenset[str]           # the same, before spaces ahead of the number


def _rows(name: str) -> list[dict[str, str]]:
    with (VOCAB_DIR / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(line for line in fh if not line.startswith("#")))


def _split(cell: str | None) -> tuple[str, ...]:
    return tuple(p for p in (cell or "").split("|") if p)


def _by_last_char(items: tuple) -> dict[str, tuple]:
    """Words (or (word, data) items) grouped by their last character, each group in the given order.

    A word can only end right before a position if its last character is the one there, so the
    lookups that scan a word list backwards from a number try only that group.
    """
    groups: dict[str, list] = {}
    for item in items:
        word = item if isinstance(item, str) else item[0]
        groups.setdefault(word[-1], []).append(item)
    return {k: tuple(v) for k, v in groups.items()}


@functools.cache
def _lexicon() -> _Lexicon:
    lexemes: list[_Lexeme] = []
    currencies: dict[str, str] = {}
    for r in _rows("units.csv"):
        if r["condition"] == "prefix":
            currencies[r["surface"]] = r["unit"]
            continue
        lexemes.append(_Lexeme(r["surface"], "unit", r["unit"], float(r["multiplier"]), r["family"], None,
                               r["case"] == "exact", _split(r["not_followed_by"]), r["condition"] or ""))
    for r in _rows("classifiers.csv"):
        lexemes.append(_Lexeme(r["surface"], "classifier", "count", 1.0, "count", r["surface"], True,
                               _split(r["not_followed_by"]), ""))
    noun_rows = _rows("counted_nouns.csv")
    for r in noun_rows:
        if r["kind"] != "noun":
            continue
        lexemes.append(_Lexeme(r["surface"], "noun", "count", 1.0, "count", r["counted"], r["case"] == "exact",
                               (), ""))
    lists: dict[str, list[_Lexeme]] = {}
    for lx in lexemes:
        lists.setdefault(_lower(lx.surface), []).append(lx)
    # The fields _lookup tests sit beside each lexeme: unpacking is cheaper than attribute reads.
    table = {k: tuple((lx, lx.exact, lx.blockers) for lx in v) for k, v in lists.items()}
    by_first: dict[str, set[int]] = {}
    for key in table:
        by_first.setdefault(key[0], set()).add(len(key))
    before: dict[str, str] = {}
    after: dict[str, tuple[str, tuple[str, ...]]] = {}
    for r in _rows("comparators.csv"):
        if r["position"] == "before":
            before[_lower(r["surface"])] = r["comparator"]
        else:
            after[_lower(r["surface"])] = (r["comparator"], _split(r["not_followed_by"]))
    context = {_lower(r["surface"]): r["standalone"] == "yes" for r in _rows("number_context.csv")}
    context_last = frozenset(w[-1] for w in context)
    context_before_chars = _SPACES | _ASCII_LETTERS | frozenset("#_@&-./:") | context_last
    comparator_before_chars = _SPACES | frozenset(w[-1] for w in before)
    currency_before_chars = _SPACES | frozenset(c[-1] for c in currencies)
    follow_chars = (frozenset(by_first) | frozenset("多余几来+万亿千百十兆萬億-~至到/)=*×÷")
                    | frozenset(string.ascii_lowercase))
    # A label, code or name (_blocked_by_context), an operand (_OPERATORS), a sign, a currency
    # sign or code, or the n of `between`: each makes _number_mention read more than the number.
    glued_before_stop = (context_before_chars | _OPERATORS | frozenset("+-负") | currency_before_chars
                         | _BETWEEN_LAST)
    # Before spaces ahead of the number: the last character of a label (图 3, TOP 3: either case),
    # of a currency sign or code (USD 3), or of `between`.
    spaced_before_chars = frozenset("".join(context_last) + "".join(context_last).upper()
                                    + "".join(c[-1] for c in currencies) + "nN")
    max_value = {r["unit"]: float(r["max_value"]) for r in _rows("canonical_units.csv")}
    scan_sets: dict[str, Any] = dict(keys=table, follow_chars=follow_chars,
                                     currency_last_chars=frozenset(c[-1] for c in currencies))
    return _Lexicon(
        by_first={k: tuple(sorted(v, reverse=True)) for k, v in by_first.items()},
        table=table,
        comparators_before=before,
        # Longest first: the first word that fits is the longest one (two fitting words of one
        # length are the same word).
        comparators_before_by_last=_by_last_char(tuple(sorted(before, key=len, reverse=True))),
        comparators_after=after,
        comparators_after_by_first={c: tuple(sorted((w for w in after if w[0] == c), key=len, reverse=True))
                                    for c in {w[0] for w in after}},
        context=context,
        context_by_last=_by_last_char(tuple(context.items())),
        stopwords=tuple(r["word"] for r in _rows("numeral_words.csv")),
        max_value=max_value,
        follow_chars=follow_chars,
        currencies=currencies,
        currency_tuple=tuple(sorted(currencies, key=len, reverse=True)),
        currency_last_chars=frozenset(c[-1] for c in currencies),
        currency_by_last=_by_last_char(tuple(sorted(currencies, key=len, reverse=True))),
        not_counted=frozenset(r["surface"] for r in noun_rows if r["kind"] == "not_counted"),
        not_modifier=frozenset(r["surface"] for r in noun_rows if r["kind"] == "not_modifier"),
        context_before_chars=context_before_chars,
        comparator_before_chars=comparator_before_chars,
        comparator_after_chars=_SPACES | frozenset(w[0] for w in after),
        currency_before_chars=currency_before_chars,
        # With no ASCII letter in the surface, `exact` holds wherever the scan matched it; blockers are
        # left to _glued_mention when no other lexeme shares the surface.
        glued_units={key: _glued_info(entries[0][0], max_value) for key, entries in table.items()
                     if (len(entries) == 1 or not entries[0][2])
                     and (not entries[0][1] or (entries[0][0].surface == key and _ASCII_LETTERS.isdisjoint(key)))},
        scan=_scan_pattern(**scan_sets, every=False),
        scan_every=_scan_pattern(**scan_sets, every=True),
        glued_before_stop=glued_before_stop,
        spaced_before_chars=spaced_before_chars,
    )


def _char_class(chars: Iterable[str]) -> str:
    """The inside of a regex character class matching these characters, and on `lowered` the
    lower-cased form of each (a superset: every test built on it only sends more to Python)."""
    chars = set(chars)
    chars |= {_lower(c) for c in chars}
    return "".join(re.escape(c) for c in sorted(chars))


def _scan_pattern(keys: Iterable[str], follow_chars: frozenset[str], currency_last_chars: frozenset[str],
                  every: bool) -> re.Pattern[str]:
    """_CANDIDATE_START_PATTERN completed, to search `lowered` with.

    After a numeral: the glued unit (_glued_tail_pattern), or else, unless `every`, a character
    (past at most two spaces) that can start what find_quantities reads after a numeral, or a
    currency sign or code before it: the same test find_quantities makes before leaving a numeral
    at once, so that the scan passes over such numerals (years, list numbers, codes) in C. A numeral
    the scan passes over must not be found again from one of its later digits: unless `every`, a
    numeral starts only where no digit, nor a digit and a point, stands before it (a Chinese
    numeral: no numeral character, nor one and 点), and the scan keeps every numeral with a comma
    (1,234: a digit after a comma may start a numeral, as in 1.5,3); a search that starts inside a
    numeral (after a mention or candidate that ends there) uses `every`.
    """
    tail = _glued_tail_pattern(keys)
    follow = _char_class(follow_chars)
    if every:
        numeral_start, after, zh = "", f"(?:{tail})?", ""
    else:
        numeral_start = r"(?<![0-9][0-9])(?<![0-9]\.[0-9])"
        after = rf"(?:{tail}|(?(cur)|(?(comma)|(?=[ \t]{{0,2}}+[{follow}]))))"
        # The same for a Chinese numeral, as _CANDIDATE's zh branch reads it (unless 百分之, 三分之一: 分
        # follows, or a numeral character or 点: 三点五万, 三点五点六, after which find_quantities
        # would search).
        zh = (rf"(?<![{_ZN}][{_ZN}])(?<![{_ZN}]点[{_ZD}])(?>[{_ZN}]*(?:点[{_ZD}]+)?)"
              rf"(?=[ \t]{{0,2}}+[{follow}]|[{_ZN}]|点)")
    pattern = _CANDIDATE_START_PATTERN.format(
        numeral_start=numeral_start, cur=_char_class(currency_last_chars), after=after, zh=zh)
    scan = re.compile(pattern)
    # find_quantities unpacks the groups in this order.
    assert tuple(scan.groupindex) == ("cur", "ar", "comma", "tail", "unit", "mag", "munit")
    return scan


def _glued_tail_pattern(keys: Iterable[str]) -> str:
    """What _read_amount finds glued to an Arabic numeral in the usual case, as a regex on `lowered`.

    Either a unit surface right after the number (the longest, as _lookup takes it), or one Chinese
    magnitude word (the first alternative of _TAIL_ZH that fits: atomic, no backtracking to a
    shorter one) followed by a unit surface with no 多/余 between. The surfaces form a trie, each
    node trying its longer continuations before ending there, so the first match is the longest
    surface; a surface ending in an ASCII letter must end the word, as in _lookup. Case and
    blockers are left to _glued_mention.

    The tail is atomic, and it fails (so that _number_mention reads the numeral) where
    _number_mention would read more than the number and its unit: an operator, slash, bracket or q
    first (arithmetic, a fraction or slash list, an accounting bracket, 2024Q3: `-fold` is the only
    unit starting so); a range connector after the unit (past at most two spaces); a rate right
    after it (`/` before what _rate_extension can read: a unit, a CJK character, a letter; 每).
    And a unit ending in a digit (m2) must not end inside a numeral (see _scan_pattern).
    """
    root = word_tree(keys)

    def branch(node: dict) -> str:
        alts = [re.escape(ch) + branch(child) for ch, child in node.items() if ch != ""]
        if "" in node:
            alts.append("(?![a-z])" if node[""][-1] in _ASCII_LETTERS else "")
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    # The class of first characters rejects most text in one test, where the trie tries a branch
    # per first character.
    trie = "(?=[" + re.escape("".join(sorted({key[0] for key in root}))) + "])" + branch(root)
    rate = "(?:[\u4e00-\u9fffa-z]|" + trie + ")"
    return (rf"(?P<tail>(?>[ \t]{{0,2}}+(?![-+*/×÷)q])(?:(?P<unit>{trie})"
            rf"|(?>(?P<mag>{_MAGNITUDE_WORDS}))(?![多余])(?P<munit>{trie})))"
            rf"(?![ \t]{{0,2}}+[-~至到])(?!/{rate}|每)(?!(?<=[0-9])[,.]?[0-9]))")


# Floats whose repr is exactly a power of ten (1e8 is '100000000.0', 0.01 is '0.01') -> the
# exponent written as a suffix for float() ('e8', 'e-2').
_POWERS_OF_TEN = {float(f"1e{k}"): f"e{k}" for k in range(-12, 23)}


def _scale(value: float, factor: float) -> float:
    """_mul(value, factor), quickly when factor is a power of ten (a magnitude word: 1.1 亿).

    Multiplying by a power of ten only moves the decimal point, so the decimal product of a
    plain repr (at most 17 digits, no exponent) is exact, and float() of it is the correctly
    rounded float of that exact value: the same as the decimal product's, from one string.
    """
    suffix = _POWERS_OF_TEN.get(factor)
    if suffix is not None:
        r = repr(value)
        if "e" not in r and "n" not in r:    # not 1e-05, inf or nan
            return float(r + suffix)
    return _decimal_product([f for f in (value, factor) if f != 1.0])


def _mul(*factors: float) -> float:
    """Product in decimal arithmetic: 1.1 * 1e8 must be 110000000, not 110000000.00000001."""
    # Most products have factors of 1 (no magnitude word, a unit multiplier of 1). A factor of 1
    # changes nothing, even after a rounded step, and one factor alone round-trips through
    # Decimal(repr(f)) unchanged: only a second real factor needs the (slow) decimal product.
    # With exactly two, a sign is a negation (exact in binary too) and a power of ten goes
    # through _scale.
    rest = [f for f in factors if f != 1.0]
    if len(rest) == 2:
        a, b = rest
        if b == -1.0 or a == -1.0:
            return a * b
        if b in _POWERS_OF_TEN:
            return _scale(a, b)
        if a in _POWERS_OF_TEN:
            return _scale(b, a)
    return _decimal_product(rest)


def _decimal_product(factors: list[float]) -> float:
    """The product of factors (none of them 1) in decimal arithmetic, as a float."""
    if not factors:
        return 1.0
    product = Decimal(repr(factors[0]))
    for f in factors[1:]:
        product *= Decimal(repr(f))
    return float(product)


def _lower(s: str) -> str:
    """Lower-case ASCII letters only: str.lower() can change lengths (İ) and would shift offsets."""
    if s.isascii():
        return s.lower()
    # bytes.lower() touches only ASCII letters, and UTF-8 writes every other character with bytes
    # >= 0x80: a round trip through UTF-8 is exact and much faster than a per-character translate
    # table (surrogatepass keeps any lone surrogate as it was).
    return s.encode("utf-8", "surrogatepass").lower().decode("utf-8", "surrogatepass")


_ASCII_LETTERS = frozenset(string.ascii_letters)
_SPACES = frozenset(" \t")    # a set: the empty slice past the end is not in it


def _is_ascii_letter(ch: str) -> bool:
    return ch in _ASCII_LETTERS


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


class _Unit(NamedTuple):
    lexeme: _Lexeme
    start: int
    end: int
    counted: str | None


def _lookup(lex: _Lexicon, folded: str, lowered: str, pos: int) -> tuple[_Lexeme, int] | None:
    """Longest unit/classifier/noun surface starting at pos, honouring case and blockers."""
    first = lowered[pos:pos + 1]
    lengths = lex.by_first.get(first)
    if not lengths:
        return None
    limit = len(lowered) - pos
    table = lex.table
    for n in lengths:
        if n > limit:
            continue
        entries = table.get(lowered[pos:pos + n] if n > 1 else first)
        if not entries:
            continue
        end = pos + n
        # A surface ending in a letter must end the word (5 mins is not 5 min + s); every
        # surface under this key ends in the key's last character.
        if lowered[end - 1] in _ASCII_LETTERS and lowered[end:end + 1] in _ASCII_LETTERS:
            continue
        for lx, exact, blockers in entries:
            if exact and folded[pos:end] != lx.surface:
                continue
            if blockers and folded.startswith(blockers, end):
                continue
            return lx, end
    return None


# The hot callers test the one character first and call these only when it is a space or tab:
# most numbers, units and words are written without one, and the call is the expensive part.
def _skip_spaces(s: str, pos: int, limit: int = 2) -> int:
    if s[pos:pos + 1] not in _SPACES:
        return pos    # the usual case: nothing to skip
    end = pos + limit
    if end > len(s):
        end = len(s)
    pos += 1
    while pos < end and s[pos] in _SPACES:
        pos += 1
    return pos


def _skip_spaces_back(s: str, pos: int, limit: int = 2) -> int:
    if pos <= 0 or s[pos - 1] not in _SPACES:
        return pos
    stop = pos - limit if pos > limit else 0
    pos -= 1
    while pos > stop and s[pos - 1] in _SPACES:
        pos -= 1
    return pos


def _read_unit(lex: _Lexicon, folded: str, lowered: str, pos: int) -> _Unit | None:
    """The unit after a number (spaces allowed); a classifier may be followed by a noun or text unit."""
    q = _skip_spaces(folded, pos) if folded[pos:pos + 1] in _SPACES else pos
    hit = _lookup(lex, folded, lowered, q)
    if hit is None:
        return None
    lx, end = hit
    counted = lx.counted
    if lx.kind == "classifier":
        q2 = _skip_spaces(folded, end, 1) if folded[end:end + 1] in _SPACES else end
        nxt = _lookup(lex, folded, lowered, q2)
        if nxt is not None:
            nlx, nend = nxt
            if nlx.kind == "noun":
                counted, end = nlx.counted, nend
            elif nlx.kind == "unit" and nlx.family in ("token", "character"):
                # 13 万亿个 token, 1.5-2 个汉字: the classifier only counts the text unit.
                lx, counted, end = nlx, None, nend
    return _new_unit((lx, q, end, counted))


class _Amount(NamedTuple):
    """One number with whatever magnitude words, markers and unit were written after it."""

    start: int
    core_end: int
    value: float | None        # before the unit multiplier; None if the digits are unreadable
    problem: str | None
    has_magnitude: bool
    magnitude: float           # the magnitude word written after the numeral (1 if none)
    magnitude_is_zhao: bool
    mod: str | None            # 多 余 几 来 +
    end: int                   # end of the unit, or of the magnitude word when no unit follows
    unit: _Unit | None
    mag_start: int             # where the written unit (incl. magnitude word) begins


_new_unit = builder(_Unit)
_new_amount = builder(_Amount)
_new_mention = builder(QuantityMention)

def _read_amount(lex: _Lexicon, folded: str, lowered: str, text: str, kind: str, s: int, e: int,
                 tail_from: int) -> _Amount:
    """The numeral at [s, e) with the magnitude words, markers and unit written after it (from tail_from)."""
    m: Any      # the _TAIL_ZH match or None; read only once mag_word or mod, which come from it, is set
    # One function rather than three (value, tail, unit): it runs for nearly every number that
    # has a unit, and each call costs a frame.
    # The bare numeral; a list comma is not a thousands separator and may shorten it.
    core = folded[s:e]
    problem: str | None = None
    if kind == "ar":
        if "," in core and "，" in text[s:e] and text[s].isascii():
            # ASCII digits around a full-width comma: a Chinese list (100，200 家), not 100,200.
            e = tail_from = s + core.index(",")
            core = folded[s:e]
        value = parse_arabic(core)
        if value is None:
            problem = "malformed number" if core.count(".") > 1 else "ambiguous thousands separator"
    else:
        value = parse_chinese(core)
        if value is None:
            problem = "unreadable Chinese numeral"

    # What follows: a unit right away (the usual case), else magnitude words and markers, then a unit.
    has_mag = zhao = False
    magnitude = 1.0
    mod: str | None = None
    unit = _read_unit(lex, folded, lowered, tail_from)
    if unit is not None:
        end, mag_start = unit.end, unit.start
    else:
        end = mag_start = tail_from
        mag_word: str | None = None
        # Neither tail regex can match anything unless the next character can start it.
        m = _TAIL_ZH.match(folded, tail_from) if folded[tail_from:tail_from + 1] in _TAIL_ZH_FIRST else None
        if m is not None:
            mag_word = m["mag"]
            mod = m["mod1"] or m["mod2"]
        if mag_word:
            magnitude = magnitude_value(mag_word) or 1.0
            end = m.end()
            mag_start = m.start("mag")
        elif kind == "ar" and lowered[tail_from:tail_from + 1] in _TAIL_EN_FIRST:
            em = _TAIL_EN.match(lowered, tail_from)
            if em:
                magnitude = magnitude_value(em["emag"]) or 1.0
                mag_word = em["emag"]
                end = em.end()
                mag_start = em.start("emag")
        if mod and not mag_word:
            end = m.end()
        if mag_word or mod:
            has_mag, zhao = bool(mag_word), mag_word == "兆"
            unit = _read_unit(lex, folded, lowered, end)
            if unit is not None:
                if not mag_word:
                    mag_start = unit.start
                end = unit.end

    if value is not None and magnitude != 1.0:
        value = _scale(value, magnitude)
    if kind == "zh":
        has_mag = has_mag or not _ZH_MAGNITUDE_CHARS.isdisjoint(core)
        zhao = zhao or "兆" in core
    return _new_amount((s, e, value, problem, has_mag, magnitude, zhao, mod, end, unit, mag_start))


def _prefix_comparator(lex: _Lexicon, lowered: str, pos: int) -> tuple[str | None, int]:
    """Comparator word ending right before pos (spaces allowed); returns (comparator, its start)."""
    j = pos
    if j > 0 and lowered[j - 1] in _SPACES:
        j = _skip_spaces_back(lowered, j)
    words = lex.comparators_before_by_last.get(lowered[j - 1]) if j > 0 else None
    if not words:
        return None, pos
    for w in words:    # longest first
        if lowered.endswith(w, 0, j):
            start = j - len(w)
            if w[0].isascii() and w[0].isalpha() and start > 0 and _is_ascii_letter(lowered[start - 1]):
                continue
            return lex.comparators_before[w], start
    return None, pos


def _suffix_comparator(lex: _Lexicon, lowered: str, pos: int) -> str | None:
    q = _skip_spaces(lowered, pos) if lowered[pos:pos + 1] in _SPACES else pos
    words = lex.comparators_after_by_first.get(lowered[q:q + 1])
    if not words:
        return None
    best = next((w for w in words if lowered.startswith(w, q)), None)    # longest first
    if best is None:
        return None
    comparator, blockers = lex.comparators_after[best]
    if blockers and lowered.startswith(blockers, q + len(best)):
        return None
    return comparator


def _blocked_by_context(lex: _Lexicon, folded: str, lowered: str, s: int) -> bool:
    """A label, rank, code or name right before the number (图 3, 第 5, Top 10, GB/T 2260, H100, GPT-4)."""
    if s == 0:
        return False
    prev = folded[s - 1]
    if prev in _ASCII_LETTERS or prev in "#_@&":
        return True
    if prev in "-./:" and s >= 2 and (folded[s - 2] in _ASCII_LETTERS or folded[s - 2].isdigit()):
        # GPT-4, v1.2, 2024/3, 10:30: part of a name, version, date or clock time.
        return True
    j = _skip_spaces_back(lowered, s) if prev in _SPACES else s
    items = lex.context_by_last.get(lowered[j - 1]) if j > 0 else None
    if not items:
        return False
    for w, standalone in items:
        if lowered.endswith(w, 0, j):
            start = j - len(w)
            before = folded[start - 1] if start > 0 else ""
            if w[0].isascii() and w[0].isalpha() and before and _is_ascii_letter(before):
                continue
            if standalone and before and _is_cjk(before):
                continue
            return True
    return False


def _at_line_start(folded: str, s: int) -> bool:
    line_start = folded.rfind("\n", 0, s) + 1
    return folded[line_start:s].strip(_BULLETS) == ""


def _near_compute(lowered: str, s: int, e: int) -> bool:
    window = lowered[max(0, s - 30):e + 30]
    return any(w in window for w in _COMPUTE_CONTEXT)


def _unit_allowed(amount: _Amount, folded: str, lowered: str) -> bool:
    unit = amount.unit
    if unit is None:
        return True
    cond = unit.lexeme.condition
    if not cond:
        return True
    if cond == "magnitude":
        return amount.has_magnitude
    if cond == "attached":
        return unit.start == amount.core_end
    if cond == "compute":
        core = folded[amount.start:amount.core_end]
        return (unit.start == amount.core_end and not _YEAR_LIKE.fullmatch(core)
                and _near_compute(lowered, amount.start, unit.end))
    return False


def _rate_extension(lex: _Lexicon, folded: str, lowered: str, pos: int) -> int:
    """End of a `/吨`, `/kWh`, `每股` divisor right after a unit, else pos."""
    if folded[pos:pos + 1] not in _RATE_FIRST:
        return pos
    q = pos + 1
    hit = _lookup(lex, folded, lowered, q)
    if hit is not None:
        return hit[1]
    if q < len(folded) and _is_cjk(folded[q]):
        return q + 1
    while q < len(folded) and q - pos <= 12 and _is_ascii_letter(folded[q]):
        q += 1
    return q if q > pos + 1 else pos


def find_quantities(text: str, *, folded: str | None = None
                    ) -> tuple[list[QuantityMention], list[UnparsedMention]]:
    """All quantity mentions in a document's text, plus the number-like ones that could not be read.

    `folded` is `fold(text)` when the caller has already computed it.
    """
    m: re.Match[str] | None
    kind: Any       # "ar", or m.lastgroup: every branch of _CANDIDATE is a named group, so never None
    # A mention, an unparsed mention, a list of mentions, an int (skip to there) or None: see below.
    result: Any
    lex = _lexicon()
    if folded is None:
        folded = fold(text)
    lowered = _lower(folded)
    found: list[QuantityMention] = []
    unparsed: list[UnparsedMention] = []
    consumed = 0
    pos = 0
    # The scan runs on `lowered`, where the glued unit is matched: the numerals themselves have no
    # ASCII letters, so it finds the same candidates as on `folded`.
    scan, scan_every, match = lex.scan.search, lex.scan_every.search, _CANDIDATE.match
    follow_chars, currency_last_chars = lex.follow_chars, lex.currency_last_chars
    search = scan
    while True:
        # _CANDIDATE.search(folded, pos), in steps (see _CANDIDATE_START_PATTERN), passing over the
        # numerals the tests below would leave at once.
        start = search(lowered, pos)
        if start is None:
            break
        search = scan
        s = start.start()
        _, ar, comma, tail, unit, mag, munit = start.groups()
        if ar is not None:
            m, kind = start, "ar"
            pos = m.end()
            if tail is not None:
                end = pos
                pos -= len(tail)    # the end of the numeral
                if s >= consumed and comma is None:
                    result = _glued_mention(lex, folded, lowered, text, s, pos, end, unit, mag, munit)
                    if result is not None:
                        found.append(result)
                        consumed = pos = end
                        continue
        else:
            m = match(folded, s)
            if m is None:
                pos = s + 1
                continue
            kind = m.lastgroup
            pos = m.end()
            if lowered[pos:pos + 1] in _NUMERAL_INSIDE and _inside_numeral(lowered, pos):
                search = scan_every    # 三点五万, 数十三, 百分之0.5.3 end before 万, 三, .3
        if s < consumed:
            continue
        core_end = pos
        if kind == "ar" and comma is not None and "，" in text[s:pos] and text[s].isascii():
            # ASCII digits around a full-width comma: a Chinese list (100，200 家); resume after the comma.
            core_end = m.start("comma")
            pos = core_end + 1
        if kind == "fan":
            result = _special(lex, text, lowered, s, m.end(), 100.0 if m["fan"] == "翻倍"
                              else _FAN_VALUES.get(m["fan"].lstrip("翻了")[:-1], 0.0), "percent")
        elif kind == "pnum":
            num = m["pnum"]
            value = parse_arabic(num) if num[0].isdigit() else parse_chinese(num)
            result = None if value is None else _special(
                lex, text, lowered, s, m.end(), _mul(value, _PERCENT_PREFIX[m["pfx"]]), "percent")
        elif kind == "fnum":
            den, num = parse_chinese(m["fden"]), parse_chinese(m["fnum"])
            result = None if not den or num is None else _special(lex, text, lowered, s, m.end(), num / den, "ratio")
        else:
            # Most numerals (years, list numbers, codes) have nothing unit-like after them and no
            # currency sign before them: leave before reading anything else.
            following = lowered[core_end:core_end + 1]
            spaced = following in _SPACES
            if spaced:    # _skip_spaces(lowered, core_end), inline: at most two spaces
                q = core_end + 2 if lowered[core_end + 1:core_end + 2] in _SPACES else core_end + 1
                following = lowered[q:q + 1]
            if following not in follow_chars:
                j = s - 1 if s > 0 and folded[s - 1] in _SPACES else s    # one space before a currency sign
                if not (kind == "ar" and j > 0 and folded[j - 1] in currency_last_chars):
                    continue
            elif kind == "ar" and (following == ")" and (spaced or s == 0 or folded[s - 1] != "(")
                                   or following == "q" and not spaced) \
                    and not _currency_sign_near(lex, folded, s):
                # 2024Q3 (a quarter), ( 2024 ), 3) (a list label): `)` reads only as the end of an
                # accounting bracket right after the digits, and no unit starts with q, so nothing
                # after the numeral can make it a quantity; only a currency sign before it could.
                continue
            result = _number_mention(lex, folded, lowered, text, m, kind, core_end)
        if result is None:
            continue
        kind_of_result = type(result)
        if kind_of_result is QuantityMention:
            found.append(result)
        elif kind_of_result is UnparsedMention:
            unparsed.append(result)
        elif kind_of_result is list:
            found.extend(result)
            consumed = result[-1].end
            pos = max(pos, consumed)
            if lowered[pos:pos + 1] in _NUMERAL_INSIDE and _inside_numeral(lowered, pos):
                search = scan_every
            continue
        else:    # an int: skip up to there
            consumed = pos = max(pos, result)
            if lowered[pos:pos + 1] in _NUMERAL_INSIDE and _inside_numeral(lowered, pos):
                search = scan_every
            continue
        consumed = result.end
        if consumed > pos:
            pos = consumed
            # A mention ending inside a numeral (5m23, 5m2.3) leaves the rest to be found.
            if lowered[pos:pos + 1] in _NUMERAL_INSIDE and _inside_numeral(lowered, pos):
                search = scan_every
    return _with_list_heads(folded, text, found), unparsed


_ZN_CHARS = frozenset(_ZN)
_ZD_CHARS = frozenset(_ZD)
# The characters a search inside a numeral can start at (see _inside_numeral): find_quantities
# tests one before calling it.
_NUMERAL_INSIDE = frozenset("0123456789.点") | _ZN_CHARS


def _inside_numeral(lowered: str, pos: int) -> bool:
    """Whether a search from pos starts inside a numeral, where `scan` finds nothing (see _scan_pattern)."""
    c = lowered[pos:pos + 1]
    before = lowered[pos - 1:pos] if pos else ""
    if "0" <= c <= "9":
        return "0" <= before <= "9" or (before == "." and "0" <= lowered[pos - 2:pos - 1] <= "9")
    if c == ".":
        return "0" <= before <= "9" and "0" <= lowered[pos + 1:pos + 2] <= "9"
    if c in _ZN_CHARS:
        return before in _ZN_CHARS or (before == "点" and c in _ZD_CHARS and lowered[pos - 2:pos - 1] in _ZN_CHARS)
    return c == "点" and before in _ZN_CHARS and lowered[pos + 1:pos + 2] in _ZD_CHARS


# `上升0.1、0.2和0.3个百分点`, `分别为1.2、1.5和1.8元`: a list whose unit is written once, after
# its last item. The bare items before it take that item's unit and magnitude.
_LIST_HEAD = re.compile(r"(?<![\d.第])(\d+(?:\.\d+)?)\s*(?:、|和|及|与)\s*$")
_ORDINAL_BEFORE = re.compile(r"第\s*\d+(?:\.\d+)?\s*(?:、|和|及|与)\s*$")
_LIST_JOINTS = "、和及与"
_LEADING_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?")


def _ends_with_list_joint(folded: str, end: int) -> bool:
    """Whether folded[:end] ends with 、/和/及/与 and optional spaces, as _LIST_HEAD requires (a cheap test)."""
    k = end - 1
    while k >= 0 and folded[k].isspace():
        k -= 1
    return k >= 0 and folded[k] in _LIST_JOINTS


def _with_list_heads(folded: str, text: str, found: list[QuantityMention]) -> list[QuantityMention]:
    out: list[QuantityMention] | None = None    # a new list only once a list head turns up
    for i, q in enumerate(found):
        # Only a mention right after 、/和/及/与 can close a list: test that before any regex.
        start = q.start
        lead = (_LEADING_NUMBER.match(folded, start)
                if start > 0 and (folded[start - 1] in _LIST_JOINTS or folded[start - 1].isspace())
                and q.value_high is None and q.comparator == "=" and _ends_with_list_joint(folded, start)
                else None)
        if lead is not None:
            taken_until = found[i - 1].end if i > 0 else 0
            written = float(lead.group())
            factor = q.value / written if written else None
            heads: list[QuantityMention] = []
            end = q.start
            while factor is not None and _ends_with_list_joint(folded, end):
                m = _LIST_HEAD.search(folded, max(taken_until, end - 24), end)
                if m is None:
                    break
                s, e = m.start(1), m.end(1)
                heads.append(q._replace(start=s, end=e, surface=text[s:e], value=float(m.group(1)) * factor))
                end = s
            # `第1、2和3名` is a list of ranks, not of quantities.
            if heads and not _ORDINAL_BEFORE.search(folded, max(0, end - 12), end):
                if out is None:
                    out = found[:i]
                out.extend(reversed(heads))
        if out is not None:
            out.append(q)
    return found if out is None else out


def _glued_info(lx: _Lexeme, max_value: dict[str, float]) -> tuple:
    """What _glued_mention reads of a unit: kind, canonical unit, multiplier, family, counted noun
    (of a count), the largest plausible value, whether a condition restricts it, its blockers."""
    return (lx.kind, lx.unit, lx.multiplier, lx.family, lx.counted if lx.unit == "count" else None,
            max_value.get(lx.unit, 1e18), bool(lx.condition), lx.blockers)


def _glued_unit(lex: _Lexicon, folded: str, key: str, unit_start: int, end: int) -> tuple | None:
    """_lookup's choice among the lexemes of a surface where case or blockers decide (see _glued_info)."""
    for lx, exact, blockers in lex.table[key]:
        if exact and folded[unit_start:end] != lx.surface:
            continue
        if blockers and folded.startswith(blockers, end):
            continue
        return _glued_info(lx, lex.max_value)
    return None    # _lookup would try a shorter surface


# A magnitude word glued before a unit -> the exponent suffix of its power of ten (万 -> 'e4').
_MAGNITUDE_SUFFIX = {w: _POWERS_OF_TEN[cast(float, magnitude_value(w))] for w in _MAGNITUDE_WORDS.split("|")}


def _glued_mention(lex: _Lexicon, folded: str, lowered: str, text: str, s: int, e: int, end: int,
                   unit: Any, mag: str | None, munit: Any) -> QuantityMention | None:
    """The usual mention in one step: Arabic digits at [s, e) with a unit right after (12.5%, 3 亿元, 40家).

    The scan has matched the unit (`unit`, or `munit` after the magnitude word `mag`), ending at
    `end` (see _glued_tail_pattern). This gives exactly what _number_mention would, but only where
    none of its other rules can apply; None hands the candidate to _number_mention, which then
    reads it from scratch.

    `unit` and `munit` are the scan's groups: `unit` a str when `mag` is None, else `munit` one,
    and the other None (hence Any: each is read only where it is a str).
    """
    start = s
    # Right before the number or before the spaces ahead of it: anything that makes _number_mention
    # read more than the number and its unit.
    if s and folded[s - 1] in lex.glued_before_stop:
        start = _glued_start(lex, folded, lowered, s)
        if start < 0:
            return None
    # The surfaces the scan matched end at `end`: their starts follow from their lengths.
    if mag is None:
        key = unit
        unit_start = written_start = end - len(unit)
    else:
        key = munit
        unit_start = end - len(munit)
        written_start = unit_start - len(mag)
    info = lex.glued_units.get(key) or _glued_unit(lex, folded, key, unit_start, end)
    if info is None:
        return None
    kind, canonical, multiplier, family, counted, bound, condition, blockers = info
    if condition:
        return None    # a unit allowed only in some contexts (_unit_allowed)
    if blockers and folded.startswith(blockers, end):
        return None    # part of another word: _lookup would try a shorter surface
    if kind != "unit":
        if mag is None and unit_start > e and e - s <= 2:
            return None    # a count after a short number and spaces: maybe a list marker
        if kind == "classifier" and _lookup(lex, folded, lowered, end + 1 if lowered[end:end + 1] in _SPACES
                                           else end) is not None:
            return None    # a noun or text unit may follow the classifier (_read_unit)
    # The scan matched digits and decimal parts, no comma: parse_arabic reads them unless there is
    # more than one decimal point (unparsed), where float() fails too. Most numerals come once: no cache.
    core = folded[s:e]
    try:
        if mag is None:
            value = float(core)
        elif mag == "兆" and family != "money":
            return None    # unparsed: ambiguous
        elif len(core) <= 15:
            # _scale(float(core), magnitude): a numeral of at most 15 digits is the exact value of
            # the repr of its float, so appending the exponent to it is the same decimal product.
            value = float(core + _MAGNITUDE_SUFFIX[mag])
        else:
            value = _scale(float(core), cast(float, magnitude_value(mag)))    # a magnitude word has a value
    except ValueError:
        return None    # unparsed: two decimal points
    sign = -1.0 if start < s and folded[start] != "+" else 1.0
    if multiplier != 1.0 or sign != 1.0:
        value = _mul(sign, value, multiplier)
    if abs(value) > bound:
        return None    # unparsed: implausible
    # A comparator word after the unit or before the number (spaces allowed): most mentions have
    # none, and the character where one would end or start tells, without calling the lookups.
    comparator = None
    c = lowered[end:end + 1]
    if c in _SPACES:
        c = lowered[end + 2:end + 3] if lowered[end + 1:end + 2] in _SPACES else lowered[end + 1:end + 2]
    if c in lex.comparators_after_by_first:
        comparator = _suffix_comparator(lex, lowered, end)
    if comparator is None and start > 0:
        c = lowered[start - 1]
        if c in _SPACES:
            c = lowered[start - 3:start - 2] if lowered[start - 2:start - 1] in _SPACES else lowered[start - 2:start - 1]
        if c in lex.comparators_before_by_last:
            comparator, _ = _prefix_comparator(lex, lowered, start)
    return _new_mention((start, end, text[start:end], value, None, canonical, comparator or "=", counted,
                         text[written_start:end].strip()))


def _glued_start(lex: _Lexicon, folded: str, lowered: str, s: int) -> int:
    """Where _glued_mention's mention starts, at a sign before s or at s; -1 when _number_mention must read it.

    Only spaces or a sign (+5%, -3亿元, 负2%) may stand before the number; after them, neither a label
    (图 3), a currency sign or code (USD 3) nor `between`: the same tests _number_mention makes.
    """
    before = folded[s - 1]
    if before in _SPACES:
        j = s - 2 if s > 1 and folded[s - 2] in _SPACES else s - 1    # _skip_spaces_back(folded, s)
        if j == 0 or folded[j - 1] not in lex.spaced_before_chars:
            return s    # the usual case: no label, currency code or `between` can end there
        if _blocked_by_context(lex, folded, lowered, s):
            return -1
        start = s
    elif before in "+-负":
        if before in lex.context_by_last:
            return -1    # a label ending in the sign (none today)
        if before == "+":
            j = _skip_spaces_back(folded, s - 1)
            if j > 0 and (folded[j - 1].isdigit() or folded[j - 1] == ")"):
                return -1    # 1+1=2: an operand of arithmetic
        elif before == "-" and s >= 2 and (folded[s - 2].isdigit() or folded[s - 2].isascii()
                                           and folded[s - 2].isalnum()):
            return -1    # GPT-4, 2024-3: a name or a date, not a sign
        start = s - 1
    else:
        return -1
    if start > 0 and folded[start - 1] in lex.currency_before_chars and _currency_before(lex, folded, start):
        return -1
    if start > 6 and lowered[start - 1] in _BETWEEN_LAST \
            and lowered.endswith("between", 0, _skip_spaces_back(lowered, start)):
        return -1
    return start


def _special(lex: _Lexicon, text: str, lowered: str, s: int, e: int, value: float, unit: str
             ) -> QuantityMention | None:
    """翻番, 百分之四十, 四分之一: the whole form is the quantity, comparators still apply."""
    if value <= 0:
        return None
    cmp_before, _ = _prefix_comparator(lex, lowered, s)
    cmp_after = _suffix_comparator(lex, lowered, e)
    return QuantityMention(s, e, text[s:e], value, None, unit, cmp_after or cmp_before or "=", None, None)


def _number_mention(lex: _Lexicon, folded: str, lowered: str, text: str, m: re.Match[str], kind: str,
                    core_end: int) -> QuantityMention | UnparsedMention | list[QuantityMention] | int | None:
    """Read one numeral candidate ending at core_end; an int return means "skip up to here" (arithmetic).

    The caller has checked that something unit-like follows, or a currency sign precedes.
    """
    am: Any     # a match of _AMOUNT_AT, whose lastgroup (every branch is a named group) is never None
    cand: _Amount | None
    unit_surface: str | None
    s, e = m.start(), core_end
    vague_cmp: str | None = None
    if kind == "vz":
        vague_cmp = ">=" if m["vague"] == "上" else ">"
        s_core = m.start("vz")
        kind_core = "zh"
    else:
        s_core = s
        kind_core = kind
    core = folded[s_core:e]
    # The characters right before and right after the numeral ("" at either end of the text):
    # several rules below look at them.
    before = folded[s - 1] if s > 0 else ""
    after = folded[e:e + 1]

    if kind_core == "ar":
        if before in lex.context_before_chars and _blocked_by_context(lex, folded, lowered, s):
            return None
        arith = _ARITHMETIC_AFTER.match(folded, e) if after in _ARITHMETIC_FIRST else None
        if arith:
            return arith.end() - 1
        if before in _OPERATORS:
            j = _skip_spaces_back(folded, s - 1)
            if before != "+" or (j > 0 and (folded[j - 1].isdigit() or folded[j - 1] == ")")):
                # An operand of arithmetic shown in the text (1+1=2), not a stated fact.
                return None
    else:
        if kind != "vz":
            if before in _ZH_LEFT_STOP:
                return None
            if folded.startswith(lex.stopwords, s):
                return None
            if before == "第":
                return None

    pair = _ZH_PAIR.fullmatch(core) if kind_core == "zh" else None
    if pair and ZH_DIGITS[pair[2]] == ZH_DIGITS[pair[1]] + 1:
        return _zh_pair(lex, folded, lowered, text, s, e, pair)

    # A fraction 1/4: a proper fraction with a small denominator, not part of a date (2024/3/14).
    if kind_core == "ar" and after == "/":
        listed = _slash_list(lex, folded, lowered, text, s, e)
        if listed is not None:
            return listed
        fm = _FRACTION_AFTER.match(folded, e)
        if fm and "." not in core and "," not in core:
            num, den = int(core), int(fm[1])
            if 0 < num < den and (den <= 10 or den in (100, 1000)) and not folded.startswith(("日", "号"), fm.end()):
                cmp_before, _ = _prefix_comparator(lex, lowered, s)
                end = fm.end()
                return QuantityMention(s, end, text[s:end], num / den, None, "ratio",
                                       _suffix_comparator(lex, lowered, end) or cmp_before or "=", None, None)
        return None

    # Accounting negative (1,234.5) 亿元: the closing bracket sits between number and unit.
    accounting = (kind_core == "ar" and before == "(" and after == ")" and ("." in core or "," in core))
    amount = _read_amount(lex, folded, lowered, text, kind_core, s_core, e, e + 1 if accounting else e)
    low: _Amount | None = None
    high = amount
    # A range: the low end may carry its own unit (5000亿元至6000亿元) or borrow the high end's.
    if amount.mod is None and not accounting:
        cm = _CONNECTOR.match(folded, amount.end) if folded[amount.end:amount.end + 1] in _CONNECTOR_FIRST else None
        if cm and _change_not_range(folded, lowered, s, cm.group().strip()):
            cm = None
        if cm:
            am = _AMOUNT_AT.match(folded, cm.end())
            if am:
                cand = _read_amount(lex, folded, lowered, text, am.lastgroup, am.start(), am.end(), am.end())
                if cand.mod is None and _range_compatible(amount, cand):
                    low, high = amount, cand

    unit = high.unit
    sign = 1.0
    start = s
    if accounting:
        sign, start = -1.0, s - 1
    elif kind_core == "ar" and before:
        if before == "-" and (s < 2 or not (folded[s - 2].isascii() and folded[s - 2].isalnum())):
            sign, start = -1.0, s - 1
        elif before == "负":
            sign, start = -1.0, s - 1
        elif before == "+":
            start = s - 1
    # Currency sign or code before the number (US$3.5bn, 人民币8.6亿元, USD 3.5 billion).
    currency: str | None = None
    cur = (_currency_before(lex, folded, start) if start > 0 and folded[start - 1] in lex.currency_before_chars
           else None)
    if cur is not None:
        currency, start = cur

    # between US$19.6 billion and US$20.4 billion, between 51 and 53 percent: a range.
    # (It ends in n or a space right before the number: test that character first.)
    if low is None and not accounting and amount.mod is None and start > 6 and lowered[start - 1] in _BETWEEN_LAST:
        j = _skip_spaces_back(lowered, start)
        if lowered.endswith("between", 0, j) and not (j > 7 and _is_ascii_letter(lowered[j - 8])):
            cand = _between_high(lex, folded, lowered, text, amount, currency)
            if cand is not None:
                low, high = amount, cand
                unit = high.unit

    end = high.end
    if unit is None and currency is None:
        if kind_core == "ar" and low is None and sign == 1.0:
            return _english_count(lex, folded, lowered, text, core, start, amount)
        return None
    # Most units carry no condition: test that before calling _unit_allowed.
    if unit is not None and unit.lexeme.condition and not _unit_allowed(high, folded, lowered):
        return None
    if low is not None and low.unit is not None and low.unit.lexeme.condition \
            and not _unit_allowed(low, folded, lowered):
        return None

    # Guards that only apply once we know a unit follows.
    if kind_core == "zh":
        only_magnitude = _ZH_MAGNITUDE_CHARS.issuperset(core)
        if core in ("一", "壹") and unit is not None and unit.lexeme.kind == "classifier" and low is None:
            return None
        if only_magnitude and kind != "vz":
            cmp_probe, _ = _prefix_comparator(lex, lowered, s)
            if len(core) == 1 and core != "十" and cmp_probe is None:
                return None
            j = _skip_spaces_back(folded, s)
            if (j > 0 and folded[j - 1] in _HEADER_OPEN) or lowered.endswith(("单位", "币种"), 0, j) \
                    or folded.startswith(")", end):
                # 单位：百万元, （亿元）: a table header naming the unit, not an amount.
                return None
    elif unit is not None and unit.lexeme.kind != "unit" and low is None and not amount.has_magnitude \
            and amount.mod is None and len(core) <= 2 and unit.start > amount.core_end \
            and _at_line_start(folded, s):
        # 1 人工智能…, 2 台积电… at a line start: a list marker, not a count.
        return None

    surface_end = end
    problem = (low is not None and low.problem) or high.problem
    if problem:
        return UnparsedMention(start, end, text[start:end], problem)

    # Which unit: the written unit, or money named only by the currency prefix.
    if unit is not None:
        lx = unit.lexeme
        canonical, multiplier = lx.unit, lx.multiplier
        if currency is not None:
            if lx.family != "money":
                return UnparsedMention(start, end, text[start:end], "currency sign before a non-money unit")
            if lx.unit != currency:
                return UnparsedMention(start, end, text[start:end], "conflicting currencies")
        if high.magnitude_is_zhao and lx.family != "money":
            return UnparsedMention(start, end, text[start:end], "兆 is mega or trillion: ambiguous")
        rate_end = _rate_extension(lex, folded, lowered, end) if folded[end:end + 1] in _RATE_FIRST else end
        if rate_end > end:
            if lx.family != "money":
                return UnparsedMention(start, rate_end, text[start:rate_end], "rate unit not normalized")
            surface_end = rate_end
        counted = unit.counted if lx.unit == "count" else None
        mag_start = high.mag_start
        unit_surface = text[mag_start:surface_end].strip()
    else:
        assert currency is not None     # with neither a unit nor a currency it returned above
        canonical, multiplier, counted = currency, 1.0, None
        unit_surface = text[high.mag_start:end].strip() or None

    value_high: float | None = None
    if low is not None:
        lo_val = low.value
        if lo_val is None or high.value is None:
            return UnparsedMention(start, end, text[start:end], "unreadable range")
        if not low.has_magnitude and high.has_magnitude:
            lo_val = _mul(lo_val, _distributed_magnitude(folded, high))
        lo_mult = low.unit.lexeme.multiplier if low.unit is not None else multiplier
        value = _mul(sign, lo_val, lo_mult)
        value_high = _mul(high.value, multiplier)
        if value_high < value:
            return None
    else:
        if high.value is None:
            return UnparsedMention(start, end, text[start:end], "unreadable number")
        # Skip the call when both are 1 (most mentions): _mul would return high.value as it is.
        value = high.value if sign == 1.0 and multiplier == 1.0 else _mul(sign, high.value, multiplier)
    bound = lex.max_value.get(canonical, 1e18)
    if abs(value) > bound or (value_high is not None and abs(value_high) > bound):
        return UnparsedMention(start, end, text[start:end], "overflow / implausible magnitude")

    comparator: str | None = None
    if lowered[surface_end:surface_end + 1] in lex.comparator_after_chars:
        comparator = _suffix_comparator(lex, lowered, surface_end)
    if comparator is None:
        comparator = (_MOD_COMPARATOR[high.mod] if high.mod else None) or vague_cmp
    if comparator is None and start > 0 and lowered[start - 1] in lex.comparator_before_chars:
        comparator, _ = _prefix_comparator(lex, lowered, start)
    return _new_mention((start, surface_end, text[start:surface_end], value, value_high, canonical,
                         comparator or "=", counted, unit_surface))


def _currency_sign_near(lex: _Lexicon, folded: str, s: int) -> bool:
    """Whether a currency sign or code may end right before s, or before a sign written at s - 1."""
    for pos in (s, s - 1) if s > 0 and folded[s - 1] in "-+负" else (s,):
        j = pos - 1 if pos > 0 and folded[pos - 1] in _SPACES else pos
        if j > 0 and folded[j - 1] in lex.currency_last_chars:
            return True
    return False


def _currency_before(lex: _Lexicon, folded: str, pos: int) -> tuple[str, int] | None:
    """(ISO code, start) of a currency sign or code ending right before pos (one space allowed)."""
    j = pos
    if j > 0 and folded[j - 1] in _SPACES:
        j -= 1
    signs = lex.currency_by_last.get(folded[j - 1]) if j > 0 else None
    if not signs:
        return None
    for c in signs:
        if folded.endswith(c, 0, j):
            cstart = j - len(c)
            if c[0].isalpha() and c.isascii() and cstart > 0 and _is_ascii_letter(folded[cstart - 1]):
                return None
            return lex.currencies[c], cstart
    return None


def _between_high(lex: _Lexicon, folded: str, lowered: str, text: str, low: _Amount, currency: str | None
                  ) -> _Amount | None:
    """The high end of `between X and Y` when Y is written like X (same currency, compatible unit)."""
    am = _AND.match(lowered, low.end)
    if am is None:
        return None
    q = am.end()
    if currency is not None:
        c = next((c for c in lex.currency_tuple if folded.startswith(c, q)), None)
        if c is None or lex.currencies[c] != currency:
            return None
        q = _skip_spaces(folded, q + len(c), 1)
    nm = _AMOUNT_AT.match(folded, q)
    if nm is None or nm.lastgroup != "ar":
        return None
    high = _read_amount(lex, folded, lowered, text, "ar", nm.start(), nm.end(), nm.end())
    if high.mod is not None or high.value is None:
        return None
    if currency is not None:
        ok = high.unit is None and low.unit is None and (high.has_magnitude or not low.has_magnitude)
    else:
        ok = _range_compatible(low, high)
    return high if ok else None


def _english_count(lex: _Lexicon, folded: str, lowered: str, text: str, core: str, start: int,
                   amount: _Amount) -> QuantityMention | None:
    """100 million gamers, 1,200 employees, 5 new drugs: a lower-case plural after the number.

    Only after an English scale word, or after a plain integer >= 2 that is not a year;
    durations, verbs and fillers (3 years, Chapter 3 covers) are listed as not_counted.
    """
    value = amount.value
    if value is None or amount.problem:
        return None
    if not amount.has_magnitude:
        if "." in core or value < 2 or (_YEAR_LIKE.fullmatch(core) is not None):
            return None
    m = _EN_PLURAL.match(folded, amount.end)
    if m is None:
        return None
    noun, adj = m["noun"], m["adj"]
    if noun in lex.not_counted or noun.endswith(_NOT_PLURAL_ENDINGS) or noun in lex.not_modifier:
        return None
    if adj is not None and (adj in lex.not_modifier or adj in lex.not_counted):
        return None
    end = m.end()
    cmp_after = _suffix_comparator(lex, lowered, end)
    comparator = cmp_after or (_MOD_COMPARATOR[amount.mod] if amount.mod else None)
    if comparator is None:
        comparator, _ = _prefix_comparator(lex, lowered, start)
    return QuantityMention(start, end, text[start:end], value, None, "count", comparator or "=", noun,
                           text[amount.mag_start:end].strip())


def _slash_list(lex: _Lexicon, folded: str, lowered: str, text: str, s: int, e: int
                ) -> list[QuantityMention] | None:
    """25/20/16倍, 1.2/1.5/1.8元: each value its own mention in the unit written after the last.

    Two values count as a list only when they cannot be a fraction (1/4) or a date (2024/3/14
    has no unit after it): a decimal, or a first value not smaller than the second.
    """
    lm = _SLASH_ITEMS.match(folded, e)
    if lm is None:
        return None
    items = [(s, e)] + [(x.start(), x.end()) for x in _SLASH_ITEM.finditer(folded, lm.start(), lm.end())]
    if len(items) == 2:
        first, second = folded[items[0][0]:items[0][1]], folded[items[1][0]:items[1][1]].lstrip("+-")
        # parse_arabic, not int(): an item may carry separators, well formed (1,234) or not (1,23).
        low, high = parse_arabic(first.lstrip("+-")), parse_arabic(second)
        if low is None or high is None or ("." not in first + second and low < high):
            return None
    last_s, last_e = items[-1]
    core_s = last_s + 1 if folded[last_s] in "+-" else last_s
    last = _read_amount(lex, folded, lowered, text, "ar", core_s, last_e, last_e)
    if last.unit is None or last.problem or not _unit_allowed(last, folded, lowered):
        return None
    lx = last.unit.lexeme
    unit_surface = text[last.mag_start:last.end].strip()
    out: list[QuantityMention] = []
    for i, (a, b) in enumerate(items):
        start = a
        if i == 0 and a > 0 and folded[a - 1] in "+-" and not (
                a > 1 and folded[a - 2].isascii() and folded[a - 2].isalnum()):
            start = a - 1
        raw = folded[start:b]
        value = parse_arabic(raw.lstrip("+-"))
        if value is None:
            return None
        sign = -1.0 if raw.startswith("-") else 1.0
        end = last.end if i == len(items) - 1 else b
        value = _mul(sign, value, last.magnitude, lx.multiplier)
        cmp = "="
        if i == 0:
            cmp = _prefix_comparator(lex, lowered, start)[0] or "="
        out.append(QuantityMention(start, end, text[start:end], value, None, lx.unit, cmp,
                                   last.unit.counted if lx.unit == "count" else None, unit_surface))
    return out


def _change_not_range(folded: str, lowered: str, s: int, connector: str) -> bool:
    """从 40% 至 67%, 减少约 5 万人至 35 万人: a change between two values, not a range.

    从/由/from before the low end rule out any range; a change verb (增, 降, 减少) only
    rules out 至/到, which then means "to" (降至), while 2-3% stays a range after 增长.
    """
    w0 = max(0, s - 12)
    window = folded[w0:s]
    cut = max(window.rfind(p) for p in ",。;；!?")
    window = window[cut + 1:]
    if "从" in window or "由" in window or "from" in lowered[w0 + cut + 1:s]:
        return True
    return connector in ("至", "到") and any(v in window for v in _CHANGE_VERBS)


def _range_compatible(low: _Amount, high: _Amount) -> bool:
    if high.unit is None and not high.has_magnitude:
        return False
    if low.has_magnitude and not high.has_magnitude:
        return False
    if low.unit is not None:
        if high.unit is None:
            return False
        a, b = low.unit.lexeme, high.unit.lexeme
        if (a.unit, a.multiplier) != (b.unit, b.multiplier) and a.family != b.family:
            return False
    return True


def _distributed_magnitude(folded: str, high: _Amount) -> float:
    """The magnitude of a range's high end that also applies to a bare low end (2-3亿, 两到三万)."""
    core = folded[high.start:high.core_end]
    if core[:1].isdigit():
        return high.magnitude
    lead = _ZH_LEADING_DIGIT.fullmatch(core)
    if lead:
        return _mul(parse_chinese(lead[2]) or 1.0, high.magnitude)
    return high.magnitude


def _zh_pair(lex: _Lexicon, folded: str, lowered: str, text: str, s: int, e: int, pair: re.Match[str]
             ) -> QuantityMention | None:
    """三四十家, 七八百万: two neighbouring digits are an approximate range."""
    mag = parse_chinese(pair[3]) if pair[3] else 1.0
    lo, hi = ZH_DIGITS[pair[1]] * (mag or 1.0), ZH_DIGITS[pair[2]] * (mag or 1.0)
    unit = _read_unit(lex, folded, lowered, e)
    if unit is None or unit.lexeme.condition:
        return None
    lx = unit.lexeme
    cmp_before, _ = _prefix_comparator(lex, lowered, s)
    return QuantityMention(s, unit.end, text[s:unit.end], _mul(lo, lx.multiplier), _mul(hi, lx.multiplier), lx.unit,
                           _suffix_comparator(lex, lowered, unit.end) or cmp_before or "=",
                           unit.counted if lx.unit == "count" else None, text[e:unit.end].strip())
