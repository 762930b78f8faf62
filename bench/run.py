"""The yanbao benchmark: end to end, extraction alone, peers, scaling and queries on one corpus.

    python -m bench.run [--docs N] [--out DIR] [--skip-peers] [--scaling 500,2000,10000] [--smoke]

Writes `bench-<N>.json` and `bench-<N>.md` into `--out` (default `bench/out/`) and
replaces the N-document section of `BENCHMARKS.md` (a `--smoke` run writes its
BENCHMARKS.md into `--out` instead, so the test suite never touches the repo's).
This is a measurement, not a test: nothing here asserts a number; the targets
table says pass or fail and the run exits 0 either way.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import datetime as dt
import io
import json
import os
import platform
import pstats
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from bench.corpus import (
    REPO_ROOT,
    Document,
    build_corpus,
    build_document,
    load_sources,
    sentence_overlap,
    write_corpus,
)

DEFAULT_OUT = REPO_ROOT / "bench" / "out"
BENCHMARKS_MD = REPO_ROOT / "BENCHMARKS.md"
ANALYSIS_DIR = REPO_ROOT / "sql" / "analysis"
QUERY_PARAMS = {"entity": "中国移动"}
FLOOR_PATTERN = r"\d+(?:\.\d+)?"
RSS_POLL_SECONDS = 0.05
QUERY_RUNS = 5

# The targets on the reference 2-core machine.
TARGET_PEER_MULTIPLE = 5.0
TARGET_LARGE_DOCS = 10_000
TARGET_LARGE_SECONDS = 90.0
TARGET_PEAK_BYTES = 2 * 1024**3
TARGET_NOOP_SECONDS = 5.0
TARGET_ADD_ONE_SECONDS = 8.0
TARGET_QUERY_MS = 100.0
# "Uses both cores": CPU-seconds of the whole process tree per wall second.
TARGET_CORES_BUSY = 1.5
# "Flat": per-document cost may not rise by more than this from one N to the next larger N.
FLAT_TOLERANCE = 1.10

LIBRARIES = ("yanbao", "dagster", "duckdb", "polars", "pandera", "pyarrow", "charset-normalizer", "jionlp", "mypy",
             "psutil")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=2_000, help="corpus size for the main run (default 2000)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder for the JSON and markdown report")
    parser.add_argument("--skip-peers", action="store_true", help="do not run JioNLP")
    parser.add_argument("--scaling", default="500,2000,10000",
                        help="corpus sizes for the scaling runs; sizes above --docs are skipped (default 500,2000,10000)")
    parser.add_argument("--smoke", action="store_true",
                        help="20 tiny documents, small samples: checks the script works, measures nothing useful")
    parser.add_argument("--peer-chars", type=int, default=2_000_000,
                        help="characters of the corpus JioNLP is run on (default 2,000,000)")
    parser.add_argument("--extract-chars", type=int, default=16_000_000,
                        help="characters the in-process extraction is measured on (default 16,000,000)")
    parser.add_argument("--profile-chars", type=int, default=1_000_000,
                        help="characters run under cProfile (default 1,000,000)")
    parser.add_argument("--benchmarks-md", type=Path, help="the BENCHMARKS.md to update (default: the repo's; "
                        "with --smoke: one in --out)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary inboxes and warehouses")
    parser.add_argument("--label", help="what code is under test, recorded in the report (e.g. a snapshot's commit)")
    args = parser.parse_args(argv)

    tiny = args.smoke
    if args.smoke:
        args.docs = 20
        args.peer_chars, args.extract_chars, args.profile_chars = 20_000, 200_000, 20_000
        scaling = [10, 20]
    else:
        scaling = [int(s) for s in args.scaling.split(",") if s.strip()]
    scaling = sorted({n for n in scaling if 0 < n <= args.docs} | {args.docs})
    benchmarks_md = args.benchmarks_md or (args.out / "BENCHMARKS.md" if args.smoke else BENCHMARKS_MD)

    report = run_benchmark(args.docs, scaling, tiny=tiny, skip_peers=args.skip_peers, peer_chars=args.peer_chars,
                           extract_chars=args.extract_chars, profile_chars=args.profile_chars, keep=args.keep,
                           smoke=args.smoke)
    report["label"] = args.label
    args.out.mkdir(parents=True, exist_ok=True)
    stem = f"bench-{'smoke' if args.smoke else args.docs}"
    (args.out / f"{stem}.json").write_text(json.dumps(report, ensure_ascii=False, indent=1, default=str) + "\n",
                                           encoding="utf-8")
    markdown = render_markdown(report)
    (args.out / f"{stem}.md").write_text(markdown, encoding="utf-8")
    update_benchmarks_md(benchmarks_md, report["corpus"]["documents"], markdown, smoke=args.smoke)
    _log(f"wrote {args.out / stem}.json, .md and {benchmarks_md}")
    print(render_targets(report["targets"]))
    return 0


# (phase, 1-minute load average when it started): other work on the machine skews the phase it overlaps.
PHASE_LOAD: list[tuple[str, float]] = []


def _log(message: str) -> None:
    PHASE_LOAD.append((message, round(os.getloadavg()[0], 2)))
    print(f"[bench {time.strftime('%H:%M:%S')}] {message} (load {os.getloadavg()[0]:.2f})", file=sys.stderr,
          flush=True)


def run_benchmark(docs: int, scaling: list[int], *, tiny: bool, skip_peers: bool, peer_chars: int,
                  extract_chars: int, profile_chars: int, keep: bool, smoke: bool) -> dict[str, Any]:
    """Every measurement, as one JSON-ready dict."""
    started = time.perf_counter()
    report: dict[str, Any] = {"machine": machine_info(), "smoke": smoke}
    work = Path(tempfile.mkdtemp(prefix="yanbao-bench-"))
    try:
        _log(f"building {docs} documents in {work}")
        sources = load_sources()
        t = time.perf_counter()
        corpus = write_corpus(work / "corpus", build_corpus(docs, sources, tiny=tiny))
        build_seconds = time.perf_counter() - t
        report["corpus"] = corpus_summary(corpus, sources, build_seconds, tiny)

        runs = {}
        for n in scaling:
            _log(f"end to end on {n} documents")
            runs[n] = end_to_end(work, corpus[:n], sources, with_refresh=(n == docs), tiny=tiny)
        report["end_to_end"] = runs[docs]
        report["scaling"] = scaling_summary(runs)

        sample = _prefix(corpus, extract_chars)
        _log(f"extraction alone on {len(sample)} documents")
        report["extraction"] = extraction_alone(sample)
        _log("profiling extraction")
        report["profile"] = profile_extraction(_prefix(corpus, profile_chars))

        peer_sample = _prefix(corpus, peer_chars)
        _log(f"floor and peers on {sum(len(d.text) for d in peer_sample):,} characters")
        report["peers"] = peers(corpus, peer_sample, skip=skip_peers)

        largest = max(runs)
        _log(f"queries on the {largest}-document warehouse")
        report["queries"] = query_latencies(Path(runs[largest]["warehouse_path"]), runs[largest]["documents_in_warehouse"])

        report["ratios"] = ratios(report)
        report["targets"] = targets(report, runs)
    finally:
        if keep:
            _log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    report["benchmark_seconds"] = round(time.perf_counter() - started, 1)
    report["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    report["machine"]["load_average_by_phase"] = list(PHASE_LOAD)
    from pipelines.extract.document import extractor_version

    # Code edited while the benchmark ran makes the re-run figures meaningless: say so.
    report["machine"]["extractor_version_at_end"] = extractor_version.__wrapped__()
    return report


def _prefix(corpus: list[Document], characters: int) -> list[Document]:
    """The first documents of the corpus holding at least `characters` (all of them if fewer)."""
    out, total = [], 0
    for doc in corpus:
        if total >= characters:
            break
        out.append(doc)
        total += len(doc.text)
    return out


def machine_info() -> dict[str, Any]:
    import importlib.metadata as md

    import psutil

    from pipelines import native
    from pipelines.extract.document import extractor_version

    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = md.version(name)
        except md.PackageNotFoundError:
            versions[name] = None
    cpu_model = None
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    return {
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "cores_logical": os.cpu_count(),
        "cores_physical": psutil.cpu_count(logical=False),
        "cpu_model": cpu_model,
        "memory_bytes": psutil.virtual_memory().total,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "libraries": versions,
        "extractor_version": extractor_version(),
        # Compiled (mypyc) or the Python source: the throughput differs by about 1.3×.
        "extraction_code": native.MODE,
        "git_commit": _git("rev-parse", "--short", "HEAD"),
        "git_dirty": bool(_git("status", "--porcelain", "--untracked-files=no")),
        # Other work on the machine skews every figure: the load average says how much there was.
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def _git(*args: str) -> str | None:
    try:
        out = subprocess.run(["git", *args], cwd=REPO_ROOT, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


def corpus_summary(corpus: list[Document], sources, build_seconds: float, tiny: bool) -> dict[str, Any]:
    chars = [len(d.text) for d in corpus]
    languages: dict[str, int] = {}
    for d in corpus:
        languages[d.language] = languages.get(d.language, 0) + 1
    return {
        "documents": len(corpus),
        "characters": sum(chars),
        "utf8_bytes": sum(len(d.text.encode("utf-8")) for d in corpus),
        "mean_characters": round(statistics.mean(chars)) if chars else 0,
        "min_characters": min(chars, default=0),
        "max_characters": max(chars, default=0),
        "documents_by_language": languages,
        "sources": [s.key for s in sources],
        "tiny": tiny,
        "build_seconds": round(build_seconds, 2),
        "sentence_overlap": sentence_overlap(corpus),
    }


def _yanbao_command() -> list[str]:
    script = Path(sys.executable).with_name("yanbao")
    return [str(script)] if script.exists() else [sys.executable, "-m", "pipelines.cli"]


def measure_run(inbox: Path, warehouse: Path, dagster_home: Path) -> dict[str, Any]:
    """One `yanbao run --quiet` subprocess: wall time, peak RSS of its process tree, CPU time."""
    import psutil

    cmd = [*_yanbao_command(), "run", "--inbox", str(inbox), "--warehouse", str(warehouse), "--quiet"]
    env = {**os.environ, "DAGSTER_HOME": str(dagster_home)}
    logs = dagster_home.parent
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak = 0
    with open(logs / "stdout.txt", "w") as out, open(logs / "stderr.txt", "w") as err:
        started = time.perf_counter()
        proc = psutil.Popen(cmd, env=env, stdout=out, stderr=err, cwd=REPO_ROOT)
        done = threading.Event()

        def poll() -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, _tree_rss(proc))
                done.wait(RSS_POLL_SECONDS)

        poller = threading.Thread(target=poll, daemon=True)
        poller.start()
        code = proc.wait()
        wall = time.perf_counter() - started
        done.set()
        poller.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    stdout = (logs / "stdout.txt").read_text()
    stderr = (logs / "stderr.txt").read_text()
    return {
        "exit_code": code,
        "wall_seconds": round(wall, 3),
        "peak_rss_bytes": peak,
        "cpu_seconds": round(cpu, 2),
        "cores_busy": round(cpu / wall, 2) if wall else None,
        "summary": _parse_summary(stdout),
        "stderr_tail": stderr.strip().splitlines()[-3:] if code else [],
    }


def _tree_rss(proc) -> int:
    import psutil

    total = 0
    try:
        members = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return 0
    for p in members:
        with contextlib.suppress(psutil.Error):
            total += p.memory_info().rss
    return total


_SUMMARY_NUMBERS = re.compile(r"(\d+) (loaded|unchanged|rejected|removed|quantities|company signals|events|"
                              r"entities|unparsed mentions)")


def _parse_summary(stdout: str) -> dict[str, int]:
    return {label.replace(" ", "_"): int(n) for n, label in _SUMMARY_NUMBERS.findall(stdout)}


def end_to_end(work: Path, corpus: list[Document], sources, with_refresh: bool, tiny: bool) -> dict[str, Any]:
    """A fresh warehouse and DAGSTER_HOME, one full run; for the main size also the no-op and add-one runs."""
    n = len(corpus)
    root = work / f"run-{n}"
    inbox, home = root / "inbox", root / "dagster_home"
    inbox.mkdir(parents=True)
    home.mkdir()
    shutil.copy(REPO_ROOT / "dagster_home" / "dagster.yaml", home / "dagster.yaml")
    for doc in corpus:
        source = work / "corpus" / doc.name
        try:
            os.link(source, inbox / doc.name)
        except OSError:
            shutil.copy(source, inbox / doc.name)
    warehouse = root / "warehouse" / "yanbao.duckdb"
    characters = sum(len(d.text) for d in corpus)

    fresh = measure_run(inbox, warehouse, home)
    fresh["stages"] = dagster_stages(home)
    out: dict[str, Any] = {
        "documents": n,
        "characters": characters,
        "fresh": fresh,
        "characters_per_second": round(characters / fresh["wall_seconds"]),
        "documents_per_second": round(n / fresh["wall_seconds"], 1),
        "ms_per_document": round(1000 * fresh["wall_seconds"] / n, 3),
        "warehouse_path": str(warehouse),
        "warehouse_bytes": _file_size(warehouse),
        "fresh_warehouse_bytes": _file_size(warehouse),
        "documents_in_warehouse": n,
    }
    if with_refresh and fresh["exit_code"] == 0:
        _log(f"no-op re-run on {n} documents")
        out["noop"] = measure_run(inbox, warehouse, home)
        extra = build_document(n, sources, tiny=tiny)
        (inbox / extra.name).write_text(extra.text, encoding="utf-8")
        _log(f"adding one document to {n}")
        out["add_one"] = measure_run(inbox, warehouse, home)
        out["add_one"]["stages"] = dagster_stages(home)
        out["add_one"]["characters_added"] = len(extra.text)
        out["documents_in_warehouse"] = n + 1
        out["warehouse_bytes"] = _file_size(warehouse)
    return out


def _file_size(path: Path) -> int | None:
    return path.stat().st_size if path.exists() else None


def dagster_stages(dagster_home: Path) -> dict[str, Any]:
    """Step durations and the assets' own timing metadata of the latest run in `dagster_home`."""
    import dagster as dg

    out: dict[str, Any] = {}
    try:
        with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
            runs = instance.get_runs(limit=1)
            if not runs:
                return out
            run_id = runs[0].run_id
            steps = {}
            for record in instance.all_logs(run_id, of_type=dg.DagsterEventType.STEP_SUCCESS):
                event = record.dagster_event
                steps[event.step_key] = round(event.event_specific_data.duration_ms / 1000, 3)
            out["step_seconds"] = steps
            for record in instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION):
                mat = record.dagster_event.event_specific_data.materialization
                key = mat.asset_key.to_user_string()
                md = {k: v.value for k, v in mat.metadata.items()}
                if key == "staged_documents":
                    out["staging_seconds"] = md.get("seconds")
                elif key == "quarantined_rows":
                    out["extraction_seconds"] = md.get("extraction_seconds")
                elif key == "dim_document" and isinstance(md.get("summary"), dict):
                    out["load_seconds"] = md["summary"].get("load_seconds")
    except Exception as exc:  # noqa: BLE001 - a missing breakdown must not lose the measurements
        out["error"] = f"{type(exc).__name__}: {exc}"
    return out


