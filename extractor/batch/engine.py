"""The batch itself: documents in, outcomes out, each document read at most once.

    >>> from extractor.batch import run
    >>> from extractor.load.archive import inputs
    >>> [(o.name, o.status, o.new) for o in run(inputs(["golden/docs/004_f8b21749840a51ab.txt"]))]
    [('golden/docs/004_f8b21749840a51ab.txt', 'verified', True)]

`run` walks the inputs lazily, hashes each document first, passes over those the store has
read with this configuration already (an `Outcome` with `new=False`: "already done"), and
gives the rest to a pool, never more than its capacity in flight (a pool may leave one unread
for the next run: `task.Left`, when its budget is reached). For each document read it
appends its line to the JSON lines file, then adds it to the store, then yields its outcome:
in that order, so that whatever stops the run, the file holds every document the store holds
and the caller has seen none that is not kept.

It keeps nothing per document once yielded (no list of results, no list of inputs: memory
does not grow with the archive), installs no signal handler and writes nothing to the screen:
the command line and a long-running service use it alike. `stop`, once set (from a signal
handler, another thread, a request), lets the documents in flight finish and be kept, starts
no other, and ends the run. An exception, or a caller that stops iterating, abandons the
documents in flight without waiting for them; what was kept stays kept.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from ..kinds import Status
from ..load.archive import Input, Origin
from ..models import Result
from ..options import RULES_ONLY, Options
from .copies import Copies
from .ledger import Ledger
from .lines import Lines
from .pool import InProcess, Pool
from .task import Done, Left, read
from .work import Work, works

# How long to wait for a document before looking up (to commit, to see whether to stop).
_TICK = 0.5


@dataclass(frozen=True)
class Outcome:
    """What became of one document of the batch."""

    name: str  # as given: a path, or "reports.zip!folder/a.pdf"
    sha256: str | None  # None when the input could not be had at all (a missing file)
    status: Status
    new: bool  # read in this run; False: read before with this configuration, and not again
    text: str | None = None  # the result as JSON, for a document read in this run
    error: str | None = None  # why a failed document failed, in one line naming it
    _result: Result | None = field(default=None, repr=False, compare=False)

    @property
    def result(self) -> Result | None:
        """The result read in this run (None for a document already done)."""
        if self._result is not None or self.text is None:
            return self._result
        return Result.model_validate_json(self.text)


def run(
    items: Iterable[Input],
    *,
    options: Options = RULES_ONLY,
    pool: Pool | None = None,
    store: Ledger | None = None,
    output: Lines | None = None,
    skip_done: bool = True,
    stop: threading.Event | None = None,
    started: Callable[[str], None] | None = None,
    keep: Copies | None = None,
) -> Iterator[Outcome]:
    """Read every document of `items` (see `extractor.load.archive.inputs`).

    `pool`: where documents are read (default: one at a time in this process). `store`: where
    results are kept, and what is already done, with where each document's bytes are on disk.
    `output`: the JSON lines file. `skip_done`: False reads every document even if the store
    has it (the store keeps the first reading). `started`: told the name of each document as it
    is handed to the pool. `keep`: where a copy of each document is kept, named by its hash.
    """
    pool = pool or InProcess(options)
    flying: dict[int, Work] = {}
    # The documents in flight by content, with the copies met meanwhile: a copy is not read
    # twice, and is told once the first is kept.
    copies: dict[str, list[Work]] = {}

    def finish(done: Done) -> Iterator[Outcome]:
        work = flying.pop(done.seq, None)
        if output is not None:
            output.write(done.text)
        status = store.add(done, origins(work)) if store is not None else done.status
        yield Outcome(done.name, done.sha256, status, True, done.text, done.error, done.result)
        if work is not None and work.sha256 is not None:
            for copy in copies.pop(work.sha256, []):
                if store is not None:
                    store.seen(work.sha256, copy.name, origins(copy))
                yield Outcome(copy.name, work.sha256, status, False)

    def origins(work: Work | None) -> list[Origin]:
        """Where its bytes are on disk: where it was read from, and the copy kept of it."""
        if work is None:
            return []
        found = [work.input.origin] if work.input.origin is not None else []
        kept = keep.keep(work) if keep is not None else None
        return found + ([kept] if kept is not None else [])

    def collect(timeout: float | None) -> Iterator[Outcome]:
        dones = pool.done(timeout)
        if not dones and store is not None:
            store.commit(due=True)  # nothing finished for a while: keep what is pending
        for done in dones:
            if isinstance(done, Left):  # for the next run, with the copies met of it
                work = flying.pop(done.seq, None)
                if work is not None and work.sha256 is not None:
                    copies.pop(work.sha256, None)
                continue
            yield from finish(done)

    abandoned = False
    seq = 0
    try:
        for work in works(items):
            if stop is not None and stop.is_set():
                break
            seq += 1
            if work.sha256 is None:  # nothing to read: its failure is recorded at once
                yield from finish(read(seq, work, options, keep=True))
                continue
            if skip_done and store is not None:
                status = store.done(work.sha256)
                if status is not None:
                    store.seen(work.sha256, work.name, origins(work))
                    yield Outcome(work.name, work.sha256, status, False)
                    continue
            if work.sha256 in copies:
                copies[work.sha256].append(work)
                continue
            copies[work.sha256] = []
            flying[seq] = work
            if started is not None:
                started(work.name)
            pool.submit(seq, work)
            while len(flying) >= pool.capacity:
                yield from collect(_TICK)
        while flying:
            yield from collect(_TICK)
    except BaseException:
        abandoned = True
        raise
    finally:
        pool.close(abort=abandoned)
        if store is not None:
            store.commit()
