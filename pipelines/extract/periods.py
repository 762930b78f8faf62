"""Periods and dates stated in a report, resolved to inclusive calendar dates.

`find_periods(text, doc_date, fiscal_year_end_month=None)` returns every period mention
(non-overlapping, by start);
`parse_period(surface, doc_date)` reads one surface form (for tests and callers that
already hold a span).

What is read (all on `textnorm.fold(text)`, so full-width digits and dashes match):

- report notation: 2024Q1, 2024 Q1, 2024年Q1, 24Q3, Q1 2024, Q3'24, 1Q24, 1H24, 2024H1,
  H1 2024, FY2024Q4, FY24, FY2024, CY2024, 2025E, 2023A, 2025-2027E, FY24-26E, TTM, LTM, YTD,
  9M24;
- Chinese calendar chains, also with the characters scraping loses (`2024 3 14 日`,
  `2024 4 月`, `2024 2027 年`): year, month, day, month ranges (2024年1-3月), quarters
  (2024年一季度, 第一季度, 一季报), 前三季度, halves (上半年, 半年报), parts of a month or year
  (4 月初, 2024 年底), year ranges (2025-2027年, 2023 年至 2024 年), 2020年以来, 年初至今;
- relative words against the document date: 今年, 去年, 明年, 前年, 后年, 本年, 上年, 年内,
  全年, 今明两年, 过去一年, 近五年, 未来三年, (去年)同期;
- English: Q2 FY2024, Q2 fiscal 2024, fiscal (year) 2024, first quarter of 2024, the first
  half of 2024, first nine months of 2024, July 2023, Jul. 2023, March 14, 2024,
  14 March 2024, in/by/since 2024, year-end 2024, 2024-2026, between 2024 and 2026,
  April-June (2024), this/last/next year, Fourth Quarter and Fiscal 2024 (the quarter takes
  the year named after "and"), and year-less fourth-quarter, second half, Full-year;
- periods stated by their last day: (fourth) quarter ended January 28, 2024, three/six/nine/
  twelve months ended ..., (fiscal) year ended ..., 13/52 weeks ended ...,
  截至2024年6月30日止六个月, 2024年3月31日止财政年度;
- fiscal forms: FY2024, FY24 Q4, 4QFY24, fiscal 2024, FY2024/25, 2024财年, 2024财年第三财季,
  2024年第二财季, 第三财季; 单季度 forms: Q3单季度, 24Q3单季度, 单三季度, 三季度单季;
- numeric dates: 2024-03-14, 2024/3/14, 2024.03.14, 2024-03.

Kinds (the `kind` column), a deliberately small set:
day, month, months (a month range), quarter, quarters (a quarter range not starting in Q1),
half, year, years (a year range, both ends inclusive), ytd (from 1 January: 前三季度, Q1-Q3,
first nine months, 年初至今), asof (a point in time, start == end: 截至…, 一季度末), since
(from the start of a year to the document date: 2020年以来), early_month / mid_month /
late_month (1st-10th, 11th-20th, 21st-last: 月初, 月中, 月底/月末, 上中下旬), early_year
(January: 年初), mid_year (June-July: 年中), late_year (December: 年底/年末, year-end),
fiscal_year / fiscal_quarter / fiscal_half / fiscal_years / fiscal_ytd (every fiscal form,
FY…, fiscal …, 财年, 财季, and spans ended on a date that are not calendar-aligned: a caller
tells fiscal mentions by `kind.startswith("fiscal_")`), ttm (TTM/LTM: the four quarters ending with the last quarter that ended before the
document date), trailing (过去一年, 近五年: the N years or months ending on the document
date) and coming (未来 N 个月: the N months after it; 未来三年 is the next three calendar
years, kind years).

Choices and limits, stated so nobody has to guess them from the code:
- Fiscal years: with `fiscal_year_end_month` (1 for NVIDIA, 9 for Apple, 6 for Microsoft)
  fiscal forms resolve on that calendar, FY named by the calendar year it ends in (NVIDIA
  FY2024 = Feb 2023 - Jan 2024; wrong for companies that name FY by its first year, as many
  Japanese ones do). Without it FY2024 is 2024-01-01..2024-12-31, still kind fiscal_year.
  FY2024/25 needs the calendar (nothing without it). Calendar forms never move.
- N months ended on a date: a month-end date covers whole months (quarter ended June 30 is
  April-June); another date (52/53-week years) starts the day after the same date N months
  earlier. 截至 before such a form belongs to it and does not make it an as-of point.
- English year-less forms (fourth-quarter, second half, Full-year, April-June, Q3 when a
  fiscal calendar is given) take the occurrence whose last day is nearest the document date
  (ties to the past): in a January report "fourth quarter" is last year's, "first quarter"
  this year's. With a fiscal calendar they are the company's fiscal quarters/years.
- A year-less form takes the year of the nearest period stated earlier in its sentence
  (no 。；\n between, within 200 characters) when there is no document date, when the
  document-year reading would lie after the document date, or after 其中 (2024年前三季度…
  其中Q3单季度 is Q3 2024). 2024年同期 is the nearest earlier period of the sentence moved to
  2024 (also a year-less one that had no document date to place it); alone it gives nothing.
- 截至 X is a point at X's last day (截至 4 月初 → the 10th; 截至2024年3月 → 31 March).
- A Chinese year-less month, quarter or half (4 月初, 一季度, Q1, 1-4月, 上半年) is otherwise placed
  in the document year and marked relative, even when the text may mean last year's.
- 同期 is resolved only as 去年同期/上年同期 (or 较/比同期), against the nearest period
  stated earlier in the same sentence, shifted back one year; alone or without such a
  period it gives nothing (行业同期 means "the same period", not last year's).
- A form that needs the document date (relative words, year-less forms, TTM, since) gives
  nothing when `doc_date` is None: never a guess.
- Not periods: durations (1-5 年内, 10 年, 3 个月), counts and amounts (8054 台, 2024 万元),
  model names (GPT-4), plan names (十四五), vague words (近期, 目前, 现阶段, 近年来).
- Not handled: day ranges (3月1日-15日), day-first or month-first numeric dates
  (14/03/2024, 03/14/2024), two-digit years with E/A alone (25E), 三季报 (ambiguous
  between Q3 and Q1-Q3), 年报, dates in Chinese numerals before 止 (截至二零二四年六月三十日止
  六个月), relative fiscal words (本财年, 上一财年), "period ended" without a length.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import functools
import re
from collections.abc import Callable
from re import _constants as _sre  # type: ignore[attr-defined]  # the parser's reading, for _start_test
from re import _parser  # type: ignore[attr-defined]  # (private modules: not in the stubs)
from typing import Any, NamedTuple

from pipelines.extract.mentions import PeriodMention, builder
from pipelines.extract.textnorm import fold
from pipelines.extract.trie import trie_pattern
from pipelines.paths import VOCAB_DIR

_S = r"[ \t]*"
_SP = r"[ \t]+"
_Y4 = r"(?:19|20)\d\d"
_MON = r"(?:1[0-2]|0?[1-9])(?!\d)"
_DAY = r"(?:3[01]|[12]\d|0?[1-9])(?!\d)"
_CN_MON = r"(?:十[一二]|[一二三四五六七八九十])"
_CN_YEAR = r"(?:二[〇零○]|一九)[〇零○一二三四五六七八九]{2}"
_QN = r"[1-4一二三四]"
_RANGE = r"(?:[-~]|至|到)"
_FISCAL = r"(?:FY|[Ff]iscal(?: [Yy]ear)?)"
# Chinese fiscal-year and fiscal-quarter words: 2024财年, 2024财政年度, 第四财季.
_CN_FY = r"(?:财年|財年|财政年度|財政年度|会计年度|會計年度)"
_CN_FQ = r"(?:第[ \t]*)?(?P<qc>[1-4一二三四])[ \t]*(?:财季|財季|季度)"
# FY2024/25, 2024/25财年: a fiscal year across two calendar years, named here by the later one.
_SPLIT = r"(?:/(?P<ysplit>(?:19|20)?\d\d)(?![\d/]))"
# 单季度/单季 after a quarter (Q3单季度, 三季度单季): the quarter alone, not the year to date.
_SINGLE = r"(?:[ \t]*单季度?)"
# What may follow an English ordinal quarter/half: a (fiscal) year, "of this/last/next year",
# a year named after "and" (Fourth Quarter and Fiscal 2024: a lookahead, the year stays its own
# mention), or nothing (a year-less form, read against the sentence or the document date).
_EN_YEAR_TAIL = (
    r"(?:[ \t]+(?i:of))?(?:[ \t]+(?P<fis>(?i:fiscal(?: year)?)|FY))?[ \t]+(?P<y>(?:19|20)\d\d)(?!\d)"
    r"|[ \t]+(?i:of)[ \t]+(?P<rw>(?i:this|last|next))[ \t]+(?i:year)(?![A-Za-z])"
    r"|(?=(?:[ \t]+(?i:results|financial results))?[ \t]+(?i:and)[ \t]+(?:(?i:full)[ -])?"
    r"(?:(?P<lafis>(?i:fiscal))(?:[ \t]+(?i:year))?|(?i:year))?[ \t]+(?P<lay>(?:19|20)\d\d)(?!\d))"
    r"|(?![ \t]+(?i:of)(?![A-Za-z]))"
)
# After an ASCII period token: no digit and no letter, except a status letter E/A/e that
# itself ends the token (2024Q4E). Keeps 45EFLOPS, H100 and 2024Q1x out.
_END = r"(?![0-9]|(?![EAe](?![A-Za-z0-9]))[A-Za-z])"

# Characters that, as the last non-space character before a year-less form, show the form is
# a count or a duration (3 月 after 近, 一季度 after 每) rather than a calendar period.
_BARE_DENY = set("0123456789.-/~第每近各前后上下本该这当同单个余多约超逾连隔次〇零一二三四五六七八九十百千两几数")
# Before a bare 年底/年初: words ending in 年 that are not the document year (每年底, 当年底).
_BARE_YEAR_DENY = _BARE_DENY | set("今去明那旧新整全成青少老中童周翌逐历往最末元")
_SENTENCE_BREAK = re.compile(r"[。！？!?\n]")
_STATUS = {"E": "forecast", "e": "forecast", "A": "actual"}


class _RelativeYear(NamedTuple):
    first: int
    last: int
    can_prefix: bool
    deny_prev: str
    deny_next: str


class _Part(NamedTuple):
    kind: str
    start_month: int
    start_day: int
    end_month: int
    end_day: int


class _Vocab(NamedTuple):
    relative_years: dict[str, _RelativeYear]
    numerals: dict[str, int]
    month_names: dict[str, int]
    parts: dict[tuple[str, str], _Part]
    part_patterns: dict[str, str]
    cues: dict[str, str]


def _read_rows(name: str) -> list[dict[str, str]]:
    with (VOCAB_DIR / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@functools.cache
def _vocab() -> _Vocab:
    relative_years = {
        r["word"]: _RelativeYear(int(r["first_offset"]), int(r["last_offset"]),
                                 r["can_prefix"] == "yes", r["deny_prev"], r["deny_next"])
        for r in _read_rows("period_relative_years.csv")
    }
    numerals = {r["numeral"]: int(r["value"]) for r in _read_rows("period_numerals.csv")}
    month_names = {r["name"]: int(r["month"]) for r in _read_rows("period_month_names.csv")}
    parts: dict[tuple[str, str], _Part] = {}
    by_scope: dict[str, list[tuple[str, str]]] = {}
    for r in _read_rows("period_parts.csv"):
        parts[(r["scope"], r["word"])] = _Part(r["kind"], int(r["start_month"]), int(r["start_day"]),
                                               int(r["end_month"]), int(r["end_day"]))
        by_scope.setdefault(r["scope"], []).append((r["word"], r["deny_next"]))
    part_patterns = {
        scope: "|".join(re.escape(w) + (f"(?![{deny}])" if deny else "")
                        for w, deny in sorted(words, key=lambda x: len(x[0]), reverse=True))
        for scope, words in by_scope.items()
    }
    cues = {r["cue"]: r["role"] for r in _read_rows("period_cues.csv")}
    return _Vocab(relative_years, numerals, month_names, parts, part_patterns, cues)


class _Resolved(NamedTuple):
    period_start: dt.date
    period_end: dt.date
    kind: str
    is_relative: bool


class _Ctx(NamedTuple):
    """What a resolver needs beyond the match and the document date."""

    fy_end: int | None = None        # month the fiscal year ends (1-11); None: the calendar year
    anchor_year: int | None = None   # for a year-less form: the year its sentence states


_NO_CTX = _Ctx()
# A group's value by name: None for a group that did not match, but resolvers read a group
# without a test (int(get("m"))) where their branch guarantees it, hence Any rather than str | None.
Getter = Callable[[str], Any]
Resolver = Callable[[Getter, "dt.date | None", _Ctx], "_Resolved | None"]


def _date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def _last_day(y: int, m: int) -> int:
    # calendar.monthrange(y, m)[1] without the weekday it also computes.
    if not 1 <= m <= 12:
        raise ValueError(f"month must be in 1..12, got {m}")
    return 29 if m == 2 and calendar.isleap(y) else calendar.mdays[m]  # type: ignore[attr-defined]


def _month_span(y: int, m1: int, m2: int | None = None, y2: int | None = None) -> tuple[dt.date, dt.date]:
    y2 = y if y2 is None else y2
    m2 = m1 if m2 is None else m2
    return dt.date(y, m1, 1), dt.date(y2, m2, _last_day(y2, m2))


def _shift_years(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February in a year without one
        return d.replace(year=d.year + years, day=28)


def _add_months(d: dt.date, months: int) -> dt.date:
    idx = d.year * 12 + d.month - 1 + months
    y, m = divmod(idx, 12)
    return dt.date(y, m + 1, min(d.day, _last_day(y, m + 1)))


def _cn_number(s: str) -> int | None:
    """Read 1-99 written as Arabic digits or Chinese numerals (五, 十二, 二十)."""
    if s.isdigit():
        return int(s)
    nums = _vocab().numerals
    if "十" in s:
        tens, _, units = s.partition("十")
        t = nums.get(tens, 0) if tens else 1
        u = nums.get(units, 0) if units else 0
        return t * 10 + u
    return nums.get(s) if len(s) == 1 else None


def _cn_year(s: str) -> int:
    nums = _vocab().numerals
    return int("".join(str(nums[c]) for c in s))


def _number(s: str) -> int:
    n = _cn_number(s)
    if n is None:
        raise ValueError(s)
    return n


def _year(get: Getter, doc_date: dt.date | None, ctx: _Ctx = _NO_CTX) -> tuple[int, bool] | None:
    """The year a form names: stated (4-digit, 2-digit, Chinese numerals), relative, or (for a
    year-less form) the sentence's stated year or the document year."""
    for key in ("y", "y_b"):
        if v := get(key):
            return int(v), False
    for key in ("yy", "yy_b"):
        if v := get(key):
            return 2000 + int(v), False
    if v := get("cy"):
        return _cn_year(v), False
    if ctx.anchor_year is not None and not get("ry"):
        return ctx.anchor_year, True
    if doc_date is None:
        return None
    if v := get("ry"):
        return doc_date.year + _vocab().relative_years[v].first, True
    return doc_date.year, True


