"""The asset graph: inbox -> staged documents -> extracted facts -> warehouse tables.

Staging assets never open the warehouse for writing; they pass polars frames on
through Dagster's IO manager and validate them with their pandera models inside
the asset (blocking checks, failure cases in the metadata). The single loader
writes every table in one transaction, in the `warehouse` pool, so two runs
never fight over the DuckDB file.
"""

# No `from __future__ import annotations` here: Dagster inspects the real annotations of asset functions.
import time

import dagster as dg
import polars as pl

from pipelines import native
from pipelines import warehouse as wh
from pipelines.defs.resources import InboxResource, WarehouseResource
from pipelines.extract.document import extractor_version
from pipelines.extract.metrics import vocabulary
from pipelines.faults import crash_point
from pipelines.ingest.stage import REJECTED_SCHEMA, StagedDocuments, stage_documents
from pipelines.spool import (
    FAILED_EXTRACTION,
    POOL_MIN_CHARACTERS,
    SHARED,
    SPOOLED,
    Spool,
    SpooledFrame,
    spool_extraction,
    warm_pool,
)
from pipelines.validation import Validation, markdown_table, validate
from schemas import RejectedDocumentModel, StagedDocumentModel

WAREHOUSE_POOL = "warehouse"


def _check(name: str, asset: str, description: str) -> dg.AssetCheckSpec:
    return dg.AssetCheckSpec(name, asset=asset, blocking=True, description=description)


def _check_result(name: str, asset: str, v: Validation) -> dg.AssetCheckResult:
    # Row failures are quarantined and the valid rows load (WARN); a broken frame blocks (ERROR).
    severity = dg.AssetCheckSeverity.ERROR if v.blocking_failure else dg.AssetCheckSeverity.WARN
    return dg.AssetCheckResult(check_name=name, asset_key=asset, passed=v.passed, severity=severity,
                               metadata=v.metadata())


@dg.asset(
    group_name="ingest",
    kinds={"python", "polars"},
    check_specs=[_check("documents_valid", "staged_documents",
                        "Decoded documents and rejections match their pandera models.")],
)
def staged_documents(context: dg.AssetExecutionContext, inbox: InboxResource, warehouse: WarehouseResource):
    """New and changed report files, decoded (with encoding, sha256, title, date, source), plus the
    files that cannot be read as reports (with a reason) and the files that left the inbox."""
    started = time.perf_counter()
    known = wh.known_documents(warehouse.file())
    # A batch large enough for the process pool: its workers start up (about a second each) while
    # the files are decoded, instead of after. Bytes are at least characters, so this never misses.
    staged = stage_documents(inbox.folder(), known, extractor_version(), inbox.max_bytes,
                             planned=lambda n: warm_pool() if n >= POOL_MIN_CHARACTERS else None)
    v_docs = validate(StagedDocumentModel, staged.documents, "staged_documents")
    v_rej = validate(RejectedDocumentModel, staged.rejected, "rejected_documents")
    # A document row that fails its model is rejected with the failed check: never dropped.
    failed = _failed_documents(staged.documents, v_docs)
    staged.documents = v_docs.valid
    staged.rejected = pl.concat([v_rej.valid, failed]) if failed.height else v_rej.valid
    context.log.info(
        f"inbox {inbox.folder()}: {staged.documents.height} to load, {len(staged.unchanged)} unchanged, "
        f"{staged.rejected.height} rejected, {len(staged.removed)} removed"
    )
    yield dg.Output(
        staged,
        metadata={
            "dagster/row_count": staged.documents.height,
            "documents_to_load": staged.documents.height,
            "documents_unchanged": len(staged.unchanged),
            "documents_rejected": staged.rejected.height,
            "documents_removed": len(staged.removed),
            "characters": int(staged.documents["characters"].sum() or 0),
            "seconds": round(time.perf_counter() - started, 3),
            "preview": dg.MetadataValue.md(_preview(staged.documents.drop("text"))),
            "rejections": dg.MetadataValue.md(_preview(staged.rejected)),
        },
    )
    combined = Validation(
        valid=staged.documents, quarantine=pl.concat([v_docs.quarantine, v_rej.quarantine]),
        structural_errors=v_docs.structural_errors + v_rej.structural_errors,
        failures_by_check={**v_docs.failures_by_check, **v_rej.failures_by_check},
        failure_sample=v_docs.failure_sample,
    )
    yield _check_result("documents_valid", "staged_documents", combined)
    crash_point("staged")


