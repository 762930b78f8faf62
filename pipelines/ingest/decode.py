"""Turn the raw bytes of a report file into the text every span offset points into.

Reports arrive as UTF-8 (with or without BOM), UTF-16, GB18030/GBK or Big5, and
sometimes as a PDF or an Office file renamed to `.txt`. Charset detection alone is
not enough for them: short GBK (`收入合计`, 8 bytes) is read as Korean, an ASCII CSV
with one Chinese line as Big5, and Big5 bytes decode *without error* as GB18030 into
nonsense. So the codec is chosen by cheap, explainable evidence first (BOM, strict
UTF-8, which of GB18030/Big5 produces characters that never occur in Chinese
reports) and a detector only breaks ties. Anything unreadable is rejected with a
one-line reason so the caller can quarantine it; nothing is decoded by guesswork.

The returned text keeps newlines exactly as they are (`\\r\\n` stays two characters)
and has its byte-order mark removed, because span offsets are code-point offsets
into precisely this string.
"""

from __future__ import annotations

import codecs
import os
import re
from dataclasses import dataclass
from pathlib import Path

MAX_REPORT_BYTES: int = 20 * 1024 * 1024
"""Documented size limit for one report file; callers may pass their own."""

_MB = 1024 * 1024

# Scoring and plausibility checks look at a bounded sample so a 20 MB file costs
# the same as a 64 KB one; a head plus a tail catches files whose front matter is
# ASCII and whose body is not.
_SAMPLE_HEAD = 48 * 1024
_SAMPLE_TAIL = 16 * 1024


@dataclass(frozen=True)
class Decoded:
    """A report's text and how it was obtained (recorded with the document)."""

    text: str
    """BOM stripped, newlines untouched: the base of every span offset."""
    encoding: str
    """Python codec name: 'utf-8', 'utf-8-sig', 'utf-16-le', 'gb18030', 'big5', ..."""
    had_bom: bool
    confidence: str
    """How the codec was chosen: 'bom', 'strict-utf8', 'lossy-utf8', 'scored' or 'detector'."""


