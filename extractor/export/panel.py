"""The panel: one row per organ, year and metric, what a researcher's regression reads.

For each organ (`store.organs`: its names across years and spellings joined) and year, one
document is chosen among those the store holds: a verified one over one that needs review, one
a person corrected or accepted over one nobody looked at, then the latest run's. The others of
that organ-year are named in `duplicates` (a report read from both its .html and its .pdf, a
revision), never added twice. A failed document has no cells and is never chosen; a document
with no organ or no year cannot be placed, and is counted, not guessed.

Each of the chosen document's cells is a row as it stands (a person's correction over the
reading), with the dictionary key (`metric`), the Chinese labels the template prints for it
(`label`), and the document's standing after review: `status`, `review` (open, corrected,
accepted as printed), `reviewer`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from verify.fields import label
from verify.layout import order_keys

from ..store import Store
from ..store.organs import Known as Organ

COLUMNS = (
    "organ_id", "organ", "region", "level", "kind", "year", "template", "metric", "label", "value", "state",
    "corrected", "status", "review", "reviewer", "source", "sha256", "duplicates",
)  # fmt: skip
STATUS_RANK = {"verified": 0, "needs_review": 1, "failed": 2}
# A review's resolution, in words; a review closed by a later run (verified) needed no person.
REVIEW_WORDS = {"corrected": "corrected", "accepted": "accepted as printed"}


@dataclass(frozen=True)
class Candidate:
    """A document that may stand for its organ-year."""

    sha256: str
    path: str
    year: int
    template: str | None
    status: str
    review: str  # "", open, corrected, accepted as printed
    reviewer: str | None
    human: bool  # a person corrected a cell of it, or decided its review
    result_id: int  # its newest result's row: a later run is a larger one

    def rank(self) -> tuple[int, int, int]:
        """Smaller is better: verified first, then a person's word, then the latest run."""
        return STATUS_RANK.get(self.status, 3), 0 if self.human else 1, -self.result_id

    def named(self) -> str:
        return f"{self.path} ({self.sha256[:12]})"


@dataclass
class OrganYear:
    organ: Organ
    year: int
    candidates: list[Candidate] = field(default_factory=list)

    @property
    def chosen(self) -> Candidate | None:
        readable = [c for c in self.candidates if c.status != "failed"]
        return min(readable, key=Candidate.rank) if readable else None

    @property
    def duplicates(self) -> list[Candidate]:
        chosen = self.chosen
        return sorted((c for c in self.candidates if c is not chosen), key=Candidate.rank)


def _candidates(db: sqlite3.Connection, names: list[str] | None = None) -> Iterator[tuple[str | None, Candidate]]:
    """Every document as it stands (`names`: printed under one of them), with its printed organ
    name; those with no year are left out."""
    where = f" AND r.organ IN ({', '.join('?' for _ in names)})" if names is not None else ""
    rows = db.execute(
        "SELECT r.organ, r.sha256, r.path, r.year, r.template, r.status, v.state, v.resolution, v.reviewer, r.result_id,"
        " EXISTS (SELECT 1 FROM corrections k WHERE k.sha256 = r.sha256)"
        f" FROM current_results r LEFT JOIN reviews v ON v.sha256 = r.sha256 WHERE r.year IS NOT NULL{where}",
        names or (),
    )
    for organ, sha, path, year, template, status, state, resolution, reviewer, result_id, corrected in rows:
        review = "open" if state == "open" else REVIEW_WORDS.get(resolution or "", "")
        human = bool(corrected) or resolution in REVIEW_WORDS
        yield organ, Candidate(sha, path, int(year), template, status, review, reviewer if review else None, human, result_id)


def _organs(db: sqlite3.Connection) -> dict[str, Organ]:
    """Each printed name's organ."""
    rows = db.execute(
        "SELECT n.name, o.organ_id, o.name, o.region, o.level, o.kind FROM organ_names n JOIN organs o ON o.organ_id = n.organ_id"
    )
    return {name: Organ(*organ) for name, *organ in rows}


@dataclass(frozen=True)
class Plan:
    """The organ-years in order (organ's name, its id, the year), and what could not be placed."""

    organ_years: list[OrganYear]
    unplaced: int  # documents with no organ or no year

    @property
    def documents(self) -> int:
        return sum(1 for oy in self.organ_years if oy.chosen is not None)


def plan(store: Store, *, organ_id: str | None = None) -> Plan:
    """Which document stands for each organ-year (`organ_id`: of that organ only). Only the
    documents' headers are held (a few hundred bytes each), never their cells."""
    organs = _organs(store.db)
    by: dict[tuple[str, int], OrganYear] = {}
    names = None if organ_id is None else [n for n, o in organs.items() if o.organ_id == organ_id]
    (unplaced,) = (0,) if names is not None else store.db.execute(
        "SELECT count(*) FROM current_results WHERE year IS NULL OR organ IS NULL"
    ).fetchone()
    for name, candidate in _candidates(store.db, names):
        organ = organs.get(name or "")
        if organ is None:
            unplaced += 1 if name else 0  # (no organ: counted above)
            continue
        by.setdefault((organ.organ_id, candidate.year), OrganYear(organ, candidate.year)).candidates.append(candidate)
    ordered = sorted(by.values(), key=lambda oy: (oy.organ.name, oy.organ.organ_id, oy.year))
    return Plan(ordered, unplaced)


def label_of(key: str, template: str | None) -> str:
    """The labels the template prints for a metric: "三 · （一）予以公开 / 自然人"."""
    printed = label(key, template if template in ("2019", "2021") else None)
    return f"{printed.table} · {printed.row} / {printed.column}"


def rows_of(store: Store, oy: OrganYear) -> Iterator[dict[str, Any]]:
    """The organ-year's rows: its chosen document's cells as they stand, in the dictionary's order."""
    chosen = oy.chosen
    if chosen is None:
        return
    cells = {c.key: c for c in store.current_cells(chosen.sha256)}
    duplicates = "; ".join(c.named() for c in oy.duplicates)
    o = oy.organ
    for key in order_keys(list(cells)):
        cell = cells[key]
        yield {
            "organ_id": o.organ_id, "organ": o.name, "region": o.region, "level": o.level, "kind": o.kind,
            "year": oy.year, "template": chosen.template, "metric": key, "label": label_of(key, chosen.template),
            "value": cell.value, "state": cell.state, "corrected": cell.corrected, "status": chosen.status,
            "review": chosen.review, "reviewer": chosen.reviewer, "source": chosen.path, "sha256": chosen.sha256,
            "duplicates": duplicates,
        }  # fmt: skip


def panel_rows(store: Store, chosen: Plan | None = None) -> Iterator[dict[str, Any]]:
    """Every row of the panel, an organ-year at a time."""
    for oy in (chosen or plan(store)).organ_years:
        yield from rows_of(store, oy)
