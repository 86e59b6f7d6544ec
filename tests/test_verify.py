"""The verifier, check by check: which rule fires, on which cells, with which numbers."""

from __future__ import annotations

import pytest

from verify import verify
from verify.layout import S3_COLUMNS, s2_keys, s3_key, s3_keys, s4_keys, template_keys


def zeros(template: str) -> dict[str, int | float | None]:
    return {k: 0 for k in template_keys(template)}


def consistent_2021() -> dict:
    """A small 2021 report whose numbers all add up (a 自然人 column and a 商业企业 one)."""
    c = zeros("2021")
    rows = {
        "new_received": (5, 2),
        "carried_over": (1, 0),
        "granted": (3, 1),
        "partial": (1, 0),
        "unable_not_held": (1, 1),
        "other_overdue_fee": (0, 0),
        "results_total": (5, 2),
        "carried_forward": (1, 0),
    }
    for row, (natural, commercial) in rows.items():
        c[s3_key(row, "natural")] = natural
        c[s3_key(row, "commercial")] = commercial
        c[s3_key(row, "total")] = natural + commercial
    c.update({"s4.review.upheld": 1, "s4.review.pending": 1, "s4.review.total": 2})
    return c


def status_of(report, check):
    return next(f for f in report.findings if f.check == check).status


@pytest.mark.parametrize("template,identities", [("2019", 7 + 7 + 23 + 3), ("2021", 7 + 7 + 25 + 3)])
def test_all_zero_report_passes_every_identity(template, identities):
    report = verify(zeros(template))
    hard = [f for f in report.findings if f.rule in ("H1", "H2", "H3", "H4")]
    assert len(hard) == identities
    assert all(f.status == "pass" for f in hard)
    assert report.all_hard_hold
    assert report.culprits == []


def test_consistent_report_passes():
    report = verify(consistent_2021())
    assert report.hard_failures == [] and report.all_hard_hold


# (cell changed, delta, the failing checks it must produce)
SINGLE_CELL_ERRORS = [
    ("s3.new_received.natural", 1, {"H1.natural", "H3.new_received"}),
    ("s3.carried_over.commercial", 2, {"H1.commercial", "H3.carried_over"}),
    ("s3.granted.natural", -1, {"H2.natural", "H3.granted"}),
    ("s3.unable_not_held.total", 3, {"H2.total", "H3.unable_not_held"}),
    ("s3.other_overdue_fee.legal", 1, {"H2.legal", "H3.other_overdue_fee"}),
    ("s3.results_total.natural", 1, {"H1.natural", "H2.natural", "H3.results_total"}),
    ("s3.carried_forward.total", -1, {"H1.total", "H3.carried_forward"}),
    ("s3.new_received.total", 4, {"H1.total", "H3.new_received"}),
]


@pytest.mark.parametrize("cell,delta,failing", SINGLE_CELL_ERRORS)
def test_one_wrong_s3_cell_is_named_exactly(cell, delta, failing):
    cells = consistent_2021()
    original = cells[cell]
    cells[cell] = original + delta
    report = verify(cells)
    assert {f.check for f in report.hard_failures} == failing
    assert all(cell in f.cells for f in report.hard_failures)
    assert [(c.cell, c.current, c.would_be) for c in report.culprits] == [(cell, original + delta, original)]
    assert all(f.diff != 0 for f in report.hard_failures)


@pytest.mark.parametrize("column", ["upheld", "corrected", "other", "pending", "total"])
def test_one_wrong_s4_cell_fails_h4_for_its_group(column):
    cells = consistent_2021()
    cells[f"s4.suit_direct.{column}"] = 7
    report = verify(cells)
    (failure,) = report.hard_failures
    assert failure.check == "H4.suit_direct"
    assert f"s4.suit_direct.{column}" in failure.cells
    # Every cell of the group that could explain it with a count ≥ 0 is offered, none chosen:
    # the changed cell back to 0 or the total up to 7 — or, if the total is the one changed,
    # any of the four parts up to 7.
    group = {f"s4.suit_direct.{c}" for c in ("upheld", "corrected", "other", "pending", "total")}
    expected = group if column == "total" else {f"s4.suit_direct.{column}", "s4.suit_direct.total"}
    assert {c.cell for c in report.culprits} == expected


def test_h1_reports_both_sums_and_the_difference():
    cells = consistent_2021()
    cells["s3.carried_forward.natural"] = 3
    cells["s3.carried_forward.total"] = 3
    f = next(f for f in verify(cells).findings if f.check == "H1.natural")
    assert (f.status, f.left, f.right, f.diff) == ("fail", 6, 8, -2)
    assert f.cells == (
        "s3.new_received.natural",
        "s3.carried_over.natural",
        "s3.results_total.natural",
        "s3.carried_forward.natural",
    )


@pytest.mark.parametrize(
    "blank,touched,status",
    [
        ("s3.granted.natural", {"H2.natural", "H3.granted"}, "not_assessable"),
        ("s3.results_total.total", {"H1.total", "H2.total", "H3.results_total"}, "not_assessable"),
        ("s3.carried_over.social", {"H1.social", "H3.carried_over"}, "pass_if_blank_zero"),  # a zero printed blank
        ("s4.review.total", {"H4.review"}, "not_assessable"),
    ],
)
def test_a_blank_makes_exactly_the_checks_it_touches_not_assessable(blank, touched, status):
    cells = consistent_2021()
    cells[blank] = None
    report = verify(cells)
    opened = report.not_assessable + report.pass_if_blank_zero
    assert {f.check for f in opened} == touched
    assert {f.status for f in opened} == {status}
    assert report.hard_failures == []
    assert not report.all_hard_hold
    for f in opened:
        assert f.left is None and f.right is None and f.blank_cells == (blank,)