class Rejected(Exception):
    """The file cannot be read as a report; `reason` is one line for the quarantine table."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# Longest BOM first: the UTF-32 LE mark begins with the UTF-16 LE one.
_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
    (b"\x84\x31\x95\x33", "gb18030", "gb18030"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16-be"),
)

_BINARY_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "PDF file, not text"),
    (b"PK\x03\x04", "ZIP archive or Office document (docx/xlsx/pptx), not text"),
    (b"PK\x05\x06", "ZIP archive, not text"),
    (b"\x89PNG\r\n\x1a\n", "PNG image, not text"),
    (b"\xff\xd8\xff", "JPEG image, not text"),
    (b"GIF87a", "GIF image, not text"),
    (b"GIF89a", "GIF image, not text"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "OLE file (legacy .doc/.xls/.ppt), not text"),
    (b"\x1f\x8b", "gzip archive, not text"),
    (b"\x7fELF", "ELF executable, not text"),
    (b"Rar!\x1a\x07", "RAR archive, not text"),
    (b"7z\xbc\xaf\x27\x1c", "7z archive, not text"),
    (b"{\\rtf", "RTF document, not plain text"),
)

# C0 controls that plain text never contains. Tab, LF, CR are text; VT (Word's manual
# line break) and FF (pdftotext's page break) show up in extracted reports, so they
# are allowed too.
_CONTROL_BYTES = bytes(range(0x01, 0x09)) + bytes(range(0x0E, 0x20)) + b"\x7f"
_MAX_CONTROL_BYTE_SHARE = 0.01

# Characters a wrong GB18030/Big5 reading produces and real Chinese reports do not
# contain: GBK's user-defined area lands in the Private Use Area, Big5 `：` read as
# GBK becomes Bopomofo `ㄩ`, GBK read as Big5 hits vertical/small punctuation forms.
_FOREIGN_TO_REPORTS = re.compile(
    "["
    "\x00-\x08\x0e-\x1f\x7f-\x9f"  # controls, C1 included
    "\u1100-\u11ff"  # Hangul Jamo
    "\u3040-\u30ff"  # kana
    "\u3100-\u312f\u31a0-\u31bf"  # Bopomofo
    "\u3130-\u318f"  # Hangul compatibility Jamo
    "\uac00-\ud7af"  # Hangul syllables
    "\ue000-\uf8ff"  # Private Use Area
    "\uf900-\ufaff"  # CJK compatibility ideographs
    "\ufe10-\ufe1f\ufe30-\ufe6f"  # vertical and small forms
    "\uff61-\uffdc"  # half-width katakana and Hangul
    "\ufffd"
    "]"
)

# What a report's text is made of. Used only to accept UTF-16 without a BOM, where
# a binary file with many NULs at one parity must not pass as text.
_NOT_REPORT_TEXT = re.compile(
    "[^"
    "\t\n\r\x0b\x0c\x20-\x7e"
    "\u00a0-\u024f\u0370-\u03ff\u0400-\u04ff"  # Latin-1/extended, Greek, Cyrillic
    "\u2000-\u27bf"  # punctuation, symbols, arrows, math, box drawing, dingbats
    "\u3000-\u303f"  # CJK punctuation
    "\u3200-\u33ff"  # enclosed CJK, CJK compatibility (units such as ㎡)
    "\u3400-\u4dbf\u4e00-\u9fff"  # CJK ideographs
    "\ufe50-\ufe6f\uff00-\uff60\uffe0-\uffef"  # full-width forms
    "\U00020000-\U0003134f"  # CJK extensions B..H
    "]"
)

_NOISE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffd]")
_MAX_NOISE_SHARE = 0.25

# The most frequent characters of Chinese business writing, simplified and
# traditional. A correct GB18030 or Big5 reading is full of them (about 80% of the
# Hanzi in the seed report); a wrong reading of the same bytes lands on them only by
# chance. Used as the second scoring signal and to refuse a reading that decodes
# strictly but is not Chinese (cp1252 quotes read as GBK become rare Hanzi).
_COMMON_HANZI = frozenset(
    "的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也对生能而子那得于着下自之年过发后"
    "作里用道行所然家种事成方多经么去法学如都同现当没动面起看定天分还进好小部其些主样理心本前开但因"
    "只从想实日者意无力与长把机十民第公此已工使情明性知全三又关点正业外将两高间由问很最重并物手应向"
    "头文体政相见被利什二等产或新己制身果加西月话合回特代内信表化老世位次度门任常先海通原东提立及比"
    "员解水名真论处义各入几口认条平系气题活更别打变四总何电数安少报才结反受目量再感建务做接必场件计"
    "管期市直资山金指许统区保至形社便空决治展科司五基书非则白却界达光放强即像难且权思象完设式色路记"
    "南品告类求据程北边张该交规万取格望术领共确传观清今切院让识候带导争运改收根干造言联持组每济车极"
    "林服快办议往元证近失转准布始存未远台单具字爱流备连调深商算质团集百需价花华城级整府离况亚请技际"
    "约示复息究线似官断精满支视消越器容照须九增研写称企八功包片史委乎查轻易早曾除农找装广显标谈图念"
    "六引历首医局突专费号尽另周较注语仅考落青随选列响虽推势参希众构房半节土投某案维划"
    "亿营收润率同比季预测模型股份销售额净毛盈亏环降升幅超均值占涨跌币芯片云端训练推龙头估评级买覆盖"
    "险景气板块绩"
    "們這個國來說時會對過發後裡經麼學現當沒動還進實點業間問題關應戰頭體見與長機無從開於產電數將兩種"
    "並總變氣員資營額億萬績預計場規術報價銷售淨潤銀證務傳內團層區際構雲網線單參準確險達邊結條統設導"
    "爭運聯織濟車極辦議轉斷視觀讓識帶鏈級質測組費華專"
)
_DELETE_COMMON = dict.fromkeys(map(ord, _COMMON_HANZI))
_HANZI = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0003134f]")
# Below this many Hanzi the common-character share says nothing (a 4-character
# header can legitimately contain none of them).
_MIN_HANZI_FOR_SHARE = 40
_MIN_COMMON_SHARE = 0.10

# A decoded GB/Big5 text may carry a few foreign characters (a user-defined glyph in
# a Word export); more than this share of its non-ASCII characters means a misreading.
_MAX_FOREIGN_SHARE = 0.02

# Strict UTF-8 fails on one truncated final character or one corrupt byte in a
# 3 MB file; such a file is still UTF-8, and GB18030 would read it as nonsense. The
# damage must be tiny next to the valid multi-byte characters to count as UTF-8
# (one damaged sequence is always allowed: a download cut mid-character).
_MIN_NON_ASCII_FOR_LOSSY = 50
_MAX_LOSSY_SHARE = 0.005

# Reports carry digits, spaces and newlines: at least this share of UTF-16 code
# units is ASCII, hence has a NUL byte.
_MIN_UTF16_NUL_SHARE = 0.01
_MAX_UTF16_NON_TEXT_SHARE = 0.02

_BIG5_FAMILY = ("big5", "cp950", "big5hkscs")


def read_report_bytes(path: str | os.PathLike[str], *, max_bytes: int = MAX_REPORT_BYTES) -> bytes:
    """Read a report file, refusing an oversized one before reading it into memory."""
    size = os.stat(path).st_size
    if size > max_bytes:
        raise Rejected(_size_reason(size, max_bytes))
    return Path(path).read_bytes()


def decode_report(raw: bytes, *, max_bytes: int = MAX_REPORT_BYTES) -> Decoded:
    """Decode a report's raw bytes, or raise `Rejected` with a one-line reason."""
    if len(raw) > max_bytes:
        raise Rejected(_size_reason(len(raw), max_bytes))
    if not raw:
        raise Rejected("empty file")
    if not raw.strip():
        raise Rejected("whitespace-only")
    _reject_binary_magic(raw)

    decoded = (
        _decode_with_bom(raw)
        or _decode_utf16_without_bom(raw)
        or _decode_without_bom(raw)
    )
    _reject_unusable_text(decoded.text)
    return decoded


