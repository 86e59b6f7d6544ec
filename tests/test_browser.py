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
import re
import time
from pathlib import Path
from urllib.parse import quote

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


# --- the workbench for volume ---------------------------------------------------------------------

WANG = "wang-token-9876543210"
FILTER = "reason=identity_failed&year=2023&format=pdf"  # as the pages carry it


def one_click_pdf(organ: str, year: int) -> bytes:
    """A report whose （一）予以公开 / 自然人 was printed 3 more than it is: one click fixes it."""
    r = fixtures.Report.golden("004_f8b21749840a51ab")
    return fixtures.pdf(fixtures.Report(organ, year, r.template, {**r.cells, CULPRIT: (r.cells[CULPRIT] or 0) + 3}))


def review_store(folder: Path) -> tuple[Path, list[str], list[str]]:
    """A store of three PDFs of 2023 that one click fixes (the filter's), and two documents
    outside it: a PDF of 2022, a Markdown report; the hashes of both kinds."""
    from extractor import extract_bytes
    from extractor.options import RULES_ONLY
    from extractor.store import Store

    db = folder / "reviews.sqlite"
    inside, outside = [], []
    with Store(db) as store:
        for organ in ("郭巨乡人民政府", "龙山街道办事处", "瞻岐镇人民政府"):
            inside.append(store.add(extract_bytes(f"2023/{organ}.pdf", one_click_pdf(organ, 2023)), RULES_ONLY.fingerprint).sha256)
        outside.append(store.add(extract_bytes("2022/郭巨乡人民政府.pdf", one_click_pdf("郭巨乡人民政府", 2022)), RULES_ONLY.fingerprint).sha256)
        shanghai = Path(__file__).parent.parent / "golden/docs/10_shanghai_kewei_2024.md"
        outside.append(store.add(extract_bytes("shanghai.md", shanghai.read_bytes()), RULES_ONLY.fingerprint).sha256)
    return db, inside, outside


def signed_in(browser, url: str, token: str, after: str, **context):
    page = browser.new_context(**context).new_page()
    page.goto(f"{url}/signin?after={quote(after)}")
    page.fill("input[name=token]", token)
    page.click("button:has-text('Sign in')")
    page.wait_for_url(re.compile(re.escape(after) + "$"))  # keys pressed before it loads would be lost
    page.wait_for_load_state()
    return page


def key(page, name: str) -> None:
    """Press a key once the page has loaded: before its script runs, a key does nothing."""
    page.wait_for_load_state()
    page.keyboard.press(name)


def open_reviews(db: Path) -> set[str]:
    from extractor.store import Store

    with Store(db, read_only=True) as store:
        return {i.sha256 for i in store.reviews()}


def test_a_filtered_queue_is_cleared_with_the_keyboard_alone_the_filter_kept_after_each_decision(tmp_path, browser):
    from playwright.sync_api import expect

    db, inside, outside = review_store(tmp_path)
    with Served(tmp_path / "data", tokens={"li": LI}, args=("--db", str(db))) as s:
        page = signed_in(browser, s.url, LI, f"/queue?{FILTER}")
        refused = refusals(page)
        expect(page.locator("table.queue a.doc")).to_have_count(3)
        key(page, "n")  # the filter's first document
        decided: list[str] = []
        for _ in inside:
            expect(page).to_have_url(re.compile(rf"/documents/(\w{{64}})\?{re.escape(FILTER)}(&resolved=\w+)?$"))
            sha = re.search(r"/documents/(\w{64})", page.url).group(1)
            assert sha in inside and sha not in decided
            expect(page.locator("#take")).to_contain_text("三 · （一）予以公开 / 自然人 → 0")
            key(page, "t")  # take the suggestion: verified, resolved, the next of the filter opens
            decided.append(sha)
            expect(page).to_have_url(re.compile(rf"\?{re.escape(FILTER)}&resolved={sha}$"))
        expect(page).to_have_url(f"{s.url}/queue?{FILTER}&resolved={decided[-1]}")
        expect(page.locator("p.notice")).to_contain_text("No open document is left among these")
        key(page, "?")
        expect(page.locator("#keys")).to_be_visible()
        assert refused == []
    assert open_reviews(db) == set(outside), "what is outside the filter is left as it was"


