"""Table 四: one data row of 15 counts, in a fixed order (SPEC §2.3, V14).

The header geometry is ignored: the first run of values after the heading is the row. When
the row is printed as three labelled rows of five, the runs are joined. Digits written
together are split so that each group of five adds up.
"""

from __future__ import annotations

import math
import re

from verify.layout import S4_COLUMNS, S4_GROUPS, s4_key

from ...locate.stream import Stream
from ...locate.zones import Zone
from ...normalize import compact
from ..candidate import Reading, TableReading
from .runs import Piece, Run, Slots, ambiguity, blank_cells, first_run, piece, readings, slots, split_pieces
from .split import split_free, split_sums
from .tokens import Token, tokenize, written_together

KEYS = [s4_key(g, c) for g in S4_GROUPS for c in S4_COLUMNS]
N = len(KEYS)
# Text between the three labelled rows of a transposed layout is short ("复议后起诉").
_MAX_GAP_TEXT = 12


def _runs(tokens: list, limit: int) -> list[tuple[Run, str]]:
    """Runs in order with the text that precedes each, until `limit` values are collected."""
    out: list[tuple[Run, str]] = []
    i, count = 0, 0
    while i < len(tokens) and count < limit:
        gap_start, gap = i, []
        while i < len(tokens) and not tokens[i].is_value:
            if tokens[i].kind == "text":
                gap.append(tokens[i].text)
            i += 1
        # From the gap's start: the empty cells just before the first value are the row's blanks.
        run, i = first_run(tokens, gap_start)
        if run is None:
            break
        out.append((run, "".join(gap)))
        count += len(run.values)
    return out


# The litigation groups' names, as a row label or the heading of a table of their own (SPEC V14).
_LATER_GROUPS = (re.compile(r"未经复议|直接起诉"), re.compile(r"复议后"))
_GROUP_SIZE = len(S4_COLUMNS)


def _by_group(tokens: list[Token]) -> Slots | None:
    """The row printed group by group, each group a row of five cells of its own (values or
    blanks) after its name, whatever headers stand between (SPEC V14): the first three such
    rows, the second after 未经复议直接起诉 and the third after 复议后起诉."""
    rows: dict[int, list[Token]] = {}
    for t in tokens:
        rows.setdefault(t.row, []).append(t)
    groups: list[list[Token]] = []
    gaps: list[str] = []
    gap: list[str] = []
    for found in rows.values():
        cells = [t for t in found if t.kind != "text"]
        if len(cells) == _GROUP_SIZE and len(cells) == len(found) and all(t.whole_cell for t in cells):
            groups.append(cells)
            gaps.append("".join(gap))
            gap = []
            if len(groups) == len(S4_GROUPS):
                break
        else:
            gap += [t.text for t in found if t.kind == "text"]
    if len(groups) != len(S4_GROUPS):
        return None
    if not all(p.search(compact(text)) for p, text in zip(_LATER_GROUPS, gaps[1:])):
        return None
    return [piece(t) if t.is_value else Piece("", t.start, t.end) for g in groups for t in g]


def _size(cells: Slots) -> float:
    """How large a reading's counts are, in orders of magnitude: few organs see many cases of
    review or litigation, so of two splits that add up the one with smaller counts comes first."""
    return sum(math.log10(1 + int(p.text)) for p in cells if p is not None and p.text.isdigit())


def _blank_row(tokens: list) -> Slots | None:
    """The data row printed with no value at all: the first row of the zone made only of empty
    cells, at least 15 of them (the header rows hold text)."""
    rows: dict[int, list] = {}
    for t in tokens:
        rows.setdefault(t.row, []).append(t)
    for row, found in rows.items():
        if all(t.kind == "empty" for t in found):
            blanks = blank_cells(found, N, row)
            if blanks is not None:
                return blanks
    return None


def read_table4(stream: Stream, zone: Zone | None) -> TableReading:
    if zone is None:
        return TableReading("s4", "any", False, notes=["table 四 not found"])
    tokens = tokenize(stream, zone.start, zone.end)
    runs = _runs(tokens, N)
    table = TableReading("s4", "any", True)
    if not runs:
        blanks = _blank_row(tokens) or _by_group(tokens)
        if blanks is not None:
            table.cells = readings(stream, KEYS, blanks)
            return table
        table.cells = {k: Reading.missing("no values after the 四 heading") for k in KEYS}
        table.notes.append("table 四: heading found, no values")
        return table
    first = runs[0][0]
    placed = slots(first, N)
    if placed is not None:
        table.cells = readings(stream, KEYS, placed)
        return table
    values = first.values
    if len(values) < N:
        joined = [t for run, _ in runs for t in run.values]
        if len(joined) == N and all(len(gap) <= _MAX_GAP_TEXT for _, gap in runs[1:]):
            table.cells = readings(stream, KEYS, [piece(t) for t in joined])
            table.notes.append("table 四 printed as several labelled rows; joined in order")
            return table
        grouped = _by_group(tokens)
        if grouped is not None:
            table.cells = readings(stream, KEYS, grouped)
            table.notes.append("table 四 printed group by group, each under its name; joined in order")
            return table
        pieces = [t.text for t in values]
        spans = split_sums(pieces, [5, 5, 5]) if written_together(values) else []
        if spans:
            ambiguous = len(spans) > 1
            note = "the only split whose groups add up" if not ambiguous else "several splits add up; one chosen"
            options = sorted((split_pieces(values, s) for s in spans), key=_size)
            table.cells = readings(stream, KEYS, options[0], note=note, ambiguous=ambiguous)
            if ambiguous:
                basis = "each reading's three groups add up to their 总计 (H4); ranked by the prior that cases are few"
                table.ambiguities.append(ambiguity(stream, KEYS, options, basis))
            return table
        forced = split_free(pieces, N, limit=2) if written_together(values) else []
        if len(forced) == 1:  # as for a table-三 row: the digits state the numbers; H4 names the error
            note = "the only way to cut the digits into 15 numbers; the groups do not add up"
            table.cells = readings(stream, KEYS, split_pieces(values, forced[0]), note=note)
            return table
    raw = " ".join(t.text for t in values)
    table.cells = {k: Reading.missing(f"could not read 15 values from {raw!r}") for k in KEYS}
    table.notes.append(f"table 四: {len(values)} values where 15 belong")
    return table
