"""Whose file is it: the extractor's store, an empty file, or another program's, told without
changing a byte of it.

A store carries the extractor's mark in its header (`PRAGMA application_id`, `APPLICATION_ID`):
every store this version makes, and every older one it upgrades (`m005_application_id`). A store
of an earlier version is known by its `_migrations` table, whose first migration is always
`m001_previous_version`; one of the version before migrations by its two tables, exactly as that
version made them. Anything else that holds tables is another program's, and the store neither
opens it for writing nor migrates it: `--db notes.sqlite` by mistake must not add seventeen tables
to someone's notes.

The header is read as bytes; the tables, where they must be looked at, through a read-only
connection that creates no file beside it (`immutable` for a WAL file no writer has open, whose
`-shm` and `-wal` a plain read-only connection would leave behind).

    >>> inspect(Path("no/such.sqlite")).kind
    'missing'
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

# "GREX", for gov-report-extractor: a fixed 32-bit id, positive as SQLite's signed field reads it.
APPLICATION_ID = 0x47524558

_HEADER = b"SQLite format 3\x00"
_APPLICATION_ID_AT = slice(68, 72)  # the header's field, big-endian (sqlite.org/fileformat.html)
_WAL_FORMAT_AT = 18  # file format read version: 2 is a WAL database
FIRST_MIGRATION = "m001_previous_version"
# The version before migrations: its two tables, column by column, as it created them.
PREVIOUS_VERSION = {
    "results": ("id", "path", "sha256", "status", "organ", "year", "template", "result", "stored_at"),
    "reviews": ("id", "result_id", "state", "resolution", "corrected", "reviewer", "note", "opened_at", "resolved_at"),
}

Kind = Literal["missing", "empty", "blank", "store", "foreign"]


@dataclass(frozen=True)
class Found:
    """`missing`: no file; `empty`: a file of 0 bytes; `blank`: a SQLite database holding
    nothing; `store`: the extractor's, of any version; `foreign`: anything else, `why` saying
    what it is, in words that follow the file's name."""

    kind: Kind
    why: str = ""


def inspect(path: Path) -> Found:
    """What the file at `path` is; nothing is written, beside it or in it."""
    try:
        with path.open("rb") as f:
            head = f.read(100)
    except FileNotFoundError:
        return Found("missing")
    except OSError as e:
        return Found("foreign", f"cannot be read ({e.strerror or e})")
    if not head:
        return Found("empty")
    if len(head) < 100 or not head.startswith(_HEADER):
        return Found("foreign", "not a SQLite database")
    application = int.from_bytes(head[_APPLICATION_ID_AT], "big", signed=True)
    if application == APPLICATION_ID:
        return Found("store")
    if application != 0:
        return Found("foreign", f"another program's SQLite database (application_id {application:#010x}), not the extractor's")
    try:
        return _by_tables(path, wal=head[_WAL_FORMAT_AT] == 2)
    except sqlite3.Error as e:
        return Found("foreign", f"not a SQLite database that can be read ({e})")


def _by_tables(path: Path, *, wal: bool) -> Found:
    db = _look(path, wal=wal)
    try:
        names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name")]
        names = [n for n in names if not n.startswith("sqlite_")]
        if not names and not db.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchone():
            return Found("blank")
        if "_migrations" in names and _first_migration(db) == FIRST_MIGRATION:
            return Found("store")
        if all(_columns(db, table) == columns for table, columns in PREVIOUS_VERSION.items()):
            return Found("store")
    finally:
        db.close()
    held = _listed(names) if names else "no tables but other objects"
    return Found("foreign", f"not a database of the extractor: it holds {held}")


def _look(path: Path, *, wal: bool) -> sqlite3.Connection:
    uri = f"{path.resolve().as_uri()}?mode=ro"
    if wal and not Path(f"{path}-wal").exists():
        uri += "&immutable=1"  # every page is in the file itself, and no -shm or -wal is made
    return sqlite3.connect(uri, uri=True, isolation_level=None, timeout=1)


def _first_migration(db: sqlite3.Connection) -> str | None:
    try:
        row = db.execute("SELECT name FROM _migrations ORDER BY rowid LIMIT 1").fetchone()
    except sqlite3.Error:  # a table of that name with other columns: not ours
        return None
    return row[0] if row else None


def _columns(db: sqlite3.Connection, table: str) -> tuple[str, ...]:
    return tuple(r[1] for r in db.execute("SELECT * FROM pragma_table_info(?)", (table,)))


def _listed(names: list[str], most: int = 5) -> str:
    shown = ", ".join(names[:most])
    more = f" and {len(names) - most} more" if len(names) > most else ""
    return f"the table{'s' if len(names) > 1 else ''} {shown}{more}"


__all__ = ["APPLICATION_ID", "Found", "inspect"]
