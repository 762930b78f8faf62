"""Pins how period and date forms resolve to inclusive calendar dates.

Every case uses a report dated 2024-05-06. Covered: report notation (2024Q1, 1H24, FY2024Q4,
2025E), Chinese chains including the scraped forms that lost 年/月/至 (`2024 3 14 日`,
`2024 4 月`, `2024 2027 年`), parts of months and years, as-of points (截至…), relative
words, English forms, the cases peer tools get wrong (JioNLP reads `2024年Q1` and spaced
`2024 年 4 月 15 日` as the whole year; Recognizers-Text drops 2027 from `2025-2027年`), and
text that must yield no period at all. The last tests run on the seed report and check
spans against the text.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.extract.periods import find_periods, parse_period

DOC = dt.date(2024, 5, 6)
SEED = Path(__file__).resolve().parent.parent / "fixtures" / "eval" / "seed_report.txt"


def d(s: str) -> dt.date:
    return dt.date.fromisoformat(s)


# (surface, period_start, period_end, kind, is_relative)
FORMS = [
    # report notation
    ("2024Q1", "2024-01-01", "2024-03-31", "quarter", False),
    ("2024 Q1", "2024-01-01", "2024-03-31", "quarter", False),
    ("2024年Q1", "2024-01-01", "2024-03-31", "quarter", False),
    ("2024 年 Q2", "2024-04-01", "2024-06-30", "quarter", False),
    ("2024q3", "2024-07-01", "2024-09-30", "quarter", False),
    ("24Q3", "2024-07-01", "2024-09-30", "quarter", False),
    ("Q1 2024", "2024-01-01", "2024-03-31", "quarter", False),
    ("Q3'24", "2024-07-01", "2024-09-30", "quarter", False),
    ("1Q24", "2024-01-01", "2024-03-31", "quarter", False),
    ("3Q2024", "2024-07-01", "2024-09-30", "quarter", False),
    ("4QFY24", "2024-10-01", "2024-12-31", "fiscal_quarter", False),
    ("1H24", "2024-01-01", "2024-06-30", "half", False),
    ("2H23", "2023-07-01", "2023-12-31", "half", False),
    ("2024H1", "2024-01-01", "2024-06-30", "half", False),
    ("2024 H2", "2024-07-01", "2024-12-31", "half", False),
    ("H1 2024", "2024-01-01", "2024-06-30", "half", False),
    ("FY2024Q4", "2024-10-01", "2024-12-31", "fiscal_quarter", False),
    ("FY2024 Q1", "2024-01-01", "2024-03-31", "fiscal_quarter", False),
    ("FY2024H1", "2024-01-01", "2024-06-30", "fiscal_half", False),
    ("FY24", "2024-01-01", "2024-12-31", "fiscal_year", False),
    ("FY2024", "2024-01-01", "2024-12-31", "fiscal_year", False),
    ("FY 2023", "2023-01-01", "2023-12-31", "fiscal_year", False),
    ("CY2024", "2024-01-01", "2024-12-31", "year", False),
    ("2025E", "2025-01-01", "2025-12-31", "year", False),
    ("2023A", "2023-01-01", "2023-12-31", "year", False),
    ("2026e", "2026-01-01", "2026-12-31", "year", False),
    ("2025-2027E", "2025-01-01", "2027-12-31", "years", False),
    ("2025-27E", "2025-01-01", "2027-12-31", "years", False),
    ("FY24-26E", "2024-01-01", "2026-12-31", "fiscal_years", False),
    ("2024Q4E", "2024-10-01", "2024-12-31", "quarter", False),
    ("2024H2E", "2024-07-01", "2024-12-31", "half", False),
    ("2024Q1-Q3", "2024-01-01", "2024-09-30", "ytd", False),
    ("2024Q2-Q3", "2024-04-01", "2024-09-30", "quarters", False),
    ("2023Q4-2024Q1", "2023-10-01", "2024-03-31", "quarters", False),
    ("9M24", "2024-01-01", "2024-09-30", "ytd", False),
    ("TTM", "2023-04-01", "2024-03-31", "ttm", True),
    ("LTM", "2023-04-01", "2024-03-31", "ttm", True),
    ("YTD", "2024-01-01", "2024-05-06", "ytd", True),
    ("Q1", "2024-01-01", "2024-03-31", "quarter", True),
    ("Q4", "2024-10-01", "2024-12-31", "quarter", True),
    ("Q1-Q3", "2024-01-01", "2024-09-30", "ytd", True),
    # Chinese quarters and halves
    ("2024年一季度", "2024-01-01", "2024-03-31", "quarter", False),
    ("2024 年一季度", "2024-01-01", "2024-03-31", "quarter", False),
    ("2024年第一季度", "2024-01-01", "2024-03-31", "quarter", False),
    ("2024年第1季度", "2024-01-01", "2024-03-31", "quarter", False),
    ("2023年四季度", "2023-10-01", "2023-12-31", "quarter", False),
    ("2024 年一季报", "2024-01-01", "2024-03-31", "quarter", False),
    ("一季度", "2024-01-01", "2024-03-31", "quarter", True),
    ("第一季度", "2024-01-01", "2024-03-31", "quarter", True),
    ("第 1 季度", "2024-01-01", "2024-03-31", "quarter", True),
    ("三季度", "2024-07-01", "2024-09-30", "quarter", True),
    ("今年一季度", "2024-01-01", "2024-03-31", "quarter", True),
    ("去年四季度", "2023-10-01", "2023-12-31", "quarter", True),
    ("前三季度", "2024-01-01", "2024-09-30", "ytd", True),
    ("2023年前三季度", "2023-01-01", "2023-09-30", "ytd", False),
    ("一至三季度", "2024-01-01", "2024-09-30", "ytd", True),
    ("2024年1-3季度", "2024-01-01", "2024-09-30", "ytd", False),
    ("二季度末", "2024-06-30", "2024-06-30", "asof", True),
    ("上半年", "2024-01-01", "2024-06-30", "half", True),
    ("下半年", "2024-07-01", "2024-12-31", "half", True),
    ("2024年上半年", "2024-01-01", "2024-06-30", "half", False),
    ("2023 年下半年", "2023-07-01", "2023-12-31", "half", False),
    ("今年上半年", "2024-01-01", "2024-06-30", "half", True),
    ("2024年中报", "2024-01-01", "2024-06-30", "half", False),
    ("半年报", "2024-01-01", "2024-06-30", "half", True),
    # years
    ("全年", "2024-01-01", "2024-12-31", "year", True),
    ("2024年全年", "2024-01-01", "2024-12-31", "year", False),
    ("2024年度", "2024-01-01", "2024-12-31", "year", False),
    ("2024 年", "2024-01-01", "2024-12-31", "year", False),
    ("2024年", "2024-01-01", "2024-12-31", "year", False),
    ("2023 一整年", "2023-01-01", "2023-12-31", "year", False),
    ("二〇二四年", "2024-01-01", "2024-12-31", "year", False),
    ("一九九八年", "1998-01-01", "1998-12-31", "year", False),
    # months and days
    ("2024年4月", "2024-04-01", "2024-04-30", "month", False),
    ("2024 年 4 月", "2024-04-01", "2024-04-30", "month", False),
    ("2024 4 月", "2024-04-01", "2024-04-30", "month", False),
    ("2024 2 月", "2024-02-01", "2024-02-29", "month", False),
    ("2018 4 月", "2018-04-01", "2018-04-30", "month", False),
    ("2024年3月份", "2024-03-01", "2024-03-31", "month", False),
    ("2024年三月", "2024-03-01", "2024-03-31", "month", False),
    ("2024-03", "2024-03-01", "2024-03-31", "month", False),
    ("三月", "2024-03-01", "2024-03-31", "month", True),
    ("十二月", "2024-12-01", "2024-12-31", "month", True),
    ("1 月", "2024-01-01", "2024-01-31", "month", True),
    ("2024 3 14 日", "2024-03-14", "2024-03-14", "day", False),
    ("2024 4 1 日", "2024-04-01", "2024-04-01", "day", False),
    ("2024年3月14日", "2024-03-14", "2024-03-14", "day", False),
    ("2024 年 3 月 14 日", "2024-03-14", "2024-03-14", "day", False),
    ("2024年3月14号", "2024-03-14", "2024-03-14", "day", False),
    ("2024-03-14", "2024-03-14", "2024-03-14", "day", False),
    ("2024/3/14", "2024-03-14", "2024-03-14", "day", False),
    ("2024.03.14", "2024-03-14", "2024-03-14", "day", False),
    ("2024－03－14", "2024-03-14", "2024-03-14", "day", False),
    ("２０２４年３月１４日", "2024-03-14", "2024-03-14", "day", False),
    ("2024年2月29日", "2024-02-29", "2024-02-29", "day", False),
    ("3月14日", "2024-03-14", "2024-03-14", "day", True),
    ("12 月 31 日", "2024-12-31", "2024-12-31", "day", True),
    ("2024年1-3月", "2024-01-01", "2024-03-31", "months", False),
    ("2024 年 1-3 月", "2024-01-01", "2024-03-31", "months", False),
    ("2024年1月至3月", "2024-01-01", "2024-03-31", "months", False),
    ("2023年12月至2024年3月", "2023-12-01", "2024-03-31", "months", False),
    ("1-4月", "2024-01-01", "2024-04-30", "months", True),
    ("1-3 月份", "2024-01-01", "2024-03-31", "months", True),
    # year ranges, inclusive of the last year
    ("2025-2027年", "2025-01-01", "2027-12-31", "years", False),
    ("2024-2027 年", "2024-01-01", "2027-12-31", "years", False),
    ("2024 2027 年", "2024-01-01", "2027-12-31", "years", False),
    ("2024 2025 年", "2024-01-01", "2025-12-31", "years", False),
    ("2023 年至 2024 年", "2023-01-01", "2024-12-31", "years", False),
    ("2023年至2024年", "2023-01-01", "2024-12-31", "years", False),
    ("2023年-2024年", "2023-01-01", "2024-12-31", "years", False),
    ("2019-2023 年", "2019-01-01", "2023-12-31", "years", False),
    ("2020~2022年", "2020-01-01", "2022-12-31", "years", False),
    ("2024—2026年", "2024-01-01", "2026-12-31", "years", False),
    ("2020-2022 年度", "2020-01-01", "2022-12-31", "years", False),
    ("2024-2026", "2024-01-01", "2026-12-31", "years", False),
    # parts of a month or year
    ("2024 年底", "2024-12-01", "2024-12-31", "late_year", False),
    ("2023年末", "2023-12-01", "2023-12-31", "late_year", False),
    ("2024年初", "2024-01-01", "2024-01-31", "early_year", False),
    ("2024 年中,", "2024-06-01", "2024-07-31", "mid_year", False),
    ("今年底", "2024-12-01", "2024-12-31", "late_year", True),
    ("明年初", "2025-01-01", "2025-01-31", "early_year", True),
    ("年初", "2024-01-01", "2024-01-31", "early_year", True),
    ("年底", "2024-12-01", "2024-12-31", "late_year", True),
    ("2024 1 月底", "2024-01-21", "2024-01-31", "late_month", False),
    ("2024年2月末", "2024-02-21", "2024-02-29", "late_month", False),
    ("2024年3月上旬", "2024-03-01", "2024-03-10", "early_month", False),
    ("2024年3月中旬", "2024-03-11", "2024-03-20", "mid_month", False),
    ("2024年3月下旬", "2024-03-21", "2024-03-31", "late_month", False),
    ("4 月初", "2024-04-01", "2024-04-10", "early_month", True),
    ("4 月中,", "2024-04-11", "2024-04-20", "mid_month", True),
    ("去年 10 月底", "2023-10-21", "2023-10-31", "late_month", True),
    # as-of points
    ("截至 2024 2 月底", "2024-02-29", "2024-02-29", "asof", False),
    ("截至2024年3月末", "2024-03-31", "2024-03-31", "asof", False),
    ("截至2024年3月31日", "2024-03-31", "2024-03-31", "asof", False),
    ("截至2024年3月", "2024-03-31", "2024-03-31", "asof", False),
    ("截止到2023年末", "2023-12-31", "2023-12-31", "asof", False),
    ("截至2024年一季度末", "2024-03-31", "2024-03-31", "asof", False),
    ("截至 2024Q1", "2024-03-31", "2024-03-31", "asof", False),
    ("截至 4 月初", "2024-04-10", "2024-04-10", "asof", True),
    ("As of March 31, 2024", "2024-03-31", "2024-03-31", "asof", False),
    # stretches up to the document date
    ("2020年以来", "2020-01-01", "2024-05-06", "since", True),
    ("2023 年 10 月以来", "2023-10-01", "2024-05-06", "since", True),
    ("2023年至今", "2023-01-01", "2024-05-06", "since", True),
    ("年初至今", "2024-01-01", "2024-05-06", "ytd", True),
    ("今年以来", "2024-01-01", "2024-05-06", "ytd", True),
    ("去年以来", "2023-01-01", "2024-05-06", "since", True),
    # relative words and spans
    ("今年", "2024-01-01", "2024-12-31", "year", True),
    ("去年", "2023-01-01", "2023-12-31", "year", True),
    ("明年", "2025-01-01", "2025-12-31", "year", True),
    ("前年", "2022-01-01", "2022-12-31", "year", True),
    ("后年", "2026-01-01", "2026-12-31", "year", True),
    ("本年度", "2024-01-01", "2024-12-31", "year", True),
    ("上年度", "2023-01-01", "2023-12-31", "year", True),
    ("年内", "2024-01-01", "2024-12-31", "year", True),
    ("今明两年", "2024-01-01", "2025-12-31", "years", True),
    ("过去一年", "2023-05-07", "2024-05-06", "trailing", True),
    ("过去 12 个月", "2023-05-07", "2024-05-06", "trailing", True),
    ("近五年", "2019-05-07", "2024-05-06", "trailing", True),
    ("近 3 个月", "2024-02-07", "2024-05-06", "trailing", True),
    ("未来三年", "2025-01-01", "2027-12-31", "years", True),
    ("未来 3 年", "2025-01-01", "2027-12-31", "years", True),
    ("未来 6 个月", "2024-05-07", "2024-11-06", "coming", True),
    # English
    ("Q2 FY2024", "2024-04-01", "2024-06-30", "fiscal_quarter", False),
    ("Q2 FY24", "2024-04-01", "2024-06-30", "fiscal_quarter", False),
    ("Q2 fiscal 2024", "2024-04-01", "2024-06-30", "fiscal_quarter", False),
    ("fiscal 2024", "2024-01-01", "2024-12-31", "fiscal_year", False),
    ("fiscal year 2024", "2024-01-01", "2024-12-31", "fiscal_year", False),
    ("July 2023", "2023-07-01", "2023-07-31", "month", False),
    ("Jul. 2023", "2023-07-01", "2023-07-31", "month", False),
    ("Sept 2023", "2023-09-01", "2023-09-30", "month", False),
    ("first quarter of 2024", "2024-01-01", "2024-03-31", "quarter", False),
    ("fourth quarter of fiscal 2023", "2023-10-01", "2023-12-31", "fiscal_quarter", False),
    ("2nd quarter 2024", "2024-04-01", "2024-06-30", "quarter", False),
    ("first half of 2024", "2024-01-01", "2024-06-30", "half", False),
    ("second half of 2024", "2024-07-01", "2024-12-31", "half", False),
    ("first nine months of 2024", "2024-01-01", "2024-09-30", "ytd", False),
    ("March 14, 2024", "2024-03-14", "2024-03-14", "day", False),
    ("Mar 14 2024", "2024-03-14", "2024-03-14", "day", False),
    ("14 March 2024", "2024-03-14", "2024-03-14", "day", False),
    ("year-end 2024", "2024-12-01", "2024-12-31", "late_year", False),
    ("end of 2024", "2024-12-01", "2024-12-31", "late_year", False),
    ("mid-2024", "2024-06-01", "2024-07-31", "mid_year", False),
    ("early 2025", "2025-01-01", "2025-01-31", "early_year", False),
    ("Between 2024 and 2026", "2024-01-01", "2026-12-31", "years", False),
    ("from 2024 to 2026", "2024-01-01", "2026-12-31", "years", False),
    ("since 2020", "2020-01-01", "2024-05-06", "since", True),
]


@pytest.mark.parametrize(("surface", "start", "end", "kind", "relative"), FORMS, ids=[f[0] for f in FORMS])
def test_form_resolves_to_inclusive_dates(surface: str, start: str, end: str, kind: str, relative: bool) -> None:
    found = find_periods(surface, DOC)
    assert len(found) == 1, found
    pm = found[0]
    assert (pm.period_start, pm.period_end, pm.kind) == (d(start), d(end), kind)
    assert pm.is_relative is relative
    assert surface[pm.start:pm.end] == pm.surface
    assert parse_period(pm.surface, DOC) == (d(start), d(end), kind)


RELATIVE = [f[0] for f in FORMS if f[4]]


@pytest.mark.parametrize("surface", RELATIVE)
def test_relative_form_without_document_date_gives_nothing(surface: str) -> None:
    assert find_periods(surface, None) == []


ABSOLUTE = [f for f in FORMS if not f[4]]


@pytest.mark.parametrize(("surface", "start", "end", "kind", "relative"), ABSOLUTE, ids=[f[0] for f in ABSOLUTE])
def test_absolute_form_needs_no_document_date(surface: str, start: str, end: str, kind: str, relative: bool) -> None:
    assert [pm[3:6] for pm in find_periods(surface, None)] == [(d(start), d(end), kind)]


@pytest.mark.parametrize(("surface", "status"), [
    ("2025E", "forecast"), ("2023A", "actual"), ("2026e", "forecast"), ("2025-2027E", "forecast"),
    ("FY25E", "forecast"), ("2024Q4E", "forecast"), ("2024H2E", "forecast"), ("FY24-26E", "forecast"),
    ("2025E营收", "forecast"), ("2024Q1", None), ("2024 年", None), ("2025-2027 年", None),
])
def test_status_hint_from_estimate_and_actual_suffixes(surface: str, status: str | None) -> None:
    assert find_periods(surface, DOC)[0].status_hint == status


@pytest.mark.parametrize("surface", [
    "2024年Q1",             # JioNLP: the whole year 2024
    "2024 年 4 月 15 日",   # JioNLP: the whole year 2024 (spaced, as scraped)
    "2024 年 4 月",         # Recognizers-Text: the whole year 2024 (spaced)
])
def test_peer_failures_not_widened_to_the_year(surface: str) -> None:
    pm = find_periods(surface, DOC)[0]
    assert pm.surface == surface
    assert pm.kind != "year"
    assert pm.period_end < dt.date(2024, 12, 31)


@pytest.mark.parametrize("surface", ["2025-2027年", "2025-2027 年", "2025 2027 年", "2025 年至 2027 年"])
def test_year_range_keeps_its_last_year(surface: str) -> None:
    # Recognizers-Text resolves 2025-2027年 to [2025-01-01, 2027-01-01): 2027 is lost.
    assert parse_period(surface, DOC) == (d("2025-01-01"), d("2027-12-31"), "years")


@pytest.mark.parametrize("text", [
    "1-5 年内", "5-10 年内", "10 年", "3 个月", "3 个月内", "200 万字", "8054 台", "2024 台", "2024 万元",
    "247372 万元", "GPT-4", "GPT-4-turbo 1/4", "GPT4 120 层", "Q1x", "AQ1", "12%", "600518.SH",
    "十四五", "十三五期间", "近期", "目前", "现阶段", "近年来", "截至目前", "截至报告期末", "同比", "同期",
    "去年同期",               # no period stated before it: cannot be resolved
    "行业同期水平", "标包 1-12", "标包 12 1250 台", "(标包 1)", "H100", "H20", "45EFLOPS", "A股",
    "2023A股", "2024", "均对 2024 资本开支", "2024.5", "2024/03", "14/03/2024", "may 2024",
    "The company may 2024", "目前年产能", "说明年度报告", "今后年均增长10%", "以上年增速", "过去年轻人",
    "每年底", "当年底", "历时近3年", "成立近 5 年", "每一季度", "上一季度", "本季度", "前两年", "前三年",
    "2月30日", "2023年2月29日", "2022-2021 年", "1990-2060 年", "2024年三季报", "年报", "in 2024 万元",
])
def test_not_a_period(text: str) -> None:
    assert find_periods(text, DOC) == []


@pytest.mark.parametrize(("text", "expected"), [
    ("2024 年中国移动发布了", [("2024 年", "year")]),           # 年中 here is 年 + 中国
    ("2023年中国市场规模", [("2023年", "year")]),
    ("2024年初步实现盈利", [("2024年", "year")]),             # 初步 is not 年初
    ("2024年4月中国移动", [("2024年4月", "month")]),
    ("4 月初步完成", [("4 月", "month")]),
    ("1 2024 4 月,中国移动", [("2024 4 月", "month")]),       # list marker 1 stays out
    ("2024年4月1日起实施", [("2024年4月1日", "day")]),
    ("2024年13月", [("2024年", "year")]),
    ("2024 年 3 个月", [("2024 年", "year")]),
    ("到 2027 年,实现", [("2027 年", "year")]),
    ("自 2022 年底推出", [("2022 年底", "late_year")]),
    ("in 2024 revenue grew", [("2024", "year")]),
    ("by 2030", [("2030", "year")]),
    ("Q1 2024 revenue", [("Q1 2024", "quarter")]),
    ("2023A 2024E 2025E", [("2023A", "year"), ("2024E", "year"), ("2025E", "year")]),
    ("2024年全年及2025年", [("2024年全年", "year"), ("2025年", "year")]),
    ("2024年3月1日-15日", [("2024年3月1日", "day")]),
    ("近 3 年营收", [("近 3 年", "trailing")]),
    ("同时, 2024 3 月,上海市发改委", [("2024 3 月", "month")]),
])
def test_period_does_not_swallow_its_neighbours(text: str, expected: list[tuple[str, str]]) -> None:
    found = find_periods(text, DOC)
    assert [(pm.surface, pm.kind) for pm in found] == expected
    assert all(text[pm.start:pm.end] == pm.surface for pm in found)


def test_same_period_last_year_follows_the_stated_period() -> None:
    text = "2024Q1公司营收同比增长20%,较去年同期提升。上年同期为8亿元"
    found = find_periods(text, DOC)
    assert [(pm.surface, pm.period_start, pm.period_end, pm.kind) for pm in found] == [
        ("2024Q1", d("2024-01-01"), d("2024-03-31"), "quarter"),
        ("去年同期", d("2023-01-01"), d("2023-03-31"), "quarter"),
    ]
    assert found[1].is_relative


def test_same_period_after_comparison_word_and_leap_day() -> None:
    found = find_periods("2024年2月29日股价较同期上涨", DOC)
    assert found[-1].surface == "同期"
    assert (found[-1].period_start, found[-1].period_end) == (d("2023-02-28"), d("2023-02-28"))


def test_offsets_are_code_points_in_the_original_text() -> None:
    text = "　２０２４年　４月，营收增长；２０２５Ｅ"
    found = find_periods(text, DOC)
    assert [pm.surface for pm in found] == ["２０２４年　４月", "２０２５Ｅ"]
    assert found[1].status_hint == "forecast"
    for pm in found:
        assert text[pm.start:pm.end] == pm.surface


def test_ttm_ends_with_the_last_quarter_completed_before_the_document() -> None:
    assert find_periods("PE(TTM)", dt.date(2024, 3, 31))[0][3:5] == (d("2023-01-01"), d("2023-12-31"))
    assert find_periods("PE(TTM)", dt.date(2024, 4, 1))[0][3:5] == (d("2023-04-01"), d("2024-03-31"))


def test_parse_period_rejects_text_that_is_more_than_one_form() -> None:
    assert parse_period("2024年和2025年", DOC) is None
    assert parse_period("营收", DOC) is None


def test_suite_is_large_enough() -> None:
    assert len(FORMS) >= 150


SEED_EXPECTED = [
    (143, "2022 年底", "2022-12-01", "2022-12-31", "late_year"),
    (229, "2024Q1", "2024-01-01", "2024-03-31", "quarter"),
    (489, "2024-2027 年", "2024-01-01", "2027-12-31", "years"),
    (1146, "2024 3 14 日", "2024-03-14", "2024-03-14", "day"),
    (1270, "2024 2 月", "2024-02-01", "2024-02-29", "month"),
    (2363, "2024 年底", "2024-12-01", "2024-12-31", "late_year"),
    (2494, "FY2024Q4", "2024-10-01", "2024-12-31", "fiscal_quarter"),
    (2508, "过去一年", "2023-05-07", "2024-05-06", "trailing"),
    (2633, "2019-2023 年", "2019-01-01", "2023-12-31", "years"),
    (3020, "2024 2027 年", "2024-01-01", "2027-12-31", "years"),
    (3532, "2024 4 1 日", "2024-04-01", "2024-04-01", "day"),
    (3662, "2024 2025 年", "2024-01-01", "2025-12-31", "years"),
    (3771, "2023 年至 2024 年", "2023-01-01", "2024-12-31", "years"),
    (4273, "2024 1 月底", "2024-01-21", "2024-01-31", "late_month"),
    (4720, "2018 4 月", "2018-04-01", "2018-04-30", "month"),
    (5095, "截至 2024 2 月底", "2024-02-29", "2024-02-29", "asof"),
    (5176, "4 月初", "2024-04-01", "2024-04-10", "early_month"),
    (5299, "截至 4 月初", "2024-04-10", "2024-04-10", "asof"),
    (5596, "2024 年一季度", "2024-01-01", "2024-03-31", "quarter"),
    (5750, "去年 10 月底", "2023-10-21", "2023-10-31", "late_month"),
    (5799, "年内", "2024-01-01", "2024-12-31", "year"),
]


@pytest.fixture(scope="module")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.mark.parametrize(("start", "surface", "ps", "pe", "kind"), SEED_EXPECTED,
                         ids=[f"{e[0]}:{e[1]}" for e in SEED_EXPECTED])
def test_seed_report_mentions(seed_text: str, start: int, surface: str, ps: str, pe: str, kind: str) -> None:
    by_start = {pm.start: pm for pm in find_periods(seed_text, DOC)}
    pm = by_start[start]
    assert (pm.surface, pm.end, pm.period_start, pm.period_end, pm.kind) == (
        surface, start + len(surface), d(ps), d(pe), kind)


def test_seed_report_spans_slice_and_do_not_overlap(seed_text: str) -> None:
    found = find_periods(seed_text, DOC)
    assert len(found) == 60
    for pm in found:
        assert seed_text[pm.start:pm.end] == pm.surface
        assert pm.period_start <= pm.period_end
    assert all(a.end <= b.start for a, b in zip(found, found[1:], strict=False))


@pytest.mark.parametrize("fragment", ["8054 台", "1-5 年内", "5-10 年内", "247372 万元", "标包 1-12", "GPT-4",
                                      "200 万字", "1.5-2 个汉字", "近期", "现阶段"])
def test_seed_report_quantities_are_not_periods(seed_text: str, fragment: str) -> None:
    at = seed_text.index(fragment)
    found = find_periods(seed_text, DOC)
    assert not [pm for pm in found if pm.start < at + len(fragment) and pm.end > at]


def test_seed_report_without_document_date_keeps_only_stated_periods(seed_text: str) -> None:
    found = find_periods(seed_text, None)
    assert found and not any(pm.is_relative for pm in found)
    surfaces = {pm.surface for pm in found}
    assert {"2024 3 14 日", "2024 2027 年", "截至 2024 2 月底"} <= surfaces
    assert not {"4 月初", "去年 10 月底", "年内", "过去一年"} & surfaces


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="0123456789 -~/.年月日号季度上下前后半初中底末旬今去明本全内同期过近未来一二三四十〇截至以来QHFYEAT'", max_size=40),
       st.sampled_from([DOC, None]))
def test_any_text_gives_valid_non_overlapping_spans(text: str, doc_date: dt.date | None) -> None:
    found = find_periods(text, doc_date)
    for pm in found:
        assert text[pm.start:pm.end] == pm.surface
        assert pm.period_start <= pm.period_end
        assert doc_date is not None or not pm.is_relative
    assert all(a.end <= b.start for a, b in zip(found, found[1:], strict=False))


# Reporting periods stated by their last day: (text, surface, start, end, kind). A month-end date
# covers whole calendar months; another date (52/53-week calendars) starts the day after the same
# date N months earlier; calendar-aligned spans keep the calendar kinds, the others are fiscal_*.
ENDED_FORMS = [
    ("revenue for the fourth quarter ended January 28, 2024, of $22.1 billion",
     "fourth quarter ended January 28, 2024", "2023-10-29", "2024-01-28", "fiscal_quarter"),
    ("for the quarter ended June 30, 2024", "quarter ended June 30, 2024", "2024-04-01", "2024-06-30", "quarter"),
    ("in the three months ended Sept. 30, 2023", "three months ended Sept. 30, 2023", "2023-07-01", "2023-09-30",
     "quarter"),
    ("Three Months Ended March 31, 2025", "Three Months Ended March 31, 2025", "2025-01-01", "2025-03-31", "quarter"),
    ("for the six months ended 30 June 2024", "six months ended 30 June 2024", "2024-01-01", "2024-06-30", "half"),
    ("nine months ended September 30, 2024", "nine months ended September 30, 2024", "2024-01-01", "2024-09-30",
     "ytd"),
    ("the fiscal year ended January 28, 2024", "fiscal year ended January 28, 2024", "2023-01-29", "2024-01-28",
     "fiscal_year"),
    ("for the year ended December 31, 2023", "year ended December 31, 2023", "2023-01-01", "2023-12-31", "year"),
    ("year ended 31 December 2023", "year ended 31 December 2023", "2023-01-01", "2023-12-31", "year"),
    ("the fiscal year ended September 28, 2024", "fiscal year ended September 28, 2024", "2023-09-29",
     "2024-09-28", "fiscal_year"),
    ("the quarter ending March 31, 2025", "quarter ending March 31, 2025", "2025-01-01", "2025-03-31", "quarter"),
    ("the 13 weeks ended April 27, 2024", "13 weeks ended April 27, 2024", "2024-01-28", "2024-04-27",
     "fiscal_quarter"),
    ("52 weeks ended February 3, 2024", "52 weeks ended February 3, 2024", "2023-02-05", "2024-02-03", "fiscal_year"),
    ("three months ended January 31, 2024", "three months ended January 31, 2024", "2023-11-01", "2024-01-31",
     "fiscal_quarter"),
    ("截至2024年6月30日止六个月", "截至2024年6月30日止六个月", "2024-01-01", "2024-06-30", "half"),
    ("截至2024年9月30日止九个月", "截至2024年9月30日止九个月", "2024-01-01", "2024-09-30", "ytd"),
    ("截至2023年12月31日止年度,收入", "截至2023年12月31日止年度", "2023-01-01", "2023-12-31", "year"),
    ("截至 2024 年 3 月 31 日止三个月", "截至 2024 年 3 月 31 日止三个月", "2024-01-01", "2024-03-31", "quarter"),
    ("截至2024年6月30日止六個月", "截至2024年6月30日止六個月", "2024-01-01", "2024-06-30", "half"),
    ("2024年3月31日止财政年度", "2024年3月31日止财政年度", "2023-04-01", "2024-03-31", "fiscal_year"),
]


@pytest.mark.parametrize(("text", "surface", "start", "end", "kind"), ENDED_FORMS, ids=[f[1] for f in ENDED_FORMS])
def test_period_ended_on_a_date(text: str, surface: str, start: str, end: str, kind: str) -> None:
    found = [p for p in find_periods(text, None) if p.surface == surface]
    assert len(found) == 1, find_periods(text, None)
    pm = found[0]
    assert (pm.period_start, pm.period_end, pm.kind, pm.is_relative) == (d(start), d(end), kind, False)
    assert text[pm.start:pm.end] == surface


# Fiscal forms on a company calendar: (surface, fiscal_year_end_month, start, end, kind).
# FY is named by the calendar year it ends in (NVIDIA FY2024 = Feb 2023 - Jan 2024).
FISCAL_FORMS = [
    ("FY2024", 1, "2023-02-01", "2024-01-31", "fiscal_year"),
    ("fiscal 2024", 1, "2023-02-01", "2024-01-31", "fiscal_year"),
    ("Fiscal Year 2024", 1, "2023-02-01", "2024-01-31", "fiscal_year"),
    ("Q4 FY2024", 1, "2023-11-01", "2024-01-31", "fiscal_quarter"),
    ("Q4 FY24", 1, "2023-11-01", "2024-01-31", "fiscal_quarter"),
    ("4QFY24", 1, "2023-11-01", "2024-01-31", "fiscal_quarter"),
    ("FY2025 Q1", 1, "2024-02-01", "2024-04-30", "fiscal_quarter"),
    ("fourth quarter of fiscal 2024", 1, "2023-11-01", "2024-01-31", "fiscal_quarter"),
    ("Q1 fiscal 2024", 9, "2023-10-01", "2023-12-31", "fiscal_quarter"),
    ("FY2024", 9, "2023-10-01", "2024-09-30", "fiscal_year"),
    ("FY2024H1", 6, "2023-07-01", "2023-12-31", "fiscal_half"),
    ("FY2024", 6, "2023-07-01", "2024-06-30", "fiscal_year"),
    ("2024财年", 6, "2023-07-01", "2024-06-30", "fiscal_year"),
    ("2024财年第三财季", 9, "2024-04-01", "2024-06-30", "fiscal_quarter"),
    ("2024财年Q1", 9, "2023-10-01", "2023-12-31", "fiscal_quarter"),
    ("2024财年上半年", 9, "2023-10-01", "2024-03-31", "fiscal_half"),
    ("2024财年第四季度", 1, "2023-11-01", "2024-01-31", "fiscal_quarter"),
    ("2024年第二财季", 9, "2024-01-01", "2024-03-31", "fiscal_quarter"),
    ("FY2024/25", 3, "2024-04-01", "2025-03-31", "fiscal_year"),
    ("2024/25财年", 3, "2024-04-01", "2025-03-31", "fiscal_year"),
    ("FY24-26E", 6, "2023-07-01", "2026-06-30", "fiscal_years"),
    ("first six months of fiscal 2024", 9, "2023-10-01", "2024-03-31", "fiscal_ytd"),
    # calendar forms keep the calendar whatever the company's fiscal year
    ("2024Q4", 1, "2024-10-01", "2024-12-31", "quarter"),
    ("Q4 2024", 1, "2024-10-01", "2024-12-31", "quarter"),
    ("2024年四季度", 1, "2024-10-01", "2024-12-31", "quarter"),
    ("CY2024", 1, "2024-01-01", "2024-12-31", "year"),
    ("fourth quarter of 2024", 1, "2024-10-01", "2024-12-31", "quarter"),
    ("full year 2024", 1, "2024-01-01", "2024-12-31", "year"),
]


@pytest.mark.parametrize(("surface", "fy_end", "start", "end", "kind"), FISCAL_FORMS,
                         ids=[f"{f[0]}@{f[1]}" for f in FISCAL_FORMS])
def test_fiscal_forms_follow_the_company_calendar(surface: str, fy_end: int, start: str, end: str, kind: str) -> None:
    found = find_periods(surface, DOC, fiscal_year_end_month=fy_end)
    assert len(found) == 1, found
    pm = found[0]
    assert (pm.surface, pm.period_start, pm.period_end, pm.kind) == (surface, d(start), d(end), kind)


@pytest.mark.parametrize(("surface", "kind"), [("FY2024", "fiscal_year"), ("Q2 FY24", "fiscal_quarter"),
                                                ("2024财年", "fiscal_year"), ("fiscal year 2023", "fiscal_year")])
def test_fiscal_forms_without_a_calendar_are_calendar_years_marked_fiscal(surface: str, kind: str) -> None:
    for fy_end in (None, 12):
        pm = find_periods(surface, DOC, fiscal_year_end_month=fy_end)[0]
        assert pm.kind == kind
        assert pm.period_start.day == 1 and pm.period_start.month in (1, 4, 7, 10)
        assert pm.period_start.year == pm.period_end.year


@pytest.mark.parametrize("surface", ["FY2024/25", "2024/25财年"])
def test_split_fiscal_year_needs_the_company_calendar(surface: str) -> None:
    assert find_periods(surface, DOC) == []


def test_fiscal_year_end_month_is_validated() -> None:
    with pytest.raises(ValueError):
        find_periods("FY2024", DOC, fiscal_year_end_month=13)


def test_title_quarter_takes_the_year_named_after_and() -> None:
    text = "NVIDIA Announces Financial Results for Fourth Quarter and Fiscal 2024"
    got = [(p.surface, p.period_start, p.period_end, p.kind) for p in find_periods(text, None, 1)]
    assert got == [("Fourth Quarter", d("2023-11-01"), d("2024-01-31"), "fiscal_quarter"),
                   ("Fiscal 2024", d("2023-02-01"), d("2024-01-31"), "fiscal_year")]
    got = [(p.surface, p.period_start, p.kind) for p in find_periods("Third Quarter and Full Year 2023 Results", None)]
    assert got[0] == ("Third Quarter", d("2023-07-01"), "quarter")


# English forms without a year: the occurrence whose last day is nearest the document date
# (ties to the past), on the company's fiscal calendar when it is known.
# (text, doc_date, fiscal_year_end_month, surface, start, end, kind)
YEARLESS_EN = [
    ("its highest-ever second-quarter net profit", "2024-07-18", None, "second-quarter", "2024-04-01",
     "2024-06-30", "quarter"),
    ("For the third quarter, TSMC expects revenue", "2024-07-18", None, "third quarter", "2024-07-01", "2024-09-30",
     "quarter"),
    ("Fourth-quarter revenue rose", "2025-01-20", None, "Fourth-quarter", "2024-10-01", "2024-12-31", "quarter"),
    ("first quarter guidance", "2025-01-20", None, "first quarter", "2025-01-01", "2025-03-31", "quarter"),
    ("Full-year revenue rose", "2024-02-21", None, "Full-year", "2023-01-01", "2023-12-31", "year"),
    ("full year guidance raised", "2024-08-20", None, "full year", "2024-01-01", "2024-12-31", "year"),
    ("second half demand", "2024-03-01", None, "second half", "2023-07-01", "2023-12-31", "half"),
    ("Record full-year revenue", "2024-02-21", 1, "full-year", "2023-02-01", "2024-01-31", "fiscal_year"),
    ("fourth-quarter revenue", "2024-02-21", 1, "fourth-quarter", "2023-11-01", "2024-01-31", "fiscal_quarter"),
    ("up 22% from Q3", "2024-02-21", 1, "Q3", "2023-08-01", "2023-10-31", "fiscal_quarter"),
    ("in the April-June period", "2024-07-18", None, "April-June", "2024-04-01", "2024-06-30", "months"),
    ("the first half of next year", "2024-07-18", None, "first half of next year", "2025-01-01", "2025-06-30",
     "half"),
    ("in the fourth quarter of last year", "2024-07-18", None, "fourth quarter of last year", "2023-10-01",
     "2023-12-31", "quarter"),
    ("revenue grew this year", "2024-07-18", None, "this year", "2024-01-01", "2024-12-31", "year"),
    ("compared with last year", "2024-07-18", None, "last year", "2023-01-01", "2023-12-31", "year"),
]


@pytest.mark.parametrize(("text", "doc", "fy_end", "surface", "start", "end", "kind"), YEARLESS_EN,
                         ids=[f[0] for f in YEARLESS_EN])
def test_yearless_english_forms(text: str, doc: str, fy_end: int | None, surface: str, start: str, end: str,
                                kind: str) -> None:
    found = find_periods(text, d(doc), fy_end)
    assert len(found) == 1, found
    pm = found[0]
    assert (pm.surface, pm.period_start, pm.period_end, pm.kind, pm.is_relative) == (
        surface, d(start), d(end), kind, True)
    assert find_periods(text, None, fy_end) == []


@pytest.mark.parametrize("text", ["over the last year", "the next year", "a quarter earlier", "first-half",
                                  "from a year ago", "quarterly dividend", "the first half of the decade"])
def test_english_words_that_are_no_period(text: str) -> None:
    assert [p.surface for p in find_periods(text, DOC) if p.surface != "first-half"] == []


# The quarter alone (单季度) is not swallowed by the year-to-date before it; a year-less form
# takes the year its sentence states, even without a document date.
# (text, doc_date or None, [(surface, start, end, kind)])
SINGLE_QUARTER = [
    ("2024年前三季度营收4645.4亿元,其中Q3单季度营收1546.7亿元", None,
     [("2024年前三季度", "2024-01-01", "2024-09-30", "ytd"), ("Q3单季度", "2024-07-01", "2024-09-30", "quarter")]),
    ("24Q3单季度毛利率30.6%", None, [("24Q3单季度", "2024-07-01", "2024-09-30", "quarter")]),
    ("2023年单三季度净利润", None, [("2023年单三季度", "2023-07-01", "2023-09-30", "quarter")]),
    ("前三季度营收增长5%,单三季度营收下降2%", "2024-10-30",
     [("前三季度", "2024-01-01", "2024-09-30", "ytd"), ("单三季度", "2024-07-01", "2024-09-30", "quarter")]),
    ("三季度单季营收增长", "2024-10-30", [("三季度单季", "2024-07-01", "2024-09-30", "quarter")]),
    ("2023年前三季度收入增长,其中Q3单季度收入下降", "2024-10-30",
     [("2023年前三季度", "2023-01-01", "2023-09-30", "ytd"), ("Q3单季度", "2023-07-01", "2023-09-30", "quarter")]),
    ("2024年上半年营收X,二季度营收Y", None,
     [("2024年上半年", "2024-01-01", "2024-06-30", "half"), ("二季度", "2024-04-01", "2024-06-30", "quarter")]),
    ("2023年营收增长,其中四季度下滑", "2025-03-20",
     [("2023年", "2023-01-01", "2023-12-31", "year"), ("四季度", "2023-10-01", "2023-12-31", "quarter")]),
    # a document-year reading in the past stays: 2024年营收…一季度 in a May 2025 report is Q1 2025
    ("2024年营收增长,一季度营收下滑", "2025-05-06",
     [("2024年", "2024-01-01", "2024-12-31", "year"), ("一季度", "2025-01-01", "2025-03-31", "quarter")]),
    ("2018 年 中 报综述", None, [("2018 年 中 报", "2018-01-01", "2018-06-30", "half")]),
    ("2024年半年 报", None, [("2024年半年 报", "2024-01-01", "2024-06-30", "half")]),
]


@pytest.mark.parametrize(("text", "doc", "expected"), SINGLE_QUARTER, ids=[f[0] for f in SINGLE_QUARTER])
def test_single_quarter_and_sentence_year(text: str, doc: str | None, expected: list[tuple[str, str, str, str]]) -> None:
    got = [(p.surface, p.period_start, p.period_end, p.kind) for p in find_periods(text, d(doc) if doc else None)]
    assert got == [(s, d(a), d(b), k) for s, a, b, k in expected]


def test_year_less_form_takes_no_year_from_another_sentence() -> None:
    assert [p.surface for p in find_periods("2024年前三季度营收增长。Q3单季度营收下降", None)] == ["2024年前三季度"]


@pytest.mark.parametrize(("text", "doc", "surface", "start", "end"), [
    ("三季度总交付量为 116,007 辆,较 2024 年同期的 46,533 辆", None, "2024 年同期", "2024-07-01", "2024-09-30"),
    ("2025年前三季度营收增长,较2023年同期增长20%", None, "2023年同期", "2023-01-01", "2023-09-30"),
    ("一季度收入10亿元,较2023年同期增长", "2024-05-06", "2023年同期", "2023-01-01", "2023-03-31"),
    ("上半年营收较2022年同期增长", None, "2022年同期", "2022-01-01", "2022-06-30"),
])
def test_same_period_of_a_stated_year(text: str, doc: str | None, surface: str, start: str, end: str) -> None:
    found = [p for p in find_periods(text, d(doc) if doc else None) if p.surface == surface]
    assert len(found) == 1
    assert (found[0].period_start, found[0].period_end) == (d(start), d(end))


def test_same_period_of_a_stated_year_without_a_period_gives_nothing() -> None:
    assert find_periods("营收较2023年同期增长", DOC) == []


@pytest.mark.parametrize(("text", "expected"), [
    ("美团第三季收入为955亿元", ("2025-07-01", "2025-09-30")),
    ("2024年第一季营收", ("2024-01-01", "2024-03-31")),
    ("季节性因素影响销量", None),
])
def test_short_quarter_form(text, expected):
    found = find_periods(text, dt.date(2025, 11, 28))
    got = (found[0].period_start.isoformat(), found[0].period_end.isoformat()) if found else None
    assert got == expected
