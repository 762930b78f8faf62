"""The evidence page in a real browser: headless Debian chromium driven by Playwright.

Pins: the page `yanbao show` writes for the seed report, opened from a file:// URL, has exactly
one `data-fact` element per fact of the document in the warehouse, each spelling its mention;
clicking a quantity shows its normalized value and unit in the details panel; a side-table row
selects its span; the type filter narrows the table; the page runs without script errors and
requests nothing but itself. Saves a screenshot under tmp_path (and into $YANBAO_ARTIFACTS when
set). Skips, saying why, when chromium or playwright is missing (`make test` installs chromium).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from pipelines import cli
from pipelines.present.page import format_quantity
from tests.conftest import SEED_NAME, query, refresh

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

FACTS_OF_DOCUMENT = """
select fact_id, mention from v_metric_facts where document = $1
union all select signal_id, mention from v_company_signals where document = $1
union all select event_id, mention from v_events where document = $1
"""


@pytest.fixture
def sync_playwright():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright package is not installed (pip install -e '.[dev]')")
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium (`make test` installs it "
                    "with apt-get when apt is available)")
    return sync_playwright


@pytest.mark.slow
def test_seed_page_in_headless_chromium(sync_playwright, inbox, warehouse_file, instance, tmp_path, capsys):
    refresh(inbox, warehouse_file, instance)
    page_file = tmp_path / "seed.html"
    assert cli.main(["show", SEED_NAME, "--warehouse", str(warehouse_file), "--out", str(page_file)]) == 0
    capsys.readouterr()
    expected = dict(query(warehouse_file, FACTS_OF_DOCUMENT, [SEED_NAME]))
    assert expected, "the seed report has facts"
    quantities = {r[0]: r[1:] for r in query(
        warehouse_file, "select fact_id, value, value_high, unit, comparator from v_metric_facts where document = ?",
        [SEED_NAME])}

    screenshot = tmp_path / "yanbao-show-seed.png"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=20_000)
        try:
            page = browser.new_page(viewport={"width": 1500, "height": 1000})
            errors: list[str] = []
            requests: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("request", lambda r: requests.append(r.url))
            page.goto(page_file.as_uri())

            heads = page.eval_on_selector_all("[data-fact]", "els => els.map(e => [e.dataset.fact, e.textContent])")
            conts = page.eval_on_selector_all("[data-cont]", "els => els.map(e => [e.dataset.cont, e.textContent])")
            ids = [fact_id for fact_id, _ in heads]
            assert len(ids) == len(set(ids)), "one data-fact element per fact"
            assert set(ids) == set(expected)
            for fact_id, text in heads:
                rest = "".join(t for cont_id, t in conts if cont_id == fact_id)
                assert text + rest == expected[fact_id], fact_id

            # The innermost quantity under the pointer is the one a click selects.
            target = page.evaluate(
                "ids => ids.find(id => { const e = document.querySelector(`[data-fact=\"${id}\"]`);"
                " return e && !e.querySelector('[data-fact]'); })", list(quantities))
            value, value_high, unit, comparator = quantities[target]
            page.click(f'[data-fact="{target}"]')
            panel = page.inner_text("#details")
            assert format_quantity(value, value_high, unit, comparator) in panel
            assert unit in panel
            assert "sel" in page.get_attribute(f'[data-fact="{target}"]', "class")

            other = next(i for i in ids if i != target)
            page.click(f'tr[data-row="{other}"]')
            assert "sel" in page.get_attribute(f'[data-fact="{other}"]', "class")
            assert page.inner_text("#details").strip()

            page.select_option("#f-kind", "event")
            visible = page.eval_on_selector_all("#facts tbody tr", "rs => rs.filter(r => !r.hidden).length")
            events = query(warehouse_file, "select count(*) from v_events where document = ?", [SEED_NAME])[0][0]
            assert visible == events
            page.select_option("#f-kind", "")

            page.click(f'[data-fact="{target}"]')
            page.screenshot(path=str(screenshot))
            assert not errors, errors
            assert all(u.startswith(("file:", "data:", "about:")) for u in requests), requests
        finally:
            browser.close()
    assert screenshot.stat().st_size > 10_000
    artifacts = os.environ.get("YANBAO_ARTIFACTS")
    if artifacts:
        Path(artifacts).mkdir(parents=True, exist_ok=True)
        shutil.copy(screenshot, Path(artifacts) / screenshot.name)


@pytest.mark.slow
def test_index_in_headless_chromium(sync_playwright, inbox, warehouse_file, instance, tmp_path, capsys):
    refresh(inbox, warehouse_file, instance)
    out = tmp_path / "site"
    assert cli.main(["report", "--warehouse", str(warehouse_file), "--out", str(out)]) == 0
    capsys.readouterr()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=20_000)
        try:
            page = browser.new_page(viewport={"width": 1500, "height": 1300})
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto((out / "index.html").as_uri())
            assert page.locator("figure svg").count() >= 4
            # Chinese labels are text in the SVG, drawn by the browser's own fonts.
            assert re.search(r"[\u4e00-\u9fff]", page.inner_text("#chart-most_mentioned_entities"))
            page.screenshot(path=str(tmp_path / "yanbao-report.png"), full_page=True)
            page.click(f"#documents a:has-text('{SEED_NAME}')")
            page.wait_for_selector("[data-fact]")
            assert page.locator("[data-fact]").count() > 0
            assert not errors, errors
        finally:
            browser.close()
    artifacts = os.environ.get("YANBAO_ARTIFACTS")
    if artifacts:
        shutil.copy(tmp_path / "yanbao-report.png", Path(artifacts) / "yanbao-report.png")
