"""The service's background work: accepted extractions read on the batch engine's pools, results
stored as a batch stores them.

One thread, the dispatcher, takes queued extractions in turn, person by person (each person's
oldest first, the people in the order of their names, round and round), marks each running and
submits it to the pool of its strategy, as many in flight as that pool holds; as each is read,
it keeps the result (`batch.ledger.keep`, the step `extractor batch` takes too; the dispatcher
is the store's one writer in the service, with the request threads that resolve reviews) and
marks the extraction done. A document the store has read with that configuration already
(posted before the service restarted, or read by a batch) is done without reading it again.

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

The dispatcher outlives its faults. A reading whose result a full disk refuses is held in
memory and stored first once there is room (no new work is taken meanwhile); an extraction
that cannot be recorded otherwise goes back to the queue, and one whose result fails to be
stored `MAX_ATTEMPTS` times for another reason fails alone, saying so. A pass of the loop that
fails (the store refusing writes, a pool that breaks) is logged and tried again, soon at first,
then every `BACKOFF[1]` seconds, while the documents in flight go on. `status()` says how it
stands, for /healthz: alive or not, when it last made progress, what fails.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ..batch.ledger import keep
from ..batch.pool import Pool
from ..batch.task import Done
from ..batch.work import Work
from ..load.archive import Input
from ..options import Options, options_for
from ..store import Extraction, Extractions, Store
from .errors import disk_full, settle
from .uploads import named_for

logger = logging.getLogger(__name__)

GRACE = 10.0  # seconds a stopping service waits for the documents in flight
_TICK = 0.5  # seconds between looks at whether to stop, while documents are being read
_IDLE = 5.0  # seconds between looks at the queue when nobody wakes the dispatcher
BACKOFF = (0.25, 5.0)  # seconds before trying a failed pass again: the first wait, the longest
STUCK = 600.0  # seconds without progress after which the dispatcher is called stuck
MAX_ATTEMPTS = 3  # readings of a document whose result cannot be stored (other than for a full disk)
_SAY_AGAIN = 60.0  # seconds between log lines while the same failure goes on

PoolFor = Callable[[Options], Pool]  # a strategy's options -> the pool that reads with them


class _PoolBroke(Exception):
    """A pool's own call failed: its workers and what they held are lost."""


@dataclass(frozen=True)
class Status:
    """How the dispatcher stands, as /healthz tells it."""

    started: bool
    alive: bool
    progress: float | None  # time.time() of the last progress: a pass through the loop, a document kept
    error: str | None  # why the loop's last pass failed (None: it went through)
    failing_since: float | None
    held: int  # extractions whose outcome waits for the store to take writes
    pools: dict[str, dict[str, int]] = field(default_factory=dict)  # strategy -> in_flight, capacity

    def problem(self, stuck_after: float = STUCK) -> tuple[str, str] | None:
        """(code, one line) when the dispatcher cannot do its work; None when it can."""
        if not self.started:
            return None
        if not self.alive:
            return "dispatcher_dead", "the dispatcher has stopped: accepted documents are not being read; restart the service"
        now = time.time()
        if self.error is not None:
            since = now - (self.failing_since or now)
            return "dispatcher_failing", f"the dispatcher has been failing for {since:.0f} s: {self.error}"
        if self.progress is not None and now - self.progress > stuck_after:
            return "dispatcher_stuck", f"the dispatcher has made no progress for {now - self.progress:.0f} s"
        return None


