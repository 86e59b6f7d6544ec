"""The work of one document, the same wherever it runs: in the caller's process, in a worker
process of the pool, or as a Ray task on another machine.

It takes a `Work` and the run's options and gives back a `Done`: small, plain and picklable,
the result as the JSON text the store keeps and the JSON lines file holds, and as the rows the
store writes (`store.rows`), so nothing is serialised twice and the parent, the one writer,
never parses what it only passes on. It never raises for a document: `extract_input` ends
every input with a result. A document to `park` at the model's questions comes back `Waiting`
for their answers instead, and is read to its end when it comes again with them (`asking`).
"""

from __future__ import annotations

import gc
import pickle
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..kinds import Status
from ..models import Result
from ..options import Options
from ..load import LoadError
from ..pipeline import Parked, begin_input, finish_input, unreadable
from ..store.rows import Rows, rows_of
from .guard import Deadline, Watch, become_worker, deadline
from .work import Work

if TYPE_CHECKING:  # the store's own modules load only in a worker that looks at it
    import sqlite3

    from ..extract.llm.extract import Question
    from multiprocessing.queues import SimpleQueue

    from ..store.ahead import Ahead


@dataclass(frozen=True)
class Done:
    """A document read: its result as JSON, and what the parent needs without parsing it."""

    seq: int  # the parent's number for the work, to find it again whatever order results come in
    name: str
    sha256: str | None
    status: Status
    text: str
    error: str | None  # one line naming the document and the problem, for a failed one
    rows: Rows | None = None  # what the store writes for it; None when it has no hash (a missing file)
    ahead: Ahead | None = None  # what it and its organ's other years will stand as, if the worker could tell
    result: Result | None = None  # kept only when read in the caller's own process


def done_of(
    seq: int, name: str, result: Result, *, keep: bool = False, sha256: str | None = None,
    look: sqlite3.Connection | None = None,
) -> Done:  # fmt: skip
    """A document's result, ready to travel to the parent; `sha256`: its hash if the result has
    none; `look`: the store, read-only, to work out ahead what adding it will make of it."""
    text = result.model_dump_json()
    rows = rows_of(result, text) if result.source.sha256 is not None else None
    worked_out = None
    if look is not None and rows is not None:
        from ..store.ahead import ahead

        worked_out = ahead(look, result, rows)
    error = None
    if result.status == "failed":
        error = result.error or f"{result.source.path}: {result.reasons[0].message if result.reasons else 'failed'}"
    return Done(
        seq=seq,
        name=name,
        sha256=result.source.sha256 or sha256,
        status=result.status,
        text=text,
        error=error,
        rows=rows,
        ahead=worked_out,
        result=result if keep else None,
    )


@dataclass(frozen=True)
class Waiting:
    """A document parked at the model's questions, for the parent to answer. The parent never
    looks inside the parked document: it holds it as its pickle (a tenth of its size as objects)
    and sends it back to a worker as it came."""

    seq: int
    name: str
    questions: dict[str, Question]
    parked: bytes  # the pickled `pipeline.Parked`

    @classmethod
    def of(cls, seq: int, name: str, parked: Parked) -> Waiting:
        return cls(seq, name, parked.asked.questions, pickle.dumps(parked, protocol=pickle.HIGHEST_PROTOCOL))


@dataclass(frozen=True)
class Left:
    """A document this run leaves unread for the next one (its questions were not all asked:
    the run's budget was reached). Nothing of it is kept; the answers it had are in the cache."""

    seq: int
    name: str


def read(
    seq: int, work: Work, options: Options, *, keep: bool = False, look: sqlite3.Connection | None = None
) -> Done | Waiting:
    """Read one document, within its time limit (each part of it, when it is parked at the
    model's questions). `keep`: hold on to the `Result` object too (in-process only; a worker
    sends the text alone). `look`: the store the result goes to, read-only (see `done_of`)."""
    limits = options.limits
    try:
        with deadline(limits.seconds):
            if work.parked is not None:
                assert work.replies is not None
                result = finish_input(pickle.loads(work.parked), work.replies, options=options, sha256=work.sha256)
            else:
                result = begin_input(work.input, options=options, park=work.park)
        if isinstance(result, Parked):
            return Waiting.of(seq, work.name, result)
        return done_of(seq, work.name, result, keep=keep, sha256=work.sha256, look=look)
    except Deadline:
        problem = limits.over("seconds", None, work.name)
    except MemoryError:  # making the result's rows or JSON, after the document was read
        problem = limits.over("memory", None, work.name)
    gc.collect()
    return failed(seq, work, problem)


_options: Options | None = None
_store: str | None = None
_look: sqlite3.Connection | None = None
_watch: Watch | None = None


def start_worker(options: Options, store: str | None = None, overtime: SimpleQueue | None = None) -> None:
    """A pool process's initializer: the run's options, once, and the path of the store its
    results go to, if it is on this machine; a worker's ways (`guard.become_worker`): Ctrl-C
    left to the parent, memory capped, no life after its parent. Given the queue `overtime`,
    it ends itself when a document overstays its time limit, first putting the document's
    number there (`guard.Watch`)."""
    global _options, _store, _watch
    become_worker(options.limits.memory)
    _options, _store = options, store
    if overtime is not None:
        _watch = Watch(options.limits.seconds, overtime.put)


def read_in_worker(seq: int, work: Work, *, reader: Callable[..., Done | Waiting] = read) -> Done | Waiting:
    """What a pool worker runs on each document: `reader` (`read`) under the worker's watch."""
    global _look
    assert _options is not None, "start_worker was not run in this process"
    if _look is None and _store is not None:
        from ..store.ahead import look

        _look = look(_store)
    if _watch is None:
        return reader(seq, work, _options, look=_look)
    _watch.start(seq)
    try:
        return reader(seq, work, _options, look=_look)
    finally:
        _watch.stop()


def failed(seq: int, work: Work, problem: str | LoadError) -> Done:
    """A document the pool could not read, recorded as a failed result like any other."""
    result = unreadable(work.name, problem if isinstance(problem, LoadError) else LoadError(work.name, problem))
    if work.sha256 is not None:
        result.source.sha256 = work.sha256
    return done_of(seq, work.name, result)
