"""Entity recognition: lexicon aliases plus cue patterns for names the lexicon lacks.

The lexicon (`vocab/entities.csv`) holds canonical entities with their aliases;
`vocab/entity_patterns.csv` holds the cue words for names it does not hold
(company legal forms, government body words, product cue words, model families).

Typing rule for places: a Chinese administrative division (province, the four
municipalities, the SARs, a prefecture-level city: 北京市, 广东省, 深圳市) is typed
`government`, because in reports it acts ("北京市…印发方案", "北京市智算供给规模达到
45EFLOPS"); countries and areas (中国, 美国, 欧盟, 长三角) are typed `region`. The
`role` column says which level a place is (province, municipality, sar, city,
country, area); government-body patterns use it.

Alias annotations in the lexicon's `aliases` column:
  `Alias`   matched anywhere; ASCII letters case-insensitively, on ASCII word
            boundaries (`Meta` never matches inside `MetaLLM`);
  `=Alias`  matched case-sensitively (Meta, Apple: ordinary English words too);
  `~Alias`  cue-only: matched only next to a cue word (`根据 IDC`, `创业公司 Figure`),
            because alone it is ambiguous (IDC also means data centres).
One alias maps to one entity; a shared alias is a load error (say the long form).

Cue-only short forms of insurers, brokers and banks (平安, 新华, 国君) are also licensed
by a word of their role beside them (平安等险企) or by standing in a list next to an
entity of the same role (平安、太保、国寿、新华). `alias_blocking_after` in the patterns
file stops an alias where the next word makes it another word (中东部, US$, U.S. dollar).

Sectors, industries and markets (申万医药生物行业, 白酒板块, 42家上市券商, 全国风电,
中国 AI 服务器市场, the semiconductor industry) are a run of nouns from
`vocab/entity_sectors.csv` with a cue around it (suffix 行业/板块/市场, prefix 申万/全球/上市,
a count); they are typed `other`, role `sector`, canonical = the phrase without the
count and without spaces next to Chinese (see `_sector_candidates`).

Overlapping candidates are resolved longest first, then lexicon before
patterns, then leftmost (so 申万医药生物行业 beats the broker alias 申万). Derived entities (found by a pattern only) get
`entity_id = 'x-' + sha1(canonical)[:10]`, so the same name always gets the same key.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from typing import NamedTuple

from pipelines.extract.mentions import EntityMention, builder
from pipelines.extract.textnorm import fold
from pipelines.extract.trie import word_tree
from pipelines.paths import VOCAB_DIR

LEXICON_PATH = VOCAB_DIR / "entities.csv"
PATTERNS_PATH = VOCAB_DIR / "entity_patterns.csv"
SECTORS_PATH = VOCAB_DIR / "entity_sectors.csv"

ENTITY_TYPES = frozenset(
    {"company", "organization", "government", "model", "product", "project", "person", "region", "other"}
)
PLACE_ROLES = frozenset({"province", "municipality", "sar", "city", "country", "area"})
# Wind-style codes: A shares 600519.SH / 000001.SZ / 830799.BJ, Hong Kong 00700.HK,
# US NVDA.O (Nasdaq) / JPM.N (NYSE) / .A (NYSE American), Taiwan 2330.TW, Tokyo 7203.T,
# Korea 005930.KS, Europe ASML.AS / SAP.DE / MC.PA / AZN.L / NOVN.SW / NOVO-B.CO.
EXCHANGE_CODE = re.compile(
    r"^(?:\d{6}\.(?:SH|SZ|BJ)|\d{5}\.HK|[A-Z][A-Z.]{0,5}\.[ONA]|\d{4}\.(?:TW|TWO|T)"
    r"|\d{6}\.KS|\d{6}\.KQ|[A-Z0-9][A-Z0-9\-]{0,7}\.(?:AS|DE|PA|L|SW|CO|ST|MI|MC|BR|HE|OL))$"
)
ENTITY_ID = re.compile(r"^[a-z0-9][a-z0-9\-]*$")

_SEP = "\x00"             # optional separator slot inside an alias key
_SEP_CLASS = "[ \\-_]?"
_SEP_CHARS = " -_"
_STRIP_SEPS = str.maketrans("", "", _SEP_CHARS)
_ASCII_LOWER = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}
_ASCII_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
_ASCII_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_CJK = "\u3400-\u9fff\uf900-\ufaff"


class EntityRow(NamedTuple):
    """One canonical entity of the lexicon (a row of the dim_entity table)."""

    entity_id: str
    canonical: str
    entity_type: str
    aliases: tuple[str, ...]      # as written in the lexicon, annotations removed
    exchange_code: str | None
    parent_id: str | None
    role: str | None


def _read_table(path: Path) -> list[dict[str, str]]:
    """Rows of a vocab CSV whose leading `#` lines are its description."""
    with path.open(encoding="utf-8") as f:
        lines = [line for line in f if not line.startswith("#")]
    return [{k: (v or "").strip() for k, v in r.items()} for r in csv.DictReader(lines)]


def _lower(s: str) -> str:
    """Lower-case without changing the length (str.lower turns 'İ' into two code points)."""
    low = s.lower()
    return low if len(low) == len(s) else s.translate(_ASCII_LOWER)


def _pattern_key(alias: str) -> str:
    """The alias as matched: folded, lower-cased, with optional-separator slots.

    A slot goes where the alias has a space/hyphen, between ASCII and CJK (scraped
    text puts spaces there: `海螺 AI`), and where a word of 2+ letters meets a digit
    (`GPT4` = `GPT-4` = `GPT 4`), so one key covers the spellings reports use.
    """
    out: list[str] = []
    pending = False
    letters = 0
    for ch in _lower(fold(alias)).strip():
        if ch in _SEP_CHARS:
            pending = True
            continue
        if out and out[-1] != _SEP:
            prev = out[-1]
            prev_ascii, cur_ascii = prev in _ASCII_ALNUM, ch in _ASCII_ALNUM
            if pending or (prev_ascii != cur_ascii) or (
                prev in _ASCII_LETTERS and ch.isdigit() and letters >= 2
            ):
                out.append(_SEP)
        letters = letters + 1 if ch in _ASCII_LETTERS else 0
        out.append(ch)
        pending = False
    return "".join(out)


def lookup_key(name: str) -> str:
    """The dictionary key of a name or matched surface: folded, lower-cased, no separators."""
    return _lower(fold(name)).translate(_STRIP_SEPS)


def _trie_regex(keys: Iterable[str]) -> str:
    """One regex for many alias keys; leftmost match is the longest alias there.

    Children are tried longest-path first. Wide nodes are split in halves behind a
    character-class lookahead, so `re` picks a branch in O(log n) class tests
    instead of trying hundreds of literal branches (measured 0.6 -> 4 M chars/s on
    4,000 keys).

    The root is different, because most of the time goes there: in Chinese text
    nearly every other character starts some alias, but few character pairs do. The
    pattern opens with a class of all first characters and a class of all second
    characters, which lets `re` skip non-candidate positions in C and consume the pair;
    each dispatch level then tests the first character and the second characters its
    aliases allow in one look-behind (`(?<=[first chars][their second chars])`), so a
    pair that starts no alias leaves early, and at half the assertions per level of
    separate look-behind and lookahead tests (measured 20% faster scans). Every alias
    has at least two characters, so every match starts with the pair consumed.
    """
    root = word_tree(keys)

    def edge(ch: str, child: dict, depth: int) -> str:
        if ch == _SEP:
            return _SEP_CLASS + node_body(child, ch, depth + 1)
        return re.escape(ch) + node_body(child, ch, depth + 1)

    def dispatch(items: list[tuple[str, dict]], depth: int) -> str:
        if len(items) <= 6:
            alts = [edge(c, n, depth) for c, n in items]
            return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        mid = len(items) // 2
        left, right = items[:mid], items[mid:]
        return f"(?:(?={_span_class(left)}){dispatch(left, depth)}|{dispatch(right, depth)})"

    def node_body(node: dict, last: str, depth: int) -> str:
        items = sorted((c, n) for c, n in node.items() if c)
        plain = [(c, n) for c, n in items if c != _SEP]
        alts = []
        if plain:
            alts.append(dispatch(plain, depth))
        if any(c == _SEP for c, _ in items):
            alts.append(edge(_SEP, node[_SEP], depth))
        body = alts[0] if len(alts) == 1 else ("(?:" + "|".join(alts) + ")" if alts else "")
        if "" not in node:
            return body
        end = "(?![a-z0-9])" if last in _ASCII_ALNUM else ""
        if not body:
            return end
        return f"(?:{body}|{end})" if end else f"(?:{body})?"

    # first character -> second character of the text -> what may follow the pair, in the
    # order the plain trie would try it: the plain child first, then an optional separator
    # (the pair's second character is then a separator, or the character after an empty one).
    pairs: dict[str, dict[str, list[str]]] = {}
    for first, node in sorted(root.items()):
        if "" in node:
            raise ValueError("aliases must be at least two characters long")
        after = pairs[first] = {}
        for second, child in sorted(node.items()):
            if second != _SEP:
                after[second] = [node_body(child, second, 2)]
        sep = node.get(_SEP)
        if sep is not None:
            for ch in _SEP_CHARS:
                after.setdefault(ch, []).append(node_body(sep, _SEP, 2))
            for third, child in sorted(sep.items()):
                if third:
                    after.setdefault(third, []).append(node_body(child, third, 3))
    if not pairs:
        return "(?!)"

    def alternation(alts: list[str]) -> str:
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    def pair_test(items: list[tuple[str, dict[str, list[str]]]]) -> str:
        """A look-behind at the consumed pair: one of these first characters, one of their seconds."""
        return f"(?<={_class(c for c, _ in items)}{_class(s for _, after in items for s in after)})"

    def seconds_dispatch(items: list[tuple[str, list[str]]]) -> str:
        # The first character is known; the second one picks the continuation.
        if len(items) <= 6:
            return alternation(["(?<=" + re.escape(s) + ")" + alternation(bodies) for s, bodies in items])
        mid = len(items) // 2
        left, right = items[:mid], items[mid:]
        return f"(?:(?<={_span_class(left)}){seconds_dispatch(left)}|{seconds_dispatch(right)})"

    def firsts_dispatch(items: list[tuple[str, dict[str, list[str]]]]) -> str:
        # Three ways per level measured a little faster than two.
        if len(items) <= 6:
            return alternation([f"(?<={re.escape(c)}{_class(after)})" + seconds_dispatch(sorted(after.items()))
                                for c, after in items])
        n = len(items)
        parts = [items[i * n // 3:(i + 1) * n // 3] for i in range(3)]
        return "(?:" + "|".join(pair_test(part) + firsts_dispatch(part) for part in parts) + ")"

    items = sorted(pairs.items())
    # The look-behind rejects a letter or digit inside an ASCII word (`Meta` never starts inside `MetaLLM`).
    return (_class(pairs) + _class(s for after in pairs.values() for s in after)
            + "(?<![a-z0-9][a-z0-9](?s:.))" + firsts_dispatch(items))


def _class(chars: Iterable[str]) -> str:
    """A regex class of these characters (a plain literal for one)."""
    chars = sorted(set(chars))
    return re.escape(chars[0]) if len(chars) == 1 else "[" + "".join(re.escape(c) for c in chars) + "]"


def _openings(keys: Iterable[str]) -> frozenset[str]:
    """The first two characters a text can have where one of these alias keys matches.

    A cheap set test before `matcher.match` at a given position: most such calls fail.
    """
    out: set[str] = set()
    for key in keys:
        if key[1] == _SEP:       # an optional separator: `a b`, `a-b`, `a_b` or `ab`
            out.update(key[0] + c for c in _SEP_CHARS + key[2])
        else:
            out.add(key[:2])
    return frozenset(out)


def _span_class(items: Sequence[tuple[str, object]]) -> str:
    """A class covering the sorted items' first..last character (the other half lies outside it)."""
    lo, hi = re.escape(items[0][0]), re.escape(items[-1][0])
    return f"[{lo}]" if lo == hi else f"[{lo}-{hi}]"


