"""The store as a batch uses it, and nothing more: is a document done, add one read, note one
seen again, commit. The batch's one door to the database.

Only the parent process of a batch holds it: it is the one writer. Writes are committed in
small batches (`Store.batch`), every `every` documents or `seconds` seconds, whichever comes
first, so a killed run loses at most those and a reader (`datasette`, the review queue) sees
the work as it goes. The status a document is given is the one it stands at in the store: its
reading with people's corrections re-applied (`current_results`).

`keep`, the step that stores one document read, is the service's as well (`web.worker`).
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from contextlib import ExitStack
from typing import TYPE_CHECKING, Any

from ..kinds import Status
from .task import Done

if TYPE_CHECKING:  # the store loads only when a batch has one
    from ..limits import Limits
    from ..load.archive import Origin
    from ..store import Store, Stored

Fingerprint = Mapping[str, Any]


def keep(store: Store, done: Done, fingerprint: Fingerprint) -> Stored:
    """Store a document read, by a batch or by the service: as the rows the worker made of it
    (and what it worked out ahead), else (no hash: nothing to store but the event) its result."""
    if done.rows is not None:
        return store.add_rows(done.rows, done.text, fingerprint, ahead=done.ahead)
    if done.result is not None:
        return store.add(done.result, fingerprint)
    return store.add_json(done.text, fingerprint)


class Ledger:
    """`limits`: the run's; a document that failed over a limit this run raises is not done."""

    def __init__(
        self, store: Store, fingerprint: Fingerprint, *, every: int = 50, seconds: float = 1.0, limits: Limits | None = None
    ) -> None:
        self.store = store
        self.fingerprint = fingerprint
        self.limits = limits
        self.skipped = 0  # documents met that were done before: one event for them all, at the end
        self.every = every  # also the most documents a kill can leave written but not committed
        self.seconds = seconds
        self._since = time.monotonic()
        self._open = ExitStack()
        self._open.enter_context(store.batch(every))

    def done(self, sha256: str) -> Status | None:
        """The status of a document read before with this configuration (then: no work)."""
        if not self.store.has_result(sha256, self.fingerprint):
            return None
        row = self.store.db.execute("SELECT status, reasons FROM current_results WHERE sha256 = ?", (sha256,)).fetchone()
        if row is None:
            return None
        if row[0] == "failed" and self.limits is not None and self._lifted(row[1]):
            return None
        return row[0]

    def _lifted(self, reasons: str) -> bool:
        import json

        from ..limits import lifted

        assert self.limits is not None
        return any(r.get("code") == "over_limit" and lifted(r.get("message", ""), self.limits) for r in json.loads(reasons))

    def add(self, done: Done, origins: Sequence[Origin] = ()) -> Status:
        """Keep a document read, and where its bytes are on disk (`origins`: where it was read
        from, a copy kept); its status as it now stands (corrections re-applied)."""
        stored = keep(self.store, done, self.fingerprint)
        if done.sha256 is not None:
            for origin in origins:
                self.store.locate(done.sha256, origin)
        self.commit(due=True)
        return stored.status

    def seen(self, sha256: str, name: str, origins: Sequence[Origin] = ()) -> None:
        """A document read before, met again (perhaps under another name, or elsewhere on disk):
        counted, and told in one event for the run when it ends (`close`)."""
        self.store.skip(sha256, self.fingerprint, path=name, event=False)
        self.skipped += 1
        for origin in origins:
            self.store.locate(sha256, origin)
        self.commit(due=True)

    def commit(self, *, due: bool = False) -> None:
        """Commit what is pending; `due`: only if it has waited `seconds` (the store commits a
        full batch by itself)."""
        if due and time.monotonic() - self._since < self.seconds:
            return
        self.store.commit()
        self._since = time.monotonic()

    def close(self) -> None:
        if self.skipped:
            self.store.skipped_in_run(self.skipped, self.fingerprint)
        self._open.close()  # commits what is pending
        self.store.close()
