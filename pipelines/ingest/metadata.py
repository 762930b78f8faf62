"""Read a report's title, publication date and source from the head of its text.

Scraped reports open with a mix of navigation (`当前位置: 华文世界 > 科技`), banners
(`证券研究报告 | 行业深度报告`), the title, a date line, a source line, analyst
contacts and then the body. Only that head is read (the first ~40 non-empty lines
or 3,000 characters): a date or `来源` deeper in the text belongs to a chart or an
event, not to the document. Each field is filled only from evidence that clearly
is that field; otherwise it stays None, because a wrong publication date would
silently shift every period resolved against it.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from pipelines.extract.textnorm import fold

_HEAD_CHARS = 3000
_HEAD_LINES = 40

_MIN_YEAR = 1990
_MAX_YEAR = 2100


@dataclass(frozen=True)
class ReportMetadata:
    """What the report says about itself, each None when it does not say so clearly."""

    title: str | None
    published_date: datetime.date | None
    source: str | None


def read_metadata(text: str) -> ReportMetadata:
    """Find title, publication date and source in the head of a decoded report."""
    lines = _head_lines(text)
    title, bracket_source = _title(lines)
    return ReportMetadata(
        title=title,
        published_date=_published_date(lines),
        source=_source(lines) or bracket_source,
    )


def _head_lines(text: str) -> list[str]:
    lines = (line.strip() for line in text[:_HEAD_CHARS].splitlines())
    return [line for line in lines if line][:_HEAD_LINES]


_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
_MONTH_NAME = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_YEAR = r"(?:19|20)\d{2}|2100"

# All date patterns run on the folded line, so `２０２４／０５／０６` and `：` are ASCII.
_DATE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("ymd", re.compile(rf"(?<!\d)(?P<y>{_YEAR})\s*年\s*(?P<m>\d{{1,2}})\s*月\s*(?P<d>\d{{1,2}})\s*[日号]")),
    ("ymd", re.compile(rf"(?<![\d.])(?P<y>{_YEAR})(?P<sep>[-/.])(?P<m>\d{{1,2}})(?P=sep)(?P<d>\d{{1,2}})(?![\d.]?\d)")),
    ("mdy", re.compile(
        rf"\b(?P<mon>{_MONTH_NAME})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>{_YEAR})\b", re.IGNORECASE)),
    ("dmy", re.compile(
        rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?[\s-]+(?P<mon>{_MONTH_NAME})\.?,?[\s-]+(?P<y>{_YEAR})\b", re.IGNORECASE)),
    # 05/06/2024 is May 6 in New York and 5 June in London: taken only when one
    # reading is impossible (a part above 12) or both readings agree.
    ("numeric", re.compile(rf"(?<![\d./])(?P<a>\d{{1,2}})/(?P<b>\d{{1,2}})/(?P<y>{_YEAR})(?![\d/])")),
)
_YEAR_HINT = re.compile(_YEAR)
# An 8-digit run is a date only right after a date label (`报告日期：20240506`).
_COMPACT_DATE = re.compile(rf"(?<!\d)(?P<y>{_YEAR})(?P<m>\d{{2}})(?P<d>\d{{2}})(?!\d)")

_DATE_LABEL = re.compile(
    r"(?:(?:报告|发布|发表|出版|撰写|成文|发稿)(?:日期|时间)|日期|"
    r"\b(?:date|published(?:\s+on)?|publication\s+date|report\s+date|dated))\s*[:：]?\s*$",
    re.IGNORECASE,
)


def _may_hold_label(folded: str) -> bool:
    """Every _DATE_LABEL contains one of these words: a line without any has no labelled date.
    (Substring tests: a case-blind regex costs ~70 ns a character, and most head lines have none.)"""
    if "日期" in folded or "时间" in folded:
        return True
    low = folded.lower()
    return "date" in low or "published" in low

# A date line saying what the data is as of, or a span, is not the publication date.
_NOT_PUBLICATION = re.compile(
    r"截至|截止|至|到|以来|之前|之后|期间|预计|预期|\b(?:as\s+of|through|until|since|from|to|between)\b",
    re.IGNORECASE,
)
_TIME_OF_DAY = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?")
_SENTENCE_PUNCT = re.compile(r"[,，。;；!！?？]")
# A line that is only a date plus a short tag (`2024-05-06科技`, `华泰证券 2024年5月6日`)
# states when the document was published; a longer remainder is prose about an event.
_MAX_DATE_LINE_REMAINDER = 12


def _published_date(lines: list[str]) -> datetime.date | None:
    standalone: datetime.date | None = None
    for line in lines:
        folded = fold(line)
        may_be_labelled = _may_hold_label(folded)
        if standalone is not None and not may_be_labelled:
            continue   # only a labelled date can still win, and this line has no label
        found = _dates_in(folded)
        labelled = _labelled_date(folded, found) if may_be_labelled else None
        if labelled is not None:
            return labelled
        if standalone is None and len(found) == 1:
            start, end, date = found[0]
            remainder = _TIME_OF_DAY.sub("", folded[:start] + " " + folded[end:])
            remainder = re.sub(r"[\s()（）\[\]【】|｜/·:-]", "", remainder)
            if (
                len(remainder) <= _MAX_DATE_LINE_REMAINDER
                and not _SENTENCE_PUNCT.search(remainder)
                and not _NOT_PUBLICATION.search(remainder)
            ):
                standalone = date
    return standalone


def _labelled_date(folded: str, found: list[tuple[int, int, datetime.date]]) -> datetime.date | None:
    for start, _end, date in found:
        if _DATE_LABEL.search(folded[:start]):
            return date
    for match in _COMPACT_DATE.finditer(folded):
        if _DATE_LABEL.search(folded[: match.start()]):
            return _valid_date(match["y"], match["m"], match["d"])
    return None


def _dates_in(folded: str) -> list[tuple[int, int, datetime.date]]:
    """Every unambiguous, valid calendar date in a line, in order, without overlaps."""
    found: list[tuple[int, int, datetime.date]] = []
    # Every form states its year: a line without one (most lines) skips the five patterns.
    if not _YEAR_HINT.search(folded):
        return found
    for kind, pattern in _DATE_PATTERNS:
        for match in pattern.finditer(folded):
            if any(match.start() < end and start < match.end() for start, end, _ in found):
                continue
            date = _date_from_match(kind, match)
            if date is not None:
                found.append((match.start(), match.end(), date))
    return sorted(found)


def _date_from_match(kind: str, match: re.Match[str]) -> datetime.date | None:
    if kind == "ymd":
        return _valid_date(match["y"], match["m"], match["d"])
    if kind in ("mdy", "dmy"):
        return _valid_date(match["y"], str(_MONTHS[match["mon"][:3].lower()]), match["d"])
    first, second = int(match["a"]), int(match["b"])
    if first > 12 and second <= 12:
        return _valid_date(match["y"], str(second), str(first))
    if second > 12 and first <= 12 or first == second:
        return _valid_date(match["y"], str(first), str(second))
    return None


def _valid_date(year: str, month: str, day: str) -> datetime.date | None:
    y = int(year)
    if not _MIN_YEAR <= y <= _MAX_YEAR:
        return None
    try:
        return datetime.date(y, int(month), int(day))
    except ValueError:
        return None


# `资料来源：Wind，公司公告` under a chart names where the data came from, not who
# published the report; the same for English `Source: Company data, ...`.
_SOURCE_LABEL = re.compile(
    r"(?<!资料)(?<!数据)(?<!图表)(?<!图片)(?<!表格)(?<!信息)"
    r"(?:(?:精选)?(?:报告|文章|内容|本文)?(?:来源|出处)|发布机构|研究机构|"
    r"\b(?:source|publisher|published\s+by)\b)\s*:\s*",
    re.IGNORECASE,
)
# The publisher's name ends at a closing bracket, a separator, or where the line
# goes on to the author or the date (`来源：国泰君安证券 作者：李四`).
_SOURCE_END = re.compile(
    r"[)）\]】|｜;；。]|\s{2,}|\s*(?:作者|编辑|责任编辑|分析师|发布时间|发布日期|日期|时间)\s*:|"
    r"\s+(?:author|by|date)\b|\s+(?=\d{4}\s*[-/.年])",
    re.IGNORECASE,
)
_CAPTION_SOURCE = re.compile(r"[,，、]|整理|\bdata\b|\bestimates?\b", re.IGNORECASE)
_MAX_SOURCE_CHARS = 40


def _source(lines: list[str]) -> str | None:
    for line in lines:
        folded = fold(line)
        match = _SOURCE_LABEL.search(folded)
        if match is None:
            continue
        rest = folded[match.end():]
        end = _SOURCE_END.search(rest)
        length = end.start() if end else len(rest)
        value = line[match.end(): match.end() + length].strip(" \t\u3000:：-—")
        if value and len(value) <= _MAX_SOURCE_CHARS and not _CAPTION_SOURCE.search(value):
            return value
    return None


_BREADCRUMB = re.compile(r"^(?:当前位置|您的位置|你的位置|所在位置|位置)\s*[:：]|^(?:首页|Home)\s*[>»/]|[>»]\s*\S+\s*[>»]")
_BANNER_WORDS = (
    r"证券研究报告|研究报告|行业深度报告|行业深度研究|行业深度|深度报告|深度研究|行业研究|行业点评|行业报告|"
    r"行业周报|行业月报|行业动态|行业跟踪|公司研究|公司深度|公司点评|公司报告|公司动态|公司跟踪|宏观研究|"
    r"策略研究|策略报告|固定收益研究|金融工程|晨会纪要|首次覆盖|动态跟踪|专题报告|专题研究|点评报告|"
    r"调研报告|年报点评|季报点评|投资策略|证券研究|研究所|"
    r"(?:Asia[- ]Pacific\s+|China\s+|Global\s+)?(?:Equity|Investment|Credit|Industry|Sector|Company|Macro|Strategy)\s+"
    r"(?:Research|Report|Update|Note)|Research\s+Report|Flash\s+Note|First\s+Take|Morning\s+Note|Research"
)
# A banner line is made of banner words and separators only, perhaps with a
# publisher name (`华泰证券 | 证券研究报告`, `Goldman Sachs | Equity Research`).
_BANNER = re.compile(rf"^(?:[\s|｜/·•\-—]*(?:{_BANNER_WORDS})[\s|｜/·•\-—]*)+$", re.IGNORECASE)
_BANNER_WITH_NAME = re.compile(
    rf"^[^|｜]{{1,30}}[|｜]\s*(?:{_BANNER_WORDS})\s*$|^(?:{_BANNER_WORDS})\s*[|｜][^|｜]{{1,30}}$", re.IGNORECASE
)
_INSTITUTION_ONLY = re.compile(
    r"^[\u4e00-\u9fffA-Za-z()（）]{2,20}(?:证券|研究所|研究院|研究中心|资管|基金|期货|银行|控股|集团|有限公司)$"
)
_BODY_HEADING = re.compile(
    r"^(?:[【\[(（]?\s*)(?:投资要点|核心观点|主要观点|报告摘要|内容摘要|摘要|投资建议|目录|正文|"
    r"summary|key\s+(?:takeaways|points)|highlights|investment\s+highlights|contents|abstract)\s*[】\])）:：]?\s*$",
    re.IGNORECASE,
)
_NOT_TITLE = re.compile(
    r"分析师|研究员|联系人|执业证书|证书编号|S\d{13}|\bSAC\b|电话|邮箱|\bE-?mail\b|\bTel\b|www\.|https?://|@|"
    r"投资评级|评级\s*:|(?:买入|增持|中性|减持|卖出|推荐|谨慎推荐)\s*[(（](?:维持|首次|上调|下调)|目标价|"
    r"第\s*\d+\s*页|\bpage\s+\d+|"
    r"\b(?:analysts?|rating|price\s+target|target\s+price)\s*:",
    re.IGNORECASE,
)
_DATE_LABEL_AT_START = re.compile(
    r"^(?:(?:报告|发布|发表|出版|撰写|成文|发稿)?(?:日期|时间)|date|published(?:\s+on)?|publication\s+date|"
    r"report\s+date|dated)\s*:",
    re.IGNORECASE,
)
# Removing digits and date punctuation from a date-only line (even an impossible
# date such as 2024年2月30日) leaves nothing.
_DATE_SHAPE_FREE = re.compile(r"[\d\s年月日号./:-]")
_DISCLAIMER = re.compile(r"免责声明|请务必阅读|仅供.{0,20}使用|本报告|\bdisclaimer|\bdisclosures?\b", re.IGNORECASE)
_LIST_MARKER = re.compile(r"^(?:\d{1,2}\s*[)）.、]|\d{1,2}\s+\S|[一二三四五六七八九十]+[、.]|[(（]\d{1,2}[)）]|[•●◆■▪\-*])")
_TITLE_LABEL = re.compile(r"^(?:报告)?(?:标题|题目)\s*[:：]\s*|^title\s*:\s*", re.IGNORECASE)
_WRAPPED = re.compile(r"^(?:《(?P<a>[^《》]+)》|【(?P<b>[^【】]+)】|「(?P<c>[^「」]+)」|“(?P<d>[^“”]+)”)$")
_LEADING_TAG = re.compile(r"^【(?P<tag>[^【】]{1,20})】\s*(?P<rest>\S.*)$")
_INSTITUTION_SUFFIX = re.compile(r"(?:证券|研究所|研究院|研究中心|资管|基金|期货|银行|Securities|Research)$", re.IGNORECASE)
_HANZI = re.compile(r"[\u4e00-\u9fff]")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'&.-]*")
_MAX_TITLE_CHARS = 100
# Body prose, not a heading: the title search stops here so a sentence of the
# summary never becomes the title.
_BODY_LINE_CHARS = 120


def _title(lines: list[str]) -> tuple[str | None, str | None]:
    """The report's title, and a publisher named in a leading 【】 tag of it."""
    for line in lines:
        labelled = _TITLE_LABEL.match(line)
        if labelled:
            value = line[labelled.end():].strip()
            return (value or None), None
    for line in lines:
        folded = fold(line)
        # A disclaimer may precede the title and reads like a sentence.
        if _DISCLAIMER.search(folded):
            continue
        if _BODY_HEADING.match(folded) or _is_body(line):
            return None, None
        if _is_furniture(line, folded):
            continue
        title, publisher = _unwrap_title(line)
        if _looks_like_title(title):
            return title, publisher
    return None, None


