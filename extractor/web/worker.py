"""The service's background work: accepted extractions read on the batch engine's pools, results
stored as a batch stores them.

One thread, the dispatcher, takes the oldest queued extraction, marks it running and submits it
to the pool of its strategy, as many in flight as that pool holds; as each is read, it keeps the
result (`batch.ledger.keep`, the step `extractor batch` takes too; the dispatcher is the store's
one writer in the service, with the request threads that resolve reviews) and marks the
extraction done. A document the store has read with that configuration already (posted before
the service restarted, or read by a batch) is done without reading it again.

The pools are the batch's (`batch.Processes` by default), one per strategy, since a pool's
workers hold its options; each is made at its strategy's first extraction. A document that
takes long or breaks a parser costs a worker, never the service, and the service's memory holds
no document. A worker that dies in the middle of a document takes the documents then in flight
with it: they are read again one at a time, and the one that kills its worker again ends alone
with a failed result that says so.

Nothing accepted is lost: an extraction is `running` from the moment it is submitted, and a
service stopped (or killed) before its result is stored finds it `running` when started again
and reads it again. Stopped, the service lets the documents in flight finish for `GRACE`
seconds, then ends its workers.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from ..batch.ledger import keep
from ..batch.pool import Pool
from ..batch.task import Done
from ..batch.work import Work
from ..load.archive import Input
from ..options import Options, options_for
from ..store import Extraction, Extractions, Store
from .uploads import named_for

logger = logging.getLogger(__name__)

GRACE = 10.0  # seconds a stopping service waits for the documents in flight
_TICK = 0.5  # seconds between looks at whether to stop, while documents are being read

PoolFor = Callable[[Options], Pool]  # a strategy's options -> the pool that reads with them


class Dispatcher:
    """The thread that submits queued extractions to the pools and stores what comes back."""

    def __init__(
        self, store: Store, pool: PoolFor, document: Callable[[str], str], *,
        options: Callable[[str], Options] = options_for, finished: Callable[[str], None] | None = None,
    ) -> None:  # fmt: skip
        self.store = store
        self.jobs = Extractions(store)
        self.pool_for = pool
        self.document = document  # sha256 -> the path of the service's copy
        self.options_of = options
        self.finished = finished  # told the id of each extraction done or failed
        self._options: dict[str, Options] = {}
        self._pools: dict[str, Pool] = {}
        self._flying: dict[int, Extraction] = {}  # by the number the pool knows it by
        self._seq = 0
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._abandoned = False  # stopped with documents still in flight: nothing more is stored
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
            self._thread.join(timeout=GRACE + 2 * _TICK)
            if self._thread.is_alive():
                # Held by a document read in its own thread (`InProcess`) or re-read alone after
                # a crash: what it was reading stays `running`, read again at the next start.
                self._abandoned = True
                self._close(abort=True)

    # --- in the dispatcher's thread ----------------------------------------------------------------

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                self._wake.wait(timeout=5)
                self._wake.clear()
                try:
                    self._drain()
                except Exception:  # noqa: BLE001 - logged; what was running is read again at the next wake
                    logger.exception("the extraction pool failed")
                    self._close(abort=True)
                    self._stop.wait(1)
                    self.jobs.requeue_unfinished()
                    self._wake.set()
        finally:
            self._abandoned = self._abandoned or bool(self._flying)
            self._close(abort=self._abandoned)

    def _drain(self) -> None:
        """Read queued extractions until none is left and none is in flight, or the service stops."""
        held: Extraction | None = None  # taken from the queue, waiting for room in its pool
        deadline: float | None = None
        while True:
            if not self._stop.is_set():
                held = self._submit(held)
            elif deadline is None:
                deadline = time.monotonic() + GRACE
            if not self._flying or (deadline is not None and time.monotonic() > deadline):
                return  # stopping: a held extraction, and any still in flight, stay `running`
            self._collect()

    def _submit(self, held: Extraction | None) -> Extraction | None:
        """Submit queued extractions, oldest first, while their pools have room; the one that
        waits for room, if any."""
        while not self._stop.is_set():
            fresh = held is None
            e, held = held or self.jobs.next_queued(), None
            if e is None:
                return None
            if fresh and self.jobs.finish_if_read(e, self._options_for(e.strategy).fingerprint):
                self._tell(e.id)
                continue  # read before with this configuration: nothing to do
            pool = self._pool(e.strategy)
            if sum(f.strategy == e.strategy for f in self._flying.values()) >= pool.capacity:
                return e
            self._seq += 1
            self._flying[self._seq] = e
            work = Work(Input(named_for(e.filename, e.format), path=self.document(e.sha256)), e.sha256, e.size)
            pool.submit(self._seq, work)
        return held

    def _collect(self) -> None:
        busy = [self._pools[s] for s in {e.strategy for e in self._flying.values()}]
        for pool in busy:
            for done in pool.done(_TICK if len(busy) == 1 else _TICK / 10):
                self._keep(done)

    def _keep(self, done: Done) -> None:
        e = self._flying.pop(done.seq, None)
        if e is None or self._abandoned:
            return  # stopped meanwhile: it stays `running`, read again at the next start
        stored = keep(self.store, done, self._options_for(e.strategy).fingerprint)
        if stored.run_id is None:  # not even its bytes could be had: no result to answer with
            self.jobs.fail(e.id, done.error or "not read")
        else:
            self.jobs.finish(e.id, run_id=stored.run_id, status=stored.status)
        self._tell(e.id)

    def _options_for(self, strategy: str) -> Options:
        if strategy not in self._options:  # a model strategy builds its client: once
            self._options[strategy] = self.options_of(strategy)
        return self._options[strategy]

    def _pool(self, strategy: str) -> Pool:
        if strategy not in self._pools:
            self._pools[strategy] = self.pool_for(self._options_for(strategy))
        return self._pools[strategy]

    def _close(self, *, abort: bool) -> None:
        pools, self._pools = self._pools, {}
        for pool in pools.values():
            pool.close(abort=abort)  # abort: the workers are ended, what they held stays `running`
        if abort:
            self._flying.clear()

    def _tell(self, id: str) -> None:  # noqa: A002 - the extraction's
        if self.finished is not None:
            self.finished(id)


__all__ = ["Dispatcher", "GRACE", "PoolFor"]
