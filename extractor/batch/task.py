"""The work of one document, the same wherever it runs: in the caller's process, in a worker
process of the pool, or as a Ray task on another machine.

It takes a `Work` and the run's options and gives back a `Done`: small, plain and picklable,
the result as the JSON text the store keeps and the JSON lines file holds, so nothing is
serialised twice and the parent never parses what it only passes on. It never raises for a
document: `extract_input` ends every input with a result.
"""

from __future__ import annotations

import os
import signal
from dataclasses import dataclass

from ..kinds import Status
from ..models import Result
from ..options import Options
from ..pipeline import extract_input
from .work import Work


@dataclass(frozen=True)
class Done:
    """A document read: its result as JSON, and what the parent needs without parsing it."""

    seq: int  # the parent's number for the work, to find it again whatever order results come in
    name: str
    sha256: str | None
    status: Status
    text: str
    error: str | None  # one line naming the document and the problem, for a failed one
    result: Result | None = None  # kept only when read in the caller's own process


def read(seq: int, work: Work, options: Options, *, keep: bool = False) -> Done:
    """Read one document. `keep`: hold on to the `Result` object too (in-process only; a worker
    sends the text alone)."""
    result = extract_input(work.input, options=options)
    error = None
    if result.status == "failed":
        error = result.error or f"{result.source.path}: {result.reasons[0].message if result.reasons else 'failed'}"
    return Done(
        seq=seq,
        name=work.name,
        sha256=result.source.sha256 or work.sha256,
        status=result.status,
        text=result.model_dump_json(),
        error=error,
        result=result if keep else None,
    )


_options: Options | None = None


def start_worker(options: Options) -> None:
    """A pool process's initializer: the run's options, once. Ctrl-C reaches the whole process
    group on a terminal; the parent decides what it means, so a worker ignores it and finishes
    the document it holds. A worker outlives no parent: if the batch is killed, its workers
    would otherwise wait for work forever."""
    import multiprocessing
    import threading

    global _options
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _options = options
    parent = multiprocessing.parent_process()
    if parent is not None and parent.sentinel is not None:
        threading.Thread(target=_exit_with, args=(parent.sentinel,), name="parent-watch", daemon=True).start()


def _exit_with(sentinel: int) -> None:
    from multiprocessing.connection import wait

    wait([sentinel])  # readable once the parent is gone
    os._exit(1)


def read_in_worker(seq: int, work: Work) -> Done:
    assert _options is not None, "start_worker was not run in this process"
    return read(seq, work, _options)