class Lexicon:
    """The entity lexicon with its compiled alias matchers; build once via `load_lexicon()`."""

    def __init__(self, rows: Sequence[EntityRow], annotated: dict[str, list[tuple[str, str]]]) -> None:
        self.rows = tuple(rows)
        self.by_id = {r.entity_id: r for r in self.rows}
        self.alias_index: dict[str, str] = {}
        self.case_sensitive: dict[str, frozenset[str]] = {}
        self.cue_only_index: dict[str, str] = {}
        self.places: dict[str, EntityRow] = {}
        pattern_keys: set[str] = set()
        cue_keys: set[str] = set()
        exact: dict[str, set[str]] = {}
        for row in self.rows:
            for mark, alias in annotated[row.entity_id]:
                key = lookup_key(alias)
                if mark == "~":
                    self.cue_only_index[key] = row.entity_id
                    cue_keys.add(_pattern_key(alias))
                    continue
                self.alias_index[key] = row.entity_id
                pattern_keys.add(_pattern_key(alias))
                if mark == "=":
                    exact.setdefault(key, set()).add(fold(alias).translate(_STRIP_SEPS))
                if row.role in PLACE_ROLES:
                    self.places[fold(alias)] = row
        self.case_sensitive = {k: frozenset(v) for k, v in exact.items()}
        # Entity ids of places, and of the administrative divisions among them (see the module doc).
        self.place_ids = frozenset(r.entity_id for r in self.rows if r.role in PLACE_ROLES)
        self.division_ids = frozenset(r.entity_id for r in self.rows if r.role in PLACE_ROLES - {"country", "area"})
        self.matcher = re.compile(_trie_regex(pattern_keys))
        self.openings = _openings(pattern_keys)
        self.cue_only_matcher = re.compile(_trie_regex(cue_keys)) if cue_keys else None
        self.max_place_len = max((len(p) for p in self.places), default=0)
        # Where a place name can end: a text position before any other character ends none.
        self.place_last_chars = frozenset(p[-1] for p in self.places)

    def resolve(self, name: str) -> EntityRow | None:
        """The lexicon entity a name (alias in any spelling the matcher accepts) stands for."""
        entity_id = self.alias_index.get(lookup_key(name)) or self.cue_only_index.get(lookup_key(name))
        return self.by_id[entity_id] if entity_id else None

    def dim_rows(self) -> list[dict]:
        """All lexicon entities as dim_entity rows."""
        return [_dim_row(r, list(r.aliases), "lexicon") for r in self.rows]


