"""Building polars frames from Python rows."""

from __future__ import annotations

from typing import Any

import polars as pl


def frame_from_rows(rows: list[tuple], schema: dict[str, Any]) -> pl.DataFrame:
    """A frame from row tuples in `schema`'s column order, built column by column: polars takes
    whole Python lists about twice as fast as it takes rows."""
    if not rows:
        return pl.DataFrame(schema=schema)
    return pl.DataFrame(dict(zip(schema, zip(*rows, strict=True), strict=True)), schema=schema)
