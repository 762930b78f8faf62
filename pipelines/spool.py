"""Extraction of a whole refresh in chunks, each checked, validated and spilled to Parquet.

A 10,000-report refresh yields millions of fact rows. Holding them as frames in
the run process (then a validated copy, then DuckDB's copy) cost gigabytes, so
each chunk of documents goes through the whole staging path where it was
extracted (a pool worker, or this process for small batches):

    extract -> spans match the text? -> pandera model -> valid rows to <spool>/<frame>/<chunk>.parquet

and only summaries come back: row counts, quarantine rows, failure counts, and
the small shared frames (entities, aliases, periods) that must be deduplicated
across chunks. The loader reads the Parquet files straight into DuckDB, so the
run's memory stays flat in the number of documents.

The spool folder lives under the system temp folder and is deleted when the
last frame that points into it is dropped (the end of the Dagster run).
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import os
import shutil
import tempfile
import weakref
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import polars as pl

from pipelines.extract.document import FRAME_SCHEMAS
from pipelines.frames import extract_frames
from pipelines.validation import QUARANTINE_SCHEMA, Validation, validate
from schemas import (
    CompanySignalModel,
    EntityAliasModel,
    EntityMentionModel,
    EntityModel,
    EventModel,
    MetricFactModel,
    UnparsedMentionModel,
)

# Frames with one row per mention, spilled per chunk; their models; and what they mean.
SPOOLED = {
    "metric_facts": MetricFactModel,
    "company_signals": CompanySignalModel,
    "events": EventModel,
    "entity_mentions": EntityMentionModel,
    "unparsed_mentions": UnparsedMentionModel,
}
# Frames shared across documents: small, deduplicated over the whole batch, validated once.
SHARED = {"entities": EntityModel, "entity_aliases": EntityAliasModel}
# The key each deduplicated frame keeps one row per (None: the whole row); periods have no model.
_SHARED_KEYS = {"entities": "entity_id", "entity_aliases": None, "periods": "period_id"}
FAILED_EXTRACTION = ("staged_documents", "extract_document")

# Below this many characters a process pool costs more (spawn + imports) than it saves.
POOL_MIN_CHARACTERS = 2_000_000
MISMATCH_SCHEMA = {"document_id": pl.String, "span_start": pl.Int32, "span_end": pl.Int32, "mention": pl.String}

# A chunk closes at this many characters or documents, whichever comes first: enough that the
# per-chunk costs (pandera's setup is ~60 ms a chunk whatever its size, pickling, Parquet files)
# stay a few percent, few enough that progress is reported often and the two workers stay balanced.
CHUNK_CHARACTERS = 1_000_000
CHUNK_DOCUMENTS = 256
# Towards the end chunks shrink (to a share of what is left, not below this), so that the
# workers finish together rather than one idling while the other works through a full chunk.
CHUNK_MIN_CHARACTERS = 200_000


SPOOL_PREFIX = "yanbao-spool-"


class Spool:
    """A temporary folder of Parquet parts, removed when no frame refers to it any more.

    Its name carries the pid of the run that made it: a run killed outright cannot clean up,
    so each new spool first removes the folders of processes that no longer exist."""

    def __init__(self, parent: str | None = None) -> None:
        root = Path(parent or tempfile.gettempdir())
        _remove_orphans(root)
        self.folder = Path(tempfile.mkdtemp(prefix=f"{SPOOL_PREFIX}{os.getpid()}-", dir=root))
        weakref.finalize(self, shutil.rmtree, self.folder, True)


def _remove_orphans(root: Path) -> None:
    for folder in root.glob(f"{SPOOL_PREFIX}*"):
        pid = folder.name.removeprefix(SPOOL_PREFIX).split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:   # someone else's process
        return True
    return True


@dataclass(eq=False)
class SpooledFrame:
    """A validated frame kept on disk as Parquet parts; what the loader scans."""

    name: str
    schema: dict[str, Any]
    files: list[Path] = field(default_factory=list)
    height: int = 0
    spool: Spool | None = None   # keeps the folder alive as long as this frame is

    def scan(self) -> pl.LazyFrame:
        if not self.files:
            return pl.LazyFrame(schema=self.schema)
        return pl.scan_parquet([str(f) for f in self.files], schema=self.schema)

    def collect(self) -> pl.DataFrame:
        return self.scan().collect()

    def register_in(self, con: Any, name: str) -> None:
        """Make `name` a temporary view of the Parquet parts on a DuckDB connection.

        DuckDB reads the parts itself, streaming and within its memory limit (an Arrow dataset
        scan read ahead outside that limit: a gigabyte at 10,000 documents). The file list is a
        bound value; `name` is one of our own frame names, never user input."""
        if not self.files:
            con.register(name, pl.DataFrame(schema=self.schema))
            return
        con.execute(f"set variable {name}_files = ?", [[str(f) for f in self.files]])
        con.execute(f"create or replace temp view {name} as select * from read_parquet(getvariable('{name}_files'))")


@dataclass
class ChunkResult:
    """What one chunk sends back: everything except the spilled rows themselves."""

    chunk_no: int
    documents: int
    characters: int
    files: dict[str, str]
    rows: dict[str, int]
    validations: dict[str, Validation]
    shared: dict[str, pl.DataFrame]     # entities, entity_aliases, periods: deduplicated by the parent
    span_mismatches: pl.DataFrame
    quarantine: pl.DataFrame


def process_chunk(chunk_no: int, items: list[tuple[str, str, str, dt.date | None]], folder: str) -> ChunkResult:
    """Extract, check and validate one chunk of (document_id, document, text, date); spill valid rows."""
    frames = extract_frames([(doc_id, text, date) for doc_id, _, text, date in items])
    names = {doc_id: name for doc_id, name, _, _ in items}
    texts = pl.DataFrame({"document_id": [i[0] for i in items], "text": [i[2] for i in items]},
                         schema={"document_id": pl.String, "text": pl.String})
    quarantine = [failed_extraction_quarantine(frames["failed_documents"], names)]
    mismatches = []
    files, rows, validations = {}, {}, {}
    for name, model in SPOOLED.items():
        frame = frames[name]
        bad = span_mismatches(texts, frame)
        if bad.height:
            quarantine.append(span_quarantine(bad, name, names))
            mismatches.append(bad.select("document_id", "span_start", "span_end", "mention"))
            frame = frame.join(bad.select("document_id", "span_start", "span_end"),
                               on=["document_id", "span_start", "span_end"], how="anti")
        v = validate(model, frame, name, names)
        quarantine.append(v.quarantine)
        # A structurally broken frame fails its blocking check and nothing loads: nothing to spill.
        if v.valid.height and not v.structural_errors:
            path = Path(folder) / name / f"{chunk_no:06d}.parquet"
            path.parent.mkdir(parents=True, exist_ok=True)
            v.valid.write_parquet(path, compression="lz4", statistics=False)
            files[name] = str(path)
        rows[name] = v.valid.height if name in files else 0
        # The valid rows are on disk; only the verdict travels back.
        validations[name] = Validation(v.valid.clear(), v.quarantine, v.structural_errors,
                                       v.failures_by_check, v.failure_sample)
    return ChunkResult(
        chunk_no=chunk_no, documents=len(items), characters=sum(len(i[2]) for i in items), files=files, rows=rows,
        # Deduplicated here already (keeping first rows, as the parent does across chunks): a
        # chunk repeats the same entities and periods document after document.
        validations=validations, shared={k: _first_per_key(k, frames[k]) for k in _SHARED_KEYS},
        span_mismatches=pl.concat(mismatches) if mismatches else pl.DataFrame(schema=MISMATCH_SCHEMA),
        quarantine=pl.concat(quarantine),
    )


@dataclass
class SpooledExtraction:
    """Every frame of one refresh: spilled mention frames, small shared frames, and the verdicts."""

    frames: dict[str, SpooledFrame]
    shared: dict[str, pl.DataFrame]             # validated entities and aliases
    periods: pl.DataFrame
    validations: dict[str, Validation]          # per frame; `rows` holds the valid row count
    span_mismatches: pl.DataFrame
    quarantine: pl.DataFrame                    # every quarantined row, of every frame


def spool_extraction(docs: pl.DataFrame, spool: Spool, workers: int | None = None,
                     progress: Callable[[int, int, int], None] | None = None) -> SpooledExtraction:
    """Run `process_chunk` over the staged documents, in a process pool when the batch is large.

    `progress(done_documents, total_documents, done_characters)` is called as chunks finish.
    """
    total = docs.height
    total_chars = int(docs["characters"].sum() or 0) if total else 0
    workers = workers or os.cpu_count() or 1
    chunks = _chunks(docs, workers)
    results: list[ChunkResult] = []

    # Entities, aliases and periods repeat from chunk to chunk: keep one running deduplicated
    # frame of each rather than every chunk's copy (a 10,000-document run has 157 chunks).
    shared = {name: pl.DataFrame(schema={**FRAME_SCHEMAS[name], "chunk": pl.Int32}) for name in _SHARED_KEYS}

    def finished(r: ChunkResult) -> None:
        for name, part in r.shared.items():
            tagged = part.with_columns(chunk=pl.lit(r.chunk_no, pl.Int32))
            shared[name] = _first_per_key(name, pl.concat([shared[name], tagged]))
        r.shared = {}
        results.append(r)
        if progress:
            progress(sum(x.documents for x in results), total, sum(x.characters for x in results))

    if workers > 1 and total_chars >= POOL_MIN_CHARACTERS and total > 1:
        # At most two chunks per worker are in flight, so the texts waiting in the queue stay few.
        with _take_pool(workers) as pool:
            pending = set()
            for no, items in chunks:
                if len(pending) >= 2 * workers:
                    done, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for f in done:
                        finished(f.result())
                pending.add(pool.submit(process_chunk, no, items, str(spool.folder)))
            for f in pending:
                finished(f.result())
    else:
        discard_warm_pool()
        for no, items in chunks:
            finished(process_chunk(no, items, str(spool.folder)))
    results.sort(key=lambda r: r.chunk_no)
    return _merge(results, {name: f.drop("chunk") for name, f in shared.items()}, spool)


# Workers started ahead of extraction (see `warm_pool`), by worker count; at most one.
_WARM: dict[int, ProcessPoolExecutor] = {}


# What each worker's environment adds to this process's. One polars thread a worker: the workers
# already keep both cores busy, and a worker's polars pool (validation, frames, Parquet) only made
# the two compete for them (about 2% more throughput with one thread).
WORKER_ENVIRONMENT = {"POLARS_MAX_THREADS": "1"}


def _new_pool(workers: int) -> ProcessPoolExecutor:
    """A pool with all its workers started (each loading the vocabularies, see `_start_worker`)."""
    # spawn, not fork: a forked child would inherit DuckDB's per-process file cache.
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn"), initializer=_start_worker)
    # A task no worker is idle for spawns a worker, there and then, with this process's environment
    # of the moment: all of them now, with the workers' settings. (polars reads its thread count
    # when it is imported, so a worker cannot set it for itself.)
    with _environment(WORKER_ENVIRONMENT):
        for _ in range(workers):
            pool.submit(int)
    return pool


@contextmanager
def _environment(extra: dict[str, str]) -> Iterator[None]:
    """os.environ with `extra` set, for the block; as it was afterwards."""
    saved = {k: os.environ.get(k) for k in extra}
    os.environ.update(extra)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def warm_pool(workers: int | None = None) -> None:
    """Start the extraction workers now, so that they are ready when extraction begins.

    A worker takes about a second to start Python, import and load the vocabularies; staging
    calls this once it knows a large batch is coming, and the workers get ready on the other
    core while it decodes the files. `spool_extraction` in this process takes the pool."""
    workers = workers or os.cpu_count() or 1
    if workers < 2 or workers in _WARM:
        return
    discard_warm_pool()
    _WARM[workers] = _new_pool(workers)


def discard_warm_pool() -> None:
    """Shut down a warm pool nothing took (staging warmed it; the batch turned out small)."""
    while _WARM:
        _WARM.popitem()[1].shutdown(wait=False, cancel_futures=True)


def _take_pool(workers: int) -> ProcessPoolExecutor:
    pool = _WARM.pop(workers, None)
    discard_warm_pool()
    return pool or _new_pool(workers)


def _start_worker() -> None:
    """Load the vocabularies and compile the patterns, then freeze them out of the garbage
    collector's sight: its full passes would otherwise walk every lexicon entry again and again.
    (Pausing the collector for a whole chunk saved only ~2% more, for ~45 MB of cyclic garbage
    per worker.)"""
    from pipelines.extract.document import extract_document

    extract_document("warm-up", "中国移动2024年营业收入1.2万亿元，同比增长5%。", None)
    gc.freeze()


def _first_per_key(name: str, frame: pl.DataFrame) -> pl.DataFrame:
    """One row per key: the first in row order, and across chunks (a `chunk` column) the one from
    the earliest chunk, whatever order the chunks finished in."""
    key = _SHARED_KEYS[name] or [c for c in frame.columns if c != "chunk"]
    if "chunk" in frame.columns:
        frame = frame.sort("chunk", maintain_order=True)
    return frame.unique(key, keep="first", maintain_order=True)


def _chunks(docs: pl.DataFrame, workers: int = 1) -> Iterator[tuple[int, list[tuple]]]:
    """Consecutive runs of documents, each closed by a character budget or CHUNK_DOCUMENTS."""
    cols = docs.select("document_id", "document", "text", "published_date")
    sizes = [n or 0 for n in docs["characters"].to_list()]
    remaining = sum(sizes)
    no = start = 0
    while start < docs.height:
        budget = max(CHUNK_MIN_CHARACTERS, min(CHUNK_CHARACTERS, remaining // (2 * workers)))
        end, characters = start, 0
        while end < docs.height and end - start < CHUNK_DOCUMENTS and characters < budget:
            characters += sizes[end]
            end += 1
        yield no, list(cols.slice(start, end - start).iter_rows())
        no, start, remaining = no + 1, end, remaining - characters


def _merge(results: list[ChunkResult], shared_frames: dict[str, pl.DataFrame], spool: Spool) -> SpooledExtraction:
    frames = {
        name: SpooledFrame(
            name, FRAME_SCHEMAS[name], files=[Path(r.files[name]) for r in results if name in r.files],
            height=sum(r.rows[name] for r in results), spool=spool,
        )
        for name in SPOOLED
    }
    validations = {name: merge_validations([r.validations[name] for r in results], frames[name].height)
                   for name in SPOOLED}
    shared = {}
    quarantine = [r.quarantine for r in results]
    for name, model in SHARED.items():
        v = validate(model, shared_frames[name], name)
        shared[name] = v.valid
        validations[name] = v
        quarantine.append(v.quarantine)
    return SpooledExtraction(
        frames=frames, shared=shared, periods=shared_frames["periods"], validations=validations,
        span_mismatches=pl.concat([r.span_mismatches for r in results]) if results
        else pl.DataFrame(schema=MISMATCH_SCHEMA),
        quarantine=pl.concat(quarantine) if quarantine else pl.DataFrame(schema=QUARANTINE_SCHEMA),
    )


def merge_validations(parts: list[Validation], rows: int) -> Validation:
    """One verdict for a frame validated chunk by chunk."""
    by_check: dict[str, int] = {}
    for p in parts:
        for check, n in p.failures_by_check.items():
            by_check[check] = by_check.get(check, 0) + n
    samples = [p.failure_sample for p in parts if not p.failure_sample.is_empty()]
    return Validation(
        valid=pl.DataFrame(), rows=rows,
        quarantine=pl.concat([p.quarantine for p in parts]) if parts else pl.DataFrame(schema=QUARANTINE_SCHEMA),
        structural_errors=list(dict.fromkeys(e for p in parts for e in p.structural_errors)),
        failures_by_check=by_check,
        failure_sample=samples[0] if samples else pl.DataFrame(),
    )


def _quarantine(rows: pl.DataFrame, frame: str, check: str, reason, document_names: dict[str, str]) -> pl.DataFrame:
    """Quarantine rows for `rows`, each with the failed check and `reason(row)`."""
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    out = [(document_names.get(r["document_id"]), frame, check, reason(r),
            json.dumps(r, ensure_ascii=False, default=str), now) for r in rows.iter_rows(named=True)]
    return pl.DataFrame(out, schema=QUARANTINE_SCHEMA, orient="row")


def failed_extraction_quarantine(failed: pl.DataFrame, document_names: dict[str, str]) -> pl.DataFrame:
    """A document whose extraction raised is quarantined whole; the loader rejects it with the reason."""
    return _quarantine(failed, *FAILED_EXTRACTION, lambda r: r["reason"], document_names)


def span_mismatches(texts: pl.DataFrame, frame: pl.DataFrame) -> pl.DataFrame:
    """Rows whose mention is not the text at their span (checked on the decoded text)."""
    f = frame.join(texts, on="document_id", how="left")
    return f.filter(
        pl.col("text").str.slice(pl.col("span_start"), pl.col("span_end") - pl.col("span_start"))
        != pl.col("mention")
    ).drop("text")


def span_quarantine(bad: pl.DataFrame, frame: str, document_names: dict[str, str]) -> pl.DataFrame:
    return _quarantine(bad, frame, "spans_match_text",
                       lambda r: f"text[{r['span_start']}:{r['span_end']}] is not {r['mention']!r}", document_names)
