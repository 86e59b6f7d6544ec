"""The reviewer's workbench at volume: what clearing a batch's reviews costs a person, with the
bulk actions and without, and how fast its pages answer with 100,000 open reviews.

    python benchmarks/review.py                                   # clear and pages
    python benchmarks/review.py --only clear --documents 1000
    python benchmarks/review.py --only pages --reviews 100000
    python benchmarks/review.py --only pictures                   # the service's memory, 20 large pages at once

clear: N generated reports (tests/synth, every flattening but the scanned one in turn), each
with one cell damaged (half as a scanner misreads a digit, half as a typist mistypes a number),
read by `extractor batch` into a store. Two copies of that store are served and cleared over
HTTP, as a reviewer at the keyboard would: one by one (the queue, `n` for its first document,
then on each document `t` for its one-click fix where the page offers one, else accept as
printed: `a`, a note, Enter; every decision opens the next document), and with the bulk action
first (the queue, the confirmation page of "take the suggested value…", its button), the rest
one by one. It prints, per document cleared, the requests (redirects followed, as a browser
does; the page's script and style are cached and not counted) and the keys and clicks.

pages: `extractor serve` over a store of R open reviews filled by
benchmarks/service_load.fill_queue; each page asked K times: the median and the 95th
percentile, in milliseconds.

pictures: the service's memory while 20 pictures of large PDF pages are asked for at once,
drawn in its source worker (see `pictures`).

Prints figures; asserts nothing. docs/BENCHMARKS.md records the latest run.
"""

from __future__ import annotations

import argparse
import html
import itertools
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the generator and the service helpers live with the tests

from benchmarks.service_load import fill_queue, loadavg, percentile, timed  # noqa: E402
from tests.serving import Served  # noqa: E402

TOKEN = "bench-reviewer-0123456789"
NOTE = "as printed"
PARTS = ("clear", "pages", "pictures")


# --- clear: requests and keys per document ----------------------------------------------------------


def damaged_reports(folder: Path, n: int, seed: int) -> Path:
    """`n` generated reports, each with one cell damaged, written into `folder` (kept for the next run)."""
    from tests.synth.corpus import corpus
    from tests.synth.renderers import RENDERERS

    done = folder / f".complete-{n}-{seed}"
    if done.exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    flat = [r for r in RENDERERS if r != "scanned"]  # read by OCR, seconds a page: not what is measured here
    half = n // 2
    cases = itertools.chain(corpus(half, seed, "ocr", flat), corpus(n - half, seed + 1, "arithmetic", flat))
    for i, case in enumerate(cases):
        (folder / f"{i:05d}_{case.renderer.name}{case.renderer.suffix}").write_bytes(case.rendered.data)
    done.touch()
    return folder


@dataclass
class Reviewer:
    """A person at the workbench, counting what they ask of it and what they press."""

    http: httpx.Client
    requests: int = 0
    keys: int = 0
    seconds: float = 0.0
    ways: dict[str, int] = field(default_factory=lambda: {"one click": 0, "accepted": 0})

    def ask(self, method: str, url: str, **kw) -> httpx.Response:
        start = time.perf_counter()
        r = self.http.request(method, url, follow_redirects=True, **kw)
        self.seconds += time.perf_counter() - start
        self.requests += 1 + len(r.history)
        if r.status_code >= 400:
            raise RuntimeError(f"{method} {url}: {r.status_code} {r.text[:300]}")
        return r


def _form(page: str, form_id: str) -> tuple[str, dict[str, str]] | None:
    """The action and the hidden fields of the form with this id on the page, if there is one."""
    m = re.search(rf'<form method="post" action="([^"]+)"[^>]*id="{form_id}">(.*?)</form>', page, re.S)
    if m is None:
        return None
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', m.group(2)))
    return html.unescape(m.group(1)), {k: html.unescape(v) for k, v in fields.items()}


def _first_document(page: str) -> str | None:
    m = re.search(r'data-first-document="([^"]*)"', page)
    return html.unescape(m.group(1)) if m and m.group(1) else None


def one_by_one(r: Reviewer) -> None:
    """From the queue, every open document in turn: its one-click fix (`t`) where the page offers
    one and it resolves the document, else accepted as printed (`a`, the note, Enter)."""
    page = r.ask("GET", "/queue")
    first = _first_document(page.text)
    if first is None:
        return
    r.keys += 1  # n
    page = r.ask("GET", first)
    while "/documents/" in str(page.url):
        take = _form(page.text, "take")
        if take is not None and 'class="suggestion" id="take"' in page.text and "saved=1" not in str(page.url):
            r.keys += 1  # t
            r.ways["one click"] += 1
            page = r.ask("POST", take[0], data=take[1])
            if "saved=1" not in str(page.url):
                continue
            r.ways["one click"] -= 1  # it holds every identity but the document still needs a person: accepted below
        accept = re.search(r'<form method="post" action="([^"]+)" class="accept" id="accept">(.*?)</form>', page.text, re.S)
        assert accept is not None, f"no way on from {page.url}"
        fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', accept.group(2)))
        r.keys += 1 + len(NOTE) + 1  # a, the note, Enter
        r.ways["accepted"] += 1
        page = r.ask("POST", html.unescape(accept.group(1)), data=fields | {"note": NOTE})


