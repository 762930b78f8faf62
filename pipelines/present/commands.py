"""`yanbao show` and `yanbao report`: the evidence pages from the command line.

    yanbao show DOCUMENT [--warehouse PATH] [--out FILE] [--open]
    yanbao report [--warehouse PATH] [--out DIR] [--open]

Both read the warehouse read-only and write self-contained HTML; by default into `pages/`
beside the warehouse file, where the Dagster assets keep the same pages. Errors the user can act
on are one line on stderr with a non-zero exit code.
"""

from __future__ import annotations

import argparse
import sys
import webbrowser
from pathlib import Path

from pipelines import paths
from pipelines import warehouse as wh

EXIT_USAGE, EXIT_BUSY = 2, 3
# The CLI answers a running load quickly instead of waiting for it like a pipeline step does.
CLI_LOCK_WAIT_SECONDS = 5.0


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    """Register `show` and `report` on the yanbao command's subparsers."""
    show = subparsers.add_parser("show", help="write an HTML page of one report with every fact highlighted")
    show.add_argument("document", help="the document (inbox-relative path, a unique path suffix, or its id)")
    show.add_argument("--warehouse", help="DuckDB file (default: $YANBAO_WAREHOUSE, else warehouse/yanbao.duckdb)")
    show.add_argument("--out", help="HTML file to write (default: pages/<document>.html beside the warehouse)")
    show.add_argument("--open", action="store_true", help="open the page in the default browser")

    report = subparsers.add_parser("report", help="write the index page of all documents, with charts")
    report.add_argument("--warehouse", help="DuckDB file (default: $YANBAO_WAREHOUSE, else warehouse/yanbao.duckdb)")
    report.add_argument("--out", help="folder to write index.html and the document pages into "
                                      "(default: pages/ beside the warehouse)")
    report.add_argument("--open", action="store_true", help="open the index in the default browser")


def run_command(args: argparse.Namespace) -> int:
    """Run `show` or `report`; returns the exit code."""
    warehouse = paths.warehouse_path(args.warehouse)
    if not warehouse.exists():
        return _fail(f"no warehouse at {warehouse}; run `yanbao run` first", EXIT_USAGE)
    try:
        if args.command == "show":
            return _show(args, warehouse)
        return _report(args, warehouse)
    except wh.WarehouseBusy:
        return _fail("a run is writing the warehouse; retry when it finishes", EXIT_BUSY)


def _fail(message: str, code: int) -> int:
    print(f"yanbao: {message}", file=sys.stderr)
    return code


def _show(args: argparse.Namespace, warehouse: Path) -> int:
    from pipelines.present.page import (
        DocumentNotFound,
        page_filename,
        read_documents,
        render_page,
        resolve_document,
    )
    from pipelines.present.publish import INDEX, pages_folder, reading, write_text_atomically

    try:
        with reading(warehouse, CLI_LOCK_WAIT_SECONDS) as con:
            document = resolve_document(con, args.document)
            evidence = next(read_documents(con, [document]))
    except DocumentNotFound as exc:
        return _fail(str(exc), EXIT_USAGE)
    out = Path(args.out).expanduser().resolve() if args.out else \
        pages_folder(warehouse) / page_filename(evidence.document, evidence.document_id)
    index_href = INDEX if (out.parent / INDEX).exists() else None
    write_text_atomically(out, render_page(evidence, index_href=index_href))
    print(f"{out}  ({len(evidence.facts)} facts, {len(evidence.unparsed)} unparsed mentions)")
    if args.open:
        webbrowser.open(out.as_uri())
    return 0


def _report(args: argparse.Namespace, warehouse: Path) -> int:
    from pipelines.present.publish import pages_folder, publish_document_pages, publish_index

    folder = Path(args.out).expanduser().resolve() if args.out else pages_folder(warehouse)
    pages = publish_document_pages(warehouse, folder, CLI_LOCK_WAIT_SECONDS)
    index = publish_index(warehouse, folder, CLI_LOCK_WAIT_SECONDS)
    print(f"{index.index}  ({len(pages.pages)} document pages: {len(pages.written)} written, "
          f"{pages.unchanged} unchanged, {len(pages.removed)} removed; {len(index.charts)} charts; "
          f"{len(index.corpus.rejected)} rejected files listed)")
    if args.open:
        webbrowser.open(index.index.as_uri())
    return 0
