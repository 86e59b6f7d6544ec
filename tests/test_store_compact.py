"""The compact store (m010): a store the previous version made is carried forward whole (its
reviews, corrections and events kept and shown), and reads as one this version wrote; results
are kept once, compressed; a re-run that reads nothing writes one event, not one per document."""

from __future__ import annotations

import gzip
import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from extractor import extract_file
from extractor.batch import Ledger, run
from extractor.load.archive import inputs
from extractor.options import RULES_ONLY
from extractor.store import Store
from extractor.models import Check, Related
from extractor.store.packing import location_of, pack, pack_patch, standing_json, unpack

from .conftest import DOCS

DATA = Path(__file__).parent / "data"
RULES = RULES_ONLY.fingerprint
SHANGHAI, PINGTAN, LONGSHAN = "golden/docs/10_shanghai_kewei_2024.md", "golden/docs/05_pingtan_2023.txt", "golden/docs/004_f8b21749840a51ab.txt"


@pytest.fixture
def previous(tmp_path) -> Path:
    """A store as the version before m010 wrote it (tests/data/make_store_m009.py)."""
    path = tmp_path / "previous.sqlite"
    db = sqlite3.connect(path)
    db.executescript(gzip.decompress((DATA / "store_m009.sql.gz").read_bytes()).decode("utf-8"))
    db.close()
    return path


def test_a_store_of_the_previous_version_keeps_its_reviews_corrections_and_events(previous):
    before = sqlite3.connect(previous)
    events_before = before.execute("SELECT at, actor, action, sha256, run_id, key, detail FROM events ORDER BY id").fetchall()
    corrections_before = before.execute("SELECT * FROM corrections ORDER BY id").fetchall()
    reviews_before = before.execute("SELECT sha256, state, resolution, reviewer, note, doubt, version FROM reviews ORDER BY sha256").fetchall()
    cells_before = before.execute("SELECT sha256, key, value, state, method, raw, location, ambiguous, note FROM cells ORDER BY sha256, key").fetchall()
    checks_before = before.execute("SELECT sha256, rule, name, status, severity, cells, left_value, right_value, diff FROM checks ORDER BY sha256, rule, name").fetchall()
    current_before = before.execute("SELECT coalesce(v.corrected, r.result) FROM results r LEFT JOIN reviews v USING (sha256, run_id) ORDER BY r.sha256").fetchall()
    before.close()

    with Store(previous) as store:
        db = store.db
        assert ("m010_compact",) in db.execute("SELECT name FROM _migrations").fetchall()
        assert db.execute("SELECT at, actor, action, sha256, run_id, key, detail FROM events ORDER BY id").fetchall() == events_before
        assert db.execute("SELECT * FROM corrections ORDER BY id").fetchall() == corrections_before
        assert db.execute("SELECT sha256, state, resolution, reviewer, note, doubt, version FROM reviews ORDER BY sha256").fetchall() == reviews_before
        cells = db.execute(
            "SELECT sha256, key, value, state, method, raw, page, line, line_end, span_start, span_end, tbl, grid_row,"
            " grid_col, x0, top, x1, bottom, member, ambiguous, note FROM cells ORDER BY sha256, key"
        ).fetchall()
        assert [(*c[:6], location_of(c[6:19], box_in_points=True), *c[19:]) for c in cells] == [
            (*c[:6], json.loads(c[6]) if c[6] else None, *c[7:]) for c in cells_before
        ]
        assert db.execute(
            "SELECT sha256, rule, name, status, severity, cells, left_value, right_value, diff FROM checks ORDER BY sha256, rule, name"
        ).fetchall() == checks_before
        assert list(store.current_json()) == [text for (text,) in current_before]
        # Shown as before: the decisions in the history, the correction over the reading.
        shanghai = store.lookup(store.db.execute("SELECT sha256 FROM results WHERE path = ?", (SHANGHAI,)).fetchone()[0])
        review = store.review(shanghai)
        assert (review.state, review.resolution, review.current.cells["s3.carried_forward.total"]) == ("resolved", "corrected", 1)
        assert [e.action for e in store.events(shanghai)][-2:] == ["cell_corrected", "review_resolved"]
        pingtan = store.db.execute("SELECT sha256 FROM results WHERE path = ?", (PINGTAN,)).fetchone()[0]
        assert (store.review(pingtan).resolution, store.review(pingtan).note) == ("accepted", "the source itself does not add up")
        corrected = next(c for c in store.current_cells(shanghai) if c.key == "s3.carried_forward.total")
        assert (corrected.value, corrected.method, corrected.reviewer) == (1, "human", "li")


def test_a_store_carried_forward_reads_as_one_this_version_wrote(previous, tmp_path):
    fresh = Store(tmp_path / "fresh.sqlite")
    for path in (LONGSHAN, SHANGHAI, PINGTAN):
        fresh.add(extract_file(path), RULES)
    view = "SELECT sha256, key, value, state, method, raw, page, line, span_start, span_end, tbl, grid_row, grid_col, ambiguous, note FROM cells ORDER BY sha256, key"
    with Store(previous) as carried:
        assert carried.db.execute(view).fetchall() == fresh.db.execute(view).fetchall()
        checks = "SELECT sha256, rule, name, status, severity, cells, left_value, right_value, diff, message FROM checks ORDER BY sha256, rule, name"
        assert carried.db.execute(checks).fetchall() == fresh.db.execute(checks).fetchall()
        # The same compact rows: a key and a check kind have one id, in the templates' order.
        assert carried.db.execute("SELECT * FROM keys ORDER BY id").fetchall() == fresh.db.execute("SELECT * FROM keys ORDER BY id").fetchall()


