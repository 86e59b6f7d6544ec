"""The store: migrations, the rules of runs and reviews, the queue, and plain tables to browse."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
import sqlite_utils

from extractor import extract_file
from extractor.errors import BadInput, Conflict, NotFound, full_disk
from extractor.models import Result
from extractor.options import RULES_ONLY
from extractor.reconcile import assess
from extractor.store import ACTIONS, Filter, Store
from extractor.store.identity import APPLICATION_ID
from extractor.store.migrations import MIGRATIONS, migrate
from extractor.store.packing import unpack

from .conftest import DOCS
from .doubles.fake_server import FakeServer, ToolCall
from .doubles.golden_model import golden_answer, golden_cells
from .llm_setup import double_options
from .previous_store import PreviousStore

SHANGHAI = DOCS / "10_shanghai_kewei_2024.md"  # 结转 总计 printed blank: two identities cannot be checked
PINGTAN = DOCS / "05_pingtan_2023.txt"  # three cells chosen among several readings
VERIFIED = DOCS / "004_f8b21749840a51ab.txt"
BLANK = "s3.carried_forward.total"
RULES = RULES_ONLY.fingerprint
NEXT_RELEASE = {**RULES, "extractor": "0.2.0"}  # the same strategy, read by a later release

TABLES = {
    "documents", "paths", "runs", "results", "cell_values", "check_values", "keys", "check_kinds", "reviews",
    "review_reasons", "corrections", "events", "extractions", "sources", "claims", "llm_batches", "llm_batch_questions",
    "organs", "organ_names", "sqlite_sequence",  # the organs' ids are never reused (AUTOINCREMENT)
}  # fmt: skip
# `cells` and `checks` are views of the compact tables, by name, as the tables they replace were.
VIEWS = {"current_results", "current_cells", "latest_corrections", "queue", "cells", "checks"}


class Clock:
    """The store's clock, set by the test: rows say when things happened, messages too."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now

    def at(self, hour: int, minute: int) -> None:
        self.now = self.now.replace(hour=hour, minute=minute, second=0)


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def store(tmp_path, clock):
    s = Store(tmp_path / "results.sqlite", clock=clock)
    yield s
    s.close()


@pytest.fixture(scope="module")
def shanghai() -> Result:
    return extract_file(SHANGHAI)


def cross_check(stem: str, model: str = "test-double", changed: dict | None = None):
    """Options of another configuration: the cross-check strategy with a model (a TEST DOUBLE
    answering the golden cells, some `changed`), and the result it reads."""
    options, _ = double_options(FakeServer(ToolCall(golden_answer(stem, changed))), "cross-check", model=model)
    return options


def actions(store: Store, sha: str) -> list[str]:
    return [e.action for e in store.events(sha)]


def count(store: Store, table: str) -> int:
    return store.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


# --- migrations ---------------------------------------------------------------------------------


def test_a_new_database_gets_every_migration_and_plain_tables(tmp_path):
    path = tmp_path / "new.sqlite"
    Store(path).close()
    db = sqlite_utils.Database(path)
    assert [r["name"] for r in db["_migrations"].rows] == [fn.__name__ for fn in MIGRATIONS]
    assert set(db.table_names()) == TABLES | {"_migrations"}
    assert set(db.view_names()) == VIEWS
    assert list(db["cells"].columns_dict) == [
        "sha256", "run_id", "key", "value", "state", "method", "raw", "page", "line", "line_end", "span_start",
        "span_end", "tbl", "grid_row", "grid_col", "x0", "top", "x1", "bottom", "member", "ambiguous", "note",
    ]  # fmt: skip
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID


def test_an_up_to_date_database_is_left_as_it_is(tmp_path):
    path = tmp_path / "r.sqlite"
    Store(path).close()
    db = sqlite3.connect(path, isolation_level=None)
    assert migrate(db) == []


def test_a_database_of_a_newer_version_is_refused(tmp_path):
    path = tmp_path / "r.sqlite"
    Store(path).close()
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO _migrations VALUES ('m999_future', '2030-01-01')")
    with pytest.raises(BadInput, match="newer version of the extractor .migration m999_future"):
        Store(path)


def test_a_previous_version_database_is_upgraded_with_its_results_and_reviews(tmp_path, shanghai):
    path = tmp_path / "old.sqlite"
    old = PreviousStore(path)
    first = old.add(shanghai, "2026-10-01T08:00:00+00:00")
    old.resolve(first, "2026-10-01T10:42:00+00:00", cells={BLANK: 1}, reviewer="li")
    old.add(shanghai, "2026-10-02T08:00:00+00:00")  # that version read it again and reopened it
    pingtan = old.add(extract_file(PINGTAN), "2026-10-01T08:00:01+00:00")
    old.resolve(pingtan, "2026-10-01T11:00:00+00:00", accept=True, reviewer="wang", note="as printed")
    old.add(extract_file(VERIFIED), "2026-10-01T08:00:02+00:00")
    old.add(extract_file(DOCS / "no-such-file.txt"), "2026-10-01T08:00:03+00:00")
    old.close()

    store = Store(path, create=False)
    db = sqlite_utils.Database(store.db)
    assert set(db.table_names()) == TABLES | {"_migrations"}, "the previous tables are gone, carried over"
    assert (count(store, "documents"), count(store, "results")) == (3, 3)
    (run,) = store.runs()
    assert (run.extractor, run.strategy) == (None, "rules")  # the version is unknown: today's reads it again

    sha = shanghai.source.sha256
    review = store.review(sha)
    assert (review.state, review.resolution, review.reviewer, review.current.status) == ("resolved", "corrected", "li", "verified")
    assert [(c.key, c.value, c.reviewer, c.at) for c in review.corrections] == [(BLANK, 1, "li", "2026-10-01T10:42:00+00:00")]
    history = [(e.at[:16], e.actor, e.action) for e in store.events(sha)]
    assert history == [
        ("2026-10-01T08:00", "extractor", "extracted"),
        ("2026-10-01T08:00", "extractor", "review_opened"),
        ("2026-10-01T10:42", "li", "cell_corrected"),
        ("2026-10-01T10:42", "li", "review_resolved"),
        ("2026-10-02T08:00", "extractor", "extracted"),
        ("2026-10-02T08:00", "extractor", "review_opened"),
    ], "every decision, when it was made, in the order it was made"
    accepted = store.review(extract_file(PINGTAN).source.sha256)
    assert (accepted.state, accepted.resolution, accepted.note) == ("resolved", "accepted", "as printed")
    (unreadable,) = [e for e in store.events() if e.action == "unreadable"]
    assert unreadable.detail["error"].endswith("no-such-file.txt: no such file")

    # Today's extractor reads it again once; the correction is applied to its reading.
    again = store.add(shanghai, RULES)
    assert (again.new, again.review, again.current.status) == (True, "kept", "verified")
    assert store.current(sha).cells[BLANK] == 1


