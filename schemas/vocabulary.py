"""Closed value sets shared by the models: the contract's units, comparators, statuses."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

VOCAB_DIR = Path(__file__).resolve().parents[1] / "pipelines" / "vocab"

# The contract's canonical units (CONTRACT.md, "Canonical units"), plus ISO currencies.
CANONICAL_UNITS = (
    "percent", "pp", "count", "multiple", "ratio", "FLOPS", "character", "token",
    "second", "W", "Wh", "kg", "byte", "m", "m2",
)
CURRENCY_PATTERN = r"^[A-Z]{3}$"
COMPARATORS = ("=", "~", ">", ">=", "<", "<=")
STATUSES = ("actual", "estimate", "forecast", "target")
SUBJECT_TYPES = ("company", "organization", "government", "model", "product", "project", "person", "region", "other")
DIRECTIONS = ("up", "down", "flat")
STRENGTHS = ("strong", "moderate", "weak")


@cache
def metric_keys() -> tuple[str, ...]:
    """Metric keys of the vocabulary data file (the rows of dim_metric)."""
    with open(VOCAB_DIR / "metrics.csv", encoding="utf-8") as f:
        return tuple(r["metric"] for r in csv.DictReader(row for row in f if not row.startswith("#")))
