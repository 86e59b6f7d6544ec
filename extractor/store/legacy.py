"""A database of the version before the store: its rows, carried into the store's tables.

That version kept a `results` row per extraction (the same document again on every run) and
a `reviews` row per result. Here every document gets its newest result under a run for the
configuration it was read with (`extractor` unknown: the version was not recorded, so a run
of today's extractor reads it again once); every person's correction becomes a `corrections`
row, every decision an event at the time it was made, and the document one review, resolved
if a person had resolved it. A result with no content (a missing file) stays as an
`unreadable` event. Older copies of the same reading are named in their `extracted` events.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from typing import Any

from ..models import Result
from . import write
from .judging import questioned
from .rows import current_columns, dumps, rows_of

CARRIED = "carried over"
# The columns of `reviews` as m002 makes them, frozen: the rows carried over are written into
# that table, and the migrations after it fill in the columns they add.
M002_REVIEWS = frozenset({
    "run_id", "state", "resolution", "status", "reasons", "questioned", "doubt", "why", "organ", "year", "template",
    "format", "reviewer", "note", "corrected", "opened_at", "resolved_at", "changed_at", "changed_by", "version",
})  # fmt: skip


def fingerprint_of(result: Result) -> dict[str, Any]:
    llm = result.llm
    return {
        "extractor": None,
        "strategy": result.strategy or "rules",
        "model": llm.model if llm else None,
        "mode": llm.mode if llm else None,
        "prompts": llm.prompts if llm else None,
    }


def _human_cells(corrected_json: str) -> dict[str, Any]:
    corrected = Result.model_validate_json(corrected_json)
    return {k: corrected.cells.get(k) for k, p in corrected.provenance.items() if p.method == "human"}


def carry_over(db: sqlite3.Connection, results: str, reviews: str) -> None:
    now = datetime.now(UTC).isoformat(timespec="seconds")
    events: list[tuple[str, tuple, dict[str, Any]]] = []  # written at the end, in the order they happened
    legacy_reviews: dict[int, list[sqlite3.Row]] = {}
    db.row_factory = sqlite3.Row
    try:
        for row in db.execute(f"SELECT * FROM {reviews} ORDER BY id").fetchall():
            legacy_reviews.setdefault(row["result_id"], []).append(row)
        newest: dict[str, tuple[int, Result]] = {}
        decisions: dict[str, list[sqlite3.Row]] = {}
        for row in db.execute(f"SELECT * FROM {results} ORDER BY id").fetchall():
            result = Result.model_validate_json(row["result"])
            at = row["stored_at"] or now
            sha = result.source.sha256
            if sha is None:
                events.append((at, ("extractor", "unreadable"), {"path": row["path"], "error": result.error, "previous_id": row["id"]}))
                continue
            run = write.run_id(db, fingerprint_of(result), at)
            rows = rows_of(result)
            write.seen(db, rows, at)
            duplicate = write.has_result(db, sha, run)
            if not duplicate:
                _insert_as_m002(db, result, run, at)
                newest[sha] = (run, result)
            detail = {"sha256": sha, "run_id": run, "status": result.status, "path": row["path"], "previous_id": row["id"]}
            events.append((at, ("extractor", "extracted"), detail | ({"copy_of_an_earlier_reading": True} if duplicate else {})))
            decisions.setdefault(sha, []).extend(legacy_reviews.get(row["id"], []))
        for sha, (run, result) in newest.items():
            events += _review(db, sha, run, result, decisions.get(sha, []), now)
    finally:
        db.row_factory = None
    for at, (actor, action), detail in sorted(events, key=lambda e: e[0]):
        write.event(db, at, actor, action, **detail)  # type: ignore[arg-type]


def _insert_as_m002(db: sqlite3.Connection, result: Result, run: int, at: str) -> None:
    """A result as the tables m002 makes hold it: its JSON, and its cells and checks as text
    (the migrations after it make them what they are now). Frozen, as the schema it writes."""
    sha, rows = result.source.sha256, rows_of(result)
    db.execute(
        "INSERT INTO results (sha256, run_id, path, status, organ, year, template, reasons, result, extracted_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (sha, run, rows.path, rows.status, rows.organ, rows.year, rows.template, rows.reasons, result.model_dump_json(), at),
    )
    cells = []
    for key, value in result.cells.items():
        p = result.provenance.get(key)
        if p is None:
            cells.append((sha, run, key, value, "missing", result.method, "", None, 0, None))
        else:
            location = dumps(p.location) if p.location else None
            cells.append((sha, run, key, value, p.kind, p.method, p.raw, location, int(p.ambiguous), p.note))
    db.executemany(
        "INSERT INTO cells (sha256, run_id, key, value, state, method, raw, location, ambiguous, note)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        cells,
    )
    db.executemany(
        "INSERT INTO checks (sha256, run_id, rule, name, status, severity, cells, left_value, right_value, diff, message)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(sha, run, c.rule, c.check, c.status, c.severity, dumps(c.cells), c.left, c.right, c.diff, c.message) for c in result.checks],
    )


def _review(
    db: sqlite3.Connection, sha: str, run: int, result: Result, rows: list[sqlite3.Row], now: str
) -> list[tuple[str, tuple, dict[str, Any]]]:
    events: list[tuple[str, tuple, dict[str, Any]]] = []
    on = {"sha256": sha, "run_id": run}
    for row in rows:
        who = row["reviewer"] or "unknown"
        events.append((row["opened_at"], ("extractor", "review_opened"), on | {"previous_id": row["id"]}))
        if row["state"] != "resolved":
            continue
        at = row["resolved_at"] or row["opened_at"]
        for key, value in (_human_cells(row["corrected"]) if row["corrected"] else {}).items():
            db.execute(
                "INSERT INTO corrections (sha256, key, value, reviewer, at, note) VALUES (?, ?, ?, ?, ?, ?)",
                (sha, key, value, who, at, row["note"]),
            )
            events.append((at, (who, "cell_corrected"), on | {"key": key, "value": value}))
        action = "accepted" if row["resolution"] == "accepted" else "review_resolved"
        events.append((at, (who, action), on | {"note": row["note"]}))
    current, applied = write.with_corrections(db, result)
    if not rows and current.status == "verified":
        return events
    resolved = [r for r in rows if r["state"] == "resolved"]
    last = resolved[-1] if resolved else None
    opened = rows[0]["opened_at"] if rows else now
    ids = ", ".join(f"#{r['id']}" for r in rows)
    shown = questioned(result) if last else []
    corrected_json = current.model_dump_json() if applied else None
    columns = current_columns(current, also_questioned=shown) | {
        "run_id": run,
        "corrected": corrected_json,
        "state": "resolved" if last else "open",
        "resolution": last["resolution"] if last else None,
        "reviewer": (last["reviewer"] or "unknown") if last else None,
        "note": last["note"] if last else None,
        "resolved_at": (last["resolved_at"] or last["opened_at"]) if last else None,
        "why": f"{CARRIED} from the previous version's review {ids}" if rows else f"{CARRIED}: {current.status}",
        "opened_at": opened,
        "changed_at": (last["resolved_at"] if last else None) or opened,
        "changed_by": (last["reviewer"] or "unknown") if last else "extractor",
    }
    write.write_review(db, sha, {k: v for k, v in columns.items() if k in M002_REVIEWS})
    if not rows:
        events.append((now, ("extractor", "review_opened"), on | {"why": columns["why"]}))
    return events


__all__ = ["carry_over", "fingerprint_of"]
