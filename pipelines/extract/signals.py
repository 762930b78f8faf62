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
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from pipelines.extract.mentions import EntityMention, PeriodMention, Sentence
from pipelines.extract.sentences import clause_bounds
from pipelines.extract.textnorm import fold

VOCAB_DIR = Path(__file__).resolve().parents[1] / "vocab"
PHRASES_PATH = VOCAB_DIR / "signal_phrases.csv"
ASPECTS_PATH = VOCAB_DIR / "signal_aspects.csv"

DEFAULT_ASPECT = "performance"
_STRENGTH_RANK = {"strong": 3, "moderate": 2, "weak": 1}
_CJK = "\u3400-\u9fff\uf900-\ufaff"
_NON_CJK = re.compile(f"[^{_CJK}]")
# A period leads its sentence when only bullets, list numbers (`1 )`, `Ø`, `ž`: scraped
# glyphs) and a preposition (`从 2024Q1 业绩来看`) stand before it.
LEADING_PREFIX = re.compile(f"[^{_CJK}]{{0,8}}(?:从|就|在|于|截至|截止)?\\s*")
# Companies in one listing are joined only by these (`金山办公、用友网络、石基信息`).
_LIST_JOINER = re.compile(r"[\s、/和与及]*(?:以及)?[\s、/]*")
# Only a reporting period carries over to later sentences: a leading event date
# (`2024年3月，国家药监局批准…`) says when something happened, not which results follow.
_REPORTING_KINDS = frozenset({"quarter", "quarters", "half", "year", "years", "ytd", "months", "ttm"})
_NEGATIVE_NUMBER = re.compile(r"\s*(?:了|至|为)?\s*-\s*\d")
# A period written as a comparison base (`较去年同期`, `相比2023年`) is not the period of the statement.
_COMPARISON_BEFORE = ("较", "比", "相比", "相较", "对比", "较上年", "较去年")
# Verbs a negator may stand before without touching the phrase's meaning (`未出现下滑`).
_LIGHT_VERBS = ("出现", "实现", "发生", "正式", "再", "有")
_SEGMENT_CAP = 400          # longest look-back inside a sentence (chars): scraped lines can be huge
_HEADING_MAX = 80           # a paragraph this short before the current one is a heading (`福昕软件: …`)
# A company report names its company in the title; 公司 in a paragraph naming none refers to it.
_TITLE_REACH, _TITLE_LINES, _TITLE_LINE_MAX = 300, 3, 120
_CARRY_MAX_LEFTOVER = 2     # CJK chars a clause may hold and still have no subject of its own
_GAP_MAX_LEFTOVER = 6       # CJK chars allowed between a company and its phrase (`的游戏收入`)
_EXEMPLAR_MAX_LEFTOVER = 24  # after `等` / `为代表的` a group noun phrase follows the examples


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


def read_vocab_table(path: Path) -> list[dict[str, str]]:
    """Rows of a vocab CSV whose leading `#` lines are its description."""
    with path.open(encoding="utf-8") as f:
        lines = [line for line in f if not line.startswith("#")]
    return [{k: (v or "").strip() for k, v in r.items()} for r in csv.DictReader(lines)]


