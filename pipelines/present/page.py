"""The evidence page of one report: its text with every fact highlighted at its exact span.

Each quantity, company signal and event becomes one element carrying `data-fact="<fact id>"`
around `text[span_start:span_end]`; a click shows the fact's details, a side table lists every
fact and scrolls to its span. The page is one self-contained HTML file (inline CSS and JS, no
fonts, scripts or styles from anywhere else), so it opens offline from a file:// URL.

Overlapping spans. Facts overlap in real reports: a signal phrase is shared by several companies
(the same span, one fact each), an event's span contains a quantity or a date, and two spans can
cross. HTML elements must nest, so the text is cut into properly nested elements:

- a span that contains another becomes its parent element (identical spans nest too, events
  outermost, then signals, then quantities), so each keeps one element whose text is its mention;
- when a later span crosses the innermost open one (starts inside it, ends after it), the later
  span is split at the crossing point: its head fragment carries `data-fact` (with class `split`)
  and each further fragment carries `data-cont="<fact id>"` instead. Such a fact's mention is the
  text of its head plus its continuations, in document order; clicking any fragment selects the
  whole fact.

Rendering is pure (`render_page` takes a `DocumentEvidence`); `read_documents` is the only part
that touches the warehouse.
"""

from __future__ import annotations

import calendar
import datetime as dt
import heapq
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import NamedTuple

import duckdb

FACT_KINDS = ("quantity", "signal", "event")
KIND_LABELS = {"quantity": "quantity", "signal": "company signal", "event": "event"}
KIND_PLURALS = {"quantity": "quantities", "signal": "company signals", "event": "events"}
# Outermost first when spans are identical: an event sentence wraps the signal or quantity in it.
_NESTING_RANK = {"event": 0, "signal": 1, "quantity": 2, "unparsed": 3}
COMPARATOR_WORDS = {"=": "exactly as stated", "~": "about", ">": "more than", ">=": "at least",
                    "<": "less than", "<=": "at most"}
_COMPARATOR_SIGNS = {"=": "", "~": "≈ ", ">": "> ", ">=": "≥ ", "<": "< ", "<=": "≤ "}
DIRECTION_MARKS = {"up": "▲ up", "down": "▼ down", "flat": "■ flat"}


class Fact(NamedTuple):
    """One fact of the document as the page shows it.

    `what` is the metric, the signal's aspect or the event type (the page's "metric" filter);
    `fields` are the label/value pairs of the details panel, in display order. The evidence
    sentence is left out: it is the text around the highlight, and repeating it per fact would
    double the size of every page.
    """

    fact_id: str
    kind: str
    start: int
    end: int
    mention: str
    subject: str | None
    what: str
    value: str
    period: str
    fields: tuple[tuple[str, str], ...]


class Unparsed(NamedTuple):
    """A number-like mention the extractors kept out of the facts, with the reason."""

    start: int
    end: int
    mention: str
    reason: str


@dataclass
class DocumentEvidence:
    """Everything one page shows: the decoded text, the document's metadata, facts, unparsed mentions."""

    document: str
    document_id: str
    title: str | None
    text: str
    metadata: list[tuple[str, str]]
    facts: list[Fact] = field(default_factory=list)
    unparsed: list[Unparsed] = field(default_factory=list)


class Span(NamedTuple):
    """A stretch of text to mark: a fact (`data-fact`) or an unparsed mention (`data-unparsed`)."""

    start: int
    end: int
    kind: str
    key: str
    tooltip: str


def format_number(value: float | None) -> str:
    """A canonical value as an analyst reads it: thousands separators, no float noise."""
    if value is None:
        return ""
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    if abs(value) >= 1e15 or abs(value) < 1e-3:
        return f"{value:.6g}"
    return f"{value:,.6g}"