def _resolve_day(get: Getter, doc_date: dt.date | None, ctx: _Ctx = _NO_CTX) -> _Resolved | None:
    yr = _year(get, doc_date, ctx)
    if yr is None:
        return None
    month = _vocab().month_names[get("mn")] if get("mn") else _number(get("m"))
    d = _date(yr[0], month, int(get("d")))
    return _Resolved(d, d, "day", yr[1]) if d else None


def _resolve_month(get: Getter, doc_date: dt.date | None, ctx: _Ctx = _NO_CTX) -> _Resolved | None:
    yr = _year(get, doc_date, ctx)
    if yr is None:
        return None
    y = yr[0]
    month = _vocab().month_names[get("mn")] if get("mn") else _number(get("m"))
    if not 1 <= month <= 12:
        return None
    part = get("mpart")
    if part:
        p = _vocab().parts[("month", part)]
        end_day = _last_day(y, month) if p.end_day == -1 else p.end_day
        return _Resolved(dt.date(y, month, p.start_day), dt.date(y, month, end_day), p.kind, yr[1])
    start, end = _month_span(y, month)
    return _Resolved(start, end, "month", yr[1])


def _resolve_months(get: Getter, doc_date: dt.date | None, ctx: _Ctx = _NO_CTX) -> _Resolved | None:
    yr = _year(get, doc_date, ctx)
    if yr is None:
        return None
    m1, m2 = int(get("m1")), int(get("m2"))
    y2 = int(get("y2")) if get("y2") else yr[0]
    if (y2, m2) <= (yr[0], m1) or y2 - yr[0] > 1:
        return None
    start, end = _month_span(yr[0], m1, m2, y2)
    return _Resolved(start, end, "months", yr[1])


def _quarter_span(y: int, q1: int, q2: int | None = None, y2: int | None = None) -> tuple[dt.date, dt.date]:
    q2 = q1 if q2 is None else q2
    return _month_span(y, 3 * q1 - 2, 3 * q2, y2)


def _resolve_quarter(get: Getter, doc_date: dt.date | None, ctx: _Ctx = _NO_CTX) -> _Resolved | None:
    yr = _year(get, doc_date, ctx)
    if yr is None:
        return None
    q = _number(get("q"))
    if q2s := get("q2"):
        return _quarters(yr, q, _number(q2s), int(get("y2")) if get("y2") else None)
    start, end = _quarter_span(yr[0], q)
    part = get("qpart")
    if part:
        p = _vocab().parts[("quarter", part)]
        m1, m2 = 3 * q - 3 + p.start_month, 3 * q - 3 + p.end_month
        d1 = _last_day(yr[0], m1) if p.start_day == -1 else p.start_day
        d2 = _last_day(yr[0], m2) if p.end_day == -1 else p.end_day
        return _Resolved(dt.date(yr[0], m1, d1), dt.date(yr[0], m2, d2), p.kind, yr[1])
    return _Resolved(start, end, "quarter", yr[1])


def _quarters(yr: tuple[int, bool], q1: int, q2: int, y2: int | None = None) -> _Resolved | None:
    y2 = yr[0] if y2 is None else y2
    if (y2, q2) <= (yr[0], q1) or y2 - yr[0] > 1:
        return None
    start, end = _quarter_span(yr[0], q1, q2, y2)
    if y2 == yr[0] and q1 == 1:
        return _Resolved(start, end, "year" if q2 == 4 else "ytd", yr[1])
    return _Resolved(start, end, "quarters", yr[1])


def _resolve_quarter_range(get: Getter, doc_date: dt.date | None, ctx: _Ctx = _NO_CTX) -> _Resolved | None:
    yr = _year(get, doc_date, ctx)
    if yr is None:
        return None
    q1 = _number(get("q1")) if get("q1") else 1
    return _quarters(yr, q1, _number(get("q2")))


def _resolve_half(get: Getter, doc_date: dt.date | None, ctx: _Ctx = _NO_CTX) -> _Resolved | None:
    yr = _year(get, doc_date, ctx)
    if yr is None:
        return None
    h = get("h")
    first = h in ("1", "上", "前", "first", "1st") or h is None
    start, end = _month_span(yr[0], 1, 6) if first else _month_span(yr[0], 7, 12)
    return _Resolved(start, end, "half", yr[1])


def _resolve_year_part(get: Getter, doc_date: dt.date | None, ctx: _Ctx = _NO_CTX) -> _Resolved | None:
    yr = _year(get, doc_date, ctx)
    if yr is None:
        return None
    p = _vocab().parts[("year", get("ypart"))]
    y = yr[0]
    end_day = _last_day(y, p.end_month) if p.end_day == -1 else p.end_day
    return _Resolved(dt.date(y, p.start_month, p.start_day), dt.date(y, p.end_month, end_day), p.kind, yr[1])


def _resolve_cue_part(get: Getter, doc_date: dt.date | None, ctx: _Ctx = _NO_CTX) -> _Resolved | None:
    word = {"early_year": "初", "mid_year": "中", "late_year": "底"}[_vocab().cues[get("cue")]]
    p = _vocab().parts[("year", word)]
    y = int(get("y"))
    return _Resolved(dt.date(y, p.start_month, p.start_day), dt.date(y, p.end_month, p.end_day), p.kind, False)


def _resolve_year(get: Getter, doc_date: dt.date | None, ctx: _Ctx = _NO_CTX) -> _Resolved | None:
    yr = _year(get, doc_date, ctx)
    if yr is None:
        return None
    return _Resolved(dt.date(yr[0], 1, 1), dt.date(yr[0], 12, 31), "year", yr[1])


def _resolve_years(get: Getter, doc_date: dt.date | None, ctx: _Ctx = _NO_CTX) -> _Resolved | None:
    y1 = int(get("y1"))
    if y1 < 100:  # FY24-26
        y1 += 2000
    if v := get("y2"):
        y2 = int(v)
    elif v := get("yy2"):  # 2025-27E: the second year shares the first one's century
        y2 = y1 // 100 * 100 + int(v)
    elif v := get("y2_2"):
        y2 = 2000 + int(v)
    else:
        return None
    # A reversed or very long "range" is more likely two numbers than a period.
    if not y1 < y2 <= y1 + 50:
        return None
    return _Resolved(dt.date(y1, 1, 1), dt.date(y2, 12, 31), "years", False)


