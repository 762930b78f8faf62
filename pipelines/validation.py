"""Validating a staged frame with its pandera model, splitting off failing rows.

Row-level failures (a value out of its set, a bad span) send those rows to the
quarantine table with the check that failed, and the rest load: one bad row
never costs the valid ones. Frame-level failures (a missing column, a wrong
dtype) mean the extraction itself is broken; they fail the blocking asset check
and nothing loads.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import pandera.errors
import pandera.polars as pa
import polars as pl
from pandera.config import ValidationDepth, config_context

QUARANTINE_SCHEMA = {
    "document": pl.String, "frame": pl.String, "check_name": pl.String, "reason": pl.String,
    "row_json": pl.String, "quarantined_at": pl.Datetime("us"),
}
METADATA_SAMPLE_ROWS = 20


@dataclass
class Validation:
    valid: pl.DataFrame
    quarantine: pl.DataFrame
    structural_errors: list[str]
    failures_by_check: dict[str, int]
    failure_sample: pl.DataFrame
    # Valid row count when the valid rows live elsewhere (spilled chunk by chunk to Parquet).
    rows: int | None = None

    @property
    def row_count(self) -> int:
        return self.valid.height if self.rows is None else self.rows

    @property
    def passed(self) -> bool:
        return not self.structural_errors and self.quarantine.is_empty()

    @property
    def blocking_failure(self) -> bool:
        return bool(self.structural_errors)

    def metadata(self) -> dict:
        """Asset-check metadata: counts per check and the first failure cases."""
        md: dict = {
            "dagster/row_count": self.row_count,
            "num_quarantined": self.quarantine.height,
            "num_failures": sum(self.failures_by_check.values()),
            "failures_by_check": dict(self.failures_by_check),
        }
        if self.structural_errors:
            md["structural_errors"] = "\n".join(self.structural_errors[:METADATA_SAMPLE_ROWS])
        if not self.failure_sample.is_empty():
            md["failure_sample"] = markdown_table(self.failure_sample)
        return md


def validate(model: type[pa.DataFrameModel], frame: pl.DataFrame, frame_name: str,
             documents: dict[str, str] | None = None) -> Validation:
    """Validate a collected frame (never a LazyFrame: those skip data checks)."""
    empty_q = pl.DataFrame(schema=QUARANTINE_SCHEMA)
    # An empty frame has no values to check, only its schema (pandera's data checks cost a few ms
    # each even then, and most chunks have an empty frame or two).
    depth = ValidationDepth.SCHEMA_ONLY if frame.is_empty() else ValidationDepth.SCHEMA_AND_DATA
    try:
        with config_context(validation_depth=depth):
            valid = model.validate(frame, lazy=True)
        return Validation(valid, empty_q, [], {}, pl.DataFrame())
    except pandera.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    cases = cases.with_columns(pl.col("failure_case").cast(pl.String))
    row_cases = cases.filter(pl.col("index").is_not_null())
    frame_cases = cases.filter(pl.col("index").is_null())
    structural = [
        f"{r['schema_context']} {r['column'] or ''}: {r['check']} ({r['failure_case']})"
        for r in frame_cases.iter_rows(named=True)
    ]
    by_check = {
        f"{r['column'] or 'frame'}:{r['check']}": r["len"]
        for r in cases.group_by("column", "check").len().sort("column", "check").iter_rows(named=True)
    }
    bad_index = sorted(set(row_cases["index"].to_list()))
    indexed = frame.with_row_index("__row")
    bad_rows = indexed.filter(pl.col("__row").is_in(bad_index))
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    reasons: dict[int, list[tuple[str, str]]] = {}
    for r in row_cases.iter_rows(named=True):
        reasons.setdefault(r["index"], []).append((f"{r['column'] or 'frame'}:{r['check']}", str(r["failure_case"])))
    docs = documents or {}
    q_rows = []
    for row in bad_rows.iter_rows(named=True):
        idx = row.pop("__row")
        for check, case in reasons.get(idx, []):
            doc_key = row.get("document") or docs.get(row.get("document_id") or "")
            q_rows.append((doc_key, frame_name, check, f"{check} failed on {case!r}",
                           json.dumps(row, ensure_ascii=False, default=str), now))
    quarantine = pl.DataFrame(q_rows, schema=QUARANTINE_SCHEMA, orient="row")
    remaining = indexed.filter(~pl.col("__row").is_in(bad_index)).drop("__row")
    if structural:
        valid = remaining
    else:
        valid = model.validate(remaining, lazy=True) if remaining.height else remaining
    return Validation(valid, quarantine, structural, by_check, row_cases.head(METADATA_SAMPLE_ROWS))


def markdown_table(df: pl.DataFrame) -> str:
    cols = df.columns
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for row in df.iter_rows():
        lines.append("| " + " | ".join(str(v).replace("|", "\\|").replace("\n", " ")[:80] for v in row) + " |")
    return "\n".join(lines)