def scaling_summary(runs: dict[int, dict[str, Any]]) -> dict[str, Any]:
    """Per-document cost and peak memory per N; marginal cost between consecutive N."""
    points = []
    previous = None
    for n in sorted(runs):
        r = runs[n]
        point = {
            "documents": n,
            "wall_seconds": r["fresh"]["wall_seconds"],
            "ms_per_document": r["ms_per_document"],
            "peak_rss_bytes": r["fresh"]["peak_rss_bytes"],
            "warehouse_bytes": r["fresh_warehouse_bytes"],
            "exit_code": r["fresh"]["exit_code"],
        }
        if previous:
            dn = n - previous["documents"]
            point["marginal_ms_per_document"] = round(1000 * (point["wall_seconds"] - previous["wall_seconds"]) / dn, 3)
            point["marginal_rss_bytes_per_document"] = round((point["peak_rss_bytes"] - previous["peak_rss_bytes"]) / dn)
        points.append(point)
        previous = point
    return {"points": points}


def extraction_alone(sample: list[Document]) -> dict[str, Any]:
    """`extract_document` on one core, then `spool_extraction` (the run's process pool: extract,
    check, validate, write Parquet) on all cores."""
    import polars as pl

    from pipelines.extract.document import extract_document
    from pipelines.spool import POOL_MIN_CHARACTERS, Spool, spool_extraction

    characters = sum(len(d.text) for d in sample)
    failures: dict[str, int] = {}
    _warm_up()
    started = time.perf_counter()
    for d in sample:
        try:
            extract_document(d.name, d.text, d.published)
        except Exception as exc:  # noqa: BLE001 - counted, as the pipeline rejects such documents
            key = f"{type(exc).__name__}: {exc}"[:160]
            failures[key] = failures.get(key, 0) + 1
    single = time.perf_counter() - started

    frame = pl.DataFrame({
        "document_id": [d.name for d in sample], "document": [d.name for d in sample],
        "text": [d.text for d in sample], "published_date": [d.published for d in sample],
        "characters": [len(d.text) for d in sample],
    })
    workers = os.cpu_count() or 1
    started = time.perf_counter()
    out = spool_extraction(frame, Spool(), workers=workers)
    pooled = time.perf_counter() - started
    return {
        "documents": len(sample),
        "characters": characters,
        "one_core": {"seconds": round(single, 3), "characters_per_second": round(characters / single),
                     "failed_documents": sum(failures.values()), "failures": failures},
        "all_cores": {"seconds": round(pooled, 3), "characters_per_second": round(characters / pooled),
                      "workers": workers, "pool_used": workers > 1 and characters >= POOL_MIN_CHARACTERS
                      and len(sample) > 1,
                      "speedup": round(single / pooled, 2),
                      "rows": {k: v.height for k, v in out.frames.items()}},
    }


