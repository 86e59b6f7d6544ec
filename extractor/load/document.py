"""The intermediate form every reader produces: rows of cells, each cell with its location.

A table row from a grid format (markdown, HTML, DOCX, a PDF table) is one row of many cells;
a line of text is one row of one cell (or of several, when tabs separate them). The parser and
the verifier never see the original format, only this.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Location:
    """Where a piece of text sits in its source. Only the fields the format has are set.

    Text: `line` (1-based) and `span` (character offsets in that line). Grids: `table`, `row`,
    `column` (0-based, after spans are expanded) and `span` within the cell's text. PDF: `page`
    (1-based) and `bbox` (x0, top, x1, bottom in points, from the page's top left), for a word
    of a text line or a table cell. HTML text outside tables: `line` is the source line where
    its block starts and `span` is within the block's text; DOCX paragraphs: `line` is the
    paragraph's number in the body. `member`: the path inside an archive.
    """

    line: int | None = None
    span: tuple[int, int] | None = None
    line_end: int | None = None  # a cell whose text wraps onto later lines ends here
    table: int | None = None
    row: int | None = None
    column: int | None = None
    page: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    member: str | None = None  # the archive member, for documents read from an archive

    def narrow(self, start: int, end: int) -> Location:
        """The location of characters [start, end) of this cell's text."""
        if self.line_end is not None:
            return self  # offsets inside a wrapped cell do not map onto one line
        base = self.span[0] if self.span and self.line is not None else 0
        # Built for every value read: copying the fields and setting the span is several times
        # cheaper than dataclasses.replace, and still carries any field a format adds.
        narrowed = object.__new__(Location)
        for name in _FIELDS:
            object.__setattr__(narrowed, name, getattr(self, name))
        object.__setattr__(narrowed, "span", (base + start, base + end))
        return narrowed

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in ("member", "page", "line", "line_end", "table", "row", "column", "span", "bbox"):
            v = getattr(self, name)
            if v is not None:
                out[name] = list(v) if isinstance(v, tuple) else v
        return out


_FIELDS = tuple(Location.__slots__)


# Slots: a document of a hundred thousand lines holds as many rows, cells and locations.
@dataclass(frozen=True, slots=True)
class Cell:
    text: str
    loc: Location
    # A copy made while expanding a rowspan/colspan: it fills the grid but is not a printed cell.
    span_copy: bool = False
    # How sure the recogniser was of the text (0-1), for a cell read by OCR; None otherwise.
    confidence: float | None = None


@dataclass(slots=True)
class Row:
    cells: list[Cell]
    grid: bool = False  # a row of a real table (markdown, HTML, DOCX, PDF table), not a text line


@dataclass
class Document:
    path: str
    format: str  # "text" | "markdown" | "html" | "docx" | "pdf"
    sha256: str
    rows: list[Row] = field(default_factory=list)
    encoding: str | None = None
    pages: int | None = None
    size: int | None = None  # bytes
    notes: list[str] = field(default_factory=list)
    # PDF pages where something is printed but no text can be read (scans): what is on them
    # is unknown, so a table not found may well be there.
    pages_without_text: list[int] = field(default_factory=list)

    def text(self) -> str:
        """Plain text of the whole document, one row per line, cells separated by tabs."""
        return "\n".join("\t".join(c.text for c in r.cells if not c.span_copy) for r in self.rows)
