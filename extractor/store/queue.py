"""The review queue as queries: filters, its orders, keyset paging, a document's neighbours.

A page is found by where the previous one ended (`after`, the cursor `Page.next` gave), never
by an offset, so the 2,000th page costs what the first does. Each order walks an index of its
own (`m008_queue_orders`) that ends with the organ and the path: a substring of either is
looked for in the index, not in the rows. "Next" and "previous" are the same walk from a
document's place, forwards or backwards, past documents another reviewer holds (`claims`).

    >>> tables, order, sql, params = Filter(reason="identity_failed", year=2023).where()
    >>> sql, params
    ('o.code = ? AND o.state = ? AND v.year = ?', ['identity_failed', 'open', 2023])
    >>> Filter(organ="郭巨", path="2023/").where()[2:]
    ('v.state = ? AND instr(v.organ, ?) > 0 AND instr(v.path, ?) > 0', ['open', '郭巨', '2023/'])
"""

from __future__ import annotations

import base64
import binascii
import json
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from ..errors import BadInput
from ..models import Reason, Result
from .packing import unpack
from .records import Page, QueueItem, ReviewState
from .rows import dumps
from .suggest import suggestion

_EQUAL = ("status", "year", "template", "format", "method")
_CONTAINS = ("organ", "path")


@dataclass(frozen=True)
class Filter:
    """Which reviews: each field set narrows the queue (None: any)."""

    state: ReviewState | None = "open"
    status: str | None = None  # the document's current status: needs_review, failed, verified
    reason: str | None = None  # a reason code, e.g. identity_failed
    organ: str | None = None  # a part of the organ's name, as the title prints it
    year: int | None = None
    template: str | None = None  # 2019, 2021, mixed
    format: str | None = None  # text, markdown, html, docx, pdf, image
    path: str | None = None  # a part of the document's path
    method: str | None = None  # what read the result that stands: rules, llm
    suggested: bool = False  # only those one click fixes (`suggest.suggestion`)
    organs: tuple[str, ...] | None = None  # the organs `organ` names, once looked up (`named`)

    def where(self, *, by_reason: bool = True, by_doubt: bool = True) -> tuple[str, str, str, list[Any]]:
        """The tables, the alias of the one whose index gives the order, the WHERE clause and
        its parameters. The reviews are `v`; with a reason (and `by_reason`), in the order of
        doubt (`by_doubt`) and no substring to look for, the query runs over that reason's rows
        of `review_reasons` (`o`), kept in the same order; otherwise over the reviews' indexes."""
        clauses: list[str] = []
        params: list[Any] = []
        fast = self.reason is not None and by_reason and by_doubt and not (self.organ or self.path)
        tables, order = "reviews v", "v"
        if fast:
            tables, order = "review_reasons o JOIN reviews v ON v.sha256 = o.sha256", "o"
            clauses.append("o.code = ?")
            params.append(self.reason)
            if self.state is not None:
                clauses.append("o.state = ?")
                params.append(self.state)
        else:
            if self.state is not None:
                clauses.append("v.state = ?")
                params.append(self.state)
            if self.reason is not None and by_reason:
                clauses.append("EXISTS (SELECT 1 FROM review_reasons q WHERE q.sha256 = v.sha256 AND q.code = ?)")
                params.append(self.reason)
        for name in _EQUAL:
            value = getattr(self, name)
            if value is not None:
                clauses.append(f"v.{name} = ?")
                params.append(value)
        for name in _CONTAINS:
            value = getattr(self, name)
            if value:
                clauses.append(f"instr(v.{name}, ?) > 0")
                params.append(value)
        if self.organs is not None:
            clauses.append(f"v.organ IN ({', '.join('?' for _ in self.organs)})")
            params += self.organs
        if self.suggested:
            clauses.append("v.suggestion IS NOT NULL")
        return tables, order, " AND ".join(clauses) or "1", params

    @property
    def by_state_only(self) -> bool:
        """Only the state (and the reason) narrow it: `review_reasons` alone answers a count."""
        return not self.suggested and self.organs is None and all(getattr(self, n) is None for n in (*_EQUAL, *_CONTAINS))


def named(db: sqlite3.Connection, where: Filter) -> Filter:
    """`where` with its part of an organ's name made the organs it names, found once in the
    index of organs: far fewer than the reviews, and a list of them is answered by the indexes
    (none: nothing to look for; every one: no filter at all, so the reasons' own index counts)."""
    if not where.organ:
        return where
    state, params = ("WHERE state = ?", [where.state]) if where.state is not None else ("", [])
    rows = db.execute(f"SELECT organ, instr(organ, ?) > 0 FROM reviews {state} GROUP BY organ", [where.organ, *params]).fetchall()
    organs = tuple(organ for organ, hit in rows if hit)
    return replace(where, organ=None, organs=None if len(organs) == len(rows) else organs)


@dataclass(frozen=True)
class Key:
    """One column of an order: its SQL over the table `{a}`, its direction, its value in an item."""

    sql: str
    descending: bool
    of: Callable[[QueueItem], int | str]
    kind: type


