"""Building polars frames from Python rows: a batch of documents' extracted rows, as frames."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

from pipelines.extract import document
from pipelines.extract.document import FRAME_SCHEMAS


def frame_from_rows(rows: list[tuple], schema: dict[str, Any]) -> pl.DataFrame:
    """A frame from row tuples in `schema`'s column order, built column by column: polars takes
    whole Python lists about twice as fast as it takes rows."""
    if not rows:
        return pl.DataFrame(schema=schema)
    return pl.DataFrame(dict(zip(schema, zip(*rows, strict=True), strict=True)), schema=schema)


# Rows are turned into frames every this many documents: Python tuples take several times the
# memory of the same rows in a frame, and the worker keeps its peak heap once it has reached it.
FRAME_EVERY_DOCUMENTS = 32


def extract_frames(batch: list[tuple[str, str, dt.date | None]]) -> dict[str, pl.DataFrame]:
    """Frames for a batch of documents. Built here, in the worker, so the parent receives compact
    Arrow-backed frames rather than millions of Python tuples."""
    parts: dict[str, list[pl.DataFrame]] = {k: [] for k in FRAME_SCHEMAS}
    merged: dict[str, list[tuple]] = {k: [] for k in FRAME_SCHEMAS}

    def flush() -> None:
        for k, rows in merged.items():
            if rows:
                parts[k].append(frame_from_rows(rows, FRAME_SCHEMAS[k]))
                merged[k] = []

    for i, (document_id, text, doc_date) in enumerate(batch, 1):
        try:
            # Called through the module: tests replace document.extract_document to make it fail.
            rows_by_frame = document.extract_document(document_id, text, doc_date)
        except Exception as exc:  # noqa: BLE001 - one document's failure must not cost the others
            merged["failed_documents"].append((document_id, f"extraction failed: {type(exc).__name__}: {exc}"[:500]))
            continue
        for k, rows in rows_by_frame.items():
            merged[k].extend(rows)
        if i % FRAME_EVERY_DOCUMENTS == 0:
            flush()
    flush()
    return {k: pl.concat(frames) if frames else pl.DataFrame(schema=FRAME_SCHEMAS[k]) for k, frames in parts.items()}
