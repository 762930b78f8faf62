"""Company performance signals: which named company is doing better or worse, on what, when.

A signal is a qualitative statement in the register of sell-side prose
(`海康威视、大华股份等业绩企稳向好`, `寒武纪收入同比大幅下滑`, `其预付账款科目出现大幅增长`).
The phrase is composed at match time from the lexicon (`vocab/signal_phrases.csv`):
comparators and intensity adverbs before a directional verb (同比 + 大幅 + 下滑 = down,
strong), so the lexicon lists words, not every combination. The aspect comes from
the nearest aspect keyword before the phrase (`vocab/signal_aspects.csv`).

Subjects are named companies only (entity_type `company`, from the entity
extractor): a listing yields one row per company, `其`/`公司` at subject position
refers back to the last company named in the passage, and a clause with no subject
of its own continues the sentence's subject (`营收1249亿元，同比下降4%`). Vague groups
(`多数国产算力公司`, `AI 板块`), forecasts (`有望`, `预计`), targets and expectations
give no row: an unattributed or hypothetical statement is dropped, never guessed.

`MentionIndex` and the anaphor resolution are shared with `events.py`.
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import re
from collections.abc import Iterator, Sequence
from functools import cached_property, lru_cache
from operator import itemgetter
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from pipelines.extract.mentions import EntityMention, PeriodMention, Sentence, builder
from pipelines.extract.sentences import clauses
from pipelines.extract.textnorm import fold
from pipelines.paths import VOCAB_DIR

PHRASES_PATH = VOCAB_DIR / "signal_phrases.csv"
ASPECTS_PATH = VOCAB_DIR / "signal_aspects.csv"

DEFAULT_ASPECT = "performance"
_STRENGTH_RANK = {"strong": 3, "moderate": 2, "weak": 1}
_CJK = "\u3400-\u9fff\uf900-\ufaff"
_NON_CJK = re.compile(f"[^{_CJK}]")
# A period leads its sentence when only bullets, list numbers (`1 )`, `Ø`, `ž`: scraped
# glyphs) and a preposition (`从 2024Q1 业绩来看`) stand before it.
LEADING_PREFIX = re.compile(f"[^{_CJK}]{{0,8}}(?:从|就|在|于|截至|截止)?\\s*")
# A stock code after a name (`德明利(001309.SZ)`, `NVIDIA (NASDAQ: NVDA)`) belongs to the listing.
_CODE = r"\(\s*(?:[A-Za-z]+\s*:\s*)?[0-9A-Za-z]{1,6}(?:\.[A-Za-z]{1,4})?\s*\)"
_LIST_SEP = r"(?:[、/和与及&]|以及|and\b|,\s*(?:and\s+)?)"
# Companies in one listing are joined only by separators and codes; a coded name the lexicon
# does not know (`佰维存储(688525.SH)大为股份(002213.SZ)江波龙`) is skipped, not a break.
_LIST_JOINER = re.compile(
    rf"\s*(?:{_CODE}\s*)?(?:{_LIST_SEP}\s*)?(?:[{_CJK}A-Za-z]{{2,8}}\s*{_CODE}\s*(?:{_LIST_SEP}\s*)?)*"
)
# Only a reporting period carries over to later sentences: a leading event date
# (`2024年3月，国家药监局批准…`) says when something happened, not which results follow.
_REPORTING_KINDS = frozenset({"quarter", "quarters", "half", "year", "years", "ytd", "months", "ttm",
                              "fiscal_quarter", "fiscal_half", "fiscal_year"})
# Stretches up to or since a point (`近三年`, `since 2020`) are not the period a result is stated for.
_NON_STATEMENT_KINDS = frozenset({"trailing", "since", "coming"})
# A period written before `相比` is the comparison base (`于今年二季度 302 亿元相比减少 9.5%`).
_COMPARISON_AFTER = re.compile(r"[^,;:。，；：]{0,16}?(?:相比|相较|对比)")
# English comparison bases (`up 22% from Q3`) and end dates of a named period (`quarter ended January 28`).
_EN_NOT_STATEMENT_BEFORE = re.compile(
    r"(?:\b(?:from|than|with|versus|vs\.?|over|against)\s+(?:the\s+|a\s+)?|\b(?:ended|ending|ends)\s+)$", re.I
)
_QUARTER_CUE = re.compile(r"(?i:quarter)|季度|单季|Q[1-4]")
_YEAR_CUE = re.compile(r"(?i:full[- ]year|annual|fiscal year)|全年|年度")
_NEGATIVE_NUMBER = re.compile(r"\s*(?:了|至|为)?\s*-\s*\d")
# A period written as a comparison base (`较去年同期`, `相比2023年`) is not the period of the statement.
_COMPARISON_BEFORE = ("较", "比", "相比", "相较", "对比", "较上年", "较去年")
# Verbs a negator may stand before without touching the phrase's meaning (`未出现下滑`).
_LIGHT_VERBS = ("出现", "实现", "发生", "正式", "再", "有")
_SEGMENT_CAP = 400          # longest look-back inside a sentence (chars): scraped lines can be huge
_PARAGRAPH_LOOKBACK = 400   # chars `paragraph_start` searches back before it consults the line-break index
_HEADING_MAX = 80           # a paragraph this short before the current one is a heading (`福昕软件: …`)
# A company report names its company in the title; 公司 in a paragraph naming none refers to it.
_TITLE_REACH, _TITLE_LINES, _TITLE_LINE_MAX = 300, 3, 120
_CARRY_MAX_LEFTOVER = 2     # CJK chars a clause may hold and still have no subject of its own
_GAP_MAX_LEFTOVER = 6       # CJK chars allowed between a company and its phrase (`的游戏收入`)
_EXEMPLAR_MAX_LEFTOVER = 24  # after `等` / `为代表的` a group noun phrase follows the examples
_EN_ASPECT_BEFORE = {"en_move": 120, "en_verb": 60, "en_beat": 80, "en_record": 40}  # chars searched back for the aspect
_EN_AFTER_REACH = 48        # chars after `record` / `beat` / `raised` searched for its aspect or expectation noun
_EN_SAID = re.compile(r"\s*(?:said|says|stated|noted|added)\b")
_PARENTHETICAL = re.compile(r"--[^\n]*?--|\([^()\n]*\)")
_COORDINATED = re.compile(r"\s*(?:端)?\s*(?:和|与|及|以及|、|或|and|&)\s*")    # between coordinated aspects
_NUMBER_AFTER = re.compile(r"\s*(?:了|至|为|by)?\s*[-+]?[$¥]?\d")


_UNKNOWN = object()     # a cache's "not looked up yet", where None is an answer
_M = TypeVar("_M", EntityMention, PeriodMention)
_START, _END = itemgetter(0), itemgetter(1)     # of a mention (a NamedTuple opening start, end)
_START_END = itemgetter(0, 1)


class SignalMention(NamedTuple):
    """One qualitative performance statement about one named company."""

    start: int
    end: int
    surface: str              # the phrase with its aspect keyword when adjacent (收入同比大幅下滑)
    entity_id: str
    company: str              # canonical name of the company
    aspect: str               # performance, revenue, profit, margin, cash_flow, orders, ...
    direction: str            # up, down, flat
    strength: str | None      # strong, moderate, weak
    period_start: dt.date | None
    period_end: dt.date | None
    sentence_start: int
    sentence_end: int


_new_signal = builder(SignalMention)


def read_vocab_table(path: Path) -> list[dict[str, str]]:
    """Rows of a vocab CSV whose leading `#` lines are its description."""
    with path.open(encoding="utf-8") as f:
        lines = [line for line in f if not line.startswith("#")]
    return [{k: (v or "").strip() for k, v in r.items()} for r in csv.DictReader(lines)]


def alternation(words: Sequence[str]) -> str:
    """A regex alternation of literal words, longest first so the longest wins at a position."""
    uniq = sorted({w for w in words if w}, key=lambda w: (-len(w), w))
    return "|".join(re.escape(w) for w in uniq)


def word_trie(words: Sequence[str]) -> str:
    """`alternation(words)` as a prefix tree (`发(?:布|出)|公布`), for case-sensitive patterns.

    `re` tries a flat alternation word by word; the tree tests one branch per character
    instead (measured 1.5-2x on the trigger and phrase scans). The matches are the same:
    the words matching at a position all lie on the one path the text spells, and the tree
    tries the longer before the shorter (a word's end is an optional group, tried last), as
    the longest-first alternation does, also on backtracking. Under IGNORECASE two paths
    could match, so use `alternation` there.
    """
    root: dict[str, dict] = {}
    for w in words:
        if w:
            node = root
            for ch in w:
                node = node.setdefault(ch, {})
            node[""] = {}

    def branch(node: dict[str, dict]) -> str:
        alts = [re.escape(ch) + branch(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if "" not in node:
            return body
        return f"(?:{body})?" if len(alts) == 1 else f"{body}?"

    return branch(root)


def guarded(words: Sequence[str], *, ignorecase: bool = False) -> str:
    """The words (`word_trie`, or `alternation` in a case-insensitive pattern) behind a lookahead
    on their first characters.

    Inside a larger pattern `re` tries the words at every position; the one-class lookahead
    turns most positions away at once (measured about 7x on the aspect keywords in short segments).
    The matches are the same: every word starts with a character of the class (matched with
    the same flags). Not for a pattern that starts with the words and is scanned over a whole
    text: there `re` already skips by first character, and a lookahead in front defeats that.
    """
    uniq = {w for w in words if w}
    if not uniq:
        return alternation(words)
    firsts = "".join(sorted({re.escape(w[0]) for w in uniq}))
    return f"(?=[{firsts}])(?:{alternation(words) if ignorecase else word_trie(words)})"


def english_word_starts(words: Sequence[str]) -> re.Pattern[str]:
    """The first character of each place one of the English `words` (as spelled: pass every case
    form) starts a word, i.e. no letter or hyphen stands before it; for `finditer_at`.

    A whole-text scan for a pattern opening with `(?=[first letters])(?<![A-Za-z-])` runs the
    pattern at every position. This one opens with a character class, which `re` skips to in C;
    the boundary is a lookbehind after that character, and the words are tried (in a lookahead
    inside a one-character lookbehind, so the match stays that character) at word starts only.
    """
    uniq = sorted({w for w in words if w})
    firsts = "".join(sorted({re.escape(w[0]) for w in uniq}))
    return re.compile(f"[{firsts}](?<![A-Za-z-].)(?<=(?={word_trie(uniq)}).)")


def finditer_at(
    pattern: re.Pattern[str], starts: re.Pattern[str], text: str, pos: int = 0, endpos: int | None = None
) -> Iterator[re.Match[str]]:
    """`pattern.finditer(text, pos, endpos)`, running `pattern` only where `starts` matches.

    The matches are the same when `pattern` matches nowhere else and never matches empty: the
    next match of `finditer` is the first place from the current position where `pattern`
    matches, and every such place is one where `starts` matches. Measured about 2x on the
    English scans of the benchmark texts, which are mostly Chinese with English words between.
    """
    search, match = starts.search, pattern.match
    if endpos is None:
        endpos = len(text)
    while (s := search(text, pos, endpos)) is not None:
        m = match(text, s.start(), endpos)
        if m is None:
            pos = s.start() + 1
        else:
            yield m
            pos = m.end()


def _case_forms(words: Sequence[str]) -> list[str]:
    """English words in lower, Capitalized and UPPER form (no IGNORECASE: it slows the CJK scan)."""
    return [v for w in words for v in (w, w[:1].upper() + w[1:], w.upper())]


def _cased(words: Sequence[str]) -> str:
    """The English words in every case form, as a `word_trie`."""
    return word_trie(_case_forms(words))


class SignalLexicon:
    """The compiled signal vocabulary; build once via `load_signal_lexicon()`."""

    def __init__(self, phrase_rows: list[dict[str, str]], aspect_rows: list[dict[str, str]]) -> None:
        by_kind: dict[str, list[dict[str, str]]] = {}
        for r in phrase_rows:
            by_kind.setdefault(r["kind"], []).append(r)

        def words(kind: str) -> list[str]:
            return [r["phrase"] for r in by_kind.get(kind, [])]

        self.verbs = {r["phrase"]: (r["direction"], r["strength"] or None) for r in by_kind["verb"]}
        for phrase, (direction, _) in self.verbs.items():
            if direction not in ("up", "down", "flat"):
                raise ValueError(f"signal verb {phrase!r} has direction {direction!r}")
        self.adverbs = {r["phrase"]: r["strength"] or None for r in by_kind["adverb"]}
        modifier_words = list(self.adverbs) + words("comparator")
        modifiers = guarded(modifier_words)
        suffix = guarded(words("noun_suffix"))
        # The leading class lets `re` skip to a possible first character: the optional
        # modifier group otherwise defeats its literal-prefix scan (measured 7 -> 38 M chars/s).
        firsts = "".join(sorted({re.escape(w[0]) for w in [*self.verbs, *self.adverbs, *words("comparator")]}))
        self.phrase = re.compile(
            f"(?=[{firsts}])"
            f"(?P<mods>(?:(?:{modifiers})\\s*){{0,3}})(?P<verb>{guarded(list(self.verbs))})(?!{suffix})"
        )
        self.modifier = re.compile(alternation(modifier_words))
        # Any verb: scanned for first (`re` skips by first character), it spares the slower
        # phrase scan the sentences that hold none.
        self.verb = re.compile(word_trie(list(self.verbs)))
        self.negators = tuple(sorted(words("negator"), key=len, reverse=True))
        # What a negator or light verb can end with: other characters before a phrase rule one out at once.
        self.negation_ends = frozenset(w[-1] for w in (*self.negators, *_LIGHT_VERBS) if w)
        exempt = guarded(words("modal_exempt"))
        self.modal = re.compile(f"(?:{exempt})|(?P<modal>{guarded(words('modal'))})")
        self.forecast = re.compile(f"(?:{exempt})|(?P<modal>{guarded(words('forecast'))})")
        # Any modal or forecast word: a sentence without one has no hypothetical stretch.
        self.modal_word = re.compile(word_trie(words("modal") + words("forecast")))
        self.after_block = tuple(words("after_block"))
        self.group = re.compile(alternation(words("group")))
        self.causative = re.compile(alternation(words("causative")))
        # Only removed (`leftover`): a run of other characters none of which starts a filler word goes
        # in one match, as it would one character at a time (one match per character is slow).
        filler_words = words("filler")
        filler_firsts = "".join(sorted({re.escape(w[0]) for w in filler_words if w and _NON_CJK.match(w[0])}))
        self.filler = re.compile(f"{guarded(filler_words)}|[^{_CJK}{filler_firsts}]+|[^{_CJK}]")
        # The same short stretches come back often (a clause head is asked about by the subject, the
        # anaphor and the gap tests, and by every phrase of its clause; `671家` heads many rows of a
        # table): about three in four look-ups of a document set repeat one.
        self.content_words = lru_cache(maxsize=8192)(self._content_words)
        self.anaphor = re.compile(alternation(words("anaphor")))
        self.oblique = tuple(sorted(words("oblique"), key=len, reverse=True))
        self.source = tuple(sorted(words("source"), key=len, reverse=True))
        self.exemplar = tuple(words("exemplar"))
        self.en_rows = {r["phrase"]: (r["kind"], r["direction"], r["strength"] or None)
                        for kind in ("en_verb", "en_move", "en_record", "en_beat", "en_guidance")
                        for r in by_kind.get(kind, [])}
        # The leading class of first letters lets `re` skip CJK text fast (measured 15x on the seed report).
        en_kinds = ("en_verb", "en_record", "en_beat", "en_guidance", "en_move")
        en_firsts = "".join(sorted({re.escape(w[0]) for kind in en_kinds for w in _case_forms(words(kind)) if w}))
        # Where an English phrase can start: `_english_signals` runs `en_phrase` only there.
        self.en_phrase_starts = english_word_starts([w for kind in en_kinds for w in _case_forms(words(kind))])
        self.en_phrase = re.compile(
            f"(?=[{en_firsts}])(?<![A-Za-z-])(?:" + "|".join(
                f"(?P<{kind}>{_cased(words(kind))})" for kind in ("en_verb", "en_record", "en_beat", "en_guidance")
            ) + f"|(?P<en_move>{_cased(words('en_move'))})(?=\\s+(?:by\\s+)?[-+]?[$]?\\d))(?![A-Za-z-])"
        )
        self.en_expectation = re.compile(f"(?<![A-Za-z])(?:{_cased(words('en_expectation'))})(?![A-Za-z])")
        self.en_modal = re.compile(f"(?<![A-Za-z])(?:{_cased(words('en_modal'))})\\s+(?:be\\s+|have\\s+)?$")
        self.en_oblique = re.compile(f"(?<![A-Za-z])(?:{_cased(words('en_oblique'))})\\s+$")
        self.en_negator = re.compile(f"(?<![A-Za-z])(?:{_cased(words('en_negator'))})\\s+(?:have\\s+|be\\s+)?$")
        self.aspect_of: dict[str, str] = {}
        for r in aspect_rows:
            for kw in r["keywords"].split("|"):
                kw = kw.strip()
                if kw:
                    self.aspect_of[kw.lower()] = r["aspect"]
        cjk = [kw for kw in self.aspect_of if not kw[0].isascii()]
        ascii_words = [kw for kw in self.aspect_of if kw[0].isascii()]
        # ASCII keywords case-insensitively and on word boundaries (`sales` is not inside
        # `wholesales`); a global IGNORECASE would slow the CJK branch threefold.
        # The leading lookahead (every keyword's first character, in any case: a wider class only
        # filters less) turns most positions away with one test instead of two branches (measured 1.3x).
        firsts = "".join(sorted({re.escape(kw[0]) for kw in self.aspect_of}))
        self.aspect = re.compile(
            f"(?=(?i:[{firsts}]))"
            f"(?:{guarded(cjk)}|(?i:(?<![a-z]){guarded(ascii_words, ignorecase=True)}(?![a-z])))"
        )
        # The ASCII branch alone, for English prose (`_en_aspect_before`, about 2x faster): its ASCII
        # matches are those of `aspect` as long as no CJK keyword holds a letter an ASCII one could start at.
        self.en_aspect = self.aspect if any(re.search("(?i)[a-z]", kw) for kw in cjk) else re.compile(
            f"(?i:(?<![a-z]){guarded(ascii_words, ignorecase=True)}(?![a-z]))"
        )
        # The same on lower-cased ASCII text, case-sensitively (a prefix tree, about 2.5x faster than the
        # case-insensitive alternation): on ASCII text IGNORECASE folds nothing but A-Z, so the matches
        # are the same when every ASCII keyword is all ASCII (a non-ASCII letter could fold onto one).
        self.en_aspect_lower = re.compile(
            f"(?<![a-z]){guarded(ascii_words)}(?![a-z])"
        ) if all(kw.isascii() for kw in ascii_words) else None

    def _content_words(self, segment: str) -> str:
        """The CJK characters of `segment` that are not an aspect keyword or a function word
        (`MentionIndex.leftover` without the periods); use the cached `content_words`."""
        return self.filler.sub("", self.aspect.sub("", segment))

    def strength_of(self, mods: str, verb: str) -> str | None:
        """The strongest intensity among the adverbs, else the verb's own."""
        if not mods:
            return self.verbs[verb][1]
        best: str | None = None
        for m in self.modifier.finditer(mods):
            s = self.adverbs.get(m.group())
            if s and (best is None or _STRENGTH_RANK[s] > _STRENGTH_RANK[best]):
                best = s
        return best or self.verbs[verb][1]

    def has_modal(self, pattern: re.Pattern[str], segment: str) -> bool:
        return any(m.group("modal") for m in pattern.finditer(segment))

    def negated(self, folded: str, pos: int, lo: int) -> bool:
        """Whether a negator stands right before `pos` (`未出现明显下滑`, `尚未发布`)."""
        if pos <= lo:
            return False
        last = folded[pos - 1]
        if last not in self.negation_ends and not last.isspace():
            return False        # most phrases: the look-back would end with that character
        before = folded[max(lo, pos - 6):pos].rstrip()
        if before.endswith(_LIGHT_VERBS):      # one test for the usual case: no light verb
            for light_verb in _LIGHT_VERBS:
                if before.endswith(light_verb):
                    before = before[: -len(light_verb)].rstrip()
                    break
        return before.endswith(self.negators)


@lru_cache(maxsize=1)
def load_signal_lexicon() -> SignalLexicon:
    """The signal vocabulary from `vocab/`, read and compiled once per process."""
    return SignalLexicon(read_vocab_table(PHRASES_PATH), read_vocab_table(ASPECTS_PATH))


class MentionIndex:
    """Entity and period mentions of one document, indexed by position for clause-local look-ups."""

    def __init__(
        self,
        folded: str,
        sentences: Sequence[Sentence],
        entities: Sequence[EntityMention],
        periods: Sequence[PeriodMention],
    ) -> None:
        self.folded = folded
        self.sentences = list(sentences)
        self.sentence_starts = [s.start for s in self.sentences]
        self.entities = _by_start_longest_first(entities)
        self.entity_starts = [e.start for e in self.entities]
        self.companies = [e for e in self.entities if e.entity_type == "company"]
        self.company_starts = [e.start for e in self.companies]
        self.sectors = [e for e in self.entities if e.entity_type == "other"]
        self.sector_starts = [e.start for e in self.sectors]
        self.periods = _by_start_longest_first(periods)
        self.period_starts = [p.start for p in self.periods]
        # sentence (a (start, end) tuple) -> (its clauses, their ends): split once, looked up by bisect
        self._clauses: dict[Sentence, list[tuple[int, int]]] = {}
        # sentence -> (end of its first clause, the companies it names when it is `公司名:`): see `_colon_topic`
        self.colon_topics: dict[Sentence, tuple[int, list[EntityMention]]] = {}

    # Built on first use: many documents state no signal or event and never look them up.
    @cached_property
    def breaks(self) -> list[int]:
        return [m.start() for m in re.finditer("\n", self.folded)]

    @cached_property
    def title_company(self) -> tuple[EntityMention, int] | None:
        return self._title_company()

    @cached_property
    def main_company(self) -> EntityMention | None:
        return self.title_company[0] if self.title_company else self._dominant_company()

    @cached_property
    def title_end(self) -> int:
        return self._title_line_end()

    def clause_at(self, sent: Sentence, pos: int) -> tuple[int, int]:
        """`sentences.clause_bounds(self.folded, sent, pos)`, splitting each sentence into clauses once."""
        return _clause_in(self.clauses_of(sent), pos)

    def clauses_of(self, sent: Sentence) -> list[tuple[int, int]]:
        """The clauses of `sent`, split once (for `_clause_in`)."""
        spans = self._clauses.get(sent)
        if spans is None:
            spans = self._clauses[sent] = clauses(self.folded, sent)
        return spans

    def sentence_at(self, pos: int) -> Sentence | None:
        i = bisect.bisect_right(self.sentence_starts, pos) - 1
        if i >= 0 and self.sentences[i].start <= pos < self.sentences[i].end:
            return self.sentences[i]
        return None

    def paragraph_start(self, pos: int) -> int:
        # Most paragraphs are short: a look back finds their start without the index of all line breaks.
        i = self.folded.rfind("\n", max(0, pos - _PARAGRAPH_LOOKBACK), pos)
        if i >= 0 or pos <= _PARAGRAPH_LOOKBACK:
            return i + 1
        i = bisect.bisect_left(self.breaks, pos) - 1
        return self.breaks[i] + 1 if i >= 0 else 0

    def entities_in(self, lo: int, hi: int, companies_only: bool = False) -> list[EntityMention]:
        """Mentions lying wholly inside [lo, hi)."""
        items, starts = (self.companies, self.company_starts) if companies_only else (self.entities, self.entity_starts)
        i = bisect.bisect_left(starts, lo)
        if i == len(starts) or starts[i] >= hi:
            return []       # none starts there (most clause heads): no second bisect, no list built
        return [e for e in items[i:bisect.bisect_left(starts, hi, i)] if e.end <= hi]

    def names_company(self, lo: int, hi: int) -> bool:
        """Whether a company mention lies wholly inside [lo, hi) (`entities_in` without the list)."""
        return _any_within(self.companies, self.company_starts, lo, hi)

    def names_sector(self, lo: int, hi: int) -> bool:
        """Whether a sector or index mention (entity type `other`) lies wholly inside [lo, hi)."""
        return _any_within(self.sectors, self.sector_starts, lo, hi)

    def overlaps_entity(self, lo: int, hi: int) -> bool:
        i = bisect.bisect_left(self.entity_starts, hi) - 1
        while i >= 0:
            e = self.entities[i]
            if e.end > lo:
                return True
            if e.start < lo - 64:
                return False
            i -= 1
        return False

    def periods_in(self, lo: int, hi: int) -> list[PeriodMention]:
        i, j = bisect.bisect_left(self.period_starts, lo), bisect.bisect_left(self.period_starts, hi)
        return [p for p in self.periods[i:j] if p.end <= hi]

    def without_periods(self, lo: int, hi: int) -> str:
        """The folded text of [lo, hi) with period mentions cut out."""
        i = bisect.bisect_left(self.period_starts, lo)
        if i == len(self.period_starts) or self.period_starts[i] >= hi:
            return self.folded[lo:hi]       # no period starts there (the usual case)
        parts, pos = [], lo
        for p in self.periods_in(lo, hi):
            if p.start >= pos:
                parts.append(self.folded[pos:p.start])
                pos = p.end
        parts.append(self.folded[pos:hi])
        return "".join(parts)

    def leftover(self, lo: int, hi: int, lexicon: SignalLexicon) -> str:
        """CJK content of [lo, hi) that is not a period, aspect keyword or function word.

        Empty means the stretch names no subject of its own (`同比`, `2024年一季度营收`).
        """
        if lo >= hi:
            return ""
        seg = self.without_periods(lo, hi)
        # All-ASCII (`2024 年` is not; ` 28% ` is): nothing of it is CJK, so nothing is left over.
        return lexicon.content_words(seg) if not seg.isascii() else ""

    def leftover_exceeds(self, lo: int, hi: int, limit: int, lexicon: SignalLexicon) -> bool:
        """`len(self.leftover(lo, hi, lexicon)) > limit`, without the regex passes when [lo, hi)
        holds that few non-ASCII characters already (the leftover is some of its CJK ones): most
        gaps and clause heads do (`营收 391 亿元`)."""
        if hi - lo <= limit:
            return False
        seg = self.folded[lo:hi]
        if len(seg) - len(seg.encode("ascii", "ignore")) <= limit:
            return False
        return len(self.leftover(lo, hi, lexicon)) > limit

    def is_oblique(self, mention: EntityMention, lexicon: SignalLexicon) -> bool:
        before = self.folded[max(0, mention.start - 4):mention.start].rstrip()
        if before.endswith(lexicon.oblique):
            return True
        return bool(lexicon.en_oblique.search(self.folded, max(0, mention.start - 12), mention.start))

    def is_source(self, mention: EntityMention, lexicon: SignalLexicon) -> bool:
        before = self.folded[max(0, mention.start - 4):mention.start].rstrip()
        return before.endswith(lexicon.source)

    def resolve_anaphor(
        self, pos: int, lexicon: SignalLexicon, types: frozenset[str] = frozenset({"company"})
    ) -> EntityMention | None:
        """The last non-oblique entity of `types` named before `pos` in its paragraph.

        When the paragraph names none, a short heading paragraph right before it
        (`福昕软件: AI 功能继续优化`) is searched, and for a company anaphor the
        document's title company (`比亚迪(002594.SZ):一季度业绩超预期`); nothing
        else further back, because a wrong company is worse than none.
        """
        lo = self.paragraph_start(pos)
        found = self._last_named(lo, pos, types, lexicon)
        if found is None and lo > 0:
            prev_end = lo - 1
            prev_lo = self.paragraph_start(prev_end)
            while prev_lo > 0 and not self.folded[prev_lo:prev_end].strip():
                prev_end = prev_lo - 1
                prev_lo = self.paragraph_start(prev_end)
            if prev_end - prev_lo <= _HEADING_MAX:
                found = self._last_named(prev_lo, prev_end, types, lexicon)
        if found is None and "company" in types and self.title_company is not None:
            title, title_end = self.title_company
            if pos >= title_end and not self.is_oblique(title, lexicon):
                found = title
        return found

    def _last_named(
        self, lo: int, hi: int, types: frozenset[str], lexicon: SignalLexicon
    ) -> EntityMention | None:
        for e in reversed(self.entities_in(max(lo, hi - 2000), hi)):
            if e.entity_type in types and not self.is_oblique(e, lexicon):
                return e
        return None

    def _title_company(self) -> tuple[EntityMention, int] | None:
        """The one company named in the opening lines (a company report's subject), with its line end."""
        named: dict[str, tuple[EntityMention, int]] = {}
        lines = 0
        for line in re.finditer(r"[^\n]+", self.folded[:_TITLE_REACH]):
            if not line.group().strip():
                continue
            lines += 1
            if lines > _TITLE_LINES:
                break
            if line.end() - line.start() > _TITLE_LINE_MAX:
                break       # the body has started
            for e in self.entities_in(line.start(), line.end(), companies_only=True):
                named.setdefault(e.entity_id, (e, line.end()))
        return next(iter(named.values())) if len(named) == 1 else None

    def _dominant_company(self) -> EntityMention | None:
        """The company named at least 3 times and twice as often as any other (a one-company release)."""
        counts: dict[str, int] = {}
        first: dict[str, EntityMention] = {}
        for e in self.companies:
            counts[e.entity_id] = counts.get(e.entity_id, 0) + 1
            first.setdefault(e.entity_id, e)
        if not counts:
            return None
        ranked = sorted(counts.items(), key=lambda kv: -kv[1])
        top_id, top = ranked[0]
        runner_up = ranked[1][1] if len(ranked) > 1 else 0
        return first[top_id] if top >= 3 and top >= 2 * runner_up else None

    def _title_line_end(self) -> int:
        """End of the first non-empty line when it is short enough to be a title, else 0."""
        line = re.search(r"[^\n]*\S[^\n]*", self.folded[:_TITLE_REACH])
        if line is None or line.end() - line.start() > _TITLE_LINE_MAX:
            return 0
        return line.end()

    def anaphor_at_subject(self, lo: int, hi: int, lexicon: SignalLexicon) -> re.Match[str] | None:
        """An anaphor in [lo, hi) with nothing but periods and function words before it in the clause."""
        search, folded = lexicon.anaphor.search, self.folded
        m = search(folded, lo, hi)
        while m is not None and m.group() == "其" and folded.startswith(("其中", "其他", "其余", "其它", "其实"), m.start()):
            m = search(folded, m.end(), hi)
        if m is None or self.leftover(lo, m.start(), lexicon):
            return None
        return m


def mention_index(
    text: str,
    sentences: Sequence[Sentence],
    entities: Sequence[EntityMention],
    periods: Sequence[PeriodMention],
    *,
    folded: str | None = None,
) -> MentionIndex:
    """The `MentionIndex` `find_signals` and `find_events` read: build it once per document and pass
    it to both (`index=`), so the mentions are sorted and each sentence is split into clauses once."""
    if folded is None:
        folded = fold(text)
    return MentionIndex(folded, sentences, entities, [p for p in periods if p.end <= len(text)])


def _by_start_longest_first(mentions: Sequence[_M]) -> list[_M]:
    """`sorted(mentions, key=lambda m: (m.start, -m.end))`, as two stable sorts on C-level keys
    (by end, longest first, then by start): the same order, without a Python call per mention."""
    out = sorted(mentions, key=_END, reverse=True)     # reverse=True keeps ties in their order
    out.sort(key=_START)
    return out


def _clause_in(spans: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    """The clause of a sentence's `spans` that holds `pos`: the first ending after it (only the last
    clause ends at the sentence end)."""
    i = bisect.bisect_right(spans, pos, key=_END)
    return spans[i] if i < len(spans) else spans[-1]


def _any_within(items: list[EntityMention], starts: list[int], lo: int, hi: int) -> bool:
    """Whether one of `items` (sorted by start, `starts` their starts) lies wholly inside [lo, hi)."""
    i, n = bisect.bisect_left(starts, lo), len(items)
    while i < n and starts[i] < hi:
        if items[i].end <= hi:
            return True
        i += 1
    return False


def _usable_signal_period(index: MentionIndex, p: PeriodMention) -> bool:
    if p.status_hint == "forecast" or p.kind == "same_period" or "同期" in p.surface:
        return False
    if p.kind in _NON_STATEMENT_KINDS:
        return False
    folded = index.folded
    before = folded[max(0, p.start - 3):p.start].rstrip()
    if before.endswith(_COMPARISON_BEFORE):
        return False
    # The regexes only run where their words can be: `相比`/`相较`/`对比` within reach after the
    # period, whitespace (ending every English cue) right before it.
    after = folded[p.end:p.end + 18]
    if ("相" in after or "对比" in after) and _COMPARISON_AFTER.match(folded, p.end):
        return False
    if p.start == 0 or not folded[p.start - 1].isspace():
        return True
    window = folded[max(0, p.start - 16):p.start]
    last = window.rstrip()[-1:]
    if last and not _NON_CJK.match(last):
        return True     # a Chinese character before the space (`营收 2024 年`): every English cue ends in a letter or dot
    return not _EN_NOT_STATEMENT_BEFORE.search(window)


def _is_reporting(p: PeriodMention) -> bool:
    return p.kind in _REPORTING_KINDS


def _title_periods(index: MentionIndex, usable: list[PeriodMention]) -> list[PeriodMention]:
    """The distinct reporting periods a report's title line states (`2024年一季报点评`, `Fourth Quarter and Fiscal 2024`)."""
    end = index.title_end
    found: dict[tuple[dt.date, dt.date], PeriodMention] = {}
    for p in usable:
        if p.start >= end:
            break
        if _is_reporting(p):
            found.setdefault((p.period_start, p.period_end), p)
    return list(found.values())


def _title_period(title: list[PeriodMention], text: str, lo: int, hi: int) -> PeriodMention | None:
    """The title period a statement without its own refers to: the one of the granularity the
    statement (`text[lo:hi]`) names (`quarterly revenue`, `全年`), else the only one; None when that
    is ambiguous."""
    if not title:
        return None
    quarter = bool(_QUARTER_CUE.search(text, lo, hi))
    year = bool(_YEAR_CUE.search(text, lo, hi))
    pool = title
    if quarter != year:
        pool = [p for p in title if ((p.period_end - p.period_start).days < 100 if quarter
                                     else (p.period_end - p.period_start).days >= 300)]
    return pool[0] if len(pool) == 1 else None


def _company_group(index: MentionIndex, in_clause: list[EntityMention]) -> list[EntityMention]:
    """The listing that ends with the last company of the clause (`A、B、C等` -> [A, B, C])."""
    # By index, not by slicing: a clause of a scraped table can name hundreds of companies.
    folded, first = index.folded, len(in_clause) - 1
    while first > 0 and _LIST_JOINER.fullmatch(folded, in_clause[first - 1].end, in_clause[first].start):
        first -= 1
    return in_clause[first:]


def _gap_allows(index: MentionIndex, lo: int, hi: int, lexicon: SignalLexicon) -> bool:
    """Whether the text between a subject and its phrase keeps the phrase about that subject."""
    if lexicon.causative.search(index.folded, lo, hi) or index.names_sector(lo, hi):
        return False
    if hi - lo <= _GAP_MAX_LEFTOVER:
        return True     # most gaps: too short for a leftover over either limit (the leftover is a part of the gap)
    limit = _EXEMPLAR_MAX_LEFTOVER if index.folded[lo:hi].lstrip().startswith(lexicon.exemplar) else _GAP_MAX_LEFTOVER
    return not index.leftover_exceeds(lo, hi, limit, lexicon)


def _aspects_before(
    index: MentionIndex, lo: int, hi: int, lexicon: SignalLexicon
) -> list[tuple[int, int, str]]:
    """The aspect keyword nearest before `hi` in [lo, hi), with those coordinated with it (`收入与利润`)."""
    found = list(lexicon.aspect.finditer(index.folded, lo, hi))
    if not found:
        return []
    group = [found[-1]]
    for prev in reversed(found[:-1]):
        if not _COORDINATED.fullmatch(index.folded, prev.end(), group[0].start()):
            break
        group.insert(0, prev)
    seen: set[str] = set()
    out = []
    for g in group:
        aspect = lexicon.aspect_of[g.group().lower()]
        if aspect not in seen:
            seen.add(aspect)
            out.append((g.start(), g.end(), aspect))
    return out


class _Periods:
    """The periods a signal can be stated for, indexed for the look-ups of `statement_period`.

    Whether a period is usable (`_usable_signal_period`) is decided when a look-up first reaches
    it, and the leading, title and document periods when first needed: most of a document's
    periods lie in sentences that state no signal, and a document may state none.
    """

    def __init__(self, index: MentionIndex) -> None:
        self.index = index
        self.periods = index.periods
        self.starts = index.period_starts
        self._usable: list[bool | None] = [None] * len(self.periods)    # by position in `periods`
        self._leading: dict[int, tuple[list[int], list[PeriodMention]]] = {}    # by paragraph start
        # sentence start -> the leading period carried to it, or None: a sentence's statements all ask
        self._carried: dict[int, PeriodMention | None] = {}

    def is_usable(self, i: int) -> bool:
        usable = self._usable[i]
        if usable is None:
            usable = self._usable[i] = _usable_signal_period(self.index, self.periods[i])
        return usable

    def leading(self, para: int) -> tuple[list[int], list[PeriodMention]]:
        """The sentence starts and periods of the paragraph starting at `para` whose sentence a usable
        reporting period leads (`2024Q1 业绩来看，…`); whether usable is asked last.

        Found per paragraph, when a statement there first asks: most paragraphs state none, and a
        sentence never runs across a line break, so a paragraph's sentences hold its periods only.
        """
        found = self._leading.get(para)
        if found is not None:
            return found
        folded, sentences, sentence_starts = self.index.folded, self.index.sentences, self.index.sentence_starts
        starts: list[int]
        out: list[PeriodMention]
        leads, starts, out = LEADING_PREFIX.fullmatch, [], []
        para_end = folded.find("\n", para)
        i0 = bisect.bisect_left(self.starts, para)
        i1 = len(self.starts) if para_end < 0 else bisect.bisect_left(self.starts, para_end, i0)
        for i in range(i0, i1):
            p = self.periods[i]
            if p.kind not in _REPORTING_KINDS:
                continue
            k = bisect.bisect_right(sentence_starts, p.start) - 1
            if k < 0:
                continue
            start, end = sentences[k]
            if p.start >= end or (starts and starts[-1] == start):
                continue        # outside every sentence, or its sentence has its leading period already
            # Only whitespace follows the prefix's first 10 characters (its run of up to 8 non-CJK
            # characters and a preposition of up to 2): one character test spares most periods the regex.
            if p.start - start > 10 and not folded[p.start - 1].isspace():
                continue
            if leads(folded, start, p.start) and self.is_usable(i):
                starts.append(start)
                out.append(p)
        found = self._leading[para] = (starts, out)
        return found

    @cached_property
    def title(self) -> list[PeriodMention]:
        end = self.index.title_end
        usable = [p for i, p in enumerate(self.periods[:bisect.bisect_left(self.starts, end)]) if self.is_usable(i)]
        return _title_periods(self.index, usable)

    @cached_property
    def document(self) -> PeriodMention | None:
        # A digest that states one period only (`42家上市券商2024年…`) is about that period from there on;
        # any second period (a date, another year) makes the statements without one ambiguous.
        # (A period restating the first one's dates changes nothing whether usable or not.)
        first = None
        for i, p in enumerate(self.periods):
            if first is not None and p.period_start == first.period_start and p.period_end == first.period_end:
                continue
            if self.is_usable(i):
                if first is not None:
                    return None
                first = p
        return first if first is not None and _is_reporting(first) else None

    def statement_period(self, sent: Sentence, phrase_start: int, phrase_end: int) -> PeriodMention | None:
        """The nearest period before the phrase in its sentence, else the paragraph's leading
        period, else the title's period of the granularity the sentence names, else the
        document's only period."""
        carried: Any    # _UNKNOWN until looked up
        periods = self.periods
        i = bisect.bisect_left(self.starts, phrase_start) - 1
        while i >= 0 and periods[i].start >= sent.start:
            if periods[i].end <= phrase_start and self.is_usable(i):
                return periods[i]
            i -= 1
        carried = self._carried.get(sent.start, _UNKNOWN)
        if carried is _UNKNOWN:
            leading_starts, leading = self.leading(self.index.paragraph_start(sent.start))
            j = bisect.bisect_left(leading_starts, sent.start) - 1
            carried = self._carried[sent.start] = leading[j] if j >= 0 else None
        if carried is not None:
            return carried
        if sent.start < self.index.title_end:
            return None     # the title states its periods itself
        title = self.title
        if title:
            titled = _title_period(title, self.index.folded, sent.start, phrase_end)
            if titled is not None:
                return titled
        # carried forward only: a heading above the period's first mention does not take it
        document = self.document
        return document if document is not None and document.end <= phrase_start else None


def find_signals(
    text: str,
    sentences: Sequence[Sentence],
    entities: Sequence[EntityMention],
    periods: Sequence[PeriodMention],
    *,
    folded: str | None = None,
    index: MentionIndex | None = None,
) -> list[SignalMention]:
    """Company performance signals stated in `text`, one row per company per statement.

    `folded` is `fold(text)` when the caller has it already (folding is a full pass over the text);
    `index` is `mention_index(...)` of the same arguments when the caller has it (it reads the
    folded text from there).
    """
    if not text:
        return []
    lexicon = load_signal_lexicon()
    if index is None:
        index = mention_index(text, sentences, entities, periods, folded=folded)
    folded = index.folded
    stated = _Periods(index)
    out: list[SignalMention] = []
    seen: set[tuple[str, str, int]] = set()

    def emit(subjects: list[EntityMention], aspects: list[str], span_start: int, end: int, direction: str,
             strength: str | None, period: PeriodMention | None, sent: Sentence, key_pos: int) -> None:
        surface = text[span_start:end]
        p0, p1 = (period.period_start, period.period_end) if period else (None, None)
        for company in subjects:
            for aspect in aspects or [DEFAULT_ASPECT]:
                key = (company.entity_id, aspect, key_pos)
                if key in seen:
                    continue
                seen.add(key)
                out.append(_new_signal((
                    span_start, end, surface, company.entity_id, company.canonical,
                    aspect, direction, strength, p0, p1, sent.start, sent.end,
                )))

    # Looked up once: the loops below run for every sentence and every phrase.
    companies, company_starts = index.companies, index.company_starts
    anaphor_in, verb_in, modal_in = lexicon.anaphor.search, lexicon.verb.search, lexicon.modal_word.search
    phrases_in, verbs, after_block = lexicon.phrase.finditer, lexicon.verbs, lexicon.after_block
    overlaps_entity, negated, negative_number = index.overlaps_entity, lexicon.negated, _NEGATIVE_NUMBER.match
    for sent in index.sentences:
        s0, s1 = sent
        if not (_any_within(companies, company_starts, s0, s1) or anaphor_in(folded, s0, s1)):
            continue
        if not verb_in(folded, s0, s1):
            continue
        last_subjects: list[EntityMention] = []
        last_phrase_end = s0
        may_be_modal = modal_in(folded, s0, s1) is not None
        spans = index.clauses_of(sent)
        for m in phrases_in(folded, s0, s1):
            start, end = m.span()
            verb = m.group("verb")
            direction = verbs[verb][0]
            if overlaps_entity(start, end) or negated(folded, start, s0):
                continue
            if folded.startswith(after_block, end):
                continue
            if direction == "up" and negative_number(folded, end):
                direction = "down"    # `同比增长-5%` is a decline written as negative growth
            cs = _clause_in(spans, start)[0]
            if may_be_modal and (lexicon.has_modal(lexicon.modal, folded[cs:start]) or lexicon.has_modal(
                lexicon.forecast, folded[max(s0, start - _SEGMENT_CAP):cs]
            )):
                continue
            subjects, anchor, carried = _subjects(index, lexicon, sent, cs, start, last_subjects, last_phrase_end)
            if not subjects:
                continue
            aspects = _aspects_before(index, anchor, start, lexicon)
            if not aspects and carried:
                # `营收1249亿元，同比下降4%`: the aspect sits in the clause that named the subject
                back = max(last_phrase_end if last_phrase_end < anchor else sent.start, anchor - _SEGMENT_CAP)
                aspects = _aspects_before(index, back, anchor, lexicon)
            if not aspects and not carried:
                elided = _elided_topic(index, lexicon, sent, cs, m)
                if elided is None:
                    continue
                aspects = elided
            span_start = aspects[0][0] if aspects and aspects[0][0] >= cs else start
            period = stated.statement_period(sent, start, end)
            emit(subjects, [a[2] for a in aspects], span_start, end, direction,
                 lexicon.strength_of(m.group("mods"), verb), period, sent, start)
            last_subjects, last_phrase_end = subjects, end
    _english_signals(index, lexicon, stated, emit)
    out.sort(key=_START_END)
    return out


def _elided_topic(
    index: MentionIndex, lexicon: SignalLexicon, sent: Sentence, cs: int, m: re.Match[str]
) -> list[tuple[int, int, str]] | None:
    """The aspect a bare `公司 + 动词 + 数字` clause borrows from the parallel clause before it.

    In `高管薪酬总额同比下滑31%,中信建投下降57%` the company's 下降 is about the previous
    clause's topic (executive pay), not its performance: [] keeps the default aspect, a list
    gives the borrowed aspect (`营收同比增长10%,比亚迪增长20%`), None drops the statement.
    """
    if cs <= sent.start or not _NUMBER_AFTER.match(index.folded, m.end()):
        return []
    pcs, pce = index.clause_at(sent, max(sent.start, cs - 2))
    previous = None
    for pm in lexicon.phrase.finditer(index.folded, pcs, pce):
        previous = pm
    if previous is None or not _NUMBER_AFTER.match(index.folded, previous.end()):
        return []
    if index.names_company(pcs, previous.start()):
        return []
    aspects = _aspects_before(index, pcs, previous.start(), lexicon)
    if aspects:
        return aspects
    return None if index.leftover_exceeds(pcs, previous.start(), _CARRY_MAX_LEFTOVER, lexicon) else []


def _subjects(
    index: MentionIndex,
    lexicon: SignalLexicon,
    sent: Sentence,
    cs: int,
    phrase_start: int,
    last_subjects: list[EntityMention],
    last_phrase_end: int,
) -> tuple[list[EntityMention], int, bool]:
    """The companies a phrase is about, where its aspect keyword may start, and whether carried.

    A subject is carried when the clause has none of its own and continues the
    sentence's (`营收1249亿元，同比下降4%`). No companies when the clause's subject is
    not a named company, or is a sector (`申万医药生物行业…同比持平`).
    """
    lo = max(cs, last_phrase_end)
    in_clause = index.entities_in(lo, phrase_start, companies_only=True)
    if in_clause:
        group = _company_group(index, in_clause)
        if not _gap_allows(index, group[-1].end, phrase_start, lexicon):
            return [], 0, False
        return group, group[-1].end, False
    if index.names_sector(lo, phrase_start):
        return [], 0, False
    anaphor = index.anaphor_at_subject(cs, phrase_start, lexicon)
    if anaphor is not None:
        if not _gap_allows(index, anaphor.end(), phrase_start, lexicon):
            return [], 0, False
        ref = index.resolve_anaphor(anaphor.start(), lexicon)
        return ([ref], anaphor.end(), False) if ref else ([], 0, False)
    if lo <= sent.start:
        return [], 0, False     # the sentence's first clause, before any phrase: no subject to carry, no colon topic
    topic = _colon_topic(index, lexicon, sent, cs)
    if topic:
        # `恒瑞医药:创新药收入占比持续提升`: the name before the colon heads the statement
        return (topic, lo, True) if _gap_allows(index, lo, phrase_start, lexicon) else ([], 0, False)
    pre = index.folded[lo:phrase_start]
    if lexicon.group.search(pre) or lexicon.causative.search(pre):
        return [], 0, False
    if index.leftover_exceeds(lo, phrase_start, _CARRY_MAX_LEFTOVER, lexicon):
        return [], 0, False
    if last_subjects:
        return last_subjects, lo, True
    earlier = _earlier_companies(index, lexicon, max(sent.start, lo - _SEGMENT_CAP), lo)
    if earlier:
        return _company_group(index, earlier), lo, True
    if index.names_sector(sent.start, lo):
        return [], 0, False
    # `公司2023年实现营收349亿元，同比增长15%`: the sentence's subject is an anaphor
    first_cs, _ = index.clause_at(sent, sent.start)
    anaphor = index.anaphor_at_subject(first_cs, lo, lexicon)
    ref = index.resolve_anaphor(anaphor.start(), lexicon) if anaphor is not None else None
    return ([ref], lo, True) if ref else ([], 0, False)


def _earlier_companies(index: MentionIndex, lexicon: SignalLexicon, lo: int, hi: int) -> list[EntityMention]:
    """The non-oblique companies named in [lo, hi) after the last sector named there."""
    out: list[EntityMention] = []
    for e in index.entities_in(lo, hi):
        if e.entity_type == "other":
            out = []
        elif e.entity_type == "company" and not index.is_oblique(e, lexicon):
            out.append(e)
    return out


def _colon_topic(index: MentionIndex, lexicon: SignalLexicon, sent: Sentence, cs: int) -> list[EntityMention]:
    """The companies of a sentence that opens `公司名(代码):`, when the clause at `cs` follows that colon."""
    topic = index.colon_topics.get(sent)
    if topic is None:
        # Found once per sentence: every phrase of the sentence asks.
        topic = index.colon_topics[sent] = _opening_colon_topic(index, sent)
    first_ce, companies = topic
    return companies if first_ce < cs else []


def _opening_colon_topic(index: MentionIndex, sent: Sentence) -> tuple[int, list[EntityMention]]:
    """The end of the sentence's first clause, and the companies it names when it is `公司名(代码):`."""
    first_cs, first_ce = index.clause_at(sent, sent.start)
    if first_ce >= sent.end or index.folded[first_ce] not in ":：":
        return first_ce, []
    named = index.entities_in(first_cs, first_ce, companies_only=True)
    if not named:
        return first_ce, []
    rest = "".join(index.folded[a:b] for a, b in zip([first_cs] + [e.end for e in named],
                                                       [e.start for e in named] + [first_ce], strict=True))
    if _NON_CJK.sub("", rest).strip("、和与及"):
        return first_ce, []
    return first_ce, _company_group(index, named)


def _english_signals(index: MentionIndex, lexicon: SignalLexicon, stated: _Periods, emit) -> None:
    """Signals in English earnings prose: `revenue up 265%`, `Record quarterly revenue`,
    `net income fell`, `gross margin contracted`, `beat expectations`, `raised its guidance`.

    Each needs its aspect (a bare `rose` says nothing about the company). The subject is the
    company named before the phrase in its sentence, else `…, TSMC said`, else the document's
    main company (a one-company press release names it in its headline or throughout).
    """
    folded = index.folded
    for m in finditer_at(lexicon.en_phrase, lexicon.en_phrase_starts, folded):
        kind = m.lastgroup
        pos, end = m.start(), m.end()
        sent = index.sentence_at(pos)
        if sent is None or kind is None:
            continue
        before = folded[max(sent.start, pos - 24):pos]
        if lexicon.en_negator.search(before) or lexicon.en_modal.search(before):
            continue
        _, direction, strength = lexicon.en_rows[m.group().lower()]
        after_hi = min(sent.end, end + _EN_AFTER_REACH)
        aspect: tuple[int, int, str] | None = None
        if kind == "en_record":
            if before.rstrip().endswith(" of") or folded.startswith((" date", " holder"), end):
                continue    # `shareholders of record`, `record date`
            aspect = _en_aspect_after(index, lexicon, end, after_hi) or _en_aspect_before(
                index, lexicon, sent, _EN_ASPECT_BEFORE[kind], pos)
        elif kind == "en_guidance":
            # `raised its full-year operating income guidance`: the guidance keyword ends the object
            aspect = _en_aspect_after(index, lexicon, end, after_hi, "guidance") or _en_aspect_before(
                index, lexicon, sent, 20, pos)
            if aspect is not None and aspect[2] != "guidance":
                aspect = None
        elif kind == "en_beat":
            if not lexicon.en_expectation.search(folded, end, after_hi):
                continue
            aspect = _en_aspect_before(index, lexicon, sent, _EN_ASPECT_BEFORE[kind], pos) or (
                pos, pos, DEFAULT_ASPECT)
            if aspect[2] == "guidance":
                aspect = (pos, pos, DEFAULT_ASPECT)
        else:
            aspect = _en_aspect_before(index, lexicon, sent, _EN_ASPECT_BEFORE[kind], pos)
        if aspect is None:
            continue
        subjects = _en_subjects(index, lexicon, sent, min(pos, aspect[0]), end)
        if not subjects:
            continue
        span_start = aspect[0] if aspect[0] < pos and pos - aspect[1] <= 24 else pos
        span_end = max(end, aspect[1]) if aspect[0] >= end else end
        period = stated.statement_period(sent, min(pos, aspect[0]), span_end)
        emit(subjects, [aspect[2]], span_start, span_end, direction, strength, period, sent, pos)


def _en_aspect_before(index: MentionIndex, lexicon: SignalLexicon, sent: Sentence, reach: int,
                      hi: int) -> tuple[int, int, str] | None:
    """The aspect keyword nearest before `hi` within `reach` characters of its sentence, not counting
    parentheticals (`gross margin -- the difference between revenue and cost -- … up 0.1 points`):
    a definition's keywords are not the subject, and its length does not push the subject out of reach."""
    folded, lo = index.folded, sent.start
    if folded.find("(", lo, hi) < 0 and folded.find("--", lo, hi) < 0:
        # No parenthetical (the usual case): only the last `reach` characters are searched, and the
        # one before them (the keyword's look-behind), so only they are copied, not the sentence so far.
        pos = max(lo, hi - reach)
        w0 = max(lo, pos - 1)
        pieces, compact, skip = [(w0 - lo, hi - lo)], folded[w0:hi], pos - w0
    else:
        seg = folded[lo:hi]
        pieces, last = [], 0
        for p in _PARENTHETICAL.finditer(seg):
            pieces.append((last, p.start()))
            last = p.end()
        pieces.append((last, len(seg)))
        compact = "".join(seg[a:b] for a, b in pieces)
        skip = max(0, len(compact) - reach)
    found = None
    if lexicon.en_aspect_lower is not None and compact.isascii():
        for m in lexicon.en_aspect_lower.finditer(compact.lower(), skip):
            found = m
    else:
        for m in lexicon.en_aspect.finditer(compact, skip):
            if m.group().isascii():
                found = m
    if found is None:
        return None
    offset = found.start()
    for a, b in pieces:
        if offset < b - a:
            begin = sent.start + a + offset
            return begin, begin + len(found.group()), lexicon.aspect_of[found.group().lower()]
        offset -= b - a
    return None


def _en_aspect_after(
    index: MentionIndex, lexicon: SignalLexicon, lo: int, hi: int, wanted: str | None = None
) -> tuple[int, int, str] | None:
    """The first aspect keyword (of aspect `wanted`, if given) in [lo, hi) before any clause
    punctuation (`record quarterly revenue`)."""
    for a in lexicon.aspect.finditer(index.folded, lo, hi):
        if re.search(r"[,;:.]", index.folded[lo:a.start()]) or not a.group().isascii():
            return None
        aspect = lexicon.aspect_of[a.group().lower()]
        if wanted is None or aspect == wanted:
            return a.start(), a.end(), aspect
    return None


def _en_subjects(
    index: MentionIndex, lexicon: SignalLexicon, sent: Sentence, lo: int, hi: int
) -> list[EntityMention]:
    """The companies an English statement is about (see `_english_signals`)."""
    before = _earlier_companies(index, lexicon, sent.start, lo)
    if before:
        return _company_group(index, before)
    if index.names_sector(sent.start, hi):
        return []
    for e in index.entities_in(hi, sent.end, companies_only=True):
        if _EN_SAID.match(index.folded, e.end) and index.folded[max(hi, e.start - 3):e.start].rstrip().endswith(","):
            return [e]
    if index.names_company(sent.start, sent.end):
        return []       # another company named in the sentence: its statement, not the document's
    return [index.main_company] if index.main_company is not None else []
