"""PDF with a text layer: pages → rows of located cells, tables stitched across pages (`load.pages`).

Each page gives text lines (one cell per word, so every printed number has its own box) and
ruled tables (one cell per grid position, merged cells expanded, copies marked). Page numbers
and running headers are dropped.

A PDF past the page limit fails before any page is read; a page that would take its text past
the text limit fails before pdfminer holds an object for each of its characters (`pdf_text`).

A page that is only a picture (a scan), or whose fonts cannot be decoded, is read by OCR
(`load.ocr`) into the same blocks, and merged in page order with the text pages. Without the
OCR engine installed such a PDF fails with a line saying which extra to install, rather than
giving numbers from an empty page.
"""

from __future__ import annotations

from io import BytesIO

from ..limits import DEFAULT, Limits
from .budget import check_pages
from .document import Document
from .errors import LoadError
from .pagemarks import drop_furniture
from .pages import NO_TEXT_FOUND, stitch
from .pdf_page import Line, Page, read_page

NO_TEXT_LAYER = "no text layer: OCR needed"
UNDECODABLE = "text layer cannot be decoded (its fonts have no Unicode map): OCR needed"
ENCRYPTED = "encrypted PDF: a password is needed"


def read_pdf(name: str, data: bytes, sha256: str, rulings: bool = True, *, limits: Limits = DEFAULT) -> Document:
    """`rulings=False` ignores the ruled tables and reads every page as text lines."""
    pages = _read_pages(name, data, rulings, limits)
    dropped = drop_furniture(pages)
    blank = _pages_without_text(pages)
    scanned = _read_scans(name, data, pages, blank, limits)
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
    doc.rows = stitch(pages)
    return doc


def _read_pages(name: str, data: bytes, rulings: bool, limits: Limits) -> list[Page]:
    """Every page's blocks, within the page and text limits; pdfminer's errors become one clear
    line naming the file."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfexceptions import PDFException
    from pdfminer.psexceptions import PSEOF, PSException
    from pdfplumber.utils.exceptions import PdfminerException

    from .pdf_text import check_page

    try:
        with pdfplumber.open(BytesIO(data)) as pdf:
            check_pages(limits, name, len(pdf.pages))
            out: list[Page] = []
            chars = 0
            for page in pdf.pages:
                check_page(page, pdf.rsrcmgr, limits, name, chars)
                out.append(read_page(page, rulings))
                page.close()  # frees the page's parsed objects: memory stays flat on long reports
                chars += out[-1].chars + out[-1].undecodable
                limits.check("chars", chars, name, what=f"characters of text by page {page.page_number}")
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


def _read_scans(name: str, data: bytes, pages: list[Page], numbers: list[int], limits: Limits) -> list[int]:
    """OCR the pages without text in place; the numbers of those read (none without the engine)."""
    if not numbers:
        return []
    from . import ocr_engine

    if not ocr_engine.available():
        return []
    from .ocr import read_scan

    for n in numbers:
        pages[n - 1] = read_scan(name, data, n, limits)
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
