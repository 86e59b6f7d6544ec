"""What an extraction path (rules or LLM) hands on: one reading per cell, grouped by table."""

from __future__ import annotations

from dataclasses import dataclass, field

from verify.layout import order_keys

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

    @classmethod
    def of(
        cls, v: Value, loc: Location | None, note: str | None = None, ambiguous: bool = False, confidence: float | None = None
    ) -> Reading:
        notes = "; ".join(n for n in (v.note, note) if n) or None
        return cls(v.value, v.kind, v.raw, loc, notes, ambiguous, confidence)

    @classmethod
    def missing(cls, note: str) -> Reading:
        return cls(None, "missing", "", None, note)


@dataclass
class TableReading:
    table: str  # "s2" | "s3" | "s4"
    layout: str | None  # "2019" | "2021" | "mixed" | None when it could not be told
    found: bool
    cells: dict[str, Reading] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

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

    def values(self) -> dict[str, int | float | None]:
        return {k: r.value for k, r in self.readings().items()}
