"""A `Document` as a saved web page: its tables as real <table>s with rowspan/colspan.

The template's merge structure comes from the grid as it is: 三、本年度办理结果 spanning every
result row, the （三）–（六） group labels spanning their leaves, the header colspans of table 四,
table 二's single-value blocks with colspan=3. `HtmlStyle` says how the page was made; its
defaults are the plainest page, and the renderer (`files.py`) draws the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from .document import Document, Grid, GridCell, Heading, Paragraph


@dataclass(frozen=True)
class HtmlStyle:
    charset: str | None = "utf-8"  # declared in a <meta>; None: no declaration
    layout_table: bool = False  # the content inside a page-layout table, as on old CMS pages
    split_numbers: bool = False  # numbers over two <span>s, as Word's HTML export writes them
    header_cells: bool = False  # header rows as <th> inside <thead>
    wrapped_labels: bool = False  # narrow labels and headers broken with <br>, as typed in the cell
    quoted: bool = True  # attribute values quoted
    nbsp: bool = True  # an empty cell holds &nbsp;
    paragraphs: bool = False  # no <table> at all: one <p> per printed cell, one <div> per row


def write_html(doc: Document, style: HtmlStyle = HtmlStyle()) -> str:
    body = [f"<p><strong>{escape(doc.title)}</strong></p>", *(f"<div class='meta'>{escape(m)}</div>" for m in doc.meta)]
    for b in doc.blocks:
        if isinstance(b, Heading):
            body.append(f"<p><strong>{escape(b.text)}</strong></p>")
        elif isinstance(b, Paragraph):
            body.append(f"<p style='text-indent:2em'>{escape(b.text)}</p>")
        elif style.paragraphs:
            body.append(_paragraph_rows(b))
        else:
            body.append(_table(b, style))
    content = "\n".join(body)
    if style.layout_table:
        content = f"<table width='100%'><tr><td class='nav'>首页 &gt; 政务公开 &gt; 年度报告</td></tr><tr><td>\n{content}\n</td></tr></table>"
    meta = f'<meta http-equiv="Content-Type" content="text/html; charset={style.charset}">' if style.charset else ""
    return (
        f"<!DOCTYPE html>\n<html><head>{meta}<title>{escape(doc.title)}</title>"
        "<style>td{border:1px solid #000}</style><script>var pageNumber = 12345;</script></head>\n"
        f"<body>\n{content}\n<script>document.write('统计 999');</script></body></html>\n"
    )


def _number(text: str, split: bool) -> str:
    if split and len(text) > 1 and text.replace(".", "").isdigit():
        half = len(text) // 2
        return f"<span lang=EN-US>{text[:half]}</span><span>{text[half:]}</span>"
    return escape(text)


def _content(cell: GridCell, style: HtmlStyle) -> str:
    if not cell.text:
        return "&nbsp;" if style.nbsp else ""
    if cell.lines:
        return "<br>".join(escape(part) for part in cell.lines.split("\n"))
    if cell.wrapped and style.wrapped_labels and cell.role != "value":
        return "<br>".join(escape(part) for part in cell.wrapped.split("\n"))
    return _number(cell.text, style.split_numbers) if cell.role == "value" else escape(cell.text)


def _attr(name: str, value: int, quoted: bool) -> str:
    if value == 1:
        return ""
    return f" {name}='{value}'" if quoted else f" {name}={value}"


def _table(grid: Grid, style: HtmlStyle) -> str:
    """One <tr> per grid row holding its origin cells: a position under a span is not written."""
    header_rows = min(grid.data_rows, default=grid.height) if style.header_cells else 0
    out = ["<table border='1' cellspacing='0'>"]
    for row in range(grid.height):
        if row == 0 and header_rows:
            out.append("<thead>")
        if row == header_rows and header_rows:
            out.append("</thead><tbody>")
        tag = "th" if row < header_rows else "td"
        cells = [
            f"<{tag}{_attr('colspan', c.colspan, style.quoted)}{_attr('rowspan', c.rowspan, style.quoted)}>"
            f"<p align=center>{_content(c, style)}</p></{tag}>"
            for _, c in grid.origins(row)
        ]
        out.append("<tr>" + "".join(cells) + "</tr>")
    if header_rows:
        out.append("</tbody>" if header_rows < grid.height else "</thead>")
    out.append("</table>")
    return "\n".join(out)


def _paragraph_rows(grid: Grid) -> str:
    rows = []
    for row in range(grid.height):
        rows.append("<div>" + "".join(f"<p>{escape(c.text) or '&nbsp;'}</p>" for _, c in grid.origins(row)) + "</div>")
    return "\n".join(rows)
