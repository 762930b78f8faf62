"""The DuckDB warehouse: connections, the single-writer lock, schema and atomic loads.

DuckDB lets one process hold a file read-write, and a read-only open fails while
a writer holds it. Two refreshes (a sensor run during `yanbao run`) must not
fight for it, and a killed run must not leave a stale lock behind, so writers
first take an OS file lock (`flock`, released by the kernel when the process
dies) beside the database, wait for it for a bounded time, and then say plainly
who is writing. Every load is one transaction: a crash leaves the file as it was.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from pipelines.faults import crash_point
from pipelines.paths import SQL_DIR

LOCK_WAIT_SECONDS = float(os.environ.get("YANBAO_LOCK_WAIT_SECONDS", "120"))
MEMORY_LIMIT = os.environ.get("YANBAO_DUCKDB_MEMORY_LIMIT", "1GB")
# The loader streams Parquet parts into tables and needs little working memory, and what DuckDB
# holds on top of the run process is the run's peak: at 10,000 documents the load phase peaks at
# 1.0 GB with 512MB here, 0.8 GB with 256MB.
LOAD_MEMORY_LIMIT = os.environ.get("YANBAO_DUCKDB_LOAD_MEMORY_LIMIT", "256MB")


class WarehouseBusy(RuntimeError):
    """Another process is writing the warehouse and did not finish in time."""


@contextmanager
def writer_lock(path: Path, wait_seconds: float = LOCK_WAIT_SECONDS, shared: bool = False) -> Iterator[None]:
    """Hold the warehouse's writer lock (or a shared reader lock) for the block."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lock_path = path.with_name(path.name + ".lock")
    with open(lock_path, "a+") as handle:
        mode = fcntl.LOCK_SH if shared else fcntl.LOCK_EX
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(handle, mode | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise WarehouseBusy(
                        f"another yanbao run is writing {path} (waited {wait_seconds:.0f} s); retry when it finishes"
                    ) from None
                time.sleep(0.2)
        try:
            if not shared:
                handle.seek(0)
                handle.truncate()
                handle.write(f"{os.getpid()}\n")
                handle.flush()
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def connect(path: Path, read_only: bool, wait_seconds: float = 5.0,
            config: dict | None = None) -> duckdb.DuckDBPyConnection:
    """Open the warehouse, retrying briefly on DuckDB's own file lock."""
    # DuckDB may cache up to 80% of RAM by default; a load needs far less, and the
    # benchmark's memory target counts the whole process.
    settings = {"memory_limit": MEMORY_LIMIT, **(config or {})}
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only, config=settings)
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise
            if time.monotonic() >= deadline:
                raise WarehouseBusy(f"a run is writing the warehouse {path}; retry when it finishes") from None
            time.sleep(0.2)


def sql_text(relative: str) -> str:
    return (SQL_DIR / relative).read_text(encoding="utf-8")


def run_sql_file(con: duckdb.DuckDBPyConnection, relative: str, params: list | None = None) -> None:
    """Execute every statement of one `.sql` file (statements end with ';' at a line end)."""
    for statement in _statements(sql_text(relative)):
        # Only statements with placeholders take the parameters (a file may mix both).
        con.execute(statement, params if params and "?" in statement else [])


