"""The same organ's consecutive years (SPEC §5.4): the checks X1–X3, and a store that weighs them.

When a store holds an organ's report of the year before or after, each result weighs the other
as evidence: the cross-year checks appear on both, as warnings where they do not hold, and a
later document of a neighbouring year makes the store weigh the earlier one again.
"""

from __future__ import annotations

import pytest

from extractor import Options, Store
from extractor.models import Related
from extractor.pipeline import extract_bytes
from extractor.reconcile import assess, weigh
from verify import crossyear
from verify.crossyear import cross_year

from . import fixtures as F
from .synth.corpus import corpus

RULES = Options().fingerprint


@pytest.mark.parametrize(
    "now,previous,following,expected",
    [
        ({"s3.carried_over.total": 3}, {"s3.carried_forward.total": 3}, None, [("X1.total", "pass")]),
        ({"s3.carried_over.total": 4}, {"s3.carried_forward.total": 3}, None, [("X1.total", "warn")]),
        ({"s3.carried_over.total": None}, {"s3.carried_forward.total": 3}, None, []),  # a blank: nothing to say
        ({"s3.carried_forward.total": 2}, None, {"s3.carried_over.total": 2}, [("X1.total (next year)", "pass")]),
        # 2021: in force = last year's in force + issued − repealed
        (
            {"s2.normative_docs.in_force": 12, "s2.normative_docs.issued": 3, "s2.normative_docs.repealed": 1},
            {"s2.normative_docs.in_force": 10},
            None,
            [("X2.normative_docs", "pass")],
        ),
        # 2019: this year's list = last year's list + last year's change
        (
            {"s2.licensing.prev_count": 396},
            {"s2.licensing.prev_count": 400, "s2.licensing.change": -4},
            None,
            [("X3.licensing", "pass")],
        ),
        # across the template switch nothing compares: 2021 has no 上一年项目数量
        ({"s2.licensing.decisions": 5}, {"s2.licensing.prev_count": 400, "s2.licensing.change": -4}, None, []),
    ],
)
def test_cross_year_checks(now, previous, following, expected):
    assert [(f.check, f.status) for f in cross_year(now, previous, following)] == expected


def _add(store: Store, report: F.Report):
    result = extract_bytes(f"{report.organ}{report.year}.txt", F.text(report).encode("utf-8"))
    assert result.status == "verified" and result.year == report.year
    return store.add(result, RULES)


@pytest.mark.parametrize("off_by,status", [(0, "pass"), (1, "warn")])
def test_a_store_weighs_an_organs_neighbouring_years_on_both_results(tmp_path, off_by, status):
    this_year = F.Report.golden("01_huaian_shi_2024")
    with Store(tmp_path / "r.sqlite") as store:
        first = _add(store, this_year)
        assert first.current.related == []
        second = _add(store, this_year.next_year(off_by=off_by))
        (related,) = second.current.related
        assert (related.relation, related.sha256, related.year) == ("previous", first.sha256, 2024)
        x1 = {c.check: c.status for c in second.current.checks if c.rule == "X1"}
        assert x1["X1.natural"] == status and x1["X1.research"] == "pass"
        # The earlier report is weighed again, with the later one as its next year.
        earlier = store.current(first.sha256)
        assert [(r.relation, r.sha256) for r in earlier.related] == [("next", second.sha256)]
        assert {c.check: c.status for c in earlier.checks if c.rule == "X1"}["X1.natural (next year)"] == status
        assert "related_years" in [e.action for e in store.events(first.sha256)]
        # A warning holds nothing back: both stay verified, and nothing goes to the queue.
        assert earlier.status == second.current.status == "verified"
        assert store.queue().total == 0


def test_two_reports_of_one_year_give_no_evidence(tmp_path):
    """A report and its revision for the same year: which one counts is not the store's to say."""
    this_year = F.Report.golden("01_huaian_shi_2024")
    revised = F.Report(this_year.organ, this_year.year, this_year.template, {**this_year.cells, "s2.licensing.decisions": 1})
    with Store(tmp_path / "r.sqlite") as store:
        _add(store, this_year)
        _add(store, revised)
        later = _add(store, this_year.next_year())
        assert later.current.related == []


def test_a_later_year_weighs_what_a_reviewer_corrected_not_what_was_read(tmp_path):
    """The earlier report printed 结转下年度 (自然人) one too high; a reviewer put it right. The
    later report's 上年结转 agrees with the corrected value, and is weighed against that one."""
    this_year = F.Report.golden("01_huaian_shi_2024")
    key = "s3.carried_forward.natural"
    misprinted = F.Report(this_year.organ, this_year.year, this_year.template, {**this_year.cells, key: this_year.cells[key] + 1})
    with Store(tmp_path / "r.sqlite") as store:
        read = extract_bytes("earlier.txt", F.text(misprinted).encode("utf-8"))
        assert read.status == "needs_review" and read.cells[key] == this_year.cells[key] + 1
        first = store.add(read, RULES)
        assert store.resolve(first.sha256, cells={key: this_year.cells[key]}, reviewer="li").state == "resolved"
        second = _add(store, this_year.next_year())
        x1 = {c.check: c.status for c in second.current.checks if c.rule == "X1"}
        assert x1["X1.natural"] == "pass"
        assert second.current.related[0].cells[key] == this_year.cells[key]


@pytest.mark.parametrize("seed", [0, 1])
def test_weighing_other_years_is_assessing_again_with_them(seed):
    """`weigh` re-verifies only what other years can change; on generated documents of every
    flattening, damaged or not, with neighbouring years that agree and that do not, it gives
    exactly what a whole new assessment gives."""
    ambiguous = 0
    for i, case in enumerate(corpus(33, seed, damage=None)):
        result = extract_bytes(case.rendered.name, case.rendered.data)
        ambiguous += bool(result.ambiguities)
        mine = {k: v for k, v in result.cells.items() if k in crossyear.KEYS}
        off = {k: (v + i % 3 if isinstance(v, int) else v) for k, v in mine.items()}
        related = [
            Related(relation="previous", sha256="a" * 64, path="prev.txt", year=(result.year or 2022) - 1, cells=off),
            Related(relation="next", sha256="b" * 64, path="next.txt", year=(result.year or 2022) + 1, cells=mine),
        ][: 1 + i % 2]
        whole = assess(result.model_copy(update={"related": related}))
        assert weigh(result, related).model_dump_json() == whole.model_dump_json(), case
        if not result.ambiguities:  # (a settled reading stays settled: the store weighs what was read)
            # Weighed again with other neighbours, a result loses the checks of the first ones.
            assert weigh(weigh(result, related), []).model_dump_json() == assess(result).model_dump_json(), case
    assert ambiguous  # the corpus holds documents whose readings other years may settle
