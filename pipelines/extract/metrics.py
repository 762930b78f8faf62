"""Choosing a metric key for a quantity from the words around it.

The vocabulary is `vocab/metrics.csv`. A metric is a candidate when it accepts
the quantity's unit class; among candidates, the cue word nearest before the
number in its clause wins (a cue right after the number, as in `35 万张英伟达
GPU` or `200k tokens 的上下文长度`, counts at a small penalty). A counted noun
(`台`, `参数`, `用户`) is a cue of its own. With no cue, the unit's fallback
metric applies, and `other` rather than a wrong key.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache

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
_DECLINE = re.compile(
    r"(?:下降|下滑|减少|降低|回落|下跌|大跌|缩减|萎缩|收窄|跌幅|降幅|跌|降|减|decline[ds]?|decreased?|fell|dropped|down|lower)"
    r"\s*(?:了|约|达|为|超过|超|逾|近|达到|高达|:|by|about|of)?\s*$",
    re.IGNORECASE,
)
_LOSS = re.compile(r"(?:亏损|净亏损|亏|loss of|net loss)\s*(?:了|约|达|超过|逾|近)?\s*$", re.IGNORECASE)


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
    chinese = re.compile(trie_pattern(other_words))
    english = re.compile(rf"(?<![A-Za-z])(?:{trie_pattern(ascii_words)})(?![A-Za-z])", re.IGNORECASE)
    return chinese, english, by_word


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


def cues_in(folded: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """Cue words in folded[start:end] as (start, end, lower-cased word), sorted by position."""
    chinese, english, _ = _cue_index()
    found = [(m.start(), m.end(), m.group()) for m in chinese.finditer(folded, start, end)]
    if any(ch.isascii() and ch.isalpha() for ch in folded[start:end]):
        found += [(m.start(), m.end(), m.group().lower()) for m in english.finditer(folded, start, end)]
        found.sort()
    return found


def choose_metric(folded: str, clause: tuple[int, int], q_start: int, q_end: int, unit: str,
                  counted: str | None, cues: list[tuple[int, int, str]], sentence_start: int | None = None,
                  signed: bool = False) -> str:
    """The metric key for a quantity at folded[q_start:q_end] inside `clause`."""
    by_word = _cue_index()[2]
    uclass = unit_class(unit)
    best: tuple[int, int, int, str] | None = None  # (distance, -len(word), vocab order, metric)
    order = _vocabulary_order()
    level_reached = bool(_LEVEL_REACHED.search(folded, clause[0], q_start))
    earliest = clause[0] if sentence_start is None else sentence_start
    for c_start, c_end, word in cues:
        if c_start < earliest or c_end > clause[1]:
            continue
        if c_start < clause[0]:
            distance = q_start - c_end + EARLIER_CLAUSE_PENALTY
        elif c_end <= q_start:
            distance = q_start - c_end
        elif c_start >= q_end and c_start - q_end <= AFTER_WINDOW:
            gap = c_start - q_end
            # `实现116.68亿元归母净利润`: a metric noun right after the number names it.
            distance = gap + 1 if gap <= 2 else gap + AFTER_PENALTY
        else:
            continue
        for m in by_word[word]:
            if not _accepts(m, uclass):
                continue
            # A count names its own noun: `43,354项` is not a head count however near 人员 is.
            if uclass == "count" and counted and m.counted and counted not in m.counted:
                continue
            if level_reached and m.metric in ("growth_rate", "growth_multiple"):
                continue
            key = (distance, -len(word), order[m.metric], m.metric)
            if best is None or key < best:
                best = key
    if signed and uclass in ("percent", "pp") and not level_reached:
        key = (SIGN_DISTANCE, 0, order["growth_rate"], "growth_rate")
        if best is None or key < best:
            best = key
    if counted and uclass == "count":
        for m in _counted_index().get(counted, []):
            key = (COUNTED_DISTANCE, -len(counted), order[m.metric], m.metric)
            if best is None or key < best:
                best = key
    if best is not None:
        return best[3]
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


def signed(metric: str, folded: str, clause_start: int, q_start: int, value: float,
           value_high: float | None) -> tuple[float, float | None]:
    """Apply the metric's sign convention: declines of growth metrics and losses are negative."""
    if value < 0:
        return value, value_high
    negative = (_sign_rules().get(metric) == "decline_negative" and _DECLINE.search(folded, clause_start, q_start)) or (
        metric in ("net_profit", "profit", "operating_profit") and _LOSS.search(folded, clause_start, q_start)
    )
    if not negative:
        return value, value_high
    if value_high is None:
        return -value, None
    return -value_high, -value   # a declining range 2-3% is -3..-2
