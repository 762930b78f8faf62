"""The Dagster definitions load, and carry what the UI and the schedules rely on.

Pins: the job, schedule (Asia/Shanghai) and sensor exist; every asset has a
description, kinds and a group; the loader is the only asset in the
`warehouse` pool (nothing else catches a missing pool in tests, where pools
have no limit); validation checks are blocking.
"""

from __future__ import annotations

import dagster as dg

from pipelines.defs.assets import WAREHOUSE_POOL


def load():
    from pipelines.definitions import defs

    return defs() if callable(defs) else defs


def test_definitions_load_and_name_the_job_schedule_and_sensor():
    d = load()
    assert d.resolve_job_def("refresh_warehouse") is not None
    schedule = d.resolve_schedule_def("daily_refresh")
    assert schedule.execution_timezone == "Asia/Shanghai"
    assert d.resolve_sensor_def("inbox_sensor") is not None


def test_assets_are_described_grouped_and_kinded():
    graph = load().resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        assert node.description, key
        assert node.group_name in ("ingest", "extract", "warehouse", "present"), key
        assert node.kinds, key


def test_only_the_loader_writes_and_it_is_pooled():
    d = load()
    pooled = {}
    for assets_def in d.assets or []:
        if isinstance(assets_def, dg.AssetsDefinition):
            for key in assets_def.keys:
                pooled[key.to_user_string()] = assets_def.op.pool
    assert pooled["fct_metric"] == WAREHOUSE_POOL
    assert pooled["dim_document"] == WAREHOUSE_POOL
    assert pooled["staged_documents"] is None
    assert pooled["metric_facts"] is None


def test_validation_checks_are_blocking():
    graph = load().resolve_asset_graph()
    checks = {k.name: graph.get_check_spec(k) for k in graph.asset_check_keys}
    assert {"documents_valid", "metric_facts_valid", "spans_match_text"} <= set(checks)
    assert all(spec.blocking for spec in checks.values())
