"""Regenerate the screenshots of the review workbench in docs/: the queue, a document's page, and
an organ's years side by side.

    .venv/bin/python scripts/screenshots.py        # needs Debian's chromium (apt-get install -y chromium)

It starts `extractor serve` in a temporary folder, posts four reports that need a person (a
generated PDF whose （一）予以公开 / 自然人 was printed 3 too many, the same report as HTML, and
two of golden/docs) and three years of one district printed under two names (one year's
上年结转 one off against the year before), and photographs the pages with headless Chromium, as the browser tests
drive it. The pictures are reduced to a palette of colours, so they stay small in the repository.
"""

from __future__ import annotations

import io
import sys
import tempfile
import time
from pathlib import Path

import httpx
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the documents are built by the tests' own fixtures

from tests import fixtures  # noqa: E402
from tests.serving import Served  # noqa: E402
from tests.test_browser import ARGS, CHROMIUM  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
VIEW = {"width": 1440, "height": 900}


def wrong_by_three() -> fixtures.Report:
    r = fixtures.Report.golden("004_f8b21749840a51ab")
    key = "s3.granted.natural"
    return fixtures.Report(r.organ, r.year, r.template, {**r.cells, key: (r.cells[key] or 0) + 3})


def district_years() -> list[tuple[str, fixtures.Report]]:
    """洪泽区 in 2022–2024, printed without its prefecture the first year, its 2024 上年结转 one off."""
    first = fixtures.Report.golden("01_huaian_shi_2024")
    years = [first, first.next_year(), first.next_year().next_year(off_by=1)]
    names = ["洪泽区人民政府", "淮安市洪泽区人民政府", "淮安市洪泽区人民政府"]
    return [(n, fixtures.Report(n, r.year - 2, r.template, r.cells)) for n, r in zip(names, years, strict=True)]


def post(url: str, name: str, data: bytes) -> str:
    r = httpx.post(url + "/v1/extractions", files={"file": (name, data)}, timeout=60)
    r.raise_for_status()
    body = httpx.get(url + r.headers["Location"], params={"wait": 60}, timeout=90).json()
    assert body["state"] == "done", body
    return body["sha256"]


def save(png: bytes, path: Path) -> None:
    img = Image.open(io.BytesIO(png)).convert("RGB")
    img.quantize(colors=128, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)
    print(f"{path.relative_to(ROOT)}: {img.width}x{img.height}, {path.stat().st_size // 1024} KB")


def main() -> None:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, Served(Path(tmp) / "data") as served:
        report = wrong_by_three()
        pdf = post(served.url, "郏县龙山街道2023年报.pdf", fixtures.pdf(report))
        post(served.url, "郏县龙山街道2023年报.html", fixtures.html(report).encode())
        post(served.url, "上海市科委2024.md", (ROOT / "golden/docs/10_shanghai_kewei_2024.md").read_bytes())
        post(served.url, "平潭2023.txt", (ROOT / "golden/docs/05_pingtan_2023.txt").read_bytes())
        district = None
        for name, r in district_years():
            district = post(served.url, f"{name}{r.year}.txt", fixtures.text(r).encode("utf-8"))
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page(viewport=VIEW)
            page.goto(served.url + "/queue")
            save(page.screenshot(), OUT / "queue.png")
            page.goto(f"{served.url}/documents/{pdf}")
            page.wait_for_function("() => { const i = document.querySelector('#source img'); return i && i.complete && i.naturalWidth > 0; }")
            time.sleep(0.2)
            save(page.screenshot(), OUT / "document.png")
            page.goto(f"{served.url}/documents/{district}")
            page.click("a.organ")
            page.wait_for_selector("#charts svg")
            save(page.screenshot(), OUT / "organ.png")
            browser.close()


if __name__ == "__main__":
    main()
