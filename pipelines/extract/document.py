"""Everything extracted from one document, and from a batch of documents.

`extract_document` runs each finder once over the folded text and assembles the
rows of every fact frame as plain tuples, in FRAME_SCHEMAS column order;
`pipelines/frames.py: extract_frames` turns a batch's rows into polars frames.
Batches are run (in a process pool when large) by `pipelines/spool.py`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
from functools import cache
from typing import Any

import polars as pl

from pipelines.extract.entities import entity_rows, find_entities
from pipelines.extract.events import find_events
from pipelines.extract.facts import assemble_metric_facts, fact_id, lead_period, main_company
from pipelines.extract.periods import find_periods
from pipelines.extract.quantities import find_quantities
from pipelines.extract.sentences import sentence_at, split_sentences
from pipelines.extract.signals import find_signals, mention_index
from pipelines.extract.spans import SpanIndex
from pipelines.extract.textnorm import fold
from pipelines.paths import EXTRACT_DIR, VOCAB_DIR

FRAME_SCHEMAS: dict[str, dict[str, Any]] = {
    "metric_facts": {
        "fact_id": pl.String, "document_id": pl.String, "subject_id": pl.String, "metric": pl.String,
        "value": pl.Float64, "value_high": pl.Float64, "unit": pl.String, "comparator": pl.String,
        "counted": pl.String, "period_id": pl.String, "period_start": pl.Date, "period_end": pl.Date,
        "status": pl.String, "span_start": pl.Int32, "span_end": pl.Int32, "mention": pl.String,
        "sentence_start": pl.Int32, "sentence_end": pl.Int32, "evidence": pl.String,
    },
    "company_signals": {
        "signal_id": pl.String, "document_id": pl.String, "entity_id": pl.String,
        "company_spelling": pl.String, "aspect": pl.String,
        "direction": pl.String, "strength": pl.String, "period_id": pl.String, "period_start": pl.Date,
        "period_end": pl.Date, "span_start": pl.Int32, "span_end": pl.Int32, "mention": pl.String,
        "evidence": pl.String,
    },
    "events": {
        "event_id": pl.String, "event_key": pl.String, "document_id": pl.String, "subject_id": pl.String,
        "event_type": pl.String, "participants": pl.String, "period_id": pl.String, "event_start": pl.Date,
        "event_end": pl.Date, "span_start": pl.Int32, "span_end": pl.Int32, "mention": pl.String,
        "evidence": pl.String,
    },
    "entity_mentions": {
        "document_id": pl.String, "entity_id": pl.String, "span_start": pl.Int32, "span_end": pl.Int32,
        "mention": pl.String,
    },
    "unparsed_mentions": {
        "document_id": pl.String, "span_start": pl.Int32, "span_end": pl.Int32, "mention": pl.String,
        "reason": pl.String, "evidence": pl.String,
    },
    "entities": {
        "entity_id": pl.String, "canonical": pl.String, "entity_type": pl.String,
        "exchange_code": pl.String, "role": pl.String, "source": pl.String,
    },
    "entity_aliases": {"entity_id": pl.String, "alias": pl.String},
    "periods": {
        "period_id": pl.String, "period_start": pl.Date, "period_end": pl.Date, "days": pl.Int32,
        "label": pl.String,
    },
    # Documents whose extraction raised: rejected with the reason instead of failing the run.
    "failed_documents": {"document_id": pl.String, "reason": pl.String},
}


@cache
def fiscal_year_ends() -> dict[str, int]:
    """entity_id -> month its fiscal year ends, for companies off the calendar year."""
    import csv

    with open(VOCAB_DIR / "fiscal_year_ends.csv", encoding="utf-8") as f:
        rows = csv.DictReader(line for line in f if not line.startswith("#"))
        return {r["entity_id"]: int(r["fiscal_year_end_month"]) for r in rows}


@cache
def extractor_version() -> str:
    """A digest of the extraction code and vocabularies: facts made by other code are re-made."""
    h = hashlib.sha256()
    for folder, suffixes in ((str(EXTRACT_DIR), (".py",)), (str(VOCAB_DIR), (".csv", ".tsv"))):
        for name in sorted(os.listdir(folder)):
            if name.endswith(suffixes):
                with open(os.path.join(folder, name), "rb") as f:
                    h.update(name.encode() + b"\0" + f.read())
    return h.hexdigest()[:16]


def period_id(start: dt.date | None, end: dt.date | None) -> str | None:
    return None if start is None or end is None else f"{start.isoformat()}/{end.isoformat()}"


def period_label(start: dt.date, end: dt.date) -> str:
    """2024Q1, 2024H1, 2024, 2024-04, 2024-03-14, else the range."""
    if start == end:
        return start.isoformat()
    nxt = end + dt.timedelta(days=1)
    if start.day == 1 and nxt.day == 1:
        months = (nxt.year - start.year) * 12 + nxt.month - start.month
        if months == 1:
            return f"{start.year}-{start.month:02d}"
        if months == 3 and start.month in (1, 4, 7, 10):
            return f"{start.year}Q{(start.month - 1) // 3 + 1}"
        if months == 6 and start.month in (1, 7):
            return f"{start.year}H{1 if start.month == 1 else 2}"
        if months == 12 and start.month == 1:
            return str(start.year)
        if start.month == 1 and nxt.month == 1:
            return f"{start.year}-{end.year}"
    return f"{start.isoformat()}..{end.isoformat()}"


# `较2024年同期增长…`: a report that compares with a stated year's same period speaks of the year after.
_SAME_PERIOD_OF_YEAR = re.compile(r"(?:较|比|相比|同比|对比|相较)\s*(20\d\d|19\d\d)\s*年\s*同期")


_STATED_YEAR = re.compile(r"(?<!\d)(20\d\d|19\d\d)\s*(?:年|财年|fiscal|FY)")


def reference_date(text: str, published: dt.date | None) -> dt.date | None:
    """The date relative periods resolve against: the stated publication date; else, for an
    undated text that compares with `YYYY年同期` (one year only), the end of the year after;
    else the end of the year the text states most (at least half of its year mentions: the year
    a results report is about, so its `Q4` is that year's)."""
    if published is not None:
        return published
    years = {int(m.group(1)) for m in _SAME_PERIOD_OF_YEAR.finditer(text)}
    if len(years) == 1:
        return dt.date(years.pop() + 1, 12, 31)
    stated = [int(m.group(1)) for m in _STATED_YEAR.finditer(text)]
    if stated:
        top = max(set(stated), key=lambda y: (stated.count(y), y))
        if 2 * stated.count(top) >= len(stated):
            return dt.date(top, 12, 31)
    return None


def extract_document(document_id: str, text: str, doc_date: dt.date | None) -> dict[str, list[tuple]]:
    """Rows of every fact frame for one document (tuples in FRAME_SCHEMAS column order)."""
    folded = fold(text)
    doc_date = reference_date(folded, doc_date)
    sentences = split_sentences(text)
    quantities, unparsed = find_quantities(text, folded=folded)
    entities = find_entities(text, folded=folded)
    dim_rows = entity_rows(entities)
    roles = {r["entity_id"]: r.get("role") for r in dim_rows}
    topic = main_company(text, entities, roles)
    # A report about a company with a non-calendar fiscal year reads FY forms on its calendar.
    fiscal_month = fiscal_year_ends().get(topic.entity_id) if topic else None
    periods = find_periods(text, doc_date, fiscal_month, folded=folded)

    # A number inside an entity's name (Figure 01, Gemini 1.5 pro) is not a quantity.
    taken = SpanIndex((e.start, e.end) for e in entities)
    quantities = [q for q in quantities if not taken.overlaps(q.start, q.end)]

    out: dict[str, list[tuple]] = {k: [] for k in FRAME_SCHEMAS}
    seen_periods: dict[str, tuple] = {}
    # (start, end) -> period id: most rows restate a few periods; format each once.
    period_ids: dict[tuple[dt.date | None, dt.date | None], str | None] = {}

    def add_period(start: dt.date | None, end: dt.date | None) -> str | None:
        key = (start, end)
        if key in period_ids:
            return period_ids[key]
        pid = period_ids[key] = period_id(start, end)
        if pid is not None and pid not in seen_periods:
            assert start is not None and end is not None    # period_id gave an id
            seen_periods[pid] = (pid, start, end, (end - start).days + 1, period_label(start, end))
        return pid

    # One string per evidence sentence, however many rows quote it (a sentence often states
    # several quantities): fewer allocations, and a chunk's rows take less memory.
    evidence_of: dict[tuple[int, int], str] = {}

    def evidence(start: int, end: int) -> str:
        key = (start, end)
        found = evidence_of.get(key)
        if found is None:
            found = evidence_of[key] = text[start:end]
        return found

    # Facts, signals and events read the same index of mentions: sort them and split clauses once.
    index = mention_index(text, sentences, entities, periods, folded=folded)
    facts = assemble_metric_facts(text, folded, sentences, quantities, entities, periods, roles, doc_date,
                                  doc_topic=topic, doc_period=lead_period(text, periods),
                                  split_clauses=index.clauses_of)
    # The evidence of a row is the text of its sentence.
    fact_rows = out["metric_facts"]
    for f in facts:
        fact_rows.append((
            fact_id(document_id, f.span_start, f.span_end), document_id, f.subject_id, f.metric,
            f.value, f.value_high, f.unit, f.comparator, f.counted, add_period(f.period_start, f.period_end),
            f.period_start, f.period_end, f.status, f.span_start, f.span_end, f.mention,
            f.sentence_start, f.sentence_end, evidence(f.sentence_start, f.sentence_end),
        ))

    spelling = _spellings(entities)
    for s in find_signals(text, sentences, entities, periods, index=index):
        sid = hashlib.md5(f"{document_id}:{s.start}:{s.end}:{s.entity_id}:{s.aspect}".encode()).hexdigest()
        out["company_signals"].append((
            sid, document_id, s.entity_id, spelling.get(s.entity_id), s.aspect, s.direction, s.strength,
            add_period(s.period_start, s.period_end), s.period_start, s.period_end,
            s.start, s.end, s.surface, evidence(s.sentence_start, s.sentence_end),
        ))

    for ev in find_events(text, sentences, entities, periods, index=index):
        eid = hashlib.md5(f"{document_id}:{ev.start}:{ev.end}:{ev.event_type}".encode()).hexdigest()
        participants = json.dumps(
            [{"entity_id": p[0], "name": p[1], "role": p[2]} for p in ev.participants], ensure_ascii=False
        ) if ev.participants else None
        out["events"].append((
            eid, ev.event_key, document_id, ev.subject_id, ev.event_type, participants,
            add_period(ev.event_start, ev.event_end), ev.event_start, ev.event_end,
            ev.start, ev.end, ev.surface, evidence(ev.sentence_start, ev.sentence_end),
        ))

    out["entity_mentions"] = [(document_id, e.entity_id, e.start, e.end, e.surface) for e in entities]
    for r in dim_rows:
        out["entities"].append((r["entity_id"], r["canonical"], r["entity_type"], r.get("exchange_code"),
                                r.get("role"), r.get("source") or "lexicon"))
        for alias in sorted({r["canonical"], *r.get("aliases", ())}):
            out["entity_aliases"].append((r["entity_id"], alias))

    sentence_starts = [s.start for s in sentences]
    for u in unparsed:
        sent = sentence_at(sentences, sentence_starts, u.start)
        out["unparsed_mentions"].append((document_id, u.start, u.end, u.surface, u.reason,
                                         text[sent.start:sent.end] if sent else None))
    out["periods"] = list(seen_periods.values())
    out.pop("failed_documents")
    return out


def _spellings(entities) -> dict[str, str]:
    """Per entity, the surface this document uses most (ties: shortest, then first in code-point order)."""
    counts: dict[str, dict[str, int]] = {}
    for e in entities:
        by_surface = counts.setdefault(e.entity_id, {})
        by_surface[e.surface] = by_surface.get(e.surface, 0) + 1
    # Most entities are written one way only: no ranking needed.
    return {eid: next(iter(c)) if len(c) == 1 else min(c, key=lambda sfc: (-c[sfc], len(sfc), sfc))
            for eid, c in counts.items()}
