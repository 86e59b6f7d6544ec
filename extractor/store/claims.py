"""Claims: a reviewer's hold on the document they are looking at, which ends by itself.

Opening a document in review claims it for `MINUTES`; meanwhile another reviewer's "next"
passes over it (`queue.Seen`) and its page says who holds it. A reviewer holds one document at
a time: claiming one lets go of the one before, a decision lets go of it, and a claim that is
not renewed lapses. A claim is advice, not a lock: a decision on a document someone else holds
is taken like any other (the review's version is what refuses a stale one).

Times are the store's ISO 8601 UTC text, which sorts as time does.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

MINUTES = 15


@dataclass(frozen=True)
class Claim:
    sha256: str
    reviewer: str
    claimed_at: str
    expires_at: str


def _text(at: datetime) -> str:
    return at.isoformat(timespec="seconds")


def holder(db: sqlite3.Connection, sha256: str, now: str) -> Claim | None:
    """Who holds the document at `now`, if anyone."""
    row = db.execute(
        "SELECT sha256, reviewer, claimed_at, expires_at FROM claims WHERE sha256 = ? AND expires_at > ?", (sha256, now)
    ).fetchone()
    return Claim(*row) if row else None


def holders(db: sqlite3.Connection, shas: list[str], now: str) -> dict[str, Claim]:
    """Who holds each of these documents at `now` (those no one holds are left out)."""
    if not shas:
        return {}
    marks = ", ".join("?" for _ in shas)
    rows = db.execute(
        f"SELECT sha256, reviewer, claimed_at, expires_at FROM claims WHERE sha256 IN ({marks}) AND expires_at > ?", [*shas, now]
    )
    return {row[0]: Claim(*row) for row in rows}


def claim(db: sqlite3.Connection, sha256: str, reviewer: str, at: datetime, minutes: int = MINUTES) -> Claim:
    """Take or renew `reviewer`'s claim on the document, letting go of their others; if someone
    else holds it, nothing changes and theirs is returned. The caller holds the write."""
    held = holder(db, sha256, _text(at))
    if held is not None and held.reviewer != reviewer:
        return held
    db.execute("DELETE FROM claims WHERE reviewer = ? AND sha256 != ?", (reviewer, sha256))
    since = held.claimed_at if held is not None else _text(at)
    until = _text(at + timedelta(minutes=minutes))
    db.execute(
        "INSERT INTO claims (sha256, reviewer, claimed_at, expires_at) VALUES (?, ?, ?, ?) ON CONFLICT (sha256) DO UPDATE"
        " SET reviewer = excluded.reviewer, claimed_at = excluded.claimed_at, expires_at = excluded.expires_at",
        (sha256, reviewer, since, until),
    )
    return Claim(sha256, reviewer, since, until)


def release(db: sqlite3.Connection, sha256: str) -> None:
    """The document is no one's any more (it was decided)."""
    db.execute("DELETE FROM claims WHERE sha256 = ?", (sha256,))


__all__ = ["MINUTES", "Claim", "claim", "holder", "holders", "release"]
