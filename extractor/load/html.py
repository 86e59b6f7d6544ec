"""HTML (saved web pages): data tables as grids, everything else as lines of text.

The markup is parsed by lxml (libxml2's HTML parser), which repairs the unclosed tags, stray
`</td>`s and misnested `<p>`s of real government pages the way browsers do; a hand-written
parser would have to relearn all of that. On top of it this module only decides what is a row:

* a `<table>` with no table inside it, at least two columns and short cells is a data table:
  each `<tr>` is a grid row, rowspan/colspan expanded and the copies marked (`grid.expand`);
* a table holding other tables, a single column, or a cell with a page's worth of text, is page
  layout: its cells are read as blocks of text, like `<div>`s;
* outside data tables, block elements and `<br>` end a line; inline elements run together, so a
  number split over `<span>`s ("3<span>119</span>") is one number.

Scripts, styles and elements hidden with an inline `display:none` are not text. `&nbsp;` is a
space, so a cell holding only `&nbsp;` is an empty cell.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from typing import Any

from ..limits import DEFAULT, Limits
from .budget import Tally, check_markup
from .document import Cell, Document, Location, Row
from .errors import LoadError
from .grid import SourceCell, expand, positions, to_rows
from .text import decode

_SKIP = {"script", "style", "noscript", "template", "head", "title", "iframe", "object", "svg", "select", "button"}
_BLOCK = {
    "address", "article", "aside", "blockquote", "center", "dd", "details", "dialog", "dir", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
    "li", "main", "menu", "nav", "ol", "p", "pre", "section", "summary", "ul", "caption", "tr", "td", "th",
    "tbody", "thead", "tfoot", "table", "body", "html",
}  # fmt: skip
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
# Collapsible white space (HTML's rule): not NBSP, which the page meant as a visible space.
_WS = re.compile(r"[ \t\n\r\f]+")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
# Encodings pages declare that a wider one reads correctly (GB2312 pages often hold GBK characters).
_WIDER = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030", "cp936": "gb18030"}


def decode_html(name: str, data: bytes) -> tuple[str, str]:
    """Bytes → (text, encoding): a BOM, then valid UTF-8, then the declared charset, then detection.

    Valid UTF-8 wins over a declaration, because pages re-saved by an editor keep their old
    `<meta charset=gb2312>`; the declaration decides only between legacy encodings.
    """
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode(name, data)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    m = _META_CHARSET.search(data[:8192])
    if m:
        declared = m.group(1).decode("ascii").lower()
        encoding = _WIDER.get(declared, declared)
        try:
            return data.decode(encoding), encoding
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong or unknown declaration: detect instead
    return decode(name, data)


def read_html(name: str, data: bytes, sha256: str, *, limits: Limits = DEFAULT) -> Document:
    import lxml.html
    from lxml import etree

    check_markup(limits, name, data)  # before the parser holds a node for every tag
    text, encoding = decode_html(name, data)
    text = _XML_DECL.sub("", text, count=1)  # lxml refuses a str that declares its encoding
    if not text.strip():
        raise LoadError(name, "empty file")
    try:
        root = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as e:
        raise LoadError(name, f"not a readable HTML page ({e})") from None
    walker = _Walker(Tally(limits, name))
    walker.walk(root)
    walker.flush()
    return Document(path=name, format="html", sha256=sha256, rows=walker.rows, encoding=encoding)


@dataclass
class _Walker:
    tally: Tally | None = None  # the document's budget; None for a cell's own text
    rows: list[Row] = field(default_factory=list)
    tables: int = 0
    parts: list[str] = field(default_factory=list)  # the current line's text pieces
    line: int | None = None  # the source line where the current line starts

    def walk(self, el: Any) -> None:
        tag = el.tag if isinstance(el.tag, str) else None
        if tag is None:  # a comment or a processing instruction
            self.text(el.tail, el)
            return
        tag = tag.lower()
        if tag in _SKIP or _HIDDEN.search(el.get("style") or ""):
            self.text(el.tail, el)
            return
        if tag == "table" and _is_data_table(el):
            self.flush()
            self.rows.extend(_table_rows(el, self.tables, self.tally))
            self.tables += 1
            self.text(el.tail, el)
            return
        block = tag in _BLOCK
        if block or tag == "br":
            self.flush()
        if tag == "pre":
            self._pre(el)
        else:
            self.text(el.text, el)
            for child in el:
                self.walk(child)
        if block:
            self.flush()
        self.text(el.tail, el)

    def text(self, s: str | None, el: Any) -> None:
        if not s:
            return
        if self.line is None and s.strip(" \t\n\r\f"):
            self.line = el.sourceline
        self.parts.append(s)

    def _pre(self, el: Any) -> None:
        for i, line in enumerate(el.text_content().splitlines()):
            self.parts.append(line)
            self.line = el.sourceline + i if el.sourceline else None
            self.flush(keep_space=True)

    def flush(self, keep_space: bool = False) -> None:
        raw = "".join(self.parts)
        text = raw.strip(" \t\n\r\f") if keep_space else _WS.sub(" ", raw).strip(" ")
        if text.strip():
            if self.tally is not None:
                self.tally.row(len(text))
            self.rows.append(Row([Cell(text, Location(line=self.line, span=None))]))
        self.parts = []
        self.line = None


# No cell of the report's tables holds more text than this; a cell that does is a page column.
MAX_CELL_CHARS = 200


def _is_data_table(table: Any) -> bool:
    """A table of data, not of page layout: no table inside it, two columns or more, and no
    cell holding a page's worth of text."""
    if any(True for _ in table.iterdescendants("table")):
        return False
    rows = _rows(table)
    if max((len(_cells(tr)) for tr in rows), default=0) < 2:
        return False
    return all(len(td.text_content()) <= MAX_CELL_CHARS for tr in rows for td in _cells(tr))


def _rows(table: Any) -> list[Any]:
    """The table's own rows: direct, or inside thead/tbody/tfoot."""
    out = []
    for child in table:
        tag = child.tag.lower() if isinstance(child.tag, str) else ""
        if tag == "tr":
            out.append(child)
        elif tag in ("thead", "tbody", "tfoot"):
            out.extend(c for c in child if isinstance(c.tag, str) and c.tag.lower() == "tr")
    return out


def _cells(tr: Any) -> list[Any]:
    return [c for c in tr if isinstance(c.tag, str) and c.tag.lower() in ("td", "th")]


def _span(value: str | None) -> int:
    m = re.match(r"\s*(\d+)", value or "")
    return int(m.group(1)) if m and int(m.group(1)) > 0 else 1


def _table_rows(table: Any, index: int, tally: Tally | None) -> list[Row]:
    source = [
        [SourceCell(cell_text(td), _span(td.get("colspan")), _span(td.get("rowspan"))) for td in _cells(tr)]
        for tr in _rows(table)
    ]
    if tally is not None:  # counted before the merged cells are laid out, which may multiply them
        tally.rows(len(source), positions(source))
    return to_rows(expand(source), index)


def cell_text(el: Any) -> str:
    """A cell's text as rendered: inline pieces joined, blocks and <br> on their own lines."""
    walker = _Walker()
    walker.text(el.text, el)
    for child in el:
        walker.walk(child)
    walker.flush()
    return "\n".join(c.text for r in walker.rows for c in r.cells)
