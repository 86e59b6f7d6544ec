"""TEST DOUBLE — a store's connection on a disk that fills up: while `full`, each statement that
would write and matches one of `refuse` fails as SQLite fails on a full disk (SQLITE_FULL,
"database or disk is full"), before it runs; reads go on, as they do on a full disk. A full disk
cannot be had on demand under a test, and SQLite's `max_page_count` only fails a write that
needs a new page, which a small write may not.

    store.db = FullDisk(store.db, refuse=("UPDATE extractions SET state = 'running'",))
"""

from __future__ import annotations

import sqlite3
from typing import Any

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "COMMIT")


def full_error() -> sqlite3.OperationalError:
    error = sqlite3.OperationalError("database or disk is full")
    error.sqlite_errorcode = sqlite3.SQLITE_FULL  # type: ignore[attr-defined]
    error.sqlite_errorname = "SQLITE_FULL"  # type: ignore[attr-defined]
    return error


class FullDisk:
    def __init__(self, db: sqlite3.Connection, *, refuse: tuple[str, ...] = WRITES, full: bool = True) -> None:
        self._db = db
        self.refuse = refuse
        self.full = full
        self.refused = 0  # statements refused so far

    def _check(self, sql: str) -> None:
        text = " ".join(sql.split())
        if self.full and text.upper().startswith(WRITES) and any(text.startswith(r) or text.upper().startswith(r) for r in self.refuse):
            self.refused += 1
            raise full_error()

    def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:
        self._check(sql)
        return self._db.execute(sql, *args)

    def executemany(self, sql: str, *args: Any) -> sqlite3.Cursor:
        self._check(sql)
        return self._db.executemany(sql, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._db, name)
