"""Pins how report bytes become text: the codec chosen for each encoding reports arrive in
(UTF-8 with/without BOM, UTF-16 with/without BOM, GB18030, GBK, Big5, short and
ASCII-heavy GBK), that BOMs are stripped and newlines kept so span offsets hold, and
that empty, whitespace-only, binary, renamed-PDF and oversized files are rejected with
a one-line reason instead of being decoded by guesswork.
"""

from __future__ import annotations

import codecs
import importlib.util
from pathlib import Path

import pytest

from pipelines.ingest.decode import MAX_REPORT_BYTES, Decoded, Rejected, decode_report, read_report_bytes

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "encodings"


def _load_fixture_builder():
    spec = importlib.util.spec_from_file_location("make_fixtures", FIXTURES / "make_fixtures.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


fx = _load_fixture_builder()


@pytest.mark.parametrize(
    ("name", "text", "encoding", "had_bom", "confidence"),
    [
        ("utf8.txt", fx.EXCERPT, "utf-8", False, "strict-utf8"),
        ("utf8_bom.txt", fx.EXCERPT, "utf-8-sig", True, "bom"),
        ("utf8_crlf.txt", fx.EXCERPT.replace("\n", "\r\n"), "utf-8", False, "strict-utf8"),
        ("utf16le_bom.txt", fx.EXCERPT, "utf-16-le", True, "bom"),
        ("utf16be_bom.txt", fx.EXCERPT, "utf-16-be", True, "bom"),
        ("utf16le_nobom.txt", fx.EXCERPT, "utf-16-le", False, "scored"),
        ("gb18030.txt", fx.EXCERPT_GB18030, "gb18030", False, "scored"),
        ("gb18030_bom.txt", fx.EXCERPT_GB18030, "gb18030", True, "bom"),
        ("gbk.txt", fx.EXCERPT, "gb18030", False, "scored"),
        ("big5.txt", fx.EXCERPT_TRADITIONAL, "big5", False, "scored"),
        ("gbk_short.txt", "收入合计", "gb18030", False, "scored"),
        ("gbk_ascii_heavy.csv", fx.ASCII_HEAVY, "gb18030", False, "scored"),
    ],
)
def test_fixture_decodes_to_the_exact_text(name: str, text: str, encoding: str, had_bom: bool, confidence: str) -> None:
    decoded = decode_report((FIXTURES / name).read_bytes())
    assert decoded == Decoded(text=text, encoding=encoding, had_bom=had_bom, confidence=confidence)


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("empty.txt", "empty file"),
        ("whitespace_only.txt", "whitespace-only"),
        ("binary.txt", "binary content (NUL bytes)"),
        ("pdf_renamed.txt", "PDF file, not text"),
    ],
)
def test_fixture_is_rejected_with_reason(name: str, reason: str) -> None:
    with pytest.raises(Rejected) as caught:
        decode_report((FIXTURES / name).read_bytes())
    assert caught.value.reason == reason


def test_fixture_files_match_their_generator() -> None:
    for name, data in fx.build_fixtures().items():
        assert (FIXTURES / name).read_bytes() == data, name


def test_gb18030_fixture_really_needs_gb18030() -> None:
    raw = (FIXTURES / "gb18030.txt").read_bytes()
    assert "𠮷".encode("gb18030") in raw and len("𠮷".encode("gb18030")) == 4
    with pytest.raises(UnicodeDecodeError):
        raw.decode("gbk")


@pytest.mark.parametrize(
    ("raw", "text", "encoding"),
    [
        # UTF-8 Chinese also decodes strictly as GB18030 (`涓枃`): UTF-8 must win.
        ("中文".encode(), "中文", "utf-8"),
        ("营业收入同比增长".encode(), "营业收入同比增长", "utf-8"),
        ("増長".encode(), "増長", "utf-8"),
        (b"plain ASCII report 2024", "plain ASCII report 2024", "utf-8"),
    ],
)
def test_utf8_is_tried_before_gb18030(raw: bytes, text: str, encoding: str) -> None:
    decoded = decode_report(raw)
    assert (decoded.text, decoded.encoding, decoded.confidence) == (text, encoding, "strict-utf8")


@pytest.mark.parametrize(
    ("text", "codec", "expected_encoding"),
    [
        ("收入合计", "gbk", "gb18030"),
        ("增长", "gbk", "gb18030"),
        ("营业收入同比增长，半导体产业链持续复苏，公司第一季度营收创历史新高。", "gbk", "gb18030"),
        ("營業收入", "big5", "big5"),
        ("營業收入：同比增長，半導體產業鏈持續復甦，公司第一季度營收創歷史新高。", "big5", "big5"),
        ("毛利率：３５.２％", "big5", "big5"),
        ("毛利率：３５.２％", "gbk", "gb18030"),
        ("刘䶮与𠮷野家", "gb18030", "gb18030"),
    ],
)
def test_gb_and_big5_are_told_apart(text: str, codec: str, expected_encoding: str) -> None:
    decoded = decode_report(text.encode(codec))
    assert (decoded.text, decoded.encoding) == (text, expected_encoding)


def test_big5_bytes_are_not_read_as_gb18030_nonsense() -> None:
    raw = "營業收入：同比增長".encode("big5")
    assert raw.decode("gb18030") != "營業收入：同比增長"  # the trap: no error, wrong text
    assert decode_report(raw).text == "營業收入：同比增長"


