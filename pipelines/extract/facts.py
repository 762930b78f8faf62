"""Turning quantity mentions into facts: subject, metric, period and status.

Attribution works on the structure analysts read: a sentence, its clauses, and
the paragraph around it.

- Subject: the first named entity before the number in its clause (the clause's
  grammatical subject is usually first: `Meta 计划于…拥有 35 万张英伟达 GPU`),
  skipping sources (`根据华尔街见闻报道`) and comparison objects (`价格仅为 GPT-4-turbo
  1/4`). Anaphors (`其`, `公司`, `本市`) take the passage's last entity of the
  matching kind. A clause without either inherits the previous clause's subject,
  and a sentence without one the paragraph's topic.
- Period: the nearest period before the number in its sentence; periods inside
  a document title (`【…实施方案(2024-2027 年)】`) name the document, not the fact.
  In a paragraph that set a target year (`目标到 2025 年,…。…。`), later
  sentences without a period keep it.
- Status: cue words in the clause (target > forecast > estimate), then a target
  or forecast announced earlier in the sentence, then a period that lies after
  the document's date (forecast); otherwise actual.
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import hashlib
import re
from collections.abc import Callable, Sequence
from functools import cache, partial
from typing import Any, NamedTuple

from pipelines.extract import metrics as metric_rules
from pipelines.extract.mentions import EntityMention, PeriodMention, QuantityMention, Sentence, builder
from pipelines.extract.sentences import clauses
from pipelines.extract.spans import SpanIndex
from pipelines.paths import VOCAB_DIR

# Organizations whose usual role is to report numbers about others.
SOURCE_ROLES = frozenset({"media", "research", "source"})
_SOURCE_WORDS = ("根据", "据", "来自", "援引", "引用", "according to", "per")
_SOURCE_BEFORE = metric_rules.words_at_end(_SOURCE_WORDS)
_SOURCE_AFTER = re.compile(r"^\s*(?:报道|统计|数据|测算|预测|显示|调研|报告|研究|指出|表示|称)")
_COMPARISON_WORDS = ("仅为", "为", "相比", "对比", "比", "较", "超过", "不及", "than", "vs", "vs.", "versus")
_COMPARISON_BEFORE = metric_rules.words_at_end(_COMPARISON_WORDS)
# Most text before an entity ends on none of these: then neither regex can match there.
_SOURCE_LAST = metric_rules.last_characters(_SOURCE_WORDS)
_COMPARISON_LAST = metric_rules.last_characters(_COMPARISON_WORDS)

# Bare alternations of words, not wrapped in a group: `re` then skips straight to the words'
# first characters rather than trying every alternative at every position (4x on a sentence).
_COMPANY_ANAPHOR = re.compile(r"该公司|公司|其|旗下|本公司|该企业|the company|its")
_PLACE_ANAPHOR = re.compile(r"本市|该市|全市|本省|该省|全省|本区|我市|我省")
# Either kind: most sentences hold none, and then no clause of theirs refers to a topic.
_ANAPHOR = re.compile(f"{_COMPANY_ANAPHOR.pattern}|{_PLACE_ANAPHOR.pattern}")
_TITLE = re.compile(r"【[^【】\n]*】|《[^《》\n]*》|「[^「」\n]*」")


class _Words:
    """A case-insensitive alternation of literal, lower-case words (no anchors or look-arounds).

    Under IGNORECASE `re` tries the pattern at every position; searched case-sensitively on the
    lower-cased text it skips straight to possible first characters and finds the same words
    (see _Context.lowered, and metrics.CASE_TWINS for the texts where that does not hold)."""

    def __init__(self, pattern: str):
        assert pattern == pattern.lower()
        self.any_case = re.compile(pattern, re.IGNORECASE)
        self.lower_case = re.compile(pattern)

    def found(self, ctx: _Context, start: int, end: int) -> bool:
        if ctx.lowered is None:
            return bool(self.any_case.search(ctx.folded, start, end))
        return bool(self.lower_case.search(ctx.lowered, start, end))

    def search_in(self, ctx: _Context) -> Callable[[str, int, int], re.Match[str] | None]:
        """The search to run on ctx.cue_text: `found` without a call per question."""
        return self.any_case.search if ctx.lowered is None else self.lower_case.search


_TARGET = _Words(r"目标|力争|争取|规划|计划|target|aim|plan")
# `到 2027 年` / `by 2030` before a single year sets a deadline (a target); `2023 年至 2024 年`
# is a range and `截至` an as-of date, so neither counts.
_DEADLINE_BEFORE = re.compile(r"(?:^|[^截年\d\s])\s*(?:到|至|by)\s*$", re.IGNORECASE | re.MULTILINE)
_FORECAST = _Words(r"预计|预期|预测|有望|将(?:会|要|达|实现|超|突破|增|提|成为|迎来|保持|继续)|可望|可达|可超过|或将|expected|expects|forecast|will|outlook|guidance")
_ESTIMATE = _Words(r"推断|推算|测算|估算|估计|或约|或达|大概|estimated|estimate")
_PRESENT = _Words(r"目前|当前|现阶段|如今|现在|截至目前|迄今|currently|to date")
# Most clauses hold none of these words: one search for any of them spares the four below.
_TIME_CUES = _Words("|".join(w.lower_case.pattern for w in (_TARGET, _FORECAST, _ESTIMATE, _PRESENT)))
_PARAGRAPH_TARGET = re.compile(r"目标(?:到|至|于)?\s*\d{4}\s*年")


class MetricFact(NamedTuple):
    span_start: int
    span_end: int
    mention: str
    subject_id: str | None
    metric: str
    value: float
    value_high: float | None
    unit: str
    comparator: str
    counted: str | None
    period_start: dt.date | None
    period_end: dt.date | None
    status: str
    sentence_start: int
    sentence_end: int


_new_fact = builder(MetricFact)


# `1 token 大约相当于 1.5-2 个汉字`: the 1 is the unit side of a conversion, not a fact.
_CONVERSION_AFTER = re.compile(r"\s*(?:大约|大概|约)?\s*(?:相当于|约等于|等于|折合|=|≈)")


def _is_conversion_unit(folded: str, q: QuantityMention) -> bool:
    return q.value == 1 and q.value_high is None and bool(_CONVERSION_AFTER.match(folded, q.end))


@cache
def _discourse_nouns() -> re.Pattern[str]:
    with open(VOCAB_DIR / "discourse_nouns.csv", encoding="utf-8") as f:
        nouns = [r["noun"] for r in csv.DictReader(line for line in f if not line.startswith("#"))]
    return re.compile("|".join(sorted(map(re.escape, nouns), key=len, reverse=True)))


_PER_BEFORE = re.compile(r"每\s*$")


def _is_per_unit_base(folded: str, q: QuantityMention) -> bool:
    """`每10股派息3元`: the 10 is the base of a rate, not a count of anything."""
    return q.unit == "count" and bool(_PER_BEFORE.search(folded, max(0, q.start - 2), q.start))


_ASCII_LETTER = re.compile("[A-Za-z]")


def _english_pct_is_percent(folded: str, q: QuantityMention, sentence: Sentence) -> QuantityMention:
    """`up 24.1 pct` in English news is percent; `同比+1.4pct` in a Chinese report is points."""
    if q.unit == "pp" and (q.unit_surface or "").lower() in ("pct", "pct."):
        stretch = folded[sentence.start:q.start]
        letters = len(_ASCII_LETTER.findall(stretch))
        if letters > 0.5 * len(stretch.replace(" ", "")):
            return q._replace(unit="percent")
    return q


def _is_discourse_count(folded: str, q: QuantityMention) -> bool:
    """`所有三个因素`, `分为两步`: a small count of the report's own points, not a fact about a subject."""
    if q.unit != "count" or q.value > 10 or q.value_high is not None or q.surface[:1].isdigit():
        return False
    return bool(_discourse_nouns().match(folded, q.end)) or bool(
        q.counted and _discourse_nouns().fullmatch(q.counted))