class Dispatcher:
    """The thread that submits queued extractions to the pools and stores what comes back."""

    def __init__(
        self, store: Store, pool: PoolFor, document: Callable[[str], str], *,
        options: Callable[[str], Options] = options_for, finished: Callable[[str], None] | None = None,
        backoff: tuple[float, float] = BACKOFF,
    ) -> None:  # fmt: skip
        self.store = store
        self.jobs = Extractions(store)
        self.pool_for = pool
        self.document = document  # sha256 -> the path of the service's copy
        self.options_of = options
        self.finished = finished  # told the id of each extraction done or failed
        self.backoff = backoff
        self._options: dict[str, Options] = {}
        self._pools: dict[str, Pool] = {}
        self._flying: dict[int, Extraction] = {}  # by the number the pool knows it by
        self._seq = 0
        self._last_person: str | None = None  # whose extraction was taken last: the next turn is another's
        self._requeue: set[str] = set()  # taken, not kept: back to the queue once the store takes writes
        self._held: list[tuple[Extraction, Done]] = []  # read, not stored for a full disk: stored first
        self._trouble: Exception | None = None  # what kept one extraction of this pass from being stored
        self._restarted = True  # what was running when the service stopped is to be read again
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._abandoned = False  # stopped with documents still in flight: nothing more is stored
        self._thread: threading.Thread | None = None
        self._progress: float | None = None
        self._error: str | None = None
        self._failing_since: float | None = None
        self._said_at = 0.0

    def start(self) -> None:
        self._progress = time.time()
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

    def status(self) -> Status:
        flying = list(self._flying.values())
        pools = {
            strategy: {"in_flight": sum(e.strategy == strategy for e in flying), "capacity": pool.capacity}
            for strategy, pool in list(self._pools.items())
        }
        thread = self._thread
        return Status(
            started=thread is not None, alive=thread is not None and thread.is_alive(), progress=self._progress,
            error=self._error, failing_since=self._failing_since, held=len(self._requeue) + len(self._held), pools=pools,
        )  # fmt: skip

    # --- in the dispatcher's thread ----------------------------------------------------------------

    def _run(self) -> None:
        failures = 0
        try:
            while not self._stop.is_set():
                self._wake.clear()  # a wake during the pass makes another pass at once
                try:
                    self._pass()
                except Exception as error:  # noqa: BLE001 - logged; the loop goes on
                    failures += 1
                    self._failed(error, failures)
                else:
                    if failures:
                        logger.warning("the dispatcher works again, after %d failed passes", failures)
                    failures = 0
                    self._went_through()
                self._wake.wait(timeout=self._pause(failures))
        finally:
            self._abandoned = self._abandoned or bool(self._flying)
            self._close(abort=self._abandoned)

    def _pause(self, failures: int) -> float:
        first, longest = self.backoff
        return _IDLE if not failures else min(longest, first * 2 ** (failures - 1))

    def _pass(self) -> None:
        self._trouble = None
        if self._restarted:
            requeued = self.jobs.requeue_unfinished()
            self._restarted = False
            if requeued:
                logger.warning("%d extractions were being read when the service stopped: reading them again", requeued)
        self._store_held()
        self._put_back()
        self._drain()
        self._put_back()
        if self._trouble is not None:
            raise self._trouble  # a result not stored: the pass failed, though the others went on

    def _went_through(self) -> None:
        self._progress = time.time()
        self._error = self._failing_since = None

    def _failed(self, error: Exception, failures: int) -> None:
        """A pass that failed: said when it is new (then once a minute), and what it broke mended."""
        said = f"the disk is full ({error})" if disk_full(error) else f"{type(error).__name__}: {error}"
        now = time.time()
        if said != self._error or now - self._said_at >= _SAY_AGAIN:
            new = said != self._error
            logger.error("the dispatcher failed, %d passes in a row (%s); it tries again", failures, said, exc_info=error if new else None)
            self._said_at = now
        self._failing_since = self._failing_since or now
        self._error = said
        self._settle()
        if isinstance(error, _PoolBroke):
            # Its workers are gone and with them what they held: those documents are read again.
            self._requeue.update(e.id for e in self._flying.values())
            self._close(abort=True)

    def _settle(self) -> None:
        try:
            settle(self.store)
        except Exception:  # noqa: BLE001 - the next pass tries again
            logger.exception("the store's writer could not be reset")

    def _put_back(self) -> None:
        if self._requeue:
            ids = set(self._requeue)
            self.jobs.requeue(ids)
            self._requeue -= ids

    def _store_held(self) -> None:
        """Store the readings a full disk held back, before any new work is taken."""
        while self._held:
            e, done = self._held[0]
            self._store(e, done)
            self._held.pop(0)
            self._tell(e.id)

    def _drain(self) -> None:
        """Read queued extractions until none is left and none is in flight, or the service stops."""
        deadline: float | None = None
        while True:
            if not self._stop.is_set():
                self._submit()
            elif deadline is None:
                deadline = time.monotonic() + GRACE
            if not self._flying or (deadline is not None and time.monotonic() > deadline):
                return  # stopping: any still in flight stay `running`
            self._collect()
            self._progress = time.time()

    def _submit(self) -> None:
        """Submit queued extractions, each person's in turn, while their pools have room."""
        while not self._stop.is_set():
            e = self.jobs.next_in_turn(self._last_person)
            if e is None:
                return
            pool = self._pool(e.strategy)
            if sum(f.strategy == e.strategy for f in self._flying.values()) >= pool.capacity:
                return  # its turn comes again when there is room
            taken = self.jobs.take(e.id)
            if taken is None:
                continue
            self._last_person = taken.submitted_by
            try:
                if self.jobs.finish_if_read(taken, self._options_for(taken.strategy).fingerprint):
                    self._tell(taken.id)
                    continue  # read before with this configuration: nothing to do
            except Exception as error:  # noqa: BLE001 - this extraction's alone
                self._unkept(taken, error)
                continue
            self._seq += 1
            self._flying[self._seq] = taken
            work = Work(Input(named_for(taken.filename, taken.format), path=self.document(taken.sha256)), taken.sha256, taken.size)
            try:
                pool.submit(self._seq, work)
            except Exception as error:
                raise _PoolBroke(f"the {taken.strategy} pool failed: {error}") from error

    def _collect(self) -> None:
        busy = [self._pools[s] for s in {e.strategy for e in self._flying.values()}]
        for pool in busy:
            try:
                finished = pool.done(_TICK if len(busy) == 1 else _TICK / 10)
            except Exception as error:
                raise _PoolBroke(f"a pool failed: {error}") from error
            for done in finished:
                self._keep(done)

    def _keep(self, done: Done) -> None:
        e = self._flying.pop(done.seq, None)
        if e is None or self._abandoned:
            return  # stopped meanwhile: it stays `running`, read again at the next start
        try:
            self._store(e, done)
        except Exception as error:  # noqa: BLE001 - this extraction's alone: the others go on
            if disk_full(error):
                self._held.append((e, done))  # kept in memory, stored once the disk has room
                self._trouble = error
                self._settle()
            else:
                self._unkept(e, error)
            return
        self._tell(e.id)

    def _store(self, e: Extraction, done: Done) -> None:
        stored = keep(self.store, done, self._options_for(e.strategy).fingerprint)
        if stored.run_id is None:  # not even its bytes could be had: no result to answer with
            self.jobs.fail(e.id, done.error or "not read")
        else:
            self.jobs.finish(e.id, run_id=stored.run_id, status=stored.status)

    def _unkept(self, e: Extraction, error: Exception) -> None:
        """An extraction taken whose outcome could not be stored: back to the queue, to be read
        again once the store takes writes; one that fails for another reason, time after time,
        fails alone."""
        self._settle()
        if not disk_full(error) and e.attempts >= MAX_ATTEMPTS:
            logger.error("extraction %s (%s) could not be stored %d times: it fails", e.id, e.filename, e.attempts, exc_info=error)
            try:
                self.jobs.fail(e.id, f"its result could not be stored ({type(error).__name__}: {error}); please report it")
                self._tell(e.id)
                return
            except Exception:  # noqa: BLE001 - then it is read again, later
                pass
        logger.error("extraction %s (%s) could not be stored (%s): it will be read again", e.id, e.filename, error)
        self._requeue.add(e.id)
        self._trouble = error

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
            try:
                pool.close(abort=abort)  # abort: the workers are ended, what they held stays `running`
            except Exception:  # noqa: BLE001 - a pool that cannot even close is dropped all the same
                logger.exception("a pool could not be closed")
        if abort:
            self._flying.clear()

    def _tell(self, id: str) -> None:  # noqa: A002 - the extraction's
        if self.finished is not None:
            self.finished(id)


__all__ = ["BACKOFF", "Dispatcher", "GRACE", "PoolFor", "STUCK", "Status"]
