"""Fuzzing with hypothesis: random and mutated report text never crashes or hangs extraction,
and random bytes are always either decoded or rejected with a reason.

Pins: every span returned slices the text to its mention; each example finishes well
within the deadline (a pathological input cannot hang a run).
"""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.extract.document import FRAME_SCHEMAS, extract_document
from pipelines.ingest.decode import Rejected, decode_report
from tests.conftest import SEED_REPORT

SEED = SEED_REPORT.read_text(encoding="utf-8")
ALPHABET = (
    "0123456789０１２３４５６７８９.,，、%％-~至到约超过以上以内万亿千百十一二三四五六七八九两〇零"
    "元美元港元台张家辆人个倍EFLOPSGWkWh吨年月日季度Q1H2FYE同比增长下降亏损公司英伟达谷歌北京市"
    "，。；：！？（）【】「」()[]\n \t$US bn million billion tokens 字参数GPT-4 H100 600518.SH ①②"
)
SPANNED = {
    frame: tuple(list(FRAME_SCHEMAS[frame]).index(c) for c in ("span_start", "span_end", "mention"))
    for frame in ("metric_facts", "company_signals", "events", "entity_mentions", "unparsed_mentions")
}


def check(text: str) -> None:
    rows = extract_document("doc", text, dt.date(2024, 5, 6))
    assert set(rows) <= set(FRAME_SCHEMAS)
    for frame, (s, e, m) in SPANNED.items():
        for row in rows[frame]:
            assert text[row[s]:row[e]] == row[m], (frame, row)


@settings(max_examples=300, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=ALPHABET, max_size=400))
def test_random_report_text(text):
    check(text)


@st.composite
def mutated_seed(draw):
    start = draw(st.integers(0, len(SEED) - 600))
    chunk = list(SEED[start:start + 600])
    for _ in range(draw(st.integers(1, 30))):
        i = draw(st.integers(0, len(chunk) - 1))
        op = draw(st.sampled_from(["delete", "insert", "replace", "duplicate"]))
        ch = draw(st.sampled_from(ALPHABET))
        if op == "delete" and len(chunk) > 1:
            del chunk[i]
        elif op == "insert":
            chunk.insert(i, ch)
        elif op == "replace":
            chunk[i] = ch
        else:
            chunk[i:i] = chunk[i:i + 20]
    return "".join(chunk)


@settings(max_examples=200, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_seed())
def test_mutated_seed_text(text):
    check(text)


def test_long_runs_of_digits_and_units_do_not_hang():
    for text in ("9" * 50_000, "万" * 50_000, "1,2" * 20_000, "2024 " * 20_000, "1亿-" * 20_000, "（" * 50_000):
        check(text)


@settings(max_examples=300, deadline=2000)
@given(st.binary(max_size=2000))
def test_random_bytes_decode_or_reject(raw):
    try:
        decoded = decode_report(raw)
    except Rejected as exc:
        assert exc.reason and "\n" not in exc.reason
    else:
        assert decoded.text.strip()
