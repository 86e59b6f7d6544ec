"""A `Document` as a Word file: paragraphs, and tables whose merged cells are real gridSpan/vMerge.

Each table is written as Word writes it: one <w:tc> per origin cell with `w:gridSpan` for its
columns and `w:vMerge w:val="restart"`, and in every row it covers below, a <w:tc> with a bare
`w:vMerge` (continue). The XML is built here rather than with python-docx's `cell.merge`,
which walks the whole table for every cell it touches (seconds per report); python-docx still
makes the package, its styles and paragraphs.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO
from xml.sax.saxutils import escape

from .document import Document, Grid, GridCell, Heading, Paragraph

_TWIPS_PER_COLUMN = {"s2": (2600, 2200), "s3": (700, 600), "s4": (600, 600)}


@dataclass(frozen=True)
class DocxStyle:
    framed: bool = False  # the whole report inside a one-cell table, as some offices lay out a page
    wrapped_labels: bool = False  # narrow labels and headers broken with line breaks inside the cell
    split_runs: bool = False  # numbers over two runs, as Word splits them after an edit


def write_docx(doc: Document, style: DocxStyle = DocxStyle()) -> bytes:
    import docx as python_docx
    from docx.oxml import parse_xml

    word = python_docx.Document()
    body = word.element.body
    start = len(body) - 1  # before the section properties, which stay last
    word.add_paragraph(doc.title, style="Heading 2")
    for line in doc.meta:
        word.add_paragraph(line)
    for b in doc.blocks:
        if isinstance(b, Heading):
            word.add_paragraph(b.text, style="Heading 2")
        elif isinstance(b, Paragraph):
            word.add_paragraph(b.text)
        else:
            body.insert(len(body) - 1, parse_xml(_table(b.widened(), style)))
    if style.framed:
        content = list(body)[start:-1]
        frame = parse_xml(f"<w:tbl {_NS}><w:tblPr><w:tblW w:w='0' w:type='auto'/></w:tblPr><w:tblGrid><w:gridCol w:w='9000'/></w:tblGrid><w:tr><w:tc></w:tc></w:tr></w:tbl>")
        cell = frame.find(f"{_W}tr").find(f"{_W}tc")
        for el in content:
            cell.append(el)
        cell.append(parse_xml(f"<w:p {_NS}/>"))  # a cell ends with a paragraph
        body.insert(len(body) - 1, frame)
    buf = BytesIO()
    word.save(buf)
    return buf.getvalue()


_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _runs(cell: GridCell, style: DocxStyle) -> str:
    broken = cell.lines or (cell.wrapped if style.wrapped_labels and cell.role != "value" else None)
    if broken:
        return "<w:r>" + "<w:br/>".join(f"<w:t>{escape(part)}</w:t>" for part in broken.split("\n")) + "</w:r>"
    text = cell.text
    if style.split_runs and cell.role == "value" and len(text) > 1:
        half = len(text) // 2
        return f"<w:r><w:t>{escape(text[:half])}</w:t></w:r><w:r><w:t>{escape(text[half:])}</w:t></w:r>"
    return f"<w:r><w:t xml:space='preserve'>{escape(text)}</w:t></w:r>" if text else ""


def _tc(colspan: int, merge: str | None, paragraph: str) -> str:
    props = (f"<w:gridSpan w:val='{colspan}'/>" if colspan > 1 else "") + (merge or "")
    return f"<w:tc>{f'<w:tcPr>{props}</w:tcPr>' if props else ''}<w:p>{paragraph}</w:p></w:tc>"


def _table(grid: Grid, style: DocxStyle) -> str:
    label_w, value_w = _TWIPS_PER_COLUMN[grid.table]
    width = grid.width()
    labels = 1 if grid.table == "s2" else 3 if grid.table == "s3" else 0
    columns = "".join(f"<w:gridCol w:w='{label_w if i < labels else value_w}'/>" for i in range(width))
    rows = []
    for row in range(grid.height):
        cells = []
        col = 0
        while col < width:
            hit = grid.covering(row, col)
            if hit is None:
                cells.append(_tc(1, None, ""))
                col += 1
                continue
            (r0, c0), cell = hit
            if r0 == row:
                merge = "<w:vMerge w:val='restart'/>" if cell.rowspan > 1 else None
                cells.append(_tc(cell.colspan, merge, _runs(cell, style)))
            else:
                cells.append(_tc(cell.colspan, "<w:vMerge/>", ""))
            col = c0 + cell.colspan
        rows.append("<w:tr>" + "".join(cells) + "</w:tr>")
    return (
        f"<w:tbl {_NS}><w:tblPr><w:tblStyle w:val='TableGrid'/><w:tblW w:w='0' w:type='auto'/></w:tblPr>"
        f"<w:tblGrid>{columns}</w:tblGrid>{''.join(rows)}</w:tbl>"
    )
