"""A `Document` as a printed PDF (reportlab, its built-in CJK font): drawn tables, page numbers.

Table 三 may break across pages as Word prints it: the merged labels that cross the break are
cut in two (part of the text above, the rest below) and the header rows may be repeated at the
top of the next page. `ruled=False` draws no lines, so the tables can only be read from the
text lines. Other tables flow as reportlab lays them out (splitting between rows when a table
does not fit what is left of a page).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from io import BytesIO

from .document import Document, Grid, Heading, Paragraph

FONT = "STSong-Light"
# The built-in CJK font has no glyph for U+2212 (a minus sign, SPEC V9) and would drop it
# silently; a word processor falls back to another font, and so does this writer (Vera ships
# with reportlab), so the text layer holds the sign as printed.
FALLBACK = "Vera"
_NOT_IN_CJK_FONT = frozenset("\u2212")


@dataclass(frozen=True)
class PdfStyle:
    ruled: bool = True
    break_at: int | None = None  # the table-三 grid row that starts a new page (None: no break)
    repeat_header: bool = True  # after that break, the header rows printed again
    s3_new_page: bool = True  # table 三's heading starts a page
    page_number: str | None = "- {n} -"  # at the foot of every page
    running_header: str | None = None  # at the top of every page
    encrypt: str | None = None  # a user password
    scanned_from: str | None = None  # from the heading starting with this on, two scanned pages
    scans_after: int = 0  # pictures appended after the report (a scanned seal page, say)


def font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        pdfmetrics.registerFont(TTFont(FALLBACK, f"{FALLBACK}.ttf"))
    return FONT


def markup(text: str) -> str:
    """Paragraph markup for a cell's text: escaped, and characters the CJK font lacks in the fallback font."""
    from xml.sax.saxutils import escape

    return "".join(f'<font name="{FALLBACK}">{ch}</font>' if ch in _NOT_IN_CJK_FONT else escape(ch) for ch in text)


def cut(grid: Grid, at: int) -> tuple[Grid, Grid]:
    """The grid cut before row `at`; a merged cell across the cut keeps the first part of its
    text above and the rest below, as a word processor splits it over two pages."""
    top, bottom = Grid(grid.table), Grid(grid.table)
    for (r0, c0), cell in grid.cells.items():
        if r0 >= at:
            bottom.cells[(r0 - at, c0)] = cell
        elif r0 + cell.rowspan <= at:
            top.cells[(r0, c0)] = cell
        else:
            above = at - r0
            n = round(len(cell.text) * above / cell.rowspan)
            top.cells[(r0, c0)] = replace(cell, text=cell.text[:n], rowspan=above, wrapped=None)
            bottom.cells[(0, c0)] = replace(cell, text=cell.text[n:], rowspan=cell.rowspan - above, wrapped=None)
    top.data_rows = {r: name for r, name in grid.data_rows.items() if r < at}
    bottom.data_rows = {r - at: name for r, name in grid.data_rows.items() if r >= at}
    return top, bottom


def with_header(grid: Grid, header: Grid, rows: int) -> Grid:
    """`grid` below the first `rows` rows of `header` (a continued table repeating its head)."""
    out = Grid(grid.table, {(r, c): cell for (r, c), cell in header.cells.items() if r + cell.rowspan <= rows})
    out.cells |= {(r + rows, c): cell for (r, c), cell in grid.cells.items()}
    out.data_rows = {r + rows: name for r, name in grid.data_rows.items()}
    return out