_SI = ((1e18, "E"), (1e15, "P"), (1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k"))
_SI_UNITS = {"FLOPS", "W", "Wh", "byte"}
_CJK_MAGNITUDES = ((1e12, "万亿"), (1e8, "亿"), (1e4, "万"))


def readable_magnitude(value: float, unit: str) -> str | None:
    """A second reading of a large value in the way reports write it (45 EFLOPS, 24.74 亿), or None."""
    size = abs(value)
    if unit in _SI_UNITS:
        for factor, prefix in _SI:
            if size >= factor:
                return f"{value / factor:.4g} {prefix}{unit}"
        return None
    if unit in ("percent", "pp", "ratio", "multiple", "second", "kg", "m", "m2"):
        return None
    for factor, word in _CJK_MAGNITUDES:
        if size >= factor:
            return f"{value / factor:.6g} {word}"
    return None


def format_quantity(value: float, value_high: float | None, unit: str, comparator: str) -> str:
    """`≈ 63,000,000 USD`, `1.5–2 character`: value and canonical unit with the comparator's sign."""
    sign = _COMPARATOR_SIGNS.get(comparator, f"{comparator} ")
    amount = format_number(value)
    if value_high is not None:
        amount += f"–{format_number(value_high)}"
    return f"{sign}{amount} {unit}"


def period_label(start: dt.date | None, end: dt.date | None) -> str:
    """2024, 2024H1, 2024Q1, 2024-04, 2024-03-14, or the inclusive range; '' when none."""
    if start is None:
        return ""
    if end is None or end == start:
        return start.isoformat()
    if start.day == 1 and end.day == calendar.monthrange(end.year, end.month)[1] and start.year == end.year:
        months = (start.month, end.month)
        if months == (1, 12):
            return str(start.year)
        if start.month == end.month:
            return f"{start.year}-{start.month:02d}"
        if months in ((1, 6), (7, 12)):
            return f"{start.year}H{1 if start.month == 1 else 2}"
        if end.month - start.month == 2 and start.month % 3 == 1:
            return f"{start.year}Q{start.month // 3 + 1}"
    return f"{start.isoformat()} – {end.isoformat()}"


def _fields(*pairs: tuple[str, object]) -> tuple[tuple[str, str], ...]:
    return tuple((label, str(v)) for label, v in pairs if v not in (None, ""))


def quantity_fact(row: dict) -> Fact:
    """A row of v_metric_facts as a page fact."""
    value = format_quantity(row["value"], row["value_high"], row["unit"], row["comparator"])
    hint = readable_magnitude(row["value"], row["unit"])
    period = period_label(row["period_start"], row["period_end"])
    subject = row["subject"]
    return Fact(
        fact_id=row["fact_id"], kind="quantity", start=row["span_start"], end=row["span_end"],
        mention=row["mention"], subject=subject, what=row["metric"], value=value, period=period,
        fields=_fields(
            ("value", value + (f"  ({hint})" if hint else "")),
            ("subject", f"{subject} ({row['subject_type']})" if subject and row["subject_type"] else subject),
            ("metric", f"{row['metric']} · {row['metric_family']}" if row["metric_family"] else row["metric"]),
            ("period", period),
            ("status", row["status"]),
            ("comparator", f"{row['comparator']} ({COMPARATOR_WORDS.get(row['comparator'], '')})"),
            ("counted", row["counted"]),
            ("mention", row["mention"]),
            ("span", f"{row['span_start']}–{row['span_end']}"),
        ),
    )


def signal_fact(row: dict) -> Fact:
    """A row of v_company_signals as a page fact."""
    direction = DIRECTION_MARKS.get(row["direction"], row["direction"])
    period = period_label(row["period_start"], row["period_end"])
    return Fact(
        fact_id=row["signal_id"], kind="signal", start=row["span_start"], end=row["span_end"],
        mention=row["mention"], subject=row["company"], what=row["aspect"],
        value=direction + (f" ({row['strength']})" if row["strength"] else ""), period=period,
        fields=_fields(
            ("company", row["company"] + (f" ({row['exchange_code']})" if row["exchange_code"] else "")),
            ("aspect", row["aspect"]),
            ("direction", direction),
            ("strength", row["strength"]),
            ("period", period),
            ("mention", row["mention"]),
            ("span", f"{row['span_start']}–{row['span_end']}"),
        ),
    )


def event_fact(row: dict) -> Fact:
    """A row of v_events as a page fact."""
    dates = period_label(row["event_start"], row["event_end"])
    return Fact(
        fact_id=row["event_id"], kind="event", start=row["span_start"], end=row["span_end"],
        mention=row["mention"], subject=row["subject"], what=row["event_type"], value="", period=dates,
        fields=_fields(
            ("event type", row["event_type"]),
            ("subject", row["subject"]),
            ("dates", dates),
            ("participants", _participants(row["participants"])),
            ("mention", row["mention"]),
            ("span", f"{row['span_start']}–{row['span_end']}"),
        ),
    )


def _participants(raw: str | None) -> str:
    if not raw:
        return ""
    try:
        people = json.loads(raw)
    except ValueError:
        return raw
    return "; ".join(
        f"{p.get('name', '?')}" + (f" ({p['role']})" if p.get("role") else "") for p in people if isinstance(p, dict)
    )


def tooltip(fact: Fact) -> str:
    """The hover text of a highlighted span (native `title`, works without JavaScript)."""
    head = " · ".join(x for x in (KIND_LABELS[fact.kind], fact.subject, fact.what) if x)
    tail = " · ".join(x for x in (fact.value, fact.period) if x)
    status = dict(fact.fields).get("status")
    return head + ("\n" + tail if tail else "") + (f" · {status}" if status else "")


def span_is_valid(text: str, start: int, end: int, mention: str) -> bool:
    """A span is drawn only where the text really says the mention there (never a guessed spot)."""
    return 0 <= start < end <= len(text) and text[start:end] == mention


def highlight(text: str, spans: Sequence[Span]) -> str:
    """The text as escaped HTML with one properly nested element per span (see the module docstring)."""
    queue = [(s.start, -s.end, _NESTING_RANK.get(s.kind, 9), s.key, 0, s) for s in spans if s.start < s.end]
    heapq.heapify(queue)
    out: list[str] = []
    open_ends: list[int] = []
    pos = 0

    def emit_text_to(limit: int) -> None:
        nonlocal pos
        if limit > pos:
            out.append(escape(text[pos:limit], quote=False))
            pos = limit

    while queue:
        start, neg_end, rank, key, part, span = heapq.heappop(queue)
        end = -neg_end
        while open_ends and open_ends[-1] <= start:
            emit_text_to(open_ends.pop())
            out.append("</span>")
        if open_ends and open_ends[-1] < end:
            # Crossing: cut this span where the innermost open element closes; the rest comes back
            # as a continuation fragment and is placed like any other span starting there.
            cut = open_ends[-1]
            heapq.heappush(queue, (cut, -end, rank, key, part + 1, span))
            end = cut
            split = True
        else:
            split = False
        emit_text_to(start)
        out.append(_open_tag(span, part, split))
        open_ends.append(end)
    while open_ends:
        emit_text_to(open_ends.pop())
        out.append("</span>")
    emit_text_to(len(text))
    return "".join(out)


def _open_tag(span: Span, part: int, split: bool) -> str:
    key = escape(span.key, quote=True)
    if span.kind == "unparsed":
        attrs = f'class="u" data-unparsed="{key}"'
    elif part == 0:
        attrs = f'class="f f-{span.kind}{" split" if split else ""}" data-fact="{key}" tabindex="0"'
    else:
        attrs = f'class="f f-{span.kind} cont" data-cont="{key}"'
    return f'<span {attrs} title="{escape(span.tooltip, quote=True)}">'


def _json_for_script(payload: object) -> str:
    # Inside <script> only "</script" and "<!--" can end the element early; escaping every '<', '>'
    # and '&' as JSON unicode escapes keeps hostile report text inert and the JSON unchanged.
    raw = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return raw.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def render_page(doc: DocumentEvidence, index_href: str | None = None) -> str:
    """The self-contained HTML page of one document."""
    drawn = [f for f in doc.facts if span_is_valid(doc.text, f.start, f.end, f.mention)]
    drawn_ids = {f.fact_id for f in drawn}
    misplaced = [f for f in doc.facts if f.fact_id not in drawn_ids]
    spans = [Span(f.start, f.end, f.kind, f.fact_id, tooltip(f)) for f in drawn]
    spans += [Span(u.start, u.end, "unparsed", str(i), f"unparsed: {u.reason}")
              for i, u in enumerate(doc.unparsed) if span_is_valid(doc.text, u.start, u.end, u.mention)]
    body = highlight(doc.text, spans)
    counts = {k: sum(1 for f in doc.facts if f.kind == k) for k in FACT_KINDS}
    title = doc.title or doc.document
    payload = {
        f.fact_id: {"kind": f.kind, "label": KIND_LABELS[f.kind], "fields": f.fields, "drawn": f.fact_id in drawn_ids}
        for f in doc.facts
    }
    ordered = sorted(doc.facts, key=lambda f: (f.start, _NESTING_RANK[f.kind], f.end, f.fact_id))
    back = f'<a class="back" href="{escape(index_href, quote=True)}">← all documents</a>' if index_href else ""
    return _PAGE.format(
        title=escape(title),
        back=back,
        document=escape(doc.document),
        legend="".join(
            f'<label class="chip k-{k}"><input type="checkbox" checked data-toggle="{k}"> '
            f"{escape(KIND_PLURALS[k])} <b>{counts[k]}</b></label>" for k in FACT_KINDS
        ) + (f'<span class="chip k-unparsed">unparsed <b>{len(doc.unparsed)}</b></span>'),
        text=body,
        metadata="".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in doc.metadata),
        filters=_filters(doc.facts),
        shown=len(doc.facts),
        rows="".join(_table_row(f) for f in ordered),
        misplaced=_misplaced(misplaced),
        unparsed=_unparsed_list(doc),
        facts_json=_json_for_script(payload),
        css=_CSS,
        js=_JS,
    )


def _options(values: Sequence[str]) -> str:
    return "".join(f'<option value="{escape(v, quote=True)}">{escape(v)}</option>' for v in values)


def _filters(facts: Sequence[Fact]) -> str:
    subjects = sorted({f.subject for f in facts if f.subject})
    whats = sorted({f.what for f in facts if f.what})
    return (
        '<select id="f-kind" aria-label="type"><option value="">all types</option>'
        + _options(FACT_KINDS) + "</select>"
        + '<select id="f-subject" aria-label="subject"><option value="">all subjects</option>'
        + _options(subjects) + "</select>"
        + '<select id="f-what" aria-label="metric"><option value="">all metrics / aspects / event types</option>'
        + _options(whats) + "</select>"
        + '<input id="f-search" type="search" placeholder="search mention…" aria-label="search">'
    )


def _table_row(f: Fact) -> str:
    return (
        f'<tr data-row="{escape(f.fact_id, quote=True)}" data-kind="{f.kind}" '
        f'data-subject="{escape(f.subject or "", quote=True)}" data-what="{escape(f.what, quote=True)}">'
        f'<td><i class="dot k-{f.kind}"></i></td><td>{escape(f.subject or "—")}</td>'
        f"<td>{escape(f.what)}</td><td>{escape(f.value)}</td><td>{escape(f.period)}</td>"
        f'<td class="m">{escape(f.mention)}</td></tr>'
    )


def _misplaced(facts: Sequence[Fact]) -> str:
    if not facts:
        return ""
    items = "".join(f"<li>{escape(f.kind)} {escape(f.fact_id)}: {escape(f.mention)} "
                    f"at {f.start}–{f.end}</li>" for f in facts)
    return (f'<section class="warn"><h2>Facts whose span does not match the text ({len(facts)})</h2>'
            f"<ul>{items}</ul></section>")


def _unparsed_list(doc: DocumentEvidence) -> str:
    if not doc.unparsed:
        return "<p class=muted>none: every number-like mention became a fact or was not a quantity.</p>"
    items = "".join(
        f'<li data-goto-unparsed="{i}"><q>{escape(u.mention)}</q> <span class="muted">at {u.start}–{u.end}</span>'
        f"<br>{escape(u.reason)}</li>"
        for i, u in enumerate(doc.unparsed)
    )
    return f"<ul class=unparsed>{items}</ul>"


class DocumentNotFound(LookupError):
    """No loaded document by that name; carries what the warehouse knows instead."""


def resolve_document(con: duckdb.DuckDBPyConnection, name: str) -> str:
    """The document name for `name`: the inbox-relative path, a document id, or a unique path suffix.

    A rejected or removed document, or an unknown name, raises `DocumentNotFound` with a one-line
    reason (and close names when there are some).
    """
    rows = con.execute(
        "select document, document_id, status, reject_reason from dim_document "
        "where document = $name or document_id = $name or ends_with(document, '/' || $name)",
        {"name": name},
    ).fetchall()
    loaded = [r for r in rows if r[2] == "loaded"]
    if len(loaded) == 1:
        return loaded[0][0]
    if len(loaded) > 1:
        raise DocumentNotFound(f"{name!r} matches {len(loaded)} documents: "
                               + ", ".join(r[0] for r in loaded[:5]))
    if rows:
        doc, _, status, reason = rows[0]
        why = f": {reason}" if reason else ""
        raise DocumentNotFound(f"document {doc!r} is {status}{why}; it has no facts to show")
    import difflib

    names = [r[0] for r in con.execute("select document from dim_document where status = 'loaded'").fetchall()]
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.4)
    hint = f"; did you mean {', '.join(close)}?" if close else f" ({len(names)} documents loaded)"
    raise DocumentNotFound(f"no loaded document {name!r}{hint}")