def in_bulk(r: Reviewer) -> int:
    """The queue, the confirmation of "take the suggested value…", its button; the documents it resolved."""
    r.ask("GET", "/queue")
    r.keys += 1  # the link
    confirm = r.ask("GET", "/bulk?action=suggestions")
    form = _bulk_form(confirm.text)
    r.keys += 1  # the button
    done = r.ask("POST", form[0], data=form[1])
    m = re.search(r"took the suggested value for \d+ of \d+ documents: (\d+) resolved", done.text)
    return int(m.group(1)) if m else 0


def _bulk_form(page: str) -> tuple[str, dict[str, str]]:
    m = re.search(r'<form method="post" action="([^"]+)" id="bulk-form"[^>]*>(.*?)</form>', page, re.S)
    assert m is not None, "no confirmation form"
    return html.unescape(m.group(1)), dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', m.group(2)))


def _open(db: Path) -> int:
    from extractor.store import Store

    with Store(db, read_only=True) as store:
        return store.queue(limit=1).total


def clear(n: int, seed: int, work: Path) -> None:
    folder = damaged_reports(work / f"damaged-{n}-{seed}", n, seed)
    db = work / f"damaged-{n}-{seed}.sqlite"
    if not db.exists():
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "extractor", "batch", str(folder), "--db", str(db)], cwd=ROOT, capture_output=True, check=False)
        print(f"{n} reports with one cell damaged read by `extractor batch` in {time.perf_counter() - start:.0f} s")
    opened = _open(db)
    print(f"{n} documents, {opened} in review ({opened / n:.0%}); load average {loadavg()}")
    print(f"{'':<34}{'cleared':>8}{'requests':>10}{'per doc':>9}{'keys':>7}{'per doc':>9}{'service s':>11}")
    for name, bulk in (("one by one", False), ("bulk first, then one by one", True)):
        copy = work / f"clear-{'bulk' if bulk else 'single'}.sqlite"
        shutil.copyfile(db, copy)
        data = work / f"serve-{'bulk' if bulk else 'single'}"
        shutil.rmtree(data, ignore_errors=True)
        data.mkdir()
        with Served(data / "data", tokens={"reviewer": TOKEN}, args=("--db", str(copy))) as served, httpx.Client(
            base_url=served.url, timeout=600
        ) as http:
            r = Reviewer(http)
            r.ask("POST", "/signin", data={"token": TOKEN})
            r.requests = 0  # signing in is once a day, not per document
            by_bulk = in_bulk(r) if bulk else 0
            bulk_cost = (r.requests, r.keys)
            one_by_one(r)
        cleared = opened - _open(copy)
        print(
            f"{name:<34}{cleared:>8}{r.requests:>10}{r.requests / cleared:>9.2f}{r.keys:>7}{r.keys / cleared:>9.2f}{r.seconds:>11.1f}"
            f"   ({by_bulk} by the bulk action, {r.ways['one click']} by one click, {r.ways['accepted']} accepted as printed)"
        )
        if bulk:
            print(f"{'':<34}the bulk action alone: {by_bulk} documents for {bulk_cost[0]} requests and {bulk_cost[1]} clicks")


# --- pages: the service's time with many open reviews -------------------------------------------------


def pages(reviews: int, times: int, work: Path) -> None:
    db = work / f"queue-{reviews}.sqlite"
    if not db.exists():
        start = time.perf_counter()
        fill_queue(db, reviews)
        print(f"{reviews + 1} open reviews written in {time.perf_counter() - start:.0f} s")
    data = work / "serve-pages"
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir()
    one = f"{4242:064x}"  # "copy 4242.md"
    filtered = "reason=cells_not_read&organ=%E7%A7%91%E5%A7%94&sort=fewest"
    with Served(data / "data", args=("--db", str(db))) as served, httpx.Client(base_url=served.url, timeout=120) as http:
        print(f"{reviews + 1} open reviews, {times} requests a page; load average {loadavg()}; <the filter>: {filtered}")
        print(f"  {'page':<64}{'median':>8}{'p95':>8}")
        for url in (
            "/queue", f"/queue?{filtered}", "/queue?organ=%E9%83%AD%E5%B7%A8", "/queue?path=copy+4242", "/queue?sort=path",
            f"/documents/{one}", f"/documents/{one}?{filtered}", f"/documents/{one}/next?{filtered}",
            f"/bulk?action=suggestions&path=copy+42",
        ):  # fmt: skip
            status, spent = timed(http, url, times)
            shown = url.replace(one, "<copy 4242>").replace(filtered, "<the filter>")
            print(f"  {shown:<64}{statistics.median(spent):>6.0f} ms{percentile(spent, 95):>5.0f} ms  ({status})")
        decided = []
        fixable = http.get("/v1/reviews", params={"sort": "fewest", "path": "copy", "limit": times}).json()["items"]
        for item in fixable:  # a decision each on documents one click fixes, and the next document worked out
            page = http.get(f"/documents/{item['sha256']}?{filtered}").text
            take = _form(page, "take")
            start = time.perf_counter()
            r = http.post(take[0], data=take[1], follow_redirects=False)
            decided.append((time.perf_counter() - start) * 1000)
            assert r.status_code == 303, r.text[:300]
        print(f"  {'a one-click decision and the next document of its filter':<64}{statistics.median(decided):>6.0f} ms{percentile(decided, 95):>5.0f} ms")


