"""The documents a service accepted, and what became of each: the `extractions` table.

An extraction is written when its upload is on disk and before the service answers 202, so a
service killed at any moment knows, when started again, every document it promised to read:
those `queued` or `running` then are read (again). States go queued → running → done, or
failed when the work itself could not be done (the document's own failure, an unreadable
file, is a result like any other: `done`, with the result's status `failed`).

    >>> from extractor.store import Store
    >>> jobs = Extractions(Store(":memory:"))
    >>> first, new = jobs.accept(sha256="ab" * 32, filename="a.txt", format="text", size=3, strategy="rules", by="li")
    >>> again, new_again = jobs.accept(sha256="ab" * 32, filename="b.txt", format="text", size=3, strategy="rules", by="wang")
    >>> (new, new_again, again.id == first.id, again.filename, jobs.in_flight("li"))
    (True, False, True, 'a.txt', 1)

The same document posted again (by anyone, under any name) is the first extraction.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Collection, Mapping
from dataclasses import asdict, dataclass
from typing import Any, Literal

from ..errors import NotFound
from . import write
from .packing import unpack
from .store import Store

State = Literal["queued", "running", "done", "failed"]
WAITING = ("queued", "running")
# rowid: the order they were accepted in, which the seconds of `submitted_at` do not always tell.
_IN_TURN = "SELECT {columns} FROM extractions WHERE state = 'queued' {person} ORDER BY submitted_by, submitted_at, rowid LIMIT 1"

_COLUMNS = (
    "id, sha256, filename, format, size, strategy, state, submitted_by, submitted_at, started_at, finished_at,"
    " attempts, run_id, status, error"
)


@dataclass(frozen=True)
class Extraction:
    id: str
    sha256: str
    filename: str  # as the client named it (a name only: it never reaches the file system)
    format: str  # as the content says
    size: int
    strategy: str
    state: State
    submitted_by: str
    submitted_at: str
    started_at: str | None
    finished_at: str | None
    attempts: int  # times a worker took it up: more than one after a restart or a crashed worker
    run_id: int | None  # the run whose result answers it, once done
    status: str | None  # the document's status when it was done (its corrections applied)
    error: str | None  # why it failed, for a failed extraction

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class Extractions:
    """The `extractions` table of a store; writes go through the store's own write lock."""

    def __init__(self, store: Store) -> None:
        self.store = store

    @property
    def db(self) -> sqlite3.Connection:
        return self.store.db

    def accept(
        self, *, sha256: str, filename: str, format: str, size: int, strategy: str, by: str  # noqa: A002 - the column
    ) -> tuple[Extraction, bool]:
        """Record an accepted document; (the extraction, True) — or the first extraction of the
        same document with this strategy and False."""
        with self.store._write():
            cur = self.db.execute(
                "INSERT OR IGNORE INTO extractions (id, sha256, filename, format, size, strategy, state, submitted_by,"
                " submitted_at) VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?)",
                (uuid.uuid4().hex, sha256, filename, format, size, strategy, by, self.store._now()),
            )
            new = cur.rowcount == 1
            row = self.db.execute(f"SELECT {_COLUMNS} FROM extractions WHERE sha256 = ? AND strategy = ?", (sha256, strategy)).fetchone()
        return Extraction(*row), new

    def get(self, id: str) -> Extraction:  # noqa: A002 - the column
        row = self.db.execute(f"SELECT {_COLUMNS} FROM extractions WHERE id = ?", (id,)).fetchone()
        if row is None:
            raise NotFound(f"no extraction {id}")
        return Extraction(*row)

    def of_document(self, sha256: str) -> list[Extraction]:
        rows = self.db.execute(f"SELECT {_COLUMNS} FROM extractions WHERE sha256 = ? ORDER BY submitted_at, id", (sha256,))
        return [Extraction(*r) for r in rows]

    def in_flight(self, by: str) -> int:
        """How many of this person's extractions are waiting or being read."""
        (n,) = self.db.execute(
            "SELECT count(*) FROM extractions WHERE submitted_by = ? AND state IN ('queued', 'running')", (by,)
        ).fetchone()
        return n

    def counts(self) -> dict[str, int]:
        return dict(self.db.execute("SELECT state, count(*) FROM extractions GROUP BY state").fetchall())

    def next_in_turn(self, after: str | None = None) -> Extraction | None:
        """The queued extraction whose turn it is, left queued: the oldest of the first person,
        by name, after `after` (the person served last), else of the first person. People take
        turns, so one person's hundred documents do not hold back another's one."""
        if after is not None:
            row = self.db.execute(_IN_TURN.format(columns=_COLUMNS, person="AND submitted_by > ?"), (after,)).fetchone()
            if row is not None:
                return Extraction(*row)
        row = self.db.execute(_IN_TURN.format(columns=_COLUMNS, person="")).fetchone()
        return Extraction(*row) if row is not None else None

    def take(self, id: str) -> Extraction | None:  # noqa: A002 - the column
        """Mark a queued extraction running (None: it is not queued)."""
        with self.store._write():
            taken = self.db.execute(
                "UPDATE extractions SET state = 'running', started_at = ?, attempts = attempts + 1"
                " WHERE id = ? AND state = 'queued'",
                (self.store._now(), id),
            ).rowcount
        return self.get(id) if taken else None

    def requeue(self, ids: Collection[str]) -> None:
        """Running extractions whose reading could not be kept go back to the queue."""
        with self.store._write():
            self.db.executemany("UPDATE extractions SET state = 'queued' WHERE id = ? AND state = 'running'", [(i,) for i in ids])

    def requeue_unfinished(self) -> int:
        """At start: whatever was running when the service stopped is read again."""
        with self.store._write():
            return self.db.execute("UPDATE extractions SET state = 'queued' WHERE state = 'running'").rowcount

    def finish(self, id: str, *, run_id: int | None, status: str) -> None:  # noqa: A002 - the column
        with self.store._write():
            self.db.execute(
                "UPDATE extractions SET state = 'done', finished_at = ?, run_id = ?, status = ?, error = NULL WHERE id = ?",
                (self.store._now(), run_id, status, id),
            )

    def finish_if_read(self, extraction: Extraction, fingerprint: Mapping[str, Any]) -> bool:
        """Finish an extraction at once if the store has read its document with this
        configuration already (the name it came under is recorded); False: it needs reading."""
        run = self.store._run(fingerprint, create=False)
        if run is None or not write.has_result(self.db, extraction.sha256, run):
            return False
        self.store.skip(extraction.sha256, fingerprint, path=extraction.filename)
        self.finish(extraction.id, run_id=run, status=self.store.current(extraction.sha256).status)
        return True

    def fail(self, id: str, error: str) -> None:  # noqa: A002 - the column
        with self.store._write():
            self.db.execute(
                "UPDATE extractions SET state = 'failed', finished_at = ?, error = ? WHERE id = ?",
                (self.store._now(), error, id),
            )

    def result_json(self, extraction: Extraction) -> str | None:
        """The result that answers a done extraction, as its run read it: its JSON, as stored."""
        if extraction.state != "done" or extraction.run_id is None:
            return None
        return unpack(write.kept_result(self.db, extraction.sha256, extraction.run_id))


__all__ = ["Extraction", "Extractions", "State", "WAITING"]
