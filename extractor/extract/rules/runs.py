"""Reading the values that follow a label: the run, its slots, and the pieces of split numbers.

After a row label, text may continue (a wrapped label), then the row's values come, then text
again (the next label). The run is that stretch of values and empty cells. Empty cells inside
or right beside it are blanks only when the row needs them to reach its width; otherwise they
are merged-cell padding (SPEC V1, V4).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ...load.document import Location
from ...locate.stream import Stream
from ...numbers import Value, read_cell
from ..candidate import Ambiguity, Reading
from .split import Span
from .tokens import Token


@dataclass(frozen=True)
class Piece:
    """The printed text of one cell value: a whole token or part of one split token."""

    text: str
    start: int  # stream text positions
    end: int
    split_from: str | None = None  # the token it was cut from, when it was cut

    def read(self, stream: Stream, *, money: bool = False, unit_printed: bool = False) -> tuple[Value, Location | None]:
        raw = stream.raw(self.start, self.end) or self.text
        value = read_cell(self.text, money=money, unit_printed=unit_printed)
        value = Value(value.kind, value.value, raw if self.text else "", value.unit, value.note)
        loc = stream.locate(self.start, self.end)
        if not self.text and loc is not None:
            loc = stream.cells[stream.cell_at(self.start)].loc  # the whole empty cell
        return value, loc


Slots = list["Piece | None"]  # a Piece with empty text is a printed blank; None: not printed at all


@dataclass
class Run:
    tokens: list[Token]  # from the first value to the last, empties between included
    before: list[Token] = field(default_factory=list)  # empties just before, same row
    after: list[Token] = field(default_factory=list)  # empties just after, same row

    @property
    def values(self) -> list[Token]:
        return [t for t in self.tokens if t.is_value]

    @property
    def end(self) -> int:
        return self.tokens[-1].end if self.tokens else 0


def first_run(tokens: list[Token], start: int = 0) -> tuple[Run | None, int]:
    """The first run of values at or after tokens[start]; returns it and the index after it."""
    i = start
    while i < len(tokens) and not tokens[i].is_value:
        i += 1
    if i >= len(tokens):
        return None, len(tokens)
    first = tokens[i]
    before: list[Token] = []
    k = i - 1
    while k >= start and tokens[k].kind == "empty" and tokens[k].row == first.row:
        before.insert(0, tokens[k])
        k -= 1
    run: list[Token] = []
    j = i
    while j < len(tokens) and tokens[j].kind != "text":
        run.append(tokens[j])
        j += 1
    while run and run[-1].kind == "empty":
        run.pop()
    last = run[-1]
    after = [t for t in tokens[i + len(run) : j] if t.kind == "empty" and t.row == last.row]
    return Run(run, before, after), j


def blank_cells(tokens: list[Token], n: int, row: int | None) -> Slots | None:
    """A row printed with no value at all: its first n empty cells (in document row `row`, the
    label's) are its blanks; None when it has fewer (a format that drops empty cells)."""
    empties = [t for t in tokens if t.row == row and t.kind == "empty"]
    if row is None or len(empties) < n or any(t.is_value for t in tokens if t.row == row):
        return None
    return [Piece("", t.start, t.end) for t in empties[:n]]


def label_row(stream: Stream, label_end: int) -> int | None:
    """The document row of the cell where a label ends (`label_end`: a text position after it)."""
    cid = stream.cell_at(label_end - 1)
    return stream.cell_row[cid] if cid is not None else None


def piece(t: Token) -> Piece:
    return Piece(t.text, t.start, t.end)


def slots(run: Run, n: int, first_column: int | None = None, columns: list[int] | None = None) -> Slots | None:
    """The run as exactly n cells, or None if its values cannot be placed without guessing.

    `first_column`: in a grid, the column where this row's values start (learnt from the
    table's complete rows); `columns`: the grid column of each of the n cells (from the
    header above). Either tells a blank cell from merged-cell padding beside it.

    Without them, the empty cells on both sides of the values fill the row only when they
    leave one way to do it: empty cells before the values and after them, more than the row
    lacks, are blanks and padding in an order nothing tells (a blank first cell, or a blank
    last one?), and the row is not placed.
    """
    values = run.values
    if len(values) == n:
        return [piece(t) for t in values]
    if len(values) > n:
        return None
    if columns is not None:
        placed = _at_columns(run, columns)
        if placed is not None:
            return placed
    if first_column is not None:
        placed = _at_columns(run, list(range(first_column, first_column + n)))
        if placed is not None:
            return placed
    need = n - len(run.tokens)
    if need < 0 or len(run.before) + len(run.after) < need:
        return None
    if need and run.before and run.after and len(run.before) + len(run.after) > need:
        return None
    from_after = min(need, len(run.after))
    cells = run.before[len(run.before) - (need - from_after) :] if need > from_after else []
    cells = [*cells, *run.tokens, *run.after[:from_after]]
    # An empty cell that fills a slot is a printed blank: keep where it is, read it as blank.
    return [piece(t) if t.is_value else Piece("", t.start, t.end) for t in cells]


def _at_columns(run: Run, columns: list[int]) -> Slots | None:
    """The cells of the run's row at the given grid columns, or None unless every value of the
    run is among them and each column holds one cell."""
    around = run.before + run.tokens + run.after
    if any(t.column is None for t in around):
        return None
    chosen = [next((t for t in around if t.column == c), None) for c in columns]
    if any(t is None for t in chosen) or any(t.is_value and t not in chosen for t in run.tokens):
        return None
    return [piece(t) if t.is_value else Piece("", t.start, t.end) for t in chosen if t is not None]


def split_pieces(tokens: list[Token], spans: list[Span]) -> Slots:
    out: Slots = []
    for index, a, b in spans:
        t = tokens[index]
        whole = a == 0 and b == len(t.text)
        out.append(Piece(t.text[a:b], t.start + a, t.start + b, None if whole else t.text))
    return out


def readings(
    stream: Stream,
    keys: list[str],
    cells: Slots,
    *,
    money_keys: frozenset[str] = frozenset(),
    unit_printed: frozenset[str] = frozenset(),
    note: str | None = None,
    ambiguous: bool = False,
) -> dict[str, Reading]:
    out: dict[str, Reading] = {}
    for key, p in zip(keys, cells):
        if p is None:
            out[key] = Reading(None, "blank", "", None, "blank cell")
            continue
        value, loc = p.read(stream, money=key in money_keys, unit_printed=key in unit_printed)
        extra = note
        if p.split_from is not None:
            extra = "; ".join(x for x in (f"split from {p.split_from!r}", note) if x)
        out[key] = Reading.of(value, loc, extra, ambiguous, stream.confidence(p.start, max(p.end, p.start + 1)))
    return out


def ambiguity(
    stream: Stream,
    keys: list[str],
    options: list[Slots],
    basis: str,
    *,
    money_keys: frozenset[str] = frozenset(),
    unit_printed: frozenset[str] = frozenset(),
) -> Ambiguity:
    """Several placements of the same printed text, best first, as data: the reading of each
    option (what `readings` would give the cells), the text behind it, and where it is printed."""
    values = []
    texts = []
    for option in options:
        found = readings(stream, keys, option, money_keys=money_keys, unit_printed=unit_printed)
        values.append(tuple(found[k].value for k in keys))
        texts.append(tuple(p.text if p is not None else "" for p in option))
    printed = [p for p in options[0] if p is not None]
    start, end = min(p.start for p in printed), max(p.end for p in printed)
    return Ambiguity(tuple(keys), stream.raw(start, end), stream.locate(start, end), tuple(values), tuple(texts), 0, basis)
