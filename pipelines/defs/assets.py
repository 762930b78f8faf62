"""The asset graph: inbox -> staged documents -> extracted facts -> warehouse tables.

Staging assets never open the warehouse for writing; they pass polars frames on
through Dagster's IO manager and validate them with their pandera models inside
the asset (blocking checks, failure cases in the metadata). The single loader
writes every table in one transaction, in the `warehouse` pool, so two runs
never fight over the DuckDB file.
"""

# No `from __future__ import annotations` here: Dagster inspects the real annotations of asset functions.
import datetime as dt
import json
import time

import dagster as dg
import polars as pl

from pipelines import warehouse as wh
from pipelines.defs.resources import InboxResource, WarehouseResource
from pipelines.extract.document import extract_documents, extractor_version
from pipelines.extract.metrics import vocabulary
from pipelines.faults import crash_point
from pipelines.ingest.stage import REJECTED_SCHEMA, StagedDocuments, stage_documents
from pipelines.validation import QUARANTINE_SCHEMA, Validation, markdown_table, validate
from schemas import (
    CompanySignalModel,
    EntityAliasModel,
    EntityMentionModel,
    EntityModel,
    EventModel,
    MetricFactModel,
    RejectedDocumentModel,
    StagedDocumentModel,
    UnparsedMentionModel,
)

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
    staged = stage_documents(inbox.folder(), known, extractor_version(), inbox.max_bytes)
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
FACT_FRAMES = {
    "metric_facts": (MetricFactModel, "Quantities stated in the new and changed reports, with subject, metric, period and status."),
    "company_signals": (CompanySignalModel, "Qualitative performance statements about named companies."),
    "events": (EventModel, "Dated events (launches, policies, tenders, acquisitions...) with their subjects."),
    "entity_mentions": (EntityMentionModel, "Every mention of a named organization, government, model or product."),
    "entities": (EntityModel, "The canonical entities the new and changed reports name."),
    "entity_aliases": (EntityAliasModel, "Spellings of those entities."),
    "unparsed_mentions": (UnparsedMentionModel, "Number-like mentions that could not be normalized, with the reason."),
}
SPANNED_FRAMES = ("metric_facts", "company_signals", "events", "entity_mentions", "unparsed_mentions")


@dg.multi_asset(
    outs={
        **{name: dg.AssetOut(group_name="extract", kinds={"python", "polars"}, description=desc)
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
    """Run every extractor over the staged documents and validate each frame."""
    started = time.perf_counter()
    docs = staged_documents.documents
    last_logged = [0.0]

    def progress(done: int, total: int) -> None:
        # Long runs say where they are, at most every 10 seconds.
        now = time.perf_counter()
        if done == total or now - last_logged[0] >= 10:
            last_logged[0] = now
            rate = int(docs["characters"].head(done).sum() or 0) / max(now - started, 1e-6)
            context.log.info(f"extracted {done}/{total} documents ({rate / 1e3:.0f}k characters/s)")

    frames = extract_documents(docs, progress=progress)
    document_names = dict(zip(docs["document_id"], docs["document"], strict=True))
    quarantine = [pl.DataFrame(schema=QUARANTINE_SCHEMA)]
    span_failures = _span_mismatches(docs, frames)
    for name in SPANNED_FRAMES:
        bad = span_failures[name]
        if bad.height:
            quarantine.append(_span_quarantine(bad, name, document_names))
            frames[name] = frames[name].join(bad.select("document_id", "span_start", "span_end"),
                                             on=["document_id", "span_start", "span_end"], how="anti")
    quarantine.append(_failed_extraction_quarantine(frames["failed_documents"], document_names))
    seconds = round(time.perf_counter() - started, 3)
    for name, (model, _) in FACT_FRAMES.items():
        v = validate(model, frames[name], name, document_names)
        quarantine.append(v.quarantine)
        yield dg.Output(v.valid, output_name=name, metadata={
            "dagster/row_count": v.valid.height,
            "preview": dg.MetadataValue.md(_preview(v.valid.drop("evidence", strict=False))),
        })
        yield _check_result(f"{name}_valid", name, v)
    mismatches = sum(f.height for f in span_failures.values())
    yield dg.AssetCheckResult(
        check_name="spans_match_text", asset_key="metric_facts", passed=mismatches == 0,
        metadata={"mismatched_spans": mismatches,
                  "sample": dg.MetadataValue.md(_preview(pl.concat(
                      [f.select("document_id", "span_start", "span_end", "mention") for f in span_failures.values()]
                  )))},
    )
    yield dg.Output(frames["periods"], output_name="staged_periods",
                    metadata={"dagster/row_count": frames["periods"].height})
    q = pl.concat(quarantine)
    crash_point("extracted")
    yield dg.Output(q, output_name="quarantined_rows",
                    metadata={"dagster/row_count": q.height, "extraction_seconds": seconds,
                              "characters_per_second": int((docs["characters"].sum() or 0) / max(seconds, 1e-6))})


FAILED_EXTRACTION = ("staged_documents", "extract_document")


def _quarantine(rows: pl.DataFrame, frame: str, check: str, reason, document_names: dict[str, str]) -> pl.DataFrame:
    """Quarantine rows for `rows`, each with the failed check and `reason(row)`."""
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    out = [(document_names.get(r["document_id"]), frame, check, reason(r),
            json.dumps(r, ensure_ascii=False, default=str), now) for r in rows.iter_rows(named=True)]
    return pl.DataFrame(out, schema=QUARANTINE_SCHEMA, orient="row")


def _failed_extraction_quarantine(failed: pl.DataFrame, document_names: dict[str, str]) -> pl.DataFrame:
    """A document whose extraction raised is quarantined whole; the loader rejects it with the reason."""
    return _quarantine(failed, *FAILED_EXTRACTION, lambda r: r["reason"], document_names)


def _span_mismatches(docs: pl.DataFrame, frames: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """Rows whose mention is not the text at their span (checked on the decoded text)."""
    texts = docs.select("document_id", "text")
    out = {}
    for name in SPANNED_FRAMES:
        f = frames[name].join(texts, on="document_id", how="left")
        out[name] = f.filter(
            pl.col("text").str.slice(pl.col("span_start"), pl.col("span_end") - pl.col("span_start"))
            != pl.col("mention")
        ).drop("text")
    return out


def _span_quarantine(bad: pl.DataFrame, frame: str, document_names: dict[str, str]) -> pl.DataFrame:
    return _quarantine(bad, frame, "spans_match_text",
                       lambda r: f"text[{r['span_start']}:{r['span_end']}] is not {r['mention']!r}", document_names)


TABLES = {
    "dim_document": "Every inbox file ever seen: loaded, rejected (with reason) or removed.",
    "dim_entity": "Canonical organizations, governments, models, products and places, shared across reports.",
    "dim_entity_alias": "Every spelling of each entity.",
    "dim_metric": "The metric vocabulary with descriptions and sign conventions.",
    "dim_period": "Distinct inclusive date ranges facts refer to.",
    "fct_metric": "One row per quantity stated in a loaded report (view v_metric_facts).",
    "fct_company_signal": "One row per company performance statement (view v_company_signals).",
    "fct_event": "One row per mention of a dated event (view v_events).",
    "fct_entity_mention": "One row per entity mention (view v_entity_mentions).",
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
                     staged_documents: StagedDocuments, metric_facts: pl.DataFrame,
                     company_signals: pl.DataFrame, events: pl.DataFrame, entity_mentions: pl.DataFrame,
                     entities: pl.DataFrame, entity_aliases: pl.DataFrame, unparsed_mentions: pl.DataFrame,
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
