"""The batch at scale: throughput per worker count, memory against the archive's size, the
no-op re-run, the cold start, and a kill-and-resume, all of the whole process tree.

    python benchmarks/batch.py [--sizes 1000 10000] [--seed 0] [--work DIR] [--rounds 3]

The corpus is generated (tests/synth, every flattening in turn: six text ones, HTML, DOCX,
PDF ruled and unruled; each with a random damage or none) into `--work` once and reused by
later runs; the smaller sizes are the first documents of the largest. Each figure comes from
`extractor batch` run as a user runs it, in a subprocess; peak memory is the largest sum of
the resident memory of that process and all its children (the pool's workers and the server
they are forked from), sampled every 50 ms with psutil, as is the CPU time of the parent and of
the workers (what bounds the speed-up of a second worker). The 1- and 2-worker runs are made
`--rounds` times in turn, each beside the same documents read by the pool alone (no store, no
file: how far the machine lets a second worker go at that moment). It prints figures; it
asserts nothing. docs/BENCHMARKS.md records the latest run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the generator lives with the tests

EXTRACTOR = [sys.executable, "-m", "extractor"]


def make_corpus(folder: Path, n: int, seed: int) -> Path:
    """`n` generated documents in `folder`, written one at a time (kept for the next run)."""
    from tests.synth.corpus import corpus

    done = folder / f".complete-{n}-{seed}"
    if done.exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    for i, case in enumerate(corpus(n, seed, damage=None)):
        path = folder / f"{i:05d}_{case.renderer.name}{case.renderer.suffix}"
        if not path.exists():
            path.write_bytes(case.rendered.data)
        if i % 500 == 499:
            print(f"  generated {i + 1}/{n}", file=sys.stderr, flush=True)
    done.touch()
    return folder


def first(folder: Path, n: int, into: Path) -> Path:
    """The first `n` documents of `folder`, as hard links in a folder of their own."""
    if into.exists() and len(list(into.iterdir())) == n:
        return into
    shutil.rmtree(into, ignore_errors=True)
    into.mkdir(parents=True)
    for path in sorted(p for p in folder.iterdir() if not p.name.startswith("."))[:n]:
        os.link(path, into / path.name)
    return into


# The documents read by the pool alone, with no store and no file: how far this machine lets a
# second worker go at the moment, measured beside the batch (the host's other load moves it).
POOL_ALONE = """
import sys
from extractor.batch import Processes, run
from extractor.load.archive import inputs
from extractor.options import RULES_ONLY
if __name__ == "__main__":
    for _ in run(inputs([sys.argv[1]], read=False), pool=Processes(RULES_ONLY, int(sys.argv[2]))):
        pass