# --- opening --------------------------------------------------------------------------------------


def test_opening_for_reading_never_creates_a_database(tmp_path):
    missing = tmp_path / "typo.sqlite"
    with pytest.raises(NotFound, match="typo.sqlite: no such database"):
        Store(missing, create=False)
    assert not missing.exists()


def test_a_database_in_a_missing_folder_is_one_line(tmp_path):
    with pytest.raises(BadInput, match="cannot create the database: the folder .*nodir does not exist"):
        Store(tmp_path / "nodir" / "r.sqlite")


@pytest.mark.parametrize(
    "content,message",
    [
        (b"hello, not a database" * 100, "not a SQLite database"),
        (None, "not a database of the extractor: it holds the table chickens$"),
    ],
)
def test_opening_for_reading_refuses_other_files(tmp_path, content, message):
    path = tmp_path / "other.sqlite"
    if content is None:
        with sqlite3.connect(path) as db:
            db.execute("CREATE TABLE chickens (name TEXT)")
    else:
        path.write_bytes(content)
    with pytest.raises(BadInput, match=message):
        Store(path, create=False)


# --- results and runs ---------------------------------------------------------------------------


def test_only_unverified_results_open_reviews(store, shanghai):
    verified = store.add(extract_file(VERIFIED), RULES)
    needs = store.add(shanghai, RULES)
    assert (verified.review, needs.review) == (None, "opened")
    page = store.queue()
    assert [(i.sha256, i.path) for i in page.items] == [(needs.sha256, str(SHANGHAI))]
    with pytest.raises(NotFound, match="has no review: it verified"):
        store.review(verified.sha256)


def test_the_same_document_and_configuration_is_no_work(store, shanghai):
    assert not store.has_result(shanghai.source.sha256, RULES)
    store.add(shanghai, RULES)
    assert store.has_result(shanghai.source.sha256, RULES)
    assert not store.has_result(shanghai.source.sha256, NEXT_RELEASE)
    moved = shanghai.model_copy(update={"source": shanghai.source.model_copy(update={"path": "elsewhere/sh.md"})})
    again = store.add(moved, RULES)
    assert (again.new, again.review) == (False, None)
    assert (count(store, "results"), count(store, "cells"), count(store, "runs")) == (1, len(shanghai.cells), 1)
    assert store.paths(shanghai.source.sha256) == [str(SHANGHAI), "elsewhere/sh.md"]
    store.skip(shanghai.source.sha256, RULES, path="third/sh.md")
    with pytest.raises(NotFound, match="only a document the store has can be skipped"):
        store.skip("0" * 64, RULES, path="x.txt")
    assert actions(store, shanghai.source.sha256) == ["extracted", "review_opened", "skipped", "skipped"]


def test_a_new_configuration_adds_a_run_and_keeps_the_old_result(store, shanghai):
    store.add(shanghai, RULES)
    store.add(shanghai, NEXT_RELEASE)
    assert [r.extractor for r in store.runs()] == ["0.1.0", "0.2.0"]
    assert count(store, "results") == 2
    assert {r["run_id"] for r in sqlite_utils.Database(store.db)["results"].rows} == {1, 2}
    assert store.review(shanghai.source.sha256).run.extractor == "0.2.0", "the review follows the newest run"


def test_a_result_given_as_json_is_stored_as_given(store, shanghai):
    text = shanghai.model_dump_json(indent=1)  # any valid JSON of a result, e.g. a worker's
    stored = store.add_json(text, RULES)
    assert (stored.new, stored.review, stored.current.cells) == (True, "opened", shanghai.cells)
    assert unpack(store.db.execute("SELECT result FROM results").fetchone()[0]) == text  # kept compressed
    assert list(store.current_json()) == [text]
    with pytest.raises(BadInput, match="not a result"):
        store.add_json('{"status": "verified"}', RULES)


def test_an_input_with_no_content_is_an_event(store):
    stored = store.add(extract_file(DOCS / "missing.txt"), RULES)
    assert (stored.sha256, stored.review) == (None, None)
    (event,) = store.events()
    assert (event.action, event.detail["path"]) == ("unreadable", str(DOCS / "missing.txt"))
    assert count(store, "documents") == 0


