"""A person's decision taken back, and a resolved review opened again: rows written on a
connection inside a transaction the caller (`Store`) holds.

A decision is what one `Store.resolve` did: the corrections it made and, when the document
then verified or was accepted, its resolution. Its events carry the version of the review it
was made on, and each correction's id, so it can be undone: while the review stands as that
decision left it, its corrections are withdrawn (the value before them counts again) and the
review is open again. Nothing of it leaves the event log: the decision's events stay, and a
`decision_undone` event says who took it back and what it withdrew. A resolved review may
also be reopened, its corrections kept, to be looked at again (`reopened`).
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from typing import Any

from ..errors import BadInput, Conflict
from ..models import Number, Result
from . import write
from .rows import current_columns

DECISIONS = ("cell_corrected", "review_resolved", "accepted")
_REOPENED = {"state": "open", "resolution": None, "reviewer": None, "note": None, "resolved_at": None}


def clock_time(at: str) -> str:
    when = datetime.fromisoformat(at)
    return f"{when:%H:%M} on {when:%Y-%m-%d} (UTC)"


def changed(row: sqlite3.Row, yours: int) -> str:
    """A stale decision's refusal: who changed the review since the version the person saw."""
    return (
        f"changed by {row['changed_by']} at {clock_time(row['changed_at'])}: the review of {row['sha256'][:12]}"
        f" is at version {row['version']}, yours is {yours}; reload it and decide again"
    )


def _fresh(row: sqlite3.Row, version: int | None) -> None:
    if version is not None and row["version"] != version:
        raise Conflict(changed(row, version))


def _columns(db: sqlite3.Connection, row: sqlite3.Row, reviewer: str, at: str) -> tuple[dict[str, Any], Result]:
    """The review's columns as the document now stands (its corrections now applied), open
    again, still showing what it showed."""
    extracted = write.load_result(db, row["sha256"], row["run_id"])
    current, _, differs = write.current_of(db, extracted)
    columns = current_columns(current, also_questioned=json.loads(row["questioned"])) | _REOPENED | {
        "corrected": current.model_dump_json() if differs else None, "changed_at": at, "changed_by": reviewer,
    }  # fmt: skip
    return columns, current


def _write(db: sqlite3.Connection, row: sqlite3.Row, columns: dict[str, Any]) -> None:
    if not write.write_review(db, row["sha256"], columns, version=row["version"]):
        cur = db.cursor()
        cur.row_factory = sqlite3.Row
        raise Conflict(changed(cur.execute("SELECT * FROM reviews WHERE sha256 = ?", (row["sha256"],)).fetchone(), row["version"]))


def reopen(db: sqlite3.Connection, row: sqlite3.Row, *, reviewer: str, at: str, note: str | None, version: int | None) -> None:
    """Open a resolved review again, its corrections kept."""
    _fresh(row, version)
    sha = row["sha256"]
    if row["state"] != "resolved":
        raise Conflict(f"the review of {sha[:12]} is open already (changed by {row['changed_by']} at {clock_time(row['changed_at'])})")
    columns, _ = _columns(db, row, reviewer, at)
    columns["why"] = f"reopened by {reviewer}" + (f": {note}" if note else "")
    _write(db, row, columns)
    write.event(db, at, reviewer, "reopened", sha256=sha, run_id=row["run_id"], note=note, was=row["resolution"])


def undo(db: sqlite3.Connection, row: sqlite3.Row, *, reviewer: str, at: str, version: int | None) -> dict[str, Number | None]:
    """Take back the review's latest decision while it stands as that decision left it; returns
    the values withdrawn, by cell."""
    _fresh(row, version)
    sha = row["sha256"]
    made, events = _last_decision(db, sha)
    if made is None:
        raise BadInput(f"nothing to undo: no decision on {sha[:12]} can be taken back")
    if row["version"] != made + 1:
        raise Conflict(
            f"the review of {sha[:12]} changed since its last decision (by {row['changed_by']} at"
            f" {clock_time(row['changed_at'])}): nothing was undone; reload it"
        )
    ids = [e["correction"] for action, _, e in events if action == "cell_corrected" and "correction" in e]
    withdrawn = {key: e.get("value") for action, key, e in events if action == "cell_corrected"}
    db.executemany("DELETE FROM corrections WHERE id = ?", [(i,) for i in ids])
    columns, _ = _columns(db, row, reviewer, at)
    columns["why"] = f"{reviewer} took back the decision of {row['changed_by']}"
    _write(db, row, columns)
    write.event(
        db, at, reviewer, "decision_undone", sha256=sha, run_id=row["run_id"], version=made, withdrawn=withdrawn,
        was=row["resolution"] or "open", by=row["changed_by"],
    )  # fmt: skip
    return withdrawn


def _last_decision(db: sqlite3.Connection, sha256: str) -> tuple[int | None, list[tuple[str, str | None, dict[str, Any]]]]:
    """The version of the review the latest decision was made on, and its events."""
    marks = ", ".join("?" for _ in DECISIONS)
    rows = db.execute(
        f"SELECT action, key, detail FROM events WHERE sha256 = ? AND action IN ({marks}, 'decision_undone')"
        " AND json_extract(detail, '$.version') IS NOT NULL ORDER BY id",
        (sha256, *DECISIONS),
    ).fetchall()
    decoded = [(action, key, json.loads(detail)) for action, key, detail in rows]
    undone = {e["version"] for action, _, e in decoded if action == "decision_undone"}
    standing = [e for e in decoded if e[0] != "decision_undone" and e[2]["version"] not in undone]
    if not standing:
        return None, []
    made = standing[-1][2]["version"]
    return made, [e for e in standing if e[2]["version"] == made]


__all__ = ["DECISIONS", "changed", "clock_time", "reopen", "undo"]
