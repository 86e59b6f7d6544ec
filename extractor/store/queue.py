"""The review queue as queries: filters, the order (most in doubt first) and keyset paging.

A page is found by where the previous one ended (`after`, the cursor `Page.next` gave), never
by an offset, so the 2,000th page costs what the first does.

    >>> tables, order, sql, params = Filter(reason="identity_failed", year=2023).where()
    >>> sql, params
    ('o.code = ? AND o.state = ? AND v.year = ?', ['identity_failed', 'open', 2023])
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from ..errors import BadInput
from ..models import Reason
from .records import Page, QueueItem, ReviewState


@dataclass(frozen=True)
class Filter:
    """Which reviews: each field set narrows the queue (None: any)."""

    state: ReviewState | None = "open"
    status: str | None = None  # the document's current status: needs_review, failed, verified
    reason: str | None = None  # a reason code, e.g. identity_failed
    organ: str | None = None
    year: int | None = None
    template: str | None = None  # 2019, 2021, mixed
    format: str | None = None  # text, markdown, html, docx, pdf

    def where(self, *, by_reason: bool = True) -> tuple[str, str, str, list[Any]]:
        """The tables, the alias of the one whose index gives the queue's order, the WHERE
        clause and its parameters. The reviews are `v`; with a reason (and `by_reason`) the
        query runs over that reason's rows of `review_reasons` (`o`), kept in the same order."""
        clauses: list[str] = []
        params: list[Any] = []
        names = ["state", "status", "organ", "year", "template", "format"]
        tables, order = "reviews v", "v"
        if self.reason is not None and by_reason:
            tables, order = "review_reasons o JOIN reviews v ON v.sha256 = o.sha256", "o"
            clauses.append("o.code = ?")
            params.append(self.reason)
            if self.state is not None:
                clauses.append("o.state = ?")
                params.append(self.state)
            names.remove("state")
        for name in names:
            value = getattr(self, name)
            if value is not None:
                clauses.append(f"v.{name} = ?")
                params.append(value)
        return tables, order, " AND ".join(clauses) or "1", params

    @property
    def by_state_only(self) -> bool:
        """Only the state (and the reason) narrow it: `review_reasons` alone answers a count."""
        return all(getattr(self, n) is None for n in ("status", "organ", "year", "template", "format"))


_COLUMNS = (
    "v.sha256, v.state, v.status, v.doubt, v.reasons, v.questioned, v.why, r.path, v.run_id, v.organ, v.year,"
    " v.template, v.format, v.opened_at, v.changed_at, v.changed_by, v.version"
)


def _cursor(after: str) -> tuple[int, str]:
    doubt, sep, sha = after.partition(":")
    if not sep or not doubt.isdigit() or not sha:
        raise BadInput(f"not a queue cursor: {after!r} (give back the `next` of the previous page)")
    return int(doubt), sha


def page(db: sqlite3.Connection, where: Filter, after: str | None, limit: int) -> Page:
    if limit < 1:
        raise BadInput(f"limit must be at least 1, not {limit}")
    tables, o, sql, params = where.where()
    if where.reason is not None and where.by_state_only:  # counted in the reason's own index, no join
        tables_counted = "review_reasons o"
    else:
        tables_counted = tables
    (total,) = db.execute(f"SELECT count(*) FROM {tables_counted} WHERE {sql}", params).fetchone()
    if after is not None:
        doubt, sha = _cursor(after)
        sql += f" AND ({o}.doubt < ? OR ({o}.doubt = ? AND {o}.sha256 > ?))"
        params = [*params, doubt, doubt, sha]
    rows = db.execute(
        f"SELECT {_COLUMNS} FROM {tables} JOIN results r ON r.sha256 = v.sha256 AND r.run_id = v.run_id"
        f" WHERE {sql} ORDER BY {o}.doubt DESC, {o}.sha256 LIMIT ?",
        [*params, limit + 1],
    ).fetchall()
    items = [_item(row) for row in rows[:limit]]
    more = len(rows) > limit
    return Page(items=items, total=total, next=f"{items[-1].doubt}:{items[-1].sha256}" if more else None)


def reason_counts(db: sqlite3.Connection, where: Filter) -> dict[str, int]:
    if where.by_state_only:  # the reasons index holds each review's state: no join to the reviews
        state = " WHERE state = ?" if where.state is not None else ""
        rows = db.execute(
            f"SELECT code, count(*) FROM review_reasons{state} GROUP BY code ORDER BY count(*) DESC, code",
            [where.state] if where.state is not None else [],
        )
        return dict(rows.fetchall())
    tables, _, sql, params = where.where(by_reason=False)
    rows = db.execute(
        f"SELECT q.code, count(*) FROM review_reasons q JOIN {tables} ON v.sha256 = q.sha256 WHERE {sql}"
        " GROUP BY q.code ORDER BY count(*) DESC, q.code",
        params,
    )
    return dict(rows.fetchall())


def _item(row: tuple) -> QueueItem:
    (sha, state, status, doubt, reasons, questioned, why, path, run, organ, year, template, fmt,
     opened_at, changed_at, changed_by, version) = row  # fmt: skip
    return QueueItem(
        sha256=sha,
        state=state,
        status=status,
        doubt=doubt,
        reasons=[Reason.model_validate(r) for r in json.loads(reasons)],
        questioned=json.loads(questioned),
        why=why,
        path=path,
        run_id=run,
        organ=organ,
        year=year,
        template=template,
        format=fmt,
        opened_at=opened_at,
        changed_at=changed_at,
        changed_by=changed_by,
        version=version,
    )
