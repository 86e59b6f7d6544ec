"""The review queue as queries: filters, the order (most in doubt first) and keyset paging.

A page is found by where the previous one ended (`after`, the cursor `Page.next` gave), never
by an offset, so the 2,000th page costs what the first does.

    >>> Filter(reason="identity_failed", year=2023).where()
    ('v.state = ? AND v.year = ? AND v.sha256 IN (SELECT sha256 FROM review_reasons WHERE code = ?)', ['open', 2023, 'identity_failed'])
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

    def where(self, *, without_reason: bool = False) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        for name in ("state", "status", "organ", "year", "template", "format"):
            value = getattr(self, name)
            if value is not None:
                clauses.append(f"v.{name} = ?")
                params.append(value)
        if self.reason is not None and not without_reason:
            clauses.append("v.sha256 IN (SELECT sha256 FROM review_reasons WHERE code = ?)")
            params.append(self.reason)
        return " AND ".join(clauses) or "1", params


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
    sql, params = where.where()
    (total,) = db.execute(f"SELECT count(*) FROM reviews v WHERE {sql}", params).fetchone()
    if after is not None:
        doubt, sha = _cursor(after)
        sql += " AND (v.doubt < ? OR (v.doubt = ? AND v.sha256 > ?))"
        params = [*params, doubt, doubt, sha]
    rows = db.execute(
        f"SELECT {_COLUMNS} FROM reviews v JOIN results r ON r.sha256 = v.sha256 AND r.run_id = v.run_id"
        f" WHERE {sql} ORDER BY v.doubt DESC, v.sha256 LIMIT ?",
        [*params, limit + 1],
    ).fetchall()
    items = [_item(row) for row in rows[:limit]]
    more = len(rows) > limit
    return Page(items=items, total=total, next=f"{items[-1].doubt}:{items[-1].sha256}" if more else None)


def reason_counts(db: sqlite3.Connection, where: Filter) -> dict[str, int]:
    sql, params = where.where(without_reason=True)
    rows = db.execute(
        f"SELECT q.code, count(*) FROM review_reasons q JOIN reviews v ON v.sha256 = q.sha256 WHERE {sql}"
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
