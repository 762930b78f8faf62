"""The corpus overview: every document with its fact counts, the rejected files, and four charts.

The charts answer the questions an analyst asks first: which kinds of quantities the corpus
states (by metric family and status), who it talks about most, which companies are said to be
doing better or worse, and when the dated events happen. They are inline SVG (`svg.py`), so the
page stays one offline file and Chinese labels render in the reader's own fonts.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from html import escape

import duckdb

from pipelines.present import svg
from pipelines.present.page import format_number, page_filename, period_label

STATUS_SERIES = (
    svg.Series("actual", "actual", "#4c78a8"),
    svg.Series("estimate", "estimate", "#9ecae9"),
    svg.Series("forecast", "forecast", "#f58518"),
    svg.Series("target", "target", "#e45756"),
)
# Neutral colours on purpose: Chinese markets read red as up and green as down, Western readers
# the opposite; blue/orange with arrows in the legend is unambiguous to both.
DIRECTION_SERIES = (
    svg.Series("up", "▲ up", "#3b7dd8"),
    svg.Series("down", "▼ down", "#e8743b"),
    svg.Series("flat", "■ flat", "#a0a0a0"),
)
TOP_ENTITIES = 15
TOP_COMPANIES = 20
TOP_FAMILIES = 20


@dataclass
class DocumentRow:
    """One loaded document in the index, with its counts per fact type."""

    document: str
    document_id: str
    title: str | None
    published_date: dt.date | None
    source: str | None
    characters: int
    quantities: int = 0
    signals: int = 0
    events: int = 0
    unparsed: int = 0
    entities: int = 0

    @property
    def page(self) -> str:
        return page_filename(self.document, self.document_id)


@dataclass
class CorpusOverview:
    """What the index page shows, read from the warehouse in one go."""

    documents: list[DocumentRow]
    rejected: list[tuple[str, str, str]]                      # document, reason, rejected at
    families: list[tuple[str, dict[str, float]]]              # metric family -> count per status
    entities: list[tuple[str, float]]                         # "entity (type)" -> mentions
    companies: list[tuple[str, dict[str, float]]]             # company -> count per direction
    events: list[svg.TimelineMark] = field(default_factory=list)
    as_of: str = ""


def read_corpus(con: duckdb.DuckDBPyConnection) -> CorpusOverview:
    """The overview of every loaded document in the warehouse."""
    docs = {
        r[0]: DocumentRow(document=r[0], document_id=r[1], title=r[2], published_date=r[3], source=r[4],
                          characters=r[5] or 0)
        for r in con.execute("select document, document_id, title, published_date, source, characters "
                             "from v_documents order by published_date desc nulls last, document").fetchall()
    }
    for attr, sql in (
        ("quantities", "select document, count(*) from v_metric_facts group by all"),
        ("signals", "select document, count(*) from v_company_signals group by all"),
        ("events", "select document, count(*) from v_events group by all"),
        ("unparsed", "select document, count(*) from v_unparsed_mentions group by all"),
        ("entities", "select document, count(*) from v_entity_mentions group by all"),
    ):
        for document, n in con.execute(sql).fetchall():
            if document in docs:
                setattr(docs[document], attr, n)

    families: dict[str, dict[str, float]] = defaultdict(dict)
    for family, status, n in con.execute(
        "select coalesce(metric_family, 'other'), status, count(*) from v_metric_facts group by all"
    ).fetchall():
        families[family][status] = n
    family_rows = sorted(families.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))[:TOP_FAMILIES]

    entity_rows = [
        (f"{name} ({kind})", n) for name, kind, n in con.execute(
            "select entity, entity_type, sum(mentions) as n from v_entity_mentions group by all "
            "order by n desc, entity limit $top", {"top": TOP_ENTITIES}).fetchall()
    ]

    companies: dict[str, dict[str, float]] = defaultdict(dict)
    for company, direction, n in con.execute(
        "select company, direction, count(*) from v_company_signals group by all"
    ).fetchall():
        companies[company][direction] = n
    company_rows = sorted(companies.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))[:TOP_COMPANIES]

    # One mark per event, not per mention: a report repeats its key events in summary and body.
    marks = []
    for document, document_id, subject, event_type, start, end, mention, event_id in con.execute(
        "select document, d.document_id, subject, event_type, event_start, event_end, mention, event_id "
        "from v_events e join v_documents d using (document) "
        "qualify row_number() over (partition by document, event_key order by span_start) = 1 "
        "order by event_start, document"
    ).fetchall():
        marks.append(svg.TimelineMark(
            lane=event_type, start=start, end=end, label=subject or "?",
            tooltip=f"{period_label(start, end)} · {subject or '?'} · {event_type}\n{mention}\n{document}",
            href=f"{page_filename(document, document_id)}#fact={event_id}",
        ))

    rejected = [(d, r or "", str(at or "")) for d, r, at in con.execute(
        "select document, reason, rejected_at from v_rejected_documents order by document").fetchall()]
    as_of = con.execute("select max(loaded_at) from dim_document").fetchone()[0]
    return CorpusOverview(
        documents=list(docs.values()), rejected=rejected, families=family_rows, entities=entity_rows,
        companies=company_rows, events=marks, as_of=str(as_of or ""),
    )


CHART_TITLES = {
    "facts_by_metric_family": "Quantities by metric family and status",
    "most_mentioned_entities": f"Most-mentioned entities (top {TOP_ENTITIES})",
    "signals_by_company": f"Company signals by company and direction (top {TOP_COMPANIES})",
    "events_timeline": "Events on a timeline, one lane per event type (click a mark for its report)",
}


def charts(corpus: CorpusOverview) -> dict[str, str]:
    """The four charts as standalone SVG documents, by file stem; the first is the main chart."""
    t = CHART_TITLES
    return {
        "facts_by_metric_family": svg.stacked_bars(t["facts_by_metric_family"], corpus.families, STATUS_SERIES),
        "most_mentioned_entities": svg.bars(t["most_mentioned_entities"], corpus.entities, "#54a24b"),
        "signals_by_company": svg.stacked_bars(t["signals_by_company"], corpus.companies, DIRECTION_SERIES),
        "events_timeline": svg.timeline(t["events_timeline"], corpus.events),
    }


def main_chart_rows(corpus: CorpusOverview) -> list[tuple[str, float]]:
    """The main chart's data as label/total pairs (for the text preview in the Dagster UI)."""
    return [(family, sum(parts.values())) for family, parts in corpus.families]


