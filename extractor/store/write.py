"""Rows written by the store, on a connection inside a transaction the caller holds.

`Store` and the migration that carries over the previous version's rows both write through
these functions, so a document is recorded one way whichever way it arrives. A later
migration that changes these tables must give that migration frozen copies of what it uses.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from verify import crossyear

from ..load.archive import Origin
from ..models import Number, Related, Result
from ..reconcile import weigh
from .judging import corrected, newly_questioned
from .organs.table import same_organ
from .packing import INSERT_CELL, INSERT_CHECK, Ids, pack, pack_patch, standing_json, unpack
from .records import Action, ReviewChange
from .rows import Rows, Standing, dumps, standing

def event(
    db: sqlite3.Connection,
    at: str,
    actor: str,
    action: Action,
    *,
    sha256: str | None = None,
    run_id: int | None = None,
    key: str | None = None,
    **detail: Any,
) -> None:
    db.execute(
        "INSERT INTO events (at, actor, action, sha256, run_id, key, detail) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (at, actor, action, sha256, run_id, key, dumps(detail)),
    )


def run_id(db: sqlite3.Connection, fingerprint: Mapping[str, Any], at: str) -> int:
    """The run of this configuration, added the first time it is used."""
    key = dumps(dict(fingerprint))
    row = db.execute("SELECT id FROM runs WHERE fingerprint = ?", (key,)).fetchone()
    if row:
        return row[0]
    prompts = fingerprint.get("prompts")
    cur = db.execute(
        "INSERT INTO runs (fingerprint, extractor, strategy, model, mode, prompts, first_used) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            key,
            fingerprint.get("extractor"),
            fingerprint.get("strategy") or "rules",
            fingerprint.get("model"),
            fingerprint.get("mode"),
            dumps(prompts) if prompts is not None else None,
            at,
        ),
    )
    return int(cur.lastrowid)  # type: ignore[arg-type]


def seen(db: sqlite3.Connection, rows: Rows, at: str) -> None:
    """The document, and the path it was seen under this time."""
    db.execute(
        "INSERT INTO documents (sha256, format, size, first_seen) VALUES (?, ?, ?, ?) ON CONFLICT (sha256) DO UPDATE"
        " SET format = coalesce(documents.format, excluded.format), size = coalesce(documents.size, excluded.size)",
        (rows.sha256, rows.format, rows.size, at),
    )
    db.execute("INSERT OR IGNORE INTO paths (sha256, path, first_seen) VALUES (?, ?, ?)", (rows.sha256, rows.path, at))


def located(db: sqlite3.Connection, sha256: str, origin: Origin, at: str) -> None:
    """Where the document's bytes are on disk (`load.archive.Origin`), as of `at`."""
    db.execute(
        "INSERT INTO sources (sha256, file, member, relative, size, mtime, kept, seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (sha256, file, member) DO UPDATE SET relative = excluded.relative, size = excluded.size,"
        " mtime = excluded.mtime, kept = excluded.kept, seen_at = excluded.seen_at",
        (sha256, origin.file, origin.member, origin.relative, origin.size, origin.mtime, int(origin.kept), at),
    )


def has_result(db: sqlite3.Connection, sha256: str, run: int) -> bool:
    return db.execute("SELECT 1 FROM results WHERE sha256 = ? AND run_id = ?", (sha256, run)).fetchone() is not None


def failed_over_limit(db: sqlite3.Connection, sha256: str, run: int) -> bool:
    """Whether the result of `sha256` in `run` is a failure over one of the limits of a document
    (`extractor.limits`): a run that raised that limit read it again, and its reading replaces it."""
    row = db.execute("SELECT status, reasons FROM results WHERE sha256 = ? AND run_id = ?", (sha256, run)).fetchone()
    return row is not None and row[0] == "failed" and any(r.get("code") == "over_limit" for r in json.loads(row[1]))


def drop_result(db: sqlite3.Connection, sha256: str, run: int) -> None:
    """Remove the result of `sha256` in `run`, its cells and checks, before its new reading goes in."""
    row = db.execute("SELECT id FROM results WHERE sha256 = ? AND run_id = ?", (sha256, run)).fetchone()
    if row is None:
        return
    for table in ("cell_values", "check_values"):
        db.execute(f"DELETE FROM {table} WHERE result_id = ?", row)  # noqa: S608 - fixed names
    db.execute("DELETE FROM results WHERE id = ?", row)