def fact_id(document_id: str, start: int, end: int) -> str:
    return hashlib.md5(f"{document_id}:{start}:{end}".encode()).hexdigest()


def paragraph_starts(text: str) -> list[int]:
    """Offsets where paragraphs begin (after a line break)."""
    # The ends of the runs of line breaks; str.find skips to each far faster than a regex scan.
    out = [0]
    n = len(text)
    i = text.find("\n")
    while i >= 0:
        i += 1
        while i < n and text[i] == "\n":
            i += 1
        out.append(i)
        i = text.find("\n", i)
    return out


_UNSET = object()     # a memo's "not worked out yet", where None is an answer


class _Context:
    """Per-document lookups shared by every quantity, and memos of the answers that depend only
    on an entity, a period or a clause (a sentence holds many quantities; a clause often several)."""

    def __init__(self, text: str, folded: str, sentences: Sequence[Sentence],
                 entities: Sequence[EntityMention], periods: Sequence[PeriodMention],
                 entity_roles: dict[str, str | None], doc_date: dt.date | None):
        self.text, self.folded, self.doc_date = text, folded, doc_date
        # Same offsets as `folded` (str.lower maps one character to one but for İ), for _Words.
        self.lowered = None if metric_rules.has_case_twins(folded) else folded.lower()
        self.cue_text = folded if self.lowered is None else self.lowered
        self.search_time_cue = _TIME_CUES.search_in(self)
        self.search_target = _TARGET.search_in(self)
        self.search_forecast = _FORECAST.search_in(self)
        self.search_estimate = _ESTIMATE.search_in(self)
        self.sign_flippable = metric_rules.sign_may_flip()
        self.sentences = sentences
        self.sentence_starts = [s.start for s in sentences]
        self.entities = [e for e in entities if entity_roles.get(e.entity_id) not in SOURCE_ROLES]
        self.entity_starts = [e.start for e in self.entities]
        self._eligible: list[bool | None] = [None] * len(self.entities)
        titles = SpanIndex((m.start(), m.end()) for m in _TITLE.finditer(folded))
        self.periods = [p for p in periods if not titles.contains(p.start, p.end)]
        self.period_starts = [p.start for p in self.periods]
        self._compared: list[bool | None] = [None] * len(self.periods)
        self.paragraphs = paragraph_starts(text)
        # Keyed by clause start (or sentence start): see _head_fact and _status.
        self.topics: dict[int, EntityMention | None] = {}
        self.earlier_subjects: dict[int, EntityMention | None] = {}
        self.sentence_cues: dict[int, tuple[bool, bool]] = {}
        self.paragraph_targets: dict[int, PeriodMention | None] = {}
        self.paragraph_target_starts: list[int] = []        # _PARAGRAPH_TARGET matches, on first need
        self.paragraph_target_ends: list[int] | None = None

    def paragraph_start(self, pos: int) -> int:
        return self.paragraphs[bisect.bisect_right(self.paragraphs, pos) - 1]

    def entities_between(self, start: int, end: int) -> list[EntityMention]:
        lo = bisect.bisect_left(self.entity_starts, start)
        hi = bisect.bisect_left(self.entity_starts, end)
        return [e for e in self.entities[lo:hi] if e.end <= end]

    def periods_between(self, start: int, end: int) -> list[PeriodMention]:
        lo = bisect.bisect_left(self.period_starts, start)
        hi = bisect.bisect_left(self.period_starts, end)
        return [p for p in self.periods[lo:hi] if p.end <= end]

    def eligible(self, i: int) -> bool:
        """_eligible_subject of self.entities[i], computed once."""
        ok = self._eligible[i]
        if ok is None:
            ok = self._eligible[i] = _eligible_subject(self, self.entities[i])
        return ok

    def compared(self, i: int) -> bool:
        """Whether self.periods[i] is the object of a comparison (`较去年同期`), computed once."""
        hit = self._compared[i]
        if hit is None:
            start = self.periods[i].start
            hit = self._compared[i] = bool(_COMPARED_WITH.search(self.folded, max(0, start - 12), start))
        return hit


