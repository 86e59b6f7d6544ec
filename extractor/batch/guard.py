"""A document's time and its worker's memory, enforced where the document is read.

Time: an alarm rings in the reading process when the document's time is up and raises
`Deadline` where the reading is, which unwinds it (it is not an `Exception`: no reader's
`except Exception` can swallow it); the document fails "over the time limit" and the worker
reads the next one. Code that holds the interpreter in C for long (a parser, a renderer) hears
the alarm only when it returns, so a worker also watches itself: a document still running a
while past its limit ends the worker process (`watch`), saying which document it was, and the
pool replaces it.

Memory: a worker's data segment may grow by the memory limit and no more (`RLIMIT_DATA`, which
counts what malloc and mmap hand out); past it an allocation fails, Python raises MemoryError, the document fails "over the
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
    """Let this process's data grow by `limit` bytes past what it holds now, and no further (nor
    past a hard cap already set for it). A worker holds little when it starts; a program that
    reads documents in its own process (`extract`, or a test calling it) keeps what it had."""
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return
    _, hard = resource.getrlimit(resource.RLIMIT_DATA)
    wanted = _data_now() + limit
    soft = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (soft, hard))


def _data_now() -> int:
    """The bytes of this process's data segment (Linux's VmData: what RLIMIT_DATA counts)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmData:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def become_worker(memory: int) -> None:
    """What makes a process a worker, whatever it works on. Ctrl-C reaches the whole process
    group on a terminal; the parent decides what it means, so a worker ignores it and finishes
    what it holds. Its memory is capped at `memory`. It outlives no parent: if the parent is
    killed, a worker would otherwise wait for work forever."""
    import multiprocessing

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    cap_memory(memory)
    parent = multiprocessing.parent_process()
    if parent is not None and parent.sentinel is not None:
        threading.Thread(target=_exit_with, args=(parent.sentinel,), name="parent-watch", daemon=True).start()


def _exit_with(sentinel: int) -> None:
    from multiprocessing.connection import wait

    wait([sentinel])  # readable once the parent is gone
    os._exit(1)