def test_a_result_is_kept_once_compressed(tmp_path):
    store = Store(tmp_path / "s.sqlite")
    result = extract_file(DOCS / "10_shanghai_kewei_2024.md")
    store.add(result, RULES)
    (kept, typed) = store.db.execute("SELECT result, typeof(result) FROM results").fetchone()
    assert typed == "blob" and unpack(kept) == result.model_dump_json()
    assert len(kept) < len(result.model_dump_json()) / 5


def _zlib(text: str) -> bytes:
    import zlib

    return b"z" + zlib.compress(text.encode(), 6)


@pytest.mark.parametrize(
    "kept",
    [
        pytest.param(lambda text: text, id="the JSON itself (before m010)"),
        pytest.param(_zlib, id="zlib, as m010 first kept it"),
        pytest.param(pack, id="zstd with the current dictionary"),
    ],
)
def test_a_result_kept_by_any_version_reads_back(kept):
    text = extract_file(DOCS / "05_pingtan_2023.txt").model_dump_json()
    assert unpack(kept(text)) == text


def test_the_dictionary_keeps_a_real_report_in_less_than_zlib_alone():
    # Learnt from generated results and the golden reports: what a result shares with every
    # other (keys, check names, messages) is no longer kept in each.
    text = extract_file(DOCS / "10_shanghai_kewei_2024.md").model_dump_json()
    assert len(pack(text)) < 0.75 * len(_zlib(text))


def test_a_result_compressed_with_a_dictionary_this_version_lacks_says_so():
    future = b"d" + bytes([99]) + pack("{}")[2:]
    with pytest.raises(ValueError, match="dictionary 99.*upgrade"):
        unpack(future)


def _weighed(r):
    check = Check(rule="X1", check="X1.natural", status="warn", severity="heuristic", cells=["s3.received.natural"], message="…")
    related = Related(relation="previous", sha256="0" * 64, path="a.txt", year=2023, cells={"s3.received.natural": 4})
    return r.model_copy(update={"checks": [*r.checks, check], "related": [related]})


def _corrected(r):
    key = next(k for k in r.cells if k.startswith("s3."))
    cells = dict(r.cells) | {key: 7}
    provenance = dict(r.provenance) | {key: r.provenance[key].model_copy(update={"method": "human"})}
    return r.model_copy(update={"cells": cells, "provenance": provenance, "status": "needs_review"})


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(_weighed, id="the organ's other years weighed: checks added, related set"),
        pytest.param(_corrected, id="a cell corrected: cells, provenance and status"),
        pytest.param(lambda r: r.model_copy(update={"checks": r.checks[1:]}), id="checks that are not the base's plus more"),
        pytest.param(lambda r: r, id="nothing changed"),
    ],
)
def test_a_reviews_result_kept_as_a_patch_reads_back_whole(change):
    read = extract_file(DOCS / "10_shanghai_kewei_2024.md")
    now = change(read)
    base = pack(read.model_dump_json())
    kept = pack_patch(base, now.model_dump_json())
    assert type(read).model_validate_json(standing_json(base, kept)) == now
    assert standing_json(base, None) == read.model_dump_json()
    assert standing_json(base, pack(now.model_dump_json())) == now.model_dump_json(), "a whole one, as earlier versions kept it"
    with pytest.raises(ValueError, match="patch"):
        unpack(kept)


def test_a_corrected_review_keeps_a_few_hundred_bytes(tmp_path):
    store = Store(tmp_path / "s.sqlite")
    read = extract_file(DOCS / "10_shanghai_kewei_2024.md")
    store.add(read, RULES)
    sha = read.source.sha256
    store.resolve(sha, cells={"s3.carried_forward.total": 1}, reviewer="li")
    (kept,) = store.db.execute("SELECT corrected FROM reviews WHERE sha256 = ?", (sha,)).fetchone()
    review = store.review(sha)
    assert kept[:1] == b"p" and len(kept) < 1000 < len(pack(review.current.model_dump_json()))
    assert review.current.cells["s3.carried_forward.total"] == 1 and review.extracted.cells != review.current.cells
    assert store.current(sha) == review.current
    assert [type(read).model_validate_json(t) for t in store.current_json()] == [review.current]


def test_a_rerun_that_reads_nothing_writes_one_event_for_the_run(tmp_path):
    folder = tmp_path / "docs"
    shutil.copytree(DOCS, folder)
    path = tmp_path / "s.sqlite"
    for _ in range(3):
        ledger = Ledger(Store(path), RULES)
        outcomes = list(run(inputs([str(folder)], read=False), store=ledger))
        ledger.close()
    with Store(path) as store:
        actions = [(e.action, e.sha256, e.detail) for e in store.events()]
    skipped = [a for a in actions if a[0] in ("skipped", "run_skipped")]
    assert skipped == [("run_skipped", None, {"documents": len(outcomes)})] * 2  # one for each re-run
    assert not any(o.new for o in outcomes)


@pytest.mark.parametrize(
    ("value", "raw"),
    [(34, "34"), (34, "３４"), (1234, "1,234"), (2, "2笔"), (98.4361, "984361元"), (None, "—"), (None, ""), (0, "0"), (0, "/")],
)
def test_a_cells_raw_text_reads_back_as_printed(tmp_path, value, raw):
    result = extract_file(DOCS / "10_shanghai_kewei_2024.md")
    key = "s3.carried_forward.total"
    provenance = {**result.provenance, key: result.provenance[key].model_copy(update={"raw": raw})}
    store = Store(tmp_path / "s.sqlite")
    store.add(result.model_copy(update={"cells": {**result.cells, key: value}, "provenance": provenance}), RULES)
    assert store.db.execute("SELECT value, raw FROM cells WHERE key = ?", (key,)).fetchone() == (value, raw)
    assert next(c.raw for c in store.current_cells() if c.key == key) == raw
