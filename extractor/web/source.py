"""Where a cell was read from, to show beside it: the source as the person would find it.

From the cell's location (`Provenance.location`) and the document's bytes: a cell of a PDF or
of a scanned image is its page, to render with the cell's box drawn (`Page`); a text or Markdown cell is the lines around
it, the characters read marked (`Lines`); an HTML or DOCX table cell is the grid around it, the
cell marked (`Grid`); text outside a table of those formats is the blocks around it (`Lines`).

    >>> from pathlib import Path
    >>> data = Path("golden/docs/10_shanghai_kewei_2024.md").read_bytes()
    >>> lines = excerpt(data, "a.md", "markdown", {"line": 102, "span": [46, 48], "table": 1, "row": 1, "column": 7})
    >>> [(l.number, l.marked) for l in lines.lines if l.marked]
    [(102, '34')]
"""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from ..limits import DEFAULT, Limits
from ..load import Document, load_bytes
from ..load.budget import check_encoded, check_text
from ..load.text import decode

_AROUND = 4  # lines or rows shown on each side
_WIDE = 90  # characters of a long line kept on each side of the mark
_NUMBER = re.compile(r"[+\-]?[\d,，.]*\d[\d,，.]*")
_NEIGHBOURS = 2  # columns of a grid shown on each side of the cell's


@dataclass(frozen=True)
class Line:
    number: int | None
    before: str
    marked: str
    after: str


@dataclass(frozen=True)
class Lines:
    lines: list[Line]


@dataclass(frozen=True)
class GridCell:
    text: str
    target: bool
    column: int


@dataclass(frozen=True)
class Grid:
    table: int
    rows: list[tuple[int, list[GridCell]]]


@dataclass(frozen=True)
class Page:
    page: int
    bbox: tuple[float, float, float, float] | None


Excerpt = Lines | Grid | Page
PAGED = ("pdf", "image")  # formats whose cells are shown on the rendered page


def excerpt(
    data: bytes, name: str, fmt: str | None, location: dict[str, Any] | None, *, limits: Limits = DEFAULT
) -> Excerpt | None:
    """The source around a cell, or None when the location says nothing this can show. The
    document is read within `limits`, as it was for its extraction (`web.source_pool` calls
    this in a worker process, never in the service's)."""
    page = page_of(fmt, location)
    if page is not None or not location:
        return page
    if fmt in ("text", "markdown") and location.get("line") is not None:
        check_encoded(limits, name, len(data))
        text, _ = decode(name, data)
        check_text(limits, name, text)
        return _text_lines(text.splitlines(), int(location["line"]), location.get("span"), location.get("line_end"))
    doc = _document(name, data, limits)
    if location.get("table") is not None and location.get("row") is not None:
        return _grid(doc, int(location["table"]), int(location["row"]), location.get("column"))
    if location.get("line") is not None:
        return _blocks(doc, int(location["line"]), location.get("span"))
    return None


def page_of(fmt: str | None, location: dict[str, Any] | None) -> Page | None:
    """A cell of a PDF or an image is shown on its page: nothing of the document is read for that."""
    if not location or location.get("page") is None or fmt not in PAGED:
        return None
    bbox = location.get("bbox")
    return Page(int(location["page"]), tuple(bbox) if bbox else None)  # type: ignore[arg-type]


def _text_lines(lines: list[str], number: int, span: list[int] | None, end: int | None) -> Lines:
    out = []
    last = max(number, end or number)
    for n in range(max(1, number - _AROUND), min(len(lines), last + _AROUND) + 1):
        text = lines[n - 1]
        if n == number and span and end is None:
            out.append(_mark(n, text, span[0], span[1]))
        elif number <= n <= last:
            out.append(Line(n, "", _clip(text), ""))
        else:
            out.append(Line(n, _clip(text), "", ""))
    return Lines(out)


def _mark(n: int | None, text: str, start: int, end: int) -> Line:
    before, marked, after = text[:start], text[start:end], text[end:]
    if len(before) > _WIDE:
        before = "…" + before[-_WIDE:]
    if len(after) > _WIDE:
        after = after[:_WIDE] + "…"
    return Line(n, before, marked, after)


def _clip(text: str) -> str:
    return text if len(text) <= 2 * _WIDE else text[: 2 * _WIDE] + "…"


_loaded: OrderedDict[str, Document] = OrderedDict()  # the last few documents read, by hash


def _document(name: str, data: bytes, limits: Limits) -> Document:
    import hashlib

    sha = hashlib.sha256(data).hexdigest()
    if sha not in _loaded:
        _loaded[sha] = load_bytes(name, data, limits=limits)
        while len(_loaded) > 4:
            _loaded.popitem(last=False)
    _loaded.move_to_end(sha)
    return _loaded[sha]


def _grid(doc: Document, table: int, row: int, column: int | None) -> Grid:
    """The rows around the cell: each row's labels (the columns left of those shown, merged
    labels included) then the cell's column and its neighbours, the cell marked."""
    rows: dict[int, dict[int, tuple[str, bool]]] = {}
    for r in doc.rows:
        for c in r.cells:
            loc = c.loc
            if loc.table == table and loc.row is not None and abs(loc.row - row) <= _AROUND:
                rows.setdefault(loc.row, {})[loc.column or 0] = (c.text, c.span_copy)
    at = column if column is not None else 0
    numbers = [col for col, (t, copy) in rows.get(row, {}).items() if not copy and _NUMBER.fullmatch(t.strip())]
    first = max(min(numbers, default=at), at - _NEIGHBOURS)
    last = at + _NEIGHBOURS
    width = 1 + max((col for cells in rows.values() for col in cells), default=0)
    out = []
    for n, cells in sorted(rows.items()):
        labels = list(dict.fromkeys(t.strip() for col, (t, _) in sorted(cells.items()) if col < first and t.strip()))
        shown = [GridCell(" ".join(labels), False, 0)]
        for col in range(first, min(width, last + 1)):
            text, copy = cells.get(col, ("", True))
            shown.append(GridCell("" if copy else _clip(text), n == row and col == column, col))
        out.append((n, shown))
    return Grid(table, out)


def _blocks(doc: Document, line: int, span: list[int] | None) -> Lines:
    texts = [(c.loc.line, c.text) for r in doc.rows for c in r.cells if not c.span_copy and c.loc.line is not None]
    at = next((i for i, (n, _) in enumerate(texts) if n == line), None)
    if at is None:
        return Lines([])
    out = []
    for i in range(max(0, at - _AROUND), min(len(texts), at + _AROUND + 1)):
        n, text = texts[i]
        out.append(_mark(n, text, span[0], span[1]) if i == at and span else Line(n, _clip(text), "", ""))
    return Lines(out)


__all__ = ["Excerpt", "Grid", "GridCell", "Line", "Lines", "Page", "excerpt", "page_of"]
