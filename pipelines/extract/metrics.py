"""Choosing a metric key for a quantity from the words around it.

The vocabulary is `vocab/metrics.csv`. A metric is a candidate when it accepts
the quantity's unit class; among candidates, the cue word nearest before the
number in its clause wins (a cue right after the number, as in `35 万张英伟达
GPU` or `200k tokens 的上下文长度`, counts at a small penalty). A counted noun
(`台`, `参数`, `用户`) is a cue of its own. With no cue, the unit's fallback
metric applies, and `other` rather than a wrong key.
"""

from __future__ import annotations

import bisect
import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import ClassVar

from pipelines.extract.trie import trie_pattern
from pipelines.paths import VOCAB_DIR

AFTER_WINDOW = 14        # characters after the mention where a cue still names it
AFTER_PENALTY = 6        # a cue after the number loses ties to one before it
COUNTED_DISTANCE = 3     # the counted noun is as good as a cue this close
EARLIER_CLAUSE_PENALTY = 25   # a cue in an earlier clause of the sentence (`净收入107亿元,国泰海通78亿元`)
SIGN_DISTANCE = 2        # an explicit +/- on a percent (`营收434亿元(+20.08%)`) reads as a change

# '提升至 67%' states a level reached, not a rate of growth: a growth verb followed
# by 至/到 stops being a growth cue.
_LEVEL_REACHED = re.compile(r"(?:提升|提高|增长|上升|下降|降低|增加|减少|扩大|降|升)(?:至|到)\s*$")
# The letters IGNORECASE also takes for an i, k or s (İ ı ſ K): see CASE_TWINS.
_CASE_TWIN_CHARS = "\u0130\u0131\u017f\u212a"


def words_at_end(words: Sequence[str], fillers: Sequence[str] = ()) -> re.Pattern[str]:
    """`(?:words)\\s*(?:fillers)?\\s*$`, case-blind: one of `words` (then maybe a filler) right
    before the end of the searched stretch. Pair it with `last_characters` of the same lists."""
    alternation = "|".join(map(re.escape, words))
    filler = f"(?:{'|'.join(map(re.escape, fillers))})?\\s*" if fillers else ""
    return re.compile(f"(?:{alternation})\\s*{filler}$", re.IGNORECASE)


def last_characters(*word_lists: Sequence[str]) -> frozenset[str]:
    """The characters a `words_at_end` match of these lists can end on before its spaces: each
    word's last letter in either case, and the case twins. A stretch ending on none of them
    (`last_character`) cannot match, and most stretches before a number do not."""
    return frozenset(c for ws in word_lists for w in ws for c in (w[-1].lower(), w[-1].upper())) | \
        frozenset(_CASE_TWIN_CHARS)


_DECLINE_WORDS = ("下降", "下滑", "减少", "降低", "回落", "下跌", "大跌", "缩减", "萎缩", "收窄", "跌幅", "降幅", "跌", "降",
                  "减", "decline", "declines", "declined", "decrease", "decreased", "fell", "dropped", "down", "lower")
_DECLINE_FILLERS = ("了", "约", "达", "为", "超过", "超", "逾", "近", "达到", "高达", ":", "by", "about", "of")
_DECLINE = words_at_end(_DECLINE_WORDS, _DECLINE_FILLERS)
_DECLINE_LAST = last_characters(_DECLINE_WORDS, _DECLINE_FILLERS)
_LOSS_WORDS = ("亏损", "净亏损", "亏", "loss of", "net loss")
_LOSS_FILLERS = ("了", "约", "达", "超过", "逾", "近")
_LOSS = words_at_end(_LOSS_WORDS, _LOSS_FILLERS)
_LOSS_LAST = last_characters(_LOSS_WORDS, _LOSS_FILLERS)
# `signed` turns no value negative unless the clause before it ends on one of these (last_character).
SIGN_LAST = _DECLINE_LAST | _LOSS_LAST


@dataclass(frozen=True)
class Metric:
    metric: str
    family: str
    units: frozenset[str]
    keywords: tuple[str, ...]
    counted: tuple[str, ...]
    default_for: frozenset[str]
    sign_rule: str
    description: str


