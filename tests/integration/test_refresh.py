"""Real materializations into DuckDB files: what a refresh promises.

Pins: the seed report loads with its metadata; a re-run changes nothing; a
changed file replaces its facts; a removed file is retired; empty and binary
files are rejected with reasons while the run succeeds; a GBK copy gives the
same facts as the UTF-8 original; a failure mid-load and a failing blocking
check both leave the warehouse exactly as it was.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest

from pipelines import warehouse as wh
from tests.conftest import CONTRACT_VIEWS, SEED_NAME, query, refresh, view_rows


def all_views(warehouse: Path) -> dict[str, list[tuple]]:
    views = (*CONTRACT_VIEWS, "v_entity_mentions", "v_unparsed_mentions", "v_quarantine")
    return {v: view_rows(warehouse, v) for v in views}


def test_seed_report_loads_with_metadata(inbox, warehouse_file, instance):
    result = refresh(inbox, warehouse_file, instance)
    assert result.success
    docs = query(warehouse_file, "select document, title, published_date::varchar, source, characters from v_documents")
    assert len(docs) == 1
    document, title, date, source, characters = docs[0]
    assert document == SEED_NAME
    assert title.startswith("AI算力行业深度")
    assert date == "2024-05-06"
    assert source == "幻影视界"
    assert characters == len((inbox / SEED_NAME).read_text(encoding="utf-8"))
    n_facts = query(warehouse_file, "select count(*) from v_metric_facts")[0][0]
    assert n_facts >= 40
    # Every span slices the decoded text to its mention.
    text = (inbox / SEED_NAME).read_text(encoding="utf-8")
    for start, end, mention in query(warehouse_file, "select span_start, span_end, mention from v_metric_facts"):
        assert text[start:end] == mention


def test_rerun_changes_nothing(inbox, warehouse_file, instance):
    refresh(inbox, warehouse_file, instance)
    before = all_views(warehouse_file)
    loads_before = query(warehouse_file, "select count(*) from load_log")[0][0]
    refresh(inbox, warehouse_file, instance)
    assert all_views(warehouse_file) == before
    # Nothing changed, so nothing was written.
    assert query(warehouse_file, "select count(*) from load_log")[0][0] == loads_before


def test_changed_file_replaces_its_facts(inbox, warehouse_file, instance):
    refresh(inbox, warehouse_file, instance)
    text = (inbox / SEED_NAME).read_text(encoding="utf-8")
    cut = text.index("应用:模型迭代叠加算力降本")
    (inbox / SEED_NAME).write_text(text[:cut], encoding="utf-8")
    refresh(inbox, warehouse_file, instance)
    facts = query(warehouse_file, "select span_start, mention from v_metric_facts")
    assert facts and all(start < cut for start, _ in facts)
    assert len(facts) == len(set(facts)), "no duplicate facts after a reload"
    assert query(warehouse_file, "select characters from v_documents")[0][0] == cut


def test_removed_file_is_retired(inbox, warehouse_file, instance):
    refresh(inbox, warehouse_file, instance)
    (inbox / SEED_NAME).unlink()
    refresh(inbox, warehouse_file, instance)
    for view in CONTRACT_VIEWS:
        assert view_rows(warehouse_file, view) == [], view
    assert query(warehouse_file, "select status from dim_document") == [("removed",)]
    # The file comes back unchanged: it is loaded again.
    shutil.copy(Path(__file__).parents[1] / "fixtures" / "eval" / SEED_NAME, inbox / SEED_NAME)
    refresh(inbox, warehouse_file, instance)
    assert query(warehouse_file, "select count(*) from v_documents")[0][0] == 1


def test_bad_files_are_rejected_while_the_run_succeeds(inbox, warehouse_file, instance):
    (inbox / "empty.txt").write_bytes(b"")
    (inbox / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (inbox / "sub folder").mkdir()
    (inbox / "sub folder" / "空白.txt").write_text("   \n\t\n", encoding="utf-8")
    (inbox / ".hidden.txt").write_text("ignored", encoding="utf-8")
    result = refresh(inbox, warehouse_file, instance)
    assert result.success
    rejected = dict(query(warehouse_file, "select document, reason from v_rejected_documents"))
    assert set(rejected) == {"empty.txt", "image.txt", "sub folder/空白.txt"}
    assert all(reason for reason in rejected.values())
    assert "empty" in rejected["empty.txt"]
    loaded = [r[0] for r in query(warehouse_file, "select document from v_documents")]
    assert loaded == [SEED_NAME]


def test_gbk_copy_gives_the_same_facts(inbox, warehouse_file, instance, tmp_path):
    gbk_inbox = tmp_path / "gbk"
    gbk_inbox.mkdir()
    text = (inbox / SEED_NAME).read_text(encoding="utf-8")
    (gbk_inbox / SEED_NAME).write_bytes(text.encode("gb18030"))
    gbk_warehouse = tmp_path / "gbk.duckdb"
    refresh(inbox, warehouse_file, instance)
    refresh(gbk_inbox, gbk_warehouse, instance)
    assert query(gbk_warehouse, "select encoding from v_documents") == [("gb18030",)]
    for view in ("v_metric_facts", "v_company_signals", "v_events"):
        assert view_rows(gbk_warehouse, view) == view_rows(warehouse_file, view), view


def test_failure_mid_load_leaves_the_warehouse_unchanged(inbox, warehouse_file, instance, monkeypatch):
    refresh(inbox, warehouse_file, instance)
    before = all_views(warehouse_file)
    text = (inbox / SEED_NAME).read_text(encoding="utf-8")
    (inbox / SEED_NAME).write_text(text.replace("8054 台", "9999 台"), encoding="utf-8")
    real_load = wh.load
    monkeypatch.setattr(wh, "load", lambda path, batch: real_load(path, batch, fail_after="insert_into_fct_metric.sql"))
    result = refresh(inbox, warehouse_file, instance, raise_on_error=False)
    assert not result.success
    assert all_views(warehouse_file) == before


def test_failing_blocking_check_blocks_the_load(inbox, warehouse_file, instance, monkeypatch):
    refresh(inbox, warehouse_file, instance)
    before = all_views(warehouse_file)
    text = (inbox / SEED_NAME).read_text(encoding="utf-8")
    (inbox / SEED_NAME).write_text(text + "\n新增一段:收入 5 亿元。\n", encoding="utf-8")

    from pipelines import spool

    real_extract = spool.extract_frames

    def broken_extract(batch):
        frames = real_extract(batch)
        frames["metric_facts"] = frames["metric_facts"].drop("unit")   # a frame-level failure
        return frames

    monkeypatch.setattr(spool, "extract_frames", broken_extract)
    result = refresh(inbox, warehouse_file, instance, raise_on_error=False)
    failed = [c for c in result.get_asset_check_evaluations() if not c.passed]
    assert any(c.check_name == "metric_facts_valid" and c.severity.value == "ERROR" for c in failed)
    assert not result.asset_materializations_for_node("warehouse_tables"), "the loader must not run"
    assert all_views(warehouse_file) == before


def test_row_failures_are_quarantined_and_the_rest_loads(inbox, warehouse_file, instance, monkeypatch):
    from pipelines import spool

    real_extract = spool.extract_frames

    def one_bad_row(batch):
        frames = real_extract(batch)
        mf = frames["metric_facts"]
        frames["metric_facts"] = mf.with_columns(
            pl.when(pl.int_range(pl.len()) == 0).then(pl.lit("furlongs")).otherwise(pl.col("unit")).alias("unit")
        )
        return frames

    monkeypatch.setattr(spool, "extract_frames", one_bad_row)
    result = refresh(inbox, warehouse_file, instance)
    assert result.success
    q = query(warehouse_file, "select document, frame, check_name from v_quarantine")
    assert q == [(SEED_NAME, "metric_facts", "MetricFactModel:unit_is_canonical")]
    assert query(warehouse_file, "select count(*) from v_metric_facts")[0][0] >= 40


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig", "big5"])
def test_other_encodings_load(tmp_path, instance, encoding):
    folder = tmp_path / "inbox"
    folder.mkdir()
    text = "台積電2024年第一季營收同比增長16.5%，淨利潤達2254.9億新台幣。\n" if encoding == "big5" else \
        "比亚迪2024年一季度营业收入1249.44亿元，同比下降3.8%。\n"
    (folder / "r.txt").write_bytes(text.encode(encoding))
    w = tmp_path / "w.duckdb"
    assert refresh(folder, w, instance).success
    assert query(w, "select count(*) from v_documents")[0][0] == 1
    assert query(w, "select count(*) from v_metric_facts")[0][0] >= 1