def insert_rows(db: sqlite3.Connection, rows: Rows, text: str, run: int, at: str, ids: Ids) -> None:
    """A result as read, given as its rows and its JSON (kept compressed: `packing`)."""
    cur = db.execute(
        "INSERT INTO results (sha256, run_id, path, status, organ, year, template, reasons, result, extracted_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (rows.sha256, run, rows.path, rows.status, rows.organ, rows.year, rows.template, rows.reasons, rows.packed or pack(text), at),
    )
    result = cur.lastrowid
    db.executemany(INSERT_CELL, [(result, ids.key(key), *cell) for key, *cell in rows.cells])
    db.executemany(INSERT_CHECK, [(result, ids.kind(kind), *check) for kind, *check in rows.checks])


def stored(db: sqlite3.Connection, sha256: str) -> tuple[int, str, str]:
    """The document's newest run: its id, the result as read, and as it now stands (JSON)."""
    run, read, now = db.execute(
        "SELECT r.run_id, r.result, v.corrected FROM results r"
        " LEFT JOIN reviews v ON v.sha256 = r.sha256 AND v.run_id = r.run_id"
        " WHERE r.sha256 = ? ORDER BY r.id DESC LIMIT 1",
        (sha256,),
    ).fetchone()
    return run, unpack(read), standing_json(read, now)


def kept_result(db: sqlite3.Connection, sha256: str, run: int | None) -> bytes | str | None:
    """The result of `sha256` in `run` as the store keeps it (`packing`), or None."""
    row = db.execute("SELECT result FROM results WHERE sha256 = ? AND run_id = ?", (sha256, run)).fetchone()
    return row[0] if row else None


def load_result(db: sqlite3.Connection, sha256: str, run: int) -> Result:
    return Result.model_validate_json(unpack(kept_result(db, sha256, run)))  # type: ignore[arg-type]


def latest_corrections(db: sqlite3.Connection, sha256: str) -> tuple[dict[str, Number | None], dict[str, str]]:
    """The value that counts for each corrected cell, and who set it."""
    rows = db.execute("SELECT key, value, reviewer FROM latest_corrections WHERE sha256 = ?", (sha256,)).fetchall()
    return {k: v for k, v, _ in rows}, {k: who for k, _, who in rows}


def with_corrections(db: sqlite3.Connection, result: Result) -> tuple[Result, list[str]]:
    """The result with its document's corrections applied and verified again, and the keys applied."""
    return _corrected(result, latest_corrections(db, result.source.sha256 or ""))


def _corrected(result: Result, corrections: tuple[dict[str, Number | None], dict[str, str]]) -> tuple[Result, list[str]]:
    values, reviewers = corrections
    applied = [k for k in values if k in result.cells]
    if not applied:
        return result, []
    return corrected(result, values, reviewers), applied


def corrected_keys(db: sqlite3.Connection, sha256: str) -> bool:
    """Whether people corrected any cell of the document."""
    return db.execute("SELECT 1 FROM corrections WHERE sha256 = ? LIMIT 1", (sha256,)).fetchone() is not None


@dataclass(frozen=True)
class Arriving:
    """A document about to be added, as its organ's other years will see it once it is."""

    sha256: str
    organ: str | None
    year: int | None
    path: str
    cells: dict[str, Number | None]  # the cells the cross-year checks read, corrections over extraction


def _neighbour_rows(
    db: sqlite3.Connection, sha256: str, organ: str | None, year: int | None, arriving: Arriving | None = None
) -> list[tuple]:
    """(sha256, run, path, year, cells or None) of the organ's results of the year before and after:
    the organ's, under any name it was printed under (`organs`), not the name's alone."""
    if not (organ and year):
        return []
    a = arriving
    names = same_organ(db, organ, arriving=a.organ if a is not None else None)
    rows = [
        (*row, None)
        for row in db.execute(
            "SELECT r.sha256, r.run_id, r.path, r.year FROM results r"
            f" WHERE r.organ IN ({', '.join('?' for _ in names)}) AND r.year IN (?, ?)"
            " AND r.sha256 != ? AND r.id = (SELECT max(n.id) FROM results n WHERE n.sha256 = r.sha256)",
            (*names, year - 1, year + 1, sha256),
        )
    ]
    if a is not None and a.sha256 != sha256 and a.organ in names and a.year in (year - 1, year + 1):
        rows = [row for row in rows if row[0] != a.sha256] + [(a.sha256, None, a.path, a.year, a.cells)]
    return rows


