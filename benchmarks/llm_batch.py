"""A batch with a model: documents per second at 1, 8 and 32 questions in flight, beside the
bound, against a TEST DOUBLE of a model server on the loopback that answers after `--latency`.

    python benchmarks/llm_batch.py [--latency 2] [--seconds 40] [--workers 2] [--work DIR]

Each document asks its three tables at once, so at concurrency C and latency L no run can read
more than C / (3 L) documents a second: the bound. Each run is `extractor batch` as a user runs
it, in a subprocess, with a fresh database and answer cache, over the first documents of a
generated corpus (tests/synth, every flattening in turn), as many as the bound reads in about
`--seconds`; the documents per second are the batch's own (its summary line, from its start to
its end), and the peak memory the largest resident memory of the whole process tree (the
command, the pool's server and workers), sampled every 50 ms (`Run` of benchmarks/batch.py).
The double runs in this process, out of the measured tree. It prints figures; it asserts
nothing. docs/BENCHMARKS.md records the latest run.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from batch import Run, _load, first, make_corpus  # noqa: E402

from tests.doubles.model_server import ModelServer  # noqa: E402

_RATE = re.compile(r"(\d+) documents in ([\d.]+) s, (\d+) read")


def one(server: ModelServer, corpus: Path, n: int, concurrency: int, workers: int, work: Path) -> tuple[float, float, int, int]:
    """Documents a second (the batch's own), the peak tree RSS in MB, the server's most in flight, and the questions asked."""
    db, cache = work / f"c{concurrency}.sqlite", work / f"cache-c{concurrency}"
    for f in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        f.unlink(missing_ok=True)
    shutil.rmtree(cache, ignore_errors=True)
    os.environ.update(
        OPENAI_BASE_URL=server.base_url, EXTRACTOR_MODEL="test-double", EXTRACTOR_SERVER="llama.cpp", EXTRACTOR_CACHE_DIR=str(cache)
    )
    server.peak = 0
    asked = server.requests
    r = Run([str(corpus), "--db", str(db), "--workers", str(workers), "--llm-concurrency", str(concurrency)])
    found = _RATE.search(r.stdout)
    if found is None or int(found.group(3)) != n:
        raise SystemExit(f"the batch did not read the {n} documents (exit {r.returncode}):\n{r.stdout}")
    return n / float(found.group(2)), r.peak / 1e6, server.peak, server.requests - asked


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=2.0, help="seconds the double takes to answer")
    parser.add_argument("--seconds", type=float, default=40.0, help="about how long each run takes at its bound")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--work", type=Path, default=Path("/tmp") / "extractor-llm-batch-bench")
    a = parser.parse_args()
    a.work.mkdir(parents=True, exist_ok=True)
    sizes = {c: max(3, math.ceil(c / (3 * a.latency) * a.seconds)) for c in a.concurrency}
    largest = max(sizes.values())
    print(f"corpus: {largest} generated documents (seed {a.seed}) in {a.work}; the double answers in {a.latency:g} s", flush=True)
    full = make_corpus(a.work / "corpus", largest, a.seed)
    share, peak = 0.0, 0.0
    with ModelServer(latency=a.latency) as server:
        for c in a.concurrency:
            n = sizes[c]
            bound = c / (3 * a.latency)
            started = time.perf_counter()
            rate, rss, in_flight, asked = one(server, first(full, n, a.work / f"first-{n}"), n, c, a.workers, a.work)
            share, peak = rate / bound, rss
            print(
                f"  concurrency {c}: {n} documents in {time.perf_counter() - started:.1f} s, {rate:.2f} documents/s, "
                f"bound {bound:.2f} ({share:.2f} of it); the server's most in flight {in_flight}; "
                f"{asked} questions; peak tree RSS {rss:.0f} MB  ({_load()})",
                flush=True,
            )
    last = a.concurrency[-1]
    print(f"llm batch: share {share:.2f} of the bound at concurrency {last}, peak RSS {peak:.0f} MB")


if __name__ == "__main__":
    main()
