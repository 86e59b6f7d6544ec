"""What the store hands out: plain, typed records, one per kind of row.

Each record is read from its table or view as it is; `to_dict()` gives the JSON the CLI prints
and the service returns. Results travel as `Result` (the pydantic model at the boundary).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from functools import cached_property
from typing import Any, Literal

from ..kinds import Status
from ..models import Number, Reason, Result

ReviewState = Literal["open", "resolved"]
# corrected: a person's corrections made it verify; accepted: a person accepted it as printed;
# verified: a later run (with the corrections, if any) verifies it without more help.
Resolution = Literal["corrected", "accepted", "verified"]
# What `Store.add` did to the document's review.
ReviewChange = Literal["opened", "reopened", "updated", "closed", "kept"]
Action = Literal[
    "extracted",  # a run's result was stored (detail: status, path)
    "skipped",  # the document already has a result for this configuration (detail: path)
    "run_skipped",  # a batch met documents that had a result for its configuration already (detail: documents)
    "unreadable",  # an input with no content at all, e.g. a missing file (detail: path, error)
    "corrections_applied",  # a new run's result got the document's corrections (detail: keys, status)
    "review_opened",
    "review_reopened",  # detail: the newly questioned cells
    "review_updated",  # an open review now looks at a newer run's result
    "review_closed",  # a new run verifies the document
    "cell_corrected",  # key; detail: value, was
    "review_resolved",  # by corrections that verify
    "accepted",  # accepted as printed; detail: note
    "related_years",  # another year of the organ arrived; the current result now weighs it (detail: other, status)
    "reopened",  # a person reopened a resolved review to look again (detail: note, was: the resolution)
    "decision_undone",  # a person took back a decision (detail: version, its corrections withdrawn, was)
    "organs_changed",  # a person split or merged organs, or loaded a registry (detail: change, organ_id, names)
]
ACTIONS: tuple[str, ...] = Action.__args__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Run:
    """One configuration: every result read with the same fingerprint shares its run."""

    id: int
    fingerprint: dict[str, Any]
    extractor: str | None  # None for results carried over from a database without runs
    strategy: str
    model: str | None
    mode: str | None
    prompts: dict[str, str] | None
    first_used: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Stored:
    """What `Store.add` did with one result."""

    sha256: str | None  # None: an input with no content, recorded as an `unreadable` event only
    run_id: int | None
    new: bool  # False when the document already had a result for this configuration
    status: Status  # the document's status now: its corrections re-applied and re-verified
    review: ReviewChange | None  # None: no review, none needed
    text: str = field(repr=False)  # the document's result now, as JSON
    result: Result | None = field(default=None, repr=False, compare=False)  # the same, when it was at hand

    @cached_property
    def current(self) -> Result:
        """The document's result now (parsed on demand: a batch needs only its status)."""
        return self.result if self.result is not None else Result.model_validate_json(self.text)


@dataclass(frozen=True)
class Correction:
    id: int
    sha256: str
    key: str
    value: Number | None
    reviewer: str
    at: str
    note: str | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Event:
    id: int
    at: str
    actor: str
    action: str
    sha256: str | None
    run_id: int | None
    key: str | None
    detail: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        what = self.action.replace("_", " ") + (f" {self.key}" if self.key else "")
        extra = {k: v for k, v in self.detail.items() if k not in ("path",)}
        return f"{self.at}  {self.actor}: {what}" + (f"  {json.dumps(extra, ensure_ascii=False)}" if extra else "")


@dataclass(frozen=True)
class QueueItem:
    """One review as the queue lists it: what is needed to filter, sort and show a line."""

    sha256: str
    state: ReviewState
    status: str
    doubt: int  # how many cells are questioned: the queue shows the most doubtful first
    reasons: list[Reason]
    questioned: list[str]
    why: str
    path: str
    run_id: int
    organ: str | None
    year: int | None
    template: str | None
    format: str | None
    opened_at: str
    changed_at: str
    changed_by: str
    version: int
    method: str | None = None  # what read the result that stands: rules, llm
    effort: int = 0  # the order "fewest cells to fix first": 0 when one click fixes it, else `doubt`
    suggestion: dict[str, Number | None] | None = None  # that click's cells and values (`suggest.suggestion`)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["reasons"] = [r.model_dump() for r in self.reasons]
        return d


@dataclass(frozen=True)
class Page:
    """One page of the queue; pass `next` as `after` to get the following one (None: the last)."""

    items: list[QueueItem]
    total: int  # reviews matching the filter, on every page
    next: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"items": [i.to_dict() for i in self.items], "total": self.total, "next": self.next}


@dataclass(frozen=True)
class Review:
    """The review of one document: its state, the result under review, and every correction."""

    sha256: str
    state: ReviewState
    resolution: Resolution | None
    questioned: list[str]
    why: str
    reviewer: str | None  # who resolved it (None while open)
    note: str | None
    opened_at: str
    resolved_at: str | None
    changed_at: str
    changed_by: str
    version: int  # give it back to `Store.resolve` to be told when someone else changed it since
    run: Run  # the run whose result is under review: the document's newest
    extracted: Result  # that run's result, as read
    current: Result  # the same with the document's corrections applied and re-verified
    corrections: list[Correction] = field(default_factory=list)  # the whole history, oldest first

    @property
    def status(self) -> str:
        return self.current.status

    @property
    def path(self) -> str:
        return self.extracted.source.path

    def to_dict(self) -> dict[str, Any]:
        return {
            "sha256": self.sha256,
            "state": self.state,
            "resolution": self.resolution,
            "status": self.status,
            "path": self.path,
            "reasons": [r.model_dump() for r in self.current.reasons],
            "questioned": self.questioned,
            "why": self.why,
            "reviewer": self.reviewer,
            "note": self.note,
            "opened_at": self.opened_at,
            "resolved_at": self.resolved_at,
            "changed_at": self.changed_at,
            "changed_by": self.changed_by,
            "version": self.version,
            "run": self.run.to_dict(),
            "corrections": [c.to_dict() for c in self.corrections],
            "result": self.current.model_dump(mode="json"),
            "extracted": self.extracted.model_dump(mode="json"),
        }


@dataclass(frozen=True)
class CurrentCell:
    """A row of the `current_cells` view: one cell of a document as it stands now."""

    sha256: str
    run_id: int
    key: str
    value: Number | None
    state: str
    method: str
    raw: str
    location: dict[str, Any] | None
    extracted: Number | None  # what the run read, before any correction
    corrected: bool
    reviewer: str | None
    corrected_at: str | None
    note: str | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
