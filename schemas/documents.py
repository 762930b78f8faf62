"""Documents staged by ingest: the decoded reports and the files rejected on the way."""

from __future__ import annotations

import datetime as dt

import pandera.polars as pa
import polars as pl


class StagedDocumentModel(pa.DataFrameModel):
    """One decoded report per row, ready to be extracted and loaded into dim_document."""

    document_id: str = pa.Field(str_matches=r"^[0-9a-f]{32}$", description="md5 of the inbox-relative path")
    document: str = pa.Field(str_length={"min_value": 1}, description="inbox-relative path, '/' separators")
    title: str = pa.Field(nullable=True, description="title stated in the report's head")
    published_date: dt.date = pa.Field(nullable=True, description="publication date stated in the report's head")
    source: str = pa.Field(nullable=True, description="publisher or source stated in the report's head")
    sha256: str = pa.Field(str_matches=r"^[0-9a-f]{64}$", description="sha256 of the raw bytes")
    size_bytes: pl.Int64 = pa.Field(ge=1, description="raw file size")
    encoding: str = pa.Field(description="codec the text was decoded with")
    had_bom: bool = pa.Field(description="whether a byte-order mark was stripped")
    characters: pl.Int32 = pa.Field(ge=1, description="code points in the decoded text")
    text: str = pa.Field(description="decoded text, the base of every span offset")

    class Config:
        strict = True
        unique = ["document_id"]


class RejectedDocumentModel(pa.DataFrameModel):
    """One inbox file per row that could not be read as a report, with the reason."""

    document_id: str = pa.Field(str_matches=r"^[0-9a-f]{32}$", description="md5 of the inbox-relative path")
    document: str = pa.Field(str_length={"min_value": 1}, description="inbox-relative path")
    reason: str = pa.Field(str_length={"min_value": 1}, description="one-line human-readable reason")
    sha256: str = pa.Field(nullable=True, description="sha256 of the raw bytes, when they could be read")
    size_bytes: pl.Int64 = pa.Field(nullable=True, ge=0, description="raw file size")

    class Config:
        strict = True
        unique = ["document_id"]