def write_pdf(doc: Document, style: PdfStyle = PdfStyle()) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Image, PageBreak, SimpleDocTemplate, Spacer
    from reportlab.platypus import Paragraph as Para

    name = font()
    body = ParagraphStyle("body", fontName=name, fontSize=11, leading=18, wordWrap="CJK", firstLineIndent=22)
    head = ParagraphStyle("head", parent=body, fontSize=13, firstLineIndent=0, spaceBefore=6)
    cell = ParagraphStyle("cell", fontName=name, fontSize=8, leading=10, wordWrap="CJK", alignment=1)
    blocks = list(doc.blocks)
    scans = style.scans_after
    if style.scanned_from is not None:
        at = next(i for i, b in enumerate(blocks) if isinstance(b, Heading) and b.text.startswith(style.scanned_from))
        blocks, scans = blocks[:at], scans + 2
    story = [Para(markup(doc.title), head), *(Para(markup(m), body) for m in doc.meta)]
    for b in blocks:
        if isinstance(b, Heading):
            if b.text.startswith("三、") and style.s3_new_page:
                story.append(PageBreak())
            story.append(Para(markup(b.text), head))
        elif isinstance(b, Paragraph):
            story.append(Para(markup(b.text), body))
        elif b.table == "s3" and style.break_at is not None:
            grid = b.widened()
            top, bottom = cut(grid, style.break_at)
            if style.repeat_header:
                bottom = with_header(bottom, grid, min(grid.data_rows))
            story += [_table(top, cell, style.ruled, doc.wraps), PageBreak(), _table(bottom, cell, style.ruled, doc.wraps)]
        else:
            story += [_table(b.widened(), cell, style.ruled, doc.wraps), Spacer(1, 8)]
    for _ in range(scans):
        story += [PageBreak(), Image(BytesIO(scan_png()), width=A4[0] - 160, height=A4[1] - 200)]

    def furniture(canvas, template) -> None:
        canvas.setFont(name, 10)
        if style.page_number:
            canvas.drawCentredString(A4[0] / 2, 30, style.page_number.format(n=template.page))
        if style.running_header:
            canvas.drawCentredString(A4[0] / 2, A4[1] - 30, style.running_header)

    buf = BytesIO()
    kwargs = {}
    if style.encrypt is not None:
        from reportlab.lib.pdfencrypt import StandardEncryption

        kwargs["encrypt"] = StandardEncryption(style.encrypt, "owner")
    SimpleDocTemplate(buf, pagesize=A4, topMargin=60, bottomMargin=60, **kwargs).build(
        story, onFirstPage=furniture, onLaterPages=furniture
    )
    return buf.getvalue()


def _widths(grid: Grid) -> list[float]:
    """Label columns as the templates print them; the value columns share the rest."""
    width = grid.width()
    labels = {"s2": [130.0], "s3": [34.0, 56.0, 120.0], "s4": []}[grid.table]
    rest = {"s2": 330.0, "s3": 259.0, "s4": 495.0}[grid.table]
    return labels + [rest / (width - len(labels))] * (width - len(labels))


def _table(grid: Grid, style, ruled: bool, wraps: str | None = None):
    """`wraps`: labels broken over their lines (`GridCell.lines`), the values at the top, the
    middle or the bottom of the row."""
    from reportlab.platypus import Paragraph as Para
    from reportlab.platypus import Table, TableStyle

    data: list[list[object]] = [[""] * grid.width() for _ in range(grid.height)]
    commands: list[tuple] = [("VALIGN", (0, 0), (-1, -1), wraps or "MIDDLE")]
    if ruled:
        commands.append(("GRID", (0, 0), (-1, -1), 0.5, "black"))
    for (r, c), cell in grid.cells.items():
        lines = cell.lines if wraps and cell.lines else None
        data[r][c] = Para("<br/>".join(markup(x) for x in lines.split("\n")) if lines else markup(cell.text), style)
        if cell.colspan > 1 or cell.rowspan > 1:
            commands.append(("SPAN", (c, r), (c + cell.colspan - 1, r + cell.rowspan - 1)))
    return Table(data, colWidths=_widths(grid), style=TableStyle(commands))


def scan_png() -> bytes:
    """A picture of a ruled page, as a scanner gives it."""
    from PIL import Image, ImageDraw

    picture = Image.new("L", (300, 420), 255)
    draw = ImageDraw.Draw(picture)
    for y in range(40, 400, 20):
        draw.line((20, y, 280, y), fill=0)
    for x in (20, 120, 280):
        draw.line((x, 40, x, 380), fill=0)
    buf = BytesIO()
    picture.save(buf, format="PNG")
    return buf.getvalue()
