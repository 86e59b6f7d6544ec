"""Digits printed run together, decided by what the report says elsewhere (reconcile/evidence.py).

The report's prose (SPEC §5.5) and the same organ's reports of the years before and after (SPEC
§5.4) are evidence: a reading is taken only when it is the one that agrees with all of it, and a
statement that no reading agrees with (prose of another scope) decides nothing.
"""

from __future__ import annotations

import json

import pytest

from extractor import Options, Store
from extractor.pipeline import extract_bytes

from . import fixtures as F
from .conftest import DOCS, ROOT

PINGTAN_2023 = (DOCS / "05_pingtan_2023.txt").read_text(encoding="utf-8")
NORMATIVE = ["s2.normative_docs.issued", "s2.normative_docs.repealed", "s2.normative_docs.in_force"]


def _pingtan(table: str, in_force: str, issued: str) -> str:
    """05_pingtan_2023 with its 行政规范性文件 row printed `table`, and its prose giving the documents
    in force and issued as `in_force` and `issued`."""
    text = PINGTAN_2023.replace("行政规范性文件77132470", f"行政规范性文件{table}")
    text = text.replace("现行有效行政规范性文件393件", f"现行有效行政规范性文件{in_force}件")
    return text.replace("本年度制发的规范性文件77件", f"本年度制发的规范性文件{issued}件")


@pytest.mark.parametrize(
    "table,in_force,issued,status,cells",
    [
        # The case: "8855698" cuts several ways; the prose gives 698 in force and 88 issued.
        ("8855698", "698", "88", "verified", [88, 55, 698]),
        # The prose counts another scope (the report's own case: 393 in force, the table 470):
        # no reading agrees with it, so it decides nothing.
        ("77132470", "393", "77", "needs_review", [77, 132, 470]),
    ],
)
def test_the_prose_decides_a_reading_only_when_exactly_one_agrees_with_all_it_says(table, in_force, issued, status, cells):
    result = extract_bytes("r.txt", _pingtan(table, in_force, issued).encode("utf-8"))
    assert result.status == status, [r.message for r in result.reasons]
    assert [result.cells[k] for k in NORMATIVE] == cells
    (amb,) = [a for a in result.ambiguities if a.keys == NORMATIVE]
    if status == "verified":
        assert [r.code for r in result.reasons] == ["reading_confirmed"]
        assert "«" in amb.settled_by and "698件" in amb.settled_by
        assert all(not result.provenance[k].ambiguous and "confirmed" in result.provenance[k].note for k in NORMATIVE)
    else:
        assert amb.settled_by is None and "ambiguous_reading" in [r.code for r in result.reasons]
        assert any(c.check == "N1.s2.normative_docs.in_force" and c.status == "warn" for c in result.checks)


def test_prose_that_several_readings_share_leaves_them_as_choices():
    text = _pingtan("8855698", "698", "88").replace("，动态更新本年度制发的规范性文件88件", "")
    result = extract_bytes("r.txt", text.encode("utf-8"))
    (amb,) = [a for a in result.ambiguities if a.keys == NORMATIVE]
    assert amb.settled_by is None and len([r for r in amb.readings if r[2] == 698]) > 1
    assert result.status == "needs_review"


GOLDEN_2019 = json.loads((ROOT / "golden" / "expected" / "08_pingtan_2019.json").read_text(encoding="utf-8"))


def _year(year: int, changes: dict[str, int]) -> F.Report:
    """平潭's report of another year, printed with every cell boundary (so nothing is ambiguous)."""
    cells = {**GOLDEN_2019["cells"], **changes}
    return F.Report(GOLDEN_2019["organ"], year, "2019", cells)


def test_the_organs_other_years_decide_the_runs_of_table_two_they_constrain(tmp_path):
    """08_pingtan_2019 prints table 二 run together: 19 cells in 7 runs, each several ways. Its
    2018 report gives each item list's count and change (X3: this year's list = last year's plus
    its change) and each document block's total published; the 2020 report this year's change."""
    previous = _year(2018, {
        "s2.normative_docs.total_published": 0, "s2.licensing.prev_count": 390, "s2.licensing.change": 6,
        "s2.penalty.prev_count": 2650, "s2.penalty.change": -2,
    })  # fmt: skip
    # 2020: every list as in 2019 (its change 0), no new documents
    following = _year(2020, {"s2.normative_docs.new_made": 0, "s2.normative_docs.new_published": 0})
    fingerprint = Options().fingerprint
    with Store(tmp_path / "r.sqlite") as store:
        for report in (previous, following):
            assert store.add(extract_bytes(f"{report.year}.txt", F.text(report).encode("utf-8")), fingerprint).current.status == "verified"
        stored = store.add(extract_bytes("2019.txt", (DOCS / "08_pingtan_2019.txt").read_bytes()), fingerprint)
        current = stored.current
    assert {r.relation for r in current.related} == {"previous", "next"}
    settled = {tuple(a.keys): a.settled_by for a in current.ambiguities}
    undecided = [keys for keys, by in settled.items() if by is None]
    # 政府集中采购 has no cross-year identity: it alone stays a choice.
    assert undecided == [("s2.procurement.projects", "s2.procurement.amount_wan")]
    assert all("X3" in by and "2018" in by for keys, by in settled.items() if by and "prev_count" in keys[0])
    assert {k: current.cells[k] for k in GOLDEN_2019["cells"] if k.startswith("s2.")} == {
        k: v for k, v in GOLDEN_2019["cells"].items() if k.startswith("s2.")
    }
    assert current.status == "needs_review"
    assert [r.code for r in current.reasons].count("reading_confirmed") == 6
    (left,) = [r for r in current.reasons if r.code == "ambiguous_reading"]
    assert left.cells == ["s2.procurement.projects", "s2.procurement.amount_wan"]


# Seeds of 0–399 whose generated 2021 report prints 行政规范性文件 run together several ways and
# restates, in its overview, both the documents in force and those issued (found by scanning).
PROSE_DECIDES = (121, 337, 358)


@pytest.mark.parametrize("seed", PROSE_DECIDES)
def test_a_generated_report_whose_prose_restates_a_run_together_row_is_read_as_printed(seed):
    from tests.synth import RandomDraw
    from tests.synth.case import make_case, problems

    case = make_case(RandomDraw(seed), "concatenated", "none", mixed=False)
    truth = case.report.truth
    assert f"现行有效行政规范性文件{truth[NORMATIVE[2]]}件" in case.rendered.text, "the generator changed: scan again"
    result = extract_bytes(case.rendered.name, case.rendered.data)
    assert problems(case, result) == []
    (amb,) = [a for a in result.ambiguities if a.keys == NORMATIVE]
    assert amb.settled_by is not None and [result.cells[k] for k in NORMATIVE] == [truth[k] for k in NORMATIVE]
