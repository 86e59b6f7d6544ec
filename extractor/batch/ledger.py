"""The store as a batch uses it, and nothing more: is a document done, add one read, note one
seen again, commit. The batch's one door to the database, so the engine does not depend on
how the store keeps things.

Only the parent process of a batch holds it: it is the one writer. Writes are committed in
small batches, every `every` documents or `seconds` seconds, whichever comes first, so a
killed run loses at most those and a reader (`datasette`, the review queue) sees the work as
it goes.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from ..kinds import Status
from ..models import Result
from .task import Done

Fingerprint = Mapping[str, Any]


class Ledger:
    def __init__(self, store: Any, fingerprint: Fingerprint, *, every: int = 50, seconds: float = 1.0) -> None:
        self.store = store
        self.fingerprint = fingerprint
        self.every = every
        self.seconds = seconds
        self._pending = 0
        self._since = time.monotonic()
        store.db.execute("PRAGMA journal_mode = WAL")

    def done(self, sha256: str) -> Status | None:
        """The status this document was given when last read, if it was (then: no work)."""
        row = self.store.db.execute(
            "SELECT status FROM results WHERE sha256 = ? ORDER BY id DESC LIMIT 1", (sha256,)
        ).fetchone()
        return row[0] if row else None

    def add(self, done: Done) -> None:
        self.store.add(done.result or Result.model_validate_json(done.text))
        self._pending += 1
        self.commit(due=True)

    def seen(self, sha256: str, name: str) -> None:
        """A document read before, met again (perhaps under another name)."""

    def close(self) -> None:
        self.commit()
        self.store.close()

    def commit(self, *, due: bool = False) -> None:
        """Commit what is pending; `due`: only if a batch is full or old enough."""
        if due and self._pending < self.every and time.monotonic() - self._since < self.seconds:
            return
        self._pending = 0
        self._since = time.monotonic()
