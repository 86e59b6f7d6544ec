"""Reading one printed cell (SPEC §8.3): the five states, units, signs, widths."""

from __future__ import annotations

import pytest

from extractor.numbers import read_cell


@pytest.mark.parametrize(
    "raw,kind,value",
    [
        ("0", "zero", 0),
        ("\u00a00", "zero", 0),  # NBSP before the digit (seed 000)
        ("１２３", "number", 123),  # full-width digits
        ("1,234", "number", 1234),
        ("+1036", "number", 1036),
        ("-3", "number", -3),
        ("−3", "number", -3),  # U+2212, which NFKC leaves alone
        ("－3", "number", -3),  # U+FF0D
        ("减少3", "number", -3),
        ("增加2", "number", 2),
        ("〇", "zero", 0),
        ("零", "zero", 0),
        ("", "blank", None),
        ("   ", "blank", None),
        ("\u3000", "blank", None),
        ("/", "placeholder", None),
        ("／", "placeholder", None),
        ("—", "placeholder", None),
        ("-", "placeholder", None),
        ("--", "placeholder", None),
        ("无", "placeholder", None),
        ("见附件", "text", None),
        ("1 0", "text", None),  # two numbers in one cell are not "10"
        ("2笔", "number", 2),  # a count with its counter
        ("3项", "number", 3),
        ("12次", "number", 12),
        ("0件", "zero", 0),
    ],
)
def test_counts(raw, kind, value):
    v = read_cell(raw)
    assert (v.kind, v.value) == (kind, value)


@pytest.mark.parametrize(
    "raw,unit_printed,value,note",
    [
        ("330.55万", False, 330.55, None),
        ("99.53万元", False, 99.53, None),
        ("20097080 元", False, 2009.708, "元 → 万元 (÷10000)"),
        ("251000元", False, 25.1, "元 → 万元 (÷10000)"),
        ("75394432.52元", False, 7539.443252, "元 → 万元 (÷10000)"),
        ("1.5亿元", False, 15000.0, "亿元 → 万元 (×10000)"),
        ("1039.5771", False, 1039.5771, "no unit printed: 万元 assumed (convention)"),
        ("5949.088667", True, 5949.088667, None),
        ("0", True, 0, None),
        ("984361元", False, 98.4361, "元 → 万元 (÷10000)"),
    ],
)
def test_money_in_wan(raw, unit_printed, value, note):
    v = read_cell(raw, money=True, unit_printed=unit_printed)
    assert v.value == value
    assert v.note == note
