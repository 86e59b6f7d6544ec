"""The result of extracting one document: the pydantic model at the project's boundary.

Everything the CLI prints, the service returns and the review queue stores is a `Result`.
`cells` follows the canonical field dictionary exactly; everything else explains it.
"""

from __future__ import annotations

from typing import Any, Literal, Union

from pydantic import BaseModel, Field

Status = Literal["verified", "needs_review", "failed"]
Number = Union[int, float]


class Source(BaseModel):
    path: str
    sha256: str | None = None
    format: str | None = None
    encoding: str | None = None
    pages: int | None = None


class Provenance(BaseModel):
    """Where one cell's value came from, and in what state the cell was printed."""

    kind: Literal["number", "zero", "blank", "placeholder", "text", "missing"]
    raw: str = ""
    location: dict[str, Any] | None = None
    method: str = "rules"
    note: str | None = None
    ambiguous: bool = False


class Check(BaseModel):
    rule: str
    check: str
    status: Literal["pass", "fail", "not_assessable", "warn"]
    severity: Literal["hard", "structure", "heuristic"]
    cells: list[str]
    left: Number | None = None
    right: Number | None = None
    diff: Number | None = None
    message: str
    blank_cells: list[str] = Field(default_factory=list)
    holds_if_blank_zero: bool | None = None
    blank_would_be: Number | None = None


class Culprit(BaseModel):
    """A hint: changing this one cell to `would_be` makes every failing identity hold."""

    cell: str
    current: Number
    would_be: Number
    fixes: list[str]


class Reason(BaseModel):
    """Why a document is not verified. `code` is stable; `cells` name what to look at."""

    code: Literal[
        "unreadable",
        "no_table",
        "table_missing",
        "cells_not_read",
        "identity_failed",
        "identity_not_assessable",
        "structure",
        "ambiguous_reading",
        "methods_disagree",
        "fallback",
    ]
    message: str
    cells: list[str] = Field(default_factory=list)


class TableInfo(BaseModel):
    found: bool
    layout: str | None = None
    notes: list[str] = Field(default_factory=list)


class Result(BaseModel):
    source: Source
    organ: str | None = None
    year: int | None = None
    template: Literal["2019", "2021", "mixed"] | None = None
    status: Status
    reasons: list[Reason] = Field(default_factory=list)
    cells: dict[str, Number | None] = Field(default_factory=dict)
    checks: list[Check] = Field(default_factory=list)
    culprits: list[Culprit] = Field(default_factory=list)
    tables: dict[str, TableInfo] = Field(default_factory=dict)
    provenance: dict[str, Provenance] = Field(default_factory=dict)
    notes: list[str] = Field(default_factory=list)
    method: str = "rules"
    # Model tokens spent reading this document; None when no model was called (the rules).
    tokens: int | None = None
    error: str | None = None

    def summary(self) -> dict[str, int]:
        counts = {"pass": 0, "fail": 0, "not_assessable": 0, "warn": 0}
        for c in self.checks:
            counts[c.status] += 1
        return counts