def _warm_up() -> None:
    """Load the vocabularies and compile the patterns once, outside every timer: a one-off cost."""
    from pipelines.extract.document import extract_document

    doc = build_document(0, load_sources(), tiny=True)
    with contextlib.suppress(Exception):
        extract_document(doc.name, doc.text, doc.published)


def profile_extraction(sample: list[Document], top: int = 25) -> dict[str, Any]:
    """cProfile of `extract_document` over the sample: top functions by cumulative and by own time.

    The profiler cannot see inside compiled functions, so when this process runs the compiled
    build the profile is taken of the Python source, in a child process: it shows where the time
    goes (the source's shares), not how fast the compiled code is (see "Extraction alone")."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from pipelines import native
    from pipelines.spool import _environment

    if not native.MODE.startswith("compiled"):
        return _profile_here(sample, top)
    with _environment({native.PURE_ENV: "1"}), ProcessPoolExecutor(
            1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(_profile_here, sample, top).result()


def _profile_here(sample: list[Document], top: int) -> dict[str, Any]:
    from pipelines import native
    from pipelines.extract.document import extract_document

    _warm_up()

    profiler = cProfile.Profile()
    profiler.enable()
    for d in sample:
        with contextlib.suppress(Exception):
            extract_document(d.name, d.text, d.published)
    profiler.disable()
    stats = pstats.Stats(profiler)
    # Shares are of the time inside extract_document, the profiled work.
    total = max((v[3] for v in stats.stats.values()), default=0.0)

    def rows(order: str, count: int) -> list[dict[str, Any]]:
        stats.sort_stats(order)
        out = []
        for key in stats.fcn_list[:count]:
            cc, nc, tt, ct, _ = stats.stats[key]
            out.append({"function": _function_label(key), "calls": nc, "own_seconds": round(tt, 3),
                        "cumulative_seconds": round(ct, 3), "cumulative_share": round(ct / total, 3) if total else None})
        return out

    return {
        "documents": len(sample),
        "characters": sum(len(d.text) for d in sample),
        "extraction_code": native.MODE,
        "profiled_seconds": round(total, 3),
        "by_cumulative": rows("cumulative", top),
        "by_own_time": rows("tottime", 15),
    }


def _function_label(key: tuple[str, int, str]) -> str:
    filename, line, name = key
    if filename == "~":
        return name
    path = filename
    for root in (str(REPO_ROOT) + os.sep, os.sep + "site-packages" + os.sep):
        if root in path:
            path = path.split(root, 1)[1]
    return f"{path}:{line}({name})"


def peers(corpus: list[Document], sample: list[Document], skip: bool) -> dict[str, Any]:
    """The number-regex floor over the whole corpus, then JioNLP and yanbao on the same sample."""
    from pipelines.extract.document import extract_document

    whole = "\n".join(d.text for d in corpus)
    number = re.compile(FLOOR_PATTERN)
    started = time.perf_counter()
    matches = sum(1 for _ in number.finditer(whole))
    floor_seconds = time.perf_counter() - started
    out: dict[str, Any] = {
        "floor": {"pattern": FLOOR_PATTERN, "characters": len(whole), "matches": matches,
                  "seconds": round(floor_seconds, 4), "characters_per_second": round(len(whole) / floor_seconds)},
    }

    characters = sum(len(d.text) for d in sample)
    started = time.perf_counter()
    for d in sample:
        with contextlib.suppress(Exception):
            extract_document(d.name, d.text, d.published)
    yanbao_seconds = time.perf_counter() - started
    out["sample"] = {"documents": len(sample), "characters": characters}
    out["yanbao_extraction_one_core"] = {"seconds": round(yanbao_seconds, 3),
                                         "characters_per_second": round(characters / yanbao_seconds)}
    if skip:
        out["jionlp"] = {"skipped": "--skip-peers"}
        return out
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            import jionlp
    except Exception as exc:  # noqa: BLE001 - a peer that cannot load is reported, not fatal
        out["jionlp"] = {"skipped": f"jionlp could not be imported: {type(exc).__name__}: {exc}"}
        return out

    paragraphs = [(p, time.mktime(d.published.timetuple())) for d in sample for p in d.text.split("\n") if p.strip()]
    out["jionlp"] = {
        "version": getattr(jionlp, "__version__", None),
        "paragraphs": len(paragraphs),
        "money": _time_peer(lambda p, base: jionlp.ner.extract_money(p), paragraphs, characters),
        "time": _time_peer(lambda p, base: jionlp.ner.extract_time(p, time_base=base), paragraphs, characters),
    }
    both = out["jionlp"]["money"]["seconds"] + out["jionlp"]["time"]["seconds"]
    out["jionlp"]["money_and_time"] = {"seconds": round(both, 3), "characters_per_second": round(characters / both)}
    return out


def _time_peer(call, paragraphs: list[tuple[str, float]], characters: int) -> dict[str, Any]:
    found = errors = 0
    sink = io.StringIO()
    started = time.perf_counter()
    # JioNLP prints warnings for some inputs; printing is part of its cost but not of its answer.
    with contextlib.redirect_stdout(sink):
        for paragraph, base in paragraphs:
            try:
                found += len(call(paragraph, base))
            except Exception:  # noqa: BLE001 - JioNLP raises on some inputs (2023A, 2025E): counted
                errors += 1
    seconds = time.perf_counter() - started
    return {"seconds": round(seconds, 3), "characters_per_second": round(characters / seconds),
            "results": found, "paragraphs_raising": errors}


def query_latencies(warehouse: Path, documents: int) -> dict[str, Any]:
    """Median of QUERY_RUNS runs (after one warm-up) of each analysis query, through `connect_query`."""
    from pipelines.warehouse import connect_query

    out: dict[str, Any] = {"warehouse_documents": documents, "warehouse_bytes": _file_size(warehouse),
                           "runs": QUERY_RUNS, "queries": []}
    if not warehouse.exists():
        out["error"] = "no warehouse was built"
        return out
    for path in sorted(ANALYSIS_DIR.glob("*.sql")):
        sql = path.read_text(encoding="utf-8")
        params = {k: v for k, v in QUERY_PARAMS.items() if f"${k}" in sql}
        started = time.perf_counter()
        con = connect_query(warehouse)
        connect_ms = 1000 * (time.perf_counter() - started)
        try:
            times, tuple_times, rows = [], [], 0
            for i in range(QUERY_RUNS + 1):
                # The whole answer as Arrow: what `yanbao query` fetches for its table, and what a
                # notebook's polars or pandas reads.
                started = time.perf_counter()
                rows = (con.sql(sql, params=params) if params else con.sql(sql)).to_arrow_table().num_rows
                if i:
                    times.append(1000 * (time.perf_counter() - started))
                # The same answer as Python tuples (`--format csv/json`): the cost of building rows.
                started = time.perf_counter()
                (con.sql(sql, params=params) if params else con.sql(sql)).fetchall()
                if i:
                    tuple_times.append(1000 * (time.perf_counter() - started))
        finally:
            con.close()
        out["queries"].append({"query": path.name, "params": params, "rows": rows,
                               "median_ms": round(statistics.median(times), 2), "max_ms": round(max(times), 2),
                               "median_ms_to_tuples": round(statistics.median(tuple_times), 2),
                               "connect_ms": round(connect_ms, 2)})
    return out


def _sig(x: float) -> float:
    """Three significant figures: ratios span 0.01 to 1000."""
    return float(f"{x:.3g}")


def ratios(report: dict[str, Any]) -> dict[str, Any]:
    e2e = report["end_to_end"]["characters_per_second"]
    extraction = report["extraction"]["one_core"]["characters_per_second"]
    peers_ = report["peers"]
    floor = peers_["floor"]["characters_per_second"]
    out: dict[str, Any] = {"floor_over_yanbao_extraction_per_core": _sig(floor / extraction)}
    jio = peers_.get("jionlp", {})
    if "money" in jio:
        same_text = peers_["yanbao_extraction_one_core"]["characters_per_second"]
        out.update({
            "yanbao_end_to_end_over_jionlp_money_and_time": _sig(e2e / jio["money_and_time"]["characters_per_second"]),
            "yanbao_end_to_end_over_jionlp_money": _sig(e2e / jio["money"]["characters_per_second"]),
            "yanbao_extraction_one_core_over_jionlp_money_and_time_same_text":
                _sig(same_text / jio["money_and_time"]["characters_per_second"]),
            "yanbao_extraction_one_core_over_jionlp_money_same_text":
                _sig(same_text / jio["money"]["characters_per_second"]),
        })
    return out


def _verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("pass" if ok else "FAIL")


def targets(report: dict[str, Any], runs: dict[int, dict[str, Any]]) -> list[dict[str, Any]]:
    """The issue's targets, each with the measured figure and pass/fail (n/a when not measured here)."""
    rows = []
    r = report["ratios"]
    main = report["end_to_end"]
    n = main["documents"]

    def add(target: str, measured: str, ok: bool | None, note: str = "") -> None:
        rows.append({"target": target, "measured": measured, "verdict": _verdict(ok), "note": note})

    money_time = r.get("yanbao_end_to_end_over_jionlp_money_and_time")
    add(f"end to end ≥ {TARGET_PEER_MULTIPLE:g}× JioNLP money + time",
        f"{money_time}×" if money_time is not None else "not run",
        None if money_time is None else money_time >= TARGET_PEER_MULTIPLE)
    money = r.get("yanbao_end_to_end_over_jionlp_money")
    add("end to end faster than JioNLP money alone", f"{money}×" if money is not None else "not run",
        None if money is None else money > 1)

    large = runs.get(TARGET_LARGE_DOCS)
    if large:
        add(f"{TARGET_LARGE_DOCS:,} documents end to end < {TARGET_LARGE_SECONDS:g} s",
            f"{large['fresh']['wall_seconds']:.1f} s", large["fresh"]["exit_code"] == 0
            and large["fresh"]["wall_seconds"] < TARGET_LARGE_SECONDS)
        add(f"peak memory at {TARGET_LARGE_DOCS:,} documents < 2 GB", _mb(large["fresh"]["peak_rss_bytes"]),
            large["fresh"]["peak_rss_bytes"] < TARGET_PEAK_BYTES)
    else:
        add(f"{TARGET_LARGE_DOCS:,} documents end to end < {TARGET_LARGE_SECONDS:g} s", "not run", None,
            "run `make bench-large`")
        add(f"peak memory at {TARGET_LARGE_DOCS:,} documents < 2 GB", f"{_mb(main['fresh']['peak_rss_bytes'])} "
            f"at {n:,}", None, "run `make bench-large`")

    at = "" if n == TARGET_LARGE_DOCS else f"measured at {n:,} documents"
    if "noop" in main:
        # A re-run that re-extracted documents it already had did not measure a refresh.
        noop_loaded = main["noop"]["summary"].get("loaded", 0)
        add_loaded = main["add_one"]["summary"].get("loaded", 0)
        add(f"no-op re-run < {TARGET_NOOP_SECONDS:g} s", f"{main['noop']['wall_seconds']:.2f} s",
            main["noop"]["exit_code"] == 0 and noop_loaded == 0 and main["noop"]["wall_seconds"] < TARGET_NOOP_SECONDS,
            "; ".join(x for x in (at, f"re-extracted {noop_loaded} documents" if noop_loaded else "") if x))
        add(f"add one document to {TARGET_LARGE_DOCS:,} < {TARGET_ADD_ONE_SECONDS:g} s",
            f"{main['add_one']['wall_seconds']:.2f} s",
            main["add_one"]["exit_code"] == 0 and add_loaded == 1
            and main["add_one"]["wall_seconds"] < TARGET_ADD_ONE_SECONDS,
            "; ".join(x for x in (at, f"re-extracted {add_loaded} documents" if add_loaded != 1 else "") if x))
    queries = report["queries"]["queries"]
    slowest = max(queries, key=lambda q: q["median_ms"]) if queries else None
    qn = report["queries"]["warehouse_documents"]
    add(f"every analysis query < {TARGET_QUERY_MS:g} ms on the {TARGET_LARGE_DOCS:,}-document warehouse",
        f"slowest {slowest['query']} {slowest['median_ms']:.1f} ms "
        f"({slowest['median_ms_to_tuples']:.1f} ms as Python tuples)" if slowest else "no queries",
        None if slowest is None else slowest["median_ms"] < TARGET_QUERY_MS,
        "" if qn >= TARGET_LARGE_DOCS else f"measured on {qn:,} documents")
    busy = main["fresh"]["cores_busy"]
    add(f"uses both cores (CPU-s per wall-s ≥ {TARGET_CORES_BUSY:g}, end to end)", f"{busy}",
        None if busy is None else busy >= TARGET_CORES_BUSY,
        f"extraction pool speedup {report['extraction']['all_cores']['speedup']}×")
    points = report["scaling"]["points"]
    if len(points) > 1:
        rises = [b["ms_per_document"] / a["ms_per_document"] for a, b in zip(points, points[1:], strict=False)]
        add("per-document cost flat in N (linear total)",
            " → ".join(f"{p['ms_per_document']:.2f}" for p in points) + " ms/doc",
            all(x <= FLAT_TOLERANCE for x in rises),
            f"N = {', '.join(str(p['documents']) for p in points)}; fail if it rises > {FLAT_TOLERANCE - 1:.0%} "
            "from one N to the next")
        first, last = points[0], points[-1]
        grew = last["peak_rss_bytes"] - first["peak_rss_bytes"]
        corpus = report["corpus"]
        per_doc_in = corpus["utf8_bytes"] / corpus["documents"]
        data = (last["warehouse_bytes"] or 0) - (first["warehouse_bytes"] or 0) + per_doc_in * (
            last["documents"] - first["documents"])
        add("memory grows with N no more than the warehouse (plus the staged text)",
            f"+{_mb(grew)} RSS vs +{_mb(data)} warehouse + text", grew <= data,
            f"from {first['documents']:,} to {last['documents']:,} documents")
    return rows


