"""Cells a conversion floated out of their table: joined back by position and content.

A PDF converted to markdown may lift a cell whose text wraps ("22（其中修订16件）") out of the
table: the row keeps an empty cell where the value was, and the value stands on a line of its
own below the row or below the table. Such a line is a value in a cell of its own, outside any
grid; the empty cells it can fill are those of the table's rows above it, under a header. In
one block (between two headers), when the floated values and those empty cells are as many,
each value goes back to the first empty cell above it that is still open, in reading order.
Otherwise nothing tells which cell a value left, and the values are not placed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ...locate.stream import Stream
from .tokens import Token


@dataclass(frozen=True)
class Segment:
    """The tokens after one row label, up to the next, and what the row's table says."""

    tokens: list[Token]
    row: int | None  # the document row of the label
    columns: list[int] | None  # the grid column under each header of the row, if a grid
    block: int  # rows under the same header share a block


@dataclass
class Joined:
    fill: dict[int, Token] = field(default_factory=dict)  # an empty cell's start → its value
    drop: set[int] = field(default_factory=set)  # starts of floated values not to read in place
    # Rows (by label row) that left a value somewhere below, which could not be placed back.
    unsure: set[int] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)

    def apply(self, tokens: list[Token]) -> list[Token]:
        return [self.fill.get(t.start, t) for t in tokens if t.start not in self.drop]


def _floated(stream: Stream, t: Token) -> bool:
    """A value printed as a line of its own, outside any table."""
    if not (t.is_value and t.whole_cell):
        return False
    cid = stream.cell_at(t.start)
    return cid is not None and stream.cells[cid].loc.table is None and len(stream.row_cells(t.row)) == 1


def join_floated(stream: Stream, segments: list[Segment]) -> Joined:
    joined = Joined()
    # block → (empty cells still open, values still floating, label rows left with a hole)
    blocks: dict[int, tuple[list[Token], list[Token], set[int]]] = {}
    gridded: set[int] = set()
    for seg in segments:
        empties, floated, holed = blocks.setdefault(seg.block, ([], [], set()))
        mine = [t for t in seg.tokens if _floated(stream, t)]
        if seg.columns is None or seg.row is None or stream.cells[stream.row_cells(seg.row)[0]].loc.table is None:
            floated += mine
            continue
        gridded.add(seg.block)
        holes = [t for t in seg.tokens if t.row == seg.row and t.kind == "empty"]
        open_ = [t for t in holes if t.column in seg.columns]
        if mine and len(mine) == len(open_):
            # Printed right below its row: the row's empty cells, in order.
            _place(joined, open_, mine)
            continue
        empties += open_
        floated += mine
        holed |= {seg.row} if holes else set()
    for block, (empties, floated, holed) in blocks.items():
        # Where the rows are not a grid (one cell per line), every value is a line of its own.
        if not floated or block not in gridded:
            continue
        if len(empties) != len(floated) or any(v.start < e.start for e, v in zip(empties, floated)):
            # Any row with an empty cell may be the one a value left: none of them is sure.
            joined.drop |= {t.start for t in floated}
            joined.unsure |= holed
            joined.notes.append(f"{len(floated)} values printed outside the table, {len(empties)} empty cells above: not placed")
            continue
        _place(joined, empties, floated)
    return joined


def _place(joined: Joined, empties: list[Token], floated: list[Token]) -> None:
    joined.drop |= {t.start for t in floated}
    for e, v in zip(empties, floated):
        joined.fill[e.start] = Token("value", v.start, v.end, v.text, e.row, True, e.column)
    joined.notes.append(f"{len(floated)} values printed outside the table joined back to the empty cells above them")
