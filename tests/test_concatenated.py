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
