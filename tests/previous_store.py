"""The previous version's store, frozen: it writes a database as that version did, for the
tests of the migration that upgrades one (a `results` row per extraction, a `reviews` row per
result, the corrected result as JSON on the review). Kept as it was; never used by the code.
`earlier_store` makes a store of a later version that had migrations, up to one of them.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from extractor.models import Provenance, Result
from extractor.reconcile import assess

SCHEMA = """
CREATE TABLE IF NOT EXISTS results (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL,
    sha256 TEXT,
    status TEXT NOT NULL,
    organ TEXT,
    year INTEGER,
    template TEXT,
    result TEXT NOT NULL,
    stored_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS results_sha ON results (sha256);
CREATE TABLE IF NOT EXISTS reviews (
    id INTEGER PRIMARY KEY,
    result_id INTEGER NOT NULL REFERENCES results (id),
    state TEXT NOT NULL CHECK (state IN ('open', 'resolved')),
    resolution TEXT CHECK (resolution IN ('corrected', 'accepted')),
    corrected TEXT,
    reviewer TEXT,
    note TEXT,
    opened_at TEXT NOT NULL,
    resolved_at TEXT
);
CREATE INDEX IF NOT EXISTS reviews_state ON reviews (state);
"""


class PreviousStore:
    def __init__(self, path: str | Path):
        self.db = sqlite3.connect(str(path))
        self.db.executescript(SCHEMA)

    def add(self, result: Result, at: str) -> int | None:
        with self.db:
            cur = self.db.execute(
                "INSERT INTO results (path, sha256, status, organ, year, template, result, stored_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (result.source.path, result.source.sha256, result.status, result.organ, result.year,
                 result.template, result.model_dump_json(), at),
            )  # fmt: skip
            if result.status == "verified":
                return None
            cur = self.db.execute("INSERT INTO reviews (result_id, state, opened_at) VALUES (?, 'open', ?)", (cur.lastrowid, at))
            return cur.lastrowid

    def resolve(self, review_id: int, at: str, *, cells=None, accept=False, reviewer=None, note=None) -> None:
        (text,) = self.db.execute(
            "SELECT results.result FROM reviews JOIN results ON results.id = reviews.result_id WHERE reviews.id = ?",
            (review_id,),
        ).fetchone()
        current = Result.model_validate_json(text)
        corrected = current
        if cells:
            provenance = {**current.provenance}
            for key, value in cells.items():
                old = current.provenance.get(key)
                was = current.cells.get(key)
                provenance[key] = Provenance(
                    kind="blank" if value is None else ("zero" if value == 0 else "number"),
                    raw="" if value is None else str(value),
                    location=old.location if old else None,
                    method="human",
                    note=f"set by {reviewer or 'a reviewer'}" + ("" if was == value else f" (read as {was})"),
                )
            corrected = assess(current.model_copy(update={"cells": {**current.cells, **cells}, "provenance": provenance}))
        closes = accept or corrected.status == "verified"
        with self.db:
            self.db.execute(
                "UPDATE reviews SET corrected = ?, reviewer = ?, note = ?, state = ?, resolution = ?, resolved_at = ?"
                " WHERE id = ?",
                (corrected.model_dump_json() if cells else None, reviewer, note, "resolved" if closes else "open",
                 ("accepted" if accept else "corrected") if closes else None, at if closes else None, review_id),
            )  # fmt: skip

    def close(self) -> None:
        self.db.close()


def earlier_store(path: str | Path, last: str = "m004_extractions") -> None:
    """A store as a version with migrations up to `last` made it: in WAL mode, with its
    `_migrations`, and without the mark in the header that later versions set."""
    from extractor.store.migrations import MIGRATIONS, migrate

    names = [fn.__name__ for fn in MIGRATIONS]
    db = sqlite3.connect(str(path), isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    kept = MIGRATIONS[:]
    MIGRATIONS[:] = MIGRATIONS[: names.index(last) + 1]
    try:
        migrate(db)
    finally:
        MIGRATIONS[:] = kept
    db.close()
