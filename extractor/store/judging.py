"""What a review is about, and what a person's corrections make of a result. No I/O.

A review questions cells: those its result's reasons name. A reason that names no cell (a table
not found, a file that holds none) stands in the list as its code. A resolved review is
reopened only by a later reading that questions something it did not.

    >>> from extractor.models import Reason, Result, Source
    >>> r = Result(source=Source(path="a.txt"), status="needs_review", reasons=[
    ...     Reason(code="identity_failed", message="H1", cells=["s3.a.total", "s3.b.total"]),
    ...     Reason(code="table_missing", message="table 四 not found")])
    >>> questioned(r)
    ['s3.a.total', 's3.b.total', 'table_missing']
    >>> newly_questioned(["s3.a.total"], questioned(r))
    ['s3.b.total', 'table_missing']
"""

from __future__ import annotations

from collections.abc import Mapping

from ..models import INFORMATIVE, Number, Provenance, Result
from ..reconcile import assess


def questioned(result: Result) -> list[str]:
    if result.status == "verified":
        return []
    out: list[str] = []
    for reason in result.reasons:
        if reason.code in INFORMATIVE:  # how it was decided, not a doubt
            continue
        for item in reason.cells or [reason.code]:
            if item not in out:
                out.append(item)
    return out


def newly_questioned(before: list[str], now: list[str]) -> list[str]:
    """What `now` questions that `before` did not, in `now`'s order, each once."""
    seen = set(before)
    out = []
    for k in now:
        if k not in seen:
            seen.add(k)
            out.append(k)
    return out


def corrected(result: Result, values: Mapping[str, Number | None], reviewers: Mapping[str, str]) -> Result:
    """The result with these cells set by people, verified again (`reconcile.assess`).

    A cell keeps where it was printed and what was printed there; its value, state and method
    become the person's. Keys the result does not have are left out (a later run may read
    another layout); the caller says which.
    """
    values = {k: v for k, v in values.items() if k in result.cells}
    provenance = {**result.provenance}
    for key, value in values.items():
        old = result.provenance.get(key)
        was = result.cells.get(key)
        provenance[key] = Provenance(
            kind="blank" if value is None else ("zero" if value == 0 else "number"),
            raw=old.raw if old else "",
            location=old.location if old else None,
            method="human",
            note=f"set by {reviewers.get(key) or 'a reviewer'}" + ("" if was == value else f" (read as {was})"),
        )
    return assess(result.model_copy(update={"cells": {**result.cells, **values}, "provenance": provenance}))
