"""A document's time and its worker's memory, enforced where the document is read.

Time: an alarm rings in the reading process when the document's time is up and raises
`Deadline` where the reading is, which unwinds it (it is not an `Exception`: no reader's
`except Exception` can swallow it); the document fails "over the time limit" and the worker
reads the next one. Code that holds the interpreter in C for long (a parser, a renderer) hears
the alarm only when it returns, so a worker also watches itself: a document still running a
while past its limit ends the worker process (`watch`), saying which document it was, and the
pool replaces it.

Memory: a worker's data segment is capped (`RLIMIT_DATA`, which counts what malloc and mmap
hand out); past it an allocation fails, Python raises MemoryError, the document fails "over the
memory limit" and its memory is freed. The worker, not the machine, runs out.

    >>> import time
    >>> try:
    ...     with deadline(0.05):
    ...         time.sleep(1)
    ... except Deadline:
    ...     print("over")
    over
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

# After its time limit, a document has this long (and a fifth of the limit) to hear the alarm
# before its worker is ended.
GRACE = 10.0
# The exit status of a worker that ended itself for a document past its time: the pool tells it
# from a crash.
OVERTIME = 75


class Deadline(BaseException):
    """The document's time is up (raised by the alarm, inside whatever was reading it)."""


def _can_alarm() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Raise `Deadline` in this thread after `seconds`. Only the main thread hears signals:
    elsewhere this does nothing, and the worker's watch (or nothing) bounds the time."""
    if not _can_alarm():
        yield
        return

    def ring(signum: int, frame: object) -> None:
        raise Deadline

    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class Watch:
    """A thread of a worker process that ends the process when one document overstays its time
    limit by more than the grace: `start(seq)` as a document begins, `stop()` when it ends.
    `overtime(seq)` is told first (the pool learns which document it was)."""

    def __init__(self, seconds: float, overtime: Callable[[int], None]) -> None:
        self.limit = seconds + max(GRACE, seconds / 5)
        self.overtime = overtime
        self._lock = threading.Lock()
        self._current: tuple[int, threading.Timer] | None = None

    def start(self, seq: int) -> None:
        timer = threading.Timer(self.limit, self._end, args=(seq,))
        timer.daemon = True
        with self._lock:
            self._current = (seq, timer)
        timer.start()

    def stop(self) -> None:
        with self._lock:
            current, self._current = self._current, None
        if current is not None:
            current[1].cancel()

    def _end(self, seq: int) -> None:
        with self._lock:
            if self._current is None or self._current[0] != seq:
                return
        try:
            self.overtime(seq)
        finally:
            os._exit(OVERTIME)


def cap_memory(limit: int) -> None:
    """Cap this process's data at `limit` bytes (not above a hard cap already set for it)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return
    _, hard = resource.getrlimit(resource.RLIMIT_DATA)
    soft = limit if hard == resource.RLIM_INFINITY else min(limit, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (soft, hard))
