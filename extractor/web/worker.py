"""The service's background work: accepted extractions read by a pool of processes, results stored.

One thread, the dispatcher, takes the oldest queued extraction, marks it running and hands it
to the reader, as many in flight as the reader holds; as each is read, it stores the result
(the store's one writer in the service, with the request threads that resolve reviews) and
marks the extraction done. A document the store has read with that configuration already
(posted before the service restarted, or read by a batch) is done without reading it again.

The reader is the seam between the service and where documents are read (`Reader`): a batch
of extractions in, each one's result out as it finishes. `Processes` reads in worker
processes, so a document that takes long or breaks a parser costs one worker, never the
service, and the service's own memory holds no document.

Nothing accepted is lost: an extraction is `running` from the moment it is handed over, and a
service stopped (or killed) before its result is stored finds it `running` when started again
and reads it again.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Protocol

from ..options import Options
from ..store import Extractions, Store

logger = logging.getLogger(__name__)

WORKER_DIED = "the worker process reading it stopped abruptly (killed, out of memory, or a crash), twice"
_TICK = 0.5  # seconds between looks at whether to stop, while documents are being read


@dataclass(frozen=True)
class Job:
    """One extraction to read: the service's own copy of the document, and the name to read it under."""

    id: str
    path: str
    name: str
    sha256: str
    strategy: str


@dataclass(frozen=True)
class Read:
    """A job done: its result as JSON, or why the work could not be done."""

    job: Job
    text: str | None
    error: str | None = None


class Reader(Protocol):
    capacity: int  # jobs in flight at most

    def read(self, jobs: Iterable[Job]) -> Iterator[Read]:
        """Read the jobs `jobs` yields (taken as there is room), each one's `Read` as it finishes."""
        ...

    def close(self) -> None: ...


# --- in a worker process ------------------------------------------------------------------------

_options: dict[str, Options] = {}


def options_for(strategy: str) -> Options:
    """The options of a strategy, built once per process (a model strategy builds its client)."""
    if strategy not in _options:
        from ..options import RULES_ONLY
        from ..options import options_for as build

        _options[strategy] = RULES_ONLY if strategy == "rules" else build(strategy)
    return _options[strategy]


def read_job(path: str, name: str, strategy: str) -> str:
    """What a worker does with a job: the document's result as JSON. Never raises for a document."""
    from pathlib import Path

    from ..pipeline import extract_bytes

    return extract_bytes(name, Path(path).read_bytes(), options=options_for(strategy)).model_dump_json()


def _start_worker() -> None:
    """A worker ignores Ctrl-C (the service decides when its workers stop) and outlives no
    service: killed, the service leaves no worker waiting for work forever."""
    import multiprocessing
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = multiprocessing.parent_process()
    if parent is not None and parent.sentinel is not None:
        threading.Thread(target=_exit_with, args=(parent.sentinel,), name="service-watch", daemon=True).start()


def _exit_with(sentinel: int) -> None:
    import os
    from multiprocessing.connection import wait as wait_for

    wait_for([sentinel])  # readable once the service is gone
    os._exit(1)


class InProcess:
    """Jobs read one at a time in the dispatcher's own thread: for tests and small machines;
    a document that crashes the parser would take the service with it."""

    capacity = 1

    def read(self, jobs: Iterable[Job]) -> Iterator[Read]:
        for job in jobs:
            yield Read(job, read_job(job.path, job.name, job.strategy))

    def close(self) -> None:
        pass


