"""Pins `parse_number`: every numeral form reports write, and the forms it must refuse.

Refusing is part of the contract: an ambiguous or malformed numeral returns None
so that the quantity finder can report it as unparsed instead of guessing.
"""

from __future__ import annotations

import pytest

from pipelines.extract.numbers import magnitude_value, parse_arabic, parse_chinese, parse_number


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("0", 0.0),
        ("7", 7.0),
        ("1234", 1234.0),
        ("1,234", 1234.0),
        ("1,234.56", 1234.56),
        ("12,345,678", 12345678.0),
        ("0.25", 0.25),
        ("1，234", 1234.0),
        ("１２", 12.0),
        ("１，２３４．５", 1234.5),
        ("３.５", 3.5),
        ("-1.2", -1.2),
        ("+3", 3.0),
        ("−7.5", -7.5),
        ("负3", -3.0),
        ("负 3.5", -3.5),
        ("(1.2)", -1.2),
        ("(1,234.5)", -1234.5),
        ("1.8万亿", 1.8e12),
        ("1.8 万亿", 1.8e12),
        ("247372万", 2.47372e9),
        ("3千万", 3e7),
        ("5百万", 5e6),
        ("2亿", 2e8),
        ("1.5万", 15000.0),
        ("3.5 billion", 3.5e9),
        ("3.5bn", 3.5e9),
        ("200k", 2e5),
        ("500 crore", 5e9),
        ("2.5 lakh", 2.5e5),
        ("3 crores", 3e7),
        ("200K", 2e5),
        ("6 million", 6e6),
        ("1.2mn", 1.2e6),
        ("2 trillion", 2e12),
        ("5 thousand", 5000.0),
        ("一", 1.0),
        ("两", 2.0),
        ("〇", 0.0),
        ("零", 0.0),
        ("十", 10.0),
        ("十一", 11.0),
        ("二十", 20.0),
        ("一百零五", 105.0),
        ("一千二百三十四", 1234.0),
        ("一万二千三百四十五", 12345.0),
        ("两万", 20000.0),
        ("三千五百万", 3.5e7),
        ("一亿二千万", 1.2e8),
        ("三万五千亿", 3.5e12),
        ("万亿", 1e12),
        ("千亿", 1e11),
        ("千万", 1e7),
        ("百万", 1e6),
        ("十亿", 1e9),
        ("两千万亿", 2e15),
        ("一兆", 1e12),
        ("壹贰叁", 123.0),
        ("壹佰贰拾叁", 123.0),
        ("叁仟肆佰伍拾陆", 3456.0),
        ("陆萬", 60000.0),
        ("二〇二四", 2024.0),
        ("三十五点五", 35.5),
        ("一点五", 1.5),
        ("负一点二", -1.2),
    ],
)
def test_reads_numeral(written: str, expected: float) -> None:
    assert parse_number(written) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    "written",
    [
        "",
        "   ",
        "-",
        "负",
        "1.2.3",
        "1,23",
        "12,34,567",
        "1,2345",
        "三成",
        "40%",
        "三四十",
        "abc",
        "GPT4",
        "1.8 万亿参数",
        "三点",
        "3 apples",
    ],
)
def test_refuses_what_is_not_one_number(written: str) -> None:
    assert parse_number(written) is None


@pytest.mark.parametrize(
    ("core", "expected"),
    [("1234", 1234.0), ("1,234", 1234.0), ("1.5", 1.5), ("1.2.3", None), ("1,23", None), ("01", 1.0)],
)
def test_parse_arabic(core: str, expected: float | None) -> None:
    assert parse_arabic(core) == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [("万", 1e4), ("亿", 1e8), ("万亿", 1e12), ("千亿", 1e11), ("bn", 1e9), ("Million", 1e6), ("k", 1e3),
     ("兆", 1e12), ("吨", None)],
)
def test_magnitude_value(word: str, expected: float | None) -> None:
    assert magnitude_value(word) == expected


def test_parse_chinese_refuses_non_numerals() -> None:
    assert parse_chinese("三星") is None
    assert parse_chinese("") is None
