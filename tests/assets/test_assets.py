"""Asset functions called directly with built contexts (no run, no instance).

Pins: staged_documents yields the decoded documents and a passing blocking
check for a clean inbox, and rejects unreadable files with reasons;
extracted_facts yields every fact frame with a check result each, and the
span check passes on the seed report.
"""

from __future__ import annotations

import dagster as dg

from pipelines.defs.assets import FACT_FRAMES, extracted_facts, staged_documents
from pipelines.defs.resources import InboxResource, WarehouseResource
from pipelines.ingest.stage import StagedDocuments


def run_staging(inbox, warehouse_file) -> tuple[StagedDocuments, list[dg.AssetCheckResult]]:
    ctx = dg.build_asset_context()
    events = list(staged_documents(ctx, inbox=InboxResource(path=str(inbox)),
                                   warehouse=WarehouseResource(path=str(warehouse_file))))
    outputs = [e.value for e in events if isinstance(e, dg.Output)]
    checks = [e for e in events if isinstance(e, dg.AssetCheckResult)]
    return outputs[0], checks


def test_staged_documents_decodes_and_checks(inbox, warehouse_file):
    staged, checks = run_staging(inbox, warehouse_file)
    assert staged.documents.height == 1
    assert staged.documents["published_date"][0].isoformat() == "2024-05-06"
    assert staged.documents["encoding"][0] == "utf-8"
    assert [c.check_name for c in checks] == ["documents_valid"] and checks[0].passed


def test_staged_documents_rejects_with_reasons(inbox, warehouse_file):
    (inbox / "blank.txt").write_text("\n \n", encoding="utf-8")
    (inbox / "fake.txt").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    staged, checks = run_staging(inbox, warehouse_file)
    reasons = dict(zip(staged.rejected["document"], staged.rejected["reason"], strict=True))
    assert set(reasons) == {"blank.txt", "fake.txt"}
    assert "PDF" in reasons["fake.txt"]
    assert checks[0].passed, "rejections are valid rows, not validation failures"


def test_extracted_facts_yields_every_frame_and_check(inbox, warehouse_file):
    staged, _ = run_staging(inbox, warehouse_file)
    ctx = dg.build_asset_context()
    events = list(extracted_facts(ctx, staged_documents=staged))
    outputs = {e.output_name: e.value for e in events if isinstance(e, dg.Output)}
    checks = {e.check_name: e for e in events if isinstance(e, dg.AssetCheckResult)}
    assert set(FACT_FRAMES) | {"staged_periods", "quarantined_rows"} == set(outputs)
    assert {f"{n}_valid" for n in FACT_FRAMES} | {"spans_match_text"} == set(checks)
    assert all(c.passed for c in checks.values()), {n: c.metadata for n, c in checks.items() if not c.passed}
    assert outputs["metric_facts"].height >= 40
    assert outputs["quarantined_rows"].is_empty()
