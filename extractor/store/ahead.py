"""What adding a result will make of it and of its organ's neighbouring years, worked out ahead
by the worker that read it, from a read-only look at the store.

A report with the year before or after of its organ in the store is weighed with them, and
they with it: each result parsed, weighed and serialised again. Done by the batch's one writer,
that was most of its time, and the writer's time is what bounds a second worker. So a worker
works it out as the store stood when it looked (`ahead`), and says on what (`write.Basis`);
the writer takes that work only if the store still holds the same (`Store.add_rows`), and
otherwise does it itself: a neighbour added since the worker looked, a correction made
meanwhile, a review someone changed. What is stored is the same either way.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from verify import crossyear

from ..models import Result
from . import write
from .rows import Rows, Standing, standing


@dataclass(frozen=True)
class Neighbour:
    """A stored document of a neighbouring year, as it will stand with the new one added."""

    basis: write.Basis
    now: Standing | None  # None: it stands as it did


@dataclass(frozen=True)
class Ahead:
    basis: write.Basis
    now: Standing
    neighbours: dict[str, Neighbour]  # by sha256


def look(path: str) -> sqlite3.Connection | None:
    """A read-only connection to the store at `path` (None if it cannot be had: then the
    writer does the work, as it would for a pool on another machine)."""
    if path == ":memory:":
        return None
    try:
        return sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, isolation_level=None, timeout=1)
    except sqlite3.Error:
        return None


def ahead(db: sqlite3.Connection, result: Result, rows: Rows) -> Ahead | None:
    """`result` (read, not yet added) and its neighbouring years as they will stand once it is
    added to the store that `db` reads; None if it will stand as read, or if the store cannot
    be read now (the writer then looks itself)."""
    try:
        db.execute("BEGIN")  # one snapshot for every read below
        try:
            return _ahead(db, result, rows)
        finally:
            db.execute("COMMIT")
    except sqlite3.Error:
        return None


def _ahead(db: sqlite3.Connection, result: Result, rows: Rows) -> Ahead | None:
    if write.stands_as_read(db, rows):
        return None
    on = write.basis(db, rows.sha256, rows.organ, rows.year)
    current, applied, differs = write.weighed(result, on)
    now = standing(current, applied, differs=differs)
    values = on.corrections[0]
    cells = {k: values.get(k, result.cells[k]) for k in crossyear.KEYS if k in result.cells}
    arriving = write.Arriving(rows.sha256, rows.organ, rows.year, rows.path, cells)
    return Ahead(on, now, {sha: _neighbour(db, sha, arriving) for sha in now.related})


def _neighbour(db: sqlite3.Connection, sha256: str, arriving: write.Arriving) -> Neighbour:
    run, extracted_json, before = write.stored(db, sha256)
    extracted = Result.model_validate_json(extracted_json)
    on = write.basis(db, sha256, extracted.organ, extracted.year, stored=True, arriving=arriving)
    current, applied, differs = write.weighed(extracted, on)
    text = current.model_dump_json()  # serialised as what is stored: equal text when nothing changed
    return Neighbour(on, None if text == before else standing(current, applied, differs=differs, text=text))
