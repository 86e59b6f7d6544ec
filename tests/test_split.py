"""Digits written together: only the splits whose parts add up survive."""

from __future__ import annotations

import pytest

from extractor.extract.rules.split import split_free, split_sums


def parts(pieces, spans):
    return [pieces[i][a:b] for i, a, b in spans]


@pytest.mark.parametrize(
    "pieces,groups,expected",
    [
        (["801000081"], [7], [["80", "1", "0", "0", "0", "0", "81"]]),
        (["230", "000023"], [7], [["23", "0", "0", "0", "0", "0", "23"]]),  # a space is a real boundary
        (["23", "0", "00", "0", "023"], [7], [["23", "0", "0", "0", "0", "0", "23"]]),
        (["0000000"], [7], [["0"] * 7]),
        (["110024001510102"], [5, 5, 5], [list("110024001510102")]),
        (["10000015"], [7], []),  # nothing adds up: no split is invented
        (["1", "0"], [7], []),
    ],
)
def test_split_sums(pieces, groups, expected):
    assert [parts(pieces, s) for s in split_sums(pieces, groups)] == expected


def test_several_splits_can_add_up():
    # The row identity alone cannot tell these apart; the column identities or a person must.
    found = [parts(["1012100023"], s) for s in split_sums(["1012100023"], [7])]
    assert found == [
        ["1", "0", "12", "10", "0", "0", "23"],
        ["10", "1", "2", "10", "0", "0", "23"],
        ["10", "12", "1", "0", "0", "0", "23"],
    ]


def test_split_free_keeps_units_and_decimals_at_the_end_of_a_piece():
    found = [parts(["13575394432.52元"], s) for s in split_free(["13575394432.52元"], 2)]
    assert ["135", "75394432.52元"] in found
    assert all(p[0].isdigit() and "." not in p[0] for p in found)


def test_split_free_never_makes_leading_zeros():
    found = [parts(["100153"], s) for s in split_free(["100153"], 3)]
    assert ["10", "0", "153"] in found
    assert all(not (len(x) > 1 and x[0] == "0") for p in found for x in p)