def corpus_totals(corpus: CorpusOverview) -> dict[str, int]:
    """Headline counts of the corpus: documents, facts per type, rejected files."""
    return {
        "documents": len(corpus.documents),
        "quantities": sum(d.quantities for d in corpus.documents),
        "company signals": sum(d.signals for d in corpus.documents),
        "events": sum(d.events for d in corpus.documents),
        "unparsed mentions": sum(d.unparsed for d in corpus.documents),
        "rejected files": len(corpus.rejected),
    }


def render_index(corpus: CorpusOverview, chart_svgs: dict[str, str] | None = None) -> str:
    """The self-contained HTML index page of the corpus."""
    chart_svgs = chart_svgs or charts(corpus)
    totals = corpus_totals(corpus)
    doc_rows = "".join(
        f'<tr><td><a href="{escape(d.page, quote=True)}">{escape(d.document)}</a></td>'
        f"<td>{escape(d.title or '')}</td><td>{d.published_date or ''}</td><td>{escape(d.source or '')}</td>"
        f'<td class="n">{d.quantities}</td><td class="n">{d.signals}</td><td class="n">{d.events}</td>'
        f'<td class="n">{d.unparsed}</td><td class="n">{d.entities}</td>'
        f'<td class="n">{format_number(d.characters)}</td></tr>'
        for d in corpus.documents
    )
    rejected = (
        "".join(f"<tr><td>{escape(d)}</td><td>{escape(r)}</td><td>{escape(at)}</td></tr>"
                for d, r, at in corpus.rejected)
        or '<tr><td colspan="3" class="muted">none: every inbox file was read as a report</td></tr>'
    )
    figures = "".join(
        f'<figure id="chart-{name}"><figcaption>{escape(CHART_TITLES.get(name, name))}</figcaption>{body}</figure>'
        for name, body in chart_svgs.items()
    )
    return _INDEX.format(
        css=_CSS,
        as_of=escape(corpus.as_of),
        totals="".join(f"<div><b>{format_number(v)}</b><span>{escape(k)}</span></div>" for k, v in totals.items()),
        figures=figures,
        documents=doc_rows or '<tr><td colspan="10" class="muted">no documents loaded</td></tr>',
        rejected=rejected,
    )


_CSS = """
* { box-sizing:border-box; }
body { margin:0; padding:16px 24px; background:#fafafa; color:#222;
  font: 14px/1.5 system-ui, -apple-system, "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei",
    "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", sans-serif; }
h1 { font-size:22px; margin:0; } h2 { font-size:16px; margin:24px 0 8px; }
.muted { color:#777; }
.totals { display:flex; flex-wrap:wrap; gap:10px; margin:12px 0; }
.totals div { background:#fff; border:1px solid #e3e3e3; border-radius:6px; padding:6px 14px; }
.totals b { display:block; font-size:20px; } .totals span { color:#777; font-size:12px; }
.charts { display:grid; grid-template-columns: repeat(auto-fill, minmax(660px, 1fr)); gap:12px; }
figure { margin:0; background:#fff; border:1px solid #e3e3e3; border-radius:6px; padding:10px; overflow:auto; }
figure svg { max-width:100%; height:auto; }
figcaption { font-weight:600; margin-bottom:6px; }
table { border-collapse:collapse; width:100%; background:#fff; }
th, td { text-align:left; padding:4px 8px; border-bottom:1px solid #eee; vertical-align:top; }
th { background:#f3f3f3; position:sticky; top:0; } td.n { text-align:right; font-variant-numeric:tabular-nums; }
input[type=search] { margin-bottom:6px; padding:3px 6px; width:280px; }
"""

_INDEX = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>yanbao: the corpus at a glance</title>
<style>{css}</style>
</head>
<body>
<h1>yanbao 研报: the corpus at a glance</h1>
<div class="muted">warehouse as of {as_of}</div>
<div class="totals">{totals}</div>
<h2>Charts</h2>
<div class="charts">{figures}</div>
<h2>Documents</h2>
<input id="doc-filter" type="search" placeholder="filter documents…" aria-label="filter documents">
<table id="documents"><thead><tr><th>document</th><th>title</th><th>published</th><th>source</th>
<th>quantities</th><th>signals</th><th>events</th><th>unparsed</th><th>entity mentions</th><th>characters</th>
</tr></thead><tbody>{documents}</tbody></table>
<h2>Rejected files</h2>
<table id="rejected"><thead><tr><th>document</th><th>reason</th><th>rejected at</th></tr></thead>
<tbody>{rejected}</tbody></table>
<script>
document.getElementById('doc-filter').addEventListener('input', (e) => {{
  const q = e.target.value.trim().toLowerCase();
  document.querySelectorAll('#documents tbody tr').forEach(r =>
    r.hidden = q && !r.textContent.toLowerCase().includes(q));
}});
</script>
</body>
</html>
"""