def _fy_start(label: int, fy_end: int | None) -> dt.date:
    """First day of fiscal year `label`, named by the calendar year it ends in (FY2024 of a
    January year-end is Feb 2023 - Jan 2024)."""
    if not fy_end or fy_end == 12:
        return dt.date(label, 1, 1)
    return dt.date(label - 1, fy_end + 1, 1)


def _fiscal_span(label: int, fy_end: int | None, first_month: int, months: int) -> tuple[dt.date, dt.date]:
    """`months` months of fiscal year `label`, starting `first_month` (0-based) months in."""
    start = _add_months(_fy_start(label, fy_end), first_month)
    return start, _add_months(start, months) - dt.timedelta(days=1)


_FISCAL_PART = {"quarter": 3, "half": 6, "year": 12, "ytd": 0}


def _fiscal(label: int, fy_end: int | None, part: str, index: int = 1, months: int = 0,
            relative: bool = False) -> _Resolved:
    """Quarter/half `index`, the whole year, or the first `months` months (ytd) of a fiscal year."""
    size = months if part == "ytd" else _FISCAL_PART[part]
    start, end = _fiscal_span(label, fy_end, size * (index - 1) if part != "ytd" else 0, size)
    return _Resolved(start, end, "fiscal_" + part, relative)


def _label_year(get: Getter, *keys: str) -> int | None:
    for k in keys:
        if v := get(k):
            return int(v) if len(v) == 4 else 2000 + int(v)
    return None


def _resolve_fiscal(get: Getter, doc_date: dt.date | None, ctx: _Ctx = _NO_CTX) -> _Resolved | None:
    """FY2024, FY24 Q4, FY2024H1, FY24-26, CY2024, 2024财年 (第四财季): fiscal unless CY."""
    if get("pre") == "CY":
        return _resolve_year(get, doc_date, ctx)
    label = _label_year(get, "y", "yy")
    if label is None:
        return None
    fy_end = ctx.fy_end
    if split := _label_year(get, "ysplit"):
        # Which months FY2024/25 covers depends on the company's calendar: nothing without it.
        if fy_end is None or split != label + 1:
            return None
        label = split
    q = get("q") or get("qc")
    if q:
        return _fiscal(label, fy_end, "quarter", _number(q))
    if h := get("h") or get("h_cn"):
        return _fiscal(label, fy_end, "half", 1 if h in ("1", "上") else 2)
    y2 = _label_year(get, "y2", "yy2")
    if y2 is not None:
        if not label < y2 <= label + 50:
            return None
        return _Resolved(_fy_start(label, fy_end), _fiscal_span(y2, fy_end, 0, 12)[1], "fiscal_years", False)
    return _fiscal(label, fy_end, "year")


def _resolve_fiscal_q(get: Getter, doc_date: dt.date | None, ctx: _Ctx = _NO_CTX) -> _Resolved | None:
    """Q4 FY2024, Q4 fiscal 2024, 4QFY24 (fiscal) or Q4 2024, Q4'24, 4Q24 (calendar)."""
    label = _label_year(get, "y", "yy")
    if label is not None and (get("fis") or get("fis2")):
        return _fiscal(label, ctx.fy_end, "quarter", int(get("q")))
    return _resolve_quarter(get, doc_date, ctx)


def _resolve_fiscal_h(get: Getter, doc_date: dt.date | None, ctx: _Ctx = _NO_CTX) -> _Resolved | None:
    label = _label_year(get, "y", "yy")
    if label is not None and (get("fis") or get("fis2")):
        return _fiscal(label, ctx.fy_end, "half", int(get("h")))
    return _resolve_half(get, doc_date, ctx)


def _nearest(doc_date: dt.date, span: Callable[[int], tuple[dt.date, dt.date]]) -> tuple[dt.date, dt.date]:
    """The occurrence (one per year) whose last day is nearest the document date; ties go to the past."""
    best: tuple[tuple[int, bool], dt.date, dt.date] | None = None
    for y in (doc_date.year - 1, doc_date.year, doc_date.year + 1):
        s, e = span(y)
        key = (abs((e - doc_date).days), e > doc_date)
        if best is None or key < best[0]:
            best = (key, s, e)
    assert best is not None
    return best[1], best[2]


def _yearless(get: Getter, doc_date: dt.date | None, ctx: _Ctx, part: str, index: int) -> _Resolved | None:
    """An English quarter/half/full year named without a year (fourth-quarter, Full-year).

    Read on the company's fiscal calendar when the caller knows it (its own releases say
    "fourth quarter" for the fiscal one), else on the calendar; the year is the sentence's
    stated year if any, else the occurrence ending nearest the document date.
    """
    fiscal = ctx.fy_end is not None
    if rw := get("rw"):
        if doc_date is None:
            return None
        label = doc_date.year + {"this": 0, "last": -1, "next": 1}[rw.lower()]
        fiscal = False
    elif v := get("lay"):
        label = int(v)
        fiscal = fiscal or bool(get("lafis"))
    elif ctx.anchor_year is not None:
        label = ctx.anchor_year
    elif doc_date is not None:
        fy_end = ctx.fy_end

        def span(y: int) -> tuple[dt.date, dt.date]:
            r = _fiscal(y, fy_end, part, index)
            return r.period_start, r.period_end

        s, e = _nearest(doc_date, span)
        return _Resolved(s, e, ("fiscal_" if fiscal else "") + part, True)
    else:
        return None
    r = _fiscal(label, ctx.fy_end if fiscal else None, part, index, relative=not get("lay"))
    return r if fiscal else r._replace(kind=part)


_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}


def _resolve_en_quarter(get: Getter, doc_date: dt.date | None, ctx: _Ctx = _NO_CTX) -> _Resolved | None:
    q = _ORDINALS[get("qw").lower()]
    if not get("y"):
        return _yearless(get, doc_date, ctx, "quarter", q)
    if get("fis"):
        return _fiscal(int(get("y")), ctx.fy_end, "quarter", q)
    start, end = _quarter_span(int(get("y")), q)
    return _Resolved(start, end, "quarter", False)


def _resolve_en_half(get: Getter, doc_date: dt.date | None, ctx: _Ctx = _NO_CTX) -> _Resolved | None:
    h = 1 if get("hw").lower() in ("first", "1st") else 2
    if not get("y"):
        return _yearless(get, doc_date, ctx, "half", h)
    if get("fis"):
        return _fiscal(int(get("y")), ctx.fy_end, "half", h)
    y = int(get("y"))
    start, end = _month_span(y, 1, 6) if h == 1 else _month_span(y, 7, 12)
    return _Resolved(start, end, "half", False)


def _resolve_full_year(get: Getter, doc_date: dt.date | None, ctx: _Ctx = _NO_CTX) -> _Resolved | None:
    return _yearless(get, doc_date, ctx, "year", 1)


def _resolve_first_months(get: Getter, doc_date: dt.date | None, ctx: _Ctx = _NO_CTX) -> _Resolved | None:
    n = {"three": 3, "six": 6, "nine": 9, "3": 3, "6": 6, "9": 9}[get("nm").lower()]
    if get("fis") and get("y"):
        return _fiscal(int(get("y")), ctx.fy_end, "ytd", months=n)
    yr = _year(get, doc_date, ctx)
    if yr is None:
        return None
    start, end = _month_span(yr[0], 1, n)
    return _Resolved(start, end, "ytd", False)


def _resolve_en_months(get: Getter, doc_date: dt.date | None, ctx: _Ctx = _NO_CTX) -> _Resolved | None:
    """April-June 2024, Jan-Mar; a year-less range takes the sentence's year or the nearest one."""
    names = _vocab().month_names
    m1, m2 = names[get("mn")], names[get("mn2")]
    if m2 <= m1:
        return None
    if get("y"):
        start, end = _month_span(int(get("y")), m1, m2)
        return _Resolved(start, end, "months", False)
    if ctx.anchor_year is not None:
        start, end = _month_span(ctx.anchor_year, m1, m2)
    elif doc_date is not None:
        start, end = _nearest(doc_date, lambda y: _month_span(y, m1, m2))
    else:
        return None
    return _Resolved(start, end, "months", True)


_NUMBER_WORDS = {"three": 3, "six": 6, "nine": 9, "twelve": 12, "thirteen": 13, "fifty-two": 52,
                 "fifty-three": 53, "三": 3, "六": 6, "九": 9, "十二": 12}
_WEEKS_KIND = {13: "quarter", 26: "half", 39: "months", 52: "year", 53: "year"}


def _resolve_ended(get: Getter, doc_date: dt.date | None, ctx: _Ctx = _NO_CTX) -> _Resolved | None:
    """The N months (or weeks) ending on a stated date: quarter ended January 28, 2024,
    six months ended June 30, 2024, 截至2024年6月30日止六个月, fiscal year ended ....

    A month-end date covers whole calendar months (quarter ended June 30 is April-June);
    another date (52/53-week calendars) starts the day after the same date N months earlier.
    Calendar-aligned spans get the calendar kinds, the others fiscal_* (or months).
    """
    names = _vocab().month_names
    mn = get("mn") or get("mn_b")
    month = names[mn] if mn else _number(get("m"))
    end = _date(int(get("y")), month, int(get("d") or get("d_b")))
    if end is None:
        return None
    weeks = get("nw")
    if weeks:
        n_weeks = int(weeks) if weeks.isdigit() else _NUMBER_WORDS[weeks.lower()]
        if n_weeks not in _WEEKS_KIND:
            return None
        start = end - dt.timedelta(days=7 * n_weeks - 1)
        kind = _WEEKS_KIND[n_weeks]
        return _Resolved(start, end, kind if kind == "months" else "fiscal_" + kind, False)
    if get("qw") or get("qr"):
        n = 3
    elif get("hw"):
        n = 6
    elif get("yw"):
        n = 12
    else:
        nm = get("nm")
        n = int(nm) if nm.isdigit() else _NUMBER_WORDS.get(nm.lower(), 0) if nm.isascii() else _NUMBER_WORDS.get(nm, 0)
    if n not in (3, 6, 9, 12):
        return None
    month_end = end.day == _last_day(end.year, end.month)
    if month_end:
        start = _add_months(end.replace(day=1), -(n - 1))
    else:
        start = _add_months(end, -n) + dt.timedelta(days=1)
    aligned = month_end and start.day == 1
    if n == 9:
        kind = "ytd" if aligned and start.month == 1 else "months"
    else:
        part = {3: "quarter", 6: "half", 12: "year"}[n]
        calendar_aligned = aligned and (start.month - 1) % n == 0
        kind = part if calendar_aligned else "fiscal_" + part
    return _Resolved(start, end, kind, False)


def _resolve_since(get: Getter, doc_date: dt.date | None, ctx: _Ctx = _NO_CTX) -> _Resolved | None:
    if doc_date is None:
        return None
    month = int(get("mo")) if get("mo") else 1
    start = dt.date(int(get("y")), month, 1)
    return _Resolved(start, doc_date, "since", True) if start <= doc_date else None