def _statements(sql: str) -> list[str]:
    body = "\n".join(line for line in sql.splitlines() if not line.lstrip().startswith("--"))
    return [s.strip() for s in body.split(";\n") if s.strip().rstrip(";").strip()]


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create missing tables and (re)create the views; idempotent."""
    for folder in ("ddl", "views"):
        for f in sorted((SQL_DIR / folder).glob("*.sql")):
            run_sql_file(con, f"{folder}/{f.name}")


def known_documents(path: Path) -> pl.DataFrame:
    """What the warehouse already holds per document: the base of change detection."""
    empty = pl.DataFrame(
        schema={"document": pl.String, "sha256": pl.String, "extractor_version": pl.String, "status": pl.String}
    )
    if not path.exists():
        return empty
    with writer_lock(path, shared=True):
        con = connect(path, read_only=True)
        try:
            tables = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
            if "dim_document" not in tables:
                return empty
            if "doc_text" not in tables:
                # A warehouse from before doc_text: reload every document once so its text is stored.
                return con.sql("select document, sha256, null::varchar as extractor_version, status "
                               "from dim_document").pl()
            return con.sql(sql_text("load/select_known_documents.sql")).pl()
        finally:
            con.close()


@dataclass
class LoadBatch:
    """Everything one refresh writes, as frames already validated by their pandera models.

    The mention frames may be polars frames or SpooledFrames (Parquet parts on disk): both
    have `height`, and DuckDB reads either without a Python row loop."""

    documents: pl.DataFrame            # StagedDocumentModel without `text`
    rejected: pl.DataFrame             # RejectedDocumentModel
    removed: list[str]                 # inbox-relative paths that left the inbox
    metric_facts: pl.DataFrame
    company_signals: pl.DataFrame
    events: pl.DataFrame
    entities: pl.DataFrame
    entity_aliases: pl.DataFrame
    entity_mentions: pl.DataFrame
    unparsed_mentions: pl.DataFrame
    periods: pl.DataFrame
    metrics: pl.DataFrame
    quarantine: pl.DataFrame
    texts: pl.DataFrame | None = None  # document_id, text of `documents`: what the spans index into
    unchanged: int = 0
    extractor_version: str = ""
    run_id: str | None = None
    counts: dict[str, int] = field(default_factory=dict)


# Registered frame name -> load step. Order matters only for readability: one transaction.
_LOAD_STEPS = (
    "load/retire_removed_documents.sql",
    "load/delete_facts_of_touched_documents.sql",
    "load/merge_into_dim_document.sql",
    "load/merge_into_dim_document_rejected.sql",
    "load/merge_into_dim_metric.sql",
    "load/merge_into_dim_entity.sql",
    "load/merge_into_dim_entity_alias.sql",
    "load/merge_into_dim_period.sql",
    "load/insert_into_fct_metric.sql",
    "load/insert_into_fct_company_signal.sql",
    "load/insert_into_fct_event.sql",
    "load/insert_into_fct_entity_mention.sql",
    "load/insert_into_agg_entity_document.sql",
    "load/insert_into_fct_unparsed_mention.sql",
    "load/insert_into_doc_text.sql",
    "load/insert_into_quarantine.sql",
)


# Steps whose single bound parameter is the load timestamp.
_STEPS_TAKING_NOW = {"load/retire_removed_documents.sql"}


def load(path: Path, batch: LoadBatch, fail_after: str | None = None) -> dict[str, int]:
    """Write one refresh in a single transaction; returns row counts per table.

    `fail_after` names a load step after which to raise: tests use it to prove a
    failure mid-load leaves the warehouse unchanged.
    """
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    removed = pl.DataFrame({"document": batch.removed}, schema={"document": pl.String})
    touched = pl.concat(
        [
            batch.documents.select("document_id", "document"),
            batch.rejected.select("document_id", "document"),
        ]
    )
    frames = {
        "staged_documents": batch.documents.with_columns(
            pl.lit(batch.extractor_version).alias("extractor_version"), pl.lit(now).alias("loaded_at")
        ),
        "staged_rejected": batch.rejected.with_columns(pl.lit(now).alias("rejected_at")),
        "removed_documents": removed,
        "touched_documents": touched,
        "staged_metric_facts": batch.metric_facts,
        "staged_company_signals": batch.company_signals,
        "staged_events": batch.events,
        "staged_entities": batch.entities,
        "staged_entity_aliases": batch.entity_aliases,
        "staged_entity_mentions": batch.entity_mentions,
        "staged_unparsed_mentions": batch.unparsed_mentions,
        "staged_periods": batch.periods,
        "staged_metrics": batch.metrics,
        "staged_quarantine": batch.quarantine,
        "staged_doc_text": batch.texts if batch.texts is not None
        else pl.DataFrame(schema={"document_id": pl.String, "text": pl.String}),
    }
    with writer_lock(path):
        # Row order inside a table means nothing here; not keeping it lets DuckDB insert from the
        # Parquet parts in a streaming way, within its memory limit.
        con = connect(path, read_only=False,
                      config={"preserve_insertion_order": False, "memory_limit": LOAD_MEMORY_LIMIT})
        try:
            ensure_schema(con)
            for name, frame in frames.items():
                if hasattr(frame, "register_in"):   # spilled frames (pipelines/spool.py): their Parquet parts
                    frame.register_in(con, name)
                else:
                    con.register(name, frame)
            con.execute("begin transaction")
            try:
                for step in _LOAD_STEPS:
                    run_sql_file(con, step, [now] if step in _STEPS_TAKING_NOW else None)
                    crash_point(f"load:{step.removeprefix('load/')}")
                    if fail_after and step.endswith(fail_after):
                        raise RuntimeError(f"injected failure after {step}")
                con.execute(
                    sql_text("load/insert_into_load_log.sql"),
                    [
                        uuid.uuid4().hex, batch.run_id, now, dt.datetime.now(dt.UTC).replace(tzinfo=None),
                        batch.documents.height, batch.unchanged, batch.rejected.height, len(batch.removed),
                        batch.metric_facts.height, batch.company_signals.height, batch.events.height,
                        batch.quarantine.height, batch.extractor_version,
                    ],
                )
                crash_point("before_commit")
                con.execute("commit")
                crash_point("after_commit")
            except BaseException:
                con.execute("rollback")
                raise
            con.execute("checkpoint")
            return {
                "documents_loaded": batch.documents.height,
                "documents_rejected": batch.rejected.height,
                "documents_removed": len(batch.removed),
                "metric_facts": batch.metric_facts.height,
                "company_signals": batch.company_signals.height,
                "events": batch.events.height,
                "entity_mentions": batch.entity_mentions.height,
                "unparsed_mentions": batch.unparsed_mentions.height,
                "quarantined": batch.quarantine.height,
            }
        finally:
            con.close()


def table_counts(path: Path, tables: tuple[str, ...]) -> dict[str, int]:
    """Row counts per table, read-only (for run summaries and asset metadata)."""
    if not path.exists():
        return {}
    con = connect(path, read_only=True)
    try:
        present = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
        # Table names come from our own fixed list, never from user input.
        return {t: con.execute(f"select count(*) from {t}").fetchall()[0][0] for t in tables if t in present}
    finally:
        con.close()


def connect_query(path: Path, wait_seconds: float = 3.0) -> duckdb.DuckDBPyConnection:
    """A connection for user SQL: read-only, and unable to touch files, attach databases or
    install extensions, whatever the statement tries."""
    return connect(path, read_only=True, wait_seconds=wait_seconds, config={
        "enable_external_access": False, "autoinstall_known_extensions": False,
        "autoload_known_extensions": False, "lock_configuration": True,
    })
