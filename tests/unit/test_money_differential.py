"""Differential test: on plain money strings yanbao agrees with JioNLP's money parser.

JioNLP (a dev dependency only) is the best rule-based Chinese money parser among
the peers (research/peers.md: right on 10/10 pure-money cases), so a
disagreement on a plain amount is an alarm for a regression in our numbers.
"""

from __future__ import annotations

import pytest

from pipelines.extract.quantities import find_quantities

jio = pytest.importorskip("jionlp")

CURRENCIES = {"元": "CNY", "美元": "USD", "港元": "HKD", "欧元": "EUR", "日元": "JPY", "英镑": "GBP"}

PLAIN_MONEY = [
    "247372万元", "247372 万元", "1.8万亿元", "3.2万亿美元", "6300万美元", "1000亿元", "150亿元",
    "198万元", "5000元", "12.5亿元", "0.8亿元", "2.47亿港元", "3亿欧元", "1200万日元", "45亿英镑",
    "1,234.56亿元", "1,234万元", "3000万元", "8.6亿元", "1.2亿美元", "7.5万元", "99.9亿元",
    "两千万元", "三亿元", "五千万美元", "十亿元", "一百万元", "两亿港元", "3.5万亿元", "600亿美元",
    "2000亿元", "4.287亿美元", "100万美元", "1.5亿元", "20亿元", "8000万元", "0.5万元", "66.6亿元",
    "2.3万亿元", "1万元", "10万亿元", "123456元", "5.67亿元", "30亿美元", "4500万港元",
]


@pytest.mark.parametrize("surface", PLAIN_MONEY)
def test_money_value_agrees_with_jionlp(surface):
    theirs = jio.parse_money(surface)
    mentions, unparsed = find_quantities(surface)
    assert not unparsed
    assert len(mentions) == 1, mentions
    ours = mentions[0]
    assert ours.surface == surface.strip()
    assert ours.unit == CURRENCIES[theirs["case"]]
    assert ours.value == pytest.approx(float(theirs["num"]), rel=1e-9)
