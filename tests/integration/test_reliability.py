"""Reliability promises: every input accounted for, crash safety, concurrent runs, bounded input.

Pins: a messy inbox (every encoding, empty/binary/PDF/oversized files, hostile
names, hidden and temp files) ends with every report file in v_documents or
v_rejected_documents; `kill -9` of a real `yanbao run` at each named point
leaves a warehouse that the next run brings to exactly the clean state; two
runs at once both finish and leave the clean state; a 5 MB single-line file
loads within bounded memory; nothing needs the network.
"""

from __future__ import annotations

import contextlib
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipelines.defs.resources import InboxResource, WarehouseResource
from tests.conftest import CONTRACT_VIEWS, SEED_REPORT, query, refresh, view_rows

YANBAO = str(Path(sys.executable).with_name("yanbao"))
VIEWS = (*CONTRACT_VIEWS, "v_entity_mentions", "v_unparsed_mentions")
SAMPLE = SEED_REPORT.read_text(encoding="utf-8")
EXCERPT = SAMPLE[SAMPLE.index("国内大模型迭代迅速"):SAMPLE.index("节奏展望")]


def messy_inbox(folder: Path) -> dict[str, str]:
    """Write one file of each kind; returns document -> 'loaded' | 'rejected'."""
    folder.mkdir(parents=True, exist_ok=True)
    expect: dict[str, str] = {}

    def put(name: str, data: bytes, outcome: str) -> None:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        expect[name] = outcome

    put("utf8.txt", EXCERPT.encode("utf-8"), "loaded")
    put("utf8_bom.txt", b"\xef\xbb\xbf" + EXCERPT.encode("utf-8"), "loaded")
    put("utf16le.txt", b"\xff\xfe" + EXCERPT.encode("utf-16-le"), "loaded")
    put("utf16be.txt", b"\xfe\xff" + EXCERPT.encode("utf-16-be"), "loaded")
    put("gb18030_4byte.txt", ("𠮷䶮集团2024年营收120亿元。" + EXCERPT).encode("gb18030"), "loaded")
    put("short_gbk.txt", "收入合计5亿元".encode("gbk"), "loaded")
    put("ascii_heavy_gbk.txt", ("id,value\n" * 300 + "备注：营收同比增长12%\n").encode("gbk"), "loaded")
    put("big5.txt", "台積電第一季營收同比增長16.5%，淨利潤達2254.9億新台幣。".encode("big5"), "loaded")
    put("empty.txt", b"", "rejected")
    put("whitespace.txt", b" \n\t\r\n   ", "rejected")
    put("binary.bin", bytes(range(256)) * 64, "rejected")
    put("report.pdf.txt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n", "rejected")
    put("oversized.txt", ("数据" * 700_000).encode("utf-8"), "rejected")   # 4.2 MB > the 1 MB test limit
    put("malformed numbers.txt", ("营收 1.2.3 万元;利润" + "９" * 22 + "亿元。" + EXCERPT).encode("utf-8"), "loaded")
    put("it's \"quoted\"; drop table fct_metric; --.txt", EXCERPT.encode("utf-8"), "loaded")
    put("中文目录/子目录/研报 2024.txt", EXCERPT.encode("utf-8"), "loaded")
    # Hidden and temporary files are not reports: ignored, documented in the README.
    (folder / ".DS_Store").write_bytes(b"\x00\x01")
    (folder / ".hidden").mkdir()
    (folder / ".hidden" / "x.txt").write_text("隐藏", encoding="utf-8")
    (folder / "download.txt.part").write_text("半个文件", encoding="utf-8")
    (folder / "~$report.docx").write_bytes(b"lock")
    return expect


