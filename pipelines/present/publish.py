"""Writing the evidence pages to disk, next to the warehouse: one page per document and the index.

Pages are rebuilt only for documents whose load changed (the warehouse's `loaded_at` and
`sha256`, and this renderer's own version, are recorded in a manifest in the pages folder), so
a refresh that loads three new reports renders three pages, not the whole corpus. Pages of
documents that left the warehouse are deleted; files we did not write are never touched.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pipelines import warehouse as wh
from pipelines.present.index import CorpusOverview, charts, read_corpus, render_index
from pipelines.present.page import page_filename, read_documents, render_page

MANIFEST = ".pages.json"
INDEX = "index.html"
CHARTS = "charts"
READ_CHUNK = 200


def pages_folder(warehouse: Path) -> Path:
    """Where the Dagster assets and the commands put pages by default: `pages/` beside the warehouse file."""
    return warehouse.parent / "pages"


def renderer_version() -> str:
    """A digest of this package's code: a new renderer rebuilds every page once."""
    digest = hashlib.sha256()
    for f in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(f.name.encode() + b"\0" + f.read_bytes())
    return digest.hexdigest()[:16]


@contextmanager
def reading(warehouse: Path, wait_seconds: float = wh.LOCK_WAIT_SECONDS) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection held under the shared writer lock, so a load never starts mid-read."""
    if not warehouse.exists():
        raise FileNotFoundError(f"no warehouse at {warehouse}; run `yanbao run` first")
    with wh.writer_lock(warehouse, wait_seconds=wait_seconds, shared=True):
        con = wh.connect_query(warehouse)
        try:
            yield con
        finally:
            con.close()


def write_text_atomically(path: Path, text: str) -> None:
    """Replace the file in one step, so a browser or a concurrent reader never sees half a page."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


@dataclass
class PublishedPages:
    """What one publication of the document pages did."""

    folder: Path
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    pages: dict[str, str] = field(default_factory=dict)   # document -> page file name


def publish_document_pages(warehouse: Path, folder: Path, wait_seconds: float = wh.LOCK_WAIT_SECONDS,
                           index_href: str | None = INDEX) -> PublishedPages:
    """Bring the folder's document pages in line with the warehouse (incrementally)."""
    folder.mkdir(parents=True, exist_ok=True)
    manifest = _read_manifest(folder)
    version = renderer_version()
    with reading(warehouse, wait_seconds) as con:
        current = {
            doc: (doc_id, f"{sha}|{loaded_at}|{version}|{index_href}")
            for doc, doc_id, sha, loaded_at in con.execute(
                "select document, document_id, sha256, loaded_at from v_documents order by document").fetchall()
        }
    result = PublishedPages(folder=folder)
    stale = []
    for doc, (doc_id, key) in current.items():
        name = page_filename(doc, doc_id)
        result.pages[doc] = name
        if manifest.get(doc, {}).get("key") == key and (folder / name).exists():
            result.unchanged += 1
        else:
            stale.append(doc)
    for i in range(0, len(stale), READ_CHUNK):
        # One chunk at a time under the lock: a long publication never keeps a load waiting long.
        with reading(warehouse, wait_seconds) as con:
            evidence = list(read_documents(con, stale[i:i + READ_CHUNK]))
        for doc in evidence:
            name = result.pages[doc.document]
            write_text_atomically(folder / name, render_page(doc, index_href=index_href))
            manifest[doc.document] = {"page": name, "key": current[doc.document][1]}
            result.written.append(doc.document)
    for doc in sorted(set(manifest) - set(current)):
        entry = manifest.pop(doc)
        page = folder / entry.get("page", "")
        if page.is_file() and page.parent == folder:
            page.unlink()
        result.removed.append(doc)
    write_text_atomically(folder / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True))
    return result


@dataclass
class PublishedIndex:
    """The index page and its charts as written, with the overview they show."""

    index: Path
    charts: dict[str, Path]
    corpus: CorpusOverview


def publish_index(warehouse: Path, folder: Path, wait_seconds: float = wh.LOCK_WAIT_SECONDS) -> PublishedIndex:
    """Write `index.html` (charts inline) and each chart as `charts/<name>.svg`."""
    with reading(warehouse, wait_seconds) as con:
        corpus = read_corpus(con)
    svgs = charts(corpus)
    paths = {}
    for name, body in svgs.items():
        paths[name] = folder / CHARTS / f"{name}.svg"
        write_text_atomically(paths[name], body)
    index = folder / INDEX
    write_text_atomically(index, render_index(corpus, svgs))
    return PublishedIndex(index=index, charts=paths, corpus=corpus)


def _read_manifest(folder: Path) -> dict[str, dict]:
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
