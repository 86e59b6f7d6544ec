"""A command of the extractor in a subprocess: its exit code, output, wall time and the peak
resident memory of the process (or of a child of it that it waited for), as the kernel
accounted it when the process ended (`os.wait4`).

The command is started by a small Python process of its own, not by the test's: Linux counts,
in a new program's peak, the peak of the process it was forked from (the old memory it replaced
on exec), and a test runner that has grown to half a gigabyte would be counted in every child.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

EXTRACTOR = [sys.executable, "-m", "extractor"]
# Forks the command from a process that holds next to nothing, waits for it, writes its peak.
_STARTER = """
import os, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as out:
    out.write(str(usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status))
"""


@dataclass(frozen=True)
class Measured:
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    peak_mb: float


def run(args: list[str], *, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 300) -> Measured:
    """`extractor ARGS`, measured. A run past `timeout` fails the test."""
    with tempfile.TemporaryDirectory() as tmp:
        peak = Path(tmp) / "peak"
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-c", _STARTER, str(peak), *EXTRACTOR, *args], cwd=cwd, env={**os.environ, **(env or {})},
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        )  # fmt: skip
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # the starter and the command it forked
            stdout, stderr = process.communicate()
            raise AssertionError(f"{args} still running after {timeout} s; killed:\n{stderr[-2000:]}") from None
        seconds = time.perf_counter() - started
        kb = int(peak.read_text()) if peak.exists() else 0
    return Measured(process.returncode, stdout, stderr, seconds, kb / 1024)
