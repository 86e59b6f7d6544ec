"""A pool of worker processes on this machine.

A worker that dies in the middle of a document (killed, out of memory, a crash in a parser's C
code) breaks the whole process pool and every document then in flight. The pool is started
again and those documents are read once more, one at a time, so that the one that kills its
worker again is known: it alone ends `failed`, saying so, and the batch goes on. A worker that
ended itself because a document overstayed its time limit (`guard.Watch`) first says which
document it was: that one fails over the time limit without being read again.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from ..options import Options
from .task import Done, failed, read_in_worker, start_worker
from .work import Work

WORKER_DIED = "the worker process reading it stopped abruptly (killed, out of memory, or a crash)"


def default_workers() -> int:
    """The cores this process may run on (a container's or a `taskset`'s limit, not the machine's)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return os.cpu_count() or 1


def worker_context() -> multiprocessing.context.BaseContext:
    """Worker processes are forked from a server process started clean, not from the caller:
    forking a process that runs threads (a web service, a progress bar) can deadlock."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        # Imported once by the server, so that each worker starts without importing anything.
        ctx.set_forkserver_preload(["extractor.batch.task", "extractor.store.ahead"])
        return ctx
    return multiprocessing.get_context("spawn")  # pragma: no cover - Windows


class Processes:
    """A pool of `workers` processes, `capacity` documents in flight (default: two per worker,
    so a worker never waits for the parent to send its next one)."""

    def __init__(
        self, options: Options, workers: int | None = None, capacity: int | None = None, *,
        task: Callable[[int, Work], Done] = read_in_worker, store: str | None = None,
    ) -> None:  # fmt: skip
        """`store`: the path of the store the results go to, which the workers may read (see
        `store.ahead`)."""
        self.options = options
        self.store = store
        self.workers = workers or default_workers()
        self.capacity = capacity or 2 * self.workers
        self.task = task  # what a worker runs on each document: a module-level function
        self._context = worker_context()
        self._overtime = self._context.SimpleQueue()  # the documents workers ended themselves over
        self._executor: ProcessPoolExecutor | None = None
        self._futures: dict[Future, tuple[int, Work]] = {}
        self._lost: list[tuple[int, Work]] = []  # submitted to a pool found broken

    def _pool(self) -> ProcessPoolExecutor:
        # Started at the first document: a batch with nothing left to read starts no process.
        if self._executor is None:
            self._executor = ProcessPoolExecutor(
                self.workers, mp_context=self._context, initializer=start_worker,
                initargs=(self.options, self.store, self._overtime),
            )  # fmt: skip
        return self._executor

    def submit(self, seq: int, work: Work) -> None:
        try:
            self._futures[self._pool().submit(self.task, seq, work)] = (seq, work)
        except BrokenProcessPool:
            # A worker died after the last look at the pool: `done` reads this one again with
            # the others it took down.
            self._lost.append((seq, work))

    def done(self, timeout: float | None) -> list[Done]:
        if not self._futures and not self._lost:
            return []
        finished: set[Future] = set()
        if self._futures:
            finished, _ = wait(self._futures, timeout=0 if self._lost else timeout, return_when=FIRST_COMPLETED)
        out: list[Done] = []
        broken: list[tuple[int, Work]] = self._lost
        self._lost = []
        for future in finished:
            seq, work = self._futures.pop(future)
            try:
                out.append(future.result())
            except BrokenProcessPool:
                broken.append((seq, work))
            except Exception as e:  # noqa: BLE001 - e.g. a result that cannot be pickled: that document fails alone
                out.append(failed(seq, work, f"internal error ({type(e).__name__}: {e}); please report it"))
        if broken:
            # Every document in flight is lost with the pool, not only the one that broke it.
            broken += self._futures.values()
            self._futures.clear()
            overtime = self._overstayed()
            out += [self._over_time(seq, work) for seq, work in broken if seq in overtime]
            out += self._one_at_a_time([(seq, work) for seq, work in broken if seq not in overtime])
        return out

    def _overstayed(self) -> set[int]:
        """The documents whose workers ended themselves past their time limit, since the last look."""
        seqs = set()
        while not self._overtime.empty():
            seqs.add(self._overtime.get())
        return seqs

    def _over_time(self, seq: int, work: Work) -> Done:
        return failed(seq, work, self.options.limits.over("seconds", None, work.name))

    def _one_at_a_time(self, suspects: list[tuple[int, Work]]) -> list[Done]:
        out = []
        for seq, work in sorted(suspects, key=lambda s: s[0]):
            self._restart()
            try:
                out.append(self._pool().submit(self.task, seq, work).result())
            except BrokenProcessPool:
                out.append(self._over_time(seq, work) if seq in self._overstayed() else failed(seq, work, WORKER_DIED))
        self._restart()
        return out

    def _restart(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None

    def close(self, *, abort: bool = False) -> None:
        executor, self._executor = self._executor, None
        self._futures.clear()
        self._lost.clear()
        if executor is None:
            return
        if abort:
            # The workers ignore Ctrl-C; asked to stop at once, the parent ends them itself
            # (`ProcessPoolExecutor` has no public way to before Python 3.14).
            for process in list(getattr(executor, "_processes", {}).values()):
                process.terminate()
        executor.shutdown(wait=not abort, cancel_futures=True)