def _mb(n: float | None) -> str:
    return "?" if n is None else f"{n / 1024**2:,.0f} MB"


def render_targets(rows: list[dict[str, Any]]) -> str:
    lines = ["| target | measured | verdict | note |", "| --- | --- | --- | --- |"]
    lines += [f"| {r['target']} | {r['measured']} | {r['verdict']} | {r['note']} |" for r in rows]
    return "\n".join(lines)


def render_markdown(report: dict[str, Any]) -> str:
    """The report as markdown: figures first, then the detail tables."""
    m, c, e = report["machine"], report["corpus"], report["end_to_end"]
    x, p, r = report["extraction"], report["peers"], report["ratios"]
    libs = ", ".join(f"{k} {v}" for k, v in m["libraries"].items() if v)
    lines = [
        f"## {c['documents']:,} documents{' (smoke run: tiny documents, not a measurement)' if report['smoke'] else ''}",
        "",
        f"Run {m['date']} on {m['cores_logical']} cores ({m['cores_physical']} physical, {m['cpu_model']}), "
        f"{m['memory_bytes'] / 1024**3:.1f} GB memory, {m['platform']}, Python {m['python']}; {libs}. "
        f"Code: {report.get('label') or 'commit ' + str(m['git_commit'])}"
        f"{' (with uncommitted changes)' if m['git_dirty'] else ''}, extractor version {m['extractor_version']}"
        f"{'' if m.get('extractor_version_at_end') in (None, m['extractor_version']) else ' (CHANGED during the run: ' + m['extractor_version_at_end'] + ')'}, "
        f"extraction code {m.get('extraction_code', 'source')}. The whole benchmark took {report['benchmark_seconds']} s; load average "
        f"(1, 5, 15 min) {m['load_average_at_start']} at the start, {m.get('load_average_at_end')} at the end; "
        f"1-minute load as each phase started: "
        f"{'; '.join(f'{phase} {load}' for phase, load in m.get('load_average_by_phase', []))}. "
        f"This machine is shared: a load well above what the benchmark itself puts on it (up to "
        f"{m['cores_logical']}) means other work was running and the figures of that phase are pessimistic.",
        "",
        f"Corpus: {c['documents']:,} documents, {c['characters']:,} characters ({c['utf8_bytes'] / 1024**2:.1f} MB "
        f"UTF-8), mean {c['mean_characters']:,} characters per document, languages {c['documents_by_language']}, "
        f"built from {len(c['sources'])} source texts in {c['build_seconds']} s. "
        f"{c['sentence_overlap']['share_of_distinct_sentences_shared']:.1%} of distinct sentences occur in more "
        f"than one document (sentences without a digit have nothing to redraw); "
        f"{c['sentence_overlap']['share_of_sentences_with_a_digit']:.1%} of sentences contain a digit.",
        "",
        "### Targets",
        "",
        render_targets(report["targets"]),
        "",
        "### End to end (`yanbao run --quiet`, subprocess, fresh warehouse and DAGSTER_HOME)",
        "",
        "| run | wall s | characters/s | documents/s | peak RSS (tree) | CPU s | cores busy | documents |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
        _run_row("fresh", e["fresh"], e["characters"], e["documents"]),
    ]
    if "noop" in e:
        lines.append(_run_row("no-op re-run", e["noop"], None, None))
        lines.append(_run_row("add one document", e["add_one"], None, None))
    lines += ["", "Where the fresh run's time goes (Dagster step durations; the rest is process start, imports "
              "and Dagster's run machinery):", ""]
    lines += _stages_table(e["fresh"].get("stages", {}), e["fresh"]["wall_seconds"])
    if "add_one" in e:
        lines += ["", "Add-one run:", ""]
        lines += _stages_table(e["add_one"].get("stages", {}), e["add_one"]["wall_seconds"])

    lines += [
        "",
        "### Extraction alone (in-process, no Dagster, no loading)",
        "",
        f"On the first {x['documents']:,} documents ({x['characters']:,} characters):",
        "",
        "| how | seconds | characters/s | note |",
        "| --- | --- | --- | --- |",
        f"| `extract_document`, one core | {x['one_core']['seconds']} | {x['one_core']['characters_per_second']:,} "
        f"| {x['one_core']['failed_documents']} documents raised |",
        f"| `spool_extraction` (extract, check, validate, write Parquet), {x['all_cores']['workers']} workers | {x['all_cores']['seconds']} | "
        f"{x['all_cores']['characters_per_second']:,} | pool {'used' if x['all_cores']['pool_used'] else 'not used'}, "
        f"speedup {x['all_cores']['speedup']}× |",
    ]
    if x["one_core"]["failures"]:
        lines += ["", "Documents whose extraction raised (the pipeline rejects them with this reason):", ""]
        lines += [f"- {n} × `{k}`" for k, n in x["one_core"]["failures"].items()]

    lines += ["", "### Peers on the same text", "",
              f"Sample: the first {p['sample']['documents']:,} documents, {p['sample']['characters']:,} characters; "
              "JioNLP called paragraph by paragraph, time base = the document's date.", "",
              "| extractor | characters/s (one core) | seconds | results | note |", "| --- | --- | --- | --- | --- |",
              f"| yanbao `extract_document` (every fact type) | {p['yanbao_extraction_one_core']['characters_per_second']:,} "
              f"| {p['yanbao_extraction_one_core']['seconds']} | | same sample |",
              f"| yanbao end to end (all cores, whole corpus) | {e['characters_per_second']:,} | "
              f"{e['fresh']['wall_seconds']} | | includes Dagster, validation, loading |"]
    jio = p.get("jionlp", {})
    if "money" in jio:
        for name in ("money", "time"):
            j = jio[name]
            lines.append(f"| JioNLP `ner.extract_{name}` {jio.get('version') or ''} | {j['characters_per_second']:,} | "
                         f"{j['seconds']} | {j['results']:,} | {j['paragraphs_raising']} paragraphs raised |")
        lines.append(f"| JioNLP money + time | {jio['money_and_time']['characters_per_second']:,} | "
                     f"{jio['money_and_time']['seconds']} | | |")
    else:
        lines.append(f"| JioNLP | skipped | | | {jio.get('skipped')} |")
    f = p["floor"]
    lines += [f"| floor: `re.finditer(r\"{f['pattern']}\")`, one pass | {f['characters_per_second']:,} | {f['seconds']} "
              f"| {f['matches']:,} | whole corpus |", "", "Ratios:", ""]
    lines += [f"- {k.replace('_', ' ')}: **{v}**" for k, v in r.items()]

    lines += ["", "### Scaling (fresh end-to-end run at each N)", "",
              "| N | wall s | ms/document | marginal ms/document | peak RSS | marginal RSS/document | warehouse |",
              "| --- | --- | --- | --- | --- | --- | --- |"]
    for pt in report["scaling"]["points"]:
        marginal_rss = pt.get("marginal_rss_bytes_per_document")
        lines.append(f"| {pt['documents']:,} | {pt['wall_seconds']} | {pt['ms_per_document']} | "
                     f"{pt.get('marginal_ms_per_document', '')} | {_mb(pt['peak_rss_bytes'])} | "
                     f"{'' if marginal_rss is None else f'{marginal_rss / 1024:.0f} KB'} | {_mb(pt['warehouse_bytes'])} |")

    q = report["queries"]
    lines += ["", f"### Queries (`sql/analysis/`, {q['warehouse_documents']:,}-document warehouse, "
              f"{_mb(q['warehouse_bytes'])}; median of {q['runs']} after one warm-up, via `connect_query`)", "",
              "Latency is the whole result as an Arrow table (what `yanbao query` fetches for its table, and "
              "what a notebook reads); the last timing column is the same result as Python tuples "
              "(`--format csv` or `json`).", "",
              "| query | median ms (Arrow) | max ms | median ms (Python tuples) | rows | connect ms |",
              "| --- | --- | --- | --- | --- | --- |"]
    lines += [f"| `{qq['query']}`{' ' + str(qq['params']) if qq['params'] else ''} | {qq['median_ms']} | "
              f"{qq['max_ms']} | {qq['median_ms_to_tuples']} | {qq['rows']:,} | {qq['connect_ms']} |"
              for qq in q["queries"]]

    prof = report["profile"]
    lines += ["", f"### Profile of `extract_document` (cProfile, {prof['documents']:,} documents, "
              f"{prof['characters']:,} characters, {prof['profiled_seconds']} s under the profiler, "
              f"extraction code {prof.get('extraction_code', 'source')})", "",
              "Top 25 by cumulative time:", "",
              "| function | calls | own s | cumulative s | share |", "| --- | --- | --- | --- | --- |"]
    lines += [_profile_row(row) for row in prof["by_cumulative"]]
    lines += ["", "Top 15 by own time:", "", "| function | calls | own s | cumulative s | share |",
              "| --- | --- | --- | --- | --- |"]
    lines += [_profile_row(row) for row in prof["by_own_time"]]
    return "\n".join(lines) + "\n"


