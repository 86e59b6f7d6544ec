"""Cells written together with no separator (the two pingtan web dumps), edited the way the
synthetic reports found wanting: a signed 本年增/减 inside a run of digits, and a row whose
digits cut only one way although its numbers do not add up."""

from __future__ import annotations

from extractor import extract_bytes

from .conftest import DOCS

PINGTAN_2019 = (DOCS / "08_pingtan_2019.txt").read_text(encoding="utf-8")
PINGTAN_2023 = (DOCS / "05_pingtan_2023.txt").read_text(encoding="utf-8")


def edited(source: str, old: str, new: str, name: str = "edited.txt"):
    assert source.count(old) == 1
    return extract_bytes(name, source.replace(old, new).encode("utf-8"))


def test_a_sign_between_digits_starts_the_change():
    """'9+50': the sign can only open 本年增/减, so the row reads 9 | +5 | 0 and no other way."""
    r = edited(PINGTAN_2019, "行政许可3960181", "行政许可9+50")
    got = [r.cells[f"s2.licensing.{f}"] for f in ("prev_count", "change", "decisions")]
    assert got == [9, 5, 0]
    assert not r.provenance["s2.licensing.change"].ambiguous


def test_a_negative_change_glued_to_its_neighbours_is_a_guess_named_for_review():
    """'396-5181' is 396 | -5 | 181, or -51 | 81, or -518 | 1: never 3 | 9 | 6 read as certain."""
    r = edited(PINGTAN_2019, "行政许可3960181", "行政许可396-5181")
    keys = [f"s2.licensing.{f}" for f in ("prev_count", "change", "decisions")]
    assert r.cells["s2.licensing.prev_count"] == 396
    assert all(r.provenance[k].ambiguous for k in keys)
    named = {k for reason in r.reasons if reason.code == "ambiguous_reading" for k in reason.cells}
    assert set(keys) <= named


def test_a_count_never_takes_a_sign():
    """'40+206' is 40 | +20 | 6: '+206' cannot be 处理决定数量, a count."""
    r = edited(PINGTAN_2019, "其他对外管理服务事项100153", "其他对外管理服务事项40+206")
    got = [r.cells[f"s2.other_services.{f}"] for f in ("prev_count", "change", "decisions")]
    assert got == [40, 20, 6]


def test_digits_that_cut_one_way_are_read_even_when_they_do_not_add_up():
    """'0000001' can only be seven single digits: the row says 0…0 | 1, and H3 names the error."""
    r = edited(PINGTAN_2023, "二、上年结转政府信息公开申请数量0000000", "二、上年结转政府信息公开申请数量0000001")
    assert [r.cells[f"s3.carried_over.{c}"] for c in ("natural", "other_org", "total")] == [0, 0, 1]
    failing = {c.check for c in r.checks if c.status == "fail"}
    assert "H3.carried_over" in failing and r.status == "needs_review"
    assert "do not add up" in r.provenance["s3.carried_over.total"].note


def test_table_4_digits_that_cut_one_way_are_read_and_h4_names_the_error():
    r = edited(PINGTAN_2023, "110024001510102", "110024001510103")
    assert r.cells["s4.suit_after_review.total"] == 3
    assert {c.check for c in r.checks if c.status == "fail"} == {"H4.suit_after_review"}
    assert r.status == "needs_review"


def test_a_count_and_an_amount_printed_with_their_units_are_read_into_the_dictionary_units():
    """'2笔984361元': the counter ends the count, the 元 the amount, read in 万元; the raw kept."""
    r = edited(PINGTAN_2019, "政府集中采购13575394432.52元", "政府集中采购2笔984361元")
    assert [r.cells["s2.procurement.projects"], r.cells["s2.procurement.amount_wan"]] == [2, 98.4361]
    assert r.provenance["s2.procurement.projects"].raw == "2笔"
    assert r.provenance["s2.procurement.amount_wan"].raw == "984361元"
    assert not r.provenance["s2.procurement.amount_wan"].ambiguous
