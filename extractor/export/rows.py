"""What every export writes, read from the store one document at a time: each document as it
stands (the `current_results` view) and its cells as they stand (`current_cells`: a person's
correction over the reading), in the template's order, with the labels the template prints.

Each document carries its review as it stands: `review` is "open", "corrected", "accepted as
printed", or empty when no person decided anything (no review was needed, or a later reading
verified it); `reviewer`, `review_note` and `reviewed_at` are the decision's. A document a
reviewer accepted as printed keeps the status its numbers give (`needs_review`: they do not
add up as printed) and says beside it that a person cleared it. `corrected_cells` names the
cells a person corrected (each cell's own row says so too, in the long format).

Nothing is gathered: a document and its cells are read, given out, and forgotten, so an export
of 100,000 documents holds one document at a time.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from verify.fields import FIELD, label
from verify.layout import order_keys

from ..models import Number, Result
from ..store import CurrentCell, Store
from ..store.packing import standing_json

DOCUMENT_COLUMNS = (
    "document", "sha256", "format", "organ", "year", "template", "status",
    "review", "reviewer", "review_note", "reviewed_at", "corrected_cells", "reasons",
)  # fmt: skip
# A resolved review's resolution, in words; one closed by a later reading ("verified") needed no
# person, and says nothing.
REVIEW_WORDS = {"corrected": "corrected", "accepted": "accepted as printed"}
CELL_COLUMNS = ("table", "row", "column", "key", "value", "state", "method", "corrected", "corrected_by")


@dataclass(frozen=True)
class Decision:
    """A document's review as it stands: what a person decided, who, when, and why."""

    review: str  # "", "open", "corrected", "accepted as printed"
    reviewer: str | None = None
    note: str | None = None
    at: str | None = None

    @classmethod
    def of(cls, state: str | None, resolution: str | None, reviewer: str | None, note: str | None, at: str | None) -> Decision:
        if state == "open":
            return cls("open")
        word = REVIEW_WORDS.get(resolution or "")
        return cls(word, reviewer, note, at) if word else cls("")


@dataclass(frozen=True)
class Document:
    sha256: str
    path: str
    format: str | None
    organ: str | None
    year: int | None
    template: str | None
    status: str
    reasons: list[dict[str, Any]]  # [{"code", "message", "cells"}], as the document stands
    cells: list[CurrentCell]  # in the dictionary's order
    decision: Decision = Decision("")
    result: Result | None = None  # the whole result as it stands, when asked for (`documents(results=True)`)
    # The organ the printed name belongs to (`store.organs`): its id and canonical name, one for
    # all the names it was printed under; None where the store has no organ for the name.
    organ_id: str | None = None
    organ_name: str | None = None

    def row(self) -> dict[str, Any]:
        """The document's own columns (reasons as one line of their messages)."""
        d = self.decision
        return {
            "document": self.path, "sha256": self.sha256, "format": self.format, "organ": self.organ,
            "year": self.year, "template": self.template, "status": self.status,
            "review": d.review, "reviewer": d.reviewer, "review_note": d.note, "reviewed_at": d.at,
            "corrected_cells": " ".join(self.corrected()),
            "reasons": "; ".join(r["message"] for r in self.reasons),
        }  # fmt: skip

    def questioned(self) -> dict[str, list[str]]:
        """The cells the reasons name, each with the messages naming it."""
        out: dict[str, list[str]] = {}
        for reason in self.reasons:
            for key in reason.get("cells", []):
                out.setdefault(key, []).append(reason["message"])
        return out

    def corrected(self) -> list[str]:
        """The cells a person corrected, in the dictionary's order."""
        return [c.key for c in self.cells if c.corrected]

    def values(self) -> dict[str, Number | None]:
        return {c.key: c.value for c in self.cells}


def documents(store: Store, *, results: bool = False, by_organ: bool = False) -> Iterator[Document]:
    """Every document as it stands, by hash (`by_organ`: by organ, year and path, an organ's
    documents together). `results`: each with its whole result as it stands (its checks, the
    likely culprits, its neighbouring years), parsed from the store."""
    whole = ", r.result, CASE WHEN v.run_id = c.run_id THEN v.corrected END" if results else ""
    # By organ: one organ's documents together, whichever of its names each was printed under.
    order = "ifnull(o.name, ifnull(c.organ, '')), o.organ_id, ifnull(c.year, 0), c.path, c.sha256" if by_organ else "c.sha256"
    rows = store.db.execute(
        "SELECT c.sha256, c.path, c.format, c.organ, c.year, c.template, c.status, c.reasons,"
        f" c.review, c.resolution, v.reviewer, v.note, v.resolved_at, o.organ_id, o.name{whole}"
        " FROM current_results c LEFT JOIN reviews v ON v.sha256 = c.sha256"
        " LEFT JOIN organ_names n ON n.name = c.organ LEFT JOIN organs o ON o.organ_id = n.organ_id"
        f"{' JOIN results r ON r.id = c.result_id' if results else ''} ORDER BY {order}"
    )
    for sha, path, fmt, organ, year, template, status, reasons, state, resolution, reviewer, note, at, oid, oname, *kept in rows:
        cells = {c.key: c for c in store.current_cells(sha)}
        yield Document(
            sha, path, fmt, organ, year, template, status, json.loads(reasons) if reasons else [],
            [cells[k] for k in order_keys(list(cells))], Decision.of(state, resolution, reviewer, note, at),
            Result.model_validate_json(standing_json(*kept)) if kept else None, oid, oname,
        )  # fmt: skip


def cell_row(doc: Document, cell: CurrentCell) -> dict[str, Any]:
    """One row of the long format: the document's hash (its columns are in the documents file,
    once, not on each of its two hundred rows), then the cell's."""
    printed = label(cell.key, doc.template if doc.template in ("2019", "2021") else None)
    return {
        "sha256": doc.sha256, "table": printed.table, "row": printed.row, "column": printed.column, "key": cell.key,
        "value": cell.value, "state": cell.state, "method": cell.method, "corrected": cell.corrected,
        "corrected_by": cell.reviewer if cell.corrected else None,
    }  # fmt: skip


def long_rows(store: Store) -> Iterator[dict[str, Any]]:
    for doc in documents(store):
        for cell in doc.cells:
            yield cell_row(doc, cell)


def document_rows(store: Store) -> Iterator[dict[str, Any]]:
    """A row per document: the long format's documents file, joined to its cells by `sha256`."""
    for doc in documents(store):
        yield doc.row()


WIDE_KEYS = tuple(FIELD)  # every key of either template, in the dictionary's order


def wide_rows(store: Store) -> Iterator[dict[str, Any]]:
    """One row per document, a column per key (empty where its template prints no such cell)."""
    for doc in documents(store):
        values = doc.values()
        yield doc.row() | {key: values.get(key) for key in WIDE_KEYS}


def columns(wide: bool) -> tuple[str, ...]:
    return DOCUMENT_COLUMNS + WIDE_KEYS if wide else LONG_COLUMNS


LONG_COLUMNS = ("sha256", *CELL_COLUMNS)
