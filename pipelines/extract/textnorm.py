"""Length-preserving text folding shared by every extractor.

Spans in the warehouse are code-point offsets into the *decoded* text, so any
normalization used for matching must map one character to exactly one
character. NFKC is not allowed here: it turns `㎡` into `m2` and shifts every
later offset.
"""

from __future__ import annotations

import re

# Full-width ASCII (U+FF01..U+FF5E) maps to ASCII by a fixed offset; the ideographic
# space and the minus look-alikes are the other forms scraped reports use for digits.
_FOLD = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FOLD.update({
    0x3000: ord(" "),   # ideographic space
    0x00A0: ord(" "),   # no-break space
    0x2212: ord("-"),   # minus sign
    0x2013: ord("-"),   # en dash, used for ranges (2-3%)
    0x2014: ord("-"),   # em dash
    0xFE63: ord("-"),
    0x301C: ord("~"),   # wave dash (2〜3)
    0xFF5E: ord("~"),
    0x2236: ord(":"),   # ratio colon
})


# `str.translate` looks every character up in the table (~45 ns each, most of them CJK that
# stay as they are); one regex scan for the few characters that change is 3-15x faster.
_FOLDABLE = re.compile("[" + "".join(re.escape(chr(cp)) for cp in sorted(_FOLD)) + "]")
_FOLDED = {chr(cp): chr(to) for cp, to in _FOLD.items()}


def _fold_one(match: re.Match[str]) -> str:
    return _FOLDED[match.group()]


def fold(text: str) -> str:
    """Fold full-width digits/letters/punctuation to ASCII, keeping every offset."""
    return _FOLDABLE.sub(_fold_one, text)
