"""The evidence pages from a real warehouse: `yanbao show`, `yanbao report` and the Dagster assets.

Pins: the loader stores each loaded document's decoded text in `doc_text` (replaced with its
facts, deleted when the file leaves the inbox), and a warehouse from before `doc_text` reloads
its documents once; `yanbao show` writes a page with one `data-fact` per fact of the document
and answers unknown or rejected documents in one line; `yanbao report` writes the index, four
charts and every document page; the `document_pages` and `corpus_report` assets write the same
pages beside the warehouse, only re-render changed documents, and carry a markdown summary and a
main-chart preview in their metadata.
"""

from __future__ import annotations

import re

import dagster as dg
import duckdb

from pipelines import cli
from pipelines import warehouse as wh
from pipelines.defs.assets import extracted_facts, staged_documents, warehouse_tables
from pipelines.defs.pages import corpus_report, document_pages
from pipelines.defs.resources import InboxResource, WarehouseResource
from tests.conftest import SEED_NAME, SEED_REPORT, query, refresh

FACT_IDS = """
select fact_id from v_metric_facts where document = $1
union all select signal_id from v_company_signals where document = $1
union all select event_id from v_events where document = $1
"""


def data_facts(html: str) -> list[str]:
    return re.findall(r'<span [^>]*data-fact="([^"]+)"', html)


def test_loader_keeps_the_decoded_text_with_the_facts(inbox, warehouse_file, instance, seed_text):
    refresh(inbox, warehouse_file, instance)
    assert query(warehouse_file, "select t.text from doc_text t join v_documents d using (document_id)") == [
        (seed_text,)]
    (inbox / SEED_NAME).unlink()
    refresh(inbox, warehouse_file, instance)
    assert query(warehouse_file, "select count(*) from doc_text") == [(0,)]


def test_a_warehouse_without_doc_text_reloads_its_documents_once(inbox, warehouse_file, instance):
    refresh(inbox, warehouse_file, instance)
    con = duckdb.connect(str(warehouse_file))
    con.execute("drop table doc_text")
    con.close()
    assert wh.known_documents(warehouse_file)["extractor_version"].to_list() == [None]
    refresh(inbox, warehouse_file, instance)
    assert query(warehouse_file, "select count(*) from doc_text") == [(1,)]
    assert wh.known_documents(warehouse_file)["extractor_version"].to_list() != [None]


def test_show_writes_one_element_per_fact(inbox, warehouse_file, instance, tmp_path, capsys):
    refresh(inbox, warehouse_file, instance)
    out = tmp_path / "p" / "seed.html"
    assert cli.main(["show", SEED_NAME, "--warehouse", str(warehouse_file), "--out", str(out)]) == 0
    assert str(out) in capsys.readouterr().out
    html = out.read_text(encoding="utf-8")
    ids = data_facts(html)
    assert len(ids) == len(set(ids))
    assert set(ids) == {r[0] for r in query(warehouse_file, FACT_IDS, [SEED_NAME])}


def test_show_opens_the_default_browser_and_defaults_to_pages_beside_the_warehouse(
        inbox, warehouse_file, instance, monkeypatch, capsys):
    refresh(inbox, warehouse_file, instance)
    opened = []
    monkeypatch.setattr("webbrowser.open", lambda url: opened.append(url))
    assert cli.main(["show", "seed_report", "--warehouse", str(warehouse_file), "--open"]) == 2  # not a suffix
    assert cli.main(["show", SEED_NAME, "--warehouse", str(warehouse_file), "--open"]) == 0
    page = next((warehouse_file.parent / "pages").glob("seed_report.txt-*.html"))
    assert opened == [page.as_uri()]
    capsys.readouterr()


def test_show_answers_unknown_and_rejected_documents_in_one_line(inbox, warehouse_file, instance, capsys):
    (inbox / "empty.txt").write_bytes(b"")
    refresh(inbox, warehouse_file, instance)
    capsys.readouterr()
    code = cli.main(["show", "seed_reprot.txt", "--warehouse", str(warehouse_file)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "did you mean seed_report.txt" in err
    code = cli.main(["show", "empty.txt", "--warehouse", str(warehouse_file)])
    err = capsys.readouterr().err
    assert code == 2 and "rejected: empty file" in err
    code = cli.main(["show", SEED_NAME, "--warehouse", str(warehouse_file.with_name("none.duckdb"))])
    assert code == 2 and "run `yanbao run` first" in capsys.readouterr().err


def test_report_writes_index_charts_and_pages(inbox, warehouse_file, instance, tmp_path, capsys):
    (inbox / "sub").mkdir()
    (inbox / "sub" / "copy.txt").write_bytes(SEED_REPORT.read_bytes())
    (inbox / "broken.pdf").write_bytes(b"%PDF-1.7\n\x00\x01")
    refresh(inbox, warehouse_file, instance)
    capsys.readouterr()
    out = tmp_path / "site"
    assert cli.main(["report", "--warehouse", str(warehouse_file), "--out", str(out)]) == 0
    assert "2 document pages: 2 written" in capsys.readouterr().out
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.count("<svg") >= 4 and "broken.pdf" in index
    for href in re.findall(r'<a href="([^"#]+\.html)"', index):
        assert data_facts((out / href).read_text(encoding="utf-8"))
    assert len(list((out / "charts").glob("*.svg"))) == 4
    assert cli.main(["report", "--warehouse", str(warehouse_file), "--out", str(out)]) == 0
    assert "0 written, 2 unchanged" in capsys.readouterr().out


def test_page_assets_write_beside_the_warehouse_and_describe_the_run(inbox, warehouse_file, instance):
    resources = {"inbox": InboxResource(path=str(inbox)), "warehouse": WarehouseResource(path=str(warehouse_file))}
    assets = [staged_documents, extracted_facts, warehouse_tables, document_pages, corpus_report]
    result = dg.materialize(assets, resources=resources, instance=instance)
    pages = warehouse_file.parent / "pages"
    assert (pages / "index.html").exists() and len(list(pages.glob("seed_report.txt-*.html"))) == 1
    md = {m.asset_key.to_user_string(): m.metadata for m in result.get_asset_materialization_events()
          for m in [m.materialization]}
    assert md["document_pages"]["pages_written"].value == 1
    assert "document pages" in md["document_pages"]["summary"].value
    assert md["corpus_report"]["main_chart"].value.endswith("facts_by_metric_family.svg")
    assert "█" in md["corpus_report"]["main_chart_preview"].value

    again = dg.materialize(assets, resources=resources, instance=instance)
    md = {m.materialization.asset_key.to_user_string(): m.materialization.metadata
          for m in again.get_asset_materialization_events()}
    assert md["document_pages"]["pages_written"].value == 0
    assert md["document_pages"]["pages_unchanged"].value == 1

    (inbox / SEED_NAME).unlink()
    dg.materialize(assets, resources=resources, instance=instance)
    assert not list(pages.glob("seed_report.txt-*.html"))
    assert (pages / "index.html").exists()
