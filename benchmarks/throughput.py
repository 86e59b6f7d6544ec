"""Documents per second and peak memory, per format and per strategy, beside a bare baseline.

    python benchmarks/throughput.py [--generated 1000] [--rounds 3] [--seed 0]
    python benchmarks/throughput.py --scanned 20 [--seed 0]

`--scanned N`: N generated ruled PDFs and the corpus PDF, read from their text layer and from
their scans (read by OCR), pages per second side by side, one pass each, and the process's
peak resident memory after each (OCR's models live outside Python's allocator, so tracemalloc
would not see them).

For PDFs it also prints pages per second, the extractor's beside pdfplumber's bare text
extraction of the same files.

The corpus is `--generated` synthetic reports (tests/synth, every flattening taken in turn:
six text ones, HTML, DOCX, PDF ruled and unruled) written to files, plus the real reports of
golden/docs. For each format the same files are first only read to text (the bare baseline,
what any tool must do: decode a text file, parse an HTML page with lxml, open a DOCX with
python-docx, extract a PDF's text with pdfplumber), then extracted with each strategy.
Figures are printed as documents per second and as the ratio of times to the baseline (the
extractor's time per document ÷ the baseline's), which holds on a noisy machine where
absolute speeds do not. Peak memory is the largest traced allocation while handling one
document. It prints figures; it asserts nothing. docs/BENCHMARKS.md records the latest run.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the generator lives with the tests

from extractor.options import available_strategies, options_for  # noqa: E402
from extractor.pipeline import extract_file  # noqa: E402
from tests.synth.corpus import corpus, write  # noqa: E402

REAL = "real text (golden/docs)"
REAL_PDF = "real PDF (golden/docs)"


def _bare_text(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def _bare_html(path: Path) -> str:
    import lxml.html

    return lxml.html.fromstring(path.read_bytes()).text_content()


def _bare_docx(path: Path) -> str:
    import docx

    return "".join(docx.Document(str(path)).element.body.itertext())


def pages(path: Path) -> int:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return len(pdf.pages)


def _bare_pdf(path: Path) -> str:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return "".join(page.extract_text() or "" for page in pdf.pages)


# The bare baseline per format: what any tool must do to see the text at all.
_BARE = {".html": _bare_html, ".htm": _bare_html, ".docx": _bare_docx, ".pdf": _bare_pdf}


def bare(path: Path) -> str:
    return _BARE.get(path.suffix.lower(), _bare_text)(path)


def ratio(slower: float) -> str:
    """The extractor's time as a multiple of the baseline's: "680×", "1.33×" (below 1: faster)."""
    return f"{slower:.0f}×" if slower >= 10 else f"{slower:.2f}×"


def rate(fn: Callable[[Path], object], files: list[Path], rounds: int) -> float:
    """Documents per second, the best of `rounds` passes (the least disturbed by the machine)."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for f in files:
            fn(f)
        best = min(best, time.perf_counter() - start)
    return len(files) / best


def peak_mb(fn: Callable[[Path], object], files: list[Path]) -> float:
    tracemalloc.start()
    peak = 0
    for f in files:
        tracemalloc.reset_peak()
        fn(f)
        peak = max(peak, tracemalloc.get_traced_memory()[1])
    tracemalloc.stop()
    return peak / 1e6


def groups(folder: Path, generated: int, seed: int) -> dict[str, list[Path]]:
    out: dict[str, list[Path]] = {}
    for case, path in write(list(corpus(generated, seed)), folder):
        out.setdefault(case.renderer.name, []).append(path)
    out[REAL] = sorted(p for p in (ROOT / "golden" / "docs").iterdir() if p.suffix in (".txt", ".md"))
    out[REAL_PDF] = sorted((ROOT / "golden" / "docs").glob("*.pdf"))
    return out


def scanned_side_by_side(n: int, seed: int) -> None:
    import resource

    from tests.synth.corpus import scans
    from tests.synth.scan import CARELESS, scanned

    huaian = ROOT / "golden" / "docs" / "01_huaian_shi_2024.pdf"
    pairs = [(huaian.read_bytes(), scanned(huaian.read_bytes(), CARELESS))]
    pairs += [(case.rendered.data, scan) for case, scan in scans(n, seed)]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        text_files, scan_files = [], []
        for i, (text_pdf, scan) in enumerate(pairs):
            (folder / f"{i:04d}.pdf").write_bytes(text_pdf)
            (folder / f"{i:04d}_scan.pdf").write_bytes(scan)
            text_files.append(folder / f"{i:04d}.pdf")
            scan_files.append(folder / f"{i:04d}_scan.pdf")
        total_pages = sum(map(pages, text_files))
        extract_file(text_files[0])  # imports warm
        print(f"{len(pairs)} documents ({n} generated, seed {seed}, and the corpus PDF), {total_pages} pages; one pass each")
        for name, files in (("text layer", text_files), ("scanned (OCR)", scan_files)):
            start = time.perf_counter()
            for f in files:
                extract_file(f)
            took = time.perf_counter() - start
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"{name:<16} {total_pages / took:>8.2f} pages/s {took / total_pages:>8.2f} s/page   peak RSS so far {rss:.0f} MB", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--generated", type=int, default=1000, help="synthetic documents (default 1000)")
    parser.add_argument("--rounds", type=int, default=3, help="passes per measurement; the best is kept")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--scanned", type=int, default=0, help="compare N generated PDFs with their scans instead")
    args = parser.parse_args()
    if args.scanned:
        return scanned_side_by_side(args.scanned, args.seed)
    strategies = available_strategies()
    with tempfile.TemporaryDirectory() as tmp:
        by_format = groups(Path(tmp), args.generated, args.seed)
        extract_file(by_format[REAL][0])  # imports and caches warm
        total = sum(len(v) for v in by_format.values())
        real = len(by_format[REAL]) + len(by_format[REAL_PDF])
        print(f"{total} documents: {args.generated} generated (seed {args.seed}) + {real} real; best of {args.rounds} passes")
        head = f"{'format':<24}{'docs':>6}{'bare docs/s':>13}{'peak MB':>9}"
        for s in strategies:
            head += f"{s + ' docs/s':>14}{'× bare':>10}{'peak MB':>9}"
        print(head)
        pdf_rates = {}
        for name, files in by_format.items():
            base = rate(bare, files, args.rounds)
            line = f"{name:<24}{len(files):>6}{base:>13.{0 if base >= 100 else 1}f}{peak_mb(bare, files):>9.2f}"
            for s in strategies:
                run = partial(extract_file, options=options_for(s))
                speed = rate(run, files, args.rounds)
                line += f"{speed:>14.1f}{ratio(base / speed):>10}{peak_mb(run, files):>9.2f}"
                if s == "rules" and files[0].suffix == ".pdf":
                    pdf_rates[name] = (sum(map(pages, files)) / len(files), base, speed)
            print(line, flush=True)
        for name, (per_doc, base, speed) in pdf_rates.items():
            print(f"{name}: {per_doc:.1f} pages per document; pages/s: rules {speed * per_doc:.1f}, bare pdfplumber {base * per_doc:.1f}")


if __name__ == "__main__":
    main()
