"""Entities: the dimension rows, their aliases and each mention in a document."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from schemas.vocabulary import SUBJECT_TYPES


class EntityModel(pa.DataFrameModel):
    """One canonical entity per row (dim_entity)."""

    entity_id: str = pa.Field(str_length={"min_value": 1}, description="lexicon id or a hash for pattern-found names")
    canonical: str = pa.Field(str_length={"min_value": 1}, description="canonical display name")
    entity_type: str = pa.Field(isin=SUBJECT_TYPES, description="company, government, model, ...")
    exchange_code: str = pa.Field(nullable=True, description="listing code when the lexicon knows it")
    role: str = pa.Field(nullable=True, description="media, research, exchange, ... for usual sources")
    source: str = pa.Field(description="'lexicon' or the pattern that found the name")

    class Config:
        strict = True
        unique = ["entity_id"]


class EntityAliasModel(pa.DataFrameModel):
    """One spelling of an entity per row (dim_entity_alias)."""

    entity_id: str = pa.Field(description="entity the alias names")
    alias: str = pa.Field(str_length={"min_value": 1}, description="a spelling seen in reports or the lexicon")

    class Config:
        strict = True
        unique = ["entity_id", "alias"]


class EntityMentionModel(pa.DataFrameModel):
    """One entity mention in a document per row (fct_entity_mention)."""

    document_id: str = pa.Field(description="document the mention is in")
    entity_id: str = pa.Field(description="entity mentioned")
    span_start: pl.Int32 = pa.Field(ge=0, description="code-point offset of the mention")
    span_end: pl.Int32 = pa.Field(ge=1, description="end offset, exclusive")
    mention: str = pa.Field(str_length={"min_value": 1}, description="text[span_start:span_end]")

    @pa.dataframe_check
    def span_is_forward(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("span_end") > pl.col("span_start"))

    class Config:
        strict = True
        unique = ["document_id", "span_start"]
