"""Documents per second and peak memory per format, and PDF pages per second.

    python benchmarks/formats.py [--seconds S]

The documents are the two reports of the format tests (a 2019 and a 2021 one, built from their
golden values) in each format, plus the real files of golden/: the text seeds, the markdown
report and the real PDF. Beside the PDF figures, a bare pdfplumber text extraction of the same
PDFs runs, and the ratio is printed, so the figure holds on a noisy machine.

Prints figures; it asserts nothing. Peak memory is tracemalloc's peak of Python allocations
while one document of the format is extracted (libxml2's own buffers are not counted).
"""

from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the fixture builders live with the tests

import pdfplumber  # noqa: E402

from extractor.pipeline import extract_bytes  # noqa: E402
from tests import fixtures as F  # noqa: E402

DOCS = ROOT / "golden" / "docs"
REPORTS = ("002_eb42678789e3d87b", "01_huaian_shi_2024")


def documents() -> dict[str, list[tuple[str, bytes]]]:
    reports = [F.Report.golden(s) for s in REPORTS]
    real = sorted(DOCS.iterdir())
    return {
        "text": [("r.txt", F.text(r).encode("gbk")) for r in reports]
        + [(p.name, p.read_bytes()) for p in real if p.suffix == ".txt"],
        "markdown": [("r.md", F.markdown(r).encode()) for r in reports]
        + [(p.name, p.read_bytes()) for p in real if p.suffix == ".md"],
        "html": [("r.html", F.html(r).encode("gbk")) for r in reports],
        "docx": [("r.docx", F.docx(r)) for r in reports],
        "pdf": [("r.pdf", F.pdf(r)) for r in reports] + [(p.name, p.read_bytes()) for p in real if p.suffix == ".pdf"],
    }


def rate(fn: Callable[[str, bytes], object], docs: list[tuple[str, bytes]], seconds: float) -> tuple[float, int]:
    """Documents per second over at least `seconds`, whole passes over the documents."""
    fn(*docs[0])  # warm imports and caches
    done, start = 0, time.perf_counter()
    while True:
        for name, data in docs:
            fn(name, data)
        done += len(docs)
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return done / elapsed, done


def peak_mb(docs: list[tuple[str, bytes]]) -> float:
    peaks = []
    for name, data in docs:
        tracemalloc.start()
        extract_bytes(name, data)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    return max(peaks) / 1e6


def pages(data: bytes) -> int:
    with pdfplumber.open(BytesIO(data)) as pdf:
        return len(pdf.pages)


def bare_pdfplumber(name: str, data: bytes) -> None:
    with pdfplumber.open(BytesIO(data)) as pdf:
        for page in pdf.pages:
            page.extract_text()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="time spent per measurement")
    args = parser.parse_args()
    docs = documents()
    print(f"{'format':<10}{'docs':>5}{'docs/s':>10}{'peak MB':>10}")
    for fmt, items in docs.items():
        per_second, _ = rate(extract_bytes, items, args.seconds)
        print(f"{fmt:<10}{len(items):>5}{per_second:>10.1f}{peak_mb(items):>10.2f}")
    print()
    for label, items in (("generated PDFs", docs["pdf"][:-1]), ("real PDF (淮安)", docs["pdf"][-1:])):
        n_pages = sum(pages(d) for _, d in items) / len(items)
        ours, _ = rate(extract_bytes, items, args.seconds)
        bare, _ = rate(bare_pdfplumber, items, args.seconds)
        print(f"{label}: {n_pages:.0f} pages per document")
        print(f"  extractor (full pipeline)    {ours * n_pages:8.1f} pages/s")
        print(f"  bare pdfplumber extract_text {bare * n_pages:8.1f} pages/s")
        print(f"  ratio: the extractor takes {bare / ours:.2f}× the time of a bare text extraction")


if __name__ == "__main__":
    main()