def read_documents(con: duckdb.DuckDBPyConnection, documents: Sequence[str],
                   chunk: int = 200) -> Iterator[DocumentEvidence]:
    """The evidence of each named loaded document, read in chunks (a few queries per chunk)."""
    for i in range(0, len(documents), chunk):
        names = list(documents[i:i + chunk])
        params = {"names": names}
        docs = _rows(con, "select d.*, t.text from v_documents d left join doc_text t using (document_id) "
                          "where d.document in (select unnest($names))", params)
        by_doc: dict[str, DocumentEvidence] = {}
        for d in docs:
            if d["text"] is None:
                raise DocumentNotFound(
                    f"the warehouse holds no text for {d['document']!r}; run `yanbao run` to reload it")
            by_doc[d["document"]] = DocumentEvidence(
                document=d["document"], document_id=d["document_id"], title=d["title"], text=d["text"],
                metadata=_metadata(d),
            )
        for view, make in (("v_metric_facts", quantity_fact), ("v_company_signals", signal_fact),
                           ("v_events", event_fact)):
            for row in _rows(con, f"select * from {view} where document in (select unnest($names)) "
                                  "order by document, span_start, span_end", params):
                by_doc[row["document"]].facts.append(make(row))
        for row in _rows(con, "select * from v_unparsed_mentions where document in (select unnest($names)) "
                              "order by document, span_start, span_end", params):
            by_doc[row["document"]].unparsed.append(
                Unparsed(row["span_start"], row["span_end"], row["mention"], row["reason"]))
        for name in names:
            if name in by_doc:
                yield by_doc[name]


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: dict) -> list[dict]:
    rel = con.execute(sql, params)
    cols = [c[0] for c in rel.description]
    return [dict(zip(cols, r, strict=True)) for r in rel.fetchall()]