@dataclass(frozen=True)
class Order:
    name: str
    label: str
    keys: tuple[Key, ...]  # then the document's hash, ascending, breaks the ties


ORDERS = {
    o.name: o
    for o in (
        Order("doubt", "most in doubt first", (Key("{a}.doubt", True, lambda i: i.doubt, int),)),
        Order("fewest", "fewest cells to fix first", (Key("v.effort", False, lambda i: i.effort, int),)),
        Order("path", "by path", (Key("v.path", False, lambda i: i.path, str),)),
        Order(
            "organ", "by organ and year",
            (Key("ifnull(v.organ, '')", False, lambda i: i.organ or "", str), Key("ifnull(v.year, 0)", False, lambda i: i.year or 0, int)),
        ),  # fmt: skip
    )
}


def order_of(name: str) -> Order:
    if name not in ORDERS:
        raise BadInput(f"unknown order {name!r}: one of {', '.join(ORDERS)}")
    return ORDERS[name]


def cursor(order: Order, item: QueueItem) -> str:
    """Where a page ended, for `after`: "doubt:hash" in the order of doubt, else the order's name
    and its values, encoded (a path holds any character)."""
    values = [k.of(item) for k in order.keys]
    if order.name == "doubt":
        return f"{values[0]}:{item.sha256}"
    text = json.dumps([*values, item.sha256], ensure_ascii=False, separators=(",", ":"))
    return f"{order.name}~" + base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _decoded(order: Order, after: str) -> list[Any]:
    """The values `cursor` encoded; `BadInput` for anything else, or for another order's."""
    problem = BadInput(f"not a queue cursor of the order {order.name!r}: {after!r} (give back the `next` of the previous page)")
    if order.name == "doubt":
        doubt, sep, sha = after.partition(":")
        if not sep or not doubt.isdigit() or not sha:
            raise problem
        return [int(doubt), sha]
    name, sep, data = after.partition("~")
    try:
        values = json.loads(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))
    except (ValueError, binascii.Error):
        raise problem from None
    kinds = [k.kind for k in order.keys] + [str]
    if name != order.name or not sep or not isinstance(values, list) or len(values) != len(kinds):
        raise problem
    if not all(type(v) is t for v, t in zip(values, kinds)):  # a bool is not a year
        raise problem
    return values


def _past(order: Order, alias: str, values: list[Any], *, forward: bool) -> tuple[str, list[Any]]:
    """The rows after `values` in the order (`forward`), or before them."""
    columns = [(k.sql.format(a=alias), k.descending) for k in order.keys] + [(f"{alias}.sha256", False)]
    terms, params = [], []
    for i, (sql, descending) in enumerate(columns):
        later = ">" if descending != forward else "<"
        same = [f"{c} = ?" for c, _ in columns[:i]]
        terms.append("(" + " AND ".join([*same, f"{sql} {later} ?"]) + ")")
        params += [*values[:i], values[i]]
    return "(" + " OR ".join(terms) + ")", params


def _sorted(order: Order, alias: str, *, forward: bool = True) -> str:
    columns = [(k.sql.format(a=alias), k.descending) for k in order.keys] + [(f"{alias}.sha256", False)]
    return ", ".join(f"{sql} {'DESC' if descending == forward else 'ASC'}" for sql, descending in columns)


def _unclaimed(alias: str) -> str:
    """Not held by another reviewer (parameters: the reviewer, the time now)."""
    return f"NOT EXISTS (SELECT 1 FROM claims c WHERE c.sha256 = {alias}.sha256 AND c.reviewer != ? AND c.expires_at > ?)"


_COLUMNS = (
    "v.sha256, v.state, v.status, v.doubt, v.reasons, v.questioned, v.why, v.path, v.run_id, v.organ, v.year,"
    " v.template, v.format, v.opened_at, v.changed_at, v.changed_by, v.version, v.method, v.effort, v.suggestion"
)


@dataclass(frozen=True)
class Seen:
    """Whose view of the queue: documents another reviewer holds at `now` are passed over."""

    reviewer: str
    now: str


def page(
    db: sqlite3.Connection, where: Filter, after: str | None, limit: int, order: Order = ORDERS["doubt"], seen: Seen | None = None
) -> Page:
    if limit < 1:
        raise BadInput(f"limit must be at least 1, not {limit}")
    where = named(db, where)
    (total,) = db.execute(*_count(where)).fetchone()
    tables, o, sql, params = where.where(by_doubt=order.name == "doubt")
    if seen is not None:
        sql += f" AND {_unclaimed(o)}"
        params = [*params, seen.reviewer, seen.now]
    if after is not None:
        past, more = _past(order, o, _decoded(order, after), forward=True)
        sql += f" AND {past}"
        params = [*params, *more]
    rows = db.execute(
        f"SELECT {_COLUMNS} FROM {tables} WHERE {sql} ORDER BY {_sorted(order, o)} LIMIT ?", [*params, limit + 1]
    ).fetchall()
    items = [_item(row) for row in rows[:limit]]
    return Page(items=items, total=total, next=cursor(order, items[-1]) if len(rows) > limit else None)