def _failed_documents(documents: pl.DataFrame, v: Validation) -> pl.DataFrame:
    if v.quarantine.is_empty():
        return pl.DataFrame(schema=REJECTED_SCHEMA)
    reasons = v.quarantine.group_by("document").agg(pl.col("reason").first())
    return (
        documents.join(reasons, on="document")
        .select("document_id", "document", ("failed validation: " + pl.col("reason")).alias("reason"),
                "sha256", "size_bytes")
    )


# Each staged fact frame, its model, and what it means to an analyst.
_DESCRIPTIONS = {
    "metric_facts": "Quantities stated in the new and changed reports, with subject, metric, period and status.",
    "company_signals": "Qualitative performance statements about named companies.",
    "events": "Dated events (launches, policies, tenders, acquisitions...) with their subjects.",
    "entity_mentions": "Every mention of a named organization, government, model or product.",
    "entities": "The canonical entities the new and changed reports name.",
    "entity_aliases": "Spellings of those entities.",
    "unparsed_mentions": "Number-like mentions that could not be normalized, with the reason.",
}
FACT_FRAMES = {name: ({**SPOOLED, **SHARED}[name], description) for name, description in _DESCRIPTIONS.items()}


@dg.multi_asset(
    outs={
        **{name: dg.AssetOut(group_name="extract", kinds={"python", "parquet"} if name in SPOOLED else {"python", "polars"},
                             description=desc)
           for name, (_, desc) in FACT_FRAMES.items()},
        "staged_periods": dg.AssetOut(group_name="extract", kinds={"polars"},
                                      description="Distinct periods the new facts refer to."),
        "quarantined_rows": dg.AssetOut(group_name="extract", kinds={"polars"},
                                        description="Staged rows that failed validation, with the failed check."),
    },
    check_specs=[
        *[_check(f"{name}_valid", name, f"{model.__name__} validation; failing rows are quarantined.")
          for name, (model, _) in FACT_FRAMES.items()],
        _check("spans_match_text", "metric_facts",
               "Every fact's text[span_start:span_end] equals its mention; must pass at 100%."),
    ],
)
def extracted_facts(context: dg.AssetExecutionContext, staged_documents: StagedDocuments):
    """Run every extractor over the staged documents and validate each frame, chunk by chunk:
    the mention frames are spilled to Parquet as they are validated (see pipelines/spool.py)."""
    started = time.perf_counter()
    docs = staged_documents.documents
    last_logged = [0.0]

    def progress(done: int, total: int, characters: int) -> None:
        # Long runs say where they are, at most every 10 seconds.
        now = time.perf_counter()
        if done == total or now - last_logged[0] >= 10:
            last_logged[0] = now
            rate = characters / max(now - started, 1e-6)
            context.log.info(f"extracted {done}/{total} documents ({rate / 1e3:.0f}k characters/s)")

    # The workers import the same modules from the same files: they run what this process runs.
    context.log.info(f"extraction code: {native.MODE}")
    out = spool_extraction(docs, Spool(), progress=progress)
    seconds = round(time.perf_counter() - started, 3)
    for name in FACT_FRAMES:
        v = out.validations[name]
        value = out.frames[name] if name in SPOOLED else out.shared[name]
        yield dg.Output(value, output_name=name, metadata={
            "dagster/row_count": v.row_count,
            "preview": dg.MetadataValue.md(_preview(_head(value).drop("evidence", strict=False))),
        })
        yield _check_result(f"{name}_valid", name, v)
    mismatches = out.span_mismatches
    yield dg.AssetCheckResult(
        check_name="spans_match_text", asset_key="metric_facts", passed=mismatches.is_empty(),
        metadata={"mismatched_spans": mismatches.height, "sample": dg.MetadataValue.md(_preview(mismatches))},
    )
    yield dg.Output(out.periods, output_name="staged_periods", metadata={"dagster/row_count": out.periods.height})
    crash_point("extracted")
    yield dg.Output(out.quarantine, output_name="quarantined_rows",
                    metadata={"dagster/row_count": out.quarantine.height, "extraction_seconds": seconds,
                              "extraction_code": native.MODE,
                              "characters_per_second": int((docs["characters"].sum() or 0) / max(seconds, 1e-6))})


def _head(frame: pl.DataFrame | SpooledFrame, rows: int = 5) -> pl.DataFrame:
    return frame.scan().head(rows).collect() if isinstance(frame, SpooledFrame) else frame.head(rows)


