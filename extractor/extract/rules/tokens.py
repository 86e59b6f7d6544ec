"""Tokens of a stretch of the stream: values, empty cells, and text, each with its position.

A whole cell that reads as one value ("20097080 元", "／", "0") is one token. Otherwise the cell
is cut into numbers and text ("规章 1 0 11" → text, 1, 0, 11), so PDF lines and text dumps that
write a row's cells together are read the same way as grids.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from ...locate.stream import CELL, EMPTY, ROW, Stream, clean_cell
from ...numbers import COUNTERS, PLACEHOLDERS, UNIT, read_cell

TokenKind = Literal["value", "empty", "text"]

# A number inside running text: not glued to a preceding digit or decimal point, unless a
# sign opens it. Cells written together keep the sign between two numbers ("行政许可9+50" is
# 9 | +5 | 0): the sign starts a value, it is not text that ends the row's run.
# A unit or counter after it ("2笔", "984361元") is the number's, not text that ends the row's run.
_INLINE_NUMBER = re.compile(rf"(?:[+\-]|(?<![\d.]))\d+(?:,\d{{3}})*(?:\.\d+)?(?:{UNIT})?")
# A leaf number opening a label: one digit, then "." or "、", then the label's first character.
_LIST_MARKER = re.compile(r"[1-9][.、．](?=[^\d\s.])")


@dataclass(frozen=True)
class Token:
    kind: TokenKind
    start: int  # text positions in the stream
    end: int
    text: str  # normalised text
    row: int  # the document row it sits in
    whole_cell: bool = False  # the token is a complete cell (its boundaries are real)
    column: int | None = None  # the grid column of its cell, where the format has a grid

    @property
    def is_value(self) -> bool:
        return self.kind == "value"


def written_together(values: list[Token]) -> bool:
    """Some of these numbers share a cell with other text: only then may digits have to be cut.
    A number printed in a cell of its own is one number (a row short of a cell lost a blank)."""
    return any(not t.whole_cell for t in values)


def _cell_spans(stream: Stream, start: int, end: int) -> list[tuple[int, int]]:
    """Maximal stretches of text between separators, within [start, end)."""
    spans: list[tuple[int, int]] = []
    i = start
    text = stream.text
    while i < end:
        if text[i] in (CELL, ROW):
            i += 1
            continue
        j = i
        while j < end and text[j] not in (CELL, ROW):
            j += 1
        spans.append((i, j))
        i = j
    return spans


def _is_whole_cell(stream: Stream, a: int, b: int) -> bool:
    before = a == 0 or stream.text[a - 1] in (CELL, ROW)
    after = b >= len(stream.text) or stream.text[b] in (CELL, ROW)
    return before and after


_UNITS = frozenset({"元", "万元", "万", "亿元", *COUNTERS})


def tokenize(stream: Stream, start: int, end: int) -> list[Token]:
    return _join_units(_tokens(stream, start, end))


def _join_units(tokens: list[Token]) -> list[Token]:
    """A unit printed as a cell of its own right after a number ("2971940.69" "元": the words of
    a PDF line) belongs to the number."""
    out: list[Token] = []
    for t in tokens:
        prev = out[-1] if out else None
        if (
            prev is not None
            and t.kind == "text"
            and t.whole_cell
            and t.text in _UNITS
            and prev.is_value
            and prev.whole_cell
            and prev.row == t.row
            and prev.text[-1:].isdigit()
        ):
            out[-1] = Token("value", prev.start, t.end, prev.text + t.text, prev.row, True, prev.column)
            continue
        out.append(t)
    return out


def _tokens(stream: Stream, start: int, end: int) -> list[Token]:
    out: list[Token] = []
    for a, b in _cell_spans(stream, start, end):
        cid = stream.cell_at(a)
        row = stream.cell_row[cid] if cid is not None else -1
        column = stream.cells[cid].loc.column if cid is not None else None
        chunk = stream.text[a:b]
        whole = _is_whole_cell(stream, a, b)
        if chunk == EMPTY:
            out.append(Token("empty", a, b, "", row, whole_cell=True, column=column))
            continue
        if whole and _reads_as_one_value(chunk) and not _left_of_label(stream, cid, chunk):
            out.append(Token("value", a, b, chunk, row, whole_cell=True, column=column))
            continue
        if whole and (chunk in _UNITS or _names_a_column(stream, cid, chunk)):
            out.append(Token("text", a, b, chunk, row, whole_cell=True, column=column))
            continue
        out.extend(_inline_tokens(chunk, a, row))
    return out


# A word with a number in it ("数据1", "第2列"): a column's name when it heads a column.
_NUMBERED_NAME = re.compile(r"[^\W\d_][\d]|[\d][^\W\d_]")


def _names_a_column(stream: Stream, cid: int | None, chunk: str) -> bool:
    """A cell of a header row: a row of several cells none of which is a value. Conversions
    invent column names ("数据1" … "数据6"); the digits in them are not the table's values."""
    if cid is None or not _NUMBERED_NAME.search(chunk) or _LIST_MARKER.match(chunk):
        return False
    return is_header_row(stream, stream.cell_row[cid])


def is_header_row(stream: Stream, row: int) -> bool:
    """A row of several cells none of which is a value (nor a blank or a placeholder's mark)."""
    cells = stream.row_cells(row)
    if len(cells) < 2:
        return False
    texts = [clean_cell(stream.cells[i].text)[0] for i in cells]
    return any(texts) and not any(_reads_as_one_value(t) for t in texts if t)


def _left_of_label(stream: Stream, cid: int | None, chunk: str) -> bool:
    """A mark that is also a word ("无", "-") in a grid row, left of the row's label: a piece of a
    group label a conversion cut ("（四）无 | 法提供"), not a placeholder (values follow labels)."""
    if cid is None or chunk not in PLACEHOLDERS or stream.cells[cid].loc.column is None:
        return False
    later = [clean_cell(stream.cells[i].text)[0] for i in stream.row_cells(stream.cell_row[cid]) if i > cid]
    return any(t and not _reads_as_one_value(t) for t in later)


def _reads_as_one_value(chunk: str) -> bool:
    if chunk in PLACEHOLDERS or chunk.replace(" ", "") in PLACEHOLDERS:
        return True
    return read_cell(chunk, money=True).kind in ("number", "zero")


# A remark in brackets, in words: "(其中修订16件)". The numbers in it count part of a cell's
# value; they are not cells.
_REMARK = re.compile(r"\([^()]*[^\W\d_][^()]*\)")


def _inline_tokens(chunk: str, offset: int, row: int) -> list[Token]:
    out: list[Token] = []
    pos = 0
    remarks = [m.span() for m in _REMARK.finditer(chunk)]
    for m in _INLINE_NUMBER.finditer(chunk):
        if _LIST_MARKER.match(chunk, m.start()):
            continue  # "1.属于国家秘密": a leaf number, part of the label
        if any(a < m.start() < b for a, b in remarks):
            continue
        if m.start() > pos:
            _text_token(out, chunk, pos, m.start(), offset, row)
        out.append(Token("value", offset + m.start(), offset + m.end(), m.group(), row))
        pos = m.end()
    if pos < len(chunk):
        _text_token(out, chunk, pos, len(chunk), offset, row)
    return out


def _text_token(out: list[Token], chunk: str, a: int, b: int, offset: int, row: int) -> None:
    piece = chunk[a:b]
    if piece.strip(" ") == "":
        return
    out.append(Token("text", offset + a, offset + b, piece.strip(" "), row))