@cache
def vocabulary() -> tuple[Metric, ...]:
    with open(VOCAB_DIR / "metrics.csv", encoding="utf-8") as f:
        rows = csv.DictReader(line for line in f if not line.startswith("#"))
        return tuple(
            Metric(
                metric=r["metric"], family=r["family"], units=frozenset(_split(r["units"])),
                keywords=tuple(_split(r["keywords"])), counted=tuple(_split(r["counted"])),
                default_for=frozenset(_split(r["default_for"])), sign_rule=r["sign_rule"],
                description=r["description"],
            )
            for r in rows
        )


def _split(cell: str) -> list[str]:
    return [p.strip() for p in (cell or "").split("|") if p.strip()]


@cache      # called for every quantity, with a handful of distinct units
def unit_class(unit: str) -> str:
    """'money' for ISO currency codes, the unit itself otherwise."""
    return "money" if len(unit) == 3 and unit.isupper() else unit


@cache
def _cue_index() -> tuple[re.Pattern[str], re.Pattern[str], dict[str, list[Metric]]]:
    """Two trie regexes (Chinese cues; ASCII cues, case-insensitive on word boundaries so
    'up' does not fire inside 'Supply') and the metrics each lower-cased cue names."""
    by_word: dict[str, list[Metric]] = {}
    for m in vocabulary():
        for w in m.keywords:
            by_word.setdefault(w.lower(), []).append(m)
    ascii_words = [w for w in by_word if w.isascii()]
    other_words = [w for w in by_word if not w.isascii()]
    # Then no Chinese cue shares a character with an English one: the cues of a text do not
    # overlap (choose_class_metric relies on it).
    if any(c.isascii() for w in other_words for c in w):
        raise ValueError("metrics.csv: a Chinese metric cue holds an ASCII character; split it into two cues")
    chinese = re.compile(trie_pattern(other_words))
    english = re.compile(rf"(?<![A-Za-z])(?:{trie_pattern(ascii_words)})(?![A-Za-z])", re.IGNORECASE)
    return chinese, english, by_word


@cache
def _lowered_english() -> re.Pattern[str]:
    """The ASCII cue regex for a text whose ASCII letters are lower-cased: case-sensitive, and
    the no-letter-before check sits after the first letter, so `re` only stops at cue initials.
    Only meaningful when every ASCII cue starts with a letter."""
    ascii_words = [w for w in _cue_index()[2] if w.isascii()]
    assert all(w[:1].isalpha() for w in ascii_words)
    return re.compile(rf"(?:{trie_pattern(ascii_words, after_first='(?<![a-z].)')})(?![a-z])")


@cache
def _vocabulary_order() -> dict[str, int]:
    return {m.metric: i for i, m in enumerate(vocabulary())}


@cache
def _counted_index() -> dict[str, list[Metric]]:
    out: dict[str, list[Metric]] = {}
    for m in vocabulary():
        for c in m.counted:
            out.setdefault(c, []).append(m)
    return out


# Under IGNORECASE these non-ASCII letters match ASCII ones (İ ı ſ K), and `str.lower` turns
# İ and K into ASCII: a text holding any of them is scanned with the case-insensitive regex.
CASE_TWINS = re.compile(f"[{_CASE_TWIN_CHARS}]")


def has_case_twins(text: str) -> bool:
    """CASE_TWINS.search(text), as four `in` tests (each a fast scan for one character)."""
    return "\u0130" in text or "\u0131" in text or "\u017f" in text or "\u212a" in text