TABLES = {
    "dim_document": "Every inbox file ever seen: loaded, rejected (with reason) or removed.",
    "dim_entity": "Canonical organizations, governments, models, products and places, shared across reports.",
    "dim_entity_alias": "Every spelling of each entity.",
    "dim_metric": "The metric vocabulary with descriptions and sign conventions.",
    "dim_period": "Distinct inclusive date ranges facts refer to.",
    "fct_metric": "One row per quantity stated in a loaded report (view v_metric_facts).",
    "fct_company_signal": "One row per company performance statement (view v_company_signals).",
    "fct_event": "One row per mention of a dated event (view v_events).",
    "fct_entity_mention": "One row per entity mention.",
    "agg_entity_document": "Entity mentions summed per entity and document (view v_entity_mentions).",
    "fct_unparsed_mention": "Number-like mentions kept out of the facts, with the reason.",
    "quarantine": "Staged rows that failed validation, with the check that failed.",
}


@dg.multi_asset(
    specs=[dg.AssetSpec(t, group_name="warehouse", kinds={"duckdb"}, description=d,
                        deps=["staged_documents", *FACT_FRAMES, "staged_periods", "quarantined_rows"])
           for t, d in TABLES.items()],
    ins={name: dg.AssetIn(name) for name in ("staged_documents", *FACT_FRAMES, "staged_periods", "quarantined_rows")},
    pool=WAREHOUSE_POOL,
)
def warehouse_tables(context: dg.AssetExecutionContext, warehouse: WarehouseResource,
                     staged_documents: StagedDocuments, metric_facts: SpooledFrame,
                     company_signals: SpooledFrame, events: SpooledFrame, entity_mentions: SpooledFrame,
                     entities: pl.DataFrame, entity_aliases: pl.DataFrame, unparsed_mentions: SpooledFrame,
                     staged_periods: pl.DataFrame, quarantined_rows: pl.DataFrame):
    """Load one refresh into DuckDB in a single transaction: replace the facts of new and changed
    documents, retire removed ones, record rejections; a re-run on unchanged input writes nothing."""
    started = time.perf_counter()
    docs = _reject_failed_extractions(staged_documents, quarantined_rows)
    path = warehouse.file()
    if docs.changed or not path.exists():
        batch = wh.LoadBatch(
            documents=docs.documents.drop("text"), rejected=docs.rejected, removed=docs.removed,
            metric_facts=metric_facts, company_signals=company_signals, events=events, entities=entities,
            entity_aliases=entity_aliases, entity_mentions=entity_mentions, unparsed_mentions=unparsed_mentions,
            periods=staged_periods, metrics=_metric_frame(), quarantine=quarantined_rows,
            texts=docs.documents.select("document_id", "text"),
            unchanged=len(docs.unchanged), extractor_version=extractor_version(), run_id=context.run_id,
        )
        written = wh.load(path, batch)
    else:
        written = {}
    totals = wh.table_counts(path, tuple(TABLES))
    summary = {
        "documents_loaded": docs.documents.height, "documents_unchanged": len(docs.unchanged),
        "documents_rejected": docs.rejected.height, "documents_removed": len(docs.removed),
        "quarantined_rows": int(written.get("quarantined", 0)),
        "unparsed_mentions": int(written.get("unparsed_mentions", 0)),
        "load_seconds": round(time.perf_counter() - started, 3),
    }
    context.log.info(f"warehouse {path}: {summary}")
    for table in TABLES:
        yield dg.MaterializeResult(asset_key=table, metadata={
            "dagster/row_count": totals.get(table, 0),
            "path": str(path),
            **({"summary": summary} if table == "dim_document" else {}),
        })


def _reject_failed_extractions(docs: StagedDocuments, quarantined: pl.DataFrame) -> StagedDocuments:
    failed = quarantined.filter((pl.col("frame") == FAILED_EXTRACTION[0]) & (pl.col("check_name") == FAILED_EXTRACTION[1]))
    if failed.is_empty():
        return docs
    moved = docs.documents.join(failed.select("document", "reason"), on="document").select(
        "document_id", "document", "reason", "sha256", "size_bytes")
    return StagedDocuments(
        documents=docs.documents.filter(~pl.col("document").is_in(failed["document"].implode())),
        rejected=pl.concat([docs.rejected, moved]), removed=docs.removed, unchanged=docs.unchanged,
    )


def _metric_frame() -> pl.DataFrame:
    return pl.DataFrame(
        [(m.metric, m.family, m.description, m.sign_rule or None) for m in vocabulary()],
        schema={"metric": pl.String, "family": pl.String, "description": pl.String, "sign_rule": pl.String},
        orient="row",
    )


def _preview(df: pl.DataFrame, rows: int = 5) -> str:
    return markdown_table(df.head(rows)) if df.height else "_(none)_"
