"""Step 6, store: every document, run, result, review, correction and event in one SQLite file.

    store       `Store`: open, add results, resolve reviews, read the current state
    queue       the review queue's filters, orders and keyset paging (`Filter`, `ORDERS`)
    judging     what a review questions; a result with people's corrections, re-verified
    suggest     the one-click choices of a questioned cell, and the fix a selection takes at once
    claims      a reviewer's hold on a document, which lapses
    decisions   a decision taken back, a resolved review reopened
    bulk        decisions on a selection: the suggested values taken, or accepted as printed
    records     the typed records the store hands out
    write       the rows, written one way for every caller
    extractions the documents a service accepted, and what became of each
    migrations  the schema, as numbered migrations (`_migrations`)
    identity    whose file it is: the store's mark in the header, another program's database told apart
    legacy      a database of the version before the store, carried over
    organs      which printed names are one organ (`organs`, `organ_names`): cross-year checks follow it

The tables (`documents`, `paths`, `runs`, `results`, `cells`, `checks`, `reviews`,
`review_reasons`, `corrections`, `events`, `extractions`, `claims`, `organs`, `organ_names`) and views (`current_results`, `current_cells`,
`latest_corrections`, `queue`) have plain names and columns, for `sqlite3`, `sqlite-utils`
and `datasette` to read as they are.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .extractions import Extraction, Extractions
    from .bulk import Done, Outcome, Selection
    from .claims import Claim
    from .queue import ORDERS, Filter
    from .records import ACTIONS, Correction, CurrentCell, Event, Page, QueueItem, Review, ReviewChange, Run, Stored
    from .store import Fingerprint, Store

# Each name loads its module when first asked for: a worker process needs `rows` and `ahead`
# alone, and `extract` without a database none of it.
_FROM = {
    "Extraction": "extractions", "Extractions": "extractions", "Filter": "queue", "ORDERS": "queue",
    "Claim": "claims", "Done": "bulk", "Outcome": "bulk", "Selection": "bulk",
    "ACTIONS": "records", "Correction": "records", "CurrentCell": "records", "Event": "records", "Page": "records",
    "QueueItem": "records", "Review": "records", "ReviewChange": "records", "Run": "records", "Stored": "records",
    "Fingerprint": "store", "Store": "store",
}  # fmt: skip


def __getattr__(name: str) -> Any:
    if name not in _FROM:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{_FROM[name]}", __name__), name)


__all__ = sorted(_FROM)
