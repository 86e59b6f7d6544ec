"""A whole review in a real browser: headless Chromium (Debian's package) driven by Playwright,
against a real `extractor serve` process with a tokens file.

Sign in, open the queue, open a document in review, see the lit cell and where it was read,
correct it, see the document verified, download the CSV export and find the value corrected by
the reviewer. CI installs the browser (`apt-get install -y chromium`, see .ci/run); Playwright's
own browser download is not used.
"""

from __future__ import annotations

import csv
import io
import time
from pathlib import Path

import httpx
import pytest

from . import fixtures
from .serving import Served

# The page's pictures and excerpts are made in worker processes, forked by multiprocessing's
# server over a Unix socket.
pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1", r".*/pymp-[^/]+/listener-"])

CHROMIUM = "/usr/bin/chromium"
# As root on a machine with no way out: no sandbox, no GPU, no calls home at every start.
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]
LI = "li-token-0123456789"
AS_LI = {"Authorization": f"Bearer {LI}"}
CULPRIT = "s3.granted.natural"


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"the browser tests drive Debian's Chromium at {CHROMIUM}: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def post_and_wait(url: str, name: str, data: bytes) -> str:
    r = httpx.post(url + "/v1/extractions", files={"file": (name, data)}, headers=AS_LI, timeout=30)
    assert r.status_code == 202, r.text
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        body = httpx.get(url + r.headers["Location"], headers=AS_LI).json()
        if body["state"] == "done":
            return body["sha256"]
        time.sleep(0.1)
    raise AssertionError(f"{name} not read: {body}")


def refusals(page) -> list[str]:
    """What the browser refuses on the page under the service's Content-Security-Policy, as it
    says on its console, filled as the page goes."""
    said: list[str] = []
    page.on("console", lambda m: said.append(m.text) if "Content Security Policy" in m.text else None)
    return said


def wrong_by_three() -> bytes:
    """A report whose （一）予以公开 / 自然人 was printed 3 more than it is: two identities fail."""
    r = fixtures.Report.golden("004_f8b21749840a51ab")
    cells = {**r.cells, CULPRIT: (r.cells[CULPRIT] or 0) + 3}
    return fixtures.pdf(fixtures.Report(r.organ, r.year, r.template, cells))


def test_a_whole_review_in_a_browser(tmp_path, browser):
    from playwright.sync_api import expect

    with Served(tmp_path / "data", tokens={"li": LI}) as s:
        wrong = post_and_wait(s.url, "龙山街道2023.pdf", wrong_by_three())
        other = post_and_wait(s.url, "shanghai.md", (Path(__file__).parent.parent / "golden/docs/10_shanghai_kewei_2024.md").read_bytes())
        page = browser.new_page(accept_downloads=True, viewport={"width": 1500, "height": 1000})
        refused = refusals(page)

        page.goto(s.url + "/queue")
        expect(page).to_have_url(s.url + "/signin?after=%2Fqueue")
        page.fill("input[name=token]", LI)
        page.click("button:has-text('Sign in')")
        expect(page.locator("h1")).to_contain_text("Review queue")
        expect(page.locator("table.queue a.doc")).to_have_count(2)

        page.click("text=龙山街道2023.pdf")
        expect(page).to_have_url(f"{s.url}/documents/{wrong}")
        lit = page.locator(f"td[id='cell-{CULPRIT}']")
        expect(lit).to_have_class("cell lit culprit selected")
        expect(page.locator("#why")).to_contain_text("Likely the one wrong cell: it reads 3; 0 would make H2.natural, H3.granted hold.")
        image = page.locator("#source img")
        expect(image).to_be_visible()
        # The region of the page the cell was read from, rendered by the service (fails on timeout).
        page.wait_for_function("() => { const i = document.querySelector('#source img'); return i.complete && i.naturalWidth > 100; }")

        lit.locator("input").fill("0")
        page.click("#save")
        expect(page).to_have_url(f"{s.url}/documents/{other}?resolved={wrong}")  # the next open document
        expect(page.locator("#resolved-before")).to_contain_text("corrected by li, now verified")

        page.goto(f"{s.url}/documents/{wrong}")
        expect(page.locator("#status")).to_have_text("verified")
        expect(page.locator("#now-hold")).to_contain_text("H2.natural, H3.granted")
        with page.expect_download() as download:
            page.click("#csv")
        text = Path(download.value.path()).read_text(encoding="utf-8-sig")
        row = next(r for r in csv.DictReader(io.StringIO(text)) if r["key"] == CULPRIT)
        assert (row["value"], row["extracted"], row["corrected"], row["reviewer"]) == ("0", "3", "yes", "li")
        assert refused == [], "the pages (scripts, styles, the page's picture) keep to the service's own"


def test_the_keyboard_moves_between_cells_and_documents(tmp_path, browser):
    from playwright.sync_api import expect

    with Served(tmp_path / "data", tokens={"li": LI}) as s:
        root = Path(__file__).parent.parent / "golden/docs"
        first = post_and_wait(s.url, "pingtan.txt", (root / "05_pingtan_2023.txt").read_bytes())
        second = post_and_wait(s.url, "shanghai.md", (root / "10_shanghai_kewei_2024.md").read_bytes())
        page = browser.new_page()
        refused = refusals(page)
        page.goto(f"{s.url}/signin?after=/documents/{first}")
        page.fill("input[name=token]", LI)
        page.click("button:has-text('Sign in')")
        selected = page.locator("#selected-cell")
        expect(selected).to_have_attribute("data-key", "s2.normative_docs.issued")
        page.keyboard.press("j")
        expect(selected).to_have_attribute("data-key", "s2.normative_docs.repealed")
        page.keyboard.press("k")
        expect(selected).to_have_attribute("data-key", "s2.normative_docs.issued")
        page.keyboard.press("a")
        expect(page.locator("#accept-note")).to_be_focused()
        page.keyboard.type("as printed")
        page.keyboard.press("Enter")  # accept: the next open document opens
        expect(page).to_have_url(f"{s.url}/documents/{second}?resolved={first}")
        page.keyboard.press("n")
        expect(page).to_have_url(f"{s.url}/queue")  # no other open document
        assert refused == []