def neighbours(
    db: sqlite3.Connection, sha256: str, organ: str | None, year: int | None, *, arriving: Arriving | None = None
) -> list[Related]:
    """The organ's reports of the year before and the year after, as the store holds them now
    (their newest run, corrections applied), and `arriving` as if it were added. A year with
    two different documents (a report and its revision, say) gives no evidence: which one
    counts is not the store's to say."""
    rows = _neighbour_rows(db, sha256, organ, year, arriving)
    out = []
    for other_year, relation in ((year - 1, "previous"), (year + 1, "next")) if rows and year else ():
        found = [row for row in rows if row[3] == other_year]
        if len(found) != 1:
            continue
        other_sha, run, path, _, given = found[0]
        cells = given if given is not None else cross_year_cells(db, other_sha, run)
        out.append(Related(relation=relation, sha256=other_sha, path=path, year=other_year, cells=cells))  # type: ignore[arg-type]
    return out


def stands_as_read(db: sqlite3.Connection, rows: Rows) -> bool:
    """Whether a result just read stands as it was read: no correction of its document to
    re-apply, no other year of its organ to weigh (so its rows say all, and nothing is parsed)."""
    return (
        not rows.read.related
        and not corrected_keys(db, rows.sha256)
        and not _neighbour_rows(db, rows.sha256, rows.organ, rows.year)
    )


def cross_year_cells(db: sqlite3.Connection, sha256: str, run: int) -> dict[str, Number | None]:
    """The cells of a stored result that the cross-year checks read, corrections over extraction:
    from the cells table, so that weighing a neighbour does not parse its whole result."""
    rows = db.execute(
        "SELECT y.key, CASE WHEN k.sha256 IS NULL THEN c.value ELSE k.value END"
        " FROM results r JOIN cell_values c ON c.result_id = r.id JOIN keys y ON y.id = c.key_id"
        " LEFT JOIN latest_corrections k ON k.sha256 = r.sha256 AND k.key = y.key"
        f" WHERE r.sha256 = ? AND r.run_id = ? AND y.key IN ({', '.join('?' for _ in crossyear.KEYS)})",
        (sha256, run, *crossyear.KEYS),
    ).fetchall()
    found = dict(rows)
    return {key: found[key] for key in crossyear.KEYS if key in found}  # one order, wherever they are read


def weigh_again(db: sqlite3.Connection, sha256: str, *, actor: str, at: str, because: str | None) -> bool:
    """A stored document weighed again with its organ's other years as the store now holds them
    (`because`: the document, if any, whose arrival asks it); its review follows. Returns
    whether it changed."""
    run, extracted, before = stored(db, sha256)
    current, applied, differs = current_of(db, Result.model_validate_json(extracted))
    # Serialised the same way as what is stored, so the texts are equal when nothing changed.
    text = current.model_dump_json()
    if text == before:
        return False
    follow(db, standing(current, applied, differs=differs, text=text), run, actor=actor, at=at)
    event(db, at, actor, "related_years", sha256=sha256, run_id=run, other=because, status=current.status)
    return True


@dataclass(frozen=True)
class Basis:
    """All that a document's current result is worked out from, besides its result as read:
    the organ's neighbouring years and the people's corrections, and (for a stored document)
    which result and which state of its review it was worked out for. Equal bases give equal
    current results, wherever they were worked out (`ahead`)."""

    sha256: str
    organ: str | None
    year: int | None
    related: list[Related]
    corrections: tuple[dict[str, Number | None], dict[str, str]]
    stored: tuple[int, int, int | None] | None = None  # its newest result's row and run, its review's version


def basis(
    db: sqlite3.Connection, sha256: str, organ: str | None, year: int | None, *,
    stored: bool = False, arriving: Arriving | None = None,
) -> Basis:  # fmt: skip
    """A document's basis as the store holds it now (`arriving`: as if that one were added)."""
    row = None
    if stored:
        row = db.execute(
            "SELECT r.id, r.run_id, v.version FROM results r LEFT JOIN reviews v ON v.sha256 = r.sha256"
            " WHERE r.sha256 = ? ORDER BY r.id DESC LIMIT 1",
            (sha256,),
        ).fetchone()
    related = neighbours(db, sha256, organ, year, arriving=arriving)
    return Basis(sha256, organ, year, related, latest_corrections(db, sha256), tuple(row) if row else None)


def weighed(extracted: Result, on: Basis) -> tuple[Result, list[str], bool]:
    """A result as it stands on `on`: the organ's other years weighed (again, if they differ
    from those it weighs already), the corrections applied. Returns it, the corrected keys, and
    whether it differs from the result as read."""
    weighed = extracted if on.related == extracted.related else weigh(extracted, on.related)
    current, applied = _corrected(weighed, on.corrections)
    return current, applied, weighed is not extracted or bool(applied)


def current_of(db: sqlite3.Connection, extracted: Result) -> tuple[Result, list[str], bool]:
    """A stored result as it now stands (`weighed` on its basis in the store)."""
    return weighed(extracted, basis(db, extracted.source.sha256 or "", extracted.organ, extracted.year))


