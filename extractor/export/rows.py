"""What every export writes, read from the store one document at a time: each document as it
stands (the `current_results` view) and its cells as they stand (`current_cells`: a person's
correction over the reading), in the template's order, with the labels the template prints.

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

from ..models import Number
from ..store import CurrentCell, Store

DOCUMENT_COLUMNS = ("document", "sha256", "format", "organ", "year", "template", "status", "reasons")
CELL_COLUMNS = ("table", "row", "column", "key", "value", "state", "method", "corrected", "corrected_by")


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

    def row(self) -> dict[str, Any]:
        """The document's own columns (reasons as one line of their messages)."""
        return {
            "document": self.path, "sha256": self.sha256, "format": self.format, "organ": self.organ,
            "year": self.year, "template": self.template, "status": self.status,
            "reasons": "; ".join(r["message"] for r in self.reasons),
        }  # fmt: skip

    def questioned(self) -> dict[str, list[str]]:
        """The cells the reasons name, each with the messages naming it."""
        out: dict[str, list[str]] = {}
        for reason in self.reasons:
            for key in reason.get("cells", []):
                out.setdefault(key, []).append(reason["message"])
        return out

    def values(self) -> dict[str, Number | None]:
        return {c.key: c.value for c in self.cells}


def documents(store: Store) -> Iterator[Document]:
    """Every document as it stands, by hash."""
    rows = store.db.execute(
        "SELECT sha256, path, format, organ, year, template, status, reasons FROM current_results ORDER BY sha256"
    )
    for sha, path, fmt, organ, year, template, status, reasons in rows:
        cells = {c.key: c for c in store.current_cells(sha)}
        yield Document(
            sha, path, fmt, organ, year, template, status, json.loads(reasons) if reasons else [],
            [cells[k] for k in order_keys(list(cells))],
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