def _count(where: Filter) -> tuple[str, list[Any]]:
    """How many `where` selects, whatever the order: by a reason, from that reason's rows."""
    tables, o, sql, params = where.where()
    if o == "o" and where.by_state_only:  # counted in the reason's own index, no join
        tables = "review_reasons o"
    return f"SELECT count(*) FROM {tables} WHERE {sql}", params


def every(db: sqlite3.Connection, where: Filter, order: Order = ORDERS["doubt"], seen: Seen | None = None) -> Iterator[QueueItem]:
    """Every review `where` selects, in the order, a page at a time."""
    where = named(db, where)
    after = None
    while True:
        got = page(db, where, after, 500, order, seen)
        yield from got.items
        if got.next is None:
            return
        after = got.next


def position(db: sqlite3.Connection, sha256: str) -> QueueItem | None:
    """The document's review as the queue lists it (its place in every order); None without one."""
    row = db.execute(f"SELECT {_COLUMNS} FROM reviews v WHERE v.sha256 = ?", (sha256,)).fetchone()
    return _item(row) if row else None


def step(
    db: sqlite3.Connection, where: Filter, order: Order, at: QueueItem, *, forward: bool = True, seen: Seen | None = None
) -> str | None:
    """The document after `at` in the order (`forward`) or before it, among those `where`
    selects, `at` itself left out: past the end, the first (or the last); None when none is left."""
    tables, o, sql, params = named(db, where).where(by_doubt=order.name == "doubt")
    sql += f" AND {o}.sha256 != ?"
    params = [*params, at.sha256]
    if seen is not None:
        sql += f" AND {_unclaimed(o)}"
        params = [*params, seen.reviewer, seen.now]
    past, more = _past(order, o, [k.of(at) for k in order.keys] + [at.sha256], forward=forward)
    for extra, extra_params in ((f" AND {past}", more), ("", [])):  # then round again from the start
        row = db.execute(
            f"SELECT {o}.sha256 FROM {tables} WHERE {sql}{extra} ORDER BY {_sorted(order, o, forward=forward)} LIMIT 1",
            [*params, *extra_params],
        ).fetchone()
        if row is not None:
            return row[0]
    return None


def reason_counts(db: sqlite3.Connection, where: Filter) -> dict[str, int]:
    where = named(db, where)
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


def resolved_since(db: sqlite3.Connection, reviewer: str, since: str) -> int:
    """How many reviews `reviewer` resolved from `since` on, and that stand resolved."""
    (n,) = db.execute(
        "SELECT count(*) FROM reviews WHERE reviewer = ? AND resolved_at >= ? AND state = 'resolved'", (reviewer, since)
    ).fetchone()
    return n


def fill_orders(db: sqlite3.Connection) -> None:
    """The columns `m008_queue_orders` adds, for the reviews already stored: the path and the
    method from the stored result; the one-click fix of each open review worked out from its
    result, parsed only where its text shows a hint (a culprit, a blank's value)."""
    db.execute(
        "UPDATE reviews SET effort = doubt, path = ifnull((SELECT r.path FROM results r"
        " WHERE r.sha256 = reviews.sha256 AND r.run_id = reviews.run_id), '')"
    )
    # A result may be kept compressed (`packing`): the carry-over of m002 writes reviews so.
    db.create_function("unpacked", 1, unpack, deterministic=True)
    db.execute(
        "UPDATE reviews SET method = (SELECT CASE WHEN u.strategy = 'rules' THEN 'rules'"
        " ELSE ifnull(json_extract(unpacked(coalesce(reviews.corrected, r.result)), '$.method'), 'rules') END"
        " FROM results r JOIN runs u ON u.id = r.run_id WHERE r.sha256 = reviews.sha256 AND r.run_id = reviews.run_id)"
    )
    shas = [r[0] for r in db.execute("SELECT sha256 FROM reviews WHERE state = 'open'")]
    for sha in shas:  # one at a time: a result is tens of kilobytes
        (kept,) = db.execute(
            "SELECT coalesce(v.corrected, r.result) FROM reviews v JOIN results r ON r.sha256 = v.sha256 AND r.run_id = v.run_id"
            " WHERE v.sha256 = ?",
            (sha,),
        ).fetchone()
        text = unpack(kept)
        if '"culprits":[]' in text and text.count('"blank_would_be":') == text.count('"blank_would_be":null'):
            continue
        fix = suggestion(Result.model_validate_json(text))
        if fix:
            db.execute("UPDATE reviews SET suggestion = ?, effort = 0 WHERE sha256 = ?", (dumps(fix), sha))


def _item(row: tuple) -> QueueItem:
    (sha, state, status, doubt, reasons, questioned, why, path, run, organ, year, template, fmt,
     opened_at, changed_at, changed_by, version, method, effort, fix) = row  # fmt: skip
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
        method=method,
        effort=effort,
        suggestion=json.loads(fix) if fix else None,
    )


__all__ = ["ORDERS", "Filter", "Order", "Seen", "cursor", "every", "order_of", "page", "position", "reason_counts", "resolved_since", "step"]
