"""Reading one printed cell into a value (SPEC §8.3), keeping the five states of a cell apart.

A cell is a number, a zero, a blank, a placeholder ("/", "—", "无" …) or text. Only the first
two carry a value; the others read as None and say why, so a blank is never silently 0.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Literal

from .normalize import compact

CellKind = Literal["number", "zero", "blank", "placeholder", "text", "missing"]
Unit = Literal["万元", "元", "亿元"]

# Words a count is printed with ("2笔", "3项"): the count is the number, the word its counter.
COUNTERS = ("件", "项", "个", "次", "笔")
# A unit a printed value may end with; money units before the counters, longest first.
UNIT = "亿元|万元|万|元|" + "|".join(COUNTERS)

PLACEHOLDERS = frozenset({"/", "-", "--", "—", "——", "–", "无", "空", "\\", "×", "x", "X", "·", "…"})
_ZERO_WORDS = {"〇": 0, "零": 0}
# A printed value: optional sign, digits (thousands commas allowed), decimals, optional unit.
NUMBER = re.compile(
    rf"(?P<sign>[+\-])?(?P<int>\d{{1,3}}(?:,\d{{3}})+|\d+)(?P<frac>\.\d+)?(?P<unit>{UNIT})?"
)
_SPACED_DIGITS = re.compile(r"\d\s+[+\-]?\d")
# A number with a remark in brackets after it, in words ("22（其中修订16件）"): the cell's value
# is the number; what the remark counts is part of it, not another cell.
_REMARK = re.compile(r"(?P<number>[^()]+?)\((?P<remark>[^()]*[^\W\d_][^()]*)\)")
_WORD_SIGN = re.compile(r"^(?P<word>增加|新增|减少|减)(?P<rest>.+)$")


@dataclass(frozen=True)
class Value:
    kind: CellKind
    value: int | float | None
    raw: str
    unit: str | None = None
    note: str | None = None


def money_to_wan(number: Decimal, unit: str | None) -> tuple[float, str | None]:
    """Convert an amount to 万元; the note says what was done (SPEC §8.3)."""
    if unit == "元":
        return _as_float(number / 10000), "元 → 万元 (÷10000)"
    if unit == "亿元":
        return _as_float(number * 10000), "亿元 → 万元 (×10000)"
    return _as_float(number), None


def _as_float(d: Decimal) -> float:
    return float(d.normalize()) if d == d.to_integral() else float(d)


# The same few cell texts ("0", "1", …) are read thousands of times per document, while
# tokenising, placing and scoring splits: a Value is immutable, so each is read once.
@lru_cache(maxsize=16384)
def read_cell(raw: str, *, money: bool = False, unit_printed: bool = False) -> Value:
    """Read a whole cell.

    `money`: the cell is an amount (stored in 万元). `unit_printed`: the header declares 万元,
    so a bare number is 万元 by the template, not by convention.

    >>> read_cell("330.55万", money=True).value
    330.55
    >>> read_cell("20097080 元", money=True).value
    2009.708
    >>> read_cell("／").kind, read_cell("").kind, read_cell("\u00a00").kind
    ('placeholder', 'blank', 'zero')
    >>> read_cell("−3").value
    -3
    >>> read_cell("22（其中修订16件）").value
    22
    >>> read_cell("2笔").value, read_cell("984361元", money=True).value
    (2, 98.4361)
    """
    if _SPACED_DIGITS.search(raw):
        return Value("text", None, raw, note=f"several numbers in one cell: {raw.strip()!r}")
    text = compact(raw)
    if not text:
        return Value("blank", None, raw)
    if text in PLACEHOLDERS:
        return Value("placeholder", None, raw, note=f"placeholder {text!r} read as blank")
    if text in _ZERO_WORDS:
        return Value("zero", 0, raw)
    word = _WORD_SIGN.match(text)
    sign_word = None
    if word:
        sign_word = word["word"]
        text = ("-" if "减" in sign_word else "+") + word["rest"]
    m = NUMBER.fullmatch(text)
    if not m:
        remark = _REMARK.fullmatch(text)
        if remark and NUMBER.fullmatch(remark["number"]):
            v = read_cell(remark["number"], money=money, unit_printed=unit_printed)
            note = "; ".join(n for n in (v.note, f"remark {remark['remark']!r} is not a value") if n)
            return Value(v.kind, v.value, raw, v.unit, note)
        return Value("text", None, raw, note=f"text where a number belongs: {raw.strip()!r}")
    return from_match(m, raw, money=money, unit_printed=unit_printed, sign_word=sign_word)


def from_match(
    m: re.Match[str],
    raw: str,
    *,
    money: bool = False,
    unit_printed: bool = False,
    sign_word: str | None = None,
) -> Value:
    """A value from a NUMBER match (whole cell, or one piece of a run of cells written together)."""
    digits = m["int"].replace(",", "")
    number = Decimal(("-" if m["sign"] == "-" else "") + digits + (m["frac"] or ""))
    unit = m["unit"]
    notes = [f"sign written as {sign_word!r}"] if sign_word else []
    if money:
        if unit == "万":
            unit = "万元"
        if unit in COUNTERS:
            unit = None
        value, note = money_to_wan(number, unit)
        if note:
            notes.append(note)
        if unit is None and not unit_printed:
            notes.append("no unit printed: 万元 assumed (convention)")
        kind: CellKind = "zero" if value == 0 else "number"
        return Value(kind, value, raw, unit=unit or "万元", note="; ".join(notes) or None)
    if unit in ("万元", "万", "元", "亿元"):
        notes.append(f"unit {unit!r} on a count")
    if m["frac"] and Decimal(m["frac"]) != 0:
        # A fraction in a count is kept as printed; the verifier's H5 names it.
        return Value("number", float(number), raw, note="; ".join(notes) or None)
    ivalue = int(number)
    return Value("zero" if ivalue == 0 else "number", ivalue, raw, note="; ".join(notes) or None)