def alternation(words: Sequence[str]) -> str:
    """A regex alternation of literal words, longest first so the longest wins at a position."""
    uniq = sorted({w for w in words if w}, key=lambda w: (-len(w), w))
    return "|".join(re.escape(w) for w in uniq)


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
        modifiers = alternation(list(self.adverbs) + words("comparator"))
        suffix = alternation(words("noun_suffix"))
        # The leading class lets `re` skip to a possible first character: the optional
        # modifier group otherwise defeats its literal-prefix scan (measured 7 -> 38 M chars/s).
        firsts = "".join(sorted({re.escape(w[0]) for w in [*self.verbs, *self.adverbs, *words("comparator")]}))
        self.phrase = re.compile(
            f"(?=[{firsts}])"
            f"(?P<mods>(?:(?:{modifiers})\\s*){{0,3}})(?P<verb>{alternation(list(self.verbs))})(?!{suffix})"
        )
        self.modifier = re.compile(modifiers)
        self.negators = tuple(sorted(words("negator"), key=len, reverse=True))
        exempt = alternation(words("modal_exempt"))
        self.modal = re.compile(f"(?:{exempt})|(?P<modal>{alternation(words('modal'))})")
        self.forecast = re.compile(f"(?:{exempt})|(?P<modal>{alternation(words('forecast'))})")
        self.after_block = tuple(words("after_block"))
        self.group = re.compile(alternation(words("group")))
        self.causative = re.compile(alternation(words("causative")))
        self.filler = re.compile(f"{alternation(words('filler'))}|[^{_CJK}]")
        self.anaphor = re.compile(alternation(words("anaphor")))
        self.oblique = tuple(sorted(words("oblique"), key=len, reverse=True))
        self.source = tuple(sorted(words("source"), key=len, reverse=True))
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
        self.aspect = re.compile(
            f"{alternation(cjk)}|(?i:(?<![a-z])(?:{alternation(ascii_words)})(?![a-z]))"
        )

    def strength_of(self, mods: str, verb: str) -> str | None:
        """The strongest intensity among the adverbs, else the verb's own."""
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
        before = folded[max(lo, pos - 6):pos].rstrip()
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
        self.entities = sorted(entities, key=lambda e: (e.start, -e.end))
        self.entity_starts = [e.start for e in self.entities]
        self.companies = [e for e in self.entities if e.entity_type == "company"]
        self.company_starts = [e.start for e in self.companies]
        self.periods = sorted(periods, key=lambda p: (p.start, -p.end))
        self.period_starts = [p.start for p in self.periods]
        self.breaks = [m.start() for m in re.finditer("\n", folded)]
        self.title_company = self._title_company()

    def sentence_at(self, pos: int) -> Sentence | None:
        i = bisect.bisect_right(self.sentence_starts, pos) - 1
        if i >= 0 and self.sentences[i].start <= pos < self.sentences[i].end:
            return self.sentences[i]
        return None

    def paragraph_start(self, pos: int) -> int:
        i = bisect.bisect_left(self.breaks, pos) - 1
        return self.breaks[i] + 1 if i >= 0 else 0

    def entities_in(self, lo: int, hi: int, companies_only: bool = False) -> list[EntityMention]:
        """Mentions lying wholly inside [lo, hi)."""
        items, starts = (self.companies, self.company_starts) if companies_only else (self.entities, self.entity_starts)
        i, j = bisect.bisect_left(starts, lo), bisect.bisect_left(starts, hi)
        return [e for e in items[i:j] if e.end <= hi]

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
        seg = lexicon.aspect.sub("", self.without_periods(lo, hi))
        return lexicon.filler.sub("", seg)

    def is_oblique(self, mention: EntityMention, lexicon: SignalLexicon) -> bool:
        before = self.folded[max(0, mention.start - 4):mention.start].rstrip()
        return before.endswith(lexicon.oblique)

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

    def anaphor_at_subject(self, lo: int, hi: int, lexicon: SignalLexicon) -> re.Match[str] | None:
        """An anaphor in [lo, hi) with nothing but periods and function words before it in the clause."""
        for m in lexicon.anaphor.finditer(self.folded, lo, hi):
            if m.group() == "其" and self.folded.startswith(("其中", "其他", "其余", "其它", "其实"), m.start()):
                continue
            if not self.leftover(lo, m.start(), lexicon):
                return m
            return None
        return None


def _usable_signal_period(index: MentionIndex, p: PeriodMention) -> bool:
    if p.status_hint == "forecast" or p.kind == "same_period" or "同期" in p.surface:
        return False
    before = index.folded[max(0, p.start - 3):p.start].rstrip()
    return not before.endswith(_COMPARISON_BEFORE)


def _company_group(index: MentionIndex, in_clause: list[EntityMention]) -> list[EntityMention]:
    """The listing that ends with the last company of the clause (`A、B、C等` -> [A, B, C])."""
    group = [in_clause[-1]]
    for prev in reversed(in_clause[:-1]):
        if not _LIST_JOINER.fullmatch(index.folded, prev.end, group[0].start):
            break
        group.insert(0, prev)
    return group


