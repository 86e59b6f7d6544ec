"""The review queue: what opens a review, what closes it, and that nothing is lost."""

from __future__ import annotations

import pytest

from extractor import extract_file
from extractor.store import ReviewError, Store

from .conftest import DOCS

SHANGHAI = DOCS / "10_shanghai_kewei_2024.md"
PINGTAN = DOCS / "05_pingtan_2023.txt"


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "q.sqlite")
    yield s
    s.close()


def test_only_unverified_results_open_reviews(store):
    assert store.add(extract_file(DOCS / "004_f8b21749840a51ab.txt")) is None
    review_id = store.add(extract_file(SHANGHAI))
    assert [(r.id, r.state, r.result.source.path) for r in store.reviews()] == [(review_id, "open", str(SHANGHAI))]


def test_a_correction_that_verifies_closes_the_review(store):
    review_id = store.add(extract_file(SHANGHAI))
    done = store.resolve(review_id, cells={"s3.carried_forward.total": 1}, reviewer="li")
    assert (done.state, done.resolution, done.current.status) == ("resolved", "corrected", "verified")
    p = done.corrected.provenance["s3.carried_forward.total"]
    assert (p.method, p.kind, p.note) == ("human", "number", "set by li (read as None)")
    assert p.location == done.result.provenance["s3.carried_forward.total"].location
    assert done.result.cells["s3.carried_forward.total"] is None, "the original reading is kept"


def test_a_correction_that_does_not_add_up_keeps_the_review_open(store):
    review_id = store.add(extract_file(SHANGHAI))
    done = store.resolve(review_id, cells={"s3.carried_forward.total": 2})
    assert done.state == "open" and done.current.status == "needs_review"
    assert {r.code for r in done.current.reasons} == {"identity_failed"}


def test_confirming_guessed_cells_clears_the_ambiguity(store):
    result = extract_file(PINGTAN)
    review_id = store.add(result)
    guessed = {k: result.cells[k] for k, p in result.provenance.items() if p.ambiguous}
    assert store.resolve(review_id, cells=guessed, reviewer="wang").current.status == "verified"


def test_accepting_as_printed_closes_without_changing_values(store):
    review_id = store.add(extract_file(SHANGHAI))
    done = store.resolve(review_id, accept=True, note="the source leaves the total blank")
    assert (done.state, done.resolution, done.current.status) == ("resolved", "accepted", "needs_review")


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({}, "give corrected cells, or accept the document as printed"),
        ({"cells": {"s9.nope": 1}}, "not cells of this document: s9.nope"),
    ],
)
def test_bad_resolutions_are_refused(store, kwargs, message):
    review_id = store.add(extract_file(SHANGHAI))
    with pytest.raises(ReviewError, match=message):
        store.resolve(review_id, **kwargs)


def test_resolved_reviews_cannot_be_resolved_again(store):
    review_id = store.add(extract_file(SHANGHAI))
    store.resolve(review_id, accept=True)
    with pytest.raises(ReviewError, match="already resolved"):
        store.resolve(review_id, accept=True)


def test_the_store_survives_reopening(tmp_path):
    path = tmp_path / "q.sqlite"
    Store(path).add(extract_file(SHANGHAI))
    (review,) = Store(path).reviews("open")
    assert review.result.cells["s3.new_received.total"] == 34