def _eligible_subject(ctx: _Context, e: EntityMention) -> bool:
    before = ctx.folded[max(0, e.start - 6):e.start]
    last = before.rstrip()[-1:]       # (str.isspace is re's \s)
    if last in _SOURCE_LAST and _SOURCE_BEFORE.search(before) and _SOURCE_AFTER.search(ctx.folded[e.end:e.end + 4]):
        return False
    return not (last in _COMPARISON_LAST and _COMPARISON_BEFORE.search(before))


def _subject_in(ctx: _Context, start: int, end: int, topic: EntityMention | None) -> EntityMention | None:
    """The subject named in folded[start:end]: the first eligible entity, else an anaphor's referent."""
    return _entity_in(ctx, start, end) or _anaphor_in(ctx, start, end, topic)


def _entity_in(ctx: _Context, start: int, end: int, first: int | None = None) -> EntityMention | None:
    """The first eligible entity inside folded[start:end]; `first`: the index of the first entity
    starting at or after `start`, when the caller has it."""
    entities, eligible, starts = ctx.entities, ctx._eligible, ctx.entity_starts
    if first is None:
        first = bisect.bisect_left(starts, start)
    for i in range(first, bisect.bisect_left(starts, end)):
        e = entities[i]
        if e.end <= end:
            ok = eligible[i]
            if ok is None:
                ok = ctx.eligible(i)
            if ok:
                return e
    return None


