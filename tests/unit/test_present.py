"""Rendering the evidence pages, without a warehouse or a browser.

Pins: every fact gets exactly one element with `data-fact=<id>` whose text is the fact's mention,
whatever the overlap (nested, identical, adjacent, crossing spans; crossing ones are split into
a head carrying `data-fact` plus `data-cont` fragments that together spell the mention); the
page's text is the report's text, unchanged, once tags are stripped; hostile report text
(`<script>`, `&`, quotes) stays text; values, periods and file names format as analysts read
them; charts are well-formed SVG with the CJK labels as text.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections import defaultdict
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.present import svg
from pipelines.present.index import CorpusOverview, DocumentRow, charts, render_index
from pipelines.present.page import (
    DocumentEvidence,
    Fact,
    Span,
    Unparsed,
    format_number,
    format_quantity,
    highlight,
    page_filename,
    period_label,
    readable_magnitude,
    render_page,
)


class Marks(HTMLParser):
    """The text inside each `data-fact` / `data-cont` / `data-unparsed` element, and the plain text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, str | None, list[str]]] = []
        self.heads: dict[str, list[str]] = defaultdict(list)      # fact id -> texts of data-fact elements
        self.conts: dict[str, list[str]] = defaultdict(list)      # fact id -> texts of data-cont elements
        self.unparsed: dict[str, list[str]] = defaultdict(list)
        self.text: list[str] = []
        self.in_article = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        kind, key = next(((k, a[k]) for k in ("data-fact", "data-cont", "data-unparsed") if k in a), (None, None))
        self.open.append((kind, key, []))
        if tag == "article":
            self.in_article += 1

    def handle_endtag(self, tag):
        kind, key, parts = self.open.pop()
        text = "".join(parts)
        if kind == "data-fact":
            self.heads[key].append(text)
        elif kind == "data-cont":
            self.conts[key].append(text)
        elif kind == "data-unparsed":
            self.unparsed[key].append(text)
        if tag == "article":
            self.in_article -= 1

    def handle_data(self, data):
        for _, _, parts in self.open:
            parts.append(data)
        if self.in_article:
            self.text.append(data)


def marks_of(fragment: str) -> Marks:
    m = Marks()
    m.feed(f"<article>{fragment}</article>")
    m.close()
    return m


def span(start: int, end: int, kind: str = "quantity", key: str | None = None) -> Span:
    return Span(start, end, kind, key or f"{kind}-{start}-{end}", "")


def assert_one_element_per_fact(text: str, spans: list[Span]) -> None:
    m = marks_of(highlight(text, spans))
    assert "".join(m.text) == text, "tags stripped must give the report's text back"
    facts = [s for s in spans if s.kind != "unparsed"]
    assert set(m.heads) == {s.key for s in facts}
    for s in facts:
        assert len(m.heads[s.key]) == 1, f"{s.key}: {len(m.heads[s.key])} data-fact elements"
        assert m.heads[s.key][0] + "".join(m.conts[s.key]) == text[s.start:s.end]


SEED_LIKE = "2024 3 14 日,月之暗面旗下 Kimi 智能助手已支持 200 万字无损上下文。"


@pytest.mark.parametrize(
    ("text", "spans"),
    [
        pytest.param("中国移动采购 8054 台服务器,单价 198 万元。",
                     [span(7, 13), span(20, 26)], id="disjoint quantities"),
        pytest.param(SEED_LIKE, [span(0, len(SEED_LIKE) - 1, "event"), span(27, 33)],
                     id="event sentence containing a quantity"),
        pytest.param("海康威视、大华股份、科大讯飞业绩企稳向好。",
                     [span(14, 20, "signal", "hik"), span(14, 20, "signal", "dahua"),
                      span(14, 20, "signal", "iflytek")],
                     id="one signal phrase, three companies: identical spans"),
        pytest.param("算力规模超过 30EFlops50% 以上", [span(7, 15), span(15, 18)], id="adjacent spans"),
        pytest.param("其于 2024 4 月已发布国内首个万亿参数级别模型",
                     [span(0, 22, "event"), span(15, 19), span(3, 11, "quantity", "period-ish")],
                     id="event with two quantities inside"),
        pytest.param("收入同比大幅下滑,利润同比大幅下滑", [span(0, 12, "event"), span(5, 17, "signal")],
                     id="crossing: signal starts inside the event and ends after it"),
        pytest.param("ABCDEFGHIJKLMNOP", [span(0, 6, "event"), span(4, 10, "signal"), span(8, 14)],
                     id="a chain of crossings"),
        pytest.param("ABCDEFGHIJKLMNOP", [span(0, 16, "event"), span(2, 8, "signal"), span(6, 12),
                                          span(10, 16, "quantity", "tail")],
                     id="crossings inside a container"),
        pytest.param("增长 100%", [span(0, 6, "event"), span(3, 7, "quantity")], id="span ends at the end of text"),
        pytest.param("1.8 万亿参数", [span(0, 5, "signal"), span(0, 8, "event"), span(0, 5)],
                     id="shared start, different ends"),
    ],
)
def test_every_fact_has_exactly_one_element_spelling_its_mention(text, spans):
    assert_one_element_per_fact(text, spans)


