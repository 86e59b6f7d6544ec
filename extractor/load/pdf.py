"""PDF with a text layer: pages → rows of located cells, tables stitched across pages.

Each page gives text lines (one cell per word, so every printed number has its own box) and
ruled tables (one cell per grid position, merged cells expanded, copies marked). Page numbers
and running headers are dropped, and a table that goes on at the top of the next page keeps
its table number and row count, its repeated header rows dropped, so a row group broken by the
page ("（四）无" / "法提供") reads as if the page were not there. A part may have fewer columns
than the next (its rows merge the label columns the next page's rows divide), so a table goes
on when it has the same columns or spans the same width of the page.

A page that is only a picture (a scan), or whose fonts cannot be decoded, is read by OCR
(`load.ocr`) into the same blocks, and merged in page order with the text pages. Without the
OCR engine installed such a PDF fails with a line saying which extra to install, rather than
giving numbers from an empty page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from io import BytesIO

from .document import Cell, Document, Location, Row
from .errors import LoadError
from .pagemarks import drop_furniture
from .pdf_page import BBox, GridCell, Line, Page, Table, read_page

NO_TEXT_LAYER = "no text layer: OCR needed"
UNDECODABLE = "text layer cannot be decoded (its fonts have no Unicode map): OCR needed"
ENCRYPTED = "encrypted PDF: a password is needed"
NO_TEXT_FOUND = "scanned pages hold no text that OCR can read"


def read_pdf(name: str, data: bytes, sha256: str, rulings: bool = True) -> Document:
    """`rulings=False` ignores the ruled tables and reads every page as text lines."""
    pages = _read_pages(name, data, rulings)
    dropped = drop_furniture(pages)
    blank = _pages_without_text(pages)
    scanned = _read_scans(name, data, pages, blank)
    if scanned:
        dropped += drop_furniture([pages[n - 1] for n in scanned])
    # A scanned page where OCR found nothing to read is still a page whose content is unknown.
    blank = [n for n in blank if n not in scanned or not _has_text(pages[n - 1])]
    if not any(_has_text(p) for p in pages):
        undecodable = any(p.undecodable for p in pages)
        if scanned:
            raise LoadError(name, NO_TEXT_FOUND)
        raise LoadError(name, needs_ocr(UNDECODABLE if undecodable else NO_TEXT_LAYER))
    doc = Document(path=name, format="pdf", sha256=sha256, pages=len(pages))
    doc.pages_without_text = blank
    if scanned:
        doc.notes.append(f"pages read by OCR: {', '.join(map(str, scanned))}")
    if blank:
        doc.notes.append(f"pages without a text layer (images only): {', '.join(map(str, blank))}")
    if dropped:
        doc.notes.append(f"{dropped} page numbers or running headers dropped")
    doc.rows = _Stitcher().rows(pages)
    return doc


def _read_pages(name: str, data: bytes, rulings: bool) -> list[Page]:
    """Every page's blocks; pdfminer's errors become one clear line naming the file."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfexceptions import PDFException
    from pdfminer.psexceptions import PSEOF, PSException
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        with pdfplumber.open(BytesIO(data)) as pdf:
            out = []
            for page in pdf.pages:
                out.append(read_page(page, rulings))
                page.close()  # frees the page's parsed objects: memory stays flat on long reports
            return out
    except (PdfminerException, PDFException, PSException) as e:
        cause = e.args[0] if isinstance(e, PdfminerException) and e.args else e
        if isinstance(cause, PDFPasswordIncorrect):
            raise LoadError(name, ENCRYPTED) from None
        if isinstance(cause, PDFEncryptionError):
            raise LoadError(name, f"encrypted PDF: {cause or 'unsupported encryption'}") from None
        if isinstance(cause, PSEOF):
            raise LoadError(name, "truncated or damaged PDF: the file ends too early") from None
        detail = str(cause).splitlines()[0] if str(cause) else type(cause).__name__
        raise LoadError(name, f"damaged PDF: cannot be parsed ({detail})") from None


def _read_scans(name: str, data: bytes, pages: list[Page], numbers: list[int]) -> list[int]:
    """OCR the pages without text in place; the numbers of those read (none without the engine)."""
    if not numbers:
        return []
    from . import ocr_engine

    if not ocr_engine.available():
        return []
    from .ocr import read_scan

    for n in numbers:
        pages[n - 1] = read_scan(name, data, n)
    return numbers


def _has_text(page: Page) -> bool:
    """Whether a page holds any text: a line, or a table with a cell that is not empty."""
    return any(isinstance(b, Line) or any(c is not None and c.text for r in b.rows for c in r) for b in page.blocks)


def needs_ocr(problem: str) -> str:
    """The problem, and how to read such pages when the OCR engine is not installed."""
    from . import ocr_engine

    return problem if ocr_engine.available() else f"{problem}; {ocr_engine.MISSING}"


def _pages_without_text(pages: list[Page]) -> list[int]:
    """Pages where something is printed but no text can be read: scans (a page number printed
    over a scan does not count), or fonts with no Unicode map."""
    out = []
    for p in pages:
        if p.undecodable > p.chars:
            p.blocks = []  # "(cid:12)(cid:40)" is not text to read
        if not p.blocks and (p.images or p.undecodable):
            out.append(p.number)
    return out


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