def _gap_allows(index: MentionIndex, lo: int, hi: int, lexicon: SignalLexicon) -> bool:
    """Whether the text between a subject and its phrase keeps the phrase about that subject."""
    gap = index.folded[lo:hi]
    if lexicon.causative.search(gap):
        return False
    stripped = gap.lstrip()
    limit = _EXEMPLAR_MAX_LEFTOVER if stripped.startswith(("等", "为代表")) else _GAP_MAX_LEFTOVER
    return len(index.leftover(lo, hi, lexicon)) <= limit


def _aspects_before(
    index: MentionIndex, lo: int, hi: int, lexicon: SignalLexicon
) -> list[tuple[int, int, str]]:
    """The aspect keyword nearest before `hi` in [lo, hi), with those coordinated with it (`收入与利润`)."""
    found = [(m.start(), m.end(), lexicon.aspect_of[m.group().lower()])
             for m in lexicon.aspect.finditer(index.folded, lo, hi)]
    if not found:
        return []
    group = [found[-1]]
    for prev in reversed(found[:-1]):
        between = index.folded[prev[1]:group[0][0]]
        if not re.fullmatch(r"\s*(?:端)?\s*(?:和|与|及|以及|、|或)\s*", between):
            break
        group.insert(0, prev)
    seen: set[str] = set()
    out = []
    for g in group:
        if g[2] not in seen:
            seen.add(g[2])
            out.append(g)
    return out


