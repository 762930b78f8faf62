"""Entity recognition: alias resolution, leftmost-longest matching, cue patterns, lexicon validity.

Pins that every alias spelling resolves to one canonical entity, that longer names
win over the short names inside them (京东方 over 京东), that ASCII aliases need word
boundaries (Meta is not in MetaLLM), that government bodies, products and full
company names the lexicon lacks are found by patterns with deterministic ids, that
spans slice the original text, and that the seed report's expected entities are found.

Also pins the sector family (industries, sectors and markets from several industries
as type `other`, role `sector`, found only with a cue and never inside company names),
the list rule for insurer/broker short forms (平安、太保、国寿、新华), and the aliases
stopped by what follows them (中东部 is not 中东, US$ and U.S. dollar are not 美国).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from pipelines.extract.entities import (
    ENTITY_TYPES,
    EXCHANGE_CODE,
    SECTORS_PATH,
    derived_id,
    entity_rows,
    find_entities,
    load_lexicon,
    sector_canonical,
    validate_lexicon,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _found(text: str) -> dict[str, tuple[str, str, str]]:
    """surface -> (canonical, entity_type, source) of the mentions in text."""
    return {m.surface: (m.canonical, m.entity_type, m.source) for m in find_entities(text)}


@pytest.mark.parametrize(
    ("text", "surface", "canonical"),
    [
        ("英伟达发布新一代GPU", "英伟达", "英伟达"),
        ("NVIDIA reported record revenue", "NVIDIA", "英伟达"),
        ("Nvidia 的 H100 供不应求", "Nvidia", "英伟达"),
        ("谷歌推出新模型", "谷歌", "谷歌"),
        ("Google 推出 Gemini", "Google", "谷歌"),
        ("以国产模型 Minimax 为例", "Minimax", "MiniMax"),
        ("MiniMax 成立于 2021 年", "MiniMax", "MiniMax"),
        ("中科曙光业绩增长", "中科曙光", "中科曙光"),
        ("包括曙光信息、新华三", "曙光信息", "中科曙光"),
        ("新华三中标", "新华三", "新华三"),
        ("H3C 发布交换机", "H3C", "新华三"),
        ("微软与 OpenAI 合作", "微软", "微软"),
        ("Microsoft and OpenAI", "Microsoft", "微软"),
        ("基于大语言模型 GPT3.5 微调", "GPT3.5", "GPT-3.5"),
        ("GPT-3.5 的能力", "GPT-3.5", "GPT-3.5"),
        ("GPT4 包含 1.8 万亿参数", "GPT4", "GPT-4"),
        ("价格仅为 GPT-4-turbo 1/4", "GPT-4-turbo", "GPT-4 Turbo"),
        ("GPT-4 Turbo 降价", "GPT-4 Turbo", "GPT-4 Turbo"),
        ("谷歌推出的 Gemini 1.5 pro 可在生产环境运行", "Gemini 1.5 pro", "Gemini 1.5 Pro"),
        ("月之暗面旗下 Kimi 智能助手已经启动内测", "Kimi 智能助手", "Kimi"),
        ("kimi 等优秀国产大模型", "kimi", "Kimi"),
        ("MiniMax 推出 AI 助手海螺 AI", "海螺 AI", "海螺AI"),
        ("秘塔 AI 搜索是国内 AI 公司的新产品", "秘塔 AI 搜索", "秘塔AI搜索"),
        ("Filmora/ 万兴喵影自去年上线", "Filmora", "万兴喵影"),
        ("宁德时代装机量第一", "宁德时代", "宁德时代"),
        ("CATL 的储能电池", "CATL", "宁德时代"),
        ("贵州茅台提价", "贵州茅台", "贵州茅台"),
        ("腾讯控股回购", "腾讯控股", "腾讯"),
        ("国家发改委印发通知", "国家发改委", "国家发展和改革委员会"),
        ("工信部发布指导意见", "工信部", "工业和信息化部"),
        ("央行宣布降准", "央行", "中国人民银行"),
        ("证监会批复注册", "证监会", "中国证券监督管理委员会"),
        ("国家药监局批准上市", "国家药监局", "国家药品监督管理局"),
        ("上交所科创板", "上交所", "上海证券交易所"),
        ("斯坦福发布开源机器人", "斯坦福", "斯坦福大学"),
        ("微软与 OpenAI 正计划建设「星际之门」项目", "星际之门", "星际之门"),
        ("ＮＶＩＤＩＡ 全角", "ＮＶＩＤＩＡ", "英伟达"),
        ("杭州海康威视数字技术股份有限公司发布公告", "杭州海康威视数字技术股份有限公司", "海康威视"),
        ("公司与华为技术有限公司签署协议", "华为技术有限公司", "华为"),
        ("NVIDIA Corporation said", "NVIDIA Corporation", "英伟达"),
    ],
)
def test_alias_resolves_to_canonical(text: str, surface: str, canonical: str) -> None:
    found = _found(text)
    assert surface in found, found
    assert found[surface][0] == canonical


@pytest.mark.parametrize(
    ("text", "surface", "canonical", "absent"),
    [
        ("京东方发布财报", "京东方", "京东方", "京东"),
        ("中信证券研究部认为", "中信证券", "中信证券", "中信"),
        ("中国移动发布招标公告", "中国移动", "中国移动", "中国"),
        ("北京银行净利润增长", "北京银行", "北京银行", "北京"),
        ("其中山东省发布方案", "山东省", "山东省", "中山"),
        ("北京东方雨虹防水", "东方雨虹", "东方雨虹", "京东方"),
        ("宁德时代与宁德市政府", "宁德时代", "宁德时代", "宁德"),
        ("Gemini 1.5 Pro 上下文", "Gemini 1.5 Pro", "Gemini 1.5 Pro", "Gemini"),
    ],
)
def test_longest_match_wins(text: str, surface: str, canonical: str, absent: str) -> None:
    found = _found(text)
    assert found.get(surface, ("",))[0] == canonical, found
    assert absent not in found


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("自主研发了大语言模型 MetaLLM", "Meta"),
        ("用于法律问题分析的 MetaLaw", "Meta"),
        ("AMDX is not a ticker we cover", "AMDX"),
        ("a meta analysis of apple pie", "meta"),
        ("apple pie and oracle bones", "apple"),
        ("提高通信效率", "高通"),
        ("其中国产化比例预计较高", "中国"),
        ("其中信创比例预计较高", "中信"),
        ("交易观察与算法国产化", "法国"),
        ("今天合作伙伴到场", "天合"),
        ("用户超过 1000万达到新高", "万达"),
        ("IDC 机房建设加速", "IDC"),
        ("掀起了预训练大模型的浪潮", "浪潮"),
        ("美的生活", "美的"),
    ],
)
def test_no_match_inside_words_or_without_cue(text: str, absent: str) -> None:
    assert absent not in _found(text)


@pytest.mark.parametrize(
    ("text", "surface", "canonical"),
    [
        ("根据 IDC 统计, AI 推理需求占比提升", "IDC", "IDC"),
        ("人形机器人创业公司 Figure X 平台发布视频", "Figure", "Figure AI"),
        ("据 Wind 数据显示", "Wind", "万得"),
        ("Meta 计划于 2024 年底拥有 35 万张 GPU", "Meta", "Meta"),
        ("Apple Inc. reported", "Apple Inc.", "苹果"),
    ],
)
def test_cue_only_and_case_sensitive_aliases(text: str, surface: str, canonical: str) -> None:
    assert _found(text)[surface][0] == canonical


@pytest.mark.parametrize(
    ("text", "surface", "canonical", "source"),
    [
        ("北京市经济和信息化局和北京市通信管理局印发方案", "北京市经济和信息化局", "北京市经济和信息化局", "gov_body"),
        ("北京市经济和信息化局和北京市通信管理局印发方案", "北京市通信管理局", "北京市通信管理局", "gov_body"),
        ("上海市发改委发布指导意见", "上海市发改委", "上海市发展和改革委员会", "gov_body"),
        ("上海市通信管理局会同市委网信办、市发展改革委、市数据局", "市发展改革委", "上海市发展和改革委员会",
         "gov_body_relative"),
        ("上海市通信管理局会同市委网信办、市发展改革委、市数据局", "市数据局", "上海市数据局", "gov_body_relative"),
        ("广东省工业和信息化厅印发通知,省发展改革委配合", "广东省工业和信息化厅", "广东省工业和信息化厅", "gov_body"),
        ("广东省工业和信息化厅印发通知,省发展改革委配合", "省发展改革委", "广东省发展和改革委员会",
         "gov_body_relative"),
        ("深圳市发展和改革委员会发布", "深圳市发展和改革委员会", "深圳市发展和改革委员会", "gov_body"),
        ("杭州市经信局公示名单", "杭州市经信局", "杭州市经济和信息化局", "gov_body"),
        ("江苏省卫健委通报", "江苏省卫健委", "江苏省卫生健康委员会", "gov_body"),
    ],
)
def test_government_body_patterns(text: str, surface: str, canonical: str, source: str) -> None:
    found = _found(text)
    assert found[surface] == (canonical, "government", source), found


def test_relative_body_needs_a_named_city() -> None:
    assert "市发展改革委" not in _found("会同市发展改革委研究制定")


def test_government_body_ids_are_shared_across_spellings() -> None:
    short = find_entities("上海市发改委发布")[0]
    long = find_entities("上海市发展和改革委员会发布")[0]
    assert short.entity_id == long.entity_id == derived_id("上海市发展和改革委员会")


@pytest.mark.parametrize(
    ("text", "surface", "canonical", "entity_type"),
    [
        ("北京市智算供给规模达到 45EFLOPS", "北京市", "北京市", "government"),
        ("目标到 2025 年,上海智能算力规模超过 30EFlops", "上海", "上海市", "government"),
        ("深圳出台支持政策", "深圳", "深圳市", "government"),
        ("广东省数字经济规模", "广东省", "广东省", "government"),
        ("香港特别行政区政府", "香港特别行政区", "香港特别行政区", "government"),
        ("我国算力规模全球第二", "我国", "中国", "region"),
        ("美国限制芯片出口", "美国", "美国", "region"),
        ("欧盟委员会发起调查", "欧盟委员会", "欧盟委员会", "government"),
        ("欧盟碳关税", "欧盟", "欧盟", "region"),
        ("长三角算力枢纽", "长三角", "长三角", "region"),
    ],
)
def test_region_versus_government_typing(text: str, surface: str, canonical: str, entity_type: str) -> None:
    assert _found(text)[surface][:2] == (canonical, entity_type)


@pytest.mark.parametrize(
    ("text", "surface", "entity_type", "source"),
    [
        ("公司自主研发了大语言模型 MetaLLM ,旗下产品包括", "MetaLLM", "model", "product_cue"),
        ("全新推出移动端 AI 特效产品 SelifeAI ,支持人像图片修复", "SelifeAI", "product", "product_cue"),
        ("公司推出 AI 助手「小智同学」", "小智同学", "product", "product_cue"),
        ("发布大模型 NovaLM 2 Pro ,性能领先", "NovaLM 2 Pro", "model", "product_cue"),
        ("发布开源机器人 Acme Walker 的演示视频", "Acme Walker", "product", "product_cue"),
        ("「天穹」计划正式启动", "天穹", "project", "project_cue"),
        ("Qwen2.5-Max 在榜单领先", "Qwen2.5-Max", "model", "model_version"),
        ("Claude 4.5 Opus 发布", "Claude 4.5 Opus", "model", "model_version"),
    ],
)
def test_product_and_model_patterns(text: str, surface: str, entity_type: str, source: str) -> None:
    found = _found(text)
    assert surface in found, found
    assert found[surface][1:] == (entity_type, source)


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("以智能体 Agent 为例", "Agent"),
        ("上下文支持 200k tokens", "tokens"),
        ("核心功能「 AI 商品图」累计生成", "AI 商品图"),
        ("模型 token 消耗", "token"),
    ],
)
def test_product_cue_skips_generic_words(text: str, absent: str) -> None:
    assert absent not in _found(text)


def test_robot_name_is_not_doubled() -> None:
    found = _found("开源炒菜机器人 Mobile ALOHA Mobile ALOHA 能在复杂的场景中完成任务")
    assert "Mobile ALOHA" in found
    assert "Mobile ALOHA Mobile ALOHA" not in found


def test_derived_company_links_its_core_name() -> None:
    text = "云栖新品发布。杭州云栖网络科技有限公司成立于 2018 年,云栖表示将继续投入。"
    mentions = find_entities(text)
    full = [m for m in mentions if m.surface == "杭州云栖网络科技有限公司"]
    bare = [m for m in mentions if m.surface == "云栖"]
    assert len(full) == 1 and len(bare) == 2
    assert {m.entity_id for m in bare} == {full[0].entity_id} == {derived_id("杭州云栖网络科技有限公司")}
    assert full[0].source == "company_name" and bare[0].source == "derived_alias"
    (row,) = entity_rows(mentions)
    assert row["canonical"] == "杭州云栖网络科技有限公司"
    assert row["entity_type"] == "company" and row["source"] == "company_name"
    assert "云栖" in row["aliases"]


def test_full_name_after_lead_word_excludes_it() -> None:
    found = _found("国内 AI 公司深圳星河智能科技有限公司在 2024 年推出新产品")
    assert "深圳星河智能科技有限公司" in found


def test_secret_tower_full_name_then_short_name() -> None:
    text = "上海秘塔网络科技有限公司成立于 2018 4 月。秘塔表示"
    found = _found(text)
    assert found["上海秘塔网络科技有限公司"][0] == found["秘塔"][0] == "秘塔科技"


def test_english_company_name_and_core() -> None:
    mentions = find_entities("According to Acme Robotics Inc., demand rose. Acme Robotics expects more.")
    surfaces = [m.surface for m in mentions]
    assert surfaces == ["Acme Robotics Inc.", "Acme Robotics"]
    assert mentions[0].entity_id == mentions[1].entity_id


def test_seed_mentions_slice_the_text_and_do_not_overlap() -> None:
    text = (FIXTURES / "eval" / "seed_report.txt").read_text(encoding="utf-8")
    mentions = find_entities(text)
    assert mentions
    last_end = 0
    for m in mentions:
        assert text[m.start:m.end] == m.surface
        assert m.start >= last_end
        assert m.entity_type in ENTITY_TYPES
        last_end = m.end


def test_seed_report_entities_are_found() -> None:
    text = (FIXTURES / "eval" / "seed_report.txt").read_text(encoding="utf-8")
    gold = json.loads((FIXTURES / "eval" / "seed_entities.json").read_text(encoding="utf-8"))
    mentions = find_entities(text)
    names = {m.surface.strip() for m in mentions} | {m.canonical for m in mentions}
    for row in entity_rows(mentions):
        names.update(row["aliases"])
    expected = [alts for key in ("companies", "governments", "models_products") for alts in gold[key]]
    misses = [alts for alts in expected if not any(a in names for a in alts)]
    print(f"seed entity coverage {len(expected) - len(misses)}/{len(expected)}; misses: {misses}")
    assert len(misses) <= 0.1 * len(expected), misses


def test_entity_rows_for_lexicon_entities() -> None:
    rows = entity_rows(find_entities("英伟达与微软合作,英伟达股价上涨"))
    assert [r["entity_id"] for r in rows] == ["nvidia", "microsoft"]
    nvidia = rows[0]
    assert nvidia["exchange_code"] == "NVDA.O" and nvidia["source"] == "lexicon"
    assert "NVIDIA" in nvidia["aliases"]
    assert set(nvidia) == {"entity_id", "canonical", "entity_type", "aliases", "exchange_code", "role", "source"}


def test_empty_text() -> None:
    assert find_entities("") == []


def test_lexicon_file_validates() -> None:
    assert validate_lexicon() == []


def test_lexicon_size_and_types() -> None:
    lex = load_lexicon()
    counts = Counter(r.entity_type for r in lex.rows)
    assert len(lex.rows) >= 1200
    assert set(counts) <= ENTITY_TYPES
    assert counts["company"] >= 800 and counts["government"] >= 34


def test_lexicon_codes_and_roles() -> None:
    lex = load_lexicon()
    for row in lex.rows:
        assert row.exchange_code is None or EXCHANGE_CODE.match(row.exchange_code), row
    assert lex.by_id["hikvision"].exchange_code == "002415.SZ"
    assert lex.by_id["moutai"].exchange_code == "600519.SH"
    assert lex.by_id["tencent"].exchange_code == "00700.HK"
    assert lex.by_id["huawei"].exchange_code is None
    assert lex.by_id["idc"].role == "research"
    assert lex.by_id["cn-sse"].role == "exchange"
    provinces = [r for r in lex.rows if r.role in ("province", "municipality", "sar")]
    assert len(provinces) == 33  # plus 台湾, typed region
    dims = lex.dim_rows()
    assert len({d["entity_id"] for d in dims}) == len(dims)


@pytest.mark.parametrize(
    ("rows", "problem"),
    [
        ("a,甲公司,company,甲|Alpha,,,\nb,乙公司,company,甲,,,\n", "already belongs"),
        ("a,甲公司,company,,,,\na,乙公司,company,,,,\n", "duplicate entity_id"),
        ("a,甲公司,firm,,,,\n", "has type"),
        ("a,甲公司,company,,60051.SH,,\n", "exchange code"),
        ("a,甲公司,company,,,nobody,\n", "unknown parent_id"),
    ],
)
def test_validation_reports_problems(tmp_path: Path, rows: str, problem: str) -> None:
    path = tmp_path / "entities.csv"
    path.write_text("# test lexicon\nentity_id,canonical,entity_type,aliases,exchange_code,parent_id,role\n" + rows,
                    encoding="utf-8")
    assert any(problem in p for p in validate_lexicon(path))


def _sectors(text: str) -> dict[str, str]:
    """surface -> canonical of the sector mentions in text."""
    return {m.surface: m.canonical for m in find_entities(text) if m.source == "sector"}


@pytest.mark.parametrize(
    ("text", "surface", "canonical"),
    [
        # pharma
        ("申万医药生物行业499家上市公司中483家发布业绩", "申万医药生物行业", "申万医药生物行业"),
        ("2024年医药行业受集采、医保目录动态调整等政策影响整体承压", "医药行业", "医药行业"),
        ("医疗器械板块上半年营收同比增长8%", "医疗器械板块", "医疗器械板块"),
        ("创新药赛道持续火热,融资额回升", "创新药赛道", "创新药赛道"),
        ("申万医药生物指数年内下跌 15%", "申万医药生物指数", "申万医药生物指数"),
        ("- 传统中药企业因核心品种集采失标导致净利润下滑", "传统中药企业", "传统中药企业"),
        ("- 化学制剂企业因2023年高基数导致营收下降", "化学制剂企业", "化学制剂企业"),
        # consumer
        ("24Q3白酒板块营收同比+1.3%、归母净利润同比+2.2%", "白酒板块", "白酒板块"),
        ("2024年前三季度大众品板块实现营业总收入4645.4亿元", "大众品板块", "大众品板块"),
        ("Q3消费力环比走弱,大众品表现分化", "大众品", "大众品"),
        ("食品饮料行业Q3业绩分化", "食品饮料行业", "食品饮料行业"),
        # brokerage, insurance, banks
        ("42家上市券商2024年经纪业务净收入同比增长10%", "上市券商", "上市券商"),
        ("36家券商经纪净收入增长", "券商", "券商"),
        ("中小券商表现分化,第一创业营收35.32亿元", "中小券商", "中小券商"),
        ("2018 年上半年,四家上市险企共实现净利润 885.71 亿元", "上市险企", "上市险企"),
        ("保险行业 2018 年中报综述", "保险行业", "保险行业"),
        ("10家上市银行净息差收窄", "上市银行", "上市银行"),
        ("中国银行业总资产同比增长 8%", "中国银行业", "中国银行业"),
        # energy
        ("上半年,全国风电新增装机601万千瓦", "全国风电", "全国风电"),
        ("上半年,风电发电量1490亿千瓦时", "风电", "风电"),
        ("光伏电站1729万千瓦,同比减少16%", "光伏电站", "光伏电站"),
        ("分布式光伏711万千瓦,同比增长2.9倍", "分布式光伏", "分布式光伏"),
        ("集中式光伏新增装机同比下降", "集中式光伏", "集中式光伏"),
        ("海上风电招标量创新高", "海上风电", "海上风电"),
        ("上半年光伏发电市场规模快速扩大", "光伏发电市场", "光伏发电市场"),
        ("国内储能市场装机量翻倍", "国内储能市场", "国内储能市场"),
        ("钢铁行业产能利用率回落", "钢铁行业", "钢铁行业"),
        # autos
        ("新能源汽车渗透率突破50%", "新能源汽车", "新能源汽车"),
        ("动力电池装机量同比增长40%", "动力电池", "动力电池"),
        ("乘用车市场零售销量同比增长", "乘用车市场", "乘用车市场"),
        ("三季度5家上市车企合计交付30万辆", "上市车企", "上市车企"),
        # semiconductors and tech
        ("分板块来看,半导体设备板块延续了去年中报呈现出的景气度", "半导体设备板块", "半导体设备板块"),
        ("18家半导体设备公司今年上半年合计实现营收287.61亿元", "半导体设备公司", "半导体设备公司"),
        ("A股159家申万半导体公司交出中期答卷", "申万半导体公司", "申万半导体公司"),
        ("全球半导体累计销售额同比增速为17.06%", "全球半导体", "全球半导体"),
        ("全球半导体市场规模将达到 6000 亿美元", "全球半导体市场", "全球半导体市场"),
        ("预计中国 AI 服务器市场规模将达到 560 亿美元", "中国 AI 服务器市场", "中国AI服务器市场"),
        ("AI 服务器市场出货量增长", "AI 服务器市场", "AI服务器市场"),
        ("国内云计算市场增速放缓", "国内云计算市场", "国内云计算市场"),
        ("存储芯片板块涨幅居前", "存储芯片板块", "存储芯片板块"),
        # English
        ("Revenue of the semiconductor industry rose 17% in 2024", "semiconductor industry", "semiconductor industry"),
        ("The data center market grew 40% last year", "data center market", "data center market"),
        ("Global semiconductor sales rose", "Global semiconductor", "global semiconductor"),
        ("the US semiconductor industry lobbied", "US semiconductor industry", "US semiconductor industry"),
        ("the AI server market will double", "AI server market", "AI server market"),
        ("The global EV market slowed", "global EV market", "global EV market"),
    ],
)
def test_sector_phrases(text: str, surface: str, canonical: str) -> None:
    found = {m.surface: m for m in find_entities(text)}
    assert surface in found, found
    m = found[surface]
    assert (m.canonical, m.entity_type, m.source) == (canonical, "other", "sector")
    assert m.entity_id == derived_id(canonical)


@pytest.mark.parametrize(
    "text",
    [
        "行业整体表现稳健",
        "市场规模快速扩大",
        "板块表现分化",
        "头部企业业绩坚挺,腰部以下企业承压",
        "医药公司普遍承压",                     # 公司 needs a count or a prefix
        "他是一家半导体公司的工程师",            # 一家 = "a", not a group
        "公司动力电池出货量同比增长",            # the company's own business
        "新上市创新药放量",                      # 上市 = launched, not listed
        "国内智算中心建设正在加速",              # a facility, not a sector
        "文化工作领域",                          # 化工 inside 文化工作
        "Record quarterly Data Center revenue of $18.4 billion",
        "consumer internet companies",
        "AI 大模型迭代迅速",
    ],
)
def test_no_sector_without_cue(text: str) -> None:
    assert _sectors(text) == {}


@pytest.mark.parametrize(
    ("text", "surface", "canonical", "entity_type"),
    [
        ("公司与光伏发电设备有限公司签约", "光伏发电设备有限公司", "光伏发电设备有限公司", "company"),
        ("比亚迪新能源汽车销量同比增长", "比亚迪", "比亚迪", "company"),
        ("宁德时代动力电池装机量第一", "宁德时代", "宁德时代", "company"),
        ("中国光伏行业协会预计", "中国光伏行业协会", "中国光伏行业协会", "organization"),
        ("Semiconductor Industry Association data", "Semiconductor Industry Association", "美国半导体行业协会",
         "organization"),
        ("中国银行业务收入增长", "中国银行", "中国银行", "company"),
        ("北京银行发布年报", "北京银行", "北京银行", "company"),
        ("中国石油发布年报", "中国石油", "中国石油", "company"),
    ],
)
def test_sector_noun_inside_a_name_is_not_a_sector(text: str, surface: str, canonical: str, entity_type: str) -> None:
    found = _found(text)
    assert found[surface][:2] == (canonical, entity_type), found
    assert not any(surface in s or s in surface for s in _sectors(text)), _sectors(text)


@pytest.mark.parametrize(
    ("text", "sector"),
    [
        ("申万医药生物行业499家上市公司", "申万医药生物行业"),
        ("申万医药生物指数上涨", "申万医药生物指数"),
        ("申万半导体行业指数", "申万半导体行业指数"),
        ("申万一级行业计算机板块", "申万一级行业计算机板块"),
    ],
)
def test_index_provider_prefix_beats_broker_alias(text: str, sector: str) -> None:
    found = _found(text)
    assert found[sector][1:] == ("other", "sector")
    assert "申万" not in found


def test_broker_alias_without_industry_is_the_broker() -> None:
    assert _found("据申万统计,行业景气回升")["申万"][:2] == ("申万宏源", "company")
    assert _found("申万宏源研究认为")["申万宏源"][:2] == ("申万宏源", "company")


def test_sector_counts_stay_outside_the_span() -> None:
    (m,) = [m for m in find_entities("42家上市券商经纪业务净收入") if m.source == "sector"]
    assert (m.start, m.surface) == (3, "上市券商")


def test_sector_ids_are_shared_across_spellings() -> None:
    a = [m for m in find_entities("中国 AI 服务器市场规模") if m.source == "sector"]
    b = [m for m in find_entities("中国AI服务器市场规模") if m.source == "sector"]
    assert a[0].entity_id == b[0].entity_id == derived_id("中国AI服务器市场")
    assert sector_canonical("Data  Center market") == "data center market"


def test_sector_dim_row_has_role_sector() -> None:
    rows = entity_rows(find_entities("白酒板块营收同比+1.3%,贵州茅台稳健"))
    by_name = {r["canonical"]: r for r in rows}
    assert by_name["白酒板块"]["role"] == "sector" and by_name["白酒板块"]["entity_type"] == "other"
    assert by_name["白酒板块"]["source"] == "sector"
    assert by_name["贵州茅台"]["role"] is None


def test_sector_vocabulary_covers_industries() -> None:
    lines = [line for line in SECTORS_PATH.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    header, *rows = [line.split(",") for line in lines]
    assert header == ["sector", "standalone", "firms", "industry"]
    nouns = [r[0] for r in rows]
    assert len(nouns) >= 150 and len(set(nouns)) == len(nouns)
    assert sum(n.isascii() for n in nouns) >= 30
    assert {r[3] for r in rows} >= {"pharma", "consumer", "finance", "energy", "autos", "tech", "materials",
                                    "industrials"}
    assert all(r[1] in ("yes", "no") and r[2] in ("yes", "no") for r in rows)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("平安、太保、国寿、新华代理人渠道新单保费分别下降 11.9%、19.7%",
         {"平安": "中国平安", "太保": "中国太保", "国寿": "中国人寿", "新华": "新华保险"}),
        ("上半年平安和国寿首年期交保费收入占比提升", {"平安": "中国平安", "国寿": "中国人寿"}),
        ("太保和新华首年期交保费占比下降", {"太保": "中国太保", "新华": "新华保险"}),
        ("平安和新华等险企加大保障型产品销售", {"平安": "中国平安", "新华": "新华保险"}),
        ("人保、太平等险企", {"人保": "中国人保", "太平": "中国太平"}),
        ("中信证券、华泰、国君、海通等头部券商", {"华泰": "华泰证券", "国君": "国泰君安", "海通": "海通证券"}),
        ("险企中新华表现最好", {"新华": "新华保险"}),
    ],
)
def test_short_forms_in_a_list_of_peers(text: str, expected: dict[str, str]) -> None:
    found = _found(text)
    assert {s: found[s][0] for s in expected if s in found} == expected, found


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("新华社报道,新华网转载", "新华"),
        ("新华和平安两个词", "新华"),
        ("新华和平安两个词", "平安"),
        ("平安夜的街道", "平安"),
        ("天下太平", "太平"),
        ("太平洋地区的航线", "太平洋"),
        ("新华书店、平安大街", "平安"),
    ],
)
def test_ambiguous_short_forms_need_a_cue(text: str, absent: str) -> None:
    assert absent not in _found(text)


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("中东部和南方地区占比超过50%", "中东"),
        ("中东部地区风电装机", "中东"),
        ("posted NT$247.85 billion (US$7.60 billion) in net profit", "US"),
        ("the Taiwan dollar against the U.S. dollar", "U.S."),
        ("the Taiwan dollar against the U.S. dollar", "Taiwan"),
        ("a stronger US dollar", "US"),
        ("the Hong Kong dollar peg", "Hong Kong"),
    ],
)
def test_alias_stopped_by_the_next_word(text: str, absent: str) -> None:
    assert absent not in _found(text)


@pytest.mark.parametrize(
    ("text", "surface", "canonical"),
    [
        ("中东部分国家需求旺盛", "中东", "中东"),
        ("中东地区油气投资", "中东地区", "中东"),
        ("the US economy slowed", "US", "美国"),
        ("U.S. export controls tightened", "U.S.", "美国"),
        ("Taiwan Semiconductor Manufacturing Co. (TSMC) on Thursday reported", "TSMC", "台积电"),
        ("NVIDIA (NASDAQ: NVDA) today reported revenue", "NVIDIA", "英伟达"),
        ("NVIDIA RTX, introduced less than six years ago", "NVIDIA RTX", "NVIDIA RTX"),
        ("其 20.1% 的综合毛利率中,包含大众集团支付的 23 亿元技术服务费", "大众集团", "大众汽车"),
        ("华林证券大跌84%,首创证券逆势增长91%", "首创证券", "首创证券"),
        ("华北制药归母净利润1.27亿元", "华北制药", "华北制药"),
    ],
)
def test_dev_set_names(text: str, surface: str, canonical: str) -> None:
    found = _found(text)
    assert found[surface][0] == canonical, found