def _is_body(line: str) -> bool:
    return len(line) > _BODY_LINE_CHARS or line.endswith(("。", "；", ";"))


def _is_furniture(line: str, folded: str) -> bool:
    """Navigation, banners, date, source and contact lines around the title."""
    if _BREADCRUMB.search(folded) or _BANNER.match(folded) or _BANNER_WITH_NAME.match(folded):
        return True
    if _INSTITUTION_ONLY.match(line) or _NOT_TITLE.search(folded) or _SOURCE_LABEL.search(folded):
        return True
    if _DATE_LABEL_AT_START.match(folded) or not _DATE_SHAPE_FREE.sub("", folded):
        return True
    dates = _dates_in(folded)
    if dates:
        covered = sum(end - start for start, end, _ in dates)
        if len(re.sub(r"\s", "", folded)) - covered <= _MAX_DATE_LINE_REMAINDER:
            return True
    return _LIST_MARKER.match(folded) is not None


def _unwrap_title(line: str) -> tuple[str, str | None]:
    """The title inside enclosing 《》/【】 marks, and a publisher tag in front of it."""
    wrapped = _WRAPPED.match(line)
    if wrapped:
        inner = next(group for group in wrapped.groups() if group)
        return inner.strip(), None
    # `【华泰证券】标题` names the publisher; `【光伏行业周报】标题` is part of the title.
    tagged = _LEADING_TAG.match(line)
    if tagged and _INSTITUTION_SUFFIX.search(tagged["tag"].strip()):
        return tagged["rest"].strip(), tagged["tag"].strip()
    return line, None


def _looks_like_title(candidate: str) -> bool:
    if not 4 <= len(candidate) <= _MAX_TITLE_CHARS:
        return False
    if len(_HANZI.findall(candidate)) >= 2:
        return True
    words = _LATIN_WORD.findall(candidate)
    # Two bare words are usually a name (`Goldman Sachs`), not a title.
    return len(words) >= 3 or (len(words) >= 2 and ":" in candidate)
