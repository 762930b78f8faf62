"""Shared fixtures: the seed report, temporary inboxes and warehouses, a refresh helper.

Every test gets its own inbox and DuckDB file under tmp_path; nothing is shared
between tests except read-only fixture files.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

FIXTURES = Path(__file__).parent / "fixtures"
EVAL = FIXTURES / "eval"
SEED_REPORT = EVAL / "seed_report.txt"
SEED_NAME = "seed_report.txt"

CONTRACT_VIEWS = ("v_metric_facts", "v_company_signals", "v_events", "v_documents", "v_rejected_documents")
VOLATILE_COLUMNS = {"loaded_at", "rejected_at", "quarantined_at"}


@pytest.fixture
def seed_text() -> str:
    return SEED_REPORT.read_text(encoding="utf-8")


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    shutil.copy(SEED_REPORT, folder / SEED_NAME)
    return folder


@pytest.fixture
def warehouse_file(tmp_path: Path) -> Path:
    return tmp_path / "w" / "yanbao.duckdb"


@pytest.fixture
def instance():
    with dg.instance_for_test() as inst:
        yield inst


def refresh(inbox: Path, warehouse: Path, instance, raise_on_error: bool = True):
    """One real materialization of the whole asset graph."""
    from pipelines.defs.assets import extracted_facts, staged_documents, warehouse_tables
    from pipelines.defs.resources import InboxResource, WarehouseResource

    return dg.materialize(
        [staged_documents, extracted_facts, warehouse_tables],
        resources={"inbox": InboxResource(path=str(inbox)), "warehouse": WarehouseResource(path=str(warehouse))},
        instance=instance,
        raise_on_error=raise_on_error,
    )


def view_rows(warehouse: Path, view: str) -> list[tuple]:
    """A view's rows without load timestamps, sorted: for comparing two warehouses or two runs."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        cols = [r[0] for r in con.execute(f"describe {view}").fetchall() if r[0] not in VOLATILE_COLUMNS]
        return sorted(con.execute(f"select {', '.join(cols)} from {view}").fetchall(), key=repr)
    finally:
        con.close()


def query(warehouse: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()
