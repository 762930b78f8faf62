"""The benchmark script keeps working: `python -m bench.run --smoke` on 20 tiny documents.

Pins that the run exits 0, writes its JSON and markdown into --out (and its BENCHMARKS.md there,
never into the repo), and that the report has every section with the fields the figures in
BENCHMARKS.md are read from. It pins no timing: benchmarks are measurements, not tests.
Also pins the corpus promises the benchmark relies on: determinism and prefix stability.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench.corpus import build_corpus, load_sources, redraw_digits

REPO_ROOT = Path(__file__).resolve().parents[2]
SECTIONS = ("machine", "corpus", "end_to_end", "scaling", "extraction", "profile", "peers", "queries",
            "ratios", "targets")


@pytest.fixture(scope="module")
def smoke_report(tmp_path_factory) -> tuple[dict, Path]:
    out = tmp_path_factory.mktemp("bench-out")
    done = subprocess.run([sys.executable, "-m", "bench.run", "--smoke", "--out", str(out)], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads((out / "bench-smoke.json").read_text(encoding="utf-8")), out


@pytest.mark.slow
def test_smoke_report_has_every_section(smoke_report):
    report, out = smoke_report
    assert set(SECTIONS) <= set(report)
    assert (out / "bench-smoke.md").read_text(encoding="utf-8").startswith("## 20 documents")
    assert "<!-- bench:20:start -->" in (out / "BENCHMARKS.md").read_text(encoding="utf-8")


@pytest.mark.slow
@pytest.mark.parametrize("run", ["fresh", "noop", "add_one"])
def test_smoke_end_to_end_runs_succeed(smoke_report, run):
    measured = smoke_report[0]["end_to_end"][run]
    assert measured["exit_code"] == 0
    assert measured["wall_seconds"] > 0 and measured["peak_rss_bytes"] > 0


@pytest.mark.slow
@pytest.mark.parametrize(("run", "loaded", "unchanged"), [("fresh", 20, 0), ("noop", 0, 20), ("add_one", 1, 20)])
def test_smoke_runs_load_what_they_should(smoke_report, run, loaded, unchanged):
    summary = smoke_report[0]["end_to_end"][run]["summary"]
    assert (summary["loaded"], summary["unchanged"]) == (loaded, unchanged)


@pytest.mark.slow
@pytest.mark.parametrize("field", ["floor", "sample", "yanbao_extraction_one_core", "jionlp"])
def test_smoke_peers_section(smoke_report, field):
    peers = smoke_report[0]["peers"]
    assert field in peers
    if field == "jionlp":
        assert "money" in peers["jionlp"] or peers["jionlp"].get("skipped")


@pytest.mark.slow
def test_smoke_queries_cover_every_analysis_file(smoke_report):
    names = {q["query"] for q in smoke_report[0]["queries"]["queries"]}
    assert names == {p.name for p in (REPO_ROOT / "sql" / "analysis").glob("*.sql")}


@pytest.mark.slow
def test_smoke_targets_have_verdicts(smoke_report):
    assert {t["verdict"] for t in smoke_report[0]["targets"]} <= {"pass", "FAIL", "n/a"}
    assert len(smoke_report[0]["scaling"]["points"]) == 2


def test_corpus_is_deterministic_and_prefix_stable():
    sources = load_sources()
    five = [d.text for d in build_corpus(5, sources)]
    assert five == [d.text for d in build_corpus(5, sources)]
    assert five[:3] == [d.text for d in build_corpus(3, sources)]
    assert len(set(five)) == 5


@pytest.mark.parametrize(("text", "kept"), [
    ("2024年3月14日", r"20(0[5-9]|[12]\d|30)年([1-9]|1[0-2])月([1-9]|1\d|2[0-8])日"),
    ("营收217.9亿元", r"营收[1-9]\d\d\.\d亿元"),
    ("24Q3白酒板块", r"(1[5-9]|2\d|30)Q[1-4]白酒板块"),
    ("0.2%", r"0\.\d%"),
    ("116,007 辆", r"[1-9]\d\d,\d\d\d 辆"),
    ("January 28, 2024", r"January ([1-9]|1\d|2[0-8]), 20(0[5-9]|[12]\d|30)"),
])
def test_redrawn_digits_keep_the_shape_of_the_number(text, kept):
    import random
    import re

    for seed in range(20):
        assert re.fullmatch(kept, redraw_digits(text, random.Random(seed)))