def _dim_row(row: EntityRow, aliases: list[str], source: str) -> dict:
    return {
        "entity_id": row.entity_id,
        "canonical": row.canonical,
        "entity_type": row.entity_type,
        "aliases": aliases,
        "exchange_code": row.exchange_code,
        "role": row.role,
        "source": source,
    }


def _split_aliases(canonical: str, field: str) -> list[tuple[str, str]]:
    """(mark, alias) pairs of a row; the canonical name is always a plain alias unless re-marked."""
    pairs: list[tuple[str, str]] = []
    for raw in [canonical, *field.split("|")]:
        raw = raw.strip()
        if not raw:
            continue
        mark, alias = (raw[0], raw[1:].strip()) if raw[0] in "=~" else ("", raw)
        pairs.append((mark, alias))
    # A marked alias overrides the canonical's default plain mark (`Meta` canonical, `=Meta` alias).
    marks = {lookup_key(a): m for m, a in pairs if m}
    seen: dict[str, tuple[str, str]] = {}
    for mark, alias in pairs:
        key = lookup_key(alias)
        seen.setdefault(key, (marks.get(key, mark), alias))
    return list(seen.values())


def validate_lexicon(path: Path = LEXICON_PATH) -> list[str]:
    """Problems in the lexicon file: duplicate ids or aliases, bad types, codes or parents."""
    problems: list[str] = []
    rows = _read_table(path)
    ids: set[str] = set()
    owner: dict[str, str] = {}
    for n, r in enumerate(rows, start=1):
        eid = r.get("entity_id", "")
        if not ENTITY_ID.match(eid):
            problems.append(f"row {n}: bad entity_id {eid!r}")
        if eid in ids:
            problems.append(f"row {n}: duplicate entity_id {eid}")
        ids.add(eid)
        if not r.get("canonical"):
            problems.append(f"row {n}: {eid} has no canonical name")
        if r.get("entity_type") not in ENTITY_TYPES:
            problems.append(f"row {n}: {eid} has type {r.get('entity_type')!r}")
        code = r.get("exchange_code", "")
        if code and not EXCHANGE_CODE.match(code):
            problems.append(f"row {n}: {eid} has exchange code {code!r}")
        for _mark, alias in _split_aliases(r.get("canonical", ""), r.get("aliases", "")):
            key = lookup_key(alias)
            if len(key) < 2:
                problems.append(f"row {n}: {eid} alias {alias!r} is shorter than 2 characters")
            if key in owner and owner[key] != eid:
                problems.append(f"row {n}: alias {alias!r} of {eid} already belongs to {owner[key]}")
            owner.setdefault(key, eid)
    for r in rows:
        parent = r.get("parent_id")
        if parent and parent not in ids:
            problems.append(f"{r.get('entity_id')}: unknown parent_id {parent}")
    return problems


def _build_lexicon(path: Path) -> Lexicon:
    problems = validate_lexicon(path)
    if problems:
        raise ValueError(f"{path}: {len(problems)} problems, first: " + "; ".join(problems[:5]))
    rows: list[EntityRow] = []
    annotated: dict[str, list[tuple[str, str]]] = {}
    for r in _read_table(path):
        pairs = _split_aliases(r["canonical"], r.get("aliases", ""))
        annotated[r["entity_id"]] = pairs
        rows.append(EntityRow(
            entity_id=r["entity_id"],
            canonical=r["canonical"],
            entity_type=r["entity_type"],
            aliases=tuple(a for _m, a in pairs if a != r["canonical"]),
            exchange_code=r.get("exchange_code") or None,
            parent_id=r.get("parent_id") or None,
            role=r.get("role") or None,
        ))
    return Lexicon(rows, annotated)


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    """The entity lexicon, loaded and compiled once per process."""
    return _build_lexicon(LEXICON_PATH)


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


def _alternation_by_first(words: Iterable[str]) -> str:
    """`_alternation` with the words grouped under their first character, same matches (words
    starting differently never both match at one position): `re` tries one group per position
    instead of every word, which counts where the first characters are common letters."""
    groups: dict[str, list[str]] = {}
    for w in sorted(set(words), key=lambda w: (-len(w), w)):
        groups.setdefault(w[0], []).append(re.escape(w[1:]))
    return "|".join(re.escape(c) + (rest[0] if len(rest) == 1 else "(?:" + "|".join(rest) + ")")
                    for c, rest in groups.items())