def _anaphor_in(ctx: _Context, start: int, end: int, topic: EntityMention | None) -> EntityMention | None:
    """The topic, when folded[start:end] refers to it (`其`, `公司`, `本市`)."""
    if topic is not None:
        if topic.entity_type in ("company", "organization", "model", "product") and _COMPANY_ANAPHOR.search(ctx.folded, start, end):
            return topic
        if topic.entity_type in ("government", "region") and _PLACE_ANAPHOR.search(ctx.folded, start, end):
            return topic
    return None


def _topic_before(ctx: _Context, para_start: int, pos: int, kinds: tuple[str, ...] | None = None) -> EntityMention | None:
    """The paragraph's most recent eligible entity before `pos` (of the given kinds)."""
    entities = ctx.entities
    lo = bisect.bisect_left(ctx.entity_starts, para_start)
    for i in range(bisect.bisect_left(ctx.entity_starts, pos) - 1, lo - 1, -1):
        e = entities[i]
        if e.end <= pos and (kinds is None or e.entity_type in kinds) and ctx.eligible(i):
            return e
    return None


def _status(ctx: _Context, sentence: Sentence, clause: tuple[int, int], q_start: int,
            period: PeriodMention | None, paragraph_target: bool, time_cues: bool = True,
            time_cued: bool = True) -> str:
    """`time_cues`: False when folded[clause[0]:q_start] is known to hold no _TIME_CUES word;
    `time_cued` False when the whole sentence is known to hold none."""
    f = ctx.folded
    cue_text, c0 = ctx.cue_text, clause[0]
    if time_cues:
        if ctx.search_target(cue_text, c0, q_start):
            return "target"
        if ctx.search_forecast(cue_text, c0, q_start):
            return "forecast"
        if ctx.search_estimate(cue_text, c0, q_start):
            return "estimate"
    # Earlier clauses are the same for every quantity of the clause (and there are none before
    # the first).
    if time_cued and c0 > sentence.start:
        earlier = ctx.sentence_cues.get(c0)
        if earlier is None:
            earlier = ctx.sentence_cues[c0] = (ctx.search_target(cue_text, sentence.start, c0) is not None,
                                               ctx.search_forecast(cue_text, sentence.start, c0) is not None)
        if earlier[0]:
            return "target"
        if earlier[1]:
            return "forecast"
    if paragraph_target:
        return "target"
    if period is not None:
        if period.kind == "year" and _DEADLINE_BEFORE.search(f[max(0, period.start - 8):period.start]):
            return "target"
        if period.status_hint:
            return period.status_hint
        if ctx.doc_date is not None and period.period_start > ctx.doc_date:
            return "forecast"
    return "actual"


# Members of an enumeration (`分别下降 11.9%、19.7%和 2.7%`, `+9.6%/-0.3%/-16.9%`) share the
# head's metric, period, status and direction.
_ENUMERATION_JOINS = ("、", "/", "和", "及", "与", "以及", "或", "and", r",\s*and")
_ENUMERATION_GAP = re.compile(rf"\s*(?:{'|'.join(_ENUMERATION_JOINS)})\s*", re.IGNORECASE)
# What a gap must start with (or with a space): most gaps between two numbers start otherwise.
_ENUMERATION_FIRST = frozenset(c for join in _ENUMERATION_JOINS for c in (join[0].lower(), join[0].upper()))
# (none overlaps another or itself, as _word_spans needs)
_RESPECTIVELY = ("分别", "respectively", "依次")
_LIST_GAP = re.compile(r"\s*(?:、|,|和|及|与|以及|and|,\s*and)?\s*", re.IGNORECASE)
_REPORTING_KINDS = frozenset({"quarter", "half", "year", "ytd", "fiscal_quarter", "fiscal_year", "fiscal_half",
                              "fiscal_ytd"})


