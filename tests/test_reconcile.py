"""reconcile: the one place that decides, as plain functions over results (no documents, no model).

`assess` verifies a result's cells and decides its status and every reason from what the result
records; `combine` makes one result of a strategy's readings. Table-driven: each row is a case
and what must come of it.
"""

from __future__ import annotations

import json

import pytest

from extractor.models import MethodRun, Provenance, Result, Source, TableInfo
from extractor.reconcile import Judged, assess, combine, plan, settled

from .conftest import ROOT

GOLDEN = json.loads((ROOT / "golden" / "expected" / "01_huaian_shi_2024.json").read_text(encoding="utf-8"))
CELLS: dict = GOLDEN["cells"]  # a 2021 report whose every identity holds, most of table 三 non-zero
ZERO_COLUMNS = [k for k in CELLS if k.startswith("s3.") and k.rsplit(".", 1)[1] in ("research", "social")]
assert ZERO_COLUMNS and not any(CELLS[k] for k in ZERO_COLUMNS)  # two applicant columns of zeros


def result(cells: dict | None = None, *, found=("s2", "s3", "s4"), kinds: dict | None = None, **fields) -> Result:
    cells = dict(CELLS if cells is None else cells)
    kinds = kinds or {}
    provenance = {
        k: Provenance(kind=kinds.get(k, "blank" if v is None else "zero" if v == 0 else "number"), raw=str(v))
        for k, v in cells.items()
    }
    return Result(
        source=Source(path="r.txt", **fields.pop("source", {})),
        template="2021",
        status="failed",
        cells=cells,
        tables={t: TableInfo(found=t in found) for t in ("s2", "s3", "s4")},
        provenance=provenance,
        **fields,
    )


def _set(**changes) -> dict:
    return {**CELLS, **{k.replace("__", "."): v for k, v in changes.items()}}


def _ambiguous(key: str) -> Result:
    r = result()
    r.provenance[key] = r.provenance[key].model_copy(update={"ambiguous": True})
    return r


CASES = [
    # (name, result, status, reason codes)
    ("every identity holds", result(), "verified", []),
    ("a wrong total", result(_set(s4__review__total=CELLS["s4.review.total"] + 1)), "needs_review", ["identity_failed"]),
    ("a blank cell", result(_set(s3__granted__natural=None)), "needs_review", ["cells_not_read", "identity_not_assessable", "identity_not_assessable"]),
    ("blank columns that hold as zeros", result({**CELLS, **dict.fromkeys(ZERO_COLUMNS)}), "verified", ["blank_as_zero"]),
    (
        "the same, strictly",
        result({**CELLS, **dict.fromkeys(ZERO_COLUMNS)}, blanks="strict"),
        "needs_review",
        ["cells_not_read", "identity_not_assessable"],
    ),
    (
        "a zero printed blank in 总计 settles nothing",
        result({**CELLS, **dict.fromkeys(ZERO_COLUMNS), "s3.denied_state_secret.total": None}),
        "needs_review",
        ["cells_not_read", "identity_not_assessable"],  # more than four: one reason lists them
    ),
    (
        "blanks that would not hold as zeros",
        result({**CELLS, **dict.fromkeys(ZERO_COLUMNS), "s3.granted.legal": None}),
        "needs_review",
        ["cells_not_read", "identity_not_assessable"],
    ),
    (
        "a cell not read at all is never taken as zero",
        result({**CELLS, **dict.fromkeys(ZERO_COLUMNS)}, kinds=dict.fromkeys(ZERO_COLUMNS, "missing")),
        "needs_review",
        ["cells_not_read", "identity_not_assessable"],
    ),
    ("a reading chosen among several", _ambiguous("s2.licensing.decisions"), "needs_review", ["ambiguous_reading"]),
    ("a table not found", result(found=("s3", "s4")), "needs_review", ["table_missing"]),
    ("no table at all", result({}, found=()), "failed", ["no_table"]),
    ("nothing read", result({k: None for k in CELLS}), "failed", ["no_table"]),
    (
        "a table missing where pages have no text layer",
        result(found=("s3", "s4"), source={"pages_without_text": [3, 4]}),
        "failed",
        ["unreadable", "table_missing"],
    ),
    ("every table found although pages have no text", result(source={"pages_without_text": [5]}), "verified", []),
]


@pytest.mark.parametrize("name,given,status,codes", CASES, ids=[c[0] for c in CASES])
def test_assess(name, given, status, codes):
    got = assess(given)
    assert (got.status, [r.code for r in got.reasons]) == (status, codes)


@pytest.mark.parametrize("name,given,status,codes", CASES, ids=[c[0] for c in CASES])
def test_assessing_again_keeps_every_reason_that_still_applies(name, given, status, codes):
    once = assess(given)
    assert assess(once).model_dump() == once.model_dump()


def test_the_inference_names_every_blank_it_settles_and_keeps_them_null():
    got = assess(result({**CELLS, **dict.fromkeys(ZERO_COLUMNS)}))
    (reason,) = got.reasons
    assert reason.cells == ZERO_COLUMNS and all(got.cells[k] is None for k in ZERO_COLUMNS)
    assert reason.message.startswith(f"{len(ZERO_COLUMNS)} blank applicant cells of table 三 taken as zeros")
    assert {c.status for c in got.checks if set(c.blank_cells) & set(ZERO_COLUMNS)} == {"pass_if_blank_zero"}


