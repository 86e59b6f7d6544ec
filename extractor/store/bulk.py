"""Decisions on a whole selection of the queue: each document's one-click fix taken
(`suggest.suggestion`), or every document accepted as printed with one note.

Each document is decided on its own, through `Store.resolve`: verified again, its corrections
and its resolution events in the reviewer's name, refused when the review changed since it
was selected (as a single decision is: 409). A selection is the open reviews a filter selects,
less those another reviewer holds; its `token` names exactly those documents at those versions,
so a person confirms what will be changed, and a selection that changed meanwhile is refused
whole (`Stale`). `dry_run` says what would change and changes nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Literal

from ..errors import BadInput, Conflict
from ..models import Number
from .judging import corrected
from .queue import Filter
from .records import QueueItem
from .suggest import suggestion

if TYPE_CHECKING:
    from .store import Store

Action = Literal["suggestions", "accept"]
ACTIONS: tuple[str, ...] = Action.__args__  # type: ignore[attr-defined]
SUGGESTED_NOTE = "the suggested value, taken for a selection"


class Stale(Conflict):
    """The selection is not the one confirmed: a document came, went or changed since."""


@dataclass(frozen=True)
class Selection:
    action: Action
    items: tuple[QueueItem, ...]  # in the queue's order
    token: str  # the documents and their versions, hashed

    def __len__(self) -> int:
        return len(self.items)


@dataclass(frozen=True)
class Outcome:
    """What became of one document: `resolved`, still `open` (the fix did not verify it),
    `conflict` (it changed since it was selected) or `skipped` (no one-click fix now)."""

    sha256: str
    path: str
    state: Literal["resolved", "open", "conflict", "skipped"]
    status: str
    cells: dict[str, tuple[Number | None, Number | None]] = field(default_factory=dict)  # key: (was, now)
    problem: str | None = None


@dataclass(frozen=True)
class Done:
    action: Action
    outcomes: list[Outcome]
    dry_run: bool = False

    def count(self, state: str) -> int:
        return sum(1 for o in self.outcomes if o.state == state)

    @property
    def changed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.state in ("resolved", "open")]

    def summary(self) -> str:
        """One line: what was (or would be) done."""
        done, would = {"suggestions": ("took the suggested value for", "would take the suggested value for"),
                       "accept": ("accepted as printed", "would accept as printed")}[self.action]  # fmt: skip
        head = f"{would if self.dry_run else done} {len(self.changed)} of {len(self.outcomes)} documents"
        parts = [f"{self.count('resolved')} resolved", f"{self.count('open')} still open"]
        parts += [f"{self.count(s)} {s}" for s in ("conflict", "skipped") if self.count(s)]
        return f"{head}: {', '.join(parts)}"


def _token(action: str, items: list[QueueItem]) -> str:
    text = "\n".join([action, *(f"{i.sha256}:{i.version}" for i in items)])
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def select(store: Store, where: Filter, action: str, *, reviewer: str, order: str = "doubt") -> Selection:
    """The open reviews `where` selects that `action` applies to (for suggestions: those with a
    one-click fix), less those another reviewer holds, in `order`."""
    if action not in ACTIONS:
        raise BadInput(f"unknown bulk action {action!r}: one of {', '.join(ACTIONS)}")
    narrowed = replace(where, state="open", suggested=action == "suggestions")
    items = list(store.reviews(narrowed, order=order, reviewer=reviewer))
    return Selection(action, tuple(items), _token(action, items))  # type: ignore[arg-type]


def confirmed(selection: Selection, token: str) -> Selection:
    """The selection, if it is the one confirmed; else `Stale`."""
    if token != selection.token:
        raise Stale(
            f"the selection changed since it was confirmed (it now holds {len(selection)} documents):"
            " nothing was changed; look at it again and confirm"
        )
    return selection


def apply(store: Store, selection: Selection, *, reviewer: str, note: str | None = None, dry_run: bool = False) -> Done:
    """Decide every document of the selection; one `Outcome` each."""
    if selection.action == "accept" and not (note and note.strip()):
        raise BadInput("accepting documents as printed needs a note saying why")
    outcomes = []
    with store.batch(every=50):
        for item in selection.items:
            try:
                outcomes.append(_one(store, item, selection.action, reviewer, note, dry_run))
            except Conflict as e:
                outcomes.append(Outcome(item.sha256, item.path, "conflict", item.status, problem=str(e)))
    return Done(selection.action, outcomes, dry_run)


def _one(store: Store, item: QueueItem, action: str, reviewer: str, note: str | None, dry_run: bool) -> Outcome:
    review = store.review(item.sha256)
    if review.version != item.version or review.state != "open":
        raise Conflict(f"changed by {review.changed_by} since it was selected (now {review.state}, version {review.version})")
    if action == "accept":
        if dry_run:
            return Outcome(item.sha256, item.path, "resolved", review.status)
        done = store.resolve(item.sha256, accept=True, note=note.strip() if note else note, reviewer=reviewer, version=item.version)
        return Outcome(item.sha256, item.path, done.state, done.status)
    fix = suggestion(review.current)
    if fix is None:
        return Outcome(item.sha256, item.path, "skipped", review.status, problem="no one-click fix now")
    cells = {key: (review.current.cells.get(key), value) for key, value in fix.items()}
    if dry_run:
        after = corrected(review.current, fix, {key: reviewer for key in fix})
        return Outcome(item.sha256, item.path, "resolved" if after.status == "verified" else "open", after.status, cells)
    done = store.resolve(item.sha256, cells=fix, reviewer=reviewer, note=note or SUGGESTED_NOTE, version=item.version)
    return Outcome(item.sha256, item.path, done.state, done.status, cells)


__all__ = ["ACTIONS", "SUGGESTED_NOTE", "Done", "Outcome", "Selection", "Stale", "apply", "confirmed", "select"]