def _kept_review(db: sqlite3.Connection, sha256: str, run: int | None, text: str) -> bytes:
    """A review's result as kept: a patch of the result it reviews (`packing.pack_patch`), or
    whole where that result is not in the store."""
    if run is None:
        row = db.execute("SELECT run_id FROM reviews WHERE sha256 = ?", (sha256,)).fetchone()
        run = row[0] if row else None
    base = kept_result(db, sha256, run)
    return pack_patch(base, text) if base is not None else pack(text)  # type: ignore[return-value]


def write_review(db: sqlite3.Connection, sha256: str, columns: Mapping[str, Any], *, version: int | None = None) -> bool:
    """Insert the review (version None) or update it if it is still at `version`; its reasons index follows.

    Returns False when someone changed it since `version` (nothing is written then)."""
    if isinstance(columns.get("corrected"), str):  # the current result's JSON, where it is not the result as read
        columns = {**columns, "corrected": _kept_review(db, sha256, columns.get("run_id"), columns["corrected"])}
    if version is None:
        names = ", ".join(columns)
        db.execute(
            f"INSERT INTO reviews (sha256, {names}) VALUES (?, {', '.join('?' for _ in columns)})",
            (sha256, *columns.values()),
        )
    else:
        sets = ", ".join(f"{name} = ?" for name in columns)
        cur = db.execute(
            f"UPDATE reviews SET {sets}, version = version + 1 WHERE sha256 = ? AND version = ?",
            (*columns.values(), sha256, version),
        )
        if cur.rowcount == 0:
            return False
    # The reasons index follows the row as it now is, whatever changed.
    db.execute("DELETE FROM review_reasons WHERE sha256 = ?", (sha256,))
    db.execute(
        "INSERT OR IGNORE INTO review_reasons (code, state, doubt, sha256)"
        " SELECT json_extract(j.value, '$.code'), v.state, v.doubt, v.sha256"
        " FROM reviews v, json_each(v.reasons) j WHERE v.sha256 = ?",
        (sha256,),
    )
    return True


def follow(db: sqlite3.Connection, now: Standing, run: int, *, actor: str, at: str) -> ReviewChange | None:
    """Bring the document's review up to its result as it now stands (a new run's, corrections
    re-applied, the organ's other years weighed).

    No review and verified: none is needed, unless the current result must be kept (it differs
    from the result as read): then a resolved one holds it. No review otherwise: one opens. An
    open review now looks at this result, and closes if it verifies. A resolved review stays
    resolved unless this result questions cells it did not; then it reopens and says which.
    """
    sha = now.sha256
    columns = now.columns | {"run_id": run, "corrected": now.kept, "changed_at": at, "changed_by": actor}
    row = db.execute("SELECT state, questioned, version FROM reviews WHERE sha256 = ?", (sha,)).fetchone()
    if row is None:
        if now.status == "verified":
            if now.kept is not None:
                why = "verified; kept to hold its result as the organ's other years weigh it"
                write_review(
                    db, sha, columns | {"state": "resolved", "resolution": "verified", "why": why, "opened_at": at, "resolved_at": at}
                )
            return None
        why = f"run {run}: {now.status.replace('_', ' ')}"
        write_review(db, sha, columns | {"state": "open", "why": why, "opened_at": at})
        event(db, at, actor, "review_opened", sha256=sha, run_id=run, why=why, questioned=json.loads(columns["questioned"]))
        return "opened"
    state, before, version = row
    if state == "open":
        if now.status == "verified":
            resolution = "corrected" if now.applied else "verified"
            write_review(db, sha, columns | {"state": "resolved", "resolution": resolution, "resolved_at": at}, version=version)
            event(db, at, actor, "review_closed", sha256=sha, run_id=run, resolution=resolution)
            return "closed"
        write_review(db, sha, columns, version=version)
        event(db, at, actor, "review_updated", sha256=sha, run_id=run, questioned=json.loads(columns["questioned"]))
        return "updated"
    new = newly_questioned(json.loads(before), json.loads(columns["questioned"]))
    if now.status == "verified" or not new:
        # What it questions was looked at already: the review keeps what the reviewer saw.
        del columns["questioned"], columns["doubt"]
        write_review(db, sha, columns, version=version)
        return "kept"
    why = f"run {run} questions cells not questioned before: {', '.join(new)}"
    reopened = {"state": "open", "resolution": None, "why": why, "reviewer": None, "note": None, "resolved_at": None}
    write_review(db, sha, columns | reopened, version=version)
    event(db, at, actor, "review_reopened", sha256=sha, run_id=run, why=why, newly_questioned=new)
    return "reopened"