@pytest.mark.parametrize(
    ("raw", "text", "encoding"),
    [
        (codecs.BOM_UTF32_LE + "报告：３９％".encode("utf-32-le"), "报告：３９％", "utf-32-le"),
        (codecs.BOM_UTF32_BE + "报告：３９％".encode("utf-32-be"), "报告：３９％", "utf-32-be"),
        (codecs.BOM_UTF8 + "\ufeff第二个BOM是正文".encode(), "\ufeff第二个BOM是正文", "utf-8-sig"),
    ],
)
def test_bom_is_stripped_once_and_decides_the_codec(raw: bytes, text: str, encoding: str) -> None:
    decoded = decode_report(raw)
    assert (decoded.text, decoded.encoding, decoded.had_bom, decoded.confidence) == (text, encoding, True, "bom")


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        ("AI算力行业深度:行业景气触底\n2024年营收123亿元", "utf-16-be"),
        ("AI算力行业深度:行业景气触底\n2024年营收123亿元", "utf-16-le"),
        ("开发需求：开工率回升至75%\r\n", "utf-16-le"),
        ("开发需求：开工率回升至75%\r\n", "utf-16-be"),
    ],
)
def test_utf16_without_bom_is_recognised(text: str, codec: str) -> None:
    decoded = decode_report(text.encode(codec))
    assert (decoded.text, decoded.encoding, decoded.had_bom) == (text, codec, False)


@pytest.mark.parametrize(
    "newline_text",
    ["第一行\r\n第二行\r\n", "第一行\n第二行\n", "第一行\r第二行\r", "分页\f第二页\n"],
)
def test_newlines_are_kept_so_offsets_hold(newline_text: str) -> None:
    for codec in ("utf-8", "gb18030"):
        assert decode_report(newline_text.encode(codec)).text == newline_text


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "empty file"),
        (b"   \r\n\t", "whitespace-only"),
        (codecs.BOM_UTF8 + b"   \n ", "whitespace-only"),
        (codecs.BOM_UTF16_LE + "\u3000 \n".encode("utf-16-le"), "whitespace-only"),
        (b"\x84\x31\x95\x33" + "\u3000\u3000".encode("gb18030"), "whitespace-only"),
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "PDF file, not text"),
        (b"\n  %PDF-1.4\n", "PDF file, not text"),
        (b"PK\x03\x04\x14\x00\x06\x00word/document.xml", "ZIP archive or Office document (docx/xlsx/pptx), not text"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG image, not text"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG image, not text"),
        (b"GIF89a\x01\x00\x01\x00", "GIF image, not text"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00", "OLE file (legacy .doc/.xls/.ppt), not text"),
        (b"\x1f\x8b\x08\x00\x00\x00\x00\x00", "gzip archive, not text"),
        (b"\x7fELF\x02\x01\x01\x00", "ELF executable, not text"),
        (b"{\\rtf1\\ansi\\deff0 report}", "RTF document, not plain text"),
        ("营业收入\x00同比增长".encode(), "binary content (NUL bytes)"),
        # ASCII letter pairs read as UTF-16 are Hanzi; stray NULs must not trigger UTF-16.
        (b"Revenue grew 12% in 2024.\x00\x00 Margins improved by 150bp over the year.", "binary content (NUL bytes)"),
        (b"revenue grew strongly and margins improved as demand recovered\x00\x00 in china", "binary content (NUL bytes)"),
        (b"revenue grew strongly and margins improved as demand recovered\x00\x00 in china!", "binary content (NUL bytes)"),
        (bytes(range(1, 32)) * 10 + "营业收入".encode(), "binary content (control characters)"),
        (codecs.BOM_UTF8 + "\ufffd".encode() * 40 + b"ok", "text is mostly control or replacement characters"),
        # cp1252 curly quotes are not a report encoding; read as GBK they become rare Hanzi.
        ("He said \u201chello\u201d \u2014 fine".encode("cp1252"), "undetectable encoding"),
        (codecs.BOM_UTF8 + "营业收入".encode("gbk"), "invalid UTF-8 after its byte-order mark"),
    ],
)
def test_unreadable_bytes_are_rejected_with_reason(raw: bytes, reason: str) -> None:
    with pytest.raises(Rejected) as caught:
        decode_report(raw)
    assert caught.value.reason == reason


def test_size_limit_is_checked_first_and_stated() -> None:
    raw = b"%PDF" + b"x" * (25 * 1024 * 1024 + 300 * 1024)
    with pytest.raises(Rejected) as caught:
        decode_report(raw)
    assert caught.value.reason == "over the size limit (25.3 MB > 20.0 MB)"
    assert MAX_REPORT_BYTES == 20 * 1024 * 1024


def test_callers_may_set_their_own_size_limit() -> None:
    with pytest.raises(Rejected, match=r"over the size limit \(0\.0 MB > 0\.0 MB\)"):
        decode_report("营业收入".encode(), max_bytes=8)
    assert decode_report("营业收入".encode(), max_bytes=12).text == "营业收入"


def test_oversized_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"a" * 2048)
    with pytest.raises(Rejected, match="over the size limit"):
        read_report_bytes(path, max_bytes=1024)
    assert read_report_bytes(path, max_bytes=4096) == b"a" * 2048


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        # A download cut mid-character: one damaged sequence at the end.
        (("中文报告" * 20).encode()[:-1], "中文报告" * 19 + "中文报\ufffd"),
        # One corrupt byte in a long UTF-8 report.
        (("营业收入同比增长。" * 30).encode() + b"\xff" + "完".encode(), "营业收入同比增长。" * 30 + "\ufffd完"),
    ],
)
def test_slightly_damaged_utf8_stays_utf8(raw: bytes, text: str) -> None:
    decoded = decode_report(raw)
    assert (decoded.text, decoded.encoding, decoded.confidence) == (text, "utf-8", "lossy-utf8")
