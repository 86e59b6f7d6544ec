"""Documents per second of the deterministic path on the text documents of golden/.

    python benchmarks/text_parser.py [--rounds N]

Prints figures; it asserts nothing. A bare baseline (reading and decoding the same files)
runs beside it, so the ratio holds on a noisy machine.
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
from pathlib import Path

from extractor.load import load
from extractor.pipeline import extract_file

DOCS = Path(__file__).resolve().parent.parent / "golden" / "docs"


def timed(fn, files, rounds):
    start = time.perf_counter()
    for _ in range(rounds):
        for f in files:
            fn(f)
    return rounds * len(files) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    files = sorted(p for p in DOCS.iterdir() if p.suffix in (".txt", ".md"))
    extract_file(files[0])  # warm caches and imports
    baseline = timed(lambda f: f.read_bytes().decode("utf-8"), files, args.rounds)
    loaded = timed(load, files, args.rounds)
    full = timed(extract_file, files, args.rounds)
    tracemalloc.start()
    for f in files:
        extract_file(f)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"documents: {len(files)} text/markdown reports × {args.rounds} rounds")
    print(f"bare read+decode   {baseline:10.1f} docs/s")
    print(f"load (rows, cells) {loaded:10.1f} docs/s")
    print(f"full pipeline      {full:10.1f} docs/s   ({baseline / full:.0f}× slower than a bare read)")
    print(f"peak traced memory {peak / 1e6:10.2f} MB for one pass")


if __name__ == "__main__":
    main()