def test_unreadable_bytes_are_a_document_that_failed(store, tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    from extractor.load.archive import inputs
    from extractor.pipeline import extract_input

    (item,) = inputs([str(tmp_path / "empty.txt")])
    stored = store.add(extract_input(item), RULES)
    assert (stored.current.status, stored.review) == ("failed", "opened")
    assert store.has_result(stored.sha256, RULES), "the next run with this configuration leaves it alone"
    assert store.queue().items[0].questioned == ["unreadable"]


# --- resolving ------------------------------------------------------------------------------------


def test_a_correction_that_verifies_closes_the_review(store, shanghai):
    sha = store.add(shanghai, RULES).sha256
    done = store.resolve(sha, cells={BLANK: 1}, reviewer="li")
    assert (done.state, done.resolution, done.reviewer, done.current.status) == ("resolved", "corrected", "li", "verified")
    p = done.current.provenance[BLANK]
    assert (p.method, p.kind, p.note) == ("human", "number", "set by li (read as None)")
    assert p.location == done.extracted.provenance[BLANK].location
    assert done.extracted.cells[BLANK] is None, "the original reading is kept"
    assert actions(store, sha) == ["extracted", "review_opened", "cell_corrected", "review_resolved"]


def test_a_correction_that_does_not_add_up_keeps_the_review_open_and_the_correction(store, shanghai):
    sha = store.add(shanghai, RULES).sha256
    done = store.resolve(sha, cells={BLANK: 2}, reviewer="li")
    assert (done.state, done.current.status, done.version) == ("open", "needs_review", 2)
    assert {r.code for r in done.current.reasons} == {"identity_failed"}
    assert [(c.key, c.value) for c in done.corrections] == [(BLANK, 2)]
    assert store.resolve(sha, cells={BLANK: 1}, reviewer="li").state == "resolved"
    assert [(c.key, c.value) for c in store.corrections(sha)] == [(BLANK, 2), (BLANK, 1)], "history kept"


def test_confirming_guessed_cells_clears_the_ambiguity(store):
    result = extract_file(PINGTAN)
    sha = store.add(result, RULES).sha256
    guessed = {k: result.cells[k] for k, p in result.provenance.items() if p.ambiguous}
    assert store.resolve(sha, cells=guessed, reviewer="wang").current.status == "verified"


def test_accepting_as_printed_closes_without_changing_values(store, shanghai):
    sha = store.add(shanghai, RULES).sha256
    done = store.resolve(sha, accept=True, reviewer="li", note="the source leaves the total blank")
    assert (done.state, done.resolution, done.current.status) == ("resolved", "accepted", "needs_review")
    assert done.note == "the source leaves the total blank"
    assert actions(store, sha)[-1] == "accepted"


@pytest.mark.parametrize(
    "kwargs,error,message",
    [
        ({}, BadInput, "give corrected cells, or accept the document as printed"),
        ({"cells": {"s9.nope": 1}}, BadInput, "not cells of this document: s9.nope"),
        ({"accept": True}, BadInput, "accepting a document as printed needs a note"),
        ({"accept": True, "note": "  "}, BadInput, "accepting a document as printed needs a note"),
        ({"accept": True, "note": "x", "reviewer": " "}, BadInput, "needs the reviewer's name"),
        ({"accept": True, "note": "x", "sha256": "0" * 64}, NotFound, "no document 0000"),
    ],
)
def test_bad_resolutions_are_refused_and_change_nothing(store, shanghai, kwargs, error, message):
    sha = store.add(shanghai, RULES).sha256
    kwargs = {"sha256": sha, "reviewer": "li", **kwargs}
    with pytest.raises(error, match=message):
        store.resolve(**kwargs)
    assert (store.review(sha).version, count(store, "corrections")) == (1, 0)


def test_a_resolved_review_cannot_be_resolved_again(store, shanghai, clock):
    sha = store.add(shanghai, RULES).sha256
    clock.at(10, 42)
    store.resolve(sha, accept=True, reviewer="li", note="as printed")
    with pytest.raises(Conflict, match=r"already resolved \(accepted, by li at 10:42"):
        store.resolve(sha, cells={BLANK: 1}, reviewer="wang")


def test_a_stale_version_is_a_conflict_that_says_who_changed_it_and_when(store, shanghai, clock):
    sha = store.add(shanghai, RULES).sha256
    seen_by_li = store.review(sha).version
    clock.at(10, 42)
    store.resolve(sha, cells={BLANK: 2}, reviewer="wang", version=seen_by_li)  # still open: 2 does not add up
    with pytest.raises(Conflict, match=r"^changed by wang at 10:42 .*version 2, yours is 1"):
        store.resolve(sha, cells={BLANK: 1}, reviewer="li", version=seen_by_li)
    review = store.review(sha)
    assert (review.state, review.version, [c.reviewer for c in review.corrections]) == ("open", 2, ["wang"])
    assert store.resolve(sha, cells={BLANK: 1}, reviewer="li", version=review.version).state == "resolved"


# --- re-runs: the rules of reviews --------------------------------------------------------------


def test_resolve_then_rerun_same_and_other_configuration(store, shanghai):
    sha = store.add(shanghai, RULES).sha256
    store.resolve(sha, cells={BLANK: 1}, reviewer="li")

    # The same configuration again: no work, still resolved.
    assert store.has_result(sha, RULES)
    assert store.add(extract_file(SHANGHAI), RULES).new is False
    assert (count(store, "results"), store.review(sha).state) == (1, "resolved")

    # Another configuration (cross-check with a model): a new run, the correction applied to
    # its reading, which is verified again.
    options = cross_check(SHANGHAI.stem)
    reading = extract_file(SHANGHAI, options=options)
    assert reading.status == "needs_review" and reading.cells[BLANK] is None
    stored = store.add(reading, options.fingerprint)
    assert (stored.new, stored.review, stored.current.status) == (True, "kept", "verified")
    review = store.review(sha)
    assert (review.state, review.run.strategy, review.run.model) == ("resolved", "cross-check", "test-double")
    assert review.current.cells[BLANK] == 1 and review.current.provenance[BLANK].method == "human"
    assert review.extracted.cells[BLANK] is None
    assert actions(store, sha)[-2:] == ["extracted", "corrections_applied"]


def test_a_rerun_questioning_the_same_cells_does_not_reopen(store, shanghai):
    sha = store.add(shanghai, RULES).sha256
    store.resolve(sha, accept=True, reviewer="li", note="the source leaves the total blank")
    options = cross_check(SHANGHAI.stem)
    stored = store.add(extract_file(SHANGHAI, options=options), options.fingerprint)
    assert (stored.review, stored.current.status) == ("kept", "needs_review")
    assert store.review(sha).state == "resolved"


def test_a_rerun_questioning_other_cells_reopens_and_says_which(store):
    stem = VERIFIED.stem
    first, second = "s2.licensing.decisions", "s2.penalty.decisions"
    cells = golden_cells(stem)
    # Two readings that both pass and differ in one cell: methods_disagree on it.
    options = cross_check(stem, "model-a", {first: cells[first] + 7})
    reading = extract_file(VERIFIED, options=options)
    assert [(r.code, r.cells) for r in reading.reasons] == [("methods_disagree", [first])]
    sha = store.add(reading, options.fingerprint).sha256
    store.resolve(sha, cells={first: cells[first]}, reviewer="li")

    # Another model disagreeing on the same cell: the correction settles it again.
    options = cross_check(stem, "model-b", {first: cells[first] + 9})
    assert store.add(extract_file(VERIFIED, options=options), options.fingerprint).review == "kept"

    # A model disagreeing on another cell: reopened, saying which.
    options = cross_check(stem, "model-c", {second: cells[second] + 3})
    stored = store.add(extract_file(VERIFIED, options=options), options.fingerprint)
    assert stored.review == "reopened"
    review = store.review(sha)
    assert (review.state, review.resolution) == ("open", None)
    assert review.why == f"run 3 questions cells not questioned before: {second}"
    reopened = list(store.events(sha))[-1]
    assert (reopened.action, reopened.detail["newly_questioned"]) == ("review_reopened", [second])
    assert review.current.cells[first] == cells[first], "the first correction still stands"


def test_an_open_review_closes_when_a_new_run_verifies(store, shanghai):
    sha = store.add(shanghai, RULES).sha256
    fixed = assess(shanghai.model_copy(update={"cells": {**shanghai.cells, BLANK: 1}}))
    stored = store.add(fixed, NEXT_RELEASE)  # as a later release that reads the cell would
    assert (stored.review, store.review(sha).resolution) == ("closed", "verified")
    assert store.queue().total == 0


def test_an_open_review_follows_a_newer_run(store, shanghai):
    sha = store.add(shanghai, RULES).sha256
    assert store.add(shanghai, NEXT_RELEASE).review == "updated"
    review = store.review(sha)
    assert (review.state, review.version, review.changed_by, review.run.id) == ("open", 2, "extractor", 2)


def test_every_action_is_an_event_and_events_are_append_only(store, shanghai):
    sha = store.add(shanghai, RULES).sha256
    store.resolve(sha, cells={BLANK: 2}, reviewer="wang")
    store.resolve(sha, cells={BLANK: 1}, reviewer="li", note="from the body text")
    events = list(store.events(sha))
    assert [(e.actor, e.action, e.key) for e in events] == [
        ("extractor", "extracted", None),
        ("extractor", "review_opened", None),
        ("wang", "cell_corrected", BLANK),
        ("li", "cell_corrected", BLANK),
        ("li", "review_resolved", None),
    ]
    assert events[3].detail == {"value": 1, "was": 2, "version": 2, "correction": 2}  # what an undo takes back
    assert all(e.action in ACTIONS for e in events)
    assert [e.at for e in events] == sorted(e.at for e in events)
    for sql in ("UPDATE events SET actor = 'someone else'", "DELETE FROM events"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            store.db.execute(sql)


# --- views ----------------------------------------------------------------------------------------


def test_current_cells_is_the_correction_over_the_extraction(store, shanghai):
    sha = store.add(shanghai, RULES).sha256
    store.add(extract_file(VERIFIED), RULES)
    store.resolve(sha, cells={BLANK: 1, "s3.new_received.total": 34}, reviewer="li")
    for doc in (sha, extract_file(VERIFIED).source.sha256):
        current = store.current(doc)
        rows = {c.key: c for c in store.current_cells(doc)}
        assert {k: c.value for k, c in rows.items()} == current.cells
        assert {k: (c.state, c.method) for k, c in rows.items()} == {
            k: (p.kind, p.method) for k, p in current.provenance.items()
        }
    corrected = {c.key: (c.extracted, c.value, c.reviewer) for c in store.current_cells(sha) if c.corrected}
    assert corrected == {BLANK: (None, 1, "li"), "s3.new_received.total": (34, 34, "li")}
    assert sum(1 for _ in store.current_cells()) == 2 * len(shanghai.cells)


def test_current_results_stream_every_documents_result_as_it_stands(store, shanghai):
    sha = store.add(shanghai, RULES).sha256
    store.add(shanghai, NEXT_RELEASE)
    store.add(extract_file(VERIFIED), RULES)
    store.resolve(sha, cells={BLANK: 1}, reviewer="li")
    streamed = {r.source.sha256: r for r in store.current_results()}
    assert len(streamed) == 2
    assert (streamed[sha].status, streamed[sha].cells[BLANK]) == ("verified", 1)
    rows = list(sqlite_utils.Database(store.db).query("SELECT sha256, run_id, status FROM current_results ORDER BY sha256"))
    assert {r["sha256"]: (r["run_id"], r["status"]) for r in rows}[sha] == (2, "verified")


def test_plain_sqlite3_reads_the_tables_as_they_are(store, shanghai):
    store.add(shanghai, RULES)
    db = sqlite3.connect(store.path)
    (value, state, raw) = db.execute(
        "SELECT value, state, raw FROM cells WHERE key = 's3.new_received.total'"
    ).fetchone()
    assert (value, state, raw) == (34, "number", "34")
    failing = db.execute("SELECT name, status FROM checks WHERE status != 'pass' ORDER BY name").fetchall()
    # the prose says "转下一年度办理答复的有1件" of the blank 总计: a warning beside the two open identities
    assert failing == [("H1.total", "not_assessable"), ("H3.carried_forward", "not_assessable"), ("N1.s3.carried_forward.total", "warn")]
    (reasons,) = db.execute("SELECT reasons FROM queue").fetchone()
    assert '"code":"identity_not_assessable"' in reasons
    # A browser's filters arrive as text (datasette's ?value=34): numbers still compare as numbers.
    for sql in ("SELECT key FROM cells WHERE value = ?", "SELECT key FROM current_cells WHERE value = ?"):
        assert db.execute(sql, ("34",)).fetchall() == [("s3.new_received.total",)]
    assert db.execute("SELECT count(*) FROM current_cells WHERE corrected = ?", ("0",)).fetchone() == (len(shanghai.cells),)


# --- the queue --------------------------------------------------------------------------------------


def _variants(shanghai: Result, n: int) -> list[Result]:
    """n documents that need review, each with more or fewer cells left blank (as damaged copies
    of one report would read), some of another organ and year."""
    keys = [k for k, v in shanghai.cells.items() if v is not None and k.startswith("s3.")]
    out = []
    for i in range(n):
        cells = {**shanghai.cells, **{k: None for k in keys[: i % 5]}}
        source = shanghai.source.model_copy(update={"sha256": f"{i:064x}", "path": f"copy{i}.md"})
        organ, year = ("甲局", 2023) if i % 3 == 0 else (shanghai.organ, shanghai.year)
        out.append(assess(shanghai.model_copy(update={"cells": cells, "source": source, "organ": organ, "year": year})))
    return out


def test_the_queue_pages_by_keyset_the_most_doubtful_first(store, shanghai):
    docs = _variants(shanghai, 40)
    with store.batch(every=7):
        for r in docs:
            store.add(r, RULES)
    seen, after = [], None
    while True:
        page = store.queue(limit=7, after=after)
        assert page.total == 40
        seen += page.items
        if page.next is None:
            break
        after = page.next
    assert sorted(i.sha256 for i in seen) == sorted(r.source.sha256 for r in docs)
    assert [(-i.doubt, i.sha256) for i in seen] == sorted((-i.doubt, i.sha256) for i in seen)
    assert seen[0].doubt > seen[-1].doubt


@pytest.mark.parametrize(
    "where,expected",
    [
        (Filter(year=2023), lambda r: r.year == 2023),
        (Filter(organ="甲局"), lambda r: r.organ == "甲局"),
        (Filter(reason="identity_failed"), lambda r: "identity_failed" in {x.code for x in r.reasons}),
        (Filter(reason="cells_not_read", format="markdown"), lambda r: "cells_not_read" in {x.code for x in r.reasons}),
        (Filter(format="pdf"), lambda r: False),
        (Filter(state="resolved"), lambda r: False),
        (Filter(state=None, template="2021"), lambda r: True),
    ],
)
def test_the_queue_filters(store, shanghai, where, expected):
    docs = _variants(shanghai, 12)
    for r in docs:
        store.add(r, RULES)
    page = store.queue(where, limit=100)
    assert sorted(i.sha256 for i in page.items) == sorted(r.source.sha256 for r in docs if expected(r))
    assert page.total == len(page.items)


def test_reason_counts(store, shanghai):
    docs = _variants(shanghai, 10)
    for r in docs:
        store.add(r, RULES)
    counts = store.reason_counts(Filter(year=2023))
    in_2023 = [r for r in docs if r.year == 2023]
    for code, n in counts.items():
        assert n == sum(1 for r in in_2023 if code in {x.code for x in r.reasons})
    assert set(counts) == {x.code for r in in_2023 for x in r.reasons}


def test_counts_by_state_alone_are_those_of_the_reviews(store, shanghai):
    """Narrowed by state only, the counts come from the reasons index alone: they must agree."""
    from dataclasses import replace

    docs = _variants(shanghai, 10)
    for r in docs:
        store.add(r, RULES)
    store.resolve(docs[0].source.sha256, accept=True, reviewer="li", note="as printed")
    for where in (Filter(), Filter(state="resolved"), Filter(state=None)):
        items = store.queue(where, limit=100).items
        expected: dict[str, int] = {}
        for item in items:
            for code in {r.code for r in item.reasons}:
                expected[code] = expected.get(code, 0) + 1
        assert store.reason_counts(where) == expected
        for code, n in expected.items():
            assert store.queue(replace(where, reason=code)).total == n


def test_a_bad_cursor_is_refused(store):
    with pytest.raises(BadInput, match="not a queue cursor"):
        store.queue(after="page 2")


# --- writing in batches ------------------------------------------------------------------------------


def test_a_batch_commits_every_few_and_keeps_what_it_did_when_stopped(store, shanghai):
    reader = sqlite3.connect(store.path)
    docs = _variants(shanghai, 5)
    with pytest.raises(KeyboardInterrupt), store.batch(every=2):
        for i, r in enumerate(docs):
            store.add(r, RULES)
            committed = reader.execute("SELECT count(*) FROM results").fetchone()[0]
            assert committed == (i + 1) // 2 * 2
            if i == 2:
                raise KeyboardInterrupt
    assert reader.execute("SELECT count(*) FROM results").fetchone()[0] == 3


def test_a_full_disk_in_a_batch_is_sqlites_own_error_and_keeps_what_was_committed(store, shanghai):
    """On a full disk SQLite rolls back the statement or the whole transaction, savepoint and all
    (which, depends on where the page ran out): the error that reaches the caller is the disk's,
    not one of the rollback that followed it, and the document cut short leaves nothing."""
    (pages,) = store.db.execute("PRAGMA page_count").fetchone()
    store.db.execute(f"PRAGMA max_page_count = {pages + 100}")  # some twenty documents
    added = 0
    with pytest.raises(sqlite3.OperationalError) as raised, store.batch(every=2):
        for r in _variants(shanghai, 40):
            store.add(r, RULES)
            added += 1
    assert (raised.value.sqlite_errorcode, str(raised.value)) == (sqlite3.SQLITE_FULL, "database or disk is full")
    assert full_disk(raised.value) is raised.value
    kept = count(store, "results")
    assert 0 < kept and kept in (added, added // 2 * 2), "the documents added are kept (or those committed before), never one cut short"
    whole = store.db.execute("SELECT count(DISTINCT result_id) FROM cell_values").fetchone()[0]
    assert whole == kept, "every result kept has its cells"
    store.db.execute("PRAGMA max_page_count = 1073741823")
    assert store.add(_variants(shanghai, 40)[-1], RULES).new, "the store writes again once there is room"


def test_lookup_by_prefix(store, shanghai):
    for r in _variants(shanghai, 3):  # hashes 000…0, 000…1, 000…2
        store.add(r, RULES)
    assert store.lookup("0" * 63 + "1") == "0" * 63 + "1"
    with pytest.raises(BadInput, match="several documents"):
        store.lookup("000")
    with pytest.raises(NotFound, match="no document abc"):
        store.lookup("ABC")
    with pytest.raises(BadInput, match="not a document hash"):
        store.lookup("#1")


def test_the_queue_by_reason_follows_each_reviews_state(store, shanghai):
    sha = store.add(shanghai, RULES).sha256
    by_reason = Filter(reason="identity_not_assessable")
    assert [i.sha256 for i in store.queue(by_reason).items] == [sha]
    store.resolve(sha, accept=True, reviewer="li", note="as printed")
    assert store.queue(by_reason).total == 0
    resolved = Filter(state="resolved", reason="identity_not_assessable")
    assert [i.sha256 for i in store.queue(resolved).items] == [sha]
    assert store.reason_counts(Filter(state="resolved")) == {"cells_not_read": 1, "identity_not_assessable": 1}
    rows = store.db.execute("SELECT code, state, doubt FROM review_reasons ORDER BY code").fetchall()
    assert rows == [("cells_not_read", "resolved", 10), ("identity_not_assessable", "resolved", 10)]


# --- the workbench: orders, substrings, neighbours, claims, decisions taken back, selections ---------


def _filled(store: Store, shanghai: Result, n: int = 20) -> list[Result]:
    docs = _variants(shanghai, n)
    with store.batch(every=50):
        for r in docs:
            store.add(r, RULES)
    return docs


ORDER_KEYS = {
    "doubt": lambda i: (-i.doubt, i.sha256),
    "fewest": lambda i: (i.effort, i.sha256),
    "path": lambda i: (i.path, i.sha256),
    "organ": lambda i: (i.organ or "", i.year or 0, i.sha256),
}


@pytest.mark.parametrize("order", sorted(ORDER_KEYS))
def test_every_order_pages_by_keyset_each_review_once_in_its_order(store, shanghai, order):
    docs = _filled(store, shanghai)
    seen, after = [], None
    while True:
        page = store.queue(limit=6, after=after, order=order)
        seen += page.items
        if page.next is None:
            break
        after = page.next
    assert sorted(i.sha256 for i in seen) == sorted(r.source.sha256 for r in docs)
    assert seen == sorted(seen, key=ORDER_KEYS[order])


def test_fewest_cells_to_fix_puts_the_one_click_fixes_first(store, shanghai):
    _filled(store, shanghai)
    items = store.queue(limit=100, order="fewest").items
    fixable = [i for i in items if i.suggestion]
    assert [i.suggestion for i in fixable] == [{BLANK: 1}] * 4 and items[:4] == fixable
    assert all(i.effort == 0 for i in fixable) and [i.effort for i in items[4:]] == sorted(i.doubt for i in items[4:])
    assert store.queue(order="doubt", limit=1).items[0].suggestion is None, "the most in doubt are not the one-click ones"


@pytest.mark.parametrize(
    "where,expected",
    [
        (Filter(organ="甲"), lambda r: r.organ == "甲局"),
        (Filter(organ="科委"), lambda r: r.organ == "上海市科委"),
        (Filter(organ="郭巨"), lambda r: False),
        (Filter(path="copy1"), lambda r: r.source.path.startswith("copy1")),
        (Filter(path="y3.md"), lambda r: r.source.path == "copy3.md"),
        (Filter(organ="甲", path="copy1"), lambda r: r.organ == "甲局" and r.source.path.startswith("copy1")),
        (Filter(method="rules"), lambda r: True),
        (Filter(method="llm"), lambda r: False),
        (Filter(reason="cells_not_read", organ="市"), lambda r: r.organ == "上海市科委" and "cells_not_read" in {x.code for x in r.reasons}),
    ],
)  # fmt: skip
def test_organ_and_path_match_a_part_of_them(store, shanghai, where, expected):
    docs = _filled(store, shanghai)
    for order in ORDER_KEYS:
        page = store.queue(where, limit=100, order=order)
        assert sorted(i.sha256 for i in page.items) == sorted(r.source.sha256 for r in docs if expected(r)), order
        assert page.total == len(page.items)


def test_a_part_of_a_name_is_looked_up_once_among_the_organs(store, shanghai):
    from extractor.store.queue import named

    docs = _filled(store, shanghai)
    assert named(store.db, Filter(organ="甲")).organs == ("甲局",)
    assert named(store.db, Filter(organ="郭巨")).organs == ()
    assert named(store.db, Filter(organ="科委", state=None)).organs == ("上海市科委",)
    for r in docs:
        if r.organ == "甲局":
            store.resolve(r.source.sha256, accept=True, reviewer="li", note="as printed")
    every = named(store.db, Filter(organ="科委"))
    assert (every.organ, every.organs, every.by_state_only) == (None, None, True), "every open organ: no filter left"
    assert store.queue(Filter(organ="科委")).total == 13 and store.reason_counts(Filter(organ="科委")) == store.reason_counts()


def test_a_cursor_of_another_order_or_made_up_is_refused(store, shanghai):
    _filled(store, shanghai)
    by_path = store.queue(limit=3, order="path").next
    for order, after in (("doubt", by_path), ("organ", by_path), ("path", "path~bm9wZQ"), ("path", "path~!!"), ("fewest", "3:ab")):
        with pytest.raises(BadInput, match="not a queue cursor"):
            store.queue(after=after, order=order)
    with pytest.raises(BadInput, match="unknown order 'newest'"):
        store.queue(order="newest")


def test_next_and_previous_keep_to_the_filter_and_go_round(store, shanghai):
    _filled(store, shanghai)
    where = Filter(organ="甲")
    order = [i.sha256 for i in store.queue(where, limit=100, order="path").items]
    for i, sha in enumerate(order):
        at = store.position(sha)
        assert store.neighbour(at, where, order="path") == order[(i + 1) % len(order)]
        assert store.neighbour(at, where, order="path", forward=False) == order[i - 1]
    # A document outside the filter (or just resolved) still has its place in the order.
    outside = next(i for i in store.queue(limit=100, order="path").items if i.organ != "甲局")
    assert store.neighbour(outside, where, order="path") == next(s for s in order if store.position(s).path > outside.path)


def test_next_passes_over_documents_another_reviewer_holds_until_the_claim_lapses(store, shanghai, clock):
    _filled(store, shanghai, 6)
    first, second, third = [i.sha256 for i in store.queue(limit=3, order="path").items]
    assert store.claim(second, "li").reviewer == "li"
    taken = store.claim(second, "wang")
    assert (taken.reviewer, store.holders([first, second])) == ("li", {second: taken}), "wang is told who holds it"
    at = store.position(first)
    assert store.neighbour(at, order="path", reviewer="wang") == third
    assert store.neighbour(at, order="path", reviewer="li") == second, "one's own claim is no obstacle"
    assert second not in [i.sha256 for i in store.queue(order="path", reviewer="wang").items]
    clock.now += timedelta(minutes=16)
    assert store.neighbour(at, order="path", reviewer="wang") == second, "a claim lapses"


def test_a_reviewer_holds_one_document_and_a_decision_lets_it_go(store, shanghai):
    docs = _filled(store, shanghai, 6)
    a, b = docs[0].source.sha256, docs[1].source.sha256
    store.claim(a, "li")
    store.claim(b, "li")
    assert list(store.holders([a, b])) == [b]
    store.resolve(b, accept=True, reviewer="wang", note="as printed")
    assert store.holders([a, b]) == {}


def test_an_undo_withdraws_the_decisions_corrections_and_the_log_keeps_both(store, shanghai):
    sha = store.add(shanghai, RULES).sha256
    store.resolve(sha, cells={"s3.new_received.total": 34}, reviewer="wang")  # an earlier decision, kept
    done = store.resolve(sha, cells={BLANK: 1}, reviewer="li", note="from the body text")
    assert (done.state, done.current.cells[BLANK]) == ("resolved", 1)
    undone = store.undo(sha, reviewer="zhao", version=done.version)
    assert (undone.state, undone.resolution, undone.reviewer, undone.current.cells[BLANK]) == ("open", None, None, None)
    assert [(c.key, c.reviewer) for c in undone.corrections] == [("s3.new_received.total", "wang")]
    assert store.queue().items[0].suggestion == {BLANK: 1}, "open again, with its one-click fix"
    events = list(store.events(sha))
    assert [(e.actor, e.action) for e in events][-4:] == [
        ("wang", "cell_corrected"), ("li", "cell_corrected"), ("li", "review_resolved"), ("zhao", "decision_undone"),
    ]  # fmt: skip
    assert events[-1].detail == {"version": 2, "withdrawn": {BLANK: 1}, "was": "corrected", "by": "li"}
    with pytest.raises(Conflict, match="changed since its last decision"):
        store.undo(sha, reviewer="zhao")  # wang's decision is older than the review as it stands
    assert store.current(sha).cells["s3.new_received.total"] == 34


@pytest.mark.parametrize(
    "then,error,message",
    [
        (lambda s, sha, v: None, Conflict, r"changed by li at 09:00 on 2026-11-02 \(UTC\): .* is at version 2, yours is 1"),
        (lambda s, sha, v: s.add(_variants(s.current(sha), 1)[0], RULES), None, None),
        (lambda s, sha, v: s.add(s.current(sha).model_copy(update={"source": s.current(sha).source}), NEXT_RELEASE), Conflict, "changed since its last decision"),
    ],
    ids=["stale-version", "another-document-meanwhile", "a-new-run-meanwhile"],
)  # fmt: skip
def test_an_undo_is_refused_when_the_review_changed_since(store, shanghai, then, error, message):
    sha = store.add(shanghai, RULES).sha256
    done = store.resolve(sha, cells={BLANK: 1}, reviewer="li")
    then(store, sha, done.version)
    version = 1 if message and "yours is 1" in message else None
    if error is None:
        assert store.undo(sha, reviewer="li").state == "open"
        return
    with pytest.raises(error, match=message):
        store.undo(sha, reviewer="li", version=version)
    assert store.review(sha).current.cells[BLANK] == 1, "nothing was undone"


def test_nothing_to_undo_and_an_accept_undone(store, shanghai):
    sha = store.add(shanghai, RULES).sha256
    with pytest.raises(BadInput, match="nothing to undo"):
        store.undo(sha, reviewer="li")
    store.resolve(sha, accept=True, reviewer="li", note="as printed")
    again = store.undo(sha, reviewer="li")
    assert (again.state, again.note, again.current.status) == ("open", None, "needs_review")
    with pytest.raises(BadInput, match="nothing to undo"):
        store.undo(sha, reviewer="li")


def test_a_resolved_review_reopens_with_its_corrections(store, shanghai):
    sha = store.add(shanghai, RULES).sha256
    done = store.resolve(sha, cells={BLANK: 1}, reviewer="li")
    with pytest.raises(Conflict, match="yours is 1"):
        store.reopen(sha, reviewer="wang", version=1)
    again = store.reopen(sha, reviewer="wang", note="the body text says 2", version=done.version)
    assert (again.state, again.why, again.current.cells[BLANK], again.questioned) == (
        "open", "reopened by wang: the body text says 2", 1, done.questioned,
    )  # fmt: skip
    assert [(e.actor, e.action, e.detail) for e in store.events(sha)][-1] == ("wang", "reopened", {"note": "the body text says 2", "was": "corrected"})
    with pytest.raises(Conflict, match="is open already"):
        store.reopen(sha, reviewer="wang")
    assert store.queue().total == 1


def test_resolved_today_counts_what_stands_resolved(store, shanghai, clock):
    docs = _filled(store, shanghai, 6)
    for r in docs[:3]:
        store.resolve(r.source.sha256, accept=True, reviewer="li", note="as printed")
    store.undo(docs[2].source.sha256, reviewer="li")
    store.resolve(docs[3].source.sha256, accept=True, reviewer="wang", note="as printed")
    assert (store.resolved_today("li"), store.resolved_today("wang"), store.resolved_today("zhao")) == (2, 1, 0)
    clock.now += timedelta(days=1)
    assert store.resolved_today("li") == 0


def test_a_selection_takes_each_one_click_fix_as_a_decision_of_its_own(store, shanghai):
    from extractor.store import bulk

    docs = _filled(store, shanghai)
    fixable = [r.source.sha256 for r in docs if store.position(r.source.sha256).suggestion]
    store.claim(fixable[0], "wang")
    selection = bulk.select(store, Filter(), "suggestions", reviewer="li")
    assert sorted(i.sha256 for i in selection.items) == sorted(fixable[1:]), "wang's is left to wang"
    dry = bulk.apply(store, selection, reviewer="li", dry_run=True)
    assert dry.summary() == "would take the suggested value for 3 of 3 documents: 3 resolved, 0 still open"
    assert store.queue().total == 20, "a dry run changes nothing"
    store.resolve(fixable[2], cells={"s3.new_received.total": 35}, reviewer="zhao")  # changed meanwhile
    with pytest.raises(bulk.Stale, match="changed since it was confirmed .it now holds 2 documents"):
        bulk.confirmed(bulk.select(store, Filter(), "suggestions", reviewer="li"), selection.token)
    done = bulk.apply(store, selection, reviewer="li")
    assert [(o.sha256, o.state, o.status, o.cells) for o in done.outcomes if o.state == "resolved"] == [
        (sha, "resolved", "verified", {BLANK: (None, 1)}) for sha in (i.sha256 for i in selection.items) if sha != fixable[2]
    ]
    (conflict,) = [o for o in done.outcomes if o.state == "conflict"]
    assert conflict.sha256 == fixable[2] and "changed by zhao since it was selected" in conflict.problem
    assert done.summary() == "took the suggested value for 2 of 3 documents: 2 resolved, 0 still open, 1 conflict"
    for sha in fixable[1:2]:
        assert [(e.actor, e.action) for e in store.events(sha)][-2:] == [("li", "cell_corrected"), ("li", "review_resolved")]
    assert store.queue().total == 18


def test_a_selection_accepted_as_printed_needs_its_note(store, shanghai):
    from extractor.store import bulk

    _filled(store, shanghai, 6)
    selection = bulk.select(store, Filter(organ="甲"), "accept", reviewer="li")
    with pytest.raises(BadInput, match="needs a note"):
        bulk.apply(store, selection, reviewer="li", note=" ")
    done = bulk.apply(store, selection, reviewer="li", note="the source does not add up")
    assert (len(selection), done.count("resolved")) == (2, 2)
    assert {store.review(i.sha256).note for i in selection.items} == {"the source does not add up"}
    with pytest.raises(BadInput, match="unknown bulk action"):
        bulk.select(store, Filter(), "delete", reviewer="li")


def test_a_previous_version_database_gets_the_queues_orders_filled_in(tmp_path, shanghai):
    path = tmp_path / "old.sqlite"
    old = PreviousStore(path)
    old.add(shanghai, "2026-10-01T08:00:00+00:00")
    old.add(extract_file(PINGTAN), "2026-10-01T08:00:01+00:00")
    old.close()
    store = Store(path, create=False)
    items = {i.path: i for i in store.queue(limit=10, order="fewest").items}
    assert [(i.path, i.method, i.suggestion, i.effort) for i in items.values()] == [
        (str(SHANGHAI), "rules", {BLANK: 1}, 0), (str(PINGTAN), "rules", None, items[str(PINGTAN)].doubt),
    ]  # fmt: skip
    assert [i.path for i in store.queue(Filter(path="pingtan")).items] == [str(PINGTAN)]