# --- pictures -------------------------------------------------------------------------------------


def pictures(work: Path, count: int = 20, side: float = 4000.0) -> None:
    """The service's memory while `count` pictures of large PDF pages are asked for at once.

    `count` reports printed on pages of `side` × `side` points (an A0 sheet is 2,384 × 3,370)
    are read by a batch; `extractor serve` is started on its database, never given them; each
    page is asked for whole (`cell.png?view=page`, drawn at 100 dpi: 31 million pixels) by
    `count` clients at once, then again (from the cache). The pictures are drawn by the
    service's source worker (`web.source_pool`); the service process's peak is its high-water
    mark (VmHWM), the tree's is sampled (`service_load.Sampler`). Target: the service process
    under 300 MB.
    """
    import io
    from concurrent.futures import ThreadPoolExecutor

    import pypdfium2 as pdfium

    from benchmarks.service_load import Sampler
    from tests import fixtures

    folder = work / "large-pages"
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "docs").mkdir(parents=True)
    base = fixtures.Report.golden("004_f8b21749840a51ab")
    culprit = "s3.granted.natural"
    for i in range(count):
        report = fixtures.Report(base.organ, base.year, base.template, {**base.cells, culprit: 100 + i})
        pdf = pdfium.PdfDocument(fixtures.pdf(report))
        for page in pdf:
            page.set_mediabox(0, 0, side, side)  # the printed report in a corner of a large sheet
        out = io.BytesIO()
        pdf.save(out)
        (folder / "docs" / f"large{i:02}.pdf").write_bytes(out.getvalue())
    data = folder / "data"
    data.mkdir()
    db = data / "results.sqlite"
    subprocess.run([sys.executable, "-m", "extractor", "batch", str(folder / "docs"), "--db", str(db)], capture_output=True, check=False)
    with sqlite3.connect(db) as con:
        shas = [r[0] for r in con.execute("SELECT sha256 FROM results WHERE status != 'failed'")]
    print(f"pictures: {len(shas)} reports on pages of {side:,.0f} × {side:,.0f} points, read by a batch, served (load {loadavg()})")
    with Served(data) as s:

        def ask(sha: str) -> tuple[int, int, float]:
            started = time.perf_counter()
            r = httpx.get(f"{s.url}/documents/{sha}/cell.png", params={"cell": culprit, "view": "page"}, timeout=600)
            return r.status_code, len(r.content), time.perf_counter() - started

        for round_ in ("drawn", "from the cache"):
            sampler = Sampler(s.pid, every=0.02)
            sampler.start()
            with ThreadPoolExecutor(len(shas)) as clients:
                answers = list(clients.map(ask, shas))
            sampler.stop.set()
            sampler.join()
            codes = sorted({code for code, _, _ in answers})
            slowest = max(t for _, _, t in answers)
            size = statistics.median(n for _, n, _ in answers) / 1024
            print(
                f"  {len(answers)} whole pages at once, {round_}: HTTP {codes}, {size:.0f} KB each, the last in {slowest:.1f} s;"
                f" service process peak {s.peak_mb():.0f} MB, whole tree {sampler.peak:.0f} MB"
            )
        print(f"  the service process's peak resident memory: {s.peak_mb():.0f} MB (target under 300 MB)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", nargs="+", choices=PARTS, default=["clear", "pages"], help="the parts to run")
    ap.add_argument("--documents", type=int, default=1000, help="clear: generated reports (default 1000)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--reviews", type=int, default=100_000, help="pages: open reviews in the store (default 100000)")
    ap.add_argument("--times", type=int, default=20, help="pages: requests for each page (default 20)")
    ap.add_argument("--work", type=Path, help="where the corpus and the stores are kept (default: a new temporary folder)")
    args = ap.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="review-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    if "clear" in args.only:
        clear(args.documents, args.seed, work)
    if "pages" in args.only:
        pages(args.reviews, args.times, work)
    if "pictures" in args.only:
        pictures(work)


if __name__ == "__main__":
    main()
