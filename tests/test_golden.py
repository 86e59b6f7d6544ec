"""Every document of the golden set, whatever its format, extracts with every cell equal to its golden."""

from __future__ import annotations

import pytest

from extractor import extract_file

from .conftest import golden_pairs

PAIRS = golden_pairs()


@pytest.mark.parametrize("doc,expected", PAIRS, ids=[p.name for p, _ in PAIRS])
def test_cells_equal_golden(doc, expected):
    result = extract_file(doc)
    wrong = {k: (result.cells.get(k, "absent"), v) for k, v in expected["cells"].items() if result.cells.get(k, "absent") != v}
    assert wrong == {}
    assert set(result.cells) == set(expected["cells"])
    assert list(result.cells) == list(expected["cells"]), "keys are in the dictionary's order"


@pytest.mark.parametrize("doc,expected", PAIRS, ids=[p.name for p, _ in PAIRS])
def test_organ_year_template(doc, expected):
    result = extract_file(doc)
    assert (result.organ, result.year, result.template) == (expected["organ"], expected["year"], expected["template"])


@pytest.mark.parametrize("doc,expected", PAIRS, ids=[p.name for p, _ in PAIRS])
def test_status_matches_the_source(doc, expected):
    """Verified exactly when the source adds up and nothing had to be guessed."""
    result = extract_file(doc)
    failures = int(expected["notes"].rsplit("IDENTITY_FAILURES=", 1)[1].split()[0])
    guessed = [k for k, p in result.provenance.items() if p.ambiguous]
    if failures == 0 and not guessed:
        assert result.status == "verified", result.reasons
    else:
        assert result.status == "needs_review"
    assert all(c.status != "fail" for c in result.checks if c.severity == "hard")


def test_source_error_is_reported_not_repaired():
    """10_shanghai leaves the 结转 总计 blank: the two identities it breaks are named, the blank kept."""
    result = extract_file(next(p for p, _ in PAIRS if p.name.startswith("10_")))
    assert result.status == "needs_review"
    assert result.cells["s3.carried_forward.total"] is None
    assert result.provenance["s3.carried_forward.total"].kind == "blank"
    open_checks = {c.check: c for c in result.checks if c.status == "not_assessable"}
    assert set(open_checks) == {"H1.total", "H3.carried_forward"}
    assert all(c.blank_would_be == 1 for c in open_checks.values())
    named = {k for r in result.reasons if r.code == "identity_not_assessable" for k in r.cells}
    assert "s3.carried_forward.total" in named


def test_digits_without_separators_are_marked_for_review():
    """05_pingtan prints '行政规范性文件77132470': the split is a guess a person must confirm."""
    result = extract_file(next(p for p, _ in PAIRS if p.name.startswith("05_")))
    guessed = sorted(k for k, p in result.provenance.items() if p.ambiguous)
    assert guessed == ["s2.normative_docs.in_force", "s2.normative_docs.issued", "s2.normative_docs.repealed"]
    assert [r.code for r in result.reasons] == ["ambiguous_reading"]
    # Table 三 rows were split too, but only one split of each adds up: not a guess.
    assert "the only split whose parts add up" in result.provenance["s3.new_received.natural"].note
