"""An organ's years side by side in the workbench, and the queue's documents by year and status.

The page of an organ printed under two names (洪泽区人民政府 2023, 淮安市洪泽区人民政府 2024,
and its 2025 report) shows each year's chosen document, every metric by year with the change
from the year before, the cross-year checks, and charts drawn on the server as SVG; the queue
counts every document by year and status. The same organ in a real browser:
tests/test_browser_organ.py.
"""

from __future__ import annotations

import re
from html import unescape

import pytest
from fastapi.testclient import TestClient

from extractor import Options, Store
from extractor.batch import InProcess
from extractor.pipeline import extract_bytes
from extractor.web.app import create_app
from extractor.web.charts import line, stacked
from extractor.web.settings import Settings

from . import fixtures as F

RULES = Options().fingerprint
HUAIAN = F.Report.golden("01_huaian_shi_2024")
CULPRIT = "s3.granted.natural"


def organ_store(path) -> dict[str, str]:
    """The organ's three years (the last one off by one against the year before), and another
    organ's damaged report in review. Returns the hashes by name."""
    years = [HUAIAN, HUAIAN.next_year(), HUAIAN.next_year().next_year(off_by=1)]
    names = ["洪泽区人民政府", "淮安市洪泽区人民政府", "淮安市洪泽区人民政府"]
    out = {}
    with Store(path) as store:
        for name, report in zip(names, years, strict=True):
            r = F.Report(name, report.year - 1, report.template, report.cells)
            out[f"{name}{r.year}"] = store.add(extract_bytes(f"{name}{r.year}.txt", F.text(r).encode("utf-8")), RULES).sha256
        damaged = F.Report("兴安区人民政府", 2023, HUAIAN.template, {**HUAIAN.cells, CULPRIT: HUAIAN.cells[CULPRIT] + 3})
        out["damaged"] = store.add(extract_bytes("xa.txt", F.text(damaged).encode("utf-8")), RULES).sha256
    return out


@pytest.fixture
def served(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    shas = organ_store(data / "results.sqlite")
    with TestClient(create_app(Settings.make(data=data, host="127.0.0.1"), pool=InProcess), base_url="http://localhost") as c:
        yield c, shas


def text(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", html))


def test_an_organs_page_shows_its_years_side_by_side(served):
    client, shas = served
    found = client.get("/organs", params={"name": "洪泽区人民政府"}, follow_redirects=False)
    assert found.status_code == 303
    page = client.get(found.headers["location"])
    assert page.status_code == 200
    html = page.text
    # Both names, each year's document linked.
    assert "淮安市洪泽区人民政府" in html and "洪泽区人民政府 <small>(prefix)</small>" in html
    for year in (2023, 2024, 2025):
        assert f'href="/documents/{shas[("洪泽区人民政府" if year == 2023 else "淮安市洪泽区人民政府") + str(year)]}">{year}</a>' in html
    # A metric's row: its values by year and the change from the year before.
    row = re.search(r'<tr data-key="s3.new_received.total">(.*?)</tr>', html, re.S).group(1)
    values = [int(v) for v in re.findall(r'<td class="cell">(\d+)</td>', row)]
    years = [HUAIAN, HUAIAN.next_year(), HUAIAN.next_year().next_year(off_by=1)]
    assert values == [r.cells["s3.new_received.total"] for r in years]
    changes = re.findall(r'<td class="change">([^<]*)</td>', row)
    expected = ["", *(f"+{b - a}" if b > a else (f"−{a - b}" if a > b else "") for a, b in zip(values, values[1:]))]
    assert changes == expected
    # The cross-year checks: 2024 holds against 2023; 2025's 上年结转 (自然人) is one off.
    # Those that do not hold first; those that hold under a summary.
    checks = re.search(r'<table class="queue" id="cross-year">(.*?)</table>', html, re.S).group(1)
    held = re.search(r'<table class="queue" id="cross-year-held">(.*?)</table>', html, re.S).group(1)
    assert re.search(r'<tr class="check-warn"><td>2025</td><td>X1.natural</td>', checks) and "check-pass" not in checks
    assert re.search(r'<tr class="check-pass"><td>2024</td><td>X1.natural</td>', held) and "check-warn" not in held
    # Charts drawn on the server: one per headline metric, a dot per year.
    charts = re.findall(r"<svg.*?</svg>", html, re.S)
    assert len(charts) >= 4 and all(svg.count("<circle") == 3 for svg in charts)
    assert "<script" not in re.search(r'<div id="organ">(.*)</div>', html, re.S).group(1)


def test_an_unknown_organ_is_a_404_page(served):
    client, _ = served
    assert client.get("/organs/o999").status_code == 404
    assert client.get("/organs", params={"name": "无此机关"}).status_code == 404


def test_the_queue_counts_every_document_by_year_and_status_and_links_organs(served):
    client, shas = served
    html = client.get("/queue").text
    table = re.search(r'<table class="by-year">(.*?)</table>', html, re.S).group(1)
    rows = {
        int(m.group(1)): [int(n) for n in re.findall(r"<td>(\d+)</td>", m.group(2))]
        for m in re.finditer(r"<tr><th>(\d+)</th>(.*?)</tr>", table, re.S)
    }
    # verified, needs_review, failed, all
    assert rows == {2023: [1, 1, 0, 2], 2024: [1, 0, 0, 1], 2025: [1, 0, 0, 1]}
    assert "documents by year and status" in html and html.count("<rect") == 4
    assert '<a class="organ" href="/organs?name=%E5%85%B4%E5%AE%89%E5%8C%BA%E4%BA%BA%E6%B0%91%E6%94%BF%E5%BA%9C">兴安区人民政府</a>' in html
    # A decision changes the counts at once.
    review = client.get(f"/v1/reviews/{shas['damaged']}").json()
    done = client.post(f"/v1/reviews/{shas['damaged']}/resolve", json={"cells": {CULPRIT: HUAIAN.cells[CULPRIT]}, "version": review["version"]})
    assert done.status_code == 200, done.text
    table = re.search(r'<table class="by-year">(.*?)</table>', client.get("/queue").text, re.S).group(1)
    assert re.search(r"<tr><th>2023</th><td>2</td><td>0</td>", table)


@pytest.mark.parametrize(
    "points,dots,segments",
    [
        ([(2021, 1), (2022, 2), (2023, 3)], 3, 2),
        ([(2021, 1), (2022, None), (2023, 3)], 2, 0),  # a year without a value is a gap
        ([(2021, 1), (2023, 3)], 2, 0),  # years apart are not joined
        ([(2021, -2), (2022, 0)], 2, 1),  # a signed change draws below the axis
    ],
)
def test_a_series_is_drawn_with_its_gaps(points, dots, segments):
    svg = line(points, title="t")
    assert svg.count("<circle") == dots and svg.count('stroke="#1f5fbf"') == segments
    assert all(str(year) in svg for year, _ in points)


def test_the_bars_stack_each_years_statuses():
    svg = stacked({2023: {"verified": 3, "needs_review": 1}, 2024: {"failed": 2}}, title="t")
    assert svg.count("<rect") == 3 and "2023 verified: 3" in svg and "2024 failed: 2" in svg