def _word_spans(text: str, words: Sequence[str]) -> tuple[list[int], list[int]]:
    """The starts and ends of the occurrences of `words` in text, in order. The words must not
    overlap one another or themselves (then the occurrences are also in order of their ends)."""
    spans = []
    for w in words:
        i = text.find(w)
        while i >= 0:
            spans.append((i, i + len(w)))
            i = text.find(w, i + len(w))
    spans.sort()
    return [start for start, _ in spans], [end for _, end in spans]


def _first_word_in(spans: tuple[list[int], list[int]], start: int, end: int) -> int | None:
    """Where the first occurrence of _word_spans lying inside [start, end) starts, if any: what a
    search for the words in folded[start:end] finds."""
    starts, ends = spans
    i = bisect.bisect_left(starts, start)
    # (ends ascend with starts: if the first to start inside runs past `end`, so do the rest)
    return starts[i] if i < len(starts) and ends[i] <= end else None


# `较去年同期增长101.8%`: the period after 较/than is what the figure is compared with, not its own.
_COMPARED_WITH = re.compile(r"(?:较|比|相比|相较|对比|同比|比起|than|versus|vs\.?|compared (?:with|to))\s*(?:于)?\s*$",
                            re.IGNORECASE)
_BASE_WORDS = ("由", "从", "from")
_BASE_BEFORE = metric_rules.words_at_end(_BASE_WORDS)
_BASE_LAST = metric_rules.last_characters(_BASE_WORDS)
_CHANGE_TO_AFTER = re.compile(r"\s*(?:的)?\s*(?:(?:增|降|减|升|提高|提升|下降|上升|增长|增加|减少|降低|回落|扩大|收窄)\w{0,2}?)?\s*(?:至|到|to)\s*", re.IGNORECASE)


def _year_earlier(p: PeriodMention) -> PeriodMention:
    def back(d: dt.date) -> dt.date:
        try:
            return d.replace(year=d.year - 1)
        except ValueError:   # 29 February
            return d.replace(year=d.year - 1, day=28)

    return p._replace(period_start=back(p.period_start), period_end=back(p.period_end), status_hint=None)


# `宁德时代(300750)`, `NVIDIA (NASDAQ: NVDA)`: a company with its listing code near the top of a
# report is what the report is about.
_CODE_AFTER = re.compile(r"\s*[(（]\s*(?:\d{5,6}(?:\.(?:SH|SZ|BJ|HK))?|(?:NASDAQ|NYSE|HKEX|TSE|SSE|SZSE)\s*:\s*[A-Z.]{1,6})\s*[)）]")
HEAD_CHARACTERS = 600


def main_company(text: str, entities: Sequence[EntityMention], entity_roles: dict[str, str | None]) -> EntityMention | None:
    """The company a single-company report is about: the only company it names; or the one named
    in its title line or with its listing code near the top; or one named far more often than any
    other. None for multi-company texts (digests, industry reports)."""
    companies = [e for e in entities if e.entity_type == "company" and entity_roles.get(e.entity_id) not in SOURCE_ROLES]
    if not companies:
        return None
    first: dict[str, EntityMention] = {}
    counts: dict[str, int] = {}
    for e in companies:
        counts[e.entity_id] = counts.get(e.entity_id, 0) + 1
        first.setdefault(e.entity_id, e)
    if len(first) == 1:
        return companies[0]
    head_end = _title_end(text)
    in_title = {e.entity_id: e for e in companies if e.start < head_end}
    if len(in_title) == 1:
        return next(iter(in_title.values()))
    coded = {e.entity_id: e for e in companies if e.start < HEAD_CHARACTERS and _CODE_AFTER.match(text, e.end)}
    if len(coded) == 1:
        return next(iter(coded.values()))
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    top_id, top = ranked[0]
    return first[top_id] if top >= 3 and top >= 2 * ranked[1][1] else None


def _title_end(text: str) -> int:
    """End of the first non-empty line, at most 160 characters in."""
    stripped = len(text) - len(text.lstrip())
    end = text.find("\n", stripped)
    return min(end if end >= 0 else len(text), stripped + 160)