class _Patterns:
    """Compiled cue patterns from entity_patterns.csv."""

    def __init__(self, path: Path) -> None:
        by_kind: dict[str, list[tuple[str, str]]] = {}
        for r in _read_table(path):
            by_kind.setdefault(r["kind"], []).append((r["cue"], r.get("value", "")))
        self.company_suffix = dict(by_kind["company_suffix"])
        self.english_suffix = dict(by_kind["english_suffix"])
        self.business_words = sorted((c for c, _ in by_kind["business_word"]), key=len, reverse=True)
        self.gov_body = dict(by_kind["gov_body"])
        self.product_cue = dict(by_kind["product_cue"])
        self.project_cue = dict(by_kind["project_cue"])
        # Tuples: str.startswith/endswith test all of them in one call.
        self.cue_before = tuple(sorted({_lower(c) for c, _ in by_kind["alias_cue_before"]}, key=len, reverse=True))
        self.cue_after = tuple(sorted({_lower(c) for c, _ in by_kind["alias_cue_after"]}, key=len, reverse=True))
        self.model_family = {_lower(c): (c, v.strip()) for c, v in by_kind["model_family"]}
        self.model_tier = {_lower(c): c for c, _ in by_kind["model_tier"]}
        self.generic_ascii = {_lower(c) for c, _ in by_kind["generic_ascii"]}
        self.stop_chars = frozenset(c for c, _ in by_kind["name_stop_char"])
        self.lead_words = sorted((c for c, _ in by_kind["name_lead_word"]), key=len, reverse=True)
        self.blocking_words = frozenset(_lower(c) for c, _ in by_kind["alias_blocking_word"])
        self.blocking_after = _grouped(by_kind["alias_blocking_after"])
        self.blocking_unless = _grouped(by_kind["alias_blocking_unless"])
        self.role_cues: dict[str, tuple[str, ...]] = {}
        for c, role in by_kind["role_cue"]:
            self.role_cues[role] = (*self.role_cues.get(role, ()), _lower(c))

        self.sector_prefix = {_lower(c): v for c, v in by_kind["sector_prefix"]}
        self.sector_suffix = {_lower(c): v for c, v in by_kind["sector_suffix"]}
        self.sector_blocking_before = tuple(sorted((c for c, _ in by_kind["sector_blocking_before"]), key=len,
                                                   reverse=True))
        self.sector_blocking_after = tuple(_lower(c) for c, _ in by_kind["sector_blocking_after"])
        # Last characters of every blocking-before word, so most positions skip that test at once.
        self.sector_blocking_before_ends = frozenset(w[-1] for w in self.sector_blocking_before if w)
        counts = "".join(re.escape(c) for c, _ in by_kind["sector_count_word"])
        # Last characters of every prefix and count: a noun after any other character has no prefix.
        self.sector_cue_ends = frozenset({w[-1] for w in self.sector_prefix} | {c for c, _ in by_kind["sector_count_word"]}
                                         | {" "})
        # The same for prefixes and counts apart (see `_cue_char_before`); the count pattern below
        # puts the count words in a character class, so any of their characters can end a count.
        self.sector_prefix_ends = frozenset(w[-1] for w in self.sector_prefix)
        self.sector_count_ends = frozenset("".join(c for c, _ in by_kind["sector_count_word"]))
        # Read backwards from a sector noun: `上市`, `申万`, `全国`... each optionally after a space.
        self.sector_prefix_rx = re.compile(rf"(?:{_alternation(self.sector_prefix)}) ?$")
        self.sector_count_rx = re.compile(rf"(?:\d+|[一二两三四五六七八九十百千几数多]+) ?[{counts}] ?$")
        suffixes = [re.escape(c) + ("(?![a-z])" if c.isascii() else "")
                    for c in sorted(self.sector_suffix, key=lambda w: (-len(w), w))]
        self.sector_suffix_rx = re.compile(" ?(" + "|".join(suffixes) + ")")

        self.company_rx = re.compile(f"(?:{_alternation(self.company_suffix)})")
        # Body words are Chinese (the trie's ASCII word-boundary rule never applies to them), and
        # common characters start them: the trie regex scans about twice as fast as an alternation.
        if all(_is_cjk(ch) for w in self.gov_body for ch in w):
            self.gov_rx = re.compile(_trie_regex(self.gov_body))
        else:
            self.gov_rx = re.compile(f"(?:{_alternation(self.gov_body)})")
        self.name_run_rx = re.compile(f"[{_CJK}A-Za-z0-9()]+$")
        # Found by the legal form first (rare in Chinese text, a literal prefix `re` skips
        # to), then the capitalized words before it: `Acme Robotics Inc.`.
        self.english_suffix_rx = re.compile(rf"(?:{_alternation(self.english_suffix)})(?![A-Za-z])")
        self.english_word_rx = re.compile(r"[A-Z][A-Za-z0-9&'.\-]*")
        tiers = _alternation(self.model_tier)
        # Matched on the lower-cased text without IGNORECASE or a leading look-behind,
        # so `re` can skip to the families' first letters; the word boundary before
        # the family is checked in Python.
        self.model_rx = re.compile(
            rf"({_alternation_by_first(self.model_family)})[ \-]?"
            rf"(\d+(?:\.\d+)?[a-z]?)((?:[ \-](?:{tiers}|\d+(?:\.\d+)?[bmk]))*)"
            rf"(?![a-z0-9])"
        )
        quoted = r"[「“\"『]\s*([^「」“”\"『』\n,。、;;!?()]{1,24}?)\s*[」”\"』]"
        ascii_name = r"([A-Za-z][A-Za-z0-9]*(?:[ \-](?:[A-Z0-9][A-Za-z0-9.]*|" + tiers + r"))*)"
        self.product_rx = re.compile(
            rf"({_alternation(self.product_cue)}) *(?:名为|叫做|叫)? *(?:{quoted}|{ascii_name})(?![A-Za-z0-9])",
        )
        self.project_rx = re.compile(rf"{quoted}\s*({_alternation(self.project_cue)})")


def _grouped(pairs: list[tuple[str, str]]) -> dict[str, tuple[str, ...]]:
    """alias key -> the texts listed for it (lower-cased, folded)."""
    out: dict[str, tuple[str, ...]] = {}
    for alias, text in pairs:
        key = lookup_key(alias)
        out[key] = (*out.get(key, ()), _lower(fold(text)))
    return out


@lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    return _Patterns(PATTERNS_PATH)


@lru_cache(maxsize=16384)
def derived_id(canonical: str) -> str:
    """Deterministic key of an entity found by a pattern, not in the lexicon."""
    return "x-" + hashlib.sha1(canonical.encode("utf-8")).hexdigest()[:10]


def company_core(name: str) -> str:
    """Short name of a Chinese company: region prefix, legal form and business words stripped.

    `上海秘塔网络科技有限公司` -> `秘塔`; `杭州海康威视数字技术股份有限公司` -> `海康威视`.
    Never strips below two characters, so the result is still a usable alias.
    """
    pats, lex = _patterns(), load_lexicon()
    core = fold(name).strip()
    for suffix in sorted(pats.company_suffix, key=len, reverse=True):
        if core.endswith(suffix) and len(core) - len(suffix) >= 2:
            core = core[: -len(suffix)]
            break
    changed = True
    while changed:
        changed = False
        for word in pats.business_words:
            if core.endswith(word) and len(core) - len(word) >= 2:
                core, changed = core[: -len(word)], True
                break
    for n in range(min(lex.max_place_len, len(core) - 2), 1, -1):
        if core[:n] in lex.places:
            core = core[n:]
            break
    return core


def english_core(name: str) -> str:
    """An English company name without its legal form: `Acme Robotics Inc.` -> `Acme Robotics`."""
    pats = _patterns()
    for suffix in sorted(pats.english_suffix, key=len, reverse=True):
        if name.endswith(suffix) and len(name) > len(suffix) + 2:
            return name[: -len(suffix)].rstrip(" ,")
    return name


def _core_name(canonical: str) -> str:
    return english_core(canonical) if canonical.isascii() else company_core(canonical)


class _Candidate(NamedTuple):
    start: int
    end: int
    entity_id: str
    canonical: str
    entity_type: str
    source: str
    priority: int        # 0 lexicon, 1 pattern: lexicon wins ties of equal length


_new_candidate = builder(_Candidate)
_new_mention = builder(EntityMention)
_START = itemgetter(0)     # a candidate's start, as a sort key computed in C


def _lexicon_candidates(lex: Lexicon, folded: str, low: str) -> list[_Candidate]:
    """Alias matches, plus the aliases starting inside a short match.

    The regex gives leftmost matches only, so in `其中山东省` it finds `中山` and
    never sees `山东省`; matches of up to three characters are therefore re-tried
    one and two characters later, and `_select` keeps the longest. A two-character
    alias whose first character ends a common word (`其中国产`, `提高通信`) is dropped.
    """
    blocking = _patterns().blocking_words
    rules = _alias_rules()
    matcher, openings = lex.matcher, lex.openings
    found = []
    for m in matcher.finditer(low):
        start, end = m.span()
        hits: tuple[tuple[int, int, str], ...] = ((start, end, m.group()),)
        if end - start <= 3:
            for shift in (1, 2):
                if start + shift < end and low[start + shift:start + shift + 2] in openings:
                    inner = matcher.match(low, start + shift)
                    if inner is not None and inner.end() > end:
                        hits = (*hits, (*inner.span(), inner.group()))
        for start, end, surface in hits:
            if end - start == 2 and start and low[start - 1:start + 1] in blocking:
                continue
            # Keys hold no separators, so a surface found as is needs no stripping (most do).
            rule = rules.get(surface) or rules.get(surface.translate(_STRIP_SEPS))
            if rule is None:
                continue
            entity_id, canonical, entity_type, exact, followers, unless = rule
            if exact is not None and folded[start:end].translate(_STRIP_SEPS) not in exact:
                continue
            if followers and _followed_by(low, end, followers, unless):
                continue
            found.append(_new_candidate((start, end, entity_id, canonical, entity_type, "lexicon", 0)))
    return found