def _resolve_ytd(get: Getter, doc_date: dt.date | None, ctx: _Ctx = _NO_CTX) -> _Resolved | None:
    yr = _year(get, doc_date, ctx)
    if yr is None or doc_date is None or yr[0] > doc_date.year:
        return None
    return _Resolved(dt.date(yr[0], 1, 1), doc_date, "ytd" if yr[0] == doc_date.year else "since", True)


def _resolve_en_cue(get: Getter, doc_date: dt.date | None, ctx: _Ctx = _NO_CTX) -> _Resolved | None:
    cue = get("cue")
    role = _vocab().cues[cue]
    if role == "since":
        return _resolve_since(get, doc_date)
    if role in ("early_year", "mid_year", "late_year"):
        return _resolve_cue_part(get, doc_date)
    if _lower_ascii(cue).startswith("fiscal"):
        return _fiscal(int(get("y")), ctx.fy_end, "year")
    return _resolve_year(get, doc_date, ctx)


def _lower_ascii(s: str) -> str:
    return s.lower() if s.isascii() else s


def _resolve_relative_en(get: Getter, doc_date: dt.date | None, ctx: _Ctx = _NO_CTX) -> _Resolved | None:
    """this year, last year, next year: calendar years around the document date."""
    if doc_date is None:
        return None
    y = doc_date.year + {"this": 0, "last": -1, "next": 1}[get("rw").lower()]
    return _Resolved(dt.date(y, 1, 1), dt.date(y, 12, 31), "year", True)


def _resolve_q_bare(get: Getter, doc_date: dt.date | None, ctx: _Ctx = _NO_CTX) -> _Resolved | None:
    """Q3 alone: the document year's quarter, or the company's fiscal quarter when its calendar is known."""
    if ctx.fy_end is not None and not get("q2"):
        return _yearless(get, doc_date, ctx, "quarter", int(get("q")))
    return _resolve_quarter(get, doc_date, ctx)


def _resolve_fiscal_quarter_bare(get: Getter, doc_date: dt.date | None, ctx: _Ctx = _NO_CTX) -> _Resolved | None:
    """第三财季 with no year: the sentence's fiscal year, else the one ending nearest the document date."""
    return _yearless(get, doc_date, ctx._replace(fy_end=ctx.fy_end or 12), "quarter", _number(get("q")))


def _resolve_relative_span(get: Getter, doc_date: dt.date | None, ctx: _Ctx = _NO_CTX) -> _Resolved | None:
    if doc_date is None:
        return None
    n = _cn_number(get("n"))
    if not n or n > 30:
        return None
    future = get("rw") in ("未来", "今后")
    if get("u") == "年":
        if future:
            return _Resolved(dt.date(doc_date.year + 1, 1, 1), dt.date(doc_date.year + n, 12, 31), "years", True)
        return _Resolved(_shift_years(doc_date, -n) + dt.timedelta(days=1), doc_date, "trailing", True)
    if future:
        return _Resolved(doc_date + dt.timedelta(days=1), _add_months(doc_date, n), "coming", True)
    return _Resolved(_add_months(doc_date, -n) + dt.timedelta(days=1), doc_date, "trailing", True)