def test_unreadable_pages_name_the_file_in_the_error():
    got = assess(result(found=("s3", "s4"), source={"pages_without_text": [3]}))
    assert got.error == "r.txt: no text layer: OCR needed"


def _judged(method: str, r: Result, error: str | None = None) -> Judged:
    return Judged(method, assess(r), error)


GOOD = result()
WRONG = result(_set(s3__granted__natural=CELLS["s3.granted.natural"] + 1))  # breaks identities
DIFFERENT_BUT_PASSING = result(_set(s2__licensing__decisions=CELLS["s2.licensing.decisions"] + 7))  # no identity covers it
EMPTY = result({}, found=())

COMBINATIONS = [
    # (name, strategy, readings, status, chosen method, reason codes)
    ("both pass and agree", "cross-check", [("rules", GOOD), ("llm", GOOD)], "verified", "rules", []),
    ("both pass and differ", "cross-check", [("rules", GOOD), ("llm", DIFFERENT_BUT_PASSING)], "needs_review", "rules", ["methods_disagree"]),
    ("the model fails an identity", "cross-check", [("rules", GOOD), ("llm", WRONG)], "verified", "rules", ["fallback"]),
    ("the rules fail, the model passes", "cross-check", [("rules", WRONG), ("llm", GOOD)], "verified", "llm", ["fallback"]),
    ("the model path broke", "llm-first", [("llm", EMPTY, "the llm path failed: boom"), ("rules", GOOD)], "verified", "rules", ["fallback"]),
    ("neither passes", "cross-check", [("rules", WRONG), ("llm", EMPTY)], "needs_review", "rules", ["identity_failed", "identity_failed", "fallback"]),
]


@pytest.mark.parametrize("name,strategy,readings,status,method,codes", COMBINATIONS, ids=[c[0] for c in COMBINATIONS])
def test_combine(name, strategy, readings, status, method, codes):
    judged = [_judged(*r) for r in readings]
    got = combine(strategy, judged)
    assert (got.status, got.method, [r.code for r in got.reasons]) == (status, method, codes)
    assert [m.chosen for m in got.methods] == [j.method == method for j in judged]
    assert assess(got).model_dump() == got.model_dump(), "the combined result is already assessed"


def test_a_fallback_names_the_cells_the_readings_differ_in_and_survives_a_correction():
    got = combine("cross-check", [_judged("rules", GOOD), _judged("llm", WRONG)])
    (fallback,) = got.reasons
    assert fallback.cells == ["s3.granted.natural"]
    assert "the llm reading was not used: its reading fails H2.natural, H3.granted;" in fallback.message
    # A person corrects an unrelated cell: the record of the fallback is history and stays.
    corrected = assess(got.model_copy(update={"cells": {**got.cells, "s2.licensing.decisions": 1}}))
    assert [r.code for r in corrected.reasons] == ["fallback"]


def test_a_person_settles_a_disagreement_by_correcting_the_cell():
    got = combine("cross-check", [_judged("rules", GOOD), _judged("llm", DIFFERENT_BUT_PASSING)])
    key = "s2.licensing.decisions"
    settled_by_hand = got.model_copy(
        update={"provenance": {**got.provenance, key: Provenance(kind="number", raw="1", method="human")}}
    )
    assert assess(settled_by_hand).status == "verified"


@pytest.mark.parametrize(
    "strategy,passes,paths",
    [
        ("rules", [True], ["rules"]),
        ("cross-check", [True, True], ["rules", "llm"]),
        ("rules-first", [True], ["rules"]),
        ("rules-first", [False, True], ["rules", "llm"]),
        ("llm-first", [True], ["llm"]),
        ("llm-first", [False, True], ["llm", "rules"]),
    ],
)
def test_plan_and_settled_say_which_paths_run(strategy, passes, paths):
    judged: list[Judged] = []
    ran = []
    for method, ok in zip(plan(strategy), passes + [True]):
        if settled(strategy, judged):
            break
        ran.append(method)
        judged.append(_judged(method, GOOD if ok else WRONG))
    assert ran == paths


def test_an_unknown_strategy_is_refused():
    with pytest.raises(ValueError, match="unknown strategy 'fastest'"):
        plan("fastest")


def test_method_runs_record_each_readings_own_verdict():
    got = combine("cross-check", [_judged("rules", GOOD), _judged("llm", WRONG)])
    rules, llm = got.methods
    assert isinstance(rules, MethodRun) and rules.complete and not rules.failed
    assert llm.status == "needs_review" and llm.failed == ["H2.natural", "H3.granted"] and not llm.chosen


@pytest.mark.parametrize(
    "confidence,checked,doubted",
    [
        (None, False, False),  # not read by OCR
        (0.3, True, True),
        (0.6, True, False),  # an identity that holds vouches for it
        (0.6, False, True),
        (0.97, False, True),  # nothing else checks it: the recogniser must be all but certain
        (0.995, False, False),
    ],
)
def test_an_ocr_cell_no_identity_checks_needs_more_confidence(confidence, checked, doubted):
    from extractor.reconcile.ocr import ocr_uncertain

    provenance = {"s2.normative_docs.repealed": Provenance(kind="number", raw="9", confidence=confidence)}
    reasons = ocr_uncertain(provenance, {"s2.normative_docs.repealed"} if checked else set())
    assert [r.cells for r in reasons] == ([["s2.normative_docs.repealed"]] if doubted else [])