@lru_cache(maxsize=1)
def _alias_rules() -> dict[str, tuple[str, str, str, frozenset[str] | None, tuple[str, ...], tuple[str, ...]]]:
    """Alias key -> what a match of it needs: (entity_id, canonical, entity_type, the spellings
    allowed if case-sensitive else None, the words that stop it after, their exceptions).
    One lookup per match instead of one per table."""
    lex, pats = load_lexicon(), _patterns()
    rules = {}
    for key, entity_id in lex.alias_index.items():
        row = lex.by_id[entity_id]
        rules[key] = (entity_id, row.canonical, row.entity_type, lex.case_sensitive.get(key),
                      pats.blocking_after.get(key, ()), pats.blocking_unless.get(key, ()))
    return rules


def _followed_by(low: str, end: int, followers: tuple[str, ...], unless: tuple[str, ...]) -> bool:
    """Whether low[end:] starts (after spaces) with one of `followers` but none of `unless`."""
    after = low[end:end + 16].lstrip(" ")
    return any(after.startswith(f) for f in followers) and not any(after.startswith(u) for u in unless)


# Between a role word and the short form it licenses: 险企中新华, 上市险企如平安.
_ROLE_CUE_LINK = re.compile(r"(?:中|里|如|包括|例如|比如)$")
# Between two items of a list of names: `平安、太保`, `平安和国寿`, `太保/新华`.
_LIST_GAP_BEFORE = re.compile(r" *(?:、|,|/|和|及|与|以及) *$")
_LIST_GAP_AFTER = re.compile(r" *(?:、|,|/|和|及|与|以及) *")


def _cued_candidates(lex: Lexicon, low: str, lexicon_found: list[_Candidate]) -> list[_Candidate]:
    """Cue-only aliases (IDC, Figure, 平安) licensed by their context.

    A cue word right before or after licenses any of them (根据 IDC, Figure 发布). A
    short form of a company with a role (insurer, broker, bank) is licensed by a word
    of that role beside it (险企平安, 新华等险企) or by standing in a list next to an
    entity of the same role (平安、太保、国寿、新华: 太保 and 国寿 are plain aliases, and
    each licensed item licenses its neighbours), because alone 平安 or 新华 is too ambiguous.
    """
    if lex.cue_only_matcher is None:
        return []
    pats = _patterns()
    found = []
    pending: list[tuple[int, int, EntityRow]] = []
    for m in lex.cue_only_matcher.finditer(low):
        surface = m.group()
        entity_id = lex.cue_only_index.get(surface) or lex.cue_only_index.get(surface.translate(_STRIP_SEPS))
        if entity_id is None:
            continue
        row = lex.by_id[entity_id]
        start, end = m.span()
        before = low[max(0, start - 16):start].rstrip()
        after = low[end:end + 8].lstrip()
        role_cues = pats.role_cues.get(row.role or "", ())
        if before.endswith(pats.cue_before) or after.startswith(pats.cue_after) or (role_cues and (
                _ROLE_CUE_LINK.sub("", before).endswith(role_cues) or after.startswith(role_cues)
                or (after.startswith("等") and after.startswith(role_cues, 1)))):
            found.append(_Candidate(start, end, entity_id, row.canonical, row.entity_type, "cued_alias", 0))
        elif row.role in pats.role_cues:
            pending.append((start, end, row))
    if pending:
        found += _listed_with_peers(low, pending, lexicon_found, found)
    return found


def _listed_with_peers(low: str, pending: list[tuple[int, int, EntityRow]], lexicon_found: list[_Candidate],
                       licensed: list[_Candidate]) -> list[_Candidate]:
    """Cue-only aliases standing in a list next to an entity of the same role, spread along the list."""
    lex = load_lexicon()
    role_at_end: dict[int, str | None] = {}
    role_at_start: dict[int, str | None] = {}
    for c in (*lexicon_found, *licensed):
        role = lex.by_id[c.entity_id].role
        role_at_end[c.end], role_at_start[c.start] = role, role
    found = []
    changed = True
    while changed and pending:
        changed = False
        for item in list(pending):
            start, end, row = item
            gap = _LIST_GAP_BEFORE.search(low, max(0, start - 6), start)
            after = _LIST_GAP_AFTER.match(low, end)
            if (gap is not None and role_at_end.get(gap.start()) == row.role) or \
                    (after is not None and role_at_start.get(after.end()) == row.role):
                found.append(_Candidate(start, end, row.entity_id, row.canonical, row.entity_type, "listed_alias", 0))
                role_at_end[end], role_at_start[start] = row.role, row.role
                pending.remove(item)
                changed = True
    return found


def _from_lexicon_or_derived(
    name: str, entity_type: str, start: int, end: int, source: str, core: str | None = None
) -> _Candidate:
    lex = load_lexicon()
    row = lex.resolve(name) or (lex.resolve(core) if core and len(core) >= 2 else None)
    if row is not None:
        return _Candidate(start, end, row.entity_id, row.canonical, row.entity_type, source, 1)
    return _Candidate(start, end, derived_id(name), name, entity_type, source, 1)


def _company_candidates(folded: str, lexicon_found: list[_Candidate]) -> list[_Candidate]:
    """Chinese full names ending in a legal form (有限公司, 集团, 大学...)."""
    pats, lex = _patterns(), load_lexicon()
    named_end = {c.end: c for c in lexicon_found if c.entity_type in ("company", "organization")}
    place_start = {c.start: c for c in lexicon_found if c.entity_id in lex.place_ids}
    found = []
    for m in pats.company_rx.finditer(folded):
        s, e = m.start(), m.end()
        run = pats.name_run_rx.search(folded, max(0, s - 20), s)
        if run is None:
            continue
        run_start = run.start()
        start: int | None    # a known name's start; else the place-led or plain start, if any
        entity_type = pats.company_suffix[m.group()]
        # A known name followed only by business words: 华为技术有限公司 is 华为.
        for pos in range(s, run_start - 1, -1):
            known = named_end.get(pos)
            if known and known.start >= run_start and _only_business_words(folded[pos:s], pats):
                start = known.start
                place = next((p for p in lexicon_found if p.end == start and p.start >= run_start
                              and p.entity_id in lex.place_ids), None)
                start = place.start if place else start
                found.append(_Candidate(start, e, known.entity_id, known.canonical, known.entity_type,
                                        "company_name", 1))
                break
        else:
            start = _place_led_start(folded, run_start, s, place_start, pats)
            if start is None:
                # No place prefix: the name is the whole run after any lead word
                # (公司…, 旗下…), and only when the run starts after a break.
                lead = _strip_lead_words(folded, run_start, s, pats)
                if (run_start == 0 or not _is_cjk(folded[run_start - 1]) or lead > run_start) \
                        and _plausible_name(folded[lead:s], pats) and s - lead <= 10:
                    start = lead
            if start is None:
                continue
            name = folded[start:e]
            core = company_core(name) if entity_type == "company" else None
            if core is not None and (len(core) < 2 or core == name):
                continue
            found.append(_from_lexicon_or_derived(name, entity_type, start, e, "company_name", core))
    return found