class Processes:
    """A pool of worker processes, two jobs in flight per worker so none waits for the next.

    A worker that dies (killed, out of memory) breaks the pool and every job then in flight:
    the pool starts again and they are read again; a job that breaks it twice fails alone.
    """

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.capacity = 2 * workers
        self._executor: ProcessPoolExecutor | None = None
        self._broke: set[str] = set()

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            import multiprocessing

            # Forked from a clean server process, not from the service's threads.
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(["extractor.pipeline"])
            self._executor = ProcessPoolExecutor(self.workers, mp_context=ctx, initializer=_start_worker)
        return self._executor

    def read(self, jobs: Iterable[Job]) -> Iterator[Read]:
        feed = iter(jobs)
        flying: dict[Future, Job] = {}
        retry: list[Job] = []
        more = True
        while True:
            while len(flying) < self.capacity and (retry or more):
                job = retry.pop() if retry else next(feed, None)
                if job is None:
                    more = False
                    break
                flying[self._pool().submit(read_job, job.path, job.name, job.strategy)] = job
            if not flying:
                return
            finished, _ = wait(flying, timeout=_TICK, return_when=FIRST_COMPLETED)
            broken: list[Job] = []
            for future in finished:
                job = flying.pop(future)
                try:
                    yield Read(job, future.result())
                except BrokenProcessPool:
                    broken.append(job)
                except Exception as e:  # noqa: BLE001 - the job fails alone, saying why
                    yield Read(job, None, f"internal error ({type(e).__name__}: {e}); please report it")
            if broken:
                broken += flying.values()  # the whole pool is gone, and every job in it
                flying.clear()
                self._restart()
                for job in broken:
                    if job.id in self._broke:
                        yield Read(job, None, WORKER_DIED)
                    else:
                        self._broke.add(job.id)
                        retry.append(job)

    def _restart(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None

    def close(self) -> None:
        executor, self._executor = self._executor, None
        if executor is not None:
            for process in list(getattr(executor, "_processes", {}).values()):
                process.terminate()  # what they were reading is `running`, read again at the next start
            executor.shutdown(wait=False, cancel_futures=True)


# --- in the service -----------------------------------------------------------------------------


class Dispatcher:
    """The thread that feeds the reader with queued extractions and stores what comes back."""

    def __init__(
        self, store: Store, reader: Reader, document: Callable[[str], str], *,
        options: Callable[[str], Options] = options_for, finished: Callable[[str], None] | None = None,
    ) -> None:  # fmt: skip
        self.store = store
        self.finished = finished  # told the id of each extraction done or failed
        self.jobs = Extractions(store)
        self.reader = reader
        self.document = document  # sha256 -> the path of the service's copy
        self.options = options
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        requeued = self.jobs.requeue_unfinished()
        if requeued:
            logger.warning("%d extractions were being read when the service stopped: reading them again", requeued)
        self._thread = threading.Thread(target=self._run, name="extractions", daemon=True)
        self._thread.start()
        self.wake()

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self.reader.close()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(timeout=5)
            self._wake.clear()
            try:
                for read in self.reader.read(self._feed()):
                    self._keep(read)
            except Exception:  # noqa: BLE001 - logged; what was running is read again at the next wake
                logger.exception("the extraction pool failed")
                self._stop.wait(1)
                self.jobs.requeue_unfinished()
                self._wake.set()

    def _feed(self) -> Iterator[Job]:
        """Queued extractions, oldest first, until none is left (or the service stops)."""
        while not self._stop.is_set():
            e = self.jobs.next_queued()
            if e is None:
                return
            if self.jobs.finish_if_read(e, self.options(e.strategy).fingerprint):
                self._tell(e.id)
                continue  # read before with this configuration: nothing to do
            from .uploads import named_for

            yield Job(e.id, self.document(e.sha256), named_for(e.filename, e.format), e.sha256, e.strategy)

    def _keep(self, read: Read) -> None:
        if read.text is None:
            self.jobs.fail(read.job.id, read.error or "not read")
        else:
            stored = self.store.add_json(read.text, self.options(read.job.strategy).fingerprint)
            self.jobs.finish(read.job.id, run_id=stored.run_id, status=stored.current.status)
        self._tell(read.job.id)

    def _tell(self, id: str) -> None:  # noqa: A002 - the extraction's
        if self.finished is not None:
            self.finished(id)


__all__ = ["Dispatcher", "InProcess", "Job", "Processes", "Read", "Reader", "read_job", "options_for"]
