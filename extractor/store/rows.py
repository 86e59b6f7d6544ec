"""A result as the rows the store writes for it, made wherever the result was read.

A batch has one writer, its parent process, and every document passes through it. Parsing a
result's JSON there again, only to take it apart into rows, was most of what that process
spent on a document (a result is some 60 KB of JSON), and it bounded what a second worker
could add. So the worker that has the `Result` in hand makes the rows (`rows_of`), and they
travel back with the JSON text as plain tuples: the writer inserts them as they come.

`Standing` is the other half: what a document's review records of its result as it stands
(read, weighed with the organ's other years, corrected by people). `write.follow` brings the
review up to one, whoever worked it out.

    >>> from extractor.models import Reason, Result, Source
    >>> r = Result(source=Source(path="a.txt", sha256="ab"), status="needs_review", reasons=[
    ...     Reason(code="identity_failed", message="H1", cells=["s3.a.total"])])
    >>> s = standing(r)
    >>> (s.status, s.columns["questioned"], s.columns["doubt"], s.kept)
    ('needs_review', '["s3.a.total"]', 1, None)
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..kinds import Status
from ..models import Result
from .judging import newly_questioned, questioned
from .packing import cell_row, check_row, pack
from .suggest import suggestion

_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))

Cell = tuple[Any, ...]  # (key, *packing.cell_row): a `cell_values` row, its key by name, less its result's id
Check = tuple[Any, ...]  # (kind, *packing.check_row): a `check_values` row, its kind as (rule, name, severity, cells)


def dumps(value: Any) -> str:
    """Compact JSON with sorted keys, so equal values are equal text (a fingerprint's key)."""
    return _JSON.encode(value)


@dataclass(frozen=True)
class Standing:
    """A document's result as it now stands, reduced to what its review records."""

    sha256: str
    status: Status
    columns: dict[str, Any]  # the review's columns that follow the result (`current_columns`)
    applied: tuple[str, ...] = ()  # the people's corrections re-applied to it
    kept: str | None = None  # its JSON, when it differs from the result as read (kept in `reviews.corrected`)
    related: tuple[str, ...] = ()  # the documents of the organ's other years it weighs


@dataclass(frozen=True)
class Rows:
    """One result as the store's rows: `documents`, `paths`, `results`, `cells`, `checks`."""

    sha256: str
    path: str
    format: str | None
    size: int | None
    status: Status
    organ: str | None
    year: int | None
    template: str | None
    reasons: str  # JSON
    cells: list[Cell]
    checks: list[Check]
    read: Standing  # the result as read: nothing weighed, nothing corrected
    packed: bytes | None = None  # the result's JSON as `results` keeps it, compressed where it was read (a worker)


def reasons_json(result: Result) -> str:
    return dumps([r.model_dump() for r in result.reasons])


def current_columns(current: Result, *, also_questioned: Sequence[str] = ()) -> dict[str, Any]:
    """The review's columns that follow the document's current result; `also_questioned`:
    cells a reviewer was shown besides those the current result questions. `effort` orders the
    queue's "fewest cells to fix first": 0 when one click settles it (`suggest.suggestion`),
    else the cells in doubt."""
    asked = questioned(current)
    asked += newly_questioned(asked, list(also_questioned))
    fix = suggestion(current)
    return {
        "status": current.status,
        "reasons": reasons_json(current),
        "questioned": dumps(asked),
        "doubt": len(asked),
        "organ": current.organ,
        "year": current.year,
        "template": current.template,
        "format": current.source.format,
        "path": current.source.path,
        "method": current.method,
        "suggestion": dumps(fix) if fix else None,
        "effort": 0 if fix else len(asked),
    }


def standing(current: Result, applied: Sequence[str] = (), *, differs: bool = False, text: str | None = None) -> Standing:
    """`current` as its review records it. `differs`: it is not the result as read (the organ's
    other years weighed); `text`: its JSON, when the caller has it already."""
    assert current.source.sha256 is not None
    kept = (text or current.model_dump_json()) if applied or differs else None
    return Standing(
        sha256=current.source.sha256,
        status=current.status,
        columns=current_columns(current),
        applied=tuple(applied),
        kept=kept,
        related=tuple(r.sha256 for r in current.related),
    )


def rows_of(result: Result, text: str | None = None) -> Rows:
    """The rows of a result that has its document's hash; `text`: its JSON, to keep compressed
    (`packing.pack`), made here so that a worker, not the batch's one writer, compresses it."""
    source = result.source
    assert source.sha256 is not None, "a result with no document has no rows"
    cells = []
    for key, value in result.cells.items():
        p = result.provenance.get(key)
        if p is None:
            cells.append((key, *cell_row(key, value, "missing", result.method, "", None, False, None)))
        else:
            cells.append((key, *cell_row(key, value, p.kind, p.method, p.raw, p.location, p.ambiguous, p.note)))
    checks = [
        ((c.rule, c.check, c.severity, dumps(c.cells)), *check_row(c.status, c.left, c.right, c.diff, c.message))
        for c in result.checks
    ]
    return Rows(
        sha256=source.sha256,
        path=source.path,
        format=source.format,
        size=source.size,
        status=result.status,
        organ=result.organ,
        year=result.year,
        template=result.template,
        reasons=reasons_json(result),
        cells=cells,
        checks=checks,
        read=standing(result),
        packed=pack(text) if text is not None else None,
    )