def test_every_input_is_accounted_for(tmp_path, instance):
    inbox = tmp_path / "inbox"
    expect = messy_inbox(inbox)
    w = tmp_path / "w.duckdb"
    import dagster as dg

    from pipelines.defs.assets import extracted_facts, staged_documents, warehouse_tables

    result = dg.materialize(
        [staged_documents, extracted_facts, warehouse_tables],
        resources={"inbox": InboxResource(path=str(inbox), max_bytes=1_000_000),
                   "warehouse": WarehouseResource(path=str(w))},
        instance=instance,
    )
    assert result.success
    loaded = {r[0] for r in query(w, "select document from v_documents")}
    rejected = dict(query(w, "select document, reason from v_rejected_documents"))
    assert loaded == {d for d, o in expect.items() if o == "loaded"}
    assert set(rejected) == {d for d, o in expect.items() if o == "rejected"}
    assert "over the size limit" in rejected["oversized.txt"]
    assert "PDF" in rejected["report.pdf.txt"]
    # A decodable report gives the same facts whatever its encoding.
    facts = {}
    for doc in ("utf8.txt", "utf8_bom.txt", "utf16le.txt", "utf16be.txt"):
        facts[doc] = query(w, "select span_start, value, unit from v_metric_facts where document = ? order by 1", [doc])
    assert len({tuple(v) for v in facts.values()}) == 1 and facts["utf8.txt"]
    # Malformed numbers are unparsed mentions with reasons, never facts with guessed values.
    unparsed = query(w, "select mention, reason from v_unparsed_mentions where document = 'malformed numbers.txt'")
    assert len(unparsed) >= 2 and all(reason for _, reason in unparsed)


def test_unreadable_file_is_rejected_with_the_reason(inbox, warehouse_file, instance, monkeypatch):
    from pipelines.ingest import inbox as inbox_module

    real = inbox_module.sha256_file

    def flaky(path, max_bytes=None):
        if path.name == "locked.txt":
            raise PermissionError(13, "Permission denied")
        return real(path, max_bytes)

    (inbox / "locked.txt").write_text("无法读取", encoding="utf-8")
    monkeypatch.setattr(inbox_module, "sha256_file", flaky)
    assert refresh(inbox, warehouse_file, instance).success
    assert query(warehouse_file, "select reason from v_rejected_documents") == [
        ("cannot read the file: Permission denied",)]


def test_file_vanishing_during_the_run_is_not_a_failure(inbox, warehouse_file, instance, monkeypatch):
    from pipelines.ingest import inbox as inbox_module

    (inbox / "gone.txt").write_text(EXCERPT, encoding="utf-8")
    real = inbox_module.sha256_file

    def vanish(path, max_bytes=None):
        if path.name == "gone.txt":
            path.unlink()
        return real(path, max_bytes)

    monkeypatch.setattr(inbox_module, "sha256_file", vanish)
    assert refresh(inbox, warehouse_file, instance).success
    assert [r[0] for r in query(warehouse_file, "select document from v_documents")] == ["seed_report.txt"]


def yanbao_run(inbox: Path, warehouse: Path, home: Path, crash_at: str | None = None,
               wait: bool = True) -> subprocess.Popen | subprocess.CompletedProcess:
    home.mkdir(parents=True, exist_ok=True)
    # The project's instance settings (the warehouse pool), as `make` and the CLI use them.
    shutil.copy(Path(__file__).parents[2] / "dagster_home" / "dagster.yaml", home / "dagster.yaml")
    env = {**os.environ, "DAGSTER_HOME": str(home)}
    env.pop("YANBAO_CRASH_AT", None)
    if crash_at:
        env["YANBAO_CRASH_AT"] = crash_at
    cmd = [YANBAO, "run", "--inbox", str(inbox), "--warehouse", str(warehouse), "--quiet"]
    if not wait:
        # Its own process group, so that a test can kill what the run started along with it.
        return subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                start_new_session=True)
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)


def snapshot(warehouse: Path) -> dict[str, list[tuple]]:
    return {v: view_rows(warehouse, v) for v in VIEWS}


@pytest.fixture(scope="module")
def two_versions(tmp_path_factory):
    """An inbox in version 1 and version 2 (one file changed, one added, one removed), and the
    warehouse a clean run builds for each."""
    base = tmp_path_factory.mktemp("versions")
    v1, v2 = base / "v1", base / "v2"
    for v in (v1, v2):
        v.mkdir()
    shutil.copy(SEED_REPORT, v1 / "seed_report.txt")
    (v1 / "old.txt").write_text(EXCERPT, encoding="utf-8")
    (v2 / "seed_report.txt").write_text(SAMPLE.replace("8054 台", "9054 台"), encoding="utf-8")
    (v2 / "new.txt").write_text("比亚迪2024年一季度营业收入1249.44亿元，同比下降3.8%。\n", encoding="utf-8")
    clean = {}
    for name, inbox in (("v1", v1), ("v2", v2)):
        w = base / f"clean_{name}.duckdb"
        assert yanbao_run(inbox, w, base / f"home_{name}").returncode == 0
        clean[name] = snapshot(w)
    return base, v1, v2, clean


