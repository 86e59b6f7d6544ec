"""`--llm-batch`: the run's questions sent through the provider's batch endpoint, at its price.

A batch endpoint answers within hours, not seconds, so a document cannot wait in memory for
its answers. The run goes in three steps:

1. every document is read up to its questions (`asking.Asking`, with a `Deferred`): one whose
   answers are all in the cache is read to its end and kept; the others' questions not yet
   sent go into batches of the provider's size (JSONL, each line the request a direct question
   would send, its custom_id the answer cache's key), each batch's id kept in the store at once
   (`llm_batches`, `llm_batch_questions`); a question already in a batch the store knows is not
   sent again;
2. the batches are polled until they finish, and their answers kept in the answer cache;
3. the documents are read again, their answers now in the cache: exactly the direct run's
   reading (a question the batch could not answer, or answered invalidly, is asked directly).

Stopped anywhere (a kill, Ctrl-C, the budget), the next run goes on: step 1 finds the questions
sent and polls their batches instead of sending them again.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from .asking import Asking
from .engine import Outcome, run
from .pool import Pool
from .spend import Spend

if TYPE_CHECKING:
    from ..extract.llm.batches import BatchEndpoint
    from ..extract.llm.extract import LlmExtractor, Question
    from ..load.archive import Input
    from ..options import Options
    from .copies import Copies
    from .ledger import Ledger
    from .lines import Lines


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Deferred:
    """The questions of a run bound for the batch endpoint, and the batches the store knows."""

    def __init__(
        self, db: sqlite3.Connection, llm: LlmExtractor, endpoint: BatchEndpoint, *, spend: Spend | None = None,
        size: int | None = None,
    ) -> None:  # fmt: skip
        from ..extract.llm.batches import MOST_BYTES, MOST_REQUESTS

        self.db = db
        self.llm = llm
        self.endpoint = endpoint
        self.spend = spend or Spend(batch=True)
        self.size = size or MOST_REQUESTS
        self.most_bytes = MOST_BYTES
        self._lines: list[dict[str, Any]] = []
        self._questions: list[Question] = []
        self._bytes = 0
        self._keys: set[str] = set()  # in the batch being made
        self._admitted: dict[str, tuple[int, int]] = {}  # by batch sent in this run: questions and tokens the budget admitted
        self.sent = 0  # questions sent in this run

    def take(self, question: Question) -> bool:
        """Send this question with a batch (now or with the next one made); False when the
        budget does not admit it."""
        if question.key in self._keys or self._in_a_batch(question.key):
            return True
        if not self.spend.admit(question.tokens_estimate):
            return False
        from ..extract.llm.batches import request_line

        line = request_line(question, self.llm.settings)
        self._lines.append(line)
        self._questions.append(question)
        self._keys.add(question.key)
        self._bytes += len(str(line))
        if len(self._lines) >= self.size or self._bytes >= self.most_bytes:
            self.flush()
        return True

    def _in_a_batch(self, key: str) -> bool:
        """Sent with a batch that has not failed (still running, or answered: then the answer
        is in the cache, unless it was not valid, and then it is asked directly)."""
        row = self.db.execute(
            "SELECT 1 FROM llm_batch_questions q JOIN llm_batches b ON b.id = q.batch_id "
            "WHERE q.key = ? AND b.endpoint = ? AND b.state = 'submitted'",
            (key, self.llm.settings.base_url),
        ).fetchone()
        return row is not None

    def flush(self) -> str | None:
        """Send the batch being made; its id, kept in the store before anything else."""
        if not self._lines:
            return None
        batch_id = self.endpoint.submit(self._lines)
        s = self.llm.settings
        with self.db:
            self.db.execute(
                "INSERT INTO llm_batches (id, endpoint, model, state, requests, submitted_at) VALUES (?, ?, ?, 'submitted', ?, ?)",
                (batch_id, s.base_url, s.model or "", len(self._lines), _now()),
            )
            self.db.executemany(
                "INSERT OR IGNORE INTO llm_batch_questions (key, batch_id, tbl, layout, prompt, tokens) VALUES (?, ?, ?, ?, ?, ?)",
                [(q.key, batch_id, q.table, q.layout, q.prompt, q.tokens_estimate) for q in self._questions],
            )
        self.sent += len(self._lines)
        self._admitted[batch_id] = (len(self._questions), sum(q.tokens_estimate for q in self._questions))
        self._lines, self._questions, self._bytes, self._keys = [], [], 0, set()
        return batch_id

    def pending(self) -> list[str]:
        rows = self.db.execute(
            "SELECT id FROM llm_batches WHERE endpoint = ? AND state = 'submitted' ORDER BY submitted_at, id",
            (self.llm.settings.base_url,),
        )
        return [r[0] for r in rows]

    def wait(self, stop: threading.Event, say: Callable[[str], None], every: float = 30.0) -> bool:
        """Poll the batches not finished until they are, keeping their answers in the cache;
        False when `stop` came first (they are polled again by the next run)."""
        waiting = self.pending()
        while waiting:
            states = [self.endpoint.state(batch_id) for batch_id in waiting]
            for state in states:
                if state.finished:
                    self._finish(state.id, state.status, state.output_file_id)
            waiting = [s.id for s in states if not s.finished]
            if waiting:
                done, total = sum(s.done for s in states if not s.finished), sum(s.total for s in states if not s.finished)
                say(f"llm batch: waiting for {len(waiting)} batch(es) of the model: {done:,} of {total:,} questions answered")
                if stop.wait(every):
                    return False
        return True

    def _finish(self, batch_id: str, status: str, output_file_id: str | None) -> None:
        from ..extract.llm.batches import reply_of

        asked = {
            key: (table, layout, prompt, tokens)
            for key, table, layout, prompt, tokens in self.db.execute(
                "SELECT key, tbl, layout, prompt, tokens FROM llm_batch_questions WHERE batch_id = ?", (batch_id,)
            )
        }
        answered = 0
        if output_file_id is not None:
            for key, completion, _why in self.endpoint.answers(output_file_id):
                if key not in asked or completion is None:
                    continue
                table, layout, prompt, _tokens = asked.pop(key)
                reply = reply_of(table, layout, completion, self.llm.settings)
                self.spend.add(reply.prompt_tokens, reply.completion_tokens, calls=1)
                if reply.answer is not None and self.llm.cache is not None:
                    self.llm.cache.put(key, prompt, self.llm.settings.model or "", reply.answer,
                                       {"prompt_tokens": reply.prompt_tokens, "completion_tokens": reply.completion_tokens})  # fmt: skip
                    answered += 1
        if batch_id in self._admitted:  # sent by this run: its budget's reservation is spent now
            count, tokens = self._admitted.pop(batch_id)
            self.spend.release(tokens, count)
        with self.db:
            self.db.execute(
                "UPDATE llm_batches SET state = ?, finished_at = ?, detail = ? WHERE id = ?",
                ("done" if status == "completed" else "failed", _now(), f"{status}: {answered} answers kept", batch_id),
            )


def run_deferred(
    items: Callable[[], Iterable[Input]], *, options: Options, pool: Callable[[], Pool], store: Ledger, deferred: Deferred,
    output: Lines | None = None, stop: threading.Event, say: Callable[[str], None] = lambda line: None,
    started: Callable[[str], None] | None = None, keep: Copies | None = None, poll: float = 30.0,
) -> Iterator[Outcome]:  # fmt: skip
    """The three steps (see the module's text); `items` and `pool` are made again for the third.
    Each document's outcome comes once: from the step that read it, or from the first for those
    done before."""
    assert options.llm is not None
    spend = deferred.spend
    first = Asking(pool(), options.llm, spend=spend, stop=stop, defer=deferred)
    yield from run(items(), options=options, pool=first, store=store, output=output, stop=stop, started=started, keep=keep)
    deferred.flush()  # what the budget admitted is sent, stopped or not
    if stop.is_set() or not deferred.wait(stop, say, poll):
        return
    last = Asking(pool(), options.llm, spend=spend, stop=stop)
    for outcome in run(items(), options=options, pool=last, store=store, output=output, stop=stop, started=started, keep=keep):
        if outcome.new:  # those done before were told by the first step
            yield outcome
