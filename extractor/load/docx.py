"""DOCX (Word): body paragraphs and tables in document order, merged cells expanded.

python-docx opens the package and parses its XML; the text is then read from the elements
directly, because python-docx's own `text` skips runs wrapped in tracked insertions, smart tags
and content controls, which Word and WPS files are full of. Each table row is laid on the
table's grid: `w:gridBefore` leaves positions empty, `w:gridSpan` makes copies to the right,
and a `w:vMerge` continuation is a copy of the cell above (all marked `span_copy`).

Locations: a table cell has table, row and column; a paragraph's `line` is its number in the
body (1-based), its `span` the characters within that visual line.
"""

from __future__ import annotations

import zipfile
from io import BytesIO
from typing import Any

from ..limits import DEFAULT, Limits, OverLimit
from .budget import Tally, check_markup, read_capped
from .document import Document, Row
from .errors import LoadError
from .grid import MAX_SPAN, Placed, pad, to_rows
from .text import split_line

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
# Subtrees with no printed text of their own: properties (whose w:tab are tab stops), deletions,
# and the fallback copy of a drawing that the preferred copy already holds.
_NOT_TEXT = {f"{_W}pPr", f"{_W}rPr", f"{_W}tcPr", f"{_W}trPr", f"{_W}tblPr", f"{_W}del", f"{_W}moveFrom", _MC_FALLBACK}


def read_docx(name: str, data: bytes, sha256: str, *, limits: Limits = DEFAULT) -> Document:
    body = _body(name, _bounded(name, data, limits))
    doc = Document(path=name, format="docx", sha256=sha256)
    reader = _Reader(Tally(limits, name))
    reader.blocks(body)
    doc.rows = reader.rows
    return doc


_MAIN = "word/document.xml"


def _bounded(name: str, data: bytes, limits: Limits) -> bytes:
    """The package again, every part read as it decompresses and counted (all of them within
    the size limit, the document's markup within the line limit), stored uncompressed.

    python-docx reads a part in one call, which decompresses all of its data whatever size the
    part's header declares: a part claiming a kilobyte may hold a gigabyte. It is given only
    the parts as they were counted here."""
    out = BytesIO()
    total = 0
    try:
        with zipfile.ZipFile(BytesIO(data)) as package, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as clean:
            for info in package.infolist():
                if info.is_dir():
                    continue
                with package.open(info) as stream:
                    part = read_capped(stream, limits, name, room=limits.bytes - total)
                total += len(part)
                if info.filename == _MAIN:
                    check_markup(limits, name, part)
                clean.writestr(info.filename, part)
    except OverLimit:
        raise
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError) as e:
        why = "a part's checksum does not match its data" if "CRC" in str(e) else f"not a readable zip package ({e})"
        raise LoadError(name, f"damaged DOCX: {why}") from None
    return out.getvalue()


def _body(name: str, data: bytes) -> Any:
    import docx as python_docx
    from docx.opc.exceptions import PackageNotFoundError
    from lxml.etree import XMLSyntaxError

    try:
        return python_docx.Document(BytesIO(data)).element.body
    except zipfile.BadZipFile:
        raise LoadError(name, "damaged DOCX: not a readable zip package") from None
    except (PackageNotFoundError, KeyError, ValueError):
        raise LoadError(name, "not a Word document: the package lacks [Content_Types].xml or word/document.xml") from None
    except XMLSyntaxError as e:
        raise LoadError(name, f"damaged DOCX: broken XML ({e.msg})") from None
    except Exception as e:  # noqa: BLE001 - only python-docx runs here: a malformed package
        raise LoadError(name, f"damaged DOCX: the package cannot be opened ({type(e).__name__})") from None


class _Reader:
    def __init__(self, tally: Tally) -> None:
        self.tally = tally
        self.rows: list[Row] = []
        self.paragraphs = 0
        self.tables = 0

    def blocks(self, parent: Any) -> None:
        for child in parent:
            tag = child.tag
            if tag == f"{_W}p":
                self.paragraphs += 1
                for line in paragraph_text(child).split("\n"):
                    row = split_line(line, self.paragraphs, None, None)
                    if row.cells:
                        self.tally.row(len(line))
                        self.rows.append(row)
            elif tag == f"{_W}tbl":
                grid = table_grid(child)
                self.tally.rows(len(grid), sum(len(r) + sum(len(s[0]) for s in r if s) for r in grid))
                if _is_layout(grid):  # a frame around the text: read what is inside it
                    for tr in child.iterchildren(f"{_W}tr"):
                        for tc in tr.iterchildren(f"{_W}tc"):
                            self.blocks(tc)
                else:
                    self.rows.extend(to_rows(grid, self.tables))
                    self.tables += 1
            elif tag in (f"{_W}sdt", f"{_W}sdtContent", f"{_W}customXml"):
                self.blocks(child)  # content controls wrap paragraphs and tables


# No cell of the report's tables holds more text than this; a cell that does frames the page.
MAX_CELL_CHARS = 200


def _is_layout(grid: Placed) -> bool:
    """A table used as a frame: one column, or a cell holding a page's worth of text."""
    if max((len(r) for r in grid), default=0) < 2:
        return True
    return any(len(s[0]) > MAX_CELL_CHARS for r in grid for s in r if s is not None)


def paragraph_text(p: Any) -> str:
    out: list[str] = []
    _collect(p, out)
    return "".join(out)


def _collect(el: Any, out: list[str]) -> None:
    for child in el:
        tag = child.tag
        if tag in _NOT_TEXT:
            continue
        if tag == f"{_W}t":
            out.append(child.text or "")
        elif tag == f"{_W}tab":
            out.append("\t")
        elif tag in (f"{_W}br", f"{_W}cr"):
            out.append("\n")
        else:
            _collect(child, out)


def _cell_text(tc: Any) -> str:
    lines: list[str] = []
    for child in tc:
        if child.tag == f"{_W}p":
            lines.append(paragraph_text(child))
        elif child.tag == f"{_W}tbl":  # a table inside a cell: its rows as lines
            for row in table_grid(child):
                lines.append(" ".join(s[0] for s in row if s is not None and not s[1]))
    return "\n".join(lines).strip()


def table_grid(tbl: Any) -> Placed:
    grid: Placed = []
    for tr in tbl.iterchildren(f"{_W}tr"):
        row: list[tuple[str, bool] | None] = [None] * _int(tr, "gridBefore")
        above = grid[-1] if grid else []
        for tc in tr.iterchildren(f"{_W}tc"):
            span = max(1, _int(tc, "gridSpan"))
            col = len(row)
            if _continues(tc) and col < len(above) and above[col] is not None:
                text, first = above[col][0], False  # the merged cell started in a row above
            else:
                text, first = _cell_text(tc), True
            row.extend((text, not (first and k == 0)) for k in range(span))
        grid.append(row)
    return pad(grid)


def _props(el: Any) -> Any:
    return el.find(f"{_W}trPr") if el.tag == f"{_W}tr" else el.find(f"{_W}tcPr")


def _int(el: Any, prop: str) -> int:
    props = _props(el)
    node = props.find(f"{_W}{prop}") if props is not None else None
    try:
        value = int(node.get(f"{_W}val")) if node is not None else 0
    except (TypeError, ValueError):
        return 0
    return max(0, min(value, MAX_SPAN))  # a span of a million columns is a broken attribute


def _continues(tc: Any) -> bool:
    """A `w:vMerge` without val="restart" continues the cell above (its val defaults to continue)."""
    props = _props(tc)
    node = props.find(f"{_W}vMerge") if props is not None else None
    return node is not None and node.get(f"{_W}val", "continue") == "continue"
