"""Pins what `read_metadata` takes from a report's head: the title (skipping breadcrumbs,
banners, date/source/analyst lines, unwrapping 《》/【】), the publication date (labelled
or on a date line of its own, in Chinese, ISO-like and English forms, only when
plausible and unambiguous) and the publisher from a `来源`/`Source` line (never a
chart caption's data source). Anything not clearly stated is None.
"""

from __future__ import annotations

import datetime

import pytest

from pipelines.ingest.metadata import ReportMetadata, read_metadata

D = datetime.date

SEED_HEAD = (
    "当前位置: 华文世界 > 科技\n\n"
    "AI算力行业深度:行业景气触底,算力全面超预期\n\n"
    "2024-05-06科技\n\n"
    "(精选报告来源:幻影视界)\n\n"
    "AI :算力景气度持续上行,模型迭代加速应用落地。\n\n"
    "1 AIGC 基于大语言模型 GPT3.5 加入监督数据微调得到的 ChatGPT ,自 2022 年底推出后即引起轩然大波。\n"
)


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        pytest.param(
            SEED_HEAD,
            ReportMetadata("AI算力行业深度:行业景气触底,算力全面超预期", D(2024, 5, 6), "幻影视界"),
            id="seed-report",
        ),
        pytest.param(
            "证券研究报告 | 行业深度报告\n\n半导体行业深度：国产替代加速，设备材料迎来拐点\n"
            "报告日期：2024年5月6日\n来源：华泰证券\n投资要点\n国产化率持续提升。\n",
            ReportMetadata("半导体行业深度：国产替代加速，设备材料迎来拐点", D(2024, 5, 6), "华泰证券"),
            id="banner-labelled-date-source",
        ),
        pytest.param(
            "行业深度报告\n发布时间 2024/05/06\n新能源车行业月报：销量环比回升\n",
            ReportMetadata("新能源车行业月报：销量环比回升", D(2024, 5, 6), None),
            id="publish-time-slashes",
        ),
        pytest.param(
            "创新药行业专题：出海进入收获期\n2024.05.06\n",
            ReportMetadata("创新药行业专题：出海进入收获期", D(2024, 5, 6), None),
            id="dotted-date-line",
        ),
        pytest.param(
            "报告日期：２０２４年５月６日\n保险行业点评：负债端持续改善\n来源：中信证券\n",
            ReportMetadata("保险行业点评：负债端持续改善", D(2024, 5, 6), "中信证券"),
            id="full-width-digits",
        ),
        pytest.param(
            "报告日期：20240506\n贵州茅台(600519)：业绩稳健增长，分红比例提升\n",
            ReportMetadata("贵州茅台(600519)：业绩稳健增长，分红比例提升", D(2024, 5, 6), None),
            id="compact-labelled-date-and-stock-code-title",
        ),
        pytest.param(
            "首页 > 研报 > 行业研究\n《2024年中国医药行业研究报告》\n2024 年 5 月 6 日\n",
            ReportMetadata("2024年中国医药行业研究报告", D(2024, 5, 6), None),
            id="breadcrumb-and-book-title-marks",
        ),
        pytest.param(
            "【光伏行业周报】硅料价格企稳，组件排产回升\n日期：2024-05-06\n",
            ReportMetadata("【光伏行业周报】硅料价格企稳，组件排产回升", D(2024, 5, 6), None),
            id="leading-tag-not-an-institution",
        ),
        pytest.param(
            "【华泰证券】电力设备：特高压招标加速\n2024年5月6日\n",
            ReportMetadata("电力设备：特高压招标加速", D(2024, 5, 6), "华泰证券"),
            id="leading-institution-tag-is-source",
        ),
        pytest.param(
            "【汽车行业深度：智能驾驶渗透率拐点已至】\n",
            ReportMetadata("汽车行业深度：智能驾驶渗透率拐点已至", None, None),
            id="title-wrapped-in-lenticular-brackets-no-date",
        ),
        pytest.param(
            "标题：券商行业2024年一季报综述\n分析师：张三 S0570520010001\n",
            ReportMetadata("券商行业2024年一季报综述", None, None),
            id="labelled-title",
        ),
        pytest.param(
            "Goldman Sachs | Equity Research\nNVIDIA Corp. (NVDA): Data center strength continues, raising PT\n"
            "May 6, 2024\nSource: Goldman Sachs\n",
            ReportMetadata("NVIDIA Corp. (NVDA): Data center strength continues, raising PT", D(2024, 5, 6),
                           "Goldman Sachs"),
            id="english-month-day-year",
        ),
        pytest.param(
            "Equity Research\nChina Insurance: Premium growth to stay resilient in 2H\n6 May 2024\n",
            ReportMetadata("China Insurance: Premium growth to stay resilient in 2H", D(2024, 5, 6), None),
            id="english-day-month-year",
        ),
        pytest.param(
            "Industry Update\nEuropean autos: pricing pressure builds into the second half\n"
            "Published on 6th May 2024\nAnalyst: Jane Doe\n",
            ReportMetadata("European autos: pricing pressure builds into the second half", D(2024, 5, 6), None),
            id="english-published-on-ordinal",
        ),
        pytest.param(
            "Semiconductor equipment outlook for the next cycle\nReport date: 13/06/2024\n",
            ReportMetadata("Semiconductor equipment outlook for the next cycle", D(2024, 6, 13), None),
            id="numeric-day-first-unambiguous",
        ),
    ],
)
def test_reads_title_date_and_source(head: str, expected: ReportMetadata) -> None:
    assert read_metadata(head) == expected


