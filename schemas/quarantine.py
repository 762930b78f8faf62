"""Rows that failed validation, kept with the check that failed."""

from __future__ import annotations

import datetime as dt

import pandera.polars as pa


class QuarantineModel(pa.DataFrameModel):
    """One failing staged row per check (quarantine table)."""

    document: str = pa.Field(nullable=True, description="document the row came from, when known")
    frame: str = pa.Field(description="staged frame the row belonged to")
    check_name: str = pa.Field(description="pandera check or column that failed")
    reason: str = pa.Field(description="the failure case, readable")
    row_json: str = pa.Field(description="the failing row as JSON")
    quarantined_at: dt.datetime = pa.Field(description="when the row was set aside")

    class Config:
        strict = True
