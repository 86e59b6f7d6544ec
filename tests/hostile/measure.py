"""A command of the extractor in a subprocess: its exit code, output, wall time and the peak
resident memory of the process (or of a child of it that it waited for), as the kernel
accounted it when the process ended (`os.wait4`)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

EXTRACTOR = [sys.executable, "-m", "extractor"]


@dataclass(frozen=True)
class Measured:
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    peak_mb: float


def run(args: list[str], *, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 300) -> Measured:
    """`extractor ARGS`, measured. A run past `timeout` is killed and fails the test."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen(EXTRACTOR + args, cwd=cwd, env={**os.environ, **(env or {})}, stdout=out, stderr=err)
        killer = threading.Timer(timeout, process.kill)
        killer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)  # this child's own accounting, as it ended
        finally:
            killer.cancel()
        process.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait again
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if seconds >= timeout:
        raise AssertionError(f"{args} still running after {timeout} s; killed:\n{stderr[-2000:]}")
    return Measured(process.returncode, stdout, stderr, seconds, usage.ru_maxrss / 1024)