"""


class Run:
    """`extractor batch ARGS` (or `command`) in a subprocess, its wall time and the peak
    resident memory of its whole process tree."""

    def __init__(self, args: list[str], *, kill_after: float | None = None, command: list[str] | None = None) -> None:
        import psutil

        started = time.perf_counter()
        # The output goes to a file, not a pipe that is read only at the end: a command that
        # prints more than a pipe holds (64 KB: a thousand result lines) would wait for ever.
        out = tempfile.TemporaryFile("w+", encoding="utf-8")
        process = subprocess.Popen(command or EXTRACTOR + ["batch", *args], stdout=out, stderr=subprocess.DEVNULL, text=True)
        root = psutil.Process(process.pid)
        self.peak = 0
        cpu: dict[int, float] = {}  # the last CPU time seen of each process of the tree
        while process.poll() is None:
            if kill_after is not None and time.perf_counter() - started >= kill_after:
                process.send_signal(signal.SIGKILL)
                break
            self.peak = max(self.peak, _tree_rss(root, cpu))
            time.sleep(0.05)
        process.wait()
        out.seek(0)
        self.stdout = out.read()
        out.close()
        self.seconds = time.perf_counter() - started
        self.returncode = process.returncode
        # Where the CPU went: the parent (hashing, the store, the JSON lines) and the workers.
        self.parent_cpu = cpu.get(process.pid, 0.0)
        self.workers_cpu = sum(v for pid, v in cpu.items() if pid != process.pid)


def _tree_rss(root, cpu: dict[int, float]) -> int:
    import psutil

    total = 0
    try:
        for p in [root, *root.children(recursive=True)]:
            try:
                total += p.memory_info().rss
                t = p.cpu_times()
                cpu[p.pid] = t.user + t.system
            except psutil.NoSuchProcess:
                pass
    except psutil.NoSuchProcess:
        pass
    return total


def _lines(path: Path) -> list[dict]:
    if not path.exists():
        return []
    out = []
    for line in path.read_bytes().splitlines(keepends=True):
        if line.endswith(b"\n"):
            out.append(json.loads(line))
    return out


def _stored(db: Path) -> tuple[int, int]:
    import sqlite3

    with sqlite3.connect(db) as con:
        return con.execute("SELECT count(*), count(DISTINCT sha256) FROM results").fetchone()


def _fresh(work: Path, name: str) -> tuple[Path, Path]:
    db, out = work / f"{name}.sqlite", work / f"{name}.jsonl"
    for f in (db, out, Path(f"{db}-wal"), Path(f"{db}-shm")):
        f.unlink(missing_ok=True)
    return db, out


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def cold_start(rounds: int = 10) -> None:
    """Wall and CPU time (best and median of `rounds`) of the installed command. Bytecode is
    cached as for any installed package (PYTHONDONTWRITEBYTECODE unset, one run to warm it)."""
    import resource

    bin_dir = Path(sys.executable).parent
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    small = ROOT / "golden" / "docs" / "004_f8b21749840a51ab.txt"
    for label, argv in (("--version", ["--version"]), ("extract one small text file (rules)", ["extract", str(small)])):
        command = [str(bin_dir / "extractor"), *argv]
        subprocess.run(command, capture_output=True, check=False, env=env)
        walls, cpus = [], []
        for _ in range(rounds):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t = time.perf_counter()
            subprocess.run(command, capture_output=True, check=False, env=env)
            walls.append(time.perf_counter() - t)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        walls.sort()
        cpus.sort()
        print(
            f"  cold start, {label}: wall median {walls[rounds // 2]:.3f} s, best {walls[0]:.3f} s; "
            f"CPU median {cpus[rounds // 2]:.3f} s, best {cpus[0]:.3f} s, of {rounds}  ({_load()})",
            flush=True,
        )


def throughput(corpus: Path, n: int, work: Path, rounds: int) -> None:
    """Documents/s of the batch with 1 and with 2 workers, `rounds` times in turn (the host's
    other load moves single figures by a tenth or more), and beside each the pool alone."""
    rates: dict[int, list[float]] = {1: [], 2: []}
    alone: dict[int, list[float]] = {1: [], 2: []}
    ceilings = []
    for i in range(rounds):
        for workers in (1, 2):
            pool = Run([], command=[sys.executable, "-c", POOL_ALONE, str(corpus), str(workers)])
            alone[workers].append(n / pool.seconds)
            db, out = _fresh(work, f"rate-{n}-{workers}")
            r = Run([str(corpus), "--db", str(db), "-o", str(out), "--workers", str(workers)])
            rates[workers].append(n / r.seconds)
            if workers == 2:
                # With one worker the parent runs on the other core; with two it takes its share of theirs.
                ceilings.append(2 * r.workers_cpu / (r.workers_cpu + r.parent_cpu))
            print(
                f"  round {i + 1}, {n} documents, {workers} worker(s): {r.seconds:.1f} s, {rates[workers][-1]:.1f} documents/s, "
                f"peak tree RSS {r.peak / 2**20:.0f} MiB; CPU a document: parent {1000 * r.parent_cpu / n:.1f} ms, "
                f"workers {1000 * r.workers_cpu / n:.1f} ms; the pool alone (no store, no file) {alone[workers][-1]:.1f} "
                f"documents/s, its parent {1000 * pool.parent_cpu / n:.1f} ms  ({_load()})",
                flush=True,
            )
    one, two = statistics.median(rates[1]), statistics.median(rates[2])
    each = ", ".join(f"{b / a:.2f}" for a, b in zip(rates[1], rates[2]))
    print(f"  median documents/s: 1 worker {one:.1f}, 2 workers {two:.1f}", flush=True)
    print(f"  ratio 2 workers / 1 worker: {two / one:.2f} of the medians; by round {each} (target ≥ 1.8)", flush=True)
    print(f"  the ratio the CPU split allows on two cores: 2 × workers / (workers + parent) = {statistics.median(ceilings):.2f}", flush=True)
    pool_ratio = statistics.median(alone[2]) / statistics.median(alone[1])
    print(f"  the pool alone, side by side: ratio {pool_ratio:.2f} of the medians (what the machine allows now)", flush=True)


def size_and_rerun(corpus: Path, n: int, work: Path) -> tuple[int, float]:
    db, out = _fresh(work, f"size-{n}")
    args = [str(corpus), "--db", str(db), "-o", str(out), "--workers", "2"]
    first = Run(args)
    again = Run(args)
    lines = _lines(out)
    print(
        f"  {n} documents, 2 workers: {first.seconds:.1f} s ({n / first.seconds:.1f} documents/s), "
        f"peak tree RSS {first.peak / 2**20:.0f} MiB; no-op re-run {again.seconds:.2f} s = "
        f"{100 * again.seconds / first.seconds:.1f}% of the first (target ≤ 5%); "
        f"stored {_stored(db)}, lines {len(lines)}  ({_load()})",
        flush=True,
    )
    return first.peak, again.seconds / first.seconds


def kill_and_resume(corpus: Path, n: int, work: Path, after: float = 20.0) -> None:
    db, out = _fresh(work, f"kill-{n}")
    args = [str(corpus), "--db", str(db), "-o", str(out), "--workers", "2"]
    Run(args, kill_after=after)
    lines, stored = _lines(out), _stored(db)
    print(
        f"  {n} documents, SIGKILL after {after:.0f} s: {len(lines)} whole lines in the file, store {stored[0]} results of {stored[1]} documents  ({_load()})"
    )
    resumed = Run(args)
    lines = _lines(out)
    shas = [r["source"]["sha256"] for r in lines]
    stored = _stored(db)
    print(
        f"  resumed: {resumed.seconds:.1f} s, exit {resumed.returncode}; the file {len(lines)} lines of {len(set(shas))} documents, "
        f"store {stored[0]} results of {stored[1]} documents  ({_load()})",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--work", type=Path, default=Path("/tmp") / "extractor-batch-bench")
    parser.add_argument("--kill", type=int, default=2000, help="documents of the kill-and-resume (0: skip it)")
    parser.add_argument("--only", choices=["cold", "rate", "size", "kill"], nargs="+", help="run only these parts")
    parser.add_argument("--rounds", type=int, default=3, help="how many times the 1- and 2-worker runs are made, in turn")
    a = parser.parse_args()
    parts = set(a.only or ["cold", "rate", "size", "kill"])
    a.work.mkdir(parents=True, exist_ok=True)
    largest = max([*a.sizes, a.kill])
    print(f"corpus: {largest} generated documents (seed {a.seed}) in {a.work}", flush=True)
    full = make_corpus(a.work / "corpus", largest, a.seed)
    corpora = {n: first(full, n, a.work / f"first-{n}") for n in sorted({*a.sizes, a.kill}) if n}
    if "cold" in parts:
        print("cold start:")
        cold_start()
    if "rate" in parts:
        print("throughput:")
        smallest = min(a.sizes)
        throughput(corpora[smallest], smallest, a.work, a.rounds)
    if "size" in parts:
        print("memory against size, and the no-op re-run:")
        peaks = {n: size_and_rerun(corpora[n], n, a.work)[0] for n in a.sizes}
        lo, hi = min(a.sizes), max(a.sizes)
        print(f"  peak tree RSS {hi} / {lo} documents: {peaks[hi] / peaks[lo]:.2f} (target ≤ 1.2)")
    if "kill" in parts and a.kill:
        print("kill and resume:")
        kill_and_resume(corpora[a.kill], a.kill, a.work)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--make-corpus"]:
        make_corpus(Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]) if len(sys.argv) > 4 else 0)
    else:
        main()
