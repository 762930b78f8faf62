"""The evidence pages as Dagster assets, refreshed with the warehouse.

`document_pages` keeps one HTML page per loaded report in `pages/` beside the warehouse file
(only the reports this load changed are rendered again); `corpus_report` writes the index with
its charts. Both only read the warehouse, under the shared writer lock, and carry a markdown run
summary and a text preview of the main chart in their metadata (the UI's markdown shows no SVG;
the SVG file's path is there to open).
"""

# No `from __future__ import annotations` here: Dagster inspects the real annotations of asset functions.
import time

import dagster as dg

from pipelines.defs.resources import WarehouseResource
from pipelines.present.index import corpus_totals, main_chart_rows
from pipelines.present.publish import pages_folder, publish_document_pages, publish_index
from pipelines.present.svg import unicode_bars

# The tables the pages are drawn from; a load of any of them refreshes the pages.
WAREHOUSE_TABLES = ["dim_document", "dim_entity", "fct_metric", "fct_company_signal", "fct_event",
                    "fct_entity_mention", "agg_entity_document", "fct_unparsed_mention"]
PREVIEW_PAGES = 10


@dg.asset(group_name="present", kinds={"html"}, deps=WAREHOUSE_TABLES)
def document_pages(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """One self-contained HTML page per loaded report: its text with every quantity, company signal
    and event highlighted at its exact span, a click shows the fact's details, a side table of all
    facts filters and scrolls to them; metadata and unparsed mentions with their reasons."""
    started = time.perf_counter()
    folder = pages_folder(warehouse.file())
    done = publish_document_pages(warehouse.file(), folder)
    context.log.info(f"pages in {folder}: {len(done.written)} written, {done.unchanged} unchanged, "
                     f"{len(done.removed)} removed")
    shown = sorted(done.written)[:PREVIEW_PAGES] or sorted(done.pages)[:PREVIEW_PAGES]
    listing = "\n".join(f"| {d} | `{done.pages[d]}` |" for d in shown)
    summary = (
        f"**{len(done.pages)} document pages** in `{folder}`: {len(done.written)} written this run, "
        f"{done.unchanged} unchanged, {len(done.removed)} removed.\n\n"
        + (f"| document | page |\n| --- | --- |\n{listing}" if listing else "_(no documents loaded)_")
    )
    return dg.MaterializeResult(metadata={
        "dagster/row_count": len(done.pages),
        "pages_written": len(done.written),
        "pages_unchanged": done.unchanged,
        "pages_removed": len(done.removed),
        "folder": dg.MetadataValue.path(str(folder)),
        "summary": dg.MetadataValue.md(summary),
        "seconds": round(time.perf_counter() - started, 3),
    })


@dg.asset(group_name="present", kinds={"html"}, deps=[document_pages, *WAREHOUSE_TABLES])
def corpus_report(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """The index of all loaded reports (fact counts per type, links to each report's page, rejected
    files and why) with four charts: quantities by metric family, the most-mentioned entities,
    company signals by company and direction, and events on a timeline."""
    folder = pages_folder(warehouse.file())
    done = publish_index(warehouse.file(), folder)
    corpus = done.corpus
    counts = corpus_totals(corpus)
    summary = "| | |\n| --- | ---: |\n" + "\n".join(f"| {k} | {v:,} |" for k, v in counts.items())
    if corpus.rejected:
        summary += "\n\n**Rejected files**\n\n| document | reason |\n| --- | --- |\n" + "\n".join(
            f"| {d} | {r} |" for d, r, _ in corpus.rejected[:PREVIEW_PAGES])
    main_chart = next(iter(done.charts))
    context.log.info(f"corpus report: {done.index}")
    return dg.MaterializeResult(metadata={
        "dagster/row_count": len(corpus.documents),
        "index": dg.MetadataValue.path(str(done.index)),
        "summary": dg.MetadataValue.md(summary),
        "main_chart": dg.MetadataValue.path(str(done.charts[main_chart])),
        "main_chart_preview": dg.MetadataValue.md(
            "**Quantities by metric family**\n\n" + unicode_bars(main_chart_rows(corpus))),
        "charts": dg.MetadataValue.json({name: str(p) for name, p in done.charts.items()}),
    })
