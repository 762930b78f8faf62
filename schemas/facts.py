"""Facts staged by extraction: quantities, company signals, events, unparsed mentions."""

from __future__ import annotations

import datetime as dt

import pandera.polars as pa
import polars as pl

from schemas.vocabulary import (
    CANONICAL_UNITS,
    COMPARATORS,
    CURRENCY_PATTERN,
    DIRECTIONS,
    STATUSES,
    STRENGTHS,
    metric_keys,
)

_UNIT_OK = pl.col("unit").is_in(CANONICAL_UNITS) | pl.col("unit").str.contains(CURRENCY_PATTERN)


def _forward_span() -> pl.Expr:
    return pl.col("span_end") > pl.col("span_start")


def _ordered_period(start: str, end: str) -> pl.Expr:
    return pl.col(start).is_null() | pl.col(end).is_null() | (pl.col(end) >= pl.col(start))


class MetricFactModel(pa.DataFrameModel):
    """One quantity stated in a report per row (fct_metric)."""

    fact_id: str = pa.Field(description="md5 of document_id and span: stable across reloads")
    document_id: str = pa.Field(description="document the quantity is stated in")
    subject_id: str = pa.Field(nullable=True, description="entity the quantity is about; NULL if none")
    metric: str = pa.Field(isin=metric_keys(), description="key of the metric vocabulary (dim_metric)")
    value: float = pa.Field(description="value in the canonical unit; a range's low end")
    value_high: float = pa.Field(nullable=True, description="a range's high end")
    unit: str = pa.Field(description="canonical unit (contract table) or ISO currency code")
    comparator: str = pa.Field(isin=COMPARATORS, description="=, ~, >, >=, <, <=")
    counted: str = pa.Field(nullable=True, description="classifier or noun counted, for unit 'count'")
    period_id: str = pa.Field(nullable=True, description="key of dim_period")
    period_start: dt.date = pa.Field(nullable=True, description="first day the quantity refers to")
    period_end: dt.date = pa.Field(nullable=True, description="last day the quantity refers to (inclusive)")
    status: str = pa.Field(isin=STATUSES, description="actual, estimate, forecast or target")
    span_start: pl.Int32 = pa.Field(ge=0, description="code-point offset of the mention in the decoded text")
    span_end: pl.Int32 = pa.Field(ge=1, description="end offset of the mention, exclusive")
    mention: str = pa.Field(str_length={"min_value": 1}, description="text[span_start:span_end]")
    sentence_start: pl.Int32 = pa.Field(ge=0, description="offset of the evidence sentence")
    sentence_end: pl.Int32 = pa.Field(ge=1, description="end offset of the evidence sentence")
    evidence: str = pa.Field(str_length={"min_value": 1}, description="the sentence that states the quantity")

    @pa.dataframe_check
    def unit_is_canonical(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(_UNIT_OK)

    @pa.dataframe_check
    def value_is_finite(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            pl.col("value").is_finite() & (pl.col("value_high").is_null() | pl.col("value_high").is_finite())
        )

    @pa.dataframe_check
    def range_is_ordered(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("value_high").is_null() | (pl.col("value_high") >= pl.col("value")))

    @pa.dataframe_check
    def span_is_forward(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(_forward_span())

    @pa.dataframe_check
    def period_is_ordered(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(_ordered_period("period_start", "period_end"))

    class Config:
        strict = True
        unique = ["fact_id"]


class CompanySignalModel(pa.DataFrameModel):
    """One qualitative performance statement about one company per row (fct_company_signal)."""

    signal_id: str = pa.Field(description="md5 of document_id, span and company")
    document_id: str = pa.Field(description="document the statement is in")
    entity_id: str = pa.Field(description="the company (dim_entity)")
    company_spelling: str = pa.Field(nullable=True, description="the company as this document names it most often")
    aspect: str = pa.Field(description="performance, revenue, profit, margin, cash_flow, orders, ...")
    direction: str = pa.Field(isin=DIRECTIONS, description="up, down or flat")
    strength: str = pa.Field(nullable=True, isin=STRENGTHS, description="strong, moderate, weak or NULL")
    period_id: str = pa.Field(nullable=True, description="key of dim_period")
    period_start: dt.date = pa.Field(nullable=True, description="first day the statement refers to")
    period_end: dt.date = pa.Field(nullable=True, description="last day the statement refers to")
    span_start: pl.Int32 = pa.Field(ge=0, description="offset of the performance phrase")
    span_end: pl.Int32 = pa.Field(ge=1, description="end offset of the phrase, exclusive")
    mention: str = pa.Field(str_length={"min_value": 1}, description="text[span_start:span_end]")
    evidence: str = pa.Field(str_length={"min_value": 1}, description="the sentence that states it")

    @pa.dataframe_check
    def span_is_forward(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(_forward_span())

    class Config:
        strict = True
        unique = ["signal_id"]


class EventModel(pa.DataFrameModel):
    """One mention of a dated event per row (fct_event)."""

    event_id: str = pa.Field(description="md5 of document_id and span")
    event_key: str = pa.Field(description="same key for every mention of one event in a document")
    document_id: str = pa.Field(description="document the event is stated in")
    subject_id: str = pa.Field(nullable=True, description="acting entity (dim_entity)")
    event_type: str = pa.Field(description="key of the event-type vocabulary")
    participants: str = pa.Field(nullable=True, description="JSON list of other entities and their roles")
    period_id: str = pa.Field(nullable=True, description="key of dim_period")
    event_start: dt.date = pa.Field(description="first day the event may have happened")
    event_end: dt.date = pa.Field(description="last day the event may have happened")
    span_start: pl.Int32 = pa.Field(ge=0, description="offset of the event mention")
    span_end: pl.Int32 = pa.Field(ge=1, description="end offset, exclusive")
    mention: str = pa.Field(str_length={"min_value": 1}, description="text[span_start:span_end]")
    evidence: str = pa.Field(str_length={"min_value": 1}, description="the sentence that states it")

    @pa.dataframe_check
    def span_is_forward(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(_forward_span())

    @pa.dataframe_check
    def period_is_ordered(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(_ordered_period("event_start", "event_end"))

    class Config:
        strict = True
        unique = ["event_id"]


class UnparsedMentionModel(pa.DataFrameModel):
    """One number-like mention per row that could not be normalized (fct_unparsed_mention)."""

    document_id: str = pa.Field(description="document the mention is in")
    span_start: pl.Int32 = pa.Field(ge=0, description="offset of the mention")
    span_end: pl.Int32 = pa.Field(ge=1, description="end offset, exclusive")
    mention: str = pa.Field(str_length={"min_value": 1}, description="text[span_start:span_end]")
    reason: str = pa.Field(str_length={"min_value": 1}, description="why no value was loaded")
    evidence: str = pa.Field(nullable=True, description="the sentence around it")

    class Config:
        strict = True
        unique = ["document_id", "span_start"]
