"""Work done ahead by a batch's workers (`store.ahead`) stores exactly what the writer alone would.

A worker that read a document looks at the store, read-only, and works out what adding it will
make of it and of its organ's neighbouring years; the writer takes that only where the store
still holds what it was worked out on. Fed the same documents, a store given the workers' work
(fresh, or stale by one document, a correction, a neighbour) and one that works everything out
itself must hold the same rows, byte for byte.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import pytest

from extractor import Options, Store
from extractor.models import Result
from extractor.pipeline import extract_bytes
from extractor.store import write
from extractor.store.ahead import ahead, look
from extractor.store.rows import rows_of

from . import fixtures as F
from .synth.corpus import corpus

RULES = Options().fingerprint
TABLES = {  # each table's columns, and the order to compare its rows in
    "results": ("sha256, run_id, path, status, organ, year, template, reasons, result", "id"),
    "cells": ("*", "sha256, run_id, key"),
    "checks": ("*", "sha256, run_id, rule, name"),
    "reviews": ("*", "sha256"),
    "review_reasons": ("*", "sha256, code"),
    "events": ("at, actor, action, sha256, run_id, key, detail", "id"),
}


def _clock() -> datetime:
    return datetime(2026, 1, 1, tzinfo=UTC)


def _rows(db: sqlite3.Connection) -> dict[str, list[tuple]]:
    return {t: db.execute(f"SELECT {cols} FROM {t} ORDER BY {order}").fetchall() for t, (cols, order) in TABLES.items()}


@pytest.fixture(scope="module")
def read() -> list[Result]:
    """Generated documents of every flattening, damaged or not, in which organs recur over
    consecutive years (about half of them have a neighbouring year among the others); an
    organ's reports one after the other, as a folder per organ gives them."""
    results = [extract_bytes(c.rendered.name, c.rendered.data) for c in corpus(120, 3, damage=None)]
    return sorted(results, key=lambda r: r.organ or "")


def _with_neighbours(results: list[Result]) -> int:
    years = {(r.organ, r.year) for r in results}
    return sum((r.organ, (r.year or 0) - 1) in years or (r.organ, (r.year or 0) + 1) in years for r in results)


def test_a_store_given_the_workers_work_holds_what_the_writer_alone_makes(tmp_path, read, monkeypatch):
    assert _with_neighbours(read) >= 30  # the case this is about is common here
    alone = Store(tmp_path / "alone.sqlite", clock=_clock)
    helped = Store(tmp_path / "helped.sqlite", clock=_clock)
    view = look(helped.path)
    assert view is not None
    taken = missed = 0
    looked_early = {}  # work done while the documents before were in flight, or not yet committed
    for i, result in enumerate(read):
        rows = rows_of(result)
        if i % 20 == 0:  # every other block of ten looks at the store as it stood before the block
            looked_early = {j: ahead(view, read[j], rows_of(read[j])) for j in range(i, min(i + 10, len(read)))}
        work = looked_early.pop(i) if i in looked_early else ahead(view, result, rows)
        holds = work is not None and write.basis(helped.db, rows.sha256, rows.organ, rows.year) == work.basis
        if holds:
            taken += 1
            with monkeypatch.context() as m:  # taken, the writer parses no result at all
                m.setattr(Result, "model_validate_json", _no_parsing)
                stored = helped.add_rows(rows, result.model_dump_json(), RULES, ahead=work)
        else:  # looked too early: the writer works it out itself
            missed += not write.stands_as_read(helped.db, rows)
            stored = helped.add_rows(rows, result.model_dump_json(), RULES, ahead=work)
        assert alone.add(result, RULES).status == stored.status
        if i % 7 == 3 and stored.review == "opened":  # people correct some documents meanwhile
            key = next(k for k, v in result.cells.items() if isinstance(v, int))
            for store in (alone, helped):
                store.resolve(rows.sha256, cells={key: result.cells[key] + 1}, reviewer="li")
    assert taken >= 10 and missed >= 5, (taken, missed)
    assert _rows(helped.db) == _rows(alone.db)
    assert list(helped.current_json()) == list(alone.current_json())


def test_work_done_before_a_correction_is_not_taken(tmp_path, read):
    """A worker looked before a reviewer corrected the neighbouring year: the writer sees the
    correction and works the document out itself."""
    pairs = [(a, b) for a in read for b in read if a.organ == b.organ and a.year and b.year == a.year + 1]
    earlier, later = pairs[0]
    with Store(tmp_path / "r.sqlite", clock=_clock) as store:
        first = store.add(earlier, RULES)
        view = look(store.path)
        assert view is not None
        work = ahead(view, later, rows_of(later))
        assert work is not None and work.now.related == (first.sha256,)
        key = "s3.carried_forward.total"
        # The corrections table as a reviewer's decision writes it (this year has no review to resolve).
        store.db.execute("INSERT INTO corrections (sha256, key, value, reviewer, at) VALUES (?, ?, ?, ?, ?)",
                         (first.sha256, key, 999, "li", "2026-01-01T00:00:00+00:00"))  # fmt: skip
        assert write.basis(store.db, later.source.sha256 or "", later.organ, later.year) != work.basis
        stored = store.add_rows(rows_of(later), later.model_dump_json(), RULES, ahead=work)
        assert stored.current.related[0].cells[key] == 999  # weighed against the correction


def test_work_done_before_another_year_arrived_is_redone_for_the_neighbour(tmp_path):
    """An organ's three years: the middle one stored, then the workers of the year before and
    of the year after both look while the other is in flight. Each sees the middle year alone;
    the second one added finds the middle year weighed with the first meanwhile, so what its
    worker made of the middle year is not taken."""
    middle = F.Report.golden("01_huaian_shi_2024")
    years = [F.Report(middle.organ, middle.year - 1, middle.template, middle.cells), middle]
    years[1] = years[0].next_year()
    years.append(years[1].next_year(off_by=1))
    before, mid, after = (extract_bytes(f"{r.year}.txt", F.text(r).encode("utf-8")) for r in years)
    alone = Store(tmp_path / "alone.sqlite", clock=_clock)
    helped = Store(tmp_path / "helped.sqlite", clock=_clock)
    for store in (alone, helped):
        store.add(mid, RULES)
    view = look(helped.path)
    assert view is not None
    work = {r.year: ahead(view, r, rows_of(r)) for r in (before, after)}
    for result in (before, after):
        w = work[result.year]
        assert w is not None and w.now.related == (mid.source.sha256,)
        helped.add_rows(rows_of(result), result.model_dump_json(), RULES, ahead=w)
        alone.add(result, RULES)
    weighs = {r.relation: r.sha256 for r in helped.current(mid.source.sha256 or "").related}
    assert weighs == {"previous": before.source.sha256, "next": after.source.sha256}
    assert _rows(helped.db) == _rows(alone.db)


def _no_parsing(*args: object, **kwargs: object) -> None:
    raise AssertionError("the writer parsed a result it was given the work for")
