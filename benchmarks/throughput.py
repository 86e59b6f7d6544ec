"""Documents per second and peak memory, per format and per strategy, beside a bare baseline.

    python benchmarks/throughput.py [--generated 1000] [--rounds 3] [--seed 0]

The corpus is `--generated` synthetic reports (tests/synth, the text flattenings taken in
turn) written to files, plus the real text reports of golden/docs. For each format the
same files are first only read and decoded (the bare baseline: what any tool must do), then
extracted with each strategy. Figures are printed as documents per second and as the ratio
to the baseline, which holds on a noisy machine where absolute speeds do not. Peak memory is
the largest traced allocation while handling one document. It prints figures; it asserts
nothing. docs/BENCHMARKS.md records the latest run.
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

from extractor.pipeline import available_strategies, extract_file, options_for  # noqa: E402
from tests.synth.corpus import corpus, write  # noqa: E402

REAL = "real (golden/docs)"


def bare(path: Path) -> str:
    return path.read_bytes().decode("utf-8")


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
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--generated", type=int, default=1000, help="synthetic documents (default 1000)")
    parser.add_argument("--rounds", type=int, default=3, help="passes per measurement; the best is kept")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    strategies = available_strategies()
    with tempfile.TemporaryDirectory() as tmp:
        by_format = groups(Path(tmp), args.generated, args.seed)
        extract_file(by_format[REAL][0])  # imports and caches warm
        total = sum(len(v) for v in by_format.values())
        print(f"{total} documents: {args.generated} generated (seed {args.seed}) + {len(by_format[REAL])} real; best of {args.rounds} passes")
        head = f"{'format':<20}{'docs':>6}{'bare docs/s':>13}{'peak MB':>9}"
        for s in strategies:
            head += f"{s + ' docs/s':>14}{'÷ bare':>10}{'peak MB':>9}"
        print(head)
        for name, files in by_format.items():
            base = rate(bare, files, args.rounds)
            line = f"{name:<20}{len(files):>6}{base:>13.0f}{peak_mb(bare, files):>9.2f}"
            for s in strategies:
                run = partial(extract_file, options=options_for(s))
                speed = rate(run, files, args.rounds)
                line += f"{speed:>14.1f}{'1/' + format(base / speed, '.0f'):>10}{peak_mb(run, files):>9.2f}"
            print(line, flush=True)


if __name__ == "__main__":
    main()
