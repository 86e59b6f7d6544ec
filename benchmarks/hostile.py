"""Hostile input: the peak memory and time of each hostile input, read as a user reads it.

    python benchmarks/hostile.py [--work DIR] [--only NAME...] [--no-raised] [--raised-timeout 120]

Each input of tests/hostile/make.py (`INPUTS`: the findings of the issue, at their full sizes)
is written once into `--work` and read by `extractor extract FILE` and by
`extractor batch FILE --workers 2` in a subprocess. Peak memory is the largest sum of the
resident memory of the process and all its children (the pool's workers and the server they are
forked from), sampled every 50 ms with psutil; time is wall time. Target: every input under
500 MB and 60 s, with the limits as shipped.

Beside each, in the same run, `extract` with every limit raised a thousandfold (the time limit
to `--raised-timeout`, the memory cap to 4 GB): what reading the input costs without the limit
that stops it, as before the limits existed, stopped by the raised time or memory at worst. It
prints figures; it asserts nothing. docs/BENCHMARKS.md records the latest run.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # the inputs are made by the tests' maker
sys.path.insert(0, str(HERE))

from batch import EXTRACTOR, Run  # noqa: E402 - the process-tree measurement, shared

from extractor.limits import DEFAULT, Limits  # noqa: E402
from tests.hostile.make import INPUTS  # noqa: E402

MB = 1024 * 1024
TARGET_MB, TARGET_S = 500, 60


def raised(timeout: float) -> list[str]:
    """Every limit a thousand times its default; time and memory bounded so the machine lives."""
    out = []
    for name, spec in Limits.NAMES.items():
        value = {"seconds": timeout, "memory": 4096 * MB}.get(name, getattr(DEFAULT, name) * 1000)
        out += [spec.option, str(int(value))]
    return out


def outcome(stdout: str) -> str:
    """What became of the input: the first failure's limit, else the statuses."""
    results = [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]
    if not results:
        return "no result"
    errors = [r.get("error") or "" for r in results]
    limited = [e.split(": over the ", 1)[1].split(":", 1)[0] for e in errors if ": over the " in e]
    if limited:
        return f"{len(results)} failed: {', '.join(sorted(set(limited)))}"
    return ", ".join(sorted({r["status"] for r in results}))


def measure(label: str, args: list[str], lines: Path | None = None) -> tuple[float, float]:
    """`extractor ARGS`: its peak tree memory and time, and what became of the input (from its
    JSON lines: the standard output, or the file `lines`)."""
    run = Run([], command=EXTRACTOR + args)
    said = lines.read_text(encoding="utf-8") if lines is not None and lines.exists() else run.stdout
    print(f"    {label:<24} {run.peak / MB:7.0f} MB {run.seconds:7.1f} s  exit {run.returncode}  {outcome(said)}", flush=True)
    return run.peak / MB, run.seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp") / "extractor-hostile-bench")
    parser.add_argument("--only", nargs="+", help="names of inputs (a part of the name will do)")
    parser.add_argument("--no-raised", action="store_true", help="skip the runs with the limits raised")
    parser.add_argument("--raised-timeout", type=float, default=120.0)
    a = parser.parse_args()
    a.work.mkdir(parents=True, exist_ok=True)
    worst = (0.0, 0.0)
    for name, (maker, _) in INPUTS.items():
        if a.only and not any(part in name for part in a.only):
            continue
        folder = a.work / "".join(ch if ch.isalnum() else "_" for ch in name)
        folder.mkdir(exist_ok=True)
        file_name, data = maker()
        path = folder / file_name
        if not path.exists() or path.stat().st_size != len(data):
            path.write_bytes(data)
        print(f"{name}: {len(data) / MB:.2f} MB on disk", flush=True)
        for leftover in [*folder.glob("results.sqlite*"), folder / "out.jsonl"]:
            leftover.unlink(missing_ok=True)
        batch = ["batch", str(path), "--db", str(folder / "results.sqlite"), "--workers", "2", "-o", str(folder / "out.jsonl")]
        peaks = [measure("extract", ["extract", str(path), "--json"]), measure("batch, 2 workers", batch, folder / "out.jsonl")]
        worst = (max(worst[0], *(p[0] for p in peaks)), max(worst[1], *(p[1] for p in peaks)))
        if not a.no_raised:
            measure("extract, limits raised", ["extract", str(path), "--json", *raised(a.raised_timeout)])
    print(f"worst with the limits as shipped: {worst[0]:.0f} MB, {worst[1]:.1f} s (target under {TARGET_MB} MB and {TARGET_S} s)")


if __name__ == "__main__":
    main()