def _place_led_start(folded: str, run_start: int, s: int, place_start: dict[int, _Candidate],
                     pats: _Patterns) -> int | None:
    """Start of the earliest place name in the run that begins a plausible company name."""
    places = load_lexicon().places
    longest = load_lexicon().max_place_len
    for p in range(run_start, s - 2):
        known = place_start.get(p)
        ends = [known.end] if known is not None else []
        ends += [p + n for n in range(min(longest, s - p - 2), 1, -1) if folded[p:p + n] in places]
        for end in ends:
            if _plausible_name(folded[end:s], pats):
                return p
    return None


def _strip_lead_words(folded: str, start: int, s: int, pats: _Patterns) -> int:
    changed = True
    while changed:
        changed = False
        for word in pats.lead_words:
            if folded.startswith(word, start) and s - start - len(word) >= 2:
                start, changed = start + len(word), True
                break
    return start


def _is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


def _only_business_words(s: str, pats: _Patterns) -> bool:
    while s:
        word = next((w for w in pats.business_words if s.startswith(w)), None)
        if word is None:
            return False
        s = s[len(word):]
    return True


def _plausible_name(between: str, pats: _Patterns) -> bool:
    """Text between a place and a legal form that can be a name: no particles, not only business words."""
    return (len(between) >= 2 and not any(ch in pats.stop_chars for ch in between)
            and not _only_business_words(between, pats))


_EN_LEADING = frozenset({"the", "a", "an", "according", "to", "in", "on", "at", "by", "for", "from", "with",
                         "of", "per", "as", "said", "and", "while", "but", "peers", "including", "rival", "like"})
_EN_GENERIC = frozenset({"group", "holding", "holdings", "technology", "technologies", "international",
                         "co", "co.", "company", "corp", "corp.", "corporation", "global", "limited"})


def _english_company_candidates(folded: str) -> list[_Candidate]:
    pats = _patterns()
    found = []
    for m in pats.english_suffix_rx.finditer(folded):
        s = m.start()
        if s < 2 or folded[s - 1] != " " and folded[s - 1] != ",":
            continue
        # Capitalized words (and `&`, `of`, `de`) right before the legal form, read backwards.
        head = folded[max(0, s - 80):s].rstrip(" ,")
        words: list[str] = []
        for word in reversed(head.split(" ")):
            if word in ("&", "of", "de") or (pats.english_word_rx.fullmatch(word) is not None):
                words.append(word)
            else:
                break
        words.reverse()
        while words and words[0] in ("&", "of", "de"):
            words = words[1:]
        # Sentence-initial and list words are capitalized too: `According to Apple Inc.`
        while words and _lower(words[0]) in _EN_LEADING:
            words = words[1:]
        if not words:
            continue
        core = " ".join(words)
        start = len(head) + max(0, s - 80) - len(core)
        if folded[start:start + len(core)] != core:
            continue
        full = folded[start:m.end()]
        lex = load_lexicon()
        shorter = list(words)
        row = lex.resolve(full)
        while row is None and shorter:
            row = lex.resolve(" ".join(shorter))
            if shorter[-1].lower() not in _EN_GENERIC:
                break
            shorter = shorter[:-1]
        if row is not None:
            found.append(_Candidate(start, m.end(), row.entity_id, row.canonical, row.entity_type,
                                    "english_company", 1))
        else:
            found.append(_Candidate(start, m.end(), derived_id(full), full, pats.english_suffix[m.group()],
                                    "english_company", 1))
    return found


def _government_candidates(folded: str, lexicon_found: list[_Candidate]) -> list[_Candidate]:
    """`<place>(委)?<body>` (北京市通信管理局), or `市<body>` resolved to the last city named."""
    pats, lex = _patterns(), load_lexicon()
    places = [c for c in lexicon_found if c.entity_id in lex.division_ids]
    place_end = {c.end: c for c in places}
    found = []
    for m in pats.gov_rx.finditer(folded):
        s, e = m.start(), m.end()
        body = pats.gov_body[m.group()]
        p = s - 1 if s > 0 and folded[s - 1] == "委" else s
        place = place_end.get(p)
        if place is not None:
            canonical = place.canonical + body
            found.append(_Candidate(place.start, e, derived_id(canonical), canonical, "government", "gov_body", 1))
            continue
        # Relative `市发展改革委` after `上海市通信管理局会同`: the city named last.
        level = folded[p - 1] if p > 0 else ""
        if level not in ("市", "省") or (p > 1 and folded[p - 2] in "城超股上都夜门集本"):
            continue
        roles = {"city", "municipality"} if level == "市" else {"province"}
        last = next((c for c in reversed(places) if c.end <= p - 1
                     and lex.by_id[c.entity_id].role in roles), None)
        if last is None:
            continue
        canonical = last.canonical + body
        found.append(_Candidate(p - 1, e, derived_id(canonical), canonical, "government", "gov_body_relative", 1))
    return found


def _is_plausible_product(name: str, pats: _Patterns) -> bool:
    words = name.split()
    if not words or _lower(words[0]) in pats.generic_ascii or _lower(name) in pats.generic_ascii:
        return False
    first = words[0]
    if first.islower() and len(words) == 1:
        return False       # `模型 token`: ordinary words, not names
    return first[0].isalpha() and (len(first) >= 3 or any(ch.isdigit() for ch in name))


def _product_candidates(folded: str) -> list[_Candidate]:
    """Names right after a cue word: 应用「美图设计室」, 大模型 MetaLLM, 机器人 Figure 01."""
    pats = _patterns()
    found = []
    for m in pats.product_rx.finditer(folded):
        cue_type = pats.product_cue[m.group(1)]
        if m.group(2) is not None:
            name, start = m.group(2).strip(), m.start(2) + (len(m.group(2)) - len(m.group(2).lstrip()))
            if len(name) < 2 or name[0].isdigit() or _lower(name.replace(" ", "")) in pats.generic_ascii:
                continue
        else:
            words = m.group(3).split()
            # `Mobile ALOHA Mobile ALOHA 能在`: a name does not repeat its first word.
            if words[0] in words[1:]:
                words = words[: words.index(words[0], 1)]
            name, start = " ".join(words), m.start(3)
            if not _is_plausible_product(name, pats):
                continue
        end = start + len(name)
        if folded[start:end] != name:
            continue
        found.append(_from_lexicon_or_derived(name, cue_type, start, end, "product_cue"))
    for m in pats.project_rx.finditer(folded):
        name = m.group(1).strip()
        start = m.start(1) + (len(m.group(1)) - len(m.group(1).lstrip()))
        if len(name) >= 2 and not name[0].isdigit():
            found.append(_from_lexicon_or_derived(name, pats.project_cue[m.group(2)], start,
                                                  start + len(name), "project_cue"))
    return found


def _model_version_candidates(low: str) -> list[_Candidate]:
    """Model family + version + tier words: Gemini 1.5 pro, Qwen2.5-Max, Claude 3.5 Sonnet."""
    pats = _patterns()
    found = []
    for m in pats.model_rx.finditer(low):
        if m.start() and low[m.start() - 1] in _ASCII_ALNUM:
            continue
        family, joiner = pats.model_family[m.group(1)]
        tail = [t for t in re.split(r"[ \-]", m.group(3)) if t]
        tail = [pats.model_tier.get(_lower(t), t.upper()) for t in tail]
        sep = {"hyphen": "-", "space": " "}.get(joiner, "")
        canonical = " ".join([family + sep + m.group(2), *tail])
        found.append(_from_lexicon_or_derived(canonical, "model", m.start(), m.end(), "model_version"))
    return found