def lead_period(text: str, periods: Sequence[PeriodMention]) -> PeriodMention | None:
    """The reporting period a report's title states first (`2024年一季报点评`, `Results for Fourth
    Quarter and Fiscal 2024`): the period of figures the text gives without one."""
    end = _title_end(text)
    return next((p for p in periods if p.end <= end and p.kind in _REPORTING_KINDS), None)


def _entity_list_before(ctx: _Context, sentence: Sentence, pos: int) -> list[EntityMention]:
    """The list of entities that ends nearest before `pos` (`平安、太保、国寿和新华`)."""
    candidates = [e for e in ctx.entities_between(sentence.start, pos) if _eligible_subject(ctx, e)]
    out: list[EntityMention] = []
    for e in reversed(candidates):
        if out and not _LIST_GAP.fullmatch(ctx.folded, e.end, out[-1].start):
            break
        out.append(e)
    return out[::-1]


def assemble_metric_facts(text: str, folded: str, sentences: Sequence[Sentence],
                          quantities: Sequence[QuantityMention], entities: Sequence[EntityMention],
                          periods: Sequence[PeriodMention], entity_roles: dict[str, str | None],
                          doc_date: dt.date | None, doc_topic: EntityMention | None = None,
                          doc_period: PeriodMention | None = None,
                          split_clauses: Callable[[Sentence], list[tuple[int, int]]] | None = None,
                          ) -> list[MetricFact]:
    """The metric facts of one document. `split_clauses(sentence)`: `clauses(folded, sentence)`, from
    a cache the caller shares with the signal and event finders (`MentionIndex.clauses_of`)."""
    if not quantities:
        return []
    if split_clauses is None:
        split_clauses = partial(clauses, folded)
    ctx = _Context(text, folded, sentences, entities, periods, entity_roles, doc_date)
    facts: list[MetricFact] = []
    # Metric cue words, scanned only in the sentences that hold quantities.
    text_cues = metric_rules.TextCues(folded, ctx.lowered)
    prev_q: QuantityMention | None = None
    prev_fact: MetricFact | None = None
    prev_class = ""
    clauses_of = -1                    # the sentence start `parts` and `ends` are the clauses of
    parts: list[tuple[int, int]] = []
    ends: list[int] = []
    unit_class = metric_rules.unit_class
    run: Sequence[EntityMention] = ()  # subjects of a 分别 enumeration, in order
    run_metrics: Sequence[str] = ()    # metrics of a 分别 enumeration (`毛利率和净利率分别为…和…`)
    run_index = 0
    sentence_starts = ctx.sentence_starts
    sentence: Sentence | None = None
    cues: list[tuple[int, int, str]] = []
    has_respectively = False
    # 分别 and the like: found in one pass of str.find (most texts hold a few, many none), so that
    # sentences and clauses are asked about without a regex scan of each.
    respectively_spans = _word_spans(folded, _RESPECTIVELY)
    time_cued = anaphoric = False
    for q in quantities:
        q_start = q.start
        i = bisect.bisect_right(sentence_starts, q_start) - 1      # sentence_at, inlined
        if i < 0 or not sentences[i].start <= q_start < sentences[i].end:
            continue
        sentence = sentences[i]
        if (q.value == 1 and _is_conversion_unit(folded, q)) or (
                q.unit == "count" and (_is_discourse_count(folded, q) or _is_per_unit_base(folded, q))):
            continue
        if q.unit == "pp":
            q = _english_pct_is_percent(folded, q, sentence)
        if sentence.start != clauses_of:
            parts = split_clauses(sentence)
            ends = [end for _, end in parts]
            clauses_of = sentence.start
            cues = text_cues.within(sentence.start, sentence.end)
            # Few sentences hold 分别: one search of the sentence spares one per quantity.
            has_respectively = _first_word_in(respectively_spans, sentence.start, sentence.end) is not None
            # Nor do most hold a time cue (目标, 预计, 目前…): then no stretch of it does, and the
            # searches of clause starts for one (_head_fact, _status) are spared.
            time_cued = ctx.search_time_cue(ctx.cue_text, sentence.start, sentence.end) is not None
            anaphoric = _ANAPHOR.search(folded, sentence.start, sentence.end) is not None
        k = min(bisect.bisect_right(ends, q_start), len(parts) - 1)   # the clause holding q, else the last
        clause = parts[k]
        q_class = unit_class(q.unit)

        if (prev_q is not None and prev_fact is not None and prev_fact.sentence_start == sentence.start
                and prev_class == q_class and prev_q.end < q_start
                and (folded[prev_q.end] in _ENUMERATION_FIRST or folded[prev_q.end].isspace())
                and _ENUMERATION_GAP.fullmatch(folded, prev_q.end, q_start)):
            fact = _enumeration_member(q, prev_q, prev_fact, run, run_index + 1)
            run_index += 1
            if run_index < len(run_metrics):
                fact = fact._replace(metric=run_metrics[run_index])
        else:
            run, run_metrics, run_index = (), (), 0
            respectively = _first_word_in(respectively_spans, clause[0], q_start) if has_respectively else None
            if respectively is not None:
                run = _entity_list_before(ctx, sentence, respectively)
                if len(run) < 2:
                    run = ()
            fact = _head_fact(ctx, q, q_class, sentence, parts, k, cues, doc_topic, doc_period, time_cued, anaphoric)
            if run:
                fact = fact._replace(subject_id=run[0].entity_id)
            if respectively is not None:
                run_metrics = metric_rules.metric_list_before(folded, clause[0], respectively, q.unit)
                if run_metrics:
                    fact = fact._replace(metric=run_metrics[0])
        facts.append(fact)
        prev_q, prev_fact, prev_class = q, fact, q_class
    return facts


