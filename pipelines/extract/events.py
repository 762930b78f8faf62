"""Dated events: what happened, to whom, and when, with the sentence that says so.

An event is a trigger word from `vocab/event_types.csv` (发布, 印发, 并购, 成立于,
签署…协议) whose clause also states a date. The first vocabulary row that lists the
trigger and whose conditions hold gives the type, so `发布【…招标公告】` is a tender,
`发布【…指导意见】` by a government body a policy, and a bare `发布` a launch.

Date: the nearest period before the trigger in its clause, or right after it
(`成立于 2018 4 月`), or a period standing as a clause of its own earlier in the
sentence (`2024 4 月，中国移动发布了…`), or the period leading the sentence. Periods
inside titles (`【…( 2024 年版)】`), forecasts, multi-year spans and `以来`/`截至`
stretches never date an event. No date, no event.

English triggers (`completed the acquisition of`, `unveiled`, `cash dividend`) match
case-insensitively; their clause is the whole sentence (a comma in `March 27, 2024`
is no clause break), and a date after the trigger counts when `on`/`in` introduces
it (`dividend of $0.04 per share on March 27, 2024`), never a period the trigger's
object names (`Announces Results for Fiscal 2024`).

Subject: the leftmost name before the trigger in its clause (`谷歌 2024 2 月推出的
Gemini`); `公司`/`其` at subject position refers back to the last company named in
the passage; a clause with no subject of its own (`自 2022 年底推出后`) continues the
sentence's. No subject, no event: `全球科技大厂陆续发布新一期财报` names nobody.

The same event stated twice (summary and body) gets the same `event_key`: a hash of
type, subject, dates and the other participants / the document title it names.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

from pipelines.extract.mentions import EntityMention, PeriodMention, Sentence
from pipelines.extract.signals import (
    LEADING_PREFIX,
    MentionIndex,
    SignalLexicon,
    english_word_starts,
    finditer_at,
    guarded,
    load_signal_lexicon,
    mention_index,
    read_vocab_table,
    word_trie,
)
from pipelines.paths import VOCAB_DIR

EVENT_TYPES_PATH = VOCAB_DIR / "event_types.csv"

# Titles and quoted names: a trigger, date or name inside one belongs to the title
# (`【北京市算力基础设施建设实施方案( 2024-2027 年)】发布`), not to the event.
_BRACKETED = re.compile(r"【[^】\n]{0,200}】|《[^》\n]{0,200}》|「[^」\n]{0,120}」|“[^”\n]{0,120}”|\[[^\]\n]{0,120}\]")
# Period kinds that are stretches up to or since a point, not when something happened.
_UNDATED_KINDS = frozenset({"since", "asof", "trailing", "ytd", "ttm", "coming", "same_period", "years"})
_MAX_EVENT_DAYS = 366
_CUE_BEFORE = 40            # chars before the trigger searched for a cue (`【…方案】发布`)
_CUE_AFTER = 48             # chars after it (`发布了【 2024 2025 年…招标公告】`)
_SPAN_AFTER = 80            # evidence runs to the clause end, at most this far past the trigger
_OBJECT_REACH = 32          # names this far past the trigger are its objects (`发布开源炒菜机器人 Mobile ALOHA`)
_LOOKBACK = 300             # chars searched back inside a sentence for a bare-date clause or a subject
_TRAILING_PUNCT = frozenset("。！？!?；;，,、：:")
_AFTER_TRIGGER = re.compile(r"\s*(?:于|在)?\s*")
# An English date after the trigger: `on March 27, 2024`, `in April 2024`.
_EN_DATE_INTRO = re.compile(r"(?<![A-Za-z])(?:on|in|effective|as of)\s+$", re.IGNORECASE)
_EN_DATE_REACH = 90
# An English clause with no name before its trigger that refers back to the last company.
_EN_ANAPHOR = re.compile(r"\s*(?:the company|the firm|the group|it|its)\b", re.IGNORECASE)
# Between a subject and its trigger: a citation marker or spaced bullet dash means a missed
# sentence break in a scraped digest (`百利天恒… [2] 中腰部企业挑战 - 化学制剂企业因…降价`).
_MISSED_BREAK = re.compile(r"\[\d{1,3}\]|\s[-–•]\s")
_SUBJECTLESS_MAX = 2        # CJK chars a clause may hold before its trigger and still have no subject
_ROLE_OF_SUBJECT = {
    "acquisition": "acquirer", "policy": "issuer", "policy_effective": "issuer",
    "agreement": "party", "partnership": "party",
}
_ANAPHOR_TYPES = {
    "公司": frozenset({"company"}),
    "该公司": frozenset({"company"}),
    "其": frozenset({"company", "organization", "government"}),
}


class EventMention(NamedTuple):
    """One statement of a dated event, with its type, subject and participants."""

    start: int
    end: int
    surface: str              # the date-trigger-object stretch of the clause
    event_type: str
    subject_id: str | None
    subject: str | None       # canonical name of the acting entity
    subject_type: str | None
    participants: tuple[tuple[str, str, str], ...]   # (entity_id, canonical, role)
    event_start: dt.date
    event_end: dt.date
    event_key: str            # equal for the same event stated twice in one document
    sentence_start: int
    sentence_end: int


class EventRule(NamedTuple):
    """One row of the event vocabulary."""

    event_type: str
    cue: re.Pattern[str] | None
    not_before: tuple[str, ...]
    subject_types: frozenset[str]
    target_role: str
    scheduled: bool           # a modal (将, will) does not drop it: dividends, effective dates


class EventVocabulary:
    """Compiled event vocabulary; build once via `load_event_vocabulary()`."""

    def __init__(self, rows: list[dict[str, str]]) -> None:
        self.rules_for: dict[str, list[EventRule]] = {}
        self.types: dict[str, str] = {}
        for r in rows:
            cues = [c for c in r["cues"].split("|") if c]
            not_before = [w for w in r["not_before"].split("|") if w]
            rule = EventRule(
                r["event_type"],
                # English cues case-insensitively; the cue is searched in a short window only
                _cue_pattern(cues) if cues else None,
                tuple(not_before + [w.lower() for w in not_before if w.isascii()]),
                frozenset(t for t in r["subject_types"].split("|") if t),
                r["target_role"] or "object",
                r.get("scheduled", "").lower() == "yes",
            )
            self.types.setdefault(r["event_type"], r["description"])
            for trigger in r["triggers"].split("|"):
                if trigger:
                    self.rules_for.setdefault(trigger.lower() if trigger.isascii() else trigger, []).append(rule)
        self.trigger = _two_character_scan([t for t in self.rules_for if not t.isascii()])
        english = [t for t in self.rules_for if t.isascii()]
        # The leading class of first letters lets `re` skip CJK text fast; case variants instead of
        # IGNORECASE for the same reason.
        variants = [v for t in english for v in (t, t[:1].upper() + t[1:], t.upper(), t.title())]
        firsts = "".join(sorted({re.escape(v[0]) for v in variants}))
        self.english_trigger = re.compile(
            f"(?=[{firsts}])(?<![A-Za-z-])(?:{word_trie(variants)})(?![A-Za-z-])"
        ) if english else None
        # Where an English trigger can start: `_trigger_matches` runs `english_trigger` only there.
        self.english_trigger_starts = english_word_starts(variants) if english else None
        # Whether no trigger can run across a sentence end, so that scanning sentences alone finds
        # the matches a whole-text scan finds there: `sentences.py` ends a sentence only at
        # punctuation (kept in the sentence), a line break or a spaced bullet dash, and a trigger of
        # letters and inner spaces contains none of them nor starts in the gap after one.
        self.sentence_local = all(t == t.strip() and all(ch.isalnum() or ch == " " for ch in t)
                                  for t in self.rules_for)


def _two_character_scan(words: list[str]) -> re.Pattern[str]:
    """A pattern whose group 1 is where one of `words` starts, at every such place; for `_find_words`.

    The triggers start with some 70 of the commonest characters (上, 中, 发, 成…): a scan for the
    words themselves starts a match at about one character in ten and fails at the second. This
    one tests the first two characters against their classes before it tries the words (in a
    lookahead inside a one-character lookbehind, so the match stays that character): measured 1.7x
    on the benchmark texts. Words of one character leave no second class: then the words alone.
    """
    trie = word_trie(words)
    if any(len(w) < 2 for w in words):
        return re.compile(f"({trie})")
    firsts = "".join(sorted({re.escape(w[0]) for w in words}))
    seconds = "".join(sorted({re.escape(w[1]) for w in words}))
    return re.compile(f"[{firsts}](?=[{seconds}])(?<=(?=({trie})).)")


def _find_words(pattern: re.Pattern[str], text: str, lo: int, hi: int) -> list[tuple[int, int, str]]:
    """(start, end, word) of the matches `re.compile(trie).finditer(text, lo, hi)` gives, for a
    `_two_character_scan(words)` pattern of the same words.

    That pattern finds the words at every place they start, overlapping ones too; `finditer` resumes
    after a match, so a word starting inside the last one kept is skipped. The word found at a
    place is the one the trie matches there, tried the same way.
    """
    out: list[tuple[int, int, str]] = []
    last = lo
    for m in pattern.finditer(text, lo, hi):
        start, end = m.span(1)
        if start >= last:
            out.append((start, end, m.group(1)))
            last = end
    return out


def _cue_pattern(cues: list[str]) -> re.Pattern[str]:
    """The cue words of a rule, English ones case-insensitively."""
    if any(c.isascii() for c in cues):
        return re.compile(guarded(cues, ignorecase=True), re.IGNORECASE)
    return re.compile(guarded(cues))


@lru_cache(maxsize=1)
def load_event_vocabulary() -> EventVocabulary:
    """The event vocabulary from `vocab/event_types.csv`, read and compiled once per process."""
    return EventVocabulary(read_vocab_table(EVENT_TYPES_PATH))


def event_types() -> dict[str, str]:
    """Event type -> description, as documented in the vocabulary."""
    return dict(load_event_vocabulary().types)


class _Brackets:
    """Spans of titles and quoted names in the folded text."""

    def __init__(self, folded: str) -> None:
        self.spans = [m.span() for m in _BRACKETED.finditer(folded)]
        self.starts = [s for s, _ in self.spans]

    def inside(self, pos: int) -> bool:
        i = bisect.bisect_right(self.starts, pos) - 1
        return i >= 0 and self.spans[i][0] < pos < self.spans[i][1] - 1

    def first_after(self, lo: int, hi: int) -> tuple[int, int] | None:
        i = bisect.bisect_left(self.starts, lo)
        if i < len(self.spans) and self.spans[i][1] <= hi:
            return self.spans[i]
        return None


def _dating_periods(periods: list[PeriodMention], brackets: _Brackets) -> list[PeriodMention]:
    """The periods that can be the date of a happening (a day, month, quarter, half or year), outside
    titles and quoted names."""
    # One comprehension, no call per period: it reads every period of the document.
    dating = [p for p in periods if p.status_hint != "forecast" and p.kind not in _UNDATED_KINDS
              and "同期" not in p.surface and (p.period_end - p.period_start).days <= _MAX_EVENT_DAYS]
    return [p for p in dating if not brackets.inside(p.start)] if brackets.spans else dating


class _Context(NamedTuple):
    folded: str
    mentions: MentionIndex      # not `index`: a tuple field of that name would hide tuple.index
    lexicon: SignalLexicon
    brackets: _Brackets
    periods: list[PeriodMention]
    period_starts: list[int]
    acts: dict[int, bool]       # entity start -> whether a name there can act (see `_candidates`)


def find_events(
    text: str,
    sentences: Sequence[Sentence],
    entities: Sequence[EntityMention],
    periods: Sequence[PeriodMention],
    *,
    folded: str | None = None,
    index: MentionIndex | None = None,
) -> list[EventMention]:
    """Dated events stated in `text`, one row per statement (a repeated event shares its key).

    `folded` is `fold(text)` when the caller has it already (folding is a full pass over the text);
    `index` is `signals.mention_index(...)` of the same arguments when the caller has it (it reads
    the folded text from there).
    """
    if not text:
        return []
    vocab = load_event_vocabulary()
    lexicon = load_signal_lexicon()
    if index is None:
        index = mention_index(text, sentences, entities, periods, folded=folded)
    folded = index.folded
    brackets = _Brackets(folded)
    dating = _dating_periods(index.periods, brackets)
    ctx = _Context(folded, index, lexicon, brackets, dating, [p.start for p in dating], {})
    # Every date `_event_period` can give starts in the trigger's sentence: only the sentences where a
    # dating period starts (about half the text) can state an event, and only there are triggers sought.
    dated = _dated_sentences(index, ctx.period_starts)
    out: list[EventMention] = []
    seen_in_clause: set[tuple[int, str | None, dt.date, dt.date]] = set()
    last_subject: tuple[int, EntityMention] | None = None   # (sentence start, subject) of the last event

    for t0, t1, trigger in _trigger_matches(vocab, folded, dated):
        english = trigger.isascii()
        if brackets.inside(t0) or index.overlaps_entity(t0, t1):
            continue
        sent = index.sentence_at(t0)
        if sent is None:
            continue
        if english:
            before = folded[max(sent.start, t0 - 24):t0]
            if lexicon.en_negator.search(before):
                continue
            cs, ce = sent.start, sent.end
        else:
            if lexicon.negated(folded, t0, sent.start):
                continue
            cs, ce = index.clause_at(sent, t0)
        # The date first: it depends on the trigger's place only, and most triggers have none.
        period = _event_period(ctx, sent, cs, t0, t1, english)
        if period is None:
            continue
        previous = last_subject[1] if last_subject and last_subject[0] == sent.start else None
        subject, subject_pos = _subject(ctx, sent, cs, t0, previous, english)
        rule = _rule(ctx, vocab.rules_for[trigger.lower() if english else trigger], cs, ce, t0, t1, subject,
                     english)
        if rule is None or subject is None:
            continue
        if not rule.scheduled and (lexicon.en_modal.search(folded[max(sent.start, t0 - 24):t0]) if english
                                   else lexicon.has_modal(lexicon.modal, folded[cs:t0])):
            continue
        clause_key = (cs, subject.entity_id, period.period_start, period.period_end)
        if clause_key in seen_in_clause:
            continue        # `发布开源炒菜机器人`: a second trigger in one clause restates the event
        seen_in_clause.add(clause_key)
        last_subject = (sent.start, subject)

        participants = _participants(ctx, rule, subject, cs, ce, t0)
        start = min(t0, period.start, subject_pos if subject_pos is not None else t0)
        end = max(t1, period.end, min(ce, t1 + _SPAN_AFTER))
        while end > start and (text[end - 1].isspace() or text[end - 1] in _TRAILING_PUNCT):
            end -= 1
        title = brackets.first_after(t1, min(ce, t1 + _CUE_AFTER)) or brackets.first_after(max(cs, t0 - _CUE_BEFORE), t0)
        key = _event_key(rule.event_type, subject, period, participants, folded[title[0]:title[1]] if title else "")
        out.append(EventMention(
            start, end, text[start:end], rule.event_type,
            subject.entity_id, subject.canonical, subject.entity_type, participants,
            period.period_start, period.period_end, key, sent.start, sent.end,
        ))
    out.sort(key=lambda e: (e.start, e.end))
    return out


def _dated_sentences(index: MentionIndex, period_starts: list[int]) -> list[tuple[int, int]]:
    """The runs of consecutive sentences in which one of the (sorted) periods starts, as (start, end)."""
    sentences, starts = index.sentences, index.sentence_starts
    runs: list[tuple[int, int]] = []
    last = -2
    for pos in period_starts:
        i = bisect.bisect_right(starts, pos) - 1
        if i < 0 or i == last or pos >= sentences[i].end:
            continue
        if i == last + 1:
            runs[-1] = (runs[-1][0], sentences[i].end)
        else:
            runs.append((sentences[i].start, sentences[i].end))
        last = i
    return runs


def _trigger_matches(vocab: EventVocabulary, folded: str, spans: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """(start, end, trigger as written) of the Chinese and English trigger matches in text order, in
    `spans` (runs of sentences) at least.

    When no trigger can run across a sentence end (`sentence_local`), a scan of the spans alone
    finds the whole text's matches there; else the whole text is scanned (a trigger elsewhere finds
    no date and is dropped).
    """
    english, english_starts = vocab.english_trigger, vocab.english_trigger_starts   # both None or neither
    found: list[tuple[int, int, str]] = []
    for lo, hi in spans if vocab.sentence_local else [(0, len(folded))]:
        found.extend(_find_words(vocab.trigger, folded, lo, hi))
        if english is not None and english_starts is not None:
            found.extend((m.start(), m.end(), m.group())
                         for m in finditer_at(english, english_starts, folded, lo, hi))
    if english is not None:
        found.sort()    # by start: a Chinese and an English trigger never start at one place
    return found


def _rule(
    ctx: _Context,
    rules: list[EventRule],
    cs: int,
    ce: int,
    t0: int,
    t1: int,
    subject: EntityMention | None,
    english: bool = False,
) -> EventRule | None:
    """The first vocabulary row for this trigger whose cue, follow-on and subject type conditions hold."""
    lo, hi = max(cs, t0 - _CUE_BEFORE), min(ce, t1 + _CUE_AFTER)
    after = ctx.folded[t1:t1 + 32].lstrip().lower() if english else ""
    for rule in rules:
        if rule.not_before and (after.startswith(rule.not_before) if english
                                else ctx.folded.startswith(rule.not_before, t1)):
            continue
        if rule.cue is not None and not rule.cue.search(ctx.folded, lo, hi):
            continue
        if rule.subject_types and (subject is None or subject.entity_type not in rule.subject_types):
            continue
        return rule
    return None


def _candidates(ctx: _Context, lo: int, hi: int) -> list[EntityMention]:
    """Names in [lo, hi) that can act: not inside a title, not cited as a source."""
    # Both tests read the text before the name's start only, and a name is asked about by every
    # trigger near it (as a subject, a participant, an earlier clause's name): answered once per start.
    acts, out = ctx.acts, []
    for e in ctx.mentions.entities_in(lo, hi):
        can_act = acts.get(e.start)
        if can_act is None:
            can_act = acts[e.start] = not ctx.brackets.inside(e.start) and not ctx.mentions.is_source(e, ctx.lexicon)
        if can_act:
            out.append(e)
    return out


def _pick(names: list[EntityMention]) -> EntityMention | None:
    """The leftmost name, preferring an actor to a bare place (`美国商务部` over `美国`)."""
    for e in names:
        if e.entity_type != "region":
            return e
    return names[0] if names else None


def _subject(
    ctx: _Context, sent: Sentence, cs: int, t0: int, previous: EntityMention | None, english: bool = False
) -> tuple[EntityMention | None, int | None]:
    """The acting entity of a trigger, and where it is named in the clause (None when carried)."""
    names = _candidates(ctx, cs, t0)
    names = [e for e in names if not _MISSED_BREAK.search(ctx.folded, e.end, t0)]
    if english:
        chosen = _pick(names)
        if chosen is not None:
            return chosen, chosen.start
        if _EN_ANAPHOR.match(ctx.folded, cs):
            ref = ctx.mentions.resolve_anaphor(cs, ctx.lexicon)
            return ref, None
        return None, None
    passive = ctx.folded.find("被", cs, t0)
    if passive >= 0:
        # `同方计算机被软通动力收购`: the actor follows 被
        after = [e for e in names if e.start > passive]
        if after:
            return after[0], after[0].start
    anaphor = ctx.mentions.anaphor_at_subject(cs, t0, ctx.lexicon)
    if anaphor is not None and (not names or anaphor.start() < names[0].start):
        types = _ANAPHOR_TYPES.get(anaphor.group(), frozenset({"company"}))
        ref = ctx.mentions.resolve_anaphor(anaphor.start(), ctx.lexicon, types)
        return ref, anaphor.start() if ref else None
    chosen = _pick(names)
    if chosen is not None:
        return chosen, chosen.start
    pre = ctx.folded[cs:t0]
    if ctx.lexicon.group.search(pre) or ctx.mentions.leftover_exceeds(cs, t0, _SUBJECTLESS_MAX, ctx.lexicon):
        return None, None
    if previous is not None:
        return previous, None
    earlier = [e for e in _candidates(ctx, max(sent.start, cs - _LOOKBACK), cs)
               if not ctx.mentions.is_oblique(e, ctx.lexicon)]
    non_region = [e for e in earlier if e.entity_type != "region"]
    pool = non_region or earlier
    return (pool[-1], None) if pool else (None, None)


def _event_period(
    ctx: _Context, sent: Sentence, cs: int, t0: int, t1: int, english: bool = False
) -> PeriodMention | None:
    """The date of the event a trigger states (see the module docstring for the order)."""
    periods, starts = ctx.periods, ctx.period_starts
    if english:
        j = bisect.bisect_left(starts, t1)
        while j < len(periods) and periods[j].start < min(sent.end, t1 + _EN_DATE_REACH):
            p = periods[j]
            if _EN_DATE_INTRO.search(ctx.folded, max(t1, p.start - 12), p.start):
                return p
            j += 1
    i = bisect.bisect_left(starts, t0) - 1
    while i >= 0 and periods[i].start >= cs:
        if periods[i].end <= t0:
            return periods[i]
        i -= 1
    j = bisect.bisect_left(starts, t1)
    if j < len(periods):
        # only `成立于 2018 4 月` / `发布于…`: in `发布2024年一季报` the period names the object
        gap = _AFTER_TRIGGER.match(ctx.folded, t1)
        if gap is not None and periods[j].start == gap.end() and periods[j].start < sent.end and (
            ctx.folded[t1 - 1] == "于" or "于" in gap.group() or "在" in gap.group()
        ):
            return periods[j]
    lo = max(sent.start, cs - _LOOKBACK)
    k = bisect.bisect_left(starts, cs) - 1
    while k >= 0 and periods[k].start >= lo:
        p = periods[k]
        pcs, pce = ctx.mentions.clause_at(sent, p.start)
        if pce <= cs and not ctx.mentions.leftover(pcs, pce, ctx.lexicon):
            return p
        k -= 1
    first = bisect.bisect_left(starts, sent.start)
    if first < len(periods) and periods[first].end <= t0:
        p = periods[first]
        if LEADING_PREFIX.fullmatch(ctx.folded, sent.start, p.start):
            return p
    return None


def _participants(
    ctx: _Context, rule: EventRule, subject: EntityMention, cs: int, ce: int, t0: int
) -> tuple[tuple[str, str, str], ...]:
    """The subject and every other name of the clause, with their roles in the event."""
    out = [(subject.entity_id, subject.canonical, _ROLE_OF_SUBJECT.get(rule.event_type, "subject"))]
    seen = {subject.entity_id}
    for e in _candidates(ctx, cs, min(ce, t0 + _OBJECT_REACH)):
        if e.entity_id in seen or e.entity_type == "region":
            continue
        seen.add(e.entity_id)
        role = rule.target_role
        if rule.target_role == "product" and e.entity_type not in ("model", "product", "project"):
            role = "participant"
        out.append((e.entity_id, e.canonical, role))
    return tuple(out)


def _event_key(
    event_type: str,
    subject: EntityMention,
    period: PeriodMention,
    participants: tuple[tuple[str, str, str], ...],
    title: str,
) -> str:
    """A stable key: the same type, subject, dates, participants and title give the same key."""
    others = ",".join(sorted(p[0] for p in participants[1:]))
    title_words = "".join(ch for ch in title if ch.isalnum())[:24].lower()
    raw = f"{event_type}|{subject.entity_id}|{period.period_start}|{period.period_end}|{others}|{title_words}"
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:16]