class _Sectors:
    """The sector nouns of entity_sectors.csv with one matcher for all of them."""

    def __init__(self, path: Path) -> None:
        self.standalone: dict[str, bool] = {}
        self.firms: dict[str, bool] = {}
        keys = set()
        for r in _read_table(path):
            key = lookup_key(r["sector"])
            self.standalone[key] = r["standalone"] == "yes"
            self.firms[key] = r["firms"] == "yes"
            keys.add(_pattern_key(r["sector"]))
        self.matcher = re.compile(_trie_regex(keys))
        self.openings = _openings(keys)
        self.bare = frozenset(k for k, yes in self.standalone.items() if yes)
        # Characters that can follow a noun inside a sector phrase: another noun, a suffix, a space.
        suffixes = {_lower(r["cue"]) for r in _read_table(PATTERNS_PATH) if r["kind"] == "sector_suffix"}
        self.next_chars = frozenset({k[0] for k in keys} | {w[0] for w in suffixes} | {" "})


@lru_cache(maxsize=1)
def _sectors() -> _Sectors:
    return _Sectors(SECTORS_PATH)


_OWNER_TYPES = frozenset({"company", "organization", "product", "model"})
_CLAUSE_BREAK = frozenset("\n。;!?,、:- —")
_SPACE_NEXT_TO_CJK = re.compile(rf"\s+(?=[{_CJK}])|(?<=[{_CJK}])\s+")


@lru_cache(maxsize=16384)
def sector_canonical(surface: str) -> str:
    """Canonical name of a sector phrase: as written, without spaces next to Chinese, English words
    lower-cased unless all capitals (`中国 AI 服务器市场` -> `中国AI服务器市场`, `Data center market` ->
    `data center market`), so every spelling of one phrase gets one id."""
    text = _SPACE_NEXT_TO_CJK.sub("", fold(surface).strip())
    return " ".join(w if w.isupper() else _lower(w) for w in text.split())


def _sector_candidates(folded: str, low: str, lexicon_found: list[_Candidate]) -> list[_Candidate]:
    """Industries, sectors and markets: a run of sector nouns with a cue around it.

    `[place] [count] [provider|上市|scope]* noun+ [suffix]`: 申万医药生物行业, 42家上市券商 (the count
    licenses but stays outside the span: it is a quantity), 全国风电, 中国 AI 服务器市场, the
    semiconductor industry. A bare noun is a sector only when entity_sectors.csv marks it
    standalone, and not right after a company or a possessive (比亚迪新能源汽车, 公司动力电池:
    the company's business). `行业`, `市场`, `企业` alone are never sectors.
    """
    pats, sectors, lex = _patterns(), _sectors(), load_lexicon()
    places = {c.end: c for c in lexicon_found if c.entity_id in lex.place_ids}
    owner_ends = {c.end for c in lexicon_found if c.entity_type in _OWNER_TYPES}
    # Hoisted: the loop runs once per sector-noun hit, tens of thousands per million characters.
    matcher_match, openings = sectors.matcher.match, sectors.openings
    next_chars, cue_ends, bare = sectors.next_chars, pats.sector_cue_ends, sectors.bare
    standalone, firms = sectors.standalone, sectors.firms
    suffix_match, suffix_kinds = pats.sector_suffix_rx.match, pats.sector_suffix
    prefix_search, prefix_kinds = pats.sector_prefix_rx.search, pats.sector_prefix
    count_search = pats.sector_count_rx.search
    blocking_before, blocking_before_ends = pats.sector_blocking_before, pats.sector_blocking_before_ends
    prefix_ends, count_ends = pats.sector_prefix_ends, pats.sector_count_ends
    found = []
    last_end = -1
    n = len(low)
    for m in sectors.matcher.finditer(low):
        s, e = m.span()
        if s < last_end:
            continue
        head = m.group()
        # Most hits are a bare noun with no cue (AI, 芯片 in running text): two character tests reject them.
        before_cue = s > 0 and low[s - 1] in cue_ends
        if (e >= n or low[e] not in next_chars) and not before_cue and head not in bare:
            continue
        while e < n and low[e] in next_chars:
            p = e + 1 if low[e] == " " else e
            nxt = matcher_match(low, p) if low[p:p + 2] in openings else None
            if nxt is None:
                break
            e, head = nxt.end(), nxt.group()
        last_end = e
        if " " in head or "-" in head or "_" in head:
            head = head.translate(_STRIP_SEPS)
        suffix = suffix_match(low, e)
        if suffix is None and not standalone.get(head) and not before_cue:
            continue
        suffix_kind = suffix_kinds[suffix.group(1)] if suffix else None
        start, kinds = s, set()
        cue_char = _cue_char_before(low, start)
        while cue_char in prefix_ends:
            prefix = prefix_search(low, max(0, start - 10), start)
            if prefix is None:
                break
            kind = prefix_kinds[prefix.group().rstrip(" ")]
            p0 = prefix.start()
            if (p0 and low[p0] in _ASCII_ALNUM and low[p0 - 1] in _ASCII_ALNUM) or (
                    # 上市 is `listed` before the companies of an industry (上市券商, 上市医药公司), else
                    # `launched` (新上市创新药).
                    kind == "listed" and not firms.get(head) and suffix_kind in (None, "open")):
                break
            kinds.add(kind)
            start = p0
            cue_char = _cue_char_before(low, start)
        count = count_search(low, max(0, start - 8), start) if cue_char in count_ends else None
        # `一家半导体公司` is "a semiconductor company", not a group of them.
        counted = count is not None and count.group().strip(" 家") not in ("一", "1")
        if (suffix_kind == "counted" and not (counted or kinds)) or (
                suffix_kind == "collective" and not (counted or kinds or start == 0 or low[start - 1] in _CLAUSE_BREAK)):
            suffix = None
        if suffix is None and not (counted or kinds & {"scope", "listed"}):
            if not standalone.get(head) or start in owner_ends \
                    or (start and low[start - 1] == " " and start - 1 in owner_ends) \
                    or (start and low[start - 1] in blocking_before_ends and low.endswith(blocking_before, 0, start)):
                continue
        end = suffix.end() if suffix else e
        # A place joins a phrase with a suffix (中国 AI 服务器市场) or an `X业` noun (中国银行业: not the bank
        # 中国银行); before a bare noun it stays a place of its own (上海 新能源汽车销量).
        if suffix is not None or head.endswith("业"):
            start = _place_start_before(folded, start, places)
        if _sector_blocked_after(folded, low, end, pats) or (low[end - 1] == "业" and low.startswith("务", end)):
            continue       # 光伏行业协会, 光伏发电设备有限公司; 中国银行业务 is 中国银行 + 业务
        canonical = sector_canonical(folded[start:end])
        found.append(_new_candidate((start, end, derived_id(canonical), canonical, "other", "sector", 1)))
    return found


