"""Compile a list of literal words into one regex shaped like a trie.

Python's `re` tries the branches of `a|b|c|…` one by one at every position, so a
vocabulary of hundreds of words costs hundreds of attempts per character. A trie
(`同比(?:增长|下降)?|…`) shares prefixes: each position costs a few steps, and
greedy optional groups keep the longest word.
"""

from __future__ import annotations

import re
from collections.abc import Iterable


def trie_pattern(words: Iterable[str], after_first: str = "") -> str:
    """`after_first` (a zero-width assertion) goes right after every word's first character: an
    assertion there, rather than in front of the whole trie, leaves the pattern starting with a
    set of literal characters, which `re` skips to quickly instead of trying every position."""
    return _render(word_tree(set(words)), after_first)


def word_tree(words: Iterable[str]) -> dict:
    """Nested dicts, one level per character; the key "" marks where a word ends (its value is
    the word). Empty words are left out."""
    root: dict = {}
    for w in words:
        if not w:
            continue
        node = root
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = w
    return root


def _render(node: dict, after_first: str = "") -> str:
    ends = "" in node
    branches = [re.escape(ch) + after_first + _render(child) for ch, child in sorted(node.items()) if ch != ""]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if ends:
        # Optional continuation: a longer word wins greedily, the shorter one still matches.
        return f"(?:{body})?" if len(branches) > 1 or len(body) > 1 else f"{body}?"
    return body
