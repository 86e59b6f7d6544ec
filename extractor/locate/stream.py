"""A normalised text view of a document, with every character traceable to its cell.

Two views are built once per document:

* `text`: the cells in reading order, NFKC-folded, whitespace runs collapsed to one space;
  cells are joined by CELL, rows by ROW, and an empty cell is the single character EMPTY.
  Numbers are read from this view, where a space or a cell boundary still separates them.
* `compact`: `text` without separators, spaces, quotes and markup. Labels are matched here,
  so a label broken over lines, cells or vertical characters still matches.

`origin` maps each `text` character to (cell id, offset in the cell's raw text), so any value
read can name the exact line, grid cell or page box it came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from ..load.document import Cell, Document, Location
from ..normalize import _MARKUP, _QUOTES, norm_char

CELL = "\x1f"
ROW = "\n"
EMPTY = "\ue000"
_SEPARATORS = {CELL, ROW, EMPTY, " "}


@dataclass
class Stream:
    text: str
    origin: list[tuple[int, int] | None]
    cells: list[Cell]
    cell_row: list[int]
    compact: str = ""
    compact_to_text: list[int] = field(default_factory=list)

    def to_compact(self, text_pos: int) -> int:
        """The first compact index at or after a text position."""
        import bisect

        return bisect.bisect_left(self.compact_to_text, text_pos)

    def to_text(self, compact_pos: int) -> int:
        if compact_pos >= len(self.compact_to_text):
            return len(self.text)
        return self.compact_to_text[compact_pos]

    def to_text_end(self, compact_end: int) -> int:
        """The text position just after the compact character before `compact_end`."""
        if compact_end <= 0:
            return 0
        return self.compact_to_text[compact_end - 1] + 1

    def row_cells(self, row: int) -> range:
        """The ids of the cells of one document row (cells are numbered in reading order)."""
        import bisect

        return range(bisect.bisect_left(self.cell_row, row), bisect.bisect_right(self.cell_row, row))

    def cell_at(self, pos: int) -> int | None:
        o = self.origin[pos] if 0 <= pos < len(self.origin) else None
        return o[0] if o else None

    def locate(self, start: int, end: int) -> Location | None:
        """The location of text[start:end], narrowed to the characters when inside one cell."""
        first = next((self.origin[i] for i in range(start, end) if self.origin[i]), None)
        last = next((self.origin[i] for i in range(end - 1, start - 1, -1) if self.origin[i]), None)
        if first is None or last is None:
            return None
        cell = self.cells[first[0]]
        if first[0] != last[0]:
            return cell.loc
        return cell.loc.narrow(first[1], last[1] + 1)

    def confidence(self, start: int, end: int) -> float | None:
        """The least OCR confidence of the cells behind text[start:end]; None when none was OCR'd."""
        ids = {o[0] for o in self.origin[start:end] if o}
        found = [c for c in (self.cells[i].confidence for i in ids) if c is not None]
        return min(found) if found else None

    def raw(self, start: int, end: int) -> str:
        """The source characters behind text[start:end], cell breaks shown as a space."""
        out: list[str] = []
        prev: tuple[int, int] | None = None
        for i in range(start, end):
            o = self.origin[i]
            if o is None:
                if out and out[-1] != " ":
                    out.append(" ")
                prev = None
                continue
            cell = self.cells[o[0]]
            if prev and prev[0] == o[0] and o[1] > prev[1] + 1:
                out.append(cell.text[prev[1] + 1 : o[1]])
            if o[1] < len(cell.text):
                out.append(cell.text[o[1]])
            prev = o
        return "".join(out).strip()


@lru_cache(maxsize=8192)
def clean_cell(text: str) -> tuple[str, tuple[int, ...]]:
    """Normalised characters of one cell, and the raw offset of each; markup becomes a space.

    Cached: a report repeats the same cell texts ("0", "\t", labels) hundreds of times.
    """
    masked = list(text)
    for m in _MARKUP.finditer(text):
        for i in range(m.start(), m.end()):
            masked[i] = " "
    chars: list[str] = []
    offsets: list[int] = []
    pending_space = False
    for i, ch in enumerate(masked):
        n = norm_char(ch)
        if not n.strip():
            pending_space = bool(chars)
            continue
        if pending_space:
            chars.append(" ")
            offsets.append(i)
            pending_space = False
        for c in n:
            chars.append(c)
            offsets.append(i)
    return "".join(chars), tuple(offsets)


def build(doc: Document) -> Stream:
    chars: list[str] = []
    origin: list[tuple[int, int] | None] = []
    cells: list[Cell] = []
    cell_row: list[int] = []
    for row_index, row in enumerate(doc.rows):
        if chars:
            chars.append(ROW)
            origin.append(None)
        first = True
        for cell in row.cells:
            if cell.span_copy:
                continue
            cid = len(cells)
            cells.append(cell)
            cell_row.append(row_index)
            if not first:
                chars.append(CELL)
                origin.append(None)
            first = False
            text, offsets = clean_cell(cell.text)
            if not text:
                chars.append(EMPTY)
                origin.append((cid, 0))
                continue
            chars.append(text)
            origin.extend([(cid, i) for i in offsets])
    stream = Stream("".join(chars), origin, cells, cell_row)
    _build_compact(stream)
    return stream


_DROPPED = frozenset(_SEPARATORS | _QUOTES)


def _build_compact(stream: Stream) -> None:
    text = stream.text
    pos = [i for i, ch in enumerate(text) if ch not in _DROPPED]
    stream.compact = "".join([text[i] for i in pos])
    stream.compact_to_text = pos


def find(stream: Stream, pattern: re.Pattern[str], start: int = 0, end: int | None = None) -> re.Match[str] | None:
    """Search the compact view between two TEXT positions."""
    cs = stream.to_compact(start)
    ce = stream.to_compact(end) if end is not None else len(stream.compact)
    return pattern.search(stream.compact, cs, ce)
