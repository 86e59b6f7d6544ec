"""Organ identity: which printed names are one organ, across years and spellings.

    names   a name described: normalised, its places and its office, its level and kind (pure)
    join    which names of a group are one organ, each with how and why (pure)
    table   the `organs` and `organ_names` tables: names placed as they arrive, split, merged,
            a registry's organs over the printed names
    registry  a registry file (organs.csv) read

Cross-year checks and evidence find an organ's other years through `table.same_organ`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from .table import Entry, Known, Moved, Organ, PrintedName, assign, listing, load_registry, merge, names_of, organ_of, same_organ, split

__all__ = [
    "Entry", "Known", "Moved", "Organ", "PrintedName", "assign", "documents", "listing", "load_registry", "merge", "names_of",
    "organ_of", "same_organ", "split",
]  # fmt: skip


def documents(db: sqlite3.Connection, moved: Moved, *, besides: Iterable[str] = ()) -> list[str]:
    """The documents whose organ's other years a move may change: those printed under a name
    that moved, or under any name of an organ a name left or joined (`besides` left out)."""
    names = set(moved.names)
    for organ in moved.organs:
        names |= set(names_of(db, organ))
    if not names:
        return []
    skip = set(besides)
    rows = db.execute(
        f"SELECT sha256 FROM current_results WHERE organ IN ({', '.join('?' for _ in names)}) ORDER BY sha256",
        sorted(names),
    )
    return [sha for (sha,) in rows if sha not in skip]
