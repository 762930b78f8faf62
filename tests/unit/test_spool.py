"""The spool: chunked extraction whose validated rows go to Parquet and come back unchanged,
and whose temporary folders never outlive their run (even a run killed outright)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import polars as pl

from pipelines import spool
from pipelines.frames import extract_frames
from pipelines.ingest.stage import DOCUMENT_SCHEMA

TEXT = "比亚迪2024年一季度营业收入1249.44亿元,同比下降3.8%。\n宁德时代2023年净利润441亿元,同比增长43.6%。\n"


def _docs(n: int) -> pl.DataFrame:
    rows = [(f"id{i}", f"r{i}.txt", None, dt.date(2024, 5, 6), None, "0" * 64, len(TEXT.encode()), "utf-8",
             False, len(TEXT), TEXT) for i in range(n)]
    return pl.DataFrame(rows, schema=DOCUMENT_SCHEMA, orient="row")


def test_spooled_rows_equal_the_extracted_rows(tmp_path, monkeypatch):
    monkeypatch.setattr(spool, "CHUNK_DOCUMENTS", 2)   # several chunks, several Parquet parts
    docs = _docs(5)
    out = spool.spool_extraction(docs, spool.Spool(str(tmp_path)), workers=1)
    direct = extract_frames([(r["document_id"], r["text"], r["published_date"]) for r in docs.iter_rows(named=True)])
    for name in spool.SPOOLED:
        assert out.frames[name].height == direct[name].height
        assert out.frames[name].collect().equals(direct[name]), name
    assert len(out.frames["metric_facts"].files) == 3
    assert out.frames["metric_facts"].height > 0 and out.quarantine.is_empty()
    assert out.shared["entities"]["entity_id"].is_unique().all()


def test_empty_frames_scan_with_their_schema(tmp_path):
    out = spool.spool_extraction(_docs(0), spool.Spool(str(tmp_path)), workers=1)
    assert out.frames["events"].collect().is_empty()
    assert out.frames["events"].collect().schema == pl.Schema(out.frames["events"].schema)


def test_the_folder_goes_with_its_last_frame(tmp_path):
    s = spool.Spool(str(tmp_path))
    out = spool.spool_extraction(_docs(1), s, workers=1)
    folder = s.folder
    assert any(folder.rglob("*.parquet"))
    del s, out
    assert not folder.exists()


def test_folders_of_dead_runs_are_swept(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    orphan = tmp_path / f"{spool.SPOOL_PREFIX}{dead.stdout.strip()}-x"
    live = tmp_path / f"{spool.SPOOL_PREFIX}{os.getpid()}-y"
    orphan.mkdir()
    live.mkdir()
    spool.Spool(str(tmp_path))
    assert not orphan.exists() and live.exists()


def test_duckdb_reads_the_parts_through_a_temporary_view(tmp_path):
    import duckdb

    out = spool.spool_extraction(_docs(3), spool.Spool(str(tmp_path)), workers=1)
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    for name in ("metric_facts", "unparsed_mentions"):   # one with parts, one without
        out.frames[name].register_in(con, f"staged_{name}")
        assert con.execute(f"select count(*) from staged_{name}").fetchall() == [(out.frames[name].height,)]
    # Temporary: the warehouse file never keeps a view of a spool folder.
    assert con.execute("select temporary from duckdb_views() where view_name = 'staged_metric_facts'").fetchall() \
        == [(True,)]


def test_a_document_that_fails_extraction_is_quarantined_and_the_others_load(tmp_path, monkeypatch):
    import pipelines.extract.document as document

    real = document.extract_document

    def flaky(document_id, text, doc_date):
        if document_id == "id33":
            raise ValueError("bad numeral")
        return real(document_id, text, doc_date)

    monkeypatch.setattr(document, "extract_document", flaky)
    docs = _docs(40)   # past one flush of rows into frames (FRAME_EVERY_DOCUMENTS)
    out = spool.spool_extraction(docs, spool.Spool(str(tmp_path)), workers=1)
    failed = out.quarantine.filter(pl.col("check_name") == spool.FAILED_EXTRACTION[1])
    assert failed["document"].to_list() == ["r33.txt"]
    assert "ValueError: bad numeral" in failed["reason"][0]
    loaded = out.frames["metric_facts"].collect()["document_id"].unique().sort().to_list()
    assert loaded == sorted(f"id{i}" for i in range(40) if i != 33)


def test_chunks_keep_every_document_once_in_order_and_shrink_towards_the_end(monkeypatch):
    monkeypatch.setattr(spool, "CHUNK_CHARACTERS", 10 * len(TEXT))
    monkeypatch.setattr(spool, "CHUNK_MIN_CHARACTERS", 2 * len(TEXT))
    chunks = [[item[0] for item in items] for _, items in spool._chunks(_docs(100), workers=2)]
    assert [d for c in chunks for d in c] == [f"id{i}" for i in range(100)]
    sizes = [len(c) for c in chunks]
    assert max(sizes) == 10 and sizes[-1] < 10 and min(sizes) >= 1
    assert sizes == sorted(sizes, reverse=True)


def test_the_process_pool_gives_the_same_rows_and_takes_the_warm_workers(tmp_path, monkeypatch):
    monkeypatch.setattr(spool, "POOL_MIN_CHARACTERS", 0)   # the pool path for a small batch
    monkeypatch.setattr(spool, "CHUNK_DOCUMENTS", 2)
    docs = _docs(6)
    spool.warm_pool(2)
    warm = spool._WARM[2]
    taken, take = [], spool._take_pool
    monkeypatch.setattr(spool, "_take_pool", lambda workers: taken.append(take(workers)) or taken[-1])
    out = spool.spool_extraction(docs, spool.Spool(str(tmp_path)), workers=2)
    assert taken == [warm] and not spool._WARM
    direct = spool.spool_extraction(docs, spool.Spool(str(tmp_path)), workers=1)
    for name in spool.SPOOLED:
        assert out.frames[name].collect().equals(direct.frames[name].collect()), name


def test_a_warm_pool_nothing_takes_is_shut_down(tmp_path):
    spool.warm_pool(2)
    assert spool._WARM
    spool.spool_extraction(_docs(1), spool.Spool(str(tmp_path)), workers=1)   # too small for a pool
    assert not spool._WARM


def test_pool_workers_start_with_one_polars_thread_and_leave_this_environment_as_it_was(monkeypatch):
    monkeypatch.delenv("POLARS_MAX_THREADS", raising=False)
    pool = spool._new_pool(2)
    try:
        assert len(pool._processes) == 2     # started at once, not on the first chunk
        assert pool.submit(pl.thread_pool_size).result() == 1
    finally:
        pool.shutdown()
    assert "POLARS_MAX_THREADS" not in os.environ