def _run_row(name: str, run: dict[str, Any], characters: int | None, documents: int | None) -> str:
    wall = run["wall_seconds"]
    s = run.get("summary", {})
    docs = (f"{s.get('loaded', 0)} loaded, {s.get('unchanged', 0)} unchanged, {s.get('rejected', 0)} rejected"
            if s else f"exit {run['exit_code']}: {' '.join(run.get('stderr_tail', []))}")
    return (f"| {name} | {wall} | {f'{round(characters / wall):,}' if characters else ''} | "
            f"{f'{documents / wall:.1f}' if documents else ''} | {_mb(run['peak_rss_bytes'])} | {run['cpu_seconds']} | "
            f"{run['cores_busy']} | {docs} |")


def _stages_table(stages: dict[str, Any], wall: float) -> list[str]:
    if not stages.get("step_seconds"):
        return [f"_(no step timings: {stages.get('error', 'none recorded')})_"]
    rows = ["| step | seconds | share of wall |", "| --- | --- | --- |"]
    for step, seconds in stages["step_seconds"].items():
        rows.append(f"| {step} | {seconds} | {seconds / wall:.0%} |")
    rest = wall - sum(stages["step_seconds"].values())
    rows.append(f"| outside the steps | {rest:.2f} | {rest / wall:.0%} |")
    inner = [f"{k.replace('_', ' ')} {v} s" for k in ("staging_seconds", "extraction_seconds", "load_seconds")
             if (v := stages.get(k)) is not None]
    if inner:
        rows += ["", "Inside the steps, as the assets record it: " + ", ".join(inner) + "."]
    return rows