def _metadata(d: dict) -> list[tuple[str, str]]:
    encoding = d["encoding"] or ""
    if d["had_bom"]:
        encoding += " (with BOM)"
    pairs = [
        ("document", d["document"]), ("title", d["title"]), ("published", d["published_date"]),
        ("source", d["source"]), ("encoding", encoding), ("characters", format_number(d["characters"])),
        ("bytes", format_number(d["size_bytes"])), ("sha256", d["sha256"]),
        ("loaded at", d["loaded_at"]), ("extractor version", d["extractor_version"]),
        ("document id", d["document_id"]),
    ]
    return [(k, str(v)) for k, v in pairs if v not in (None, "")]


_UNSAFE_FILENAME = re.compile(r"[^\w.-]+")


def page_filename(document: str, document_id: str) -> str:
    """The page's file name: readable from the document path, unique by the id's head."""
    stem = _UNSAFE_FILENAME.sub("_", document).strip("._")[:80] or "document"
    return f"{stem}-{document_id[:8]}.html"


_CSS = """
:root { --q:#f2b705; --s:#2f9e6e; --e:#7a64b8; --u:#d64545; --ink:#222; --muted:#777; --line:#e3e3e3; }
* { box-sizing: border-box; }
body { margin:0; color:var(--ink); background:#fafafa;
  font: 15px/1.6 system-ui, -apple-system, "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei",
    "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", sans-serif; }
header { padding:12px 20px; background:#fff; border-bottom:1px solid var(--line); }
header h1 { font-size:20px; margin:0 0 4px; }
.back { font-size:13px; color:#36c; text-decoration:none; }
.muted, .doc { color:var(--muted); font-size:13px; }
.chip { display:inline-block; margin:6px 8px 0 0; padding:1px 8px; border-radius:10px; font-size:13px;
  background:#f0f0f0; cursor:pointer; user-select:none; }
.chip input { vertical-align:-2px; }
.k-quantity { border-left:6px solid var(--q); } .k-signal { border-left:6px solid var(--s); }
.k-event { border-left:6px solid var(--e); } .k-unparsed { border-left:6px solid var(--u); }
main { display:grid; grid-template-columns: minmax(0,1fr) 460px; gap:16px; padding:16px 20px; }
#text { white-space:pre-wrap; word-break:break-word; background:#fff; padding:18px 22px; line-height:2.05;
  border:1px solid var(--line); border-radius:6px; max-height:calc(100vh - 150px); overflow:auto; }
aside { display:flex; flex-direction:column; gap:12px; max-height:calc(100vh - 150px); overflow:auto; }
aside section, .card { background:#fff; border:1px solid var(--line); border-radius:6px; padding:10px 12px; }
aside h2 { font-size:14px; margin:0 0 6px; }
.f { cursor:pointer; border-radius:2px; }
.f-quantity { background:rgba(242,183,5,.45); box-shadow: inset 0 -2px 0 #c99400; }
.f-signal { background:rgba(47,158,110,.22); box-shadow: inset 0 -2px 0 var(--s); }
.f-event { background:rgba(122,100,184,.12); text-decoration: underline 2px var(--e);
  text-underline-offset:5px; }
.u { text-decoration: underline dashed 1.5px var(--u); text-underline-offset:4px; cursor:help; }
.f:hover, .f:focus { outline:1px solid #555; }
.f.sel { outline:2px solid #d22; outline-offset:1px; }
body.hide-quantity .f-quantity, body.hide-signal .f-signal, body.hide-event .f-event {
  background:none; box-shadow:none; text-decoration:none; }
#details .card { margin-bottom:8px; border-left:6px solid #ccc; }
#details .card.k-quantity { border-left-color:var(--q); } #details .card.k-signal { border-left-color:var(--s); }
#details .card.k-event { border-left-color:var(--e); }
#details dl { display:grid; grid-template-columns: 90px 1fr; margin:4px 0 0; font-size:13px; }
#details dt { color:var(--muted); } #details dd { margin:0; word-break:break-word; }
#details .kind { font-weight:600; font-size:13px; }
.filters { display:flex; flex-wrap:wrap; gap:6px; margin-bottom:6px; }
.filters select, .filters input { font-size:12px; max-width:140px; }
table { border-collapse:collapse; width:100%; font-size:12.5px; }
th, td { text-align:left; padding:3px 5px; border-bottom:1px solid #f0f0f0; vertical-align:top; }
#facts tbody tr { cursor:pointer; } #facts tbody tr:hover { background:#f5f7ff; }
#facts tr.sel { background:#ffecec; }
#facts td.m { color:#444; max-width:9em; overflow:hidden; text-overflow:ellipsis; white-space:nowrap; }
#facts td:nth-child(5) { white-space:nowrap; }
.dot { display:inline-block; width:10px; height:10px; border-radius:50%; border:none; }
i.k-quantity { background:var(--q); } i.k-signal { background:var(--s); } i.k-event { background:var(--e); }
.meta th { color:var(--muted); font-weight:normal; white-space:nowrap; } .meta td { word-break:break-all; }
ul.unparsed { padding-left:18px; margin:0; font-size:13px; } ul.unparsed li { cursor:pointer; margin-bottom:4px; }
.warn { border-color:#e99 !important; }
@media (max-width: 1000px) { main { grid-template-columns: 1fr; } #text, aside { max-height:none; } }
"""

