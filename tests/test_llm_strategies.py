"""Each strategy end to end, with a TEST DOUBLE for the model (tests/doubles): the cases a real
model cannot be made to produce on demand. The real model's recordings are in
test_llm_recorded.py."""

from __future__ import annotations

import pytest

from extractor.pipeline import extract_file

from .conftest import DOCS
from .doubles.fake_server import FakeServer, ToolCall
from .doubles.golden_model import golden_answer, golden_cells
from .llm_setup import double_options

VERIFIED_DOC = DOCS / "004_f8b21749840a51ab.txt"  # the rules read it fully and it verifies
STEM = VERIFIED_DOC.stem


def _codes(result) -> list[str]:
    return [r.code for r in result.reasons]


def test_cross_check_agreeing_readings_verify_and_both_are_recorded():
    server = FakeServer(ToolCall(golden_answer(STEM)))
    options, _ = double_options(server, "cross-check")
    result = extract_file(VERIFIED_DOC, options=options)
    assert result.status == "verified" and result.reasons == []
    assert result.strategy == "cross-check" and result.method == "rules"
    assert [(m.method, m.status, m.chosen) for m in result.methods] == [
        ("rules", "verified", True),
        ("llm", "verified", False),
    ]
    assert len(server.requests) == 3  # one per table section
    for key, p in result.provenance.items():
        assert p.method == "rules" and p.values == {"rules": result.cells[key], "llm": result.cells[key]}


def test_disagreement_between_two_passing_readings_goes_to_review_with_both_values():
    # Table 二 has no identity: a model reading one of its cells differently still passes.
    cells = golden_cells(STEM)
    key = "s2.licensing.decisions"
    other = cells[key] + 7
    server = FakeServer(ToolCall(golden_answer(STEM, {key: other})))
    options, _ = double_options(server, "cross-check")
    result = extract_file(VERIFIED_DOC, options=options)
    assert result.status == "needs_review"
    assert _codes(result) == ["methods_disagree"]
    reason = result.reasons[0]
    assert reason.cells == [key]
    assert f"{key}: rules {cells[key]}, llm {other}" in reason.message
    assert "rules passes" in reason.message and "llm passes" in reason.message
    assert result.provenance[key].values == {"rules": cells[key], "llm": other}
    assert all(m.status == "verified" for m in result.methods)  # both passed on their own
    assert result.cells[key] == cells[key]  # nothing resolved: the cell is the rules' as read


def test_model_reading_that_breaks_an_identity_falls_back_to_the_rules():
    cells = golden_cells(STEM)
    key = "s3.granted.natural"
    server = FakeServer(ToolCall(golden_answer(STEM, {key: cells[key] + 1})))
    options, _ = double_options(server, "llm-first")
    result = extract_file(VERIFIED_DOC, options=options)
    assert result.status == "verified" and result.method == "rules"
    assert _codes(result) == ["fallback"]
    assert result.reasons[0].message.startswith("the llm reading was not used: its reading fails H")
    assert key in result.reasons[0].cells
    assert [(m.method, m.chosen) for m in result.methods] == [("llm", False), ("rules", True)]
    assert result.methods[0].failed  # the checks the model's reading fails are named
    assert result.provenance[key].values == {"llm": cells[key] + 1, "rules": cells[key]}


def test_llm_first_with_a_passing_reading_never_runs_the_rules():
    server = FakeServer(ToolCall(golden_answer(STEM)))
    options, _ = double_options(server, "llm-first")
    result = extract_file(VERIFIED_DOC, options=options)
    assert result.status == "verified" and result.method == "llm"
    assert [m.method for m in result.methods] == ["llm"]
    assert {p.method for p in result.provenance.values()} == {"llm"}
    assert result.llm is not None and result.llm.prompts == {"s2": "s2.v1", "s3": "s3.v1", "s4": "s4.v1"}
    assert result.source.sha256 and result.llm.model == "test-double"


def test_rules_first_does_not_ask_the_model_when_the_rules_pass():
    server = FakeServer(ToolCall(golden_answer(STEM)))
    options, _ = double_options(server, "rules-first")
    result = extract_file(VERIFIED_DOC, options=options)
    assert result.status == "verified" and result.method == "rules"
    assert server.requests == []
    assert result.llm is None and [m.method for m in result.methods] == ["rules"]


def test_rules_first_asks_the_model_when_the_rules_fail_and_takes_a_passing_reading():
    # The rules leave a blank the source prints; a model reading the hand-checked value passes.
    doc = DOCS / "10_shanghai_kewei_2024.md"
    stem = doc.stem
    fixed = {"s3.carried_forward.total": 1}
    server = FakeServer(ToolCall(golden_answer(stem, fixed)))
    options, _ = double_options(server, "rules-first")
    result = extract_file(doc, options=options)
    assert len(server.requests) == 3
    assert result.method == "llm" and result.status == "verified"
    assert _codes(result) == ["fallback"]
    assert "the rules reading was not used" in result.reasons[0].message


def test_blank_from_the_model_stays_blank_never_zero():
    doc = DOCS / "10_shanghai_kewei_2024.md"
    server = FakeServer(ToolCall(golden_answer(doc.stem)))  # the golden keeps the printed blank
    options, _ = double_options(server, "llm-first")
    result = extract_file(doc, options=options)
    llm_run = next(m for m in result.methods if m.method == "llm")
    assert not llm_run.complete and llm_run.status == "needs_review"
    prov = result.provenance["s3.carried_forward.total"]
    assert prov.values.get("llm", "absent") is None  # the model said blank: kept as None
    assert result.cells["s3.carried_forward.total"] is None


@pytest.mark.parametrize("strategy", ["cross-check", "llm-first", "rules-first"])
def test_a_result_states_which_method_produced_each_cell(strategy):
    server = FakeServer(ToolCall(golden_answer(STEM)))
    options, _ = double_options(server, strategy)
    result = extract_file(VERIFIED_DOC, options=options)
    assert result.strategy == strategy
    assert {p.method for p in result.provenance.values()} == {result.method}
    assert sum(m.chosen for m in result.methods) == 1
