"""The source of every document a batch read, in a real browser: a batch over a folder and a zip
(text, Markdown, PDF, HTML, DOCX, a scan), then `extractor serve` on its database, never given
the documents; each document's review page shows where its questioned cell was read, as for an
upload. The folder moved: `serve --sources` finds it. A file deleted: one line naming where it
was looked for."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from extractor.store import Store

from . import fixtures
from .serving import Served
from .synth.scan import scanned
from .test_browser import ARGS, CHROMIUM, LI, refusals

pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1", r".*/pymp-[^/]+/listener-"])

CULPRIT = "s3.granted.natural"
# How each format's source panel shows the questioned cell.
SHOWN = {
    "text": "#source pre.lines mark",
    "markdown": "#source pre.lines mark",
    "html": "#source table.grid mark",
    "docx": "#source table.grid mark",
    "pdf": "#source img",
}


def wrong_by_three() -> fixtures.Report:
    r = fixtures.Report.golden("004_f8b21749840a51ab")
    return fixtures.Report(r.organ, r.year, r.template, {**r.cells, CULPRIT: (r.cells[CULPRIT] or 0) + 3})


def make_archive(folder: Path) -> dict[str, str]:
    """Six documents with one cell printed wrong: in the folder, in a zip, and a scan. Their
    names, by format."""
    r = wrong_by_three()
    (folder / "2023").mkdir(parents=True)
    (folder / "2023" / "a.txt").write_text(fixtures.text(r), encoding="utf-8")
    (folder / "2023" / "b.pdf").write_bytes(fixtures.pdf(r))
    (folder / "2023" / "c.html").write_text(fixtures.html(r), encoding="utf-8")
    (folder / "scan.pdf").write_bytes(scanned(fixtures.pdf(r)))
    (folder / "年报.zip").write_bytes(fixtures.zip_of({"区/d.md": fixtures.markdown(r).encode(), "区/e.docx": fixtures.docx(r)}))
    return {"a.txt": "text", "b.pdf": "pdf", "c.html": "html", "scan.pdf": "pdf", "d.md": "markdown", "e.docx": "docx"}


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def signed_in(browser, url: str):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{url}/signin?after=/queue")
    page.fill("input[name=token]", LI)
    page.click("button:has-text('Sign in')")
    return page


def documents(db: Path) -> dict[str, str]:
    """Each document's file name, and its hash."""
    with Store(db, create=False) as store:
        return {p.rsplit("/", 1)[-1].rsplit("!", 1)[-1]: sha for sha, p in store.db.execute("SELECT sha256, path FROM results")}


def shows_its_source(page, url: str, sha: str, fmt: str) -> str:
    """Open the document's page; its source panel shows the cell; the place it was read from."""
    from playwright.sync_api import expect

    page.goto(f"{url}/documents/{sha}?cell={CULPRIT}")
    expect(page.locator(SHOWN[fmt]).first).to_be_visible()
    if fmt == "pdf":  # the picture drawn by the service's worker (fails on timeout)
        page.wait_for_function("() => { const i = document.querySelector('#source img'); return i.complete && i.naturalWidth > 100; }")
    return page.locator("#source p.from code").inner_text()


def test_every_document_a_batch_read_shows_its_source_moved_or_not(tmp_path, browser):
    from playwright.sync_api import expect

    archive = tmp_path / "disk" / "archive"
    formats = make_archive(archive)
    data = tmp_path / "data"
    data.mkdir()
    db = data / "results.sqlite"
    batch = subprocess.run(
        [sys.executable, "-m", "extractor", "batch", str(archive), "--db", str(db), "--workers", "2"], capture_output=True, text=True
    )
    assert batch.returncode == 1, batch.stderr  # every one needs review
    shas = documents(db)
    assert set(shas) == set(formats)

    with Served(data, tokens={"li": LI}) as s:
        page = signed_in(browser, s.url)
        refused = refusals(page)
        for name, fmt in formats.items():
            where = shows_its_source(page, s.url, shas[name], fmt)
            assert where.startswith(str(archive.resolve())) and name in where, (name, where)
        assert refused == []

    moved = tmp_path / "elsewhere"
    shutil.move(str(tmp_path / "disk"), moved)
    (moved / "archive" / "2023" / "a.txt").unlink()
    with Served(data, tokens={"li": LI}, args=("--sources", str(moved))) as s:
        page = signed_in(browser, s.url)
        for name, fmt in formats.items():
            if name == "a.txt":
                continue
            where = shows_its_source(page, s.url, shas[name], fmt)
            assert where.startswith(str((moved / "archive").resolve())), (name, where)
        page.goto(f"{s.url}/documents/{shas['a.txt']}?cell={CULPRIT}")
        gone = page.locator("#source p.missing")
        expect(gone).to_have_count(1)
        expect(gone).to_contain_text(f"its file was not found: looked at {archive.resolve()}/2023/a.txt (no such file)")
        expect(gone).to_contain_text(f"{moved.resolve()}/archive/2023/a.txt (no such file)")