def find_signals(
    text: str,
    sentences: Sequence[Sentence],
    entities: Sequence[EntityMention],
    periods: Sequence[PeriodMention],
) -> list[SignalMention]:
    """Company performance signals stated in `text`, one row per company per statement."""
    if not text:
        return []
    lexicon = load_signal_lexicon()
    folded = fold(text)
    index = MentionIndex(folded, sentences, entities, [p for p in periods if p.end <= len(text)])
    usable = [p for p in index.periods if _usable_signal_period(index, p)]
    usable_starts = [p.start for p in usable]
    leading = _leading_periods(index, usable)
    leading_starts = [s for s, _ in leading]
    out: list[SignalMention] = []
    seen: set[tuple[str, str, int]] = set()

    for sent in index.sentences:
        has_company = bool(index.entities_in(sent.start, sent.end, companies_only=True))
        if not has_company and not lexicon.anaphor.search(folded, sent.start, sent.end):
            continue
        last_subjects: list[EntityMention] = []
        last_phrase_end = sent.start
        for m in lexicon.phrase.finditer(folded, sent.start, sent.end):
            start, verb = m.start(), m.group("verb")
            direction = lexicon.verbs[verb][0]
            if index.overlaps_entity(start, m.end()) or lexicon.negated(folded, start, sent.start):
                continue
            if folded.startswith(lexicon.after_block, m.end()):
                continue
            if direction == "up" and _NEGATIVE_NUMBER.match(folded, m.end()):
                direction = "down"    # `同比增长-5%` is a decline written as negative growth
            cs, _ = clause_bounds(folded, sent, start)
            if lexicon.has_modal(lexicon.modal, folded[cs:start]) or lexicon.has_modal(
                lexicon.forecast, folded[max(sent.start, start - _SEGMENT_CAP):cs]
            ):
                continue
            subjects, anchor, carried = _subjects(index, lexicon, sent, cs, start, last_subjects, last_phrase_end)
            if not subjects:
                continue
            aspects = _aspects_before(index, anchor, start, lexicon)
            if not aspects and carried:
                # `营收1249亿元，同比下降4%`: the aspect sits in the clause that named the subject
                back = max(last_phrase_end if last_phrase_end < anchor else sent.start, anchor - _SEGMENT_CAP)
                aspects = _aspects_before(index, back, anchor, lexicon)
            span_start = aspects[0][0] if aspects and aspects[0][0] >= cs else start
            period = _statement_period(index, usable, usable_starts, leading, leading_starts, sent, start)
            strength = lexicon.strength_of(m.group("mods"), verb)
            for company in subjects:
                for aspect in [a[2] for a in aspects] or [DEFAULT_ASPECT]:
                    key = (company.entity_id, aspect, start)
                    if key in seen:
                        continue
                    seen.add(key)
                    out.append(SignalMention(
                        span_start, m.end(), text[span_start:m.end()], company.entity_id, company.canonical,
                        aspect, direction, strength,
                        period.period_start if period else None, period.period_end if period else None,
                        sent.start, sent.end,
                    ))
            last_subjects, last_phrase_end = subjects, m.end()
    return out


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
    not a named company.
    """
    lo = max(cs, last_phrase_end)
    in_clause = index.entities_in(lo, phrase_start, companies_only=True)
    if in_clause:
        group = _company_group(index, in_clause)
        if not _gap_allows(index, group[-1].end, phrase_start, lexicon):
            return [], 0, False
        return group, group[-1].end, False
    anaphor = index.anaphor_at_subject(cs, phrase_start, lexicon)
    if anaphor is not None:
        if not _gap_allows(index, anaphor.end(), phrase_start, lexicon):
            return [], 0, False
        ref = index.resolve_anaphor(anaphor.start(), lexicon)
        return ([ref], anaphor.end(), False) if ref else ([], 0, False)
    topic = _colon_topic(index, lexicon, sent, cs)
    if topic:
        # `恒瑞医药:创新药收入占比持续提升`: the name before the colon heads the statement
        return (topic, lo, True) if _gap_allows(index, lo, phrase_start, lexicon) else ([], 0, False)
    pre = index.folded[lo:phrase_start]
    if lexicon.group.search(pre) or lexicon.causative.search(pre):
        return [], 0, False
    if lo <= sent.start or len(index.leftover(lo, phrase_start, lexicon)) > _CARRY_MAX_LEFTOVER:
        return [], 0, False
    if last_subjects:
        return last_subjects, lo, True
    earlier = [e for e in index.entities_in(max(sent.start, lo - _SEGMENT_CAP), lo, companies_only=True)
               if not index.is_oblique(e, lexicon)]
    if earlier:
        return _company_group(index, earlier), lo, True
    # `公司2023年实现营收349亿元，同比增长15%`: the sentence's subject is an anaphor
    first_cs, _ = clause_bounds(index.folded, sent, sent.start)
    anaphor = index.anaphor_at_subject(first_cs, lo, lexicon)
    ref = index.resolve_anaphor(anaphor.start(), lexicon) if anaphor is not None else None
    return ([ref], lo, True) if ref else ([], 0, False)


def _colon_topic(index: MentionIndex, lexicon: SignalLexicon, sent: Sentence, cs: int) -> list[EntityMention]:
    """The companies of a sentence that opens `公司名(代码):`, when the clause at `cs` follows that colon."""
    first_cs, first_ce = clause_bounds(index.folded, sent, sent.start)
    if first_ce >= cs or index.folded[first_ce] not in ":：":
        return []
    named = index.entities_in(first_cs, first_ce, companies_only=True)
    if not named:
        return []
    rest = "".join(index.folded[a:b] for a, b in zip([first_cs] + [e.end for e in named],
                                                       [e.start for e in named] + [first_ce], strict=True))
    if _NON_CJK.sub("", rest).strip("、和与及"):
        return []
    return _company_group(index, named)


def _leading_periods(index: MentionIndex, usable: list[PeriodMention]) -> list[tuple[int, PeriodMention]]:
    """(sentence start, period) for each period that leads its sentence (`2024Q1 业绩来看，…`)."""
    out = []
    for p in usable:
        if p.kind not in _REPORTING_KINDS:
            continue
        sent = index.sentence_at(p.start)
        if sent is not None and LEADING_PREFIX.fullmatch(index.folded, sent.start, p.start):
            if not out or out[-1][0] != sent.start:
                out.append((sent.start, p))
    return out


def _statement_period(
    index: MentionIndex,
    usable: list[PeriodMention],
    usable_starts: list[int],
    leading: list[tuple[int, PeriodMention]],
    leading_starts: list[int],
    sent: Sentence,
    phrase_start: int,
) -> PeriodMention | None:
    """The nearest period before the phrase in its sentence, else the paragraph's leading period."""
    i = bisect.bisect_left(usable_starts, phrase_start) - 1
    while i >= 0 and usable[i].start >= sent.start:
        if usable[i].end <= phrase_start:
            return usable[i]
        i -= 1
    para = index.paragraph_start(sent.start)
    j = bisect.bisect_left(leading_starts, sent.start) - 1
    if j >= 0 and leading[j][0] >= para:
        return leading[j][1]
    return None
