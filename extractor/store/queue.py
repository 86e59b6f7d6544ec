"""Results in a SQLite file, and the queue of documents a person must look at.

Every result is stored; every result that is not verified opens a review. A reviewer either
corrects cells (the corrected result is verified again, and the review closes only if it now
passes) or accepts the document as printed (for a source that itself does not add up), with a
note. Nothing is deleted: the original result stays beside the correction.

    >>> from extractor import extract_file
    >>> store = Store(":memory:")
    >>> review_id = store.add(extract_file("golden/docs/10_shanghai_kewei_2024.md"))
    >>> [r.state for r in store.reviews()]
    ['open']
    >>> store.resolve(review_id, cells={"s3.carried_forward.total": 1}, reviewer="li").state
    'resolved'
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from ..models import Provenance, Result
from ..reconcile import assess

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

State = Literal["open", "resolved"]


class ReviewError(Exception):
    """A review action that cannot be done (unknown id, already resolved, unknown cell)."""


@dataclass
class Review:
    id: int
    state: State
    result: Result  # as extracted
    corrected: Result | None  # after a reviewer's corrections, re-verified
    resolution: str | None
    reviewer: str | None
    note: str | None
    opened_at: str
    resolved_at: str | None

    @property
    def current(self) -> Result:
        return self.corrected or self.result

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "state": self.state,
            "resolution": self.resolution,
            "reviewer": self.reviewer,
            "note": self.note,
            "opened_at": self.opened_at,
            "resolved_at": self.resolved_at,
            "path": self.result.source.path,
            "status": self.current.status,
            "reasons": [r.model_dump() for r in self.current.reasons],
            "result": self.result.model_dump(mode="json"),
            "corrected": self.corrected.model_dump(mode="json") if self.corrected else None,
        }


def _confirmed(result: Result, cells: dict, reviewer: str | None) -> dict[str, Provenance]:
    """Provenance of cells a person set: their word replaces the reading, not the location."""
    out: dict[str, Provenance] = {}
    for key, value in cells.items():
        old = result.provenance.get(key)
        kind = "blank" if value is None else ("zero" if value == 0 else "number")
        was = result.cells.get(key)
        out[key] = Provenance(
            kind=kind,
            raw="" if value is None else str(value),
            location=old.location if old else None,
            method="human",
            note=f"set by {reviewer or 'a reviewer'}" + ("" if was == value else f" (read as {was})"),
        )
    return out


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Store:
    def __init__(self, path: str | Path):
        # One connection per store, usable from the service's worker threads one at a time.
        self.db = sqlite3.connect(str(path), check_same_thread=False)
        self.db.row_factory = sqlite3.Row
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        self.db.close()

    def add(self, result: Result) -> int | None:
        """Store a result; returns the id of the review it opened, or None if verified."""
        with self.db:
            cur = self.db.execute(
                "INSERT INTO results (path, sha256, status, organ, year, template, result, stored_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    result.source.path,
                    result.source.sha256,
                    result.status,
                    result.organ,
                    result.year,
                    result.template,
                    result.model_dump_json(),
                    _now(),
                ),
            )
            if result.status == "verified":
                return None
            cur = self.db.execute(
                "INSERT INTO reviews (result_id, state, opened_at) VALUES (?, 'open', ?)", (cur.lastrowid, _now())
            )
            return cur.lastrowid

    def reviews(self, state: State | None = None) -> list[Review]:
        sql = "SELECT reviews.*, results.result FROM reviews JOIN results ON results.id = reviews.result_id"
        rows = self.db.execute(sql + (" WHERE state = ?" if state else "") + " ORDER BY reviews.id", (state,) if state else ())
        return [self._review(row) for row in rows]

    def review(self, review_id: int) -> Review:
        row = self.db.execute(
            "SELECT reviews.*, results.result FROM reviews JOIN results ON results.id = reviews.result_id"
            " WHERE reviews.id = ?",
            (review_id,),
        ).fetchone()
        if row is None:
            raise ReviewError(f"no review {review_id}")
        return self._review(row)

    def resolve(
        self,
        review_id: int,
        *,
        cells: dict[str, int | float | None] | None = None,
        accept: bool = False,
        reviewer: str | None = None,
        note: str | None = None,
    ) -> Review:
        """Correct cells (re-verified; closes only if the result now verifies) or accept as printed."""
        review = self.review(review_id)
        if review.state == "resolved":
            raise ReviewError(f"review {review_id} is already resolved")
        if not cells and not accept:
            raise ReviewError("give corrected cells, or accept the document as printed")
        current = review.current
        corrected = current
        if cells:
            unknown = sorted(set(cells) - set(current.cells))
            if unknown:
                raise ReviewError(f"not cells of this document: {', '.join(unknown)}")
            corrected = assess(
                current.model_copy(
                    update={
                        "cells": {**current.cells, **cells},
                        "provenance": {**current.provenance, **_confirmed(current, cells, reviewer)},
                    }
                )
            )
        closes = accept or corrected.status == "verified"
        with self.db:
            self.db.execute(
                "UPDATE reviews SET corrected = ?, reviewer = ?, note = ?, state = ?, resolution = ?, resolved_at = ?"
                " WHERE id = ?",
                (
                    corrected.model_dump_json() if cells else None,
                    reviewer,
                    note,
                    "resolved" if closes else "open",
                    ("accepted" if accept else "corrected") if closes else None,
                    _now() if closes else None,
                    review_id,
                ),
            )
        return self.review(review_id)

    def _review(self, row: sqlite3.Row) -> Review:
        corrected = Result.model_validate(json.loads(row["corrected"])) if row["corrected"] else None
        return Review(
            id=row["id"],
            state=row["state"],
            result=Result.model_validate(json.loads(row["result"])),
            corrected=corrected,
            resolution=row["resolution"],
            reviewer=row["reviewer"],
            note=row["note"],
            opened_at=row["opened_at"],
            resolved_at=row["resolved_at"],
        )