def _size_reason(size: int, max_bytes: int) -> str:
    return f"over the size limit ({size / _MB:.1f} MB > {max_bytes / _MB:.1f} MB)"


def _reject_binary_magic(raw: bytes) -> None:
    head = raw[:16].lstrip(b" \t\r\n")
    for magic, reason in _BINARY_MAGIC:
        if raw.startswith(magic) or head.startswith(magic):
            raise Rejected(reason)


def _decode_with_bom(raw: bytes) -> Decoded | None:
    for bom, codec, label in _BOMS:
        if raw.startswith(bom):
            text = _decode_mostly(raw[len(bom):], codec)
            if text is None:
                raise Rejected(f"invalid {codec.upper()} after its byte-order mark")
            return Decoded(text=text, encoding=label, had_bom=True, confidence="bom")
    return None


def _decode_utf16_without_bom(raw: bytes) -> Decoded | None:
    """Recognise BOM-less UTF-16 by its NULs (ASCII digits, spaces and newlines).

    A Chinese report in UTF-16 has a NUL beside every ASCII character, mostly at one
    parity (Hanzi such as 开 U+5F00 add a few at the other). Pairs of ASCII letters
    read as UTF-16 are valid Hanzi, so an ASCII file with a stray NUL must not pass:
    NULs must be frequent, and the reading must look like report text, or the file
    falls through to the binary check.
    """
    sample = raw[: _SAMPLE_HEAD + _SAMPLE_TAIL]
    sample = sample[: len(sample) - len(sample) % 2]
    nul_even = sample[0::2].count(0)
    nul_odd = sample[1::2].count(0)
    if nul_even + nul_odd < max(2, _MIN_UTF16_NUL_SHARE * len(sample) / 2):
        return None
    by_parity = ("utf-16-le", "utf-16-be") if nul_odd >= nul_even else ("utf-16-be", "utf-16-le")
    for codec in by_parity:
        text = _decode_mostly(raw, codec)
        if text is None:
            continue
        probe = _sample(text)
        if len(_NOT_REPORT_TEXT.findall(probe)) > _MAX_UTF16_NON_TEXT_SHARE * len(probe):
            continue
        # ASCII prose read as UTF-16 is all valid Hanzi, but rare ones.
        if _reading_score(text).plausible:
            return Decoded(text=text, encoding=codec, had_bom=False, confidence="scored")
    return None


