"""Readings offered as choices: digits written together that the source lets read several ways
are carried as data (`Result.ambiguities`), every reading, best first, for later rules and
for a reviewer to pick from. The pingtan 2019 dump, edited to print the table-二 rows of a
later year of the same organ: changes run into their neighbours, signed or not."""

from __future__ import annotations

from extractor import extract_bytes
from extractor.models import Result

from .conftest import DOCS

PINGTAN_2019 = (DOCS / "08_pingtan_2019.txt").read_text(encoding="utf-8")
LICENSING = [f"s2.licensing.{f}" for f in ("prev_count", "change", "decisions")]


def edited(old: str, new: str) -> Result:
    assert PINGTAN_2019.count(old) == 1
    return extract_bytes("edited.txt", PINGTAN_2019.replace(old, new).encode("utf-8"))


def offered(result: Result, keys: list[str]):
    (found,) = [a for a in result.ambiguities if a.keys == keys]
    return found


def test_every_reading_of_run_together_digits_is_offered_with_the_one_the_cells_hold():
    r = edited("行政许可3960181", "行政许可396442278")
    a = offered(r, LICENSING)
    assert a.raw == "396442278" and a.location["line"] == 10
    assert [r.cells[k] for k in LICENSING] == a.readings[a.chosen]
    # Every cut into three counts without a leading zero, the change unsigned: C(8, 2).
    assert len(a.readings) == 28 and len({tuple(x) for x in a.readings}) == 28
    assert all("".join(t) == "396442278" for t in a.texts)
    assert "plausibility" in a.basis
    assert all(r.provenance[k].ambiguous for k in LICENSING)
    assert r.status == "needs_review"


def test_a_minus_sign_is_a_boundary_the_readings_keep():
    """'2648-18538': the sign opens 本年增/减, so every reading has 2648 items before it."""
    a = offered(edited("行政许可3960181", "行政许可2648-18538"), LICENSING)
    assert {tuple(x) for x in a.readings} == {(2648, -1, 8538), (2648, -18, 538), (2648, -185, 38), (2648, -1853, 8)}


def test_the_prior_ranks_counts_of_one_scale_and_a_change_smaller_than_the_list_first():
    """What nothing in the table decides is ranked as a reader would guess; the reading the
    report meant (its next year's 上一年项目数量 says so) comes first for these rows."""
    for printed, meant in (("396442278", [396, 442, 278]), ("2648-18538", [2648, -18, 538]), ("1262629", [126, 26, 29])):
        a = offered(edited("行政许可3960181", f"行政许可{printed}"), LICENSING)
        assert a.readings[0] == meant, (printed, a.readings[:3])


def test_digits_that_cut_one_way_offer_no_choice():
    r = edited("行政许可3960181", "行政许可9+50")
    assert not [a for a in r.ambiguities if a.keys == LICENSING]
    assert not r.provenance["s2.licensing.change"].ambiguous


def test_the_choices_survive_json_and_are_left_out_when_there_are_none():
    r = edited("行政许可3960181", "行政许可396442278")
    again = Result.model_validate_json(r.model_dump_json())
    assert again.ambiguities == r.ambiguities
    clean = extract_bytes("clean.txt", (DOCS / "004_f8b21749840a51ab.txt").read_bytes())
    assert clean.ambiguities == [] and "ambiguities" not in clean.model_dump_json()
