"""Pages of blocks → the rows of one document: a table broken by a page read as one table.

A PDF page (`load.pdf`) and a page read by OCR (`load.ocr`) are both `pdf_page.Page`s of text
lines and ruled tables; this lays them out as rows, in page order. A table that goes on at the
top of the next page keeps its table number and row count, its repeated header rows dropped, so
a row group broken by the page ("（四）无" / "法提供") reads as if the page were not there. A part
may have fewer columns than the next (its rows merge the label columns the next page's rows
divide), so a table goes on when it has the same columns or spans the same width of the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .document import Cell, Location, Row
from .pdf_page import BBox, GridCell, Line, Page, Table

# What a scanned document whose pages read as nothing says: the PDF and image readers both end so.
NO_TEXT_FOUND = "scanned pages hold no text that OCR can read"


def stitch(pages: list[Page]) -> list[Row]:
    """The rows of `pages`, in order, tables continued across pages joined."""
    return _Stitcher().rows(pages)


def _box(b: BBox) -> tuple[float, float, float, float]:
    return (round(b[0], 1), round(b[1], 1), round(b[2], 1), round(b[3], 1))


def _line_row(line: Line, page: int) -> Row:
    return Row([Cell(w.text, Location(page=page, bbox=_box(w.bbox)), confidence=w.confidence) for w in line.words])


@dataclass
class _Open:
    """The table being written, which the next page may continue."""

    index: int
    width: int
    header: list[tuple[str, ...]]
    next_row: int
    left: float
    right: float

    def continued_by(self, table: Table) -> bool:
        same_extent = abs(table.bbox[0] - self.left) <= _SAME_EDGE and abs(table.bbox[2] - self.right) <= _SAME_EDGE
        return table.width == self.width or same_extent


# Points within which two tables on consecutive pages share their left and right edges.
_SAME_EDGE = 2.0


@dataclass
class _Stitcher:
    tables: int = 0
    open: _Open | None = None
    out: list[Row] = field(default_factory=list)

    def rows(self, pages: list[Page]) -> list[Row]:
        for page in pages:
            for i, block in enumerate(page.blocks):
                if isinstance(block, Line):
                    self.out.append(_line_row(block, page.number))
                    self.open = None
                else:
                    self._table(block, page.number, first_on_page=i == 0)
        return self.out

    def _table(self, table: Table, page: int, first_on_page: bool) -> None:
        rows = table.rows
        texts = [_row_text(r) for r in rows]
        current = self.open
        if current is not None and first_on_page and current.continued_by(table):
            skip = _repeated_header(texts, current.header)
            current.width, current.left, current.right = table.width, table.bbox[0], table.bbox[2]
        else:
            current = _Open(self.tables, table.width, texts[:_HEADER_ROWS], 0, table.bbox[0], table.bbox[2])
            self.tables += 1
            skip = 0
        for r in rows[skip:]:
            self.out.append(_grid_row(r, page, current.index, current.next_row))
            current.next_row += 1
        self.open = current


# How many leading rows of a table can be header rows repeated on the next page.
_HEADER_ROWS = 4


def _row_text(row: list[GridCell | None]) -> tuple[str, ...]:
    """The row's texts, one per merged cell: a cell spread over three columns on one page and
    over one on the next is the same printed row."""
    out: list[str] = []
    for cell in row:
        text = "".join(cell.text.split()) if cell is not None else ""
        if not out or text != out[-1] or not text:
            out.append(text)
    return tuple(out)


def _repeated_header(texts: list[tuple[str, ...]], header: list[tuple[str, ...]]) -> int:
    """How many leading rows of a continued table repeat the header of its first page."""
    n = 0
    while n < len(header) and n < len(texts) - 1 and texts[n] == header[n] and any(texts[n]):
        n += 1
    return n


def _grid_row(row: list[GridCell | None], page: int, table: int, index: int) -> Row:
    cells = []
    for column, cell in enumerate(row):
        if cell is None:  # no ruled cell covers this position
            cells.append(Cell("", Location(page=page, table=table, row=index, column=column), span_copy=True))
            continue
        loc = Location(page=page, bbox=_box(cell.bbox), table=table, row=index, column=column)
        cells.append(Cell(cell.text, loc, span_copy=cell.copy, confidence=cell.confidence))
    return Row(cells, grid=True)