@pytest.mark.parametrize(
    ("head", "why"),
    [
        ("医药行业周报：集采影响边际减弱\n分析师：张三\n", "no date stated"),
        ("某某行业观察：需求回暖\n数据截至2024年3月31日\n", "data as-of date"),
        ("事件点评：新品发布\n2024年3月14日，公司发布新一代芯片，性能提升30%。\n", "event date in prose"),
        ("行业专题：政策梳理\n2024年1月1日至2024年3月31日\n", "a span, not a day"),
        ("行业专题：政策梳理\n报告日期：2024年2月30日\n", "impossible calendar day"),
        ("行业专题：政策梳理\n报告日期：1985年5月6日\n", "implausible year"),
        ("Sector outlook for the coming quarter\nPublished: 05/06/2024\n", "May 6 or 5 June"),
        ("Sector outlook for the coming quarter\nRevenue up 2024.05 vs 2023.05\n", "a month is not a day"),
        ("行业专题：政策梳理\n" + "正文。\n" * 800 + "报告日期：2024年5月6日\n", "beyond the head"),
    ],
)
def test_date_is_none_unless_clearly_stated(head: str, why: str) -> None:
    assert read_metadata(head).published_date is None, why


@pytest.mark.parametrize(
    ("head", "source"),
    [
        ("行业深度\n资料来源：Wind，公司公告，华泰证券研究所\n", None),
        ("行业深度\n数据来源：国家统计局\n", None),
        ("Autos outlook for the year ahead\nSource: Company data, Goldman Sachs Global Investment Research\n", None),
        ("行业深度\n文章来源：国泰君安证券  作者：李四\n", "国泰君安证券"),
        ("行业深度\n出处：东方财富网\n", "东方财富网"),
        ("行业深度\n来源：国泰君安证券 作者：李四\n", "国泰君安证券"),
        ("行业深度\n来源：华泰证券 2024-05-06\n", "华泰证券"),
        ("行业深度\n（报告来源：招商证券）\n", "招商证券"),
        ("Autos outlook for the year ahead\nPublished by: Morgan Stanley Research\n", "Morgan Stanley Research"),
    ],
)
def test_source_comes_only_from_a_publisher_label(head: str, source: str | None) -> None:
    assert read_metadata(head).source == source


@pytest.mark.parametrize(
    ("head", "title"),
    [
        ("当前位置: 华文世界 > 科技\n储能行业深度：大储需求高增\n", "储能行业深度：大储需求高增"),
        ("证券研究报告\n行业研究\n华泰证券\n储能行业深度：大储需求高增\n", "储能行业深度：大储需求高增"),
        ("华泰证券 | 证券研究报告\n储能行业深度：大储需求高增\n", "储能行业深度：大储需求高增"),
        ("投资评级：增持（维持）\n储能行业深度：大储需求高增\n", "储能行业深度：大储需求高增"),
        ("请务必阅读正文之后的免责声明。\n储能行业深度：大储需求高增\n", "储能行业深度：大储需求高增"),
        ("买入（维持）\n储能行业深度：大储需求高增\n", "储能行业深度：大储需求高增"),
        ("券商行业点评：评级上调周期开启\n", "券商行业点评：评级上调周期开启"),
        ("Rating: Buy\nIntel Corp: Foundry losses narrow; analysts turn constructive\n",
         "Intel Corp: Foundry losses narrow; analysts turn constructive"),
        ("Goldman Sachs Group: Trading revenue beats on strong FICC\n",
         "Goldman Sachs Group: Trading revenue beats on strong FICC"),
        ("2024-05-06\n储能行业深度：大储需求高增\n", "储能行业深度：大储需求高增"),
        ("投资要点\n1、大储需求高增，出货量同比增长50%。\n", None),
        ("国内储能装机同比增长超过一倍，主要受益于大储项目集中并网以及工商业储能经济性的显著改善。\n", None),
        ("Goldman Sachs\nMorgan Stanley | Research\n", None),
        ("", None),
    ],
)
def test_title_skips_page_furniture_and_never_takes_body_prose(head: str, title: str | None) -> None:
    assert read_metadata(head).title == title