CRASH_POINTS = ["staged", "extracted", "load:delete_facts_of_touched_documents.sql",
                "load:insert_into_fct_metric.sql", "load:insert_into_quarantine.sql", "before_commit",
                "after_commit"]


@pytest.mark.slow
@pytest.mark.parametrize("point", CRASH_POINTS)
def test_kill_9_at_any_point_then_rerun_equals_a_clean_run(two_versions, tmp_path, point):
    base, v1, v2, clean = two_versions
    inbox = tmp_path / "inbox"
    shutil.copytree(v1, inbox)
    w, home = tmp_path / "w.duckdb", tmp_path / "home"
    assert yanbao_run(inbox, w, home).returncode == 0
    shutil.rmtree(inbox)
    shutil.copytree(v2, inbox)
    killed = yanbao_run(inbox, w, home, crash_at=point)
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-500:]
    after_crash = snapshot(w)
    # Before the commit the warehouse is still version 1; after it, already version 2.
    assert after_crash == (clean["v2"] if point == "after_commit" else clean["v1"])
    again = yanbao_run(inbox, w, home)
    assert again.returncode == 0, again.stderr[-500:]
    assert snapshot(w) == clean["v2"]


@pytest.mark.slow
def test_kill_9_at_random_moments(two_versions, tmp_path):
    base, v1, v2, clean = two_versions
    inbox = tmp_path / "inbox"
    shutil.copytree(v2, inbox)
    w, home = tmp_path / "w.duckdb", tmp_path / "home"
    for delay in (0.4, 1.2, 2.0, 2.8):   # fixed delays: deterministic test, varied moments
        proc = yanbao_run(inbox, w, home, wait=False)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        # Then what it left behind, as a supervisor killing the run would: pool workers, and
        # Dagster's stdout mirror (`tail -F`), which outlives a run killed between starting it and
        # its watcher, holding our pipes open for ever.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=60)
        if w.exists() and query(w, "select count(*) from duckdb_views() where view_name = 'v_documents'")[0][0]:
            # Killed before the commit: nothing loaded; after it: the whole of version 2. Never half.
            state = snapshot(w)
            assert state == clean["v2"] or all(not rows for rows in state.values())
    final = yanbao_run(inbox, w, home)
    assert final.returncode == 0, final.stderr[-500:]
    assert snapshot(w) == clean["v2"]


@pytest.mark.slow
def test_two_runs_at_once_both_finish_and_leave_the_clean_state(two_versions, tmp_path):
    base, v1, v2, clean = two_versions
    inbox = tmp_path / "inbox"
    shutil.copytree(v2, inbox)
    w, home = tmp_path / "w.duckdb", tmp_path / "home"
    first = yanbao_run(inbox, w, home, wait=False)
    second = yanbao_run(inbox, w, home, wait=False)
    outs = [p.communicate(timeout=300) for p in (first, second)]
    codes = [first.returncode, second.returncode]
    for code, (_, err) in zip(codes, outs, strict=True):
        # Either it ran, or it refused in one line: never a lock traceback.
        assert code == 0 or (err.strip().count("\n") == 0 and err.startswith("yanbao:")), err[-800:]
        assert "Traceback" not in err
    assert 0 in codes
    assert snapshot(w) == clean["v2"]


@pytest.mark.slow
def test_five_megabyte_single_line_file_loads_in_bounded_memory(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    line = EXCERPT.replace("\n", " ")
    big = (line * (5_000_000 // len(line.encode("utf-8")) + 1)).encode("utf-8")[:5_000_000]
    big = big.decode("utf-8", errors="ignore").encode("utf-8")
    (inbox / "one_line.txt").write_bytes(big)
    w = tmp_path / "w.duckdb"
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    p = yanbao_run(inbox, w, tmp_path / "home")
    peak_mb = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    assert p.returncode == 0, p.stderr[-500:]
    assert query(w, "select count(*) from v_documents")[0][0] == 1
    assert query(w, "select count(*) from v_metric_facts")[0][0] > 1000
    print(f"peak RSS for a 5 MB single-line file: {peak_mb:.0f} MB")
    assert peak_mb < 1500


def test_no_network_is_needed(inbox, warehouse_file, instance, monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    assert refresh(inbox, warehouse_file, instance).success


def test_local_only_defaults():
    makefile = (Path(__file__).parents[2] / "Makefile").read_text(encoding="utf-8")
    assert "dagster dev -h 127.0.0.1" in makefile
