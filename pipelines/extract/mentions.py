"""What each extractor finds in a document's text, before facts are assembled.

Every mention carries `start`/`end`: 0-based code-point offsets into the decoded
text (end exclusive), so `text[start:end] == surface` always holds. Extractors
match on `textnorm.fold(text)`, which keeps lengths, and slice `surface` from
the original text.

NamedTuples rather than dataclasses: extraction creates millions of these on a
large corpus and tuples are the cheapest Python objects that still have names.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from typing import NamedTuple, TypeVar

_T = TypeVar("_T", bound=tuple)


def builder(cls: type[_T]) -> Callable[[tuple], _T]:
    """`cls(*fields)` from a tuple of all its fields, built in C: a NamedTuple's own `__new__` is
    a Python function, one more frame for each of the millions of mentions a corpus yields
    (about 4x slower). No defaults are filled in: give every field."""
    return partial(tuple.__new__, cls)


class QuantityMention(NamedTuple):
    """A number with its unit, normalized to the contract's canonical unit."""

    start: int
    end: int
    surface: str
    value: float              # canonical unit; for a range, the low end
    value_high: float | None  # a range's high end
    unit: str                 # canonical unit: CNY, USD, percent, pp, count, multiple, ratio, FLOPS, ...
    comparator: str           # '=', '~', '>', '>=', '<', '<='
    counted: str | None       # for unit 'count': the classifier or noun counted (台, 张, 参数, 用户)
    unit_surface: str | None  # the unit as written (万元, EFLOPS, 个百分点)


class UnparsedMention(NamedTuple):
    """A number-like mention that could not be normalized with confidence."""

    start: int
    end: int
    surface: str
    reason: str


class PeriodMention(NamedTuple):
    """A stated or implied period or date, resolved to inclusive calendar dates."""

    start: int
    end: int
    surface: str
    period_start: dt.date
    period_end: dt.date
    kind: str                 # day, month, quarter, half, year, years, ytd, asof, ...
    status_hint: str | None   # 'forecast' for 2025E, 'actual' for 2023A, else None
    is_relative: bool         # resolved against the document date (去年, 今年, 同期)


class EntityMention(NamedTuple):
    """A named organization, government body, model/product, project or place."""

    start: int
    end: int
    surface: str
    entity_id: str            # stable key of the canonical entity (lexicon id or derived)
    canonical: str            # canonical display name
    entity_type: str          # company, organization, government, model, product, project, person, region, other
    source: str               # 'lexicon' or the name of the pattern that found it


class Sentence(NamedTuple):
    start: int
    end: int