def _enumeration_member(q: QuantityMention, head_q: QuantityMention, head: MetricFact,
                        run: Sequence[EntityMention], index: int) -> MetricFact:
    value, value_high = q.value, q.value_high
    explicit_sign = q.surface.lstrip()[:1] in "+-" or value < 0
    if head.value < 0 <= head_q.value and not explicit_sign:   # the head was signed by a decline word
        value, value_high = (-value, None) if value_high is None else (-value_high, -value)
    subject_id = run[index].entity_id if index < len(run) else (None if run else head.subject_id)
    return head._replace(
        span_start=q.start, span_end=q.end, mention=q.surface, subject_id=subject_id,
        value=value, value_high=value_high, unit=q.unit, comparator=q.comparator, counted=q.counted,
    )


def _paragraph_target(ctx: _Context, para: int, sentence_start: int) -> PeriodMention | None:
    """The period of the last target year (`目标到 2025 年`) set in the paragraph before the sentence."""
    if ctx.paragraph_target_ends is None:
        # One scan of the whole text: a match is fixed by where its 目标 starts and cannot hold
        # another 目标, so the whole-text matches are the ones a scan of any stretch finds.
        spans = [m.span() for m in _PARAGRAPH_TARGET.finditer(ctx.folded)]
        ctx.paragraph_target_starts = [s for s, _ in spans]
        ctx.paragraph_target_ends = [e for _, e in spans]
    i = bisect.bisect_right(ctx.paragraph_target_ends, sentence_start) - 1
    if i >= 0 and ctx.paragraph_target_starts[i] >= para:
        carried = ctx.periods_between(ctx.paragraph_target_starts[i], ctx.paragraph_target_ends[i] + 2)
        if carried:
            return carried[-1]
    return None