def _resolve_trailing_quarters(get: Getter, doc_date: dt.date | None, ctx: _Ctx = _NO_CTX) -> _Resolved | None:
    if doc_date is None:
        return None
    if get("w") == "YTD":
        return _Resolved(dt.date(doc_date.year, 1, 1), doc_date, "ytd", True)
    # The last quarter that ended before the document date: a report dated on a quarter's
    # last day cannot hold that quarter's results yet.
    q_start = dt.date(doc_date.year, 3 * ((doc_date.month - 1) // 3) + 1, 1)
    end = q_start - dt.timedelta(days=1)
    start = _add_months(end.replace(day=1), -11)
    return _Resolved(start, end, "ttm", True)


def _resolve_relative_word(get: Getter, doc_date: dt.date | None, ctx: _Ctx = _NO_CTX) -> _Resolved | None:
    if doc_date is None:
        return None
    rel = _vocab().relative_years[get("rw")]
    return _Resolved(dt.date(doc_date.year + rel.first, 1, 1), dt.date(doc_date.year + rel.last, 12, 31),
                     "year" if rel.first == rel.last else "years", True)


_SAME_PERIOD = "same_period"


def _resolve_same_period(get: Getter, doc_date: dt.date | None, ctx: _Ctx = _NO_CTX) -> _Resolved | None:
    # Placeholder dates; the anchor found in the second pass replaces them.
    return _Resolved(dt.date.min, dt.date.min, _SAME_PERIOD, True)


class _Branch(NamedTuple):
    name: str
    pattern: str
    resolve: Resolver
    may_be_bare: bool = False   # year-less form: checked against the character before it


def _branches() -> list[_Branch]:
    v = _vocab()
    rel_prefix = _alternation([w for w, r in v.relative_years.items() if r.can_prefix])
    rel_all = _alternation(list(v.relative_years))
    month_name = _alternation(list(v.month_names))
    month_tail = r"(?![A-Za-z])\.?"
    mparts, yparts, qparts = (v.part_patterns[s] for s in ("month", "year", "quarter"))
    cue_year = _alternation([c for c, r in v.cues.items() if r in ("year_context", "year_label", "since",
                                                                       "early_year", "mid_year", "late_year")])
    # A stated year heading a Chinese chain. The scraped form keeps only a space where 年 was
    # (2024 4 月), so a bare year followed by spaces is accepted here, and only here, because
    # every chain that uses it must end in 月, 日, 季度 or 半年.
    yp = (rf"(?:(?<![\d.])(?P<y>{_Y4})(?:{_S}年{_S}|{_SP})|(?P<cy>{_CN_YEAR}){_S}年{_S}"
          rf"|(?P<ry>{rel_prefix}){_S})")
    bare = r"(?<![\d.\-/~])"
    b = _Branch
    return [
        b("ymd_iso", rf"(?<![\d.\-/])(?P<y>{_Y4})(?P<sep>[-/.])(?P<m>{_MON})(?P=sep)(?P<d>{_DAY})(?!\.\d)",
          _resolve_day),
        b("years", rf"(?<![\d.\-/])(?P<y1>{_Y4})[EAe]?{_S}(?:年度?{_S})?(?:{_RANGE}|{_SP}(?:to|through){_SP}){_S}"
                   rf"(?:(?P<y2>{_Y4})(?!\d)|(?P<yy2>\d\d)(?!\d)(?=[EAe]|{_S}年))(?:{_S}年度?)?", _resolve_years),
        b("years_scraped", rf"(?<![\d.])(?P<y1>{_Y4}){_SP}(?P<y2>{_Y4}){_S}年度?", _resolve_years),
        b("years_between", rf"(?<![A-Za-z])(?:[Bb]etween|[Ff]rom){_SP}(?P<y1>{_Y4}){_SP}(?:and|to|through){_SP}"
                           rf"(?P<y2>{_Y4})(?!\d)", _resolve_years),
        b("fy_years", rf"(?<![A-Za-z])FY{_S}(?P<y>\d\d){_S}[-~]{_S}(?:FY{_S})?(?P<yy2>\d\d){_END}",
          _resolve_fiscal),
        b("cn_fiscal", rf"(?<![\d.])(?P<y>{_Y4}){_SPLIT}?{_S}{_CN_FY}(?:{_S}(?:[Qq](?P<q>[1-4])|{_CN_FQ}|(?P<h_cn>[上下])半年))?",
          _resolve_fiscal),
        b("cn_fiscal_quarter", rf"(?<![\d.])(?P<y>{_Y4}){_S}年{_S}(?:第{_S})?(?P<qc>{_QN}){_S}[财財]季", _resolve_fiscal),
        b("cn_ended", rf"(?<![\d.])(?P<y>{_Y4}){_S}年{_S}(?P<m>{_MON}){_S}月{_S}(?P<d>{_DAY}){_S}日{_S}[止的]{_S}"
                      rf"(?:的{_S})?(?:(?P<nm>十二|[三六九]|12|[369]){_S}[个個]{_S}月|(?P<yw>(?:财政|財政|会计|會計)?年度)"
                      rf"|(?P<qr>季度))", _resolve_ended),
        b("en_ended", rf"(?<![A-Za-z])(?:(?P<qw>(?i:first|second|third|fourth))[ -](?:(?i:fiscal)[ -])?(?i:quarter)"
                      rf"|(?:(?i:fiscal)[ -])?(?P<qr>(?i:quarter))|(?P<hw>(?i:first|second)[ -]half|(?i:half[ -]year))"
                      rf"|(?P<nm>(?i:three|six|nine|twelve)|3|6|9|12)[ -](?i:months?)"
                      rf"|(?P<nw>(?i:thirteen|fifty-two|fifty-three)|13|26|39|52|53)[ -](?i:weeks?)"
                      rf"|(?P<yw>(?:(?i:full)[ -])?(?:(?i:fiscal)[ -])?(?i:year)))"
                      rf"{_SP}(?i:ended|ending)(?:{_SP}(?i:on))?{_SP}"
                      rf"(?:(?P<mn>{month_name}){month_tail}{_SP}(?P<d>{_DAY})(?:st|nd|rd|th)?,?"
                      rf"|(?P<d_b>{_DAY}){_SP}(?P<mn_b>{month_name}){month_tail},?){_SP}(?P<y>{_Y4})(?!\d)",
          _resolve_ended),
        b("iso_month", rf"(?<![\w\-/.])(?P<y>{_Y4})-(?P<m>0[1-9]|1[0-2])(?![\d\-/.])", _resolve_month),
        b("since_cn", rf"(?<![\d.])(?P<y>{_Y4}){_S}年(?:{_S}(?P<mo>{_MON}){_S}月)?{_S}(?:以来|至今)",
          _resolve_since),
        b("since_relative", rf"(?P<ry>{rel_prefix}){_S}(?:以来|至今)", _resolve_ytd),
        b("ytd_cn", rf"(?:(?<![\d.])(?P<y>{_Y4}){_S}年|(?P<ry>{rel_prefix})年?|年)初(?:至今|以来)", _resolve_ytd),
        b("cn_day", rf"{yp}(?P<m>{_MON})(?:{_S}月{_S}|{_SP})(?P<d>{_DAY}){_S}[日号]", _resolve_day),
        b("cn_months", rf"(?:{yp}|{bare})(?P<m1>{_MON}){_S}(?:月{_S})?{_RANGE}{_S}(?:(?P<y2>{_Y4}){_S}年{_S})?"
                       rf"(?P<m2>{_MON}){_S}月份?", _resolve_months, may_be_bare=True),
        b("cn_day_bare", rf"{bare}(?P<m>{_MON}|{_CN_MON}){_S}月{_S}(?P<d>{_DAY}){_S}[日号]", _resolve_day,
          may_be_bare=True),
        b("cn_month", rf"(?:{yp}|{bare})(?P<m>{_MON}|{_CN_MON}){_S}月份?(?:{_S}(?P<mpart>{mparts}))?",
          _resolve_month, may_be_bare=True),
        b("cn_quarter_range", rf"(?:{yp}|{bare})(?:第{_S})?(?P<q1>{_QN}){_S}(?:季度{_S})?{_RANGE}{_S}(?:第{_S})?"
                              rf"(?P<q2>{_QN}){_S}季度", _resolve_quarter_range, may_be_bare=True),
        b("cn_ytd_quarters", rf"(?:{yp}|{bare})前(?P<q2>[二两三]){_S}(?:个{_S})?季度", _resolve_quarter_range,
          may_be_bare=True),
        b("cn_quarter", rf"(?:{yp}|{bare})(?:单{_S})?(?:第{_S})?(?P<q>{_QN}){_S}(?:季度|(?<=[一1])季报)"
                        rf"(?:{_S}(?P<qpart>{qparts})|{_SINGLE})?",
          _resolve_quarter, may_be_bare=True),
        # 第三季 (Hong Kong and Taiwan usage: 美团第三季收入) is the quarter; 季节/季报 are not.
        b("cn_quarter_short", rf"(?:{yp}|{bare})第{_S}(?P<q>{_QN}){_S}季(?![度报节])", _resolve_quarter,
          may_be_bare=True),
        b("cn_half", rf"(?:{yp}|{bare})(?P<h>上|下|前|后)半年度?", _resolve_half, may_be_bare=True),
        b("cn_half_report", rf"(?:{yp}(?:半年{_S}报|中{_S}报)|半年报)", _resolve_half, may_be_bare=True),
        b("year_part", rf"(?:(?<![\d.])(?P<y>{_Y4}){_S}年|(?P<cy>{_CN_YEAR}){_S}年|(?P<ry>{rel_prefix})"
                       rf"|(?P<bare>年))(?P<ypart>{yparts})", _resolve_year_part, may_be_bare=True),
        b("yq", rf"(?<![A-Za-z0-9.])(?P<y>{_Y4}){_S}(?:年{_S})?[Qq](?P<q>[1-4])"
                rf"(?:{_S}[-~]{_S}(?:(?P<y2>{_Y4}){_S})?[Qq](?P<q2>[1-4]))?{_END}{_SINGLE}?", _resolve_quarter),
        b("yh", rf"(?<![A-Za-z0-9.])(?P<y>{_Y4}){_S}(?:年{_S})?[Hh](?P<h>[12]){_END}", _resolve_half),
        b("same_period_year", rf"(?<![\d.])(?P<y>{_Y4}){_S}年度?{_S}同期", _resolve_same_period),
        b("year", rf"(?<![\d.])(?P<y>{_Y4})(?:{_S}年度?(?:{_S}(?:全年|一整年|整年))?|{_S}(?:全年|一整年|整年)"
                  rf"|(?=(?!A{_S}股)[EAe](?![A-Za-z0-9])))(?!{_S}[二三]季报)", _resolve_year),
        b("year_cn", rf"(?P<cy>{_CN_YEAR}){_S}年度?", _resolve_year),
        b("y2q", rf"(?<![A-Za-z0-9.])(?P<yy>\d\d)[Qq](?P<q>[1-4]){_END}{_SINGLE}?", _resolve_quarter),
        b("nqy", rf"(?<![A-Za-z0-9.])(?P<q>[1-4])[Qq](?:{_S}(?:(?P<fis>FY){_S})?(?P<y>{_Y4})|(?P<fis2>FY)?(?P<yy>\d\d))"
                 rf"{_END}{_SINGLE}?", _resolve_fiscal_q),
        b("nhy", rf"(?<![A-Za-z0-9.])(?P<h>[12])[Hh](?:{_S}(?:(?P<fis>FY){_S})?(?P<y>{_Y4})|(?P<fis2>FY)?(?P<yy>\d\d))"
                 rf"{_END}", _resolve_fiscal_h),
        b("nmy", rf"(?<![A-Za-z0-9.])(?P<nm>[369])M(?:(?P<y>{_Y4})|(?P<yy>\d\d)){_END}", _resolve_first_months),
        b("qy", rf"(?<![A-Za-z0-9])Q(?P<q>[1-4]){_S}(?:(?P<fis>{_FISCAL}){_S}(?P<y>{_Y4})|(?P<fis2>FY){_S}(?P<yy>\d\d)"
                rf"|(?P<y_b>{_Y4})|['’](?P<yy_b>\d\d))(?!\d)", _resolve_fiscal_q),
        b("hy", rf"(?<![A-Za-z0-9])H(?P<h>[12]){_S}(?:(?P<fis>{_FISCAL}){_S}(?P<y>{_Y4})|(?P<fis2>FY){_S}(?P<yy>\d\d)"
                rf"|(?P<y_b>{_Y4})|['’](?P<yy_b>\d\d))(?!\d)", _resolve_fiscal_h),
        b("fy", rf"(?<![A-Za-z])(?P<pre>FY|CY){_S}(?:(?P<y>{_Y4})|(?P<yy>\d\d))(?!\d){_SPLIT}?(?:{_S}{_CN_FY})?"
                rf"(?:{_S}(?:[Qq](?P<q>[1-4])|[Hh](?P<h>[12])|{_CN_FQ}|(?P<h_cn>[上下])半年))?"
                rf"(?:{_S}[-~]{_S}(?:FY{_S})?(?:(?P<y2>{_Y4})|(?P<yy2>\d\d))(?!\d))?{_END}", _resolve_fiscal),
        b("en_quarter", rf"(?<![A-Za-z])(?P<qw>(?i:first|second|third|fourth|1st|2nd|3rd|4th))[ -](?i:quarter)"
                        rf"(?![A-Za-z])(?:{_EN_YEAR_TAIL})", _resolve_en_quarter),
        b("en_half", rf"(?<![A-Za-z])(?P<hw>(?i:first|second|1st|2nd))[ -](?i:half)(?![A-Za-z])(?:{_EN_YEAR_TAIL})",
          _resolve_en_half),
        b("en_first_months", rf"(?<![A-Za-z])(?i:first){_SP}(?P<nm>(?i:three|six|nine))[ -](?i:months)"
                             rf"(?:{_SP}(?i:of))?(?:{_SP}(?P<fis>(?i:fiscal(?: year)?)))?{_SP}(?P<y>{_Y4})(?!\d)",
          _resolve_first_months),
        b("en_months", rf"(?<![A-Za-z])(?P<mn>{month_name}){month_tail}(?:{_S}-{_S}|{_SP}(?i:to|through){_SP})"
                       rf"(?P<mn2>{month_name}){month_tail}(?![A-Za-z])(?:,?{_SP}(?P<y>{_Y4})(?!\d))?", _resolve_en_months),
        b("en_mdy", rf"(?<![A-Za-z])(?P<mn>{month_name}){month_tail}{_SP}"
                    rf"(?P<d>{_DAY})(?:st|nd|rd|th)?,?{_SP}(?P<y>{_Y4})(?!\d)", _resolve_day),
        b("en_dmy", rf"(?<![A-Za-z0-9])(?P<d>{_DAY}){_SP}(?P<mn>{month_name}){month_tail},?"
                    rf"{_SP}(?P<y>{_Y4})(?!\d)", _resolve_day),
        b("en_my", rf"(?<![A-Za-z])(?P<mn>{month_name}){month_tail},?{_SP}"
                   rf"(?P<y>{_Y4})(?!\d)", _resolve_month),
        b("en_cue", rf"(?<![A-Za-z])(?P<cue>{cue_year})(?:(?<=-){_S}|{_SP})(?P<y>{_Y4})(?!\d)(?!\.\d)"
                    rf"(?!{_S}(?:[%万亿千百个年台家元]))", _resolve_en_cue),
        b("en_full_year", rf"(?<![A-Za-z])(?i:full)[ -](?i:year)(?![A-Za-z])(?!{_S}[-~]?{_S}\d)", _resolve_full_year),
        b("en_relative_year", r"(?<![A-Za-z])(?<!(?i:the) )(?P<rw>(?i:this|last|next))[ \t]+(?i:year)(?![A-Za-z])",
          _resolve_relative_en),
        b("cn_fiscal_quarter_bare", rf"{bare}(?:第{_S})?(?P<q>{_QN}){_S}[财財]季", _resolve_fiscal_quarter_bare,
          may_be_bare=True),
        b("relative_span", rf"(?P<rw>过去|近|最近|未来|今后){_S}(?P<n>\d{{1,2}}|[一二两三四五六七八九十]{{1,2}}){_S}"
                           rf"(?:个{_S})?(?P<u>年|月)(?![均度代龄前后份])", _resolve_relative_span),
        b("ttm", r"(?<![A-Za-z])(?P<w>TTM|LTM|YTD)(?![A-Za-z])", _resolve_trailing_quarters),
        b("same_period", r"(?:(?P<pre>去年|上年度|上年)[ \t]*)?同期", _resolve_same_period),
        b("q_bare", rf"(?<![A-Za-z0-9])Q(?P<q>[1-4])(?:{_S}[-~]{_S}Q(?P<q2>[1-4]))?{_END}{_SINGLE}?", _resolve_q_bare,
          may_be_bare=True),
        b("relative_word", rf"(?P<rw>{rel_all})(?:(?<=年)度)?", _resolve_relative_word),
    ]


# Which branches can start with the next few characters.
#
# At each candidate the combined regex enters every one of its ~40 branches in turn (each starts
# with a named group, so the engine cannot skip it on its first character) until one matches;
# that was most of find_periods' time, mostly on numbers that are no period at all (12.5).
# Most branches can only start with a few character sequences (a stated year with 19/20, a
# quarter with Q1-Q4), so the branches worth trying at a position are chosen from its next
# _PREFIX_LEN characters and only those are tried, in their original order. The first of them
# that matches is the branch the full alternation would have taken: a branch left out could
# not have matched there.
#
# A stated year (2024年, 2024 年, 2024Q3, 2024-2026E, 2024-03-14) starts ~25 branches, and its
# three characters cannot tell them apart: each of them read the year again and failed on what
# follows it, most of the matching time. So at a year the branches are chosen again from its
# next _YEAR_PREFIX_LEN characters (2024 年第: a quarter, not a month or a day), and the few
# left are tried one by one (_year_dispatch).
_PREFIX_LEN = 3
_YEAR_PREFIX_LEN = 7
_YEAR_HEAD = re.compile(r"(?:19|20)[0-9]")
_ANY_CHAR = "(?s:.)"
_CATEGORY = {_sre.CATEGORY_DIGIT: r"\d", _sre.CATEGORY_NOT_DIGIT: r"\D", _sre.CATEGORY_SPACE: r"\s",
             _sre.CATEGORY_NOT_SPACE: r"\S", _sre.CATEGORY_WORD: r"\w", _sre.CATEGORY_NOT_WORD: r"\W"}
_REPEATS = (_sre.MAX_REPEAT, _sre.MIN_REPEAT, getattr(_sre, "POSSESSIVE_REPEAT", _sre.MAX_REPEAT))
_ZERO_WIDTH = (_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT)
Prefixes = set[tuple[str, ...]]


def _any_prefixes(k: int) -> Prefixes:
    return {(_ANY_CHAR,) * j for j in range(k + 1)}


def _one_char(op: Any, av: Any, flags: int) -> str:
    """A pattern for the one character a LITERAL, NOT_LITERAL, IN or ANY item matches."""
    if op is _sre.ANY:
        return _ANY_CHAR
    if op is _sre.LITERAL:
        pat = re.escape(chr(av))
    elif op is _sre.NOT_LITERAL:
        pat = "[^" + re.escape(chr(av)) + "]"
    else:
        inner = []
        for iop, iav in av:
            if iop is _sre.NEGATE:
                inner.append("^")
            elif iop is _sre.LITERAL:
                inner.append(re.escape(chr(iav)))
            elif iop is _sre.RANGE:
                inner.append(re.escape(chr(iav[0])) + "-" + re.escape(chr(iav[1])))
            else:  # CATEGORY; anything else raises KeyError: the branch is then always tried
                inner.append(_CATEGORY[iav])
        pat = "[" + "".join(inner) + "]"
    return f"(?i:{pat})" if flags & _sre.SRE_FLAG_IGNORECASE else pat


def _then(heads: Prefixes, tails: Callable[[int], Prefixes], k: int) -> Prefixes:
    """`heads` followed by what `tails(n)` gives for the n characters still to fill."""
    out = {h for h in heads if len(h) == k}
    open_heads = [h for h in heads if len(h) < k]
    if open_heads:
        need = k - min(len(h) for h in open_heads)
        tail = tails(need)
        for h in open_heads:
            room = k - len(h)
            out.update(h + t[:room] for t in tail)
    return out


def _prefixes(items: Any, k: int, flags: int) -> Prefixes:
    """The possible first `k` characters (each as a one-character pattern) of a parsed
    sequence; a shorter tuple means the sequence can end there. Lookarounds are skipped, so
    this is a superset: it can let through more branches, never fewer."""
    out: Prefixes = {()}
    for op, av in items:
        out = _then(out, functools.partial(_item_prefixes, op, av, flags=flags), k)
        if all(len(t) == k for t in out):
            break
    return out


def _item_prefixes(op: Any, av: Any, k: int, flags: int) -> Prefixes:
    if op in (_sre.LITERAL, _sre.NOT_LITERAL, _sre.IN, _sre.ANY):
        return {(_one_char(op, av, flags),)}
    if op in _ZERO_WIDTH:
        return {()}
    if op is _sre.SUBPATTERN:
        _group, add, remove, sub = av
        return _prefixes(sub, k, (flags | add) & ~remove)
    if op is getattr(_sre, "ATOMIC_GROUP", None):
        return _prefixes(av, k, flags)
    if op is _sre.BRANCH:
        return set().union(*(_prefixes(alt, k, flags) for alt in av[1]))
    if op in _REPEATS:
        lo, hi, sub = av
        once = _prefixes(sub, k, flags)
        if lo > k and () in once:
            return _any_prefixes(k)
        out: Prefixes = set()
        copies: Prefixes = {()}
        for n in range(min(hi, k) + 1):
            if n >= min(lo, k):
                out |= copies
            copies = _then(copies, lambda _n: once, k)
        return out
    # A back reference (or an item this reading does not know) may match anything.
    return _any_prefixes(k)


def _start_test(parsed: Any) -> re.Pattern[str] | None:
    """A regex the next _PREFIX_LEN characters must match for a branch (`parsed`: its pattern as
    _parser reads it) to match there, or None when the branch must always be tried."""
    try:
        found = _prefixes(parsed, _PREFIX_LEN, 0)
    except (KeyError, TypeError, ValueError, re.error):
        return None
    if () in found or not found:
        return None
    return re.compile("|".join(sorted("".join(t) for t in found)))


_YEARS = tuple(f"{c}{d}" for c in (19, 20) for d in range(10))   # what _YEAR_HEAD matches
_NEVER = re.compile("(?!)")   # the year test of a branch that cannot start at a year


@functools.cache
def _digits_of(one_char: str) -> frozenset[str]:
    """The digits a one-character pattern (from _prefixes) matches."""
    return frozenset(filter(re.compile(one_char).fullmatch, "0123456789"))


@functools.cache
def _fits_year(start: tuple[str, ...]) -> bool:
    """Whether the one-character patterns `start` (up to 3) can read the first characters of a year."""
    digits = [_digits_of(p) for p in start]
    return any(all(y[i] in d for i, d in enumerate(digits)) for y in _YEARS)


def _year_test(parsed: Any) -> re.Pattern[str] | None:
    """A regex the characters after a year's first three (the 4 年第 of 2024 年第) must match for
    a branch (`parsed`, as for _start_test) to match at the year, or None when the branch must
    always be tried there. Only the starts (_prefixes) whose first three characters can read a
    year are kept; what they ask of those three is left out, so the test may let a branch
    through, never keep one out."""
    try:
        found = _prefixes(parsed, _YEAR_PREFIX_LEN, 0)
    except (KeyError, TypeError, ValueError, re.error):
        return None
    tails = {t[_PREFIX_LEN:] for t in found if _fits_year(t[:_PREFIX_LEN])}
    if () in tails:
        return None
    return re.compile(_trie(tails)) if tails else _NEVER


class _Hit(NamedTuple):
    """What find_periods needs about one branch of a _Dispatch regex when that branch matched."""

    branch: _Branch
    # The branch's own group, then its inner groups, as indices in the regex, and their
    # unprefixed names ("" for the branch's own group). A branch without inner groups lists its
    # own twice, so m.group(*groups) is always a tuple.
    groups: tuple[int, ...]
    names: tuple[str, ...]
    stated: tuple[str, ...]   # its keys of a stated year (_STATED_KEYS)
    years: tuple[str, ...]    # its keys that name a year (_YEAR_KEYS)
    checked: bool             # _context_allows has something to look at for this branch
    yearless: bool            # a form that may name no year (read against its sentence)


class _Dispatch(NamedTuple):
    """The branches that could match at positions starting with one prefix, as one regex."""

    regex: re.Pattern[str]
    hits: dict[str, _Hit]   # branch name (m.lastgroup) -> what to read from its match


_FormKey = tuple[str, tuple["str | None", ...]]


class _Form(NamedTuple):
    """What one form (a branch and the values of its groups) settles, whatever its place. The
    same forms recur (2024年, Q3, 同期), so find_periods reads each once and keeps it."""

    branch: _Branch
    get: Getter               # the value of one of its groups by its unprefixed name
    rule: _Rule | None        # what its neighbours must pass, None when anything passes
    yearless: bool            # names no year: read against its sentence (_anchor_year)
    year_context: bool        # "in 2024": the cue stays out of the surface
    # Fiscal year-end month (None: calendar) -> its resolution without a document date (_settle)
    settled: dict[int | None, Any]


def _form(hit: _Hit, name: str, values: tuple[str | None, ...]) -> _Form:
    br = hit.branch
    get: Getter = dict(zip(hit.names, values, strict=True)).get
    return _Form(
        br, get, _rule(br, get, hit.stated) if hit.checked else None,
        hit.yearless and not any(map(get, hit.years)),
        name == "en_cue" and _vocab().cues[get("cue")] == "year_context", {})


class _Compiled(NamedTuple):
    candidates: re.Pattern[str]
    branches: dict[str, _Branch]
    asof_cues: tuple[str, ...]
    asof_ends: str   # the last characters of asof_cues
    # (branch, its regex part, its start test, its start test at a year)
    parts: tuple[tuple[str, str, re.Pattern[str] | None, re.Pattern[str] | None], ...]
    # Filled as prefixes are met; at a year prefix (202), a table of the branches to try by the
    # next characters (4 年第), see _year_dispatch.
    by_prefix: dict[str, _Dispatch | dict[str, tuple[_Dispatch, ...]] | None]
    by_branches: dict[tuple[str, ...], _Dispatch]
    forms: dict[_FormKey, _Form]   # (branch, its group values) -> what they settle


def _dispatch(compiled: _Compiled, prefix: str) -> _Dispatch | dict[str, tuple[_Dispatch, ...]] | None:
    """The branches that could match at a position whose next characters are `prefix`; at a
    year, an empty table for _year_dispatch to fill."""
    found: _Dispatch | dict[str, tuple[_Dispatch, ...]] | None
    if _YEAR_HEAD.fullmatch(prefix):
        found = {}
    else:
        names = tuple(name for name, _part, test, _year_test in compiled.parts
                      if test is None or test.match(prefix))
        found = _branch_set(compiled, names) if names else None
    if len(compiled.by_prefix) > 200_000:  # a bound on memory for a long-running process
        compiled.by_prefix.clear()
    compiled.by_prefix[prefix] = found
    return found


def _year_dispatch(compiled: _Compiled, prefix: str, tail: str,
                   by_tail: dict[str, tuple[_Dispatch, ...]]) -> tuple[_Dispatch, ...]:
    """The branches that could match at a year whose first characters are `prefix` (202) and
    the next ones `tail` (4 年第), in order, each as its own regex; kept in `by_tail`, the table
    by_prefix holds for `prefix`. They are few (2024年3月: a day, a month range, a month or
    the year), and each is compiled once, whereas one regex per combination would be compiled
    again for every new one."""
    found = tuple(
        _branch_set(compiled, (name,)) for name, _part, test, year_test in compiled.parts
        if year_test is not _NEVER and (test is None or test.match(prefix))
        and (year_test is None or year_test.match(tail)))
    if len(by_tail) > 50_000:  # as for by_prefix
        by_tail.clear()
    by_tail[tail] = found
    return found


def _branch_set(compiled: _Compiled, names: tuple[str, ...]) -> _Dispatch:
    """One regex of the branches `names` (at least one), kept for the next prefix that needs them."""
    if (found := compiled.by_branches.get(names)) is None:
        regex = re.compile("|".join(part for name, part, _test, _year_test in compiled.parts if name in names))
        keys: dict[str, dict[str, int]] = {name: {"": regex.groupindex[name]} for name in names}
        for group, idx in regex.groupindex.items():
            branch, sep, key = group.partition("__")
            if sep:
                keys[branch][key] = idx
        hits = {}
        for name, k in keys.items():
            br = compiled.branches[name]
            if len(k) == 1:
                k = {"": k[""], " ": k[""]}
            hits[name] = _Hit(
                br, tuple(k.values()), tuple(k),
                tuple(key for key in _STATED_KEYS if key in k), tuple(key for key in _YEAR_KEYS if key in k),
                br.may_be_bare or "ry" in k or name in _CHECKED, br.may_be_bare or name in _YEARLESS_EN)
        found = compiled.by_branches[names] = _Dispatch(regex, hits)
    return found


@functools.cache
def _compiled() -> _Compiled:
    parts = []
    branches = {}
    for br in _branches():
        # Every branch reuses short group names (y, m, d); prefixing them lets any of the
        # branches share one regex (see _dispatch), and the outer group names the branch
        # (m.lastgroup).
        inner = br.pattern.replace("(?P<", f"(?P<{br.name}__").replace("(?P=", f"(?P={br.name}__")
        parsed = _parser.parse(br.pattern)   # read once for both tests
        test = _start_test(parsed)
        can_start_year = test is None or any(map(test.match, _YEARS))
        parts.append((br.name, f"(?P<{br.name}>{inner})", test, _year_test(parsed) if can_start_year else _NEVER))
        branches[br.name] = br
    asof = tuple(sorted((c for c, r in _vocab().cues.items() if r == "asof"), key=len, reverse=True))
    # Trying ~40 branches at every character runs at ~0.3 M chars/s. Every branch starts at
    # a digit run, an ASCII word or a few Chinese words, and is followed by a short, known
    # continuation, so the full pattern is only tried where this cheap scan says it could fit.
    v = _vocab()
    # Tries: a character is compared with each distinct next character, not with every word.
    english = trie_pattern([c for c, r in v.cues.items() if r != "asof"] + list(v.month_names))
    months = trie_pattern(list(v.month_names))
    # The leading class lets the scan reject most characters of Chinese prose with one test.
    first_chars = "".join(sorted({w[0] for w in v.relative_years} | set("同半上下前后年过最未近第一二三四五六七八九十单")))
    # English forms: every one starts with an ASCII letter. Only the letters they can start with
    # are in the leading class, and a guard on their first three characters (_leads) passes over
    # most other English words (the, revenue) before the forms are tried one by one.
    english_forms = (
        rf"[QH][1-4]|FY|CY|TTM|LTM|YTD|{english}\.?,?(?=[ \t]*[0-9])"
        rf"|{months}\.?(?=[ \t]*-|[ \t]+(?:to|through)[ \t])"
        rf"|{_ci('first second third fourth')}(?=[ -](?i:quarter|half|three|six|nine)(?![A-Za-z]))"
        rf"|{_ci('between from')}(?=[ \t]+(?:19|20)[0-9][0-9])|{_ci('this last next')}(?=[ \t]+(?i:year))"
        rf"|{_ci('full')}(?=[ -](?i:year))"
        rf"|{_ci('fiscal quarter year half three six nine twelve thirteen fifty')}"
        r"(?=[A-Za-z -]{0,14}(?i:end(?:ed|ing)))"
    )
    letters, english_guard = _leads(english_forms)
    # The scan below has already checked that a digit (a letter) here follows no digit (no
    # letter). A form alternative that starts with a literal or a class is passed over at once
    # where its first character does not fit; the words are in tries (_trie), so a letter is
    # compared with a few branches, not with every word.
    forms = (
        # A digit run: a stated year (19xx, 20xx) and what may follow it, or one or two digits
        # followed by what a month, day, quarter (1-3月, 3 月, 2季度), two-digit year (24Q3),
        # 1Q24, 9M24, an ordinal (2nd quarter) or a count (3 months, 14 March) goes on with.
        # Other runs (decimals like 40.5, 3-digit and longer numbers) start no form: no branch
        # could match there, and a digit run's form holds no other candidate, so leaving them
        # out changes nothing but the work.
        r"(?:19|20)[0-9][0-9](?=[ \t]*[年月日号季至到~\-/.一二三四全整上下前后第中半财財单]|[A-Za-z]|[ \t]+[0-9A-Za-z])"
        r"|[0-9][0-9]?(?![0-9])(?=[ \t]*[月季财財\-~至到]|[QqHhMSsNnRrTt]|[ \t]+[A-Za-z])"
        # The guard adds nothing to what matches but lets the engine pass over the English
        # forms at once elsewhere.
        rf"|(?=[A-Za-z])(?={english_guard})(?:{english_forms})"
        r"|单(?=[ \t]*(?:第[ \t]*)?[1-4一二三四][ \t]*季)"
        rf"|{_alternation(list(v.relative_years))}|同期|半年报|[上下前后]半年|前[二两三]|年(?=[初中底末内])"
        r"|(?:过去|最近|未来|今后|近)(?=[ \t]*[0-9一二两三四五六七八九十])|第(?=[ \t]*[1-4一二三四])"
        r"|[一二三四五六七八九十](?=[一二]?[ \t]*[月季至到\-~财財]|[〇零○九])"
    )
    # The scan consumes the leading character, so the engine jumps from one character of the
    # class to the next instead of trying the pattern at every character, and passes over the
    # inside of a letter or digit run at once: no form starts at a letter after a letter or at
    # a digit after a digit. The form itself is read in a lookahead, group "form"; a caller
    # skips a candidate that starts inside the previous one's form, as a scan consuming the
    # forms would.
    candidates = re.compile(rf"[0-9{letters}{first_chars}](?<![A-Za-z][A-Za-z])(?<![0-9][0-9])"
                            rf"(?<=(?=(?P<form>{forms})).)")
    return _Compiled(candidates, branches, asof, "".join({c[-1] for c in asof}), tuple(parts), {}, {}, {})


def _ci(words: str) -> str:
    """Any of the space-separated ASCII `words`, case-insensitively, as (?i:first|...) would
    match them where the first character is an ASCII letter (the scan's leading class): the first
    letter is spelled as a class ([Ff](?i:irst)), which the engine tests before entering an
    alternative, whereas it enters every (?i:...) one."""
    return "(?:" + "|".join(f"[{w[0].upper()}{w[0].lower()}](?i:{w[1:]})" for w in words.split()) + ")"


def _trie(tails: set[tuple[str, ...]]) -> str:
    """A regex of the sequences of one-character patterns `tails` (from _prefixes), as a trie:
    a shared start is written, and tested, once."""
    if not any(tails):
        return ""
    heads: dict[str, set[tuple[str, ...]]] = {}
    for head, *rest in filter(None, tails):
        heads.setdefault(head, set()).add(tuple(rest))
    alts = [head + _trie(rest) for head, rest in sorted(heads.items())]
    if () in tails:   # a form can end here (Q1, FY): nothing more is asked
        alts.append("")
    return "(?:" + "|".join(alts) + ")"


def _leads(pattern: str, k: int = 3) -> tuple[str, str]:
    """The ASCII letters `pattern` can start with, and a regex its first `k` characters must
    match (a superset, from _prefixes), as a trie of one-character patterns. The first character
    is known to be an ASCII letter (the scan's leading class), where (?i:f) is [fF], so the
    first level is of literal letters, which the engine tests before entering an alternative."""
    found = _prefixes(_parser.parse(pattern), k, 0)
    if () in found:
        raise ValueError("an English form may be empty")
    by_first: dict[str, set[tuple[str, ...]]] = {}
    for first, *rest in found:
        for ch in filter(re.compile(first).fullmatch, map(chr, range(128))):
            if not ch.isalpha():
                raise ValueError(f"an English form starts with {ch!r}")
            by_first.setdefault(ch, set()).add(tuple(rest))
    guard = "|".join(re.escape(ch) + _trie(tails) for ch, tails in sorted(by_first.items()))
    return "".join(sorted(by_first)), guard


class _Rule(NamedTuple):
    """The neighbours that show a form is a duration, a count or part of a longer word rather
    than a period. It depends only on the form's values, so it is read once per form (_form)."""

    deny_prev: str            # the character right before the form must not be one of these
    deny_nonspace: str | set[str]   # nor the last non-space character before it
    deny_next: str            # nor the character right after it
    need: tuple[str, ...]     # when given: the last non-space character before must be one of these


def _rule(br: _Branch, get: Getter, stated: tuple[str, ...]) -> _Rule | None:
    """What _context_allows checks for one form (`stated`: the keys of its stated-year groups),
    or None when any neighbours allow it."""
    word = get("rw") if br.name == "relative_word" else get("ry")
    if word:
        r = _vocab().relative_years[word]
        deny_next = r.deny_next if br.name == "relative_word" else ""
        return _Rule(r.deny_prev, r.deny_prev, deny_next, ()) if r.deny_prev or deny_next else None
    if br.may_be_bare and not any(map(get, stated)):
        return _Rule("", _BARE_YEAR_DENY if get("bare") else _BARE_DENY, "", ())
    if br.name == "relative_span" and get("rw") == "近":
        # 历时近 3 年, 长达近 5 年: "nearly N years", a duration.
        return _Rule("", "达时已有立期超过约", "", ())
    if br.name == "same_period" and not get("pre"):
        return _Rule("", "", "", ("较", "比"))
    return None


def _context_allows(folded: str, rule: _Rule, start: int, end: int) -> bool:
    """Whether the neighbours of the form at start:end pass its `rule`."""
    immediate = folded[start - 1] if start else ""
    if immediate and immediate not in " \t":
        nonspace = immediate
    else:   # the last non-space character among the 8 before ("" when there is none)
        nonspace = folded[max(0, start - 8):start].rstrip(" \t")[-1:]
    if rule.need:
        return nonspace in rule.need
    if immediate and immediate in rule.deny_prev:
        return False
    if nonspace and nonspace in rule.deny_nonspace:
        return False
    after = folded[end:end + 1]
    return not (after and after in rule.deny_next)


def _asof_start(folded: str, start: int, cues: tuple[str, ...], cue_ends: str) -> int | None:
    head = folded[max(0, start - 12):start].rstrip(" \t")
    if not head or head[-1] not in cue_ends:  # most periods: no cue can end here
        return None
    for cue in cues:
        if head.endswith(cue):
            return start - (len(folded[max(0, start - 12):start]) - len(head)) - len(cue)
    return None


_NOT_ANCHORS = frozenset({_SAME_PERIOD, "since", "ttm", "trailing", "coming"})
_ANCHOR_BREAK = re.compile(r"[。！？!?；;\n]")
_ANCHOR_REACH = 200
# Branches that read the N months ending on a date: a 截至 before them is part of the form,
# not an as-of point.
_ENDED = frozenset({"cn_ended", "en_ended"})


class _Pending(NamedTuple):
    """A year-less form that could not be placed (no document date): kept for `2024年同期`."""

    start: int
    end: int
    branch: _Branch
    get: Getter


def _anchor_year(out: list[PeriodMention], folded: str, pos: int) -> tuple[int, int] | None:
    """(year, end) of the nearest period earlier in the sentence that lies in one year
    (2024年前三季度…其中Q3单季度)."""
    for a in reversed(out):
        if a.kind in _NOT_ANCHORS:
            continue
        if pos - a.end > _ANCHOR_REACH or _ANCHOR_BREAK.search(folded, a.end, pos):
            return None
        if a.kind.startswith("fiscal_") or a.period_start.year == a.period_end.year:
            return a.period_end.year, a.end
        return None
    return None


def _resolve_same_periods(mentions: list[PeriodMention], folded: str, pending: list[_Pending],
                          doc_date: dt.date | None, ctx: _Ctx) -> list[PeriodMention]:
    """Replace each 去年同期 by the nearest earlier period of its sentence, a year back, and each
    2024年同期 by that period moved to 2024 (also when the period itself had no year to place it)."""
    out: list[PeriodMention] = []
    for pm in mentions:
        if pm.kind != _SAME_PERIOD:
            out.append(pm)
            continue
        stated = pm.period_start.year if pm.period_start != dt.date.min else None
        anchor = next((a for a in reversed(out) if a.kind not in _NOT_ANCHORS), None)
        if stated is not None:
            late = next((p for p in reversed(pending) if p.end <= pm.start), None)
            if late is not None and (anchor is None or late.start > anchor.start) \
                    and pm.start - late.end <= 80 and not _SENTENCE_BREAK.search(folded, late.end, pm.start):
                try:
                    res = late.branch.resolve(late.get, doc_date, ctx._replace(anchor_year=stated))
                except (KeyError, ValueError):
                    res = None
                if res is not None:
                    out.append(pm._replace(period_start=res.period_start, period_end=res.period_end,
                                           kind=res.kind, status_hint=None, is_relative=True))
                continue
        if anchor is None or pm.start - anchor.end > 80 or _SENTENCE_BREAK.search(folded, anchor.end, pm.start):
            continue
        if stated is None:
            shift = -1
        elif anchor.period_start.year == anchor.period_end.year:
            shift = stated - anchor.period_end.year
        else:
            continue
        out.append(pm._replace(period_start=_shift_years(anchor.period_start, shift),
                               period_end=_shift_years(anchor.period_end, shift), kind=anchor.kind,
                               status_hint=None, is_relative=True))
    return out


_STATED_KEYS = ("y", "y_b", "yy", "yy_b", "cy")
_YEAR_KEYS = (*_STATED_KEYS, "ry", "rw", "lay")
_YEARLESS_EN = frozenset({"en_quarter", "en_half", "en_full_year", "en_months", "q_bare", "cn_fiscal_quarter_bare"})
# Branches that _context_allows checks besides the year-less ones and those with a relative year (ry).
_CHECKED = frozenset({"relative_word", "relative_span", "same_period"})
_CONTAINED = "其中"
_UNRESOLVED = object()   # not looked up yet in find_periods' `resolved`
_FAILED = object()       # the resolver raised (a month 13, a day 31 of a 30-day month)


def _try_resolve(form: _Form, doc_date: dt.date | None, ctx: _Ctx) -> Any:
    """The form's resolution, or _FAILED when the resolver raised (a month 13)."""
    try:
        return form.branch.resolve(form.get, doc_date, ctx)
    except (KeyError, ValueError):
        return _FAILED


def _settle(form: _Form, ctx: _Ctx) -> Any:
    """The form's resolution without a document date on the calendar `ctx` (no anchor year),
    kept in form.settled.

    A resolver reads the document date only where the form's own words leave the period open
    (今年, Q3, 一季度, TTM, 2020年以来), and gives nothing there without a date. So a form that
    resolves without the date resolves the same with any date: that reading (most forms state
    their year: 2024年, 2024Q3) holds in every document, and only the others are resolved
    against each document's date."""
    res = _try_resolve(form, None, ctx)
    form.settled[ctx.fy_end] = res
    return res


_mention = builder(PeriodMention)


def find_periods(text: str, doc_date: dt.date | None,
                 fiscal_year_end_month: int | None = None, *, folded: str | None = None) -> list[PeriodMention]:
    """Every stated or implied period in `text`, non-overlapping, sorted by start.

    `fiscal_year_end_month` (1-12) is the month the fiscal year of the company the text is
    about ends in: fiscal forms (FY2024, Q4 FY24, fiscal 2024, 2024财年, 第四财季) and English
    year-less quarters/halves/full year then resolve on that calendar, FY named by the year it
    ends in. Without it (or with 12) fiscal years are calendar years. Fiscal forms always get
    a `fiscal_*` kind (fiscal_year, fiscal_quarter, fiscal_half, fiscal_years, fiscal_ytd).
    `folded` is `fold(text)` when the caller already has it.
    """
    if fiscal_year_end_month is not None and not 1 <= fiscal_year_end_month <= 12:
        raise ValueError(f"fiscal_year_end_month must be 1-12, got {fiscal_year_end_month}")
    base_ctx = _Ctx(None if fiscal_year_end_month in (None, 12) else fiscal_year_end_month)
    if folded is None:
        folded = fold(text)
    compiled = _compiled()
    by_prefix, forms = compiled.by_prefix, compiled.forms
    fy_end = base_ctx.fy_end
    # Whether 其中 (a part of the period just stated) occurs at all: most documents, none.
    has_contained = _CONTAINED in folded
    resolved: dict[_FormKey, Any] = {}
    asof_cues, asof_ends = compiled.asof_cues, compiled.asof_ends
    n = len(folded)
    out: list[PeriodMention] = []
    pending: list[_Pending] = []
    last_end = 0
    form_end = 0
    out_end = 0   # where the last mention in `out` ends
    has_same_period = False
    # by_prefix's entry for a prefix (by_prefix itself when not looked up yet): None, a _Dispatch or,
    # at a year, a table of them; then each _Dispatch of the table in turn.
    dispatch: Any
    for c in compiled.candidates.finditer(folded):
        pos = c.start()
        if pos < form_end:
            continue
        form_end = c.end(1)   # group 1: "form"
        if pos < last_end:
            continue
        head = folded[pos:pos + _PREFIX_LEN]
        dispatch = by_prefix.get(head, by_prefix)
        if dispatch is by_prefix:
            dispatch = _dispatch(compiled, head)
        if type(dispatch) is dict:   # a year (202): the branches depend on what follows it
            tail = folded[pos + _PREFIX_LEN:pos + _YEAR_PREFIX_LEN]
            tries = dispatch.get(tail)
            if tries is None:
                tries = _year_dispatch(compiled, head, tail, dispatch)
            for dispatch in tries:   # the first that matches, as their alternation would
                m = dispatch.regex.match(folded, pos)
                if m is not None:
                    break
            else:
                continue
        elif dispatch is None:
            continue
        else:
            m = dispatch.regex.match(folded, pos)
            if m is None:
                continue
        name = m.lastgroup
        hit = dispatch.hits[name]
        # The values of the branch's groups, once: `get` is then a plain dict lookup. The same
        # form recurs (2024年, Q3), so what its values settle is kept for them.
        key = (name, m.group(*hit.groups))
        form = forms.get(key)
        if form is None:
            # The recurring forms fit in 4,096 and a worker's memory stays flat (8,192 was ~3% faster
            # here for ~5 MB more a worker, most of the memory growth from 500 to 2,000 documents).
            if len(forms) > 4_096:
                forms.clear()
            form = forms[key] = _form(hit, name, key[1])
        start, end = m.span()

        # A span that fails (2023年2月29日, 2022-2021 年, 目前年产能) is consumed whole: a
        # shorter form inside it (2月29日 read in the document year) would be a wrong guess.
        if end > last_end:
            last_end = end
        if form.rule is not None and not _context_allows(folded, form.rule, start, end):
            continue
        yearless = form.yearless
        # A resolution depends only on the form's values, the document date and the calendar.
        # Most forms settle it without the date, once for all documents (_settle); the others
        # are resolved once per document.
        res = form.settled.get(fy_end, _UNRESOLVED)
        if res is _UNRESOLVED:
            res = _settle(form, base_ctx)
        if doc_date is not None and type(res) is not _Resolved:
            res = resolved.get(key, _UNRESOLVED)
            if res is _UNRESOLVED:
                res = resolved[key] = _try_resolve(form, doc_date, base_ctx)
        if res is _FAILED:
            res = None
        elif yearless:
            # No document date, a document-year reading in the future, or 其中 (a part of the
            # period just stated): the sentence's own year is the better reading. (An anchor
            # lies within _ANCHOR_REACH, so a 其中 after it does too: without one there, no
            # anchor is looked for.)
            unfit = res is None or (doc_date is not None and res.period_start > doc_date)
            if unfit or (has_contained and _CONTAINED in folded[max(0, start - _ANCHOR_REACH):start]):
                anchor = _anchor_year(out, folded, start)
                if anchor is not None and (unfit or _CONTAINED in folded[anchor[1]:start]):
                    anchored = _try_resolve(form, doc_date, base_ctx._replace(anchor_year=anchor[0]))
                    res = None if anchored is _FAILED else anchored or res
        if res is None:
            if yearless and doc_date is None:
                pending.append(_Pending(start, end, form.branch, form.get))
            continue
        # "in 2024": the cue only marks the number as a year and stays out of the surface.
        if form.year_context:
            start = m.start(hit.groups[hit.names.index("y")])
        status = None
        if end < n and folded[end] in _STATUS and folded[end - 1].isdigit():
            after = folded[end + 1:end + 2]
            a_share = folded[end] == "A" and folded[end + 1:end + 4].lstrip(" \t")[:1] == "股"
            if not (after.isascii() and after.isalnum()) and not a_share:
                status = _STATUS[folded[end]]
                end += 1
        ps, pe, kind, rel = res
        if kind == _SAME_PERIOD and form.get("y"):
            ps = dt.date(int(form.get("y")), 1, 1)   # the stated year, read by _resolve_same_periods
        # Most periods follow no as-of cue: only look when the character before could end one.
        # ("" at the text's start: _asof_start then finds nothing.)
        before = folded[start - 1:start]
        if before in " \t" and before:   # after spaces: the last character before them
            before = folded[max(0, start - 12):start].rstrip(" \t")[-1:]
        asof = _asof_start(folded, start, asof_cues, asof_ends) if before and before in asof_ends else None
        if asof is not None and name in _ENDED:
            start = asof
        elif asof is not None and kind not in ("since", "ttm", "trailing", "coming", _SAME_PERIOD):
            start, ps, kind = asof, pe, "asof"
        if start < out_end:
            continue
        if kind == _SAME_PERIOD:
            has_same_period = True
        out.append(_mention((start, end, text[start:end], ps, pe, kind, status, rel)))
        out_end = end
        if end > last_end:
            last_end = end
    return _resolve_same_periods(out, folded, pending, doc_date, base_ctx) if has_same_period else out


def parse_period(surface: str, doc_date: dt.date | None) -> tuple[dt.date, dt.date, str] | None:
    """(start, end, kind) when `surface` is exactly one period form, else None."""
    found = find_periods(surface, doc_date)
    if len(found) != 1:
        return None
    pm = found[0]
    if pm.surface.strip() != surface.strip():
        return None
    return pm.period_start, pm.period_end, pm.kind