def _profile_row(row: dict[str, Any]) -> str:
    return (f"| `{row['function']}` | {row['calls']:,} | {row['own_seconds']} | {row['cumulative_seconds']} | "
            f"{row['cumulative_share']:.0%} |")


METHOD = """\
# Benchmarks

Written by `python -m bench.run` (`make bench`: 2,000 documents; `make bench-large`: 10,000).
Each section below is the latest run at that corpus size; a run replaces only its own section.
Benchmarks are measurements, not tests: the suite only keeps a smoke run of the script
(`tests/integration/test_bench_smoke.py`).

## Method

- **Corpus** (`bench/corpus.py`): document *i* is built from a random generator seeded with *i*:
  a header (title, date, source lines) and the body paragraphs of a randomly chosen source
  text (the bundled sample and the dev-set texts in `tests/fixtures/devset/`), shuffled and
  continued with other sources of the same language up to a drawn length (mean about 7,500
  characters, so 10,000 documents are about 75 M characters). Every digit is redrawn
  (first digit of a number non-zero; years, months, days, quarters and halves kept valid so
  period extraction does real work). The corpus for N documents is the first N of any larger one.
  Sentences without a digit have nothing to redraw and recur; the share is reported.
- **End to end**: `yanbao run --quiet` as a subprocess on a fresh warehouse and a fresh
  DAGSTER_HOME (the project's `dagster.yaml`) in a temporary folder. Peak memory is the sum of
  the RSS of the process and all its children, polled every 50 ms (shared pages of pool workers
  are counted once per process, so this overstates). CPU time is that of the whole process tree
  (`getrusage(RUSAGE_CHILDREN)`). Then a no-op re-run on unchanged input, then one new document
  added and a re-run. Step durations come from the run's Dagster event log.
- **Extraction alone**: `extract_document` in-process on one core, then `spool_extraction`
  (the run's process pool: extract, check, validate, write Parquet) on all cores, on the first 16 M characters of the corpus; a cProfile of
  `extract_document` on the first 1 M characters (of the Python source, in a child process, when
  the compiled build runs: the profiler cannot see inside compiled functions).
- **Extraction code**: what `make setup` builds and `yanbao run` uses, the extraction modules
  compiled with mypyc when the build matches the source (`pipelines/native.py`); each section's
  header says which code ran. `YANBAO_PURE_PYTHON=1 python -m bench.run` measures the source.
- **Peers**: on the first 2 M characters, JioNLP's `ner.extract_money` and `ner.extract_time`
  called paragraph by paragraph (time base = the document's date), and yanbao's
  `extract_document` on the same documents; the floor is one `re.finditer(r"\\d+(?:\\.\\d+)?")`
  pass over the whole corpus.
- **Scaling**: a fresh end-to-end run at each N of `--scaling` up to `--docs`.
- **Queries**: each `sql/analysis/*.sql` on the largest warehouse built, through
  `pipelines.warehouse.connect_query` (read-only, external access off): one warm-up, then the
  median of 5; `$entity` is bound to 中国移动.
"""

_SECTION = re.compile(r"<!-- bench:(\d+):start -->\n.*?<!-- bench:\1:end -->\n?", re.S)


def update_benchmarks_md(path: Path, documents: int, markdown: str, smoke: bool = False) -> None:
    """Replace this corpus size's section of BENCHMARKS.md (keeping the others) and the method text."""
    sections: dict[int, str] = {}
    if path.exists():
        for match in _SECTION.finditer(path.read_text(encoding="utf-8")):
            sections[int(match.group(1))] = match.group(0).rstrip("\n") + "\n"
    sections[documents] = f"<!-- bench:{documents}:start -->\n{markdown.rstrip()}\n<!-- bench:{documents}:end -->\n"
    body = "\n".join(sections[n] for n in sorted(sections))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(METHOD + "\n" + body, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