def _cue_char_before(low: str, end: int) -> str:
    """The last character of the cue a `(?:words) ?$` pattern read backwards would find ending at
    `end`: the character before `end`, past a newline (`$` matches before one too) and then a
    space; '' at the start. Most sector nouns have no prefix or count character there, which
    spares the regex searches."""
    j = end - 1
    if j >= 0 and low[j] == "\n":
        j -= 1
    if j >= 0 and low[j] == " ":
        j -= 1
    return low[j] if j >= 0 else ""


def _place_start_before(folded: str, start: int, places: dict[int, _Candidate]) -> int:
    """Start of a place name ending right before `start` (a space between allowed), else `start`.

    The lexicon pass may have consumed the place inside a longer name (中国银行业: it found
    the bank 中国银行), so the place aliases are also looked up in the text itself.
    """
    lex = load_lexicon()
    end = start - 1 if start and folded[start - 1] == " " else start
    place = places.get(end)
    if place is not None:
        return place.start
    if not end or folded[end - 1] not in lex.place_last_chars:
        return start
    for n in range(min(lex.max_place_len, end), 1, -1):
        if folded[end - n:end] in lex.places and not (
                end - n and folded[end - n] in _ASCII_ALNUM and folded[end - n - 1] in _ASCII_ALNUM):
            return end - n
    return start


def _sector_blocked_after(folded: str, low: str, end: int, pats: _Patterns) -> bool:
    """Whether the phrase ending at `end` is part of an organization's or a company's name."""
    after = low[end:end + 12].lstrip(" ")
    if after.startswith(pats.sector_blocking_after):
        return True
    legal = pats.company_rx.search(folded, end, end + 10)
    if legal is None:
        return False
    between = folded[end:legal.start()]
    return all(_is_cjk(ch) and ch not in pats.stop_chars for ch in between)


def _select_key(c: _Candidate) -> tuple[int, int, int]:
    return (c.start - c.end, c.priority, c.start)


def _select(candidates: list[_Candidate], length: int) -> list[_Candidate]:
    """Non-overlapping candidates: longest first, lexicon before patterns, then leftmost; sorted by start.

    The rule only ever compares candidates that overlap, so it is applied within each run of
    overlapping candidates: most candidates overlap nothing and are kept without the sort
    and the bookkeeping (tens of thousands of lexicon hits per million characters).
    """
    taken = bytearray(length)
    chosen: list[_Candidate] = []
    # By start, stably: candidates of one span keep their order, which decides their ties.
    ordered = sorted(candidates, key=_START)
    i, n = 0, len(ordered)
    while i < n:
        c = ordered[i]
        reach = c[1]
        j = i + 1
        while j < n and ordered[j][0] < reach:
            if ordered[j][1] > reach:
                reach = ordered[j][1]
            j += 1
        if j == i + 1:
            if reach > c[0]:
                chosen.append(c)
        else:
            kept = []
            for rival in sorted(ordered[i:j], key=_select_key):
                start, end = rival[0], rival[1]
                if end > start and taken.find(1, start, end) < 0:      # no character of the span taken yet
                    taken[start:end] = b"\x01" * (end - start)
                    kept.append(rival)
            kept.sort(key=_START)
            chosen += kept
        i = j
    return chosen


_CORE_SOURCES = frozenset({"company_name", "english_company"})


def _core_alias_candidates(folded: str, chosen: list[_Candidate]) -> list[_Candidate]:
    """Later (or earlier) bare mentions of a derived company's core name: 秘塔 after 上海秘塔网络科技有限公司."""
    lex = load_lexicon()
    cores: dict[str, _Candidate] = {}
    # Longest first (the order `_select` weighs them in): the first name of a core owns it.
    for c in sorted((c for c in chosen if c.source in _CORE_SOURCES), key=_select_key):
        if c.source == "company_name" and c.entity_id.startswith("x-") and c.entity_type == "company":
            core = company_core(c.canonical)
            if len(core) >= 2 and core != c.canonical and lookup_key(core) not in lex.alias_index:
                cores.setdefault(core, c)
        elif c.source == "english_company" and c.entity_id.startswith("x-") and c.entity_type == "company":
            core = english_core(c.canonical)
            if len(core) >= 3 and core != c.canonical and lookup_key(core) not in lex.alias_index:
                cores.setdefault(core, c)
    if not cores:
        return []
    rx = re.compile(r"(?<![A-Za-z0-9])(?:" + _alternation(cores) + r")(?![A-Za-z0-9])")
    return [_Candidate(m.start(), m.end(), cores[m.group()].entity_id, cores[m.group()].canonical,
                       cores[m.group()].entity_type, "derived_alias", 2)
            for m in rx.finditer(folded)]


def find_entities(text: str, *, folded: str | None = None) -> list[EntityMention]:
    """Entity mentions in a document: non-overlapping, sorted by start, leftmost-longest.

    Lexicon aliases are matched on the folded, lower-cased text; cue patterns find
    names the lexicon lacks (full company names, government bodies, products after
    cue words, versioned models), and a derived company's core name then links its
    bare mentions anywhere in the same text. `folded` is `fold(text)` when the caller
    has it already (folding is a full-text pass).
    """
    if not text:
        return []
    lex = load_lexicon()
    if folded is None:
        folded = fold(text)
    low = _lower(folded)
    lexicon_found = _lexicon_candidates(lex, folded, low)
    candidates = [
        *lexicon_found,
        *_cued_candidates(lex, low, lexicon_found),
        *_company_candidates(folded, lexicon_found),
        *_english_company_candidates(folded),
        *_government_candidates(folded, lexicon_found),
        *_product_candidates(folded),
        *_model_version_candidates(low),
        *_sector_candidates(folded, low, lexicon_found),
    ]
    chosen = _select(candidates, len(text))
    extra = _core_alias_candidates(folded, chosen)
    if extra:
        chosen = _select(chosen + extra, len(text))
    return [_new_mention((start, end, text[start:end], entity_id, canonical, entity_type, source))
            for start, end, entity_id, canonical, entity_type, source, _priority in chosen]


def entity_rows(mentions: Iterable[EntityMention]) -> list[dict]:
    """dim_entity rows for the entities behind mentions, derived ones included.

    Lexicon entities come back as in the lexicon; a derived entity's aliases are the
    surfaces it was found under plus its core name, its source the pattern that found it.
    """
    by_id = load_lexicon().by_id
    rows: dict[str, dict] = {}
    for m in mentions:
        entity_id = m.entity_id
        dim = rows.get(entity_id)
        # A lexicon entity's row is the same for every mention: built once, at its first one.
        if dim is None:
            row = by_id.get(entity_id)
            if row is not None:
                rows[entity_id] = _dim_row(row, list(row.aliases), "lexicon")
                continue
            role = "sector" if m.source == "sector" else None
            dim = rows[entity_id] = _dim_row(
                EntityRow(entity_id, m.canonical, m.entity_type, (), None, None, role), [], m.source)
        elif entity_id in by_id:
            continue
        if m.source != "derived_alias" and dim["source"] == "derived_alias":
            dim["source"] = m.source
        for alias in (m.surface.strip(), _core_name(m.canonical) if m.entity_type == "company" else ""):
            if alias and alias != m.canonical and alias not in dim["aliases"]:
                dim["aliases"].append(alias)
    return list(rows.values())