_JS = """
(function () {
  const FACTS = JSON.parse(document.getElementById('facts-data').textContent);
  const details = document.getElementById('details');
  const text = document.getElementById('text');
  const rows = Array.from(document.querySelectorAll('#facts tbody tr'));
  const sel = (id) => '[data-fact="' + CSS.escape(id) + '"],[data-cont="' + CSS.escape(id) + '"]';
  const idOf = (el) => el.getAttribute('data-fact') || el.getAttribute('data-cont');

  function card(id, first) {
    const f = FACTS[id];
    const box = document.createElement('div');
    box.className = 'card k-' + f.kind;
    box.setAttribute('data-detail', id);
    const head = document.createElement('div');
    head.className = 'kind';
    head.textContent = f.label + (first ? '' : ' (containing span)');
    box.appendChild(head);
    const dl = document.createElement('dl');
    for (const [k, v] of f.fields) {
      const dt = document.createElement('dt'); dt.textContent = k;
      const dd = document.createElement('dd'); dd.textContent = v;
      dl.appendChild(dt); dl.appendChild(dd);
    }
    box.appendChild(dl);
    box.addEventListener('click', () => select([id], true));
    return box;
  }

  function select(ids, scroll) {
    document.querySelectorAll('.sel').forEach(el => el.classList.remove('sel'));
    details.replaceChildren();
    ids.forEach((id, i) => details.appendChild(card(id, i === 0)));
    const main = ids[0];
    document.querySelectorAll(sel(main)).forEach(el => el.classList.add('sel'));
    const row = document.querySelector('tr[data-row="' + CSS.escape(main) + '"]');
    if (row) row.classList.add('sel');
    const el = document.querySelector('[data-fact="' + CSS.escape(main) + '"]');
    if (scroll && el) el.scrollIntoView({block: 'center', behavior: 'smooth'});
    history.replaceState(null, '', '#fact=' + encodeURIComponent(main));
  }

  function chainAt(el) {
    const ids = [];
    for (let n = el; n && n !== text; n = n.parentElement) {
      const id = n.nodeType === 1 ? idOf(n) : null;
      if (id && !ids.includes(id)) ids.push(id);
    }
    return ids;
  }

  text.addEventListener('click', (e) => {
    const el = e.target.closest('[data-fact],[data-cont]');
    if (el) select(chainAt(el), false);
  });
  text.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && e.target.matches('[data-fact]')) select(chainAt(e.target), false);
  });
  rows.forEach(r => r.addEventListener('click', () => select([r.getAttribute('data-row')], true)));
  document.querySelectorAll('[data-goto-unparsed]').forEach(li => li.addEventListener('click', () => {
    const el = document.querySelector('[data-unparsed="' + li.getAttribute('data-goto-unparsed') + '"]');
    if (el) { el.scrollIntoView({block: 'center', behavior: 'smooth'}); }
  }));

  const kind = document.getElementById('f-kind'), subject = document.getElementById('f-subject');
  const what = document.getElementById('f-what'), search = document.getElementById('f-search');
  const shown = document.getElementById('shown');
  function filter() {
    const q = search.value.trim().toLowerCase();
    let n = 0;
    rows.forEach(r => {
      const ok = (!kind.value || r.dataset.kind === kind.value)
        && (!subject.value || r.dataset.subject === subject.value)
        && (!what.value || r.dataset.what === what.value)
        && (!q || r.textContent.toLowerCase().includes(q));
      r.hidden = !ok; if (ok) n++;
    });
    shown.textContent = n;
  }
  [kind, subject, what].forEach(s => s.addEventListener('change', filter));
  search.addEventListener('input', filter);
  document.querySelectorAll('[data-toggle]').forEach(box => box.addEventListener('change', () =>
    document.body.classList.toggle('hide-' + box.getAttribute('data-toggle'), !box.checked)));

  const m = /^#fact=(.+)$/.exec(location.hash);
  if (m && FACTS[decodeURIComponent(m[1])]) select([decodeURIComponent(m[1])], true);
})();
"""

_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>{title}</title>
<style>{css}</style>
</head>
<body>
<header>
{back}
<h1>{title}</h1>
<div class="doc">{document}</div>
<div class="legend">{legend}</div>
</header>
<main>
<article id="text" lang="zh">{text}</article>
<aside>
<section><h2>Details</h2><div id="details"><p class="muted">Click a highlighted span or a row below.</p></div></section>
<section><h2>Facts (<span id="shown">{shown}</span>)</h2>
<div class="filters">{filters}</div>
<table id="facts"><thead><tr><th></th><th>subject</th><th>metric</th><th>value</th><th>period</th><th>mention</th></tr></thead>
<tbody>{rows}</tbody></table></section>
{misplaced}
<section><h2>Unparsed mentions</h2>{unparsed}</section>
<section><h2>Document</h2><table class="meta">{metadata}</table></section>
</aside>
</main>
<script type="application/json" id="facts-data">{facts_json}</script>
<script>{js}</script>
</body>
</html>
"""
