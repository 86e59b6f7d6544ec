"""What an extraction path (rules or LLM) hands on: one reading per cell, grouped by table."""

from __future__ import annotations

from dataclasses import dataclass, field

from verify.layout import order_keys

from .. import models
from ..load.document import Location
from ..numbers import CellKind, Value


@dataclass
class Reading:
    """One cell as read: its value (None unless a number or zero), its state, its source."""

    value: int | float | None
    kind: CellKind
    raw: str
    loc: Location | None = None
    note: str | None = None
    # Several readings of the source were possible and this one was chosen (e.g. digits
    # written together with no separator, split by plausibility): a human should confirm.
    ambiguous: bool = False
    # The OCR recogniser's confidence in the cells read (the least of them); None off a scan.
    confidence: float | None = None
    # How alike (0-100) the printed label this cell's row was read after is to the template's,
    # when no pattern found the row and it was placed by likeness and order; None otherwise.
    label_match: float | None = None

    @classmethod
    def of(
        cls, v: Value, loc: Location | None, note: str | None = None, ambiguous: bool = False, confidence: float | None = None
    ) -> Reading:
        notes = "; ".join(n for n in (v.note, note) if n) or None
        return cls(v.value, v.kind, v.raw, loc, notes, ambiguous, confidence)

    @classmethod
    def missing(cls, note: str) -> Reading:
        return cls(None, "missing", "", None, note)


CellValue = int | float | None


def weak_note(score: float) -> str:
    """The note of a cell whose row was placed on a label by likeness, not found by a pattern."""
    return f"row label matched by likeness ({score:.0f}/100), not found as printed in the template"


@dataclass(frozen=True)
class Ambiguity:
    """Printed text that allows several readings (digits written together with no separator):
    every reading the source allows, best first, and the one the cells hold.

    It is data, not a verdict: a later rule (the report's prose, the organ's other years) may
    take another reading, and a review page offers each one as a choice.
    """

    keys: tuple[str, ...]  # the cells the raw text spreads over, in printed order
    raw: str  # the source text, as printed
    loc: Location | None  # where that text sits
    readings: tuple[tuple[CellValue, ...], ...]  # one value per key in each reading, best first
    texts: tuple[tuple[str, ...], ...]  # the printed piece behind each value, per reading
    chosen: int = 0  # the reading the cells hold
    basis: str = ""  # what ranked the readings: what the order is worth to a later rule

    def __post_init__(self) -> None:
        if len(self.readings) < 2 or not 0 <= self.chosen < len(self.readings):
            raise ValueError(f"an ambiguity needs two readings or more and a chosen one: {self}")
        if any(len(r) != len(self.keys) for r in (*self.readings, *self.texts)):
            raise ValueError(f"every reading gives one value per key: {self}")

    def to_model(self) -> models.Ambiguity:
        return models.Ambiguity(
            keys=list(self.keys),
            raw=self.raw,
            location=self.loc.to_dict() if self.loc else None,
            readings=[list(r) for r in self.readings],
            texts=[list(t) for t in self.texts],
            chosen=self.chosen,
            basis=self.basis,
        )


@dataclass
class TableReading:
    table: str  # "s2" | "s3" | "s4"
    layout: str | None  # "2019" | "2021" | "mixed" | None when it could not be told
    found: bool
    cells: dict[str, Reading] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    ambiguities: list[Ambiguity] = field(default_factory=list)

    @property
    def read_any(self) -> bool:
        return any(r.kind not in ("missing",) for r in self.cells.values())


@dataclass
class Candidate:
    """A full extraction of one document by one method."""

    method: str  # "rules" | "llm"
    tables: dict[str, TableReading] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def readings(self) -> dict[str, Reading]:
        out: dict[str, Reading] = {}
        for t in ("s2", "s3", "s4"):
            if t in self.tables:
                out.update(self.tables[t].cells)
        return {k: out[k] for k in order_keys(set(out))}

    def ambiguities(self) -> list[Ambiguity]:
        return [a for t in ("s2", "s3", "s4") if t in self.tables for a in self.tables[t].ambiguities]

    def values(self) -> dict[str, int | float | None]:
        return {k: r.value for k, r in self.readings().items()}
