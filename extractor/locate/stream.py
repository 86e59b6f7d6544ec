"""A normalised text view of a document, with every character traceable to its cell.

Two views are built once per document:

* `text`: the cells in reading order, NFKC-folded, whitespace runs collapsed to one space;
  cells are joined by CELL, rows by ROW, and an empty cell is the single character EMPTY.
  Numbers are read from this view, where a space or a cell boundary still separates them.
* `compact`: `text` without separators, spaces, quotes and markup. Labels are matched here,
  so a label broken over lines, cells or vertical characters still matches.

`origin(i)` gives the cell of each `text` character and its offset in the cell's raw text, so
any value read can name the exact line, grid cell or page box it came from.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from ..load.document import Cell, Document, Location
from ..normalize import _DASHES, _MARKUP, _QUOTES, norm_char

CELL = "\x1f"
ROW = "\n"
EMPTY = "\ue000"
_SEPARATORS = {CELL, ROW, EMPTY, " "}
NOWHERE = -1  # the origin of a separator: no cell


@dataclass
class Stream:
    """`cell_of[i]`, `offset_of[i]`: the cell of text character i and its offset in the cell's raw
    text (`NOWHERE` for a separator). Typed arrays, not a tuple per character: a document's
    text costs a few bytes a character here, whatever its length."""

    text: str
    cell_of: array
    offset_of: array
    cells: list[Cell]
    cell_row: list[int]
    compact: str = ""
    compact_to_text: array = field(default_factory=lambda: array("i"))

    def origin(self, pos: int) -> tuple[int, int] | None:
        """(cell id, offset in its raw text) of the text character at `pos`; None for a separator."""
        if not 0 <= pos < len(self.cell_of):
            return None
        cid = self.cell_of[pos]
        return None if cid == NOWHERE else (cid, self.offset_of[pos])

    def to_compact(self, text_pos: int) -> int:
        """The first compact index at or after a text position."""
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
        return range(bisect.bisect_left(self.cell_row, row), bisect.bisect_right(self.cell_row, row))

    def cell_at(self, pos: int) -> int | None:
        o = self.origin(pos)
        return o[0] if o else None

    def locate(self, start: int, end: int) -> Location | None:
        """The location of text[start:end], narrowed to the characters when inside one cell."""
        first = next((o for i in range(start, end) if (o := self.origin(i))), None)
        last = next((o for i in range(end - 1, start - 1, -1) if (o := self.origin(i))), None)
        if first is None or last is None:
            return None
        cell = self.cells[first[0]]
        if first[0] != last[0]:
            return cell.loc
        return cell.loc.narrow(first[1], last[1] + 1)

    def confidence(self, start: int, end: int) -> float | None:
        """The least OCR confidence of the cells behind text[start:end]; None when none was OCR'd."""
        ids = {c for c in self.cell_of[max(0, start) : end] if c != NOWHERE}
        found = [c for c in (self.cells[i].confidence for i in ids) if c is not None]
        return min(found) if found else None

    def raw(self, start: int, end: int) -> str:
        """The source characters behind text[start:end], cell breaks shown as a space."""
        out: list[str] = []
        prev: tuple[int, int] | None = None
        for i in range(start, end):
            o = self.origin(i)
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


# A cell longer than this is cleaned without the cache: a page-long cell is not met twice, and
# a worker must not keep it after its document.
_CACHED = 256
_PLAIN_SPACE = re.compile(r"\s\s|^\s|\s$|[^\S ]")


def clean_cell(text: str) -> tuple[str, Sequence[int]]:
    """Normalised characters of one cell, and the raw offset of each; markup becomes a space."""
    if len(text) <= _CACHED:
        return _clean_short(text)
    if _is_clean(text):
        return text, range(len(text))
    return _clean(text)


@lru_cache(maxsize=8192)
def _clean_short(text: str) -> tuple[str, Sequence[int]]:
    # Cached: a report repeats the same cell texts ("0", "\t", labels) hundreds of times.
    return _clean(text)


def _is_clean(text: str) -> bool:
    """Already in the stream's form: NFKC, no dash to fold, no markup, single inner spaces."""
    return (
        unicodedata.is_normalized("NFKC", text)
        and not any(d in text for d in _DASHES)
        and _MARKUP.search(text) is None
        and _PLAIN_SPACE.search(text) is None
        and not any(norm_char(ch) != ch for ch in set(text) if not ch.isascii())
    )


def _clean(text: str) -> tuple[str, Sequence[int]]:
    masked = text
    if _MARKUP.search(text):
        masked = _MARKUP.sub(lambda m: " " * len(m.group()), text)
    chars: list[str] = []
    offsets = array("i")
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
    return "".join(chars), offsets


def build(doc: Document) -> Stream:
    chars: list[str] = []
    cell_of = array("i")
    offset_of = array("i")
    cells: list[Cell] = []
    cell_row: list[int] = []

    def separator(ch: str) -> None:
        chars.append(ch)
        cell_of.append(NOWHERE)
        offset_of.append(0)

    for row_index, row in enumerate(doc.rows):
        if chars:
            separator(ROW)
        first = True
        for cell in row.cells:
            if cell.span_copy:
                continue
            cid = len(cells)
            cells.append(cell)
            cell_row.append(row_index)
            if not first:
                separator(CELL)
            first = False
            text, offsets = clean_cell(cell.text)
            if not text:
                chars.append(EMPTY)
                cell_of.append(cid)
                offset_of.append(0)
                continue
            chars.append(text)
            cell_of.extend(array("i", [cid]) * len(text))
            offset_of.extend(offsets)
    stream = Stream("".join(chars), cell_of, offset_of, cells, cell_row)
    _build_compact(stream)
    return stream


_DROPPED = frozenset(_SEPARATORS | _QUOTES)
_DROPPED_PATTERN = re.compile("[" + re.escape("".join(sorted(_DROPPED))) + "]+")


def _build_compact(stream: Stream) -> None:
    """The compact view and where each of its characters is in `text`, run by run: no object
    per character."""
    text = stream.text
    kept: list[str] = []
    pos = array("i")
    start = 0
    for m in _DROPPED_PATTERN.finditer(text):
        if m.start() > start:
            kept.append(text[start : m.start()])
            pos.extend(range(start, m.start()))
        start = m.end()
    if start < len(text):
        kept.append(text[start:])
        pos.extend(range(start, len(text)))
    stream.compact = "".join(kept)
    stream.compact_to_text = pos


def find(stream: Stream, pattern: re.Pattern[str], start: int = 0, end: int | None = None) -> re.Match[str] | None:
    """Search the compact view between two TEXT positions."""
    cs = stream.to_compact(start)
    ce = stream.to_compact(end) if end is not None else len(stream.compact)
    return pattern.search(stream.compact, cs, ce)
