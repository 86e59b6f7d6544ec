"""The model's questions asked in one place, many at once, while the workers do the reading.

With a model, a document's reading waits on the network far longer than it works: a hosted
model takes seconds per table. So the reading is cut where it waits. A worker loads, locates
and reads with the rules, and parks the document at its questions (`pipeline.begin_document`);
this process asks them, up to `concurrency` at once across the whole run, a document's tables
at the same time, each answer from the cache when it is there; a worker then reads the answers,
judges and combines (`pipeline.go_on`), exactly as a document read in one go. The CPU workers
never wait on the network, the network never waits on a core, and what is held is a few parked
documents, however large `concurrency`.

`Asking` wraps any pool (worker processes, Ray, this process) and is a pool itself. With a
budget (`spend.Spend`), a question it does not admit is not asked: the run's `stop` is set, the
requests in flight finish and their answers are kept in the cache; a document with a question
not asked is `Left` for the next run, which finds the answered ones in the cache.
"""

from __future__ import annotations

import math
import queue
import threading
import time
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from .pool import Pool
from .spend import Spend
from .task import Done, Left, Waiting
from .work import Work

if TYPE_CHECKING:
    from ..extract.llm.extract import LlmExtractor, Question, Reply
    from .deferred import Deferred

# How long to wait on the workers before looking at the answers come meanwhile.
_SLICE = 0.02


@dataclass
class _Parked:
    work: Work
    waiting: Waiting
    replies: dict[str, Reply | None] = field(default_factory=dict)  # None: not asked (the budget)


class Asking:
    """`pool`'s documents, their questions asked here by `llm`, up to `concurrency` at once."""

    def __init__(
        self, pool: Pool, llm: LlmExtractor, *, concurrency: int | None = None, spend: Spend | None = None,
        stop: threading.Event | None = None, defer: Deferred | None = None,
    ) -> None:  # fmt: skip
        """`spend`: the run's meter and budget; `stop`: the run's, set when the budget is reached;
        `defer`: the questions not in the cache go to the provider's batch endpoint instead of
        being asked (`deferred`), and their documents are left for later."""
        self.pool = pool
        self.llm = llm
        self.concurrency = concurrency or llm.settings.concurrency
        self.spend = spend or Spend()
        self.stop = stop
        self.defer = defer
        # Enough documents that `concurrency` questions are in flight while the workers read
        # others: three tables a document, and as many again waiting their turn.
        self.capacity = pool.capacity + 2 * math.ceil(self.concurrency / 3)
        self._works: dict[int, Work] = {}
        self._parked: dict[int, _Parked] = {}
        self._in_pool = 0
        self._questions: queue.SimpleQueue[tuple[int, Question] | None] = queue.SimpleQueue()
        self._answers: queue.SimpleQueue[tuple[int, str, Reply | None]] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._closed = False

    def submit(self, seq: int, work: Work) -> None:
        self._works[seq] = work
        self._to_pool(seq, replace(work, park=True))

    def _to_pool(self, seq: int, work: Work) -> None:
        self._in_pool += 1
        self.pool.submit(seq, work)

    def done(self, timeout: float | None) -> list[Done | Left]:
        deadline = None if timeout is None else time.monotonic() + timeout
        out: list[Done | Left] = []
        while True:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            if self._in_pool:
                for item in self.pool.done(_SLICE if left is None else min(_SLICE, left)):
                    self._in_pool -= 1
                    if isinstance(item, Waiting):
                        self._ask(item)
                    else:
                        self._works.pop(item.seq, None)
                        out.append(item)
                out += self._answered(block=None)
            else:
                out += self._answered(block=left if left is not None else _SLICE)
            if out or (deadline is not None and time.monotonic() >= deadline) or not (self._in_pool or self._parked):
                return out

    def _ask(self, waiting: Waiting) -> None:
        self._parked[waiting.seq] = _Parked(self._works[waiting.seq], waiting)
        if self.defer is not None:  # nothing waits on the network: answered here and now
            for question in waiting.questions.values():
                self._answers.put((waiting.seq, question.table, self._deferred(question)))
            return
        for question in waiting.questions.values():
            self._start_one()
            self._questions.put((waiting.seq, question))

    def _start_one(self) -> None:
        """Threads are started as questions come, up to `concurrency`: they are the cap."""
        if len(self._threads) < self.concurrency:
            thread = threading.Thread(target=self._asker, name=f"llm-ask-{len(self._threads)}", daemon=True)
            self._threads.append(thread)
            thread.start()

    def _asker(self) -> None:
        while (item := self._questions.get()) is not None:
            seq, question = item
            if self._closed:  # the run ended at once: nothing more is asked
                continue
            try:
                reply = self._reply(question)
            except BaseException as e:  # noqa: BLE001 - a bug here fails one table, never the run
                from ..extract.llm.extract import Reply

                reply = Reply(None, error=f"internal error asking the model ({type(e).__name__}: {e}); please report it")
            self._answers.put((seq, question.table, reply))

    def _reply(self, question: Question) -> Reply | None:
        """The cache's answer, else the model's if the budget admits the question, else None."""
        cached = self.llm.cached(question)
        if cached is not None:
            self.spend.hit()
            return cached
        expected = question.tokens_estimate
        if not self.spend.admit(expected):
            if self.stop is not None:
                self.stop.set()
            return None
        reply = None
        try:
            reply = self.llm.ask(question)
        finally:
            calls = reply.calls if reply else 0
            self.spend.settle(expected, reply.prompt_tokens if reply else 0, reply.completion_tokens if reply else 0, calls=calls)
        return reply

    def _deferred(self, question: Question) -> Reply | None:
        """The cache's answer, else None: the question goes with a batch, if the budget admits it."""
        assert self.defer is not None
        cached = self.llm.cached(question)
        if cached is not None:
            self.spend.hit()
            return cached
        if not self.defer.take(question) and self.stop is not None:
            self.stop.set()
        return None

    def _answered(self, block: float | None) -> list[Done | Left]:
        """Take the answers come; a document whose questions are all answered goes back to the
        pool to be read to its end, one with a question not asked is left."""
        out: list[Done | Left] = []
        while True:
            try:
                seq, table, reply = self._answers.get(timeout=block) if block else self._answers.get_nowait()
            except queue.Empty:
                return out
            block = None
            parked = self._parked[seq]
            parked.replies[table] = reply
            if len(parked.replies) < len(parked.waiting.questions):
                continue
            del self._parked[seq]
            if None in parked.replies.values():
                out.append(Left(seq, self._works.pop(seq).name))
            else:
                self._to_pool(seq, parked.work.answered(parked.waiting.parked, parked.replies))  # type: ignore[arg-type]  # no None left

    def close(self, *, abort: bool = False) -> None:
        self._closed = True
        for _ in self._threads:
            self._questions.put(None)
        self._threads.clear()
        self._works.clear()
        self._parked.clear()
        self.pool.close(abort=abort)