def _head_fact(ctx: _Context, q: QuantityMention, q_class: str, sentence: Sentence,
               parts: Sequence[tuple[int, int]], k: int, cues: list[tuple[int, int, str]], doc_topic: EntityMention | None,
               doc_period: PeriodMention | None, time_cued: bool = True, anaphoric: bool = True) -> MetricFact:
    """`time_cued`: False when the sentence holds no _TIME_CUES word; `anaphoric` False when it
    holds no _ANAPHOR word."""
    # Read from memos: _UNSET ("not worked out yet") until they hold their answer.
    topic: Any
    subject: Any
    carried: Any
    folded = ctx.folded
    clause = parts[k]
    c0 = clause[0]
    q_start, q_end, surface, value, value_high, unit, comparator, counted, _ = q
    s_start = sentence.start
    time_cues = time_cued and ctx.search_time_cue(ctx.cue_text, c0, q_start) is not None

    # Subject: this clause, else the nearest earlier clause of the sentence that names one,
    # else the paragraph topic, else the company the whole report is about. Only the first
    # step depends on the quantity; the others are worked out once per clause, and the topic
    # only when the clause names no subject before the number.
    entity_starts = ctx.entity_starts
    first = bisect.bisect_left(entity_starts, c0)
    # Most clauses name no entity before the number: then there is nothing to look through.
    subject = _entity_in(ctx, c0, q_start, first) if first < len(entity_starts) and entity_starts[first] < q_start else None
    if subject is None:
        topic = ctx.topics.get(c0, _UNSET)
        if topic is _UNSET:
            topic = ctx.topics[c0] = _topic_before(ctx, ctx.paragraph_start(s_start), c0) or doc_topic
        # An anaphor can only refer to the topic, and the topic is the fallback: only an entity
        # in an earlier clause can make a difference, and without one in the sentence before
        # this clause there is nothing to look for.
        if first and entity_starts[first - 1] >= s_start:
            # Without an anaphor in the sentence, no clause of it refers to the topic.
            referent = topic if anaphoric else None
            subject = _anaphor_in(ctx, c0, q_start, referent)
            if subject is None:
                subject = ctx.earlier_subjects.get(c0, _UNSET)
                if subject is _UNSET:
                    subject = None
                    for c_start, c_end in reversed(parts[:k]):
                        subject = _subject_in(ctx, c_start, c_end, referent)
                        if subject is not None:
                            break
                    ctx.earlier_subjects[c0] = subject
        subject = subject or topic

    # Period: nearest before the number in the sentence (a clause that speaks of the present,
    # 目前/当前, keeps only its own); else a target year set earlier in the paragraph; else the
    # reporting period of the report's title.
    own_time = time_cues and _PRESENT.found(ctx, c0, q_start)
    period = None
    periods, starts, compared = ctx.periods, ctx.period_starts, ctx._compared
    lo = bisect.bisect_left(starts, c0 if own_time else s_start)
    for i in range(bisect.bisect_left(starts, q_start) - 1, lo - 1, -1):   # the nearest first
        if periods[i].end <= q_start:
            hit = compared[i]
            if not (ctx.compared(i) if hit is None else hit):
                period = periods[i]
                break
    # `人均薪酬由61.82万元降至53.14万元`: the value after 由/从 is the comparison base, a year
    # before the period the sentence reports (when the base's own period is not stated).
    # (Several rules look for words that end right before the number: they share the character
    # such a word must end on.)
    j = metric_rules.last_nonspace(folded, c0, q_start)
    before = folded[j] if j >= c0 else ""      # metric_rules.last_character, whose place `_BASE_LAST` needs
    if period is not None and before in _BASE_LAST and j >= q_start - 3 \
            and _BASE_BEFORE.search(folded, max(c0, q_start - 3), q_start) \
            and _CHANGE_TO_AFTER.match(folded, q_end) and period.kind in _REPORTING_KINDS:
        period = _year_earlier(period)
    paragraph_target = False
    if period is None and not own_time:
        carried = ctx.paragraph_targets.get(s_start, _UNSET)
        if carried is _UNSET:
            carried = ctx.paragraph_targets[s_start] = _paragraph_target(ctx, ctx.paragraph_start(s_start), s_start)
        if carried is not None:
            period, paragraph_target = carried, True
        if period is None:
            period = doc_period

    metric = metric_rules.choose_class_metric(folded, c0, clause[1], q_start, q_end, q_class, counted,
                                              cues, s_start, surface.lstrip()[:1] in "+-", before)
    # (signed leaves every other metric's value as it is, and every value after other characters)
    if metric in ctx.sign_flippable and before in metric_rules.SIGN_LAST:
        value, value_high = metric_rules.signed(metric, folded, c0, q_start, value, value_high, before)
    status = _status(ctx, sentence, clause, q_start, period, paragraph_target, time_cues, time_cued)
    return _new_fact((
        q_start, q_end, surface,                                    # span_start, span_end, mention
        subject.entity_id if subject else None, metric,             # subject_id, metric
        value, value_high, unit, comparator, counted,               # value .. counted
        period.period_start if period else None,                    # period_start
        period.period_end if period else None,                      # period_end
        status, s_start, sentence.end,                              # status, sentence_start, sentence_end
    ))
