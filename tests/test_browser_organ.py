"""An organ's years side by side in a real browser: headless Chromium (Debian's package) driven by
Playwright, against a real `extractor serve` process over a store holding one organ printed
under two names across three years.

From a document's page, the organ's name leads to its page: its names, a chart per headline
metric drawn by the server (SVG, nothing run in the browser), every metric by year with its
change, the cross-year check that does not hold lit; the queue's documents by year and status
open under its summary. The service's Content-Security-Policy refuses nothing on either page.
"""

from __future__ import annotations

import pytest

from .serving import Served
from .test_browser import browser, refusals  # noqa: F401 - the module's browser fixture
from .test_organ_page import HUAIAN, organ_store

pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1", r".*/pymp-[^/]+/listener-"])


def test_an_organs_years_in_a_browser(tmp_path, browser):  # noqa: F811 - the fixture
    from playwright.sync_api import expect

    data = tmp_path / "data"
    data.mkdir()
    shas = organ_store(data / "results.sqlite")
    with Served(data) as s:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        refused = refusals(page)
        page.goto(f"{s.url}/documents/{shas['淮安市洪泽区人民政府2025']}")
        page.click("a.organ")
        expect(page.locator("h1")).to_contain_text("淮安市洪泽区人民政府")
        expect(page.locator("#names")).to_contain_text("洪泽区人民政府 (prefix)")
        # A chart per headline metric, drawn on the server, a dot per year, shown.
        charts = page.locator("#charts svg")
        assert charts.count() >= 4
        expect(charts.first).to_be_visible()
        assert charts.first.locator("circle").count() == 3
        assert page.evaluate("() => document.querySelectorAll('#organ script').length") == 0
        # Every metric by year, with the change from the year before.
        row = page.locator('tr[data-key="s3.new_received.total"]')
        values = [int(v) for v in row.locator("td.cell").all_inner_texts()]
        years = [HUAIAN, HUAIAN.next_year(), HUAIAN.next_year().next_year(off_by=1)]
        assert values == [r.cells["s3.new_received.total"] for r in years]
        # The check that does not hold is lit, the ones that hold are not.
        # (2024 says it of its next year, 2025 of its previous one.)
        warn = page.locator("#cross-year tr.check-warn", has_text="X1.natural")
        assert sorted(r.locator("td").first.inner_text() for r in warn.all()) == ["2024", "2025"]
        assert warn.first.locator("td").first.evaluate("td => getComputedStyle(td).backgroundColor") != "rgba(0, 0, 0, 0)"
        # Each year's document is a link away.
        page.click("#years thead a:text('2023')")
        expect(page.locator("h1")).to_contain_text("洪泽区人民政府2023.txt")
        # The queue's documents by year and status, under its summary.
        page.goto(s.url + "/queue")
        page.click("#by-year summary")
        expect(page.locator("table.by-year")).to_be_visible()
        expect(page.locator("table.by-year tr", has_text="2023")).to_contain_text("2")
        assert page.locator("#by-year svg rect").count() == 4
        assert refused == []
        page.close()