def test_crossing_span_is_split_into_head_and_continuation():
    text = "收入同比大幅下滑,利润同比大幅下滑"
    html = highlight(text, [span(0, 12, "event", "e"), span(5, 17, "signal", "s")])
    m = marks_of(html)
    assert m.heads["e"] == [text[0:12]]
    assert m.heads["s"] == [text[5:12]] and m.conts["s"] == [text[12:17]]
    assert 'class="f f-signal split"' in html


def test_identical_spans_nest_event_outside_signal_outside_quantity():
    html = highlight("业绩企稳向好", [span(0, 6, "quantity", "q"), span(0, 6, "signal", "s"), span(0, 6, "event", "e")])
    assert html.index('data-fact="e"') < html.index('data-fact="s"') < html.index('data-fact="q"')


def test_unparsed_mentions_are_marked_without_data_fact():
    m = marks_of(highlight("约 3-5 成左右", [span(2, 5, "unparsed", "0")]))
    assert m.unparsed["0"] == ["3-5"] and not m.heads


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_any_overlap_keeps_one_element_per_fact(data):
    text = data.draw(st.text(alphabet="研报算力亿元%<&>\"' \nab12", min_size=1, max_size=40))
    n = data.draw(st.integers(0, 8))
    spans = []
    for i in range(n):
        start = data.draw(st.integers(0, len(text) - 1))
        end = data.draw(st.integers(start + 1, len(text)))
        kind = data.draw(st.sampled_from(["quantity", "signal", "event", "unparsed"]))
        spans.append(Span(start, end, kind, f"k{i}", ""))
    assert_one_element_per_fact(text, spans)


HOSTILE = 'A公司称<script>alert("x")</script>&amp; 收入 5 亿元 "quoted" \'single\' </article>'


def hostile_document() -> DocumentEvidence:
    start = HOSTILE.index("5 亿元")
    fact = Fact(
        fact_id='id"<x>', kind="quantity", start=start, end=start + 4, mention="5 亿元", subject="A公司<b>",
        what="revenue", value="500,000,000 CNY", period="2024",
        fields=(("value", "500,000,000 CNY"), ("evidence", HOSTILE)),
    )
    signal = Fact(
        fact_id="sig", kind="signal", start=0, end=3, mention="A公司", subject="A公司", what="performance",
        value="▲ up", period="", fields=(("company", "</script><script>alert(1)</script>"),),
    )
    return DocumentEvidence(
        document="in/<evil>.txt", document_id="0123456789abcdef", title="<img src=x onerror=alert(1)>",
        text=HOSTILE, metadata=[("source", "<script>")], facts=[fact, signal],
        unparsed=[Unparsed(HOSTILE.index("single"), HOSTILE.index("single") + 6, "single", "<why>")],
    )


def test_hostile_text_stays_text():
    page = render_page(hostile_document())
    # Only our own two script elements exist, and nothing from the report closes one early.
    assert page.count("<script") == 2 and page.count("</script") == 2
    assert "<img" not in page and "A公司<b>" not in page and "<evil>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" not in page  # text nodes keep quotes literal
    assert "&lt;script&gt;alert(\"x\")&lt;/script&gt;&amp;amp;" in page
    m = Marks()
    m.feed(page)
    assert m.heads['id"<x>'] == ["5 亿元"]


def test_page_draws_every_fact_and_lists_misplaced_spans():
    doc = hostile_document()
    wrong = doc.facts[0]._replace(fact_id="wrong", start=0, end=4)
    doc.facts.append(wrong)
    page = render_page(doc)
    m = Marks()
    m.feed(page)
    assert set(m.heads) == {'id"<x>', "sig"}
    assert "span does not match the text" in page and "wrong" in page


def test_page_is_self_contained():
    text = "谷歌 2024 2 月推出的 Gemini 1.5 pro 可支持 100 token。"
    start = text.index("100 token")
    fact = Fact("f1", "quantity", start, start + 9, "100 token", "谷歌", "context_length", "100 token", "2024-02",
                (("value", "100 token"),))
    page = render_page(DocumentEvidence("seed.txt", "abcdef0123", "Gemini", text, [], [fact]))
    for external in ("http://", "https://", "src=", "<link", "@import", "url(", "<iframe", "<img"):
        assert external not in page, external
    assert "default-src 'none'" in page