def cues_in(folded: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """Cue words in folded[start:end] as (start, end, lower-cased word), sorted by position; they
    do not overlap."""
    chinese, english, _ = _cue_index()
    found = [(m.start(), m.end(), m.group()) for m in chinese.finditer(folded, start, end)]
    # The character before `start` is kept for the no-letter-before check.
    offset = max(0, start - 1)
    if CASE_TWINS.search(folded, offset, end):
        if any(ch.isascii() and ch.isalpha() for ch in folded[start:end]):
            found += [(m.start(), m.end(), m.group().lower()) for m in english.finditer(folded, start, end)]
            found.sort()
        return found
    # Faster and the same: lower-case the text (one character for one, so offsets hold) and scan
    # it case-sensitively.
    lowered = folded[offset:end].lower()
    ascii_found = [(m.start() + offset, m.end() + offset, m.group())
                   for m in _lowered_english().finditer(lowered, start - offset)]
    if ascii_found:    # (the Chinese cues are already in order)
        found += ascii_found
        found.sort()
    return found


class TextCues:
    """The cue words of one text as `cues_in(folded, 0, len(folded))` lists them, read a stretch
    (a sentence) at a time, so that only the stretches asked for are scanned.

    A scan started at a position `p` finds the same words from `p` on as the whole-text scan when
    no word of the whole-text scan spans p - 1 and p, which holds when the character at p - 1
    occurs in no cue word: a stretch is scanned from the nearest such position at or before its
    start. It runs past the stretch's end by the longest word's length plus one character (what
    a match attempt inside the stretch can read), so a word running past the end is seen, and
    left out, as in the whole-text scan, rather than cut short into a shorter word."""

    # Beyond this many characters back to a safe start, one whole-text scan is cheaper.
    MAX_BACKTRACK: ClassVar[int] = 200     # read as TextCues.MAX_BACKTRACK

    def __init__(self, folded: str, lowered: str | None = None):
        """`lowered`: folded.lower() when the caller has it (and folded holds no CASE_TWINS)."""
        self.folded = folded
        self.lowered = lowered
        if lowered is None and not has_case_twins(folded):
            self.lowered = folded.lower()
        self._all: list[tuple[int, int, str]] | None = None
        self._all_starts: list[int] = []
        # (looked up once: `within` runs for every sentence that holds a quantity)
        self._chinese, self._english = _cue_index()[0], _lowered_english()
        (self._zh_chars, self._zh_longest), (self._en_chars, self._en_longest) = _cue_characters()

    def within(self, start: int, end: int) -> list[tuple[int, int, str]]:
        """The whole-text scan's cue words lying inside folded[start:end], sorted by position."""
        if self._all is None and self.lowered is not None:
            found = _scan_from_safe_start(self._chinese, self.folded, start, end, self._zh_chars, self._zh_longest)
            # Most sentences of Chinese text hold no English cue: one search tells, without looking
            # for a safe start. (A cue of the whole-text scan that lies inside the stretch starts in
            # it and matches there, so a search from `start` finds it or an earlier one.)
            if found is not None and self._english.search(self.lowered, start, end) is None:
                return found
            english = _scan_from_safe_start(self._english, self.lowered, start, end, self._en_chars, self._en_longest)
            if found is not None and english is not None:
                if english:      # (the Chinese cues are already in order)
                    found += english
                    found.sort()
                return found
        if self._all is None:
            self._all = cues_in(self.folded, 0, len(self.folded))
            self._all_starts = [c[0] for c in self._all]
        lo = bisect.bisect_left(self._all_starts, start)
        hi = bisect.bisect_left(self._all_starts, end)
        return [c for c in self._all[lo:hi] if c[1] <= end]


def _scan_from_safe_start(pattern: re.Pattern[str], text: str, start: int, end: int,
                          word_chars: frozenset[str], longest: int) -> list[tuple[int, int, str]] | None:
    """Matches of `pattern` inside text[start:end] (see TextCues); None when no safe start is near."""
    safe = start
    while safe > 0 and text[safe - 1] in word_chars:
        safe -= 1
        if start - safe > TextCues.MAX_BACKTRACK:
            return None
    found = [(m.start(), m.end(), m.group()) for m in pattern.finditer(text, safe, end + longest + 1)]
    # One pattern's matches do not overlap, so both starts and ends ascend: when the first starts
    # inside and the last ends inside, all do.
    if found and (found[0][0] < start or found[-1][1] > end):
        return [c for c in found if start <= c[0] and c[1] <= end]
    return found


@cache
def _cue_characters() -> tuple[tuple[frozenset[str], int], tuple[frozenset[str], int]]:
    """The characters of the Chinese cue words and the longest one's length; the same for the
    (lower-cased) ASCII cue words."""
    words = _cue_index()[2]
    chinese = [w for w in words if not w.isascii()]
    english = [w for w in words if w.isascii()]
    return ((frozenset("".join(chinese)), max(map(len, chinese))),
            (frozenset("".join(english)), max(map(len, english))))


_GROWTH_METRICS = ("growth_rate", "growth_multiple")


@cache
def _candidates(uclass: str) -> dict[str, tuple[tuple[int, str, tuple[str, ...]], ...]]:
    """For each cue word, (vocabulary order, metric, counted nouns) of the metrics it names that
    accept `uclass`."""
    order = _vocabulary_order()
    return {word: tuple((order[m.metric], m.metric, m.counted) for m in metrics if _accepts(m, uclass))
            for word, metrics in _cue_index()[2].items()}


# A candidate metric of a cue: its tie-break key after the distance, (-len(word), vocabulary
# order, metric); its counted nouns; and whether it is a growth metric.
_Candidate = tuple[tuple[int, int, str], tuple[str, ...], bool]


@cache
def _ranked_candidates(uclass: str) -> dict[str, tuple[_Candidate, ...]]:
    """_candidates(uclass) ready for choose_metric's comparisons: the words without any left
    out, and each word's metrics best first (they share the cue's distance)."""
    return {word: tuple(sorted(((-len(word), rank, metric), nouns, metric in _GROWTH_METRICS)
                               for rank, metric, nouns in found))
            for word, found in _candidates(uclass).items() if found}


def last_character(folded: str, start: int, end: int) -> str:
    """The last character of folded[start:end] that is not whitespace (str.isspace is re's \\s);
    "" when there is none. A match of `(?:words)\\s*$` ends on it: when it is not in the words'
    `last_characters` (most stretches before a number), the regex need not run. One character
    serves every word list asked about the same stretch."""
    j = last_nonspace(folded, start, end)
    return folded[j] if j >= start else ""


def last_nonspace(folded: str, start: int, end: int) -> int:
    """Where `last_character` stands: the index of the last non-whitespace character of
    folded[start:end], else start - 1."""
    j = end - 1
    while j >= start and folded[j].isspace():
        j -= 1
    return j


_REACHED_LAST = frozenset("至到")


def choose_metric(folded: str, clause: tuple[int, int], q_start: int, q_end: int, unit: str,
                  counted: str | None, cues: list[tuple[int, int, str]], sentence_start: int | None = None,
                  signed: bool = False) -> str:
    """The metric key for a quantity at folded[q_start:q_end] inside `clause`; `cues` sorted by
    position and not overlapping, as cues_in gives them."""
    return choose_class_metric(folded, clause[0], clause[1], q_start, q_end, unit_class(unit), counted,
                               cues, sentence_start, signed)


def choose_class_metric(folded: str, clause_start: int, clause_end: int, q_start: int, q_end: int,
                        uclass: str, counted: str | None, cues: list[tuple[int, int, str]],
                        sentence_start: int | None = None, signed: bool = False, before: str | None = None) -> str:
    """choose_metric with the unit class worked out; `before`: last_character(folded, clause_start,
    q_start), when the caller has it."""
    # The best so far is (distance, (-len(word), vocab order, metric)); the distance decides first.
    best_distance: int | None = None
    best: tuple[int, int, str] = (0, 0, "")
    if before is None:
        before = last_character(folded, clause_start, q_start)
    level_reached = before in _REACHED_LAST and \
        _LEVEL_REACHED.search(folded, clause_start, q_start) is not None
    earliest = clause_start if sentence_start is None else sentence_start
    # A count names its own noun: `43,354项` is not a head count however near 人员 is.
    own_noun = counted if uclass == "count" and counted else None
    # Only cues starting in [earliest, q_end + AFTER_WINDOW] can name the quantity. They are read
    # nearest first: once a cue ends so far before the number that no cue from there back can
    # come as close as the best so far, the rest cannot win.
    ranked = _ranked_candidates(uclass)
    lo = bisect.bisect_left(cues, (earliest,)) if cues and cues[0][0] < earliest else 0
    for i in range(bisect.bisect_left(cues, (q_end + AFTER_WINDOW + 1,)) - 1, lo - 1, -1):
        c_start, c_end, word = cues[i]
        # Cues do not overlap: every cue from here back ends where this one does or before, and
        # lies at least as far before the number.
        if best_distance is not None and q_start - c_end > best_distance:
            break
        candidates = ranked.get(word)
        if candidates is None:      # (names no metric of the class)
            continue
        if c_start < clause_start:
            # (and every cue from here back is in an earlier clause too)
            if best_distance is not None and q_start - c_end + EARLIER_CLAUSE_PENALTY > best_distance:
                break
            if c_end > clause_end:
                continue
            distance = q_start - c_end + EARLIER_CLAUSE_PENALTY
        elif c_end > clause_end:
            continue
        elif c_end <= q_start:
            distance = q_start - c_end
        elif c_start >= q_end:
            gap = c_start - q_end
            # `实现116.68亿元归母净利润`: a metric noun right after the number names it.
            distance = gap + 1 if gap <= 2 else gap + AFTER_PENALTY
        else:
            continue
        if best_distance is not None and distance > best_distance:
            continue
        for key, nouns, growth in candidates:      # best first: the first that may name it
            if own_noun and nouns and own_noun not in nouns:
                continue
            if level_reached and growth:
                continue
            if best_distance is None or distance < best_distance or key < best:
                best_distance, best = distance, key
            break
    if signed and not level_reached and uclass in ("percent", "pp"):
        key = (0, _vocabulary_order()["growth_rate"], "growth_rate")
        if best_distance is None or SIGN_DISTANCE < best_distance or (SIGN_DISTANCE == best_distance and key < best):
            best_distance, best = SIGN_DISTANCE, key
    if counted and uclass == "count":
        order = _vocabulary_order()
        for m in _counted_index().get(counted, []):
            key = (-len(counted), order[m.metric], m.metric)
            if best_distance is None or COUNTED_DISTANCE < best_distance or (
                    COUNTED_DISTANCE == best_distance and key < best):
                best_distance, best = COUNTED_DISTANCE, key
    if best_distance is not None:
        return best[2]
    return _fallback_metric(uclass)


@cache
def _fallback_metric(uclass: str) -> str:
    """The metric for a quantity of `uclass` that no cue names."""
    for m in vocabulary():
        if uclass in m.default_for:
            return m.metric
    return "other"


_LIST_SEPARATOR = re.compile(r"\s*(?:、|和|及|与|以及|/|,|and)\s*", re.IGNORECASE)


def metric_list_before(folded: str, start: int, end: int, unit: str) -> list[str]:
    """Metrics named as a list right before `分别` (`毛利率和净利率分别为24.44%和14.92%`), in order;
    empty unless at least two cue words are joined by list separators."""
    by_word = _cue_index()[2]
    uclass = unit_class(unit)
    found = cues_in(folded, start, end)
    chain: list[tuple[int, int, str]] = []
    for c in reversed(found):
        if chain and not _LIST_SEPARATOR.fullmatch(folded, c[1], chain[-1][0]):
            break
        if not chain and folded[c[1]:end].strip():
            return []
        chain.append(c)
    out = []
    for _, _, word in reversed(chain):
        fits = [m.metric for m in by_word[word] if _accepts(m, uclass)]
        if not fits:
            return []
        out.append(fits[0])
    return out if len(out) >= 2 else []


def _accepts(m: Metric, uclass: str) -> bool:
    return "any" in m.units or uclass in m.units


@cache
def _sign_rules() -> dict[str, str]:
    return {m.metric: m.sign_rule for m in vocabulary()}


_LOSS_METRICS = frozenset({"net_profit", "profit", "operating_profit"})


@cache
def sign_may_flip() -> frozenset[str]:
    """The metrics whose values `signed` may turn negative: for any other it returns them as given."""
    return frozenset(m for m, rule in _sign_rules().items() if rule == "decline_negative") | _LOSS_METRICS


def signed(metric: str, folded: str, clause_start: int, q_start: int, value: float,
           value_high: float | None, before: str | None = None) -> tuple[float, float | None]:
    """Apply the metric's sign convention: declines of growth metrics and losses are negative.
    `before`: last_character(folded, clause_start, q_start), when the caller has it."""
    if value < 0:
        return value, value_high
    if before is None:
        before = last_character(folded, clause_start, q_start)
    negative = (_sign_rules().get(metric) == "decline_negative" and before in _DECLINE_LAST
                and _DECLINE.search(folded, clause_start, q_start)) or (
        metric in _LOSS_METRICS and before in _LOSS_LAST and _LOSS.search(folded, clause_start, q_start)
    )
    if not negative:
        return value, value_high
    if value_high is None:
        return -value, None
    return -value_high, -value   # a declining range 2-3% is -3..-2