def _decode_without_bom(raw: bytes) -> Decoded:
    if b"\x00" in raw:
        raise Rejected("binary content (NUL bytes)")
    controls = len(raw) - len(raw.translate(None, _CONTROL_BYTES))
    if controls > _MAX_CONTROL_BYTE_SHARE * len(raw):
        raise Rejected("binary content (control characters)")

    try:
        return Decoded(text=raw.decode("utf-8"), encoding="utf-8", had_bom=False, confidence="strict-utf8")
    except UnicodeDecodeError:
        pass
    text = _decode_mostly(raw, "utf-8")
    if text is not None:
        return Decoded(text=text, encoding="utf-8", had_bom=False, confidence="lossy-utf8")
    return _decode_chinese_legacy(raw)


def _decode_mostly(raw: bytes, codec: str) -> str | None:
    """Strict decode; else a replacing decode when the damage is negligible; else None."""
    try:
        return raw.decode(codec)
    except UnicodeDecodeError:
        pass
    text = raw.decode(codec, errors="replace")
    damage = text.count("\ufffd") - raw.decode(codec, errors="ignore").count("\ufffd")
    non_ascii = len(text) - len(text.encode("ascii", errors="ignore")) - damage
    if non_ascii >= _MIN_NON_ASCII_FOR_LOSSY and damage <= max(1.0, _MAX_LOSSY_SHARE * non_ascii):
        return text
    return None


def _decode_chinese_legacy(raw: bytes) -> Decoded:
    """Choose between GB18030 and the Big5 family by what each reading produces."""
    readings: dict[str, str] = {}
    try:
        readings["gb18030"] = raw.decode("gb18030")
    except UnicodeDecodeError:
        pass
    for codec in _BIG5_FAMILY:
        try:
            readings[codec] = raw.decode(codec)
            break
        except UnicodeDecodeError:
            continue

    scores = {codec: _reading_score(text) for codec, text in readings.items()}
    plausible = {codec: score for codec, score in scores.items() if score.plausible}
    if not plausible:
        raise Rejected("undetectable encoding")

    ranked = sorted(plausible, key=lambda codec: plausible[codec].rank)
    if len(ranked) == 1 or plausible[ranked[0]].rank != plausible[ranked[1]].rank:
        codec = ranked[0]
        return Decoded(text=readings[codec], encoding=codec, had_bom=False, confidence="scored")

    codec = _detector_choice(raw, set(ranked))
    if codec is None:
        raise Rejected("undetectable encoding")
    return Decoded(text=readings[codec], encoding=codec, had_bom=False, confidence="detector")


@dataclass(frozen=True)
class _ReadingScore:
    foreign: int
    common: int
    hanzi: int
    non_ascii: int

    @property
    def rank(self) -> tuple[int, int]:
        # Fewer impossible characters first; then more everyday Hanzi.
        return (self.foreign, -self.common)

    @property
    def plausible(self) -> bool:
        if self.foreign > _MAX_FOREIGN_SHARE * self.non_ascii:
            return False
        if self.hanzi >= _MIN_HANZI_FOR_SHARE and self.common < _MIN_COMMON_SHARE * self.hanzi:
            return False
        return True


def _reading_score(text: str) -> _ReadingScore:
    probe = _sample(text)
    return _ReadingScore(
        foreign=len(_FOREIGN_TO_REPORTS.findall(probe)),
        common=len(probe) - len(probe.translate(_DELETE_COMMON)),
        hanzi=len(_HANZI.findall(probe)),
        non_ascii=len(probe) - len(probe.encode("ascii", errors="ignore")),
    )


def _detector_choice(raw: bytes, candidates: set[str]) -> str | None:
    from charset_normalizer import from_bytes

    isolation = ["gb18030" if c == "gb18030" else "big5" for c in candidates]
    best = from_bytes(raw[: _SAMPLE_HEAD + _SAMPLE_TAIL], cp_isolation=isolation).best()
    if best is None:
        return None
    if best.encoding == "gb18030" and "gb18030" in candidates:
        return "gb18030"
    if best.encoding == "big5":
        return next((c for c in _BIG5_FAMILY if c in candidates), None)
    return None


def _sample(text: str) -> str:
    if len(text) <= _SAMPLE_HEAD + _SAMPLE_TAIL:
        return text
    return text[:_SAMPLE_HEAD] + text[-_SAMPLE_TAIL:]


def _reject_unusable_text(text: str) -> None:
    if not text.strip():
        raise Rejected("whitespace-only")
    probe = _sample(text)
    if len(_NOISE.findall(probe)) > _MAX_NOISE_SHARE * len(probe):
        raise Rejected("text is mostly control or replacement characters")