def test_blank_as_zero_is_an_inference_for_applicant_columns_only():
    cells = consistent_2021()
    cells["s3.granted.research"] = None  # really 0: the hypothesis holds
    cells["s3.partial.natural"] = None  # really 1: the hypothesis fails
    cells["s3.unable_not_held.total"] = None  # a 总计 blank: no hypothesis (SPEC §5.1)
    report = verify(cells)
    by_check = {f.check: f for f in report.not_assessable + report.pass_if_blank_zero}
    assert by_check["H3.granted"].holds_if_blank_zero is True and by_check["H3.granted"].status == "pass_if_blank_zero"
    assert by_check["H3.partial"].status == "not_assessable"
    assert by_check["H3.partial"].holds_if_blank_zero is False
    assert by_check["H3.unable_not_held"].holds_if_blank_zero is None
    assert cells["s3.granted.research"] is None, "the verifier never writes a value back"


def test_single_blank_says_what_value_would_make_the_identity_hold():
    cells = consistent_2021()
    cells["s3.carried_forward.total"] = None
    report = verify(cells)
    assert {f.check: f.blank_would_be for f in report.not_assessable} == {"H1.total": 1, "H3.carried_forward": 1}


@pytest.mark.parametrize(
    "key,value,ok",
    [
        ("s3.granted.natural", -1, False),
        ("s3.granted.natural", 1.5, False),
        ("s2.licensing.change", -3, True),
        ("s2.licensing.prev_count", -3, False),
        ("s2.procurement.amount_wan", 1039.5771, True),
        ("s2.procurement.amount_wan", -1.0, False),
        ("s4.review.total", 2.0, True),
    ],
)
def test_h5_types(key, value, ok):
    cells = zeros("2019")
    cells[key] = value
    failing = [f.check for f in verify(cells).findings if f.rule == "H5" and f.status == "fail"]
    assert failing == ([] if ok else [f"H5.{key}"])


def test_s1_names_missing_and_foreign_keys():
    cells = zeros("2021")
    del cells["s3.other_other.legal"]
    cells["s2.procurement.projects"] = 3  # a 2019 block: table 二 is now a hybrid
    cells["s9.nonsense"] = 1
    report = verify(cells)
    s1 = {f.check: f for f in report.findings if f.rule == "S1" and f.status == "fail"}
    assert s1["S1.unknown_keys"].cells == ("s9.nonsense",)
    assert s1["S1.s3"].cells == ("s3.other_other.legal",)
    assert s1["S1.s2"].cells == ("s2.procurement.amount_wan",)  # the hybrid's block is incomplete


def test_s1_absent_table_names_its_cells_from_the_template():
    cells = {k: 0 for k in s3_keys("2019") + s4_keys()}
    f = next(f for f in verify(cells, "2019").findings if f.check == "S1.s2")
    assert f.status == "fail" and f.cells == s2_keys("2019")


def test_s2_wholly_blank_row_is_a_structure_failure():
    cells = zeros("2019")
    for c in S3_COLUMNS:
        cells[s3_key("rejected_duplicate", c)] = None
    report = verify(cells)
    assert [f.check for f in report.structure_failures] == ["S2.rejected_duplicate"]


def test_s3_swapped_rows_are_suspected():
    cells = consistent_2021()
    for c in S3_COLUMNS:
        a, b = s3_key("results_total", c), s3_key("carried_forward", c)
        cells[a], cells[b] = cells[b], cells[a]
    warns = [f.check for f in verify(cells).findings if f.rule == "S3"]
    assert warns == ["S3.results_total|carried_forward"]


def test_2019_and_2021_other_rows_are_never_summed_together():
    cells = zeros("2019")
    cells["s3.other.natural"] = 2
    cells["s3.other.total"] = 2
    cells["s3.results_total.natural"] = 2
    cells["s3.results_total.total"] = 2
    cells["s3.new_received.natural"] = 2
    cells["s3.new_received.total"] = 2
    assert verify(cells).all_hard_hold


@pytest.mark.parametrize(
    "cells,organ,rule",
    [
        ({"s2.regulations.new_published": 5, "s2.regulations.total_published": 3}, None, "P1"),
        ({"s2.licensing.prev_count": 2, "s2.licensing.change": -3}, None, "P2"),
        ({"s2.licensing.prev_count": 60, "s2.licensing.change": 60}, None, "P2"),
        ({"s2.normative_docs.issued": 9, "s2.normative_docs.in_force": 3, "s2.normative_docs.repealed": 1}, None, "P3"),
        ({"s2.regulations.issued": 1}, "郭巨街道办事处", "P4"),
        ({"s2.procurement.amount_wan": 20097080}, None, "P5"),
        ({"s4.suit_direct.corrected": 1, "s4.suit_direct.total": 1, "s4.suit_after_review.corrected": 1, "s4.suit_after_review.total": 1}, None, "P7"),
    ],
)
def test_heuristics_warn_and_never_fail(cells, organ, rule):
    base = zeros("2021" if any(k.split(".")[2] in ("issued", "in_force", "repealed") for k in cells) else "2019")
    base.update(cells)
    report = verify(base, organ=organ)
    warned = [f for f in report.findings if f.rule == rule and f.status == "warn"]
    assert warned and all(f.severity == "heuristic" for f in warned)
    assert report.all_hard_hold


def test_p6_cases_without_applications():
    cells = zeros("2019")
    cells.update({"s4.review.upheld": 5, "s4.review.total": 5})
    assert [f.rule for f in verify(cells).warnings] == ["P6"]


def test_the_verifier_never_changes_its_input():
    cells = consistent_2021()
    cells["s3.granted.natural"] = 99
    before = dict(cells)
    verify(cells)
    assert cells == before