@pytest.mark.parametrize(
    ("value", "high", "unit", "comparator", "shown"),
    [
        (2.47372e9, None, "CNY", "~", "≈ 2,473,720,000 CNY"),
        (1.5, 2, "character", "=", "1.5–2 character"),
        (4.5e19, None, "FLOPS", "=", "4.5e+19 FLOPS"),
        (50, None, "percent", ">=", "≥ 50 percent"),
        (0.001, None, "second", "<=", "≤ 0.001 second"),
        (0.25, None, "ratio", "=", "0.25 ratio"),
    ],
)
def test_quantities_format_with_comparator_and_canonical_unit(value, high, unit, comparator, shown):
    assert format_quantity(value, high, unit, comparator) == shown


@pytest.mark.parametrize(
    ("value", "unit", "reading"),
    [(4.5e19, "FLOPS", "45 EFLOPS"), (2.47372e9, "CNY", "24.7372 亿"), (1.8e12, "count", "1.8 万亿"),
     (60, "percent", None), (350000, "count", "35 万")],
)
def test_large_values_get_a_second_reading(value, unit, reading):
    assert readable_magnitude(value, unit) == reading


@pytest.mark.parametrize(
    ("start", "end", "label"),
    [
        (dt.date(2024, 1, 1), dt.date(2024, 12, 31), "2024"),
        (dt.date(2024, 1, 1), dt.date(2024, 3, 31), "2024Q1"),
        (dt.date(2024, 7, 1), dt.date(2024, 12, 31), "2024H2"),
        (dt.date(2024, 4, 1), dt.date(2024, 4, 30), "2024-04"),
        (dt.date(2024, 3, 14), dt.date(2024, 3, 14), "2024-03-14"),
        (dt.date(2023, 1, 1), dt.date(2024, 12, 31), "2023-01-01 – 2024-12-31"),
        (None, None, ""),
    ],
)
def test_periods_read_like_reports_write_them(start, end, label):
    assert period_label(start, end) == label


@pytest.mark.parametrize("value", [0, 8054, 1.8e12, 0.25, 1234.5678, -3.5])
def test_numbers_have_no_float_noise(value):
    shown = format_number(value)
    assert "e" not in shown or abs(value) >= 1e15
    assert float(shown.replace(",", "")) == pytest.approx(value, rel=1e-5)


@pytest.mark.parametrize(
    ("document", "name"),
    [("seed_report.txt", "seed_report.txt-0123abcd.html"),
     ("券商/2024/中国移动 深度.txt", "券商_2024_中国移动_深度.txt-0123abcd.html"),
     ("../../etc/passwd", "etc_passwd-0123abcd.html")],
)
def test_page_file_names_are_safe_and_unique(document, name):
    assert page_filename(document, "0123abcdef") == name


def overview() -> CorpusOverview:
    return CorpusOverview(
        documents=[DocumentRow("a/研报.txt", "0123456789", "AI算力<深度>", dt.date(2024, 5, 6), "幻影", 6583,
                               quantities=45, signals=21, events=20)],
        rejected=[("empty.txt", "empty file", "2024-05-06 00:00:00")],
        families=[("compute", {"actual": 3, "target": 4}), ("model", {"actual": 10, "estimate": 1})],
        entities=[("中国移动 (company)", 4), ("Kimi <product>", 7)],
        companies=[("寒武纪", {"up": 1, "down": 1}), ("浪潮信息", {"up": 2})],
        events=[svg.TimelineMark("launch", dt.date(2022, 12, 1), dt.date(2022, 12, 31), "ChatGPT", "ChatGPT"),
                svg.TimelineMark("tender", dt.date(2024, 4, 1), dt.date(2024, 4, 30), "中国移动", "招标 & 采购")],
    )


def test_charts_are_well_formed_svg_with_cjk_text():
    made = charts(overview())
    assert len(made) >= 4
    for name, body in made.items():
        root = ET.fromstring(body)
        assert root.tag == "{http://www.w3.org/2000/svg}svg", name
    texts = "".join(ET.fromstring(made["signals_by_company"]).itertext())
    assert "寒武纪" in texts and "浪潮信息" in texts
    assert "Kimi <product>" in "".join(ET.fromstring(made["most_mentioned_entities"]).itertext())


def test_empty_corpus_still_draws_every_chart():
    empty = CorpusOverview(documents=[], rejected=[], families=[], entities=[], companies=[], events=[])
    for body in charts(empty).values():
        ET.fromstring(body)
    assert "no documents loaded" in render_index(empty)


def test_index_links_documents_and_lists_rejections():
    page = render_index(overview())
    assert 'href="a_研报.txt-01234567.html"' in page
    assert "empty file" in page and "AI算力&lt;深度&gt;" in page
    assert page.count("<svg") == 4
    assert "Kimi &lt;product&gt;" in page


def test_unicode_bars_preview_is_a_markdown_table():
    md = svg.unicode_bars([("model", 11), ("share|x", 8)])
    assert md.splitlines()[0].startswith("|") and "share\\|x" in md and "█" * 24 in md