def test_a_bulk_apply_over_a_selection_and_an_undo(tmp_path, browser):
    from playwright.sync_api import expect

    db, inside, outside = review_store(tmp_path)
    with Served(tmp_path / "data", tokens={"li": LI}, args=("--db", str(db))) as s:
        page = signed_in(browser, s.url, LI, f"/queue?{FILTER}")
        refused = refusals(page)
        page.click("#bulk-suggestions")
        expect(page.locator("#count")).to_have_text("3")
        expect(page.locator("#selection tbody tr")).to_have_count(3)
        page.click("#bulk-confirm")
        expect(page.locator("#summary")).to_have_text("took the suggested value for 3 of 3 documents: 3 resolved, 0 still open.")
        expect(page.locator("#outcomes")).to_contain_text("三 · （一）予以公开 / 自然人: 3 → 0")
        assert open_reviews(db) == set(outside)

        # The Markdown report, decided by a key and taken back by a key.
        page.goto(f"{s.url}/documents/{outside[1]}?path=.md")
        key(page, "t")
        expect(page).to_have_url(f"{s.url}/queue?path=.md&resolved={outside[1]}")
        page.goto(f"{s.url}/documents/{outside[0]}?resolved={outside[1]}")
        key(page, "u")
        expect(page).to_have_url(f"{s.url}/documents/{outside[1]}?undone=1")
        expect(page.locator("#undone")).to_be_visible()
        expect(page.locator(".review-open")).to_have_text("open")
        expect(page.locator("#history")).to_contain_text("decision undone")
        assert refused == []
    assert open_reviews(db) == set(outside)


def test_two_reviewers_on_one_filter_are_given_different_documents(tmp_path, browser):
    from playwright.sync_api import expect

    db, inside, _ = review_store(tmp_path)
    with Served(tmp_path / "data", tokens={"li": LI, "wang": WANG}, args=("--db", str(db))) as s:
        li = signed_in(browser, s.url, LI, f"/queue?{FILTER}")
        key(li, "n")
        expect(li).to_have_url(re.compile(r"/documents/\w{64}\?"))
        lis = re.search(r"/documents/(\w{64})", li.url).group(1)
        wang = signed_in(browser, s.url, WANG, f"/queue?{FILTER}")
        expect(wang.locator(".holder")).to_have_text("held by li")
        key(wang, "n")
        expect(wang).to_have_url(re.compile(r"/documents/\w{64}\?"))
        wangs = re.search(r"/documents/(\w{64})", wang.url).group(1)
        assert wangs != lis, "wang is not given the document li holds"
        key(li, "t")  # li's next passes over wang's
        expect(li).to_have_url(re.compile(rf"\?{re.escape(FILTER)}&resolved={lis}$"))
        assert re.search(r"/documents/(\w{64})", li.url).group(1) not in (lis, wangs)
        wang.goto(f"{s.url}/documents/{lis}")
        expect(wang.locator("#status")).to_have_text("verified")
        li.goto(f"{s.url}/documents/{wangs}")
        expect(li.locator("#held")).to_contain_text("wang holds this document")


def test_at_1024_pixels_the_panel_stands_beside_the_tables(tmp_path, browser):
    from playwright.sync_api import expect

    db, inside, _ = review_store(tmp_path)
    with Served(tmp_path / "data", tokens={"li": LI}, args=("--db", str(db))) as s:
        page = signed_in(browser, s.url, LI, f"/documents/{inside[0]}", viewport={"width": 1024, "height": 768})
        expect(page.locator("#take")).to_be_visible()
        tables, panel = page.locator("section.tables").bounding_box(), page.locator("#panel").bounding_box()
        assert panel["x"] >= tables["x"] + tables["width"] and panel["y"] < tables["y"] + 50, (tables, panel)
        assert panel["x"] + panel["width"] <= 1024, "within the window"
        assert page.locator("#take").bounding_box()["y"] < 768, "the suggestion in sight without scrolling"
