"""Step 6, store: every document, run, result, review, correction and event in one SQLite file.

    store       `Store`: open, add results, resolve reviews, read the current state
    queue       the review queue's filters and keyset paging (`Filter`)
    judging     what a review questions; a result with people's corrections, re-verified
    records     the typed records the store hands out
    write       the rows, written one way for every caller
    extractions the documents a service accepted, and what became of each
    migrations  the schema, as numbered migrations (`_migrations`)
    legacy      a database of the version before the store, carried over

The tables (`documents`, `paths`, `runs`, `results`, `cells`, `checks`, `reviews`,
`review_reasons`, `corrections`, `events`, `extractions`) and views (`current_results`, `current_cells`,
`latest_corrections`, `queue`) have plain names and columns, for `sqlite3`, `sqlite-utils`
and `datasette` to read as they are.
"""

from .extractions import Extraction, Extractions
from .queue import Filter
from .records import (
    ACTIONS,
    Correction,
    CurrentCell,
    Event,
    Page,
    QueueItem,
    Review,
    ReviewChange,
    Run,
    Stored,
)
from .store import Fingerprint, Store

__all__ = [
    "ACTIONS",
    "Correction",
    "CurrentCell",
    "Event",
    "Extraction",
    "Extractions",
    "Filter",
    "Fingerprint",
    "Page",
    "QueueItem",
    "Review",
    "ReviewChange",
    "Run",
    "Store",
    "Stored",
]
