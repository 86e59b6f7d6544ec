"""Merged cells on a full grid, shared by the readers of HTML and DOCX tables.

A merged cell is written once in the source. The grid gets it at its top-left position and a
copy, marked `span_copy`, at every other position it covers, so each row has one cell per
column and a value spread over three columns is still read once.
"""

from __future__ import annotations

from dataclasses import dataclass

from .document import Cell, Location, Row

# A span larger than this is a broken attribute (rowspan="9999"), not a table.
MAX_SPAN = 200

# (text, is a copy) per grid position; None where the source has no cell at all (a short row).
Placed = list[list[tuple[str, bool] | None]]


@dataclass(frozen=True)
class SourceCell:
    """One cell as HTML writes it: its text and the columns and rows it covers."""

    text: str
    colspan: int = 1
    rowspan: int = 1


def span(value: int) -> int:
    """A span as laid out: at least one, at most `MAX_SPAN`."""
    return max(1, min(value, MAX_SPAN))


def positions(rows: list[list[SourceCell]]) -> int:
    """How many grid positions, at most, the cells cover once laid out (a bound, cheap to take)."""
    return sum(span(c.colspan) * span(c.rowspan) + len(c.text) for row in rows for c in row)


def expand(rows: list[list[SourceCell]]) -> Placed:
    """Place each cell on the grid, left to right, skipping positions taken by a rowspan above."""
    grid: Placed = [[] for _ in rows]
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while c < len(grid[r]) and grid[r][c] is not None:
                c += 1
            colspan = span(cell.colspan)
            rowspan = min(span(cell.rowspan), len(rows) - r)
            for dr in range(rowspan):
                target = grid[r + dr]
                target.extend([None] * (c + colspan - len(target)))
                for dc in range(colspan):
                    target[c + dc] = (cell.text, dr > 0 or dc > 0)
            c += colspan
    return pad(grid)


def pad(grid: Placed) -> Placed:
    width = max((len(g) for g in grid), default=0)
    for g in grid:
        g.extend([None] * (width - len(g)))
    return grid


def to_rows(grid: Placed, table: int) -> list[Row]:
    """Rows of located cells: table, row and column on the expanded grid."""
    out: list[Row] = []
    for r, placed in enumerate(grid):
        cells: list[Cell] = []
        for c, slot in enumerate(placed):
            loc = Location(table=table, row=r, column=c)
            if slot is None:
                cells.append(Cell("", loc, span_copy=True))  # nothing is printed here
            else:
                cells.append(Cell(slot[0], loc, span_copy=slot[1]))
        out.append(Row(cells, grid=True))
    return out
