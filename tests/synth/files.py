"""Renderers for the file formats: HTML, DOCX and PDF, each drawing how its file was made.

They keep every cell boundary (a <td>, a <w:tc>, a drawn box or a word of its own), so a
data row's runs are its cells. The writers themselves (`html_writer.py`, `docx_writer.py`,
`pdf_writer.py`) are shared with the format fixtures of tests/fixtures.py.

* `html`: UTF-8 or GBK, declared or not, inside a page-layout table or not, numbers split
  over <span>s, header rows as <th>, labels broken with <br>, empty cells with or without &nbsp;;
* `docx`: merged cells as gridSpan/vMerge, labels broken with line breaks, numbers over two
  runs, the whole report now and then framed in a one-cell table;
* `pdf` and `pdf_unruled`: A4 pages with page numbers (and now and then a running header),
  table 三 broken across two pages at a random row, its header repeated or not.
"""

from __future__ import annotations

from dataclasses import dataclass

from .document import Document
from .docx_writer import DocxStyle, write_docx
from .draw import Draw
from .html_writer import HtmlStyle, write_html
from .pdf_writer import PdfStyle, write_pdf
from .render import Rendered, Renderer, all_cell_runs, page_break_row
from .scan import ScanStyle, scanned


@dataclass
class Html:
    name: str = "html"
    suffix: str = ".html"
    keeps_cell_boundaries: bool = True
    shows_empty_cells: bool = True

    def render(self, doc: Document, d: Draw) -> Rendered:
        encoding = d.choice(("utf-8", "gbk"))
        charset = d.choice(("utf-8", None)) if encoding == "utf-8" else d.choice(("gb2312", "gbk", None))
        style = HtmlStyle(
            charset=charset,
            layout_table=d.chance(0.4),
            split_numbers=d.chance(0.3),
            header_cells=d.chance(0.3),
            wrapped_labels=d.chance(0.3),
            quoted=not d.chance(0.3),
            nbsp=not d.chance(0.3),
        )
        suffix = d.choice((self.suffix, ".htm"))
        # A character the encoding lacks (U+2212 in GBK) is saved as a reference, "&#8722;".
        data = write_html(doc, style).encode(encoding, "xmlcharrefreplace")
        return Rendered(self.name, f"doc{suffix}", data, all_cell_runs(doc), encoding=encoding)


@dataclass
class Docx:
    name: str = "docx"
    suffix: str = ".docx"
    keeps_cell_boundaries: bool = True
    shows_empty_cells: bool = True

    def render(self, doc: Document, d: Draw) -> Rendered:
        style = DocxStyle(framed=d.chance(0.2), wrapped_labels=d.chance(0.3), split_runs=d.chance(0.3))
        return Rendered(self.name, f"doc{self.suffix}", write_docx(doc, style), all_cell_runs(doc), encoding=None)


_PAGE_NUMBERS = ("- {n} -", "第 {n} 页", "— {n} —", "{n}", None)


@dataclass
class Pdf:
    """`ruled=False`: no lines are drawn, the tables can only be read from the text lines.

    Read as text lines, an unruled table keeps no trace of an empty cell but a wider gap
    between words, which the reader does not measure: for it, such a cell is not shown.
    """

    ruled: bool = True
    suffix: str = ".pdf"
    keeps_cell_boundaries: bool = True

    @property
    def name(self) -> str:
        return "pdf" if self.ruled else "pdf_unruled"

    @property
    def shows_empty_cells(self) -> bool:
        return self.ruled

    def render(self, doc: Document, d: Draw) -> Rendered:
        break_at = page_break_row(doc.grid("s3"), d) if d.chance(0.8) else None
        if doc.wraps:
            # Labels broken over lines make table 三 taller than a page: it breaks mid-way.
            rows = sorted(doc.grid("s3").data_rows)
            break_at = rows[len(rows) // 2]
        style = PdfStyle(
            ruled=self.ruled,
            break_at=break_at,
            repeat_header=d.chance(0.6),
            s3_new_page=not d.chance(0.3),
            page_number=d.choice(_PAGE_NUMBERS),
            running_header=doc.report.organ if d.chance(0.2) else None,
        )
        return Rendered(self.name, f"doc{self.suffix}", write_pdf(doc, style), all_cell_runs(doc), encoding=None)


@dataclass
class Scanned:
    """The ruled PDF printed and scanned back: grayscale page pictures at 150-200 dpi, turned
    by under a degree, blurred, JPEG-compressed, in a PDF with no text layer (read by OCR)."""

    name: str = "scanned"
    suffix: str = ".pdf"
    keeps_cell_boundaries: bool = True
    shows_empty_cells: bool = True

    def render(self, doc: Document, d: Draw) -> Rendered:
        printed = Pdf().render(doc, d)
        return Rendered(self.name, printed.name, scanned(printed.data, scan_style(d)), printed.runs, encoding=None)


def scan_style(d: Draw) -> ScanStyle:
    """How a scanner degrades a page: 150-200 dpi, under a degree askew, blurred, JPEG'd."""
    return ScanStyle(
        dpi=d.choice((150, 180, 200)),
        angle=d.choice((-1, 1)) * d.integer(0, 9) / 10,
        blur=d.integer(3, 8) / 10,
        quality=d.integer(50, 85),
    )


FILE_RENDERERS: dict[str, Renderer] = {r.name: r for r in (Html(), Docx(), Pdf(), Pdf(ruled=False))}
# OCR takes seconds a page: the scans are drawn only when asked for by name.
SLOW_RENDERERS: dict[str, Renderer] = {"scanned": Scanned()}
