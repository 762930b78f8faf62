"""Sentence and clause boundaries as offsets into the decoded text.

A sentence is the evidence an analyst reads next to a fact, so it ends at
Chinese or English terminal punctuation or at a line break (scraped reports
often drop the full stop at the end of a paragraph). Digests and scraped
summaries run bullets together on one line (`…[3] - 中小券商表现分化,…`): a
citation marker and a spaced bullet dash end a sentence too. Clauses are the
unit of subject attribution: `，` / `；` / `:` separate statements about
different subjects inside one sentence.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Sequence

from pipelines.extract.mentions import Sentence

# A '.' ends an English sentence only when followed by whitespace and not preceded by a digit
# (1.5, 600518.SH) or an abbreviation (checked in code: look-behind cannot vary in length).
#
# Every alternative starts with one literal character, so that `re` gathers their first characters
# into a set it skips to (a leading look-ahead or character class would be tried at every
# position instead: 1.7x slower). Hence one alternative per terminal mark and per whitespace
# character (what `\s` matches: str.isspace, all of it below U+3001); each does what the
# alternative written under it does, in the same order of trial.
_SPACES = [c for c in map(chr, range(0x3001)) if c.isspace() and c != "\n"]   # (\n is a break of its own)
_SENTENCE_END = re.compile("|".join([
    # [。！？!?]+[”’」』)）]*: Chinese and English terminal punctuation
    *(re.escape(mark) + "[。！？!?]*[”’」』)）]*" for mark in "。！？!?"),
    r"\n\n*",                                      # \n+: line breaks
    r"\[\d{1,3}\](?:\[\d{1,3}\])*",                  # (?:\[\d{1,3}\])+: citation markers of digests, [3], [16][17]
    # \s(?<=[^\d\s]\s)[-–•]\s: a spaced bullet dash between items (not '2 - 3')
    *(re.escape(space) + r"(?<=[^\d\s].)[-–•]\s" for space in _SPACES),
    r"\.(?<=[A-Za-z0-9)\]%]\.)(?=\s)",              # an English full stop
]))

_ABBREVIATIONS = frozenset(
    "inc co corp ltd llc plc mr mrs ms dr no vs etc approx est jan feb mar apr jun jul aug sep sept oct nov dec "
    "u.s u.k e.g i.e st fig dept".split()
)
_WORD_BEFORE = re.compile(r"([A-Za-z.]+)$")
_CLAUSE_END = re.compile(r"[，,；;：:]")


def split_sentences(text: str) -> list[Sentence]:
    """Non-empty sentences covering the text, with surrounding whitespace trimmed."""
    out: list[Sentence] = []
    append = out.append
    pos = 0
    for m in _SENTENCE_END.finditer(text):
        dot, end = m.span()
        if text[dot] == "." and _is_abbreviation(text, dot):    # only the full stop starts with "."
            continue
        # Most sentences need no trimming but of the line breaks that end them: append those without
        # the call (the trimmed end of a sentence ending at `\n+` is at most where the breaks start).
        stop = dot if text[dot] == "\n" else end
        if pos < stop and not text[pos].isspace() and text[pos] not in "-–•" and not text[stop - 1].isspace():
            append(Sentence(pos, stop))
        else:
            _append_trimmed(text, pos, end, out)
        pos = end
    _append_trimmed(text, pos, len(text), out)
    return out


def sentence_at(sentences: Sequence[Sentence], starts: Sequence[int], pos: int) -> Sentence | None:
    """The sentence containing offset `pos` (`starts` = the sentences' start offsets), if any."""
    i = bisect.bisect_right(starts, pos) - 1
    return sentences[i] if i >= 0 and sentences[i].start <= pos < sentences[i].end else None


def _is_abbreviation(text: str, dot: int) -> bool:
    word = _WORD_BEFORE.search(text, max(0, dot - 12), dot)
    return word is not None and word.group(1).lower().strip(".") in _ABBREVIATIONS


def _append_trimmed(text: str, start: int, end: int, out: list[Sentence]) -> None:
    # A bullet dash is not part of the sentence; a minus sign before a digit is.
    while start < end and (text[start].isspace() or (text[start] in "-–•" and text[start + 1:start + 2].isspace())):
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        out.append(Sentence(start, end))


def clauses(folded: str, sentence: Sentence) -> list[tuple[int, int]]:
    """The clauses of `sentence` as (start, end) offsets on the folded text.

    A comma between two digits is a thousands separator, not a clause break.
    """
    out, start = [], sentence.start
    last = len(folded) - 1
    # `_clause_breaks` inlined: this runs for every sentence a signal or event is looked up in.
    for m in _CLAUSE_END.finditer(folded, sentence.start, sentence.end):
        i = m.start()
        if folded[i] == "," and 0 < i < last and folded[i - 1].isdigit() and folded[i + 1].isdigit():
            continue
        out.append((start, i))
        start = i + 1
    out.append((start, sentence.end))
    return out


def clause_bounds(folded: str, sentence: Sentence, pos: int) -> tuple[int, int]:
    """The clause of `sentence` that contains offset `pos`."""
    # The first clause ending after `pos`, else the last one: the rest of the sentence is not read.
    start = sentence.start
    for i in _clause_breaks(folded, sentence):
        if pos < i:
            return start, i
        start = i + 1
    return start, sentence.end


def _clause_breaks(folded: str, sentence: Sentence) -> Iterator[int]:
    last = len(folded) - 1
    for m in _CLAUSE_END.finditer(folded, sentence.start, sentence.end):
        i = m.start()
        if folded[i] == "," and 0 < i < last and folded[i - 1].isdigit() and folded[i + 1].isdigit():
            continue
        yield i
