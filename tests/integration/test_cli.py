"""The yanbao command: run through Dagster, read-only queries, one-line errors.

Pins: `yanbao run` prints the summary and exits 0 with rejected files present,
2 with a one-line reason on a missing inbox; `yanbao query` prints table, csv
and json, binds --param values, refuses every statement that could change the
warehouse or touch files, and answers a writer's lock with one line.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipelines import cli
from tests.conftest import refresh

YANBAO = str(Path(sys.executable).with_name("yanbao"))


@pytest.fixture
def loaded(inbox, warehouse_file, instance):
    refresh(inbox, warehouse_file, instance)
    return warehouse_file


def run_cli(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_yanbao_run_prints_a_summary(inbox, tmp_path):
    (inbox / "empty.txt").write_bytes(b"")
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path / "dh")}
    w = tmp_path / "w.duckdb"
    p = subprocess.run([YANBAO, "run", "--inbox", str(inbox), "--warehouse", str(w), "--quiet"],
                       capture_output=True, text=True, env=env, timeout=300)
    assert p.returncode == 0, p.stderr
    assert "1 loaded, 0 unchanged, 1 rejected, 0 removed" in p.stdout
    assert "quantities" in p.stdout
    again = subprocess.run([YANBAO, "run", "--inbox", str(inbox), "--warehouse", str(w), "--quiet"],
                           capture_output=True, text=True, env=env, timeout=300)
    assert "0 loaded, 2 unchanged, 0 rejected, 0 removed" in again.stdout


def test_yanbao_run_missing_inbox_is_one_line(tmp_path, capsys):
    code, out, err = run_cli(capsys, "run", "--inbox", str(tmp_path / "nope"), "--warehouse", str(tmp_path / "w.duckdb"))
    assert code == cli.EXIT_USAGE
    assert err.strip().count("\n") == 0 and "inbox folder not found" in err


def test_query_formats(loaded, capsys):
    sql = "select document, count(*) as n from v_metric_facts group by document"
    code, out, _ = run_cli(capsys, "query", sql, "--warehouse", str(loaded))
    assert code == 0 and "seed_report.txt" in out and "(1 row)" in out
    code, out, _ = run_cli(capsys, "query", sql, "--warehouse", str(loaded), "--format", "json")
    assert json.loads(out)[0]["document"] == "seed_report.txt"
    code, out, _ = run_cli(capsys, "query", sql, "--warehouse", str(loaded), "--format", "csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["document", "n"] and rows[1][0] == "seed_report.txt"


def test_query_binds_parameters(loaded, capsys):
    hostile = "x'); drop table fct_metric; --"
    code, out, _ = run_cli(capsys, "query", "select count(*) as n from v_metric_facts where subject = $s",
                           "--param", f"s={hostile}", "--warehouse", str(loaded), "--format", "json")
    assert code == 0 and json.loads(out) == [{"n": 0}]
    code, out, _ = run_cli(capsys, "query", "--file", "sql/analysis/quantities_about_entity.sql",
                           "--param", "entity=中国移动", "--warehouse", str(loaded), "--format", "json")
    assert code == 0 and len(json.loads(out)) >= 5


@pytest.mark.parametrize("sql", [
    "create table t (x int)",
    "insert into dim_metric values ('x', 'x', 'x', null)",
    "delete from fct_metric",
    "update dim_document set status = 'removed'",
    "drop view v_metric_facts",
    "attach '/tmp/other.duckdb' as other",
    "copy fct_metric to '/tmp/out.csv'",
    "install httpfs",
    "load httpfs",
    "pragma enable_profiling",
    "set threads = 1",
    "select 1; drop table fct_metric",
    "checkpoint",
])
def test_query_refuses_statements_that_change_or_touch_files(loaded, capsys, sql):
    code, _, err = run_cli(capsys, "query", sql, "--warehouse", str(loaded))
    assert code == cli.EXIT_USAGE
    assert err.startswith("yanbao: ") and err.strip().count("\n") == 0


def test_query_cannot_read_files_through_functions(loaded, capsys):
    code, _, err = run_cli(capsys, "query", "select * from read_csv('/etc/passwd')", "--warehouse", str(loaded))
    assert code == cli.EXIT_USAGE and "SQL error" in err


def test_query_while_a_run_writes_is_one_line(loaded, capsys):
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('ready', flush=True); time.sleep(30)",
         str(loaded)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        started = time.monotonic()
        code, _, err = run_cli(capsys, "query", "select 1", "--warehouse", str(loaded))
        assert code == cli.EXIT_BUSY
        assert err.strip() == "yanbao: a run is writing the warehouse; retry when it finishes"
        assert time.monotonic() - started < 10
    finally:
        holder.kill()
        holder.wait()
