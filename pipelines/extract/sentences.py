"""Sentence and clause boundaries as offsets into the decoded text.

A sentence is the evidence an analyst reads next to a fact, so it ends at
Chinese or English terminal punctuation or at a line break (scraped reports
often drop the full stop at the end of a paragraph). Clauses are the unit of
subject attribution: `，` / `；` / `:` separate statements about different
subjects inside one sentence.
"""

from __future__ import annotations

import re

from pipelines.extract.mentions import Sentence

# '.' ends an English sentence only when followed by whitespace and not preceded by a
# digit (1.5, 600518.SH) or a one-letter abbreviation; newlines always end one.
_SENTENCE_END = re.compile(r"[。！？!?]+[”’」』)）]*|\n+|(?<![0-9A-Z])\.(?=\s)")
_CLAUSE_END = re.compile(r"[，,；;：:]")


def split_sentences(text: str) -> list[Sentence]:
    """Non-empty sentences covering the text, with surrounding whitespace trimmed."""
    out: list[Sentence] = []
    pos = 0
    for m in _SENTENCE_END.finditer(text):
        _append_trimmed(text, pos, m.end(), out)
        pos = m.end()
    _append_trimmed(text, pos, len(text), out)
    return out


def _append_trimmed(text: str, start: int, end: int, out: list[Sentence]) -> None:
    while start < end and text[start].isspace():
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
    for m in _CLAUSE_END.finditer(folded, sentence.start, sentence.end):
        i = m.start()
        if folded[i] == "," and 0 < i < len(folded) - 1 and folded[i - 1].isdigit() and folded[i + 1].isdigit():
            continue
        out.append((start, i))
        start = i + 1
    out.append((start, sentence.end))
    return out


def clause_bounds(folded: str, sentence: Sentence, pos: int) -> tuple[int, int]:
    """The clause of `sentence` that contains offset `pos`."""
    for start, end in clauses(folded, sentence):
        if pos < end or end == sentence.end:
            return start, end
    return sentence.start, sentence.end
