"""Renderers: a `Document` written the way real sources flatten it.

Each renderer turns the one document model into the bytes of a file, named with the suffix
the loader sniffs, and says how each data row's values came out (`Rendered.runs`: the
stretches of value text between visible boundaries). Where every cell keeps its boundary a
run is one cell; where cells are written together it is whatever stayed apart, which is all
the reader can go by, so the expectations (`expect.py`) are computed from it.

The text flattenings here are those seen in real reports (see golden/README.md):

* `cell_lines`: one cell per tab-prefixed line, a blank line after each row, an empty tab
  line where a rowspan covers the row (SPEC V1);
* `vertical`: the same, with narrow headers and group labels broken one character or word
  per line (V3);
* `blank_separated`: one cell per line and a blank line after every cell, empty and covered
  cells left out (V2);
* `markdown`: pipe tables whose merged cells shift the value columns, rows sliding left,
  table 三 split in two at a page break (V4);
* `tab_rows`: one row per line, tab-separated, with the same shifts (V5);
* `concatenated`: the page text of a web dump, cells written together with no separator,
  a space surviving here and there.

All but `concatenated` sometimes write large counts with thousands separators ("447,228").
When the source was paged (`Document.paged`), the flattenings of a PDF carry a page number
into the middle of table 三 ("- 4 -", "第 4 页": SPEC V6).

`crawler` is `concatenated` drawn from 2019 reports whose item rows have real magnitudes, so
signed and unsigned changes run into the counts around them.

The machine conversions to markdown (`md_sections`, `md_floating`) are in `machine.py`, the file
formats (HTML, DOCX, PDF) in `files.py`, behind the same protocol: `render(doc, draw) ->
Rendered`; `renderers.py` lists them all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from .document import Document, Grid, GridCell, Heading, Paragraph
from .draw import Draw


@dataclass
class Rendered:
    renderer: str
    name: str  # a file name whose suffix tells the loader the format
    data: bytes
    runs: dict[str, list[str]] = field(default_factory=dict)  # data row → value text between boundaries
    encoding: str | None = "utf-8"  # of a text format; None for a binary one (DOCX, PDF)
    # Data rows whose values the fields do not place: empty fields on both sides of them, more
    # than the row's blank cells, so a blank first cell and a blank last one read the same.
    unsettled: set[str] = field(default_factory=set)

    @property
    def text(self) -> str:
        if self.encoding is None:
            raise ValueError(f"{self.name} is a binary file: load it to see its text")
        return self.data.decode(self.encoding)


class Renderer(Protocol):
    name: str
    suffix: str
    keeps_cell_boundaries: bool  # False: values written together, digits may have to be split
    # False: an empty cell leaves no trace (no line, field or box), so a row with one is short
    shows_empty_cells: bool

    def render(self, doc: Document, d: Draw) -> Rendered: ...


def cell_runs(grid: Grid) -> dict[str, list[str]]:
    """One run per value cell, for formats that keep every cell boundary."""
    out: dict[str, list[str]] = {}
    for row, name in grid.data_rows.items():
        out[name] = [c.text for _, c in grid.origins(row) if c.role == "value" and c.text]
    return out


def _all_runs(doc: Document, runs_of: Callable[[Grid], dict[str, list[str]]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for b in doc.blocks:
        if isinstance(b, Grid):
            out |= runs_of(b)
    return out


def all_cell_runs(doc: Document) -> dict[str, list[str]]:
    return _all_runs(doc, cell_runs)


def _head(doc: Document) -> list[str]:
    return [doc.title, *doc.meta]


_PAGE_NUMBERS = ("- {n} -", "— {n} —", "-{n}-", "第 {n} 页", "第{n}页 共{m}页")


def page_number(d: Draw) -> str:
    n = d.integer(2, 9)
    return d.choice(_PAGE_NUMBERS).format(n=n, m=n + d.integer(1, 4))


def page_break_row(grid: Grid, d: Draw) -> int | None:
    """The row of table 三 a page break puts at the top of the next page (None: no break)."""
    if grid.table != "s3":
        return None
    return d.choice(sorted(r for r in grid.data_rows if r > min(grid.data_rows)))


def _grouped(text: str) -> str:
    """A count of four digits or more with thousands separators ("447,228", SPEC §8.3)."""
    return f"{int(text):,}" if text.isdigit() and len(text) >= 4 else text


# --- one cell per line ---------------------------------------------------------------------------


@dataclass
class CellLines:
    """Spec V1 (`vertical=False`) and V3 (`vertical=True`)."""

    vertical: bool = False
    suffix: str = ".txt"
    keeps_cell_boundaries: bool = True
    shows_empty_cells: bool = True

    @property
    def name(self) -> str:
        return "vertical" if self.vertical else "cell_lines"

    def _text(self, cell: GridCell, wrap_headers: bool, grid: Grid, grouped: bool) -> str:
        if cell.wrapped and (self.vertical if grid.table != "s2" else wrap_headers):
            return cell.wrapped
        return _grouped(cell.text) if grouped and cell.role == "value" else cell.text

    def render(self, doc: Document, d: Draw) -> Rendered:
        wrap_headers = d.chance(0.5)
        grouped = d.chance(0.2)
        nbsp = d.chance(0.3)  # "\u00a00" as the first value of each 三 row, as in one real dump
        lines = _head(doc) + [""]
        for b in doc.blocks:
            if isinstance(b, (Heading, Paragraph)):
                lines.append(b.text)
                continue
            cut = page_break_row(b, d) if doc.paged else None
            for row in range(b.height):
                if row == cut:
                    lines += [page_number(d), ""]
                first_value = True
                for kind, cell in b.slots(row):
                    if kind == "origin" and cell is not None:
                        text = self._text(cell, wrap_headers, b, grouped)
                        if cell.role == "value" and first_value and nbsp and b.table == "s3":
                            text = "\u00a0" + text
                        first_value = first_value and cell.role != "value"
                        lines.append("\t" + text)
                    elif kind == "row_covered":
                        lines.append("\t")
                lines.append("")
            lines.append("")
        return Rendered(self.name, f"doc{self.suffix}", "\n".join(lines).encode(), _all_runs(doc, cell_runs))


@dataclass
class BlankSeparated:
    """Spec V2: one cell per line, a blank line after every cell; no trace of empty cells."""

    name: str = "blank_separated"
    suffix: str = ".txt"
    keeps_cell_boundaries: bool = True
    shows_empty_cells: bool = False

    def render(self, doc: Document, d: Draw) -> Rendered:
        grouped = d.chance(0.2)
        lines: list[str] = []
        for text in _head(doc):
            lines += [text, ""]
        for b in doc.blocks:
            if isinstance(b, (Heading, Paragraph)):
                lines += [b.text, ""]
                continue
            cut = page_break_row(b, d) if doc.paged else None
            for row in range(b.height):
                if row == cut:
                    lines += [page_number(d), ""]
                for _, cell in b.origins(row):
                    if cell.text:
                        text = _grouped(cell.text) if grouped and cell.role == "value" else cell.text
                        lines += [text.replace("\n", ""), ""]
        return Rendered(self.name, f"doc{self.suffix}", "\n".join(lines).encode(), _all_runs(doc, cell_runs))


# --- rows of fields: markdown and tab-separated ----------------------------------------------------


def row_fields(grid: Grid, row: int, *, collapse: bool, slide: bool, text: Callable[[GridCell], str]) -> list[str]:
    """A grid row as a converter writes it: `collapse` drops the padding of colspans, `slide`
    drops the empty fields a rowspan leaves at the start, so the row's values move left."""
    out: list[str] = []
    for kind, cell in grid.slots(row):
        if kind == "origin" and cell is not None:
            out.append(text(cell))
            if not collapse:
                out += [""] * (cell.colspan - 1)
        elif kind == "row_covered" and cell is not None:
            if slide and not any(out):
                continue
            out += [""] * (1 if collapse else cell.colspan)
        else:
            out.append("")
    return out


def unsettled_rows(grid: Grid, rows: list[list[str]], text: Callable[[GridCell], str]) -> set[str]:
    """Table-三 rows whose printed fields leave their values more than one place: after the
    label come the row's cells, padding of merged cells possibly before and after them."""
    out: set[str] = set()
    if grid.table != "s3":
        return out
    for r, name in grid.data_rows.items():
        origins = [c for _, c in grid.origins(r)]
        label = [c for c in origins if c.role == "label"][-1]
        n = sum(1 for c in origins if c.role == "value")
        fields = rows[r]
        after = fields[max(i for i, f in enumerate(fields) if f == text(label)) + 1 :]
        printed = [i for i, f in enumerate(after) if f]
        if not printed:
            continue  # every cell blank: the row's blanks, whichever empty fields they are
        first, last = printed[0], printed[-1]
        places = [s for s in range(len(after) - n + 1) if s <= first and last < s + n]
        if len(places) > 1:
            out.add(name)
    return out


def _grid_rows(grid: Grid, d: Draw, text: Callable[[GridCell], str]) -> list[list[str]]:
    collapse = d.chance(0.5)
    rows = [row_fields(grid, r, collapse=collapse, slide=d.chance(0.2), text=text) for r in range(grid.height)]
    width = max(len(r) for r in rows)
    return [r + [""] * (width - len(r)) for r in rows]


def _pipe(fields: list[str]) -> str:
    return "| " + " | ".join(fields) + " |"


def _rule(width: int) -> str:
    return "|" + "|".join(["---"] * width) + "|"


@dataclass
class Markdown:
    """Spec V4: pipe tables from a PDF converter; table 三 may break in two at a page break."""

    name: str = "markdown"
    suffix: str = ".md"
    keeps_cell_boundaries: bool = True
    shows_empty_cells: bool = True

    def render(self, doc: Document, d: Draw) -> Rendered:
        br = d.chance(0.5)
        grouped = d.chance(0.2)

        def text(cell: GridCell) -> str:
            if cell.lines:
                return cell.lines.replace("\n", "<br>")
            if cell.wrapped and br and cell.role == "label":
                return cell.wrapped.replace("\n", "<br>")
            return _grouped(cell.text) if grouped and cell.role == "value" else cell.text

        lines = ["# " + doc.title, *doc.meta, ""]
        unsettled: set[str] = set()
        for b in doc.blocks:
            if isinstance(b, Heading):
                lines += [d.choice(("## ", "### ", "#### ", "")) + b.text, ""]
            elif isinstance(b, Paragraph):
                lines += [b.text, ""]
            else:
                rows = _grid_rows(b, d, text)
                unsettled |= unsettled_rows(b, rows, text)
                cut = page_break_row(b, d) if doc.paged or d.chance(0.6) else None
                lines += [_pipe(rows[0]), _rule(len(rows[0]))]
                for r, fields in enumerate(rows[1:], start=1):
                    if r == cut:
                        lines += ["", page_number(d) if doc.paged else "", "", _pipe([""] * len(fields)), _rule(len(fields))]
                    lines.append(_pipe(fields))
                lines.append("")
        data = "\n".join(lines).encode()
        return Rendered(self.name, f"doc{self.suffix}", data, _all_runs(doc, cell_runs), unsettled=unsettled)


@dataclass
class TabRows:
    """Spec V5: one grid row per line, fields separated by tabs, spaced header labels."""

    name: str = "tab_rows"
    suffix: str = ".txt"
    keeps_cell_boundaries: bool = True
    shows_empty_cells: bool = True

    def render(self, doc: Document, d: Draw) -> Rendered:
        spaced = d.chance(0.5)
        grouped = d.chance(0.2)

        def text(cell: GridCell) -> str:
            if spaced and cell.role == "header" and len(cell.text) == 4:
                return cell.text[:2] + " " + cell.text[2:]  # "结果 维持"
            return _grouped(cell.text) if grouped and cell.role == "value" else cell.text

        lines = [*_head(doc), ""]
        unsettled: set[str] = set()
        for b in doc.blocks:
            if isinstance(b, (Heading, Paragraph)):
                lines += [b.text, ""]
            else:
                fields = _grid_rows(b, d, text)
                unsettled |= unsettled_rows(b, fields, text)
                rows = ["\t".join(f) for f in fields]
                cut = page_break_row(b, d) if doc.paged else None
                if cut is not None:
                    rows[cut:cut] = ["", page_number(d), ""]
                lines += rows + [""]
        data = "\n".join(lines).encode()
        return Rendered(self.name, f"doc{self.suffix}", data, _all_runs(doc, cell_runs), unsettled=unsettled)


# --- cells written together ------------------------------------------------------------------------


@dataclass
class Concatenated:
    """A web page dumped as text: the body is one line and table cells run together.

    Now and then a space survives between two cells (as in one real dump); a unit keeps no
    space before it, so it stays with its number.
    """

    name: str = "concatenated"
    suffix: str = ".txt"
    keeps_cell_boundaries: bool = False
    shows_empty_cells: bool = False

    def render(self, doc: Document, d: Draw) -> Rendered:
        p_space = d.choice((0.0, 0.0, 0.3))
        parts: list[str] = []
        runs: dict[str, list[str]] = {}
        for b in doc.blocks:
            if isinstance(b, (Heading, Paragraph)):
                parts.append(b.text + d.choice(("", " ")))
                continue
            for row in range(b.height):
                run: list[str] = []
                glued = False
                for _, cell in b.origins(row):
                    text = cell.text.replace("\n", "").replace(" 元", "元")
                    if not text:
                        continue
                    sep = " " if d.chance(p_space) else ""
                    parts.append(sep + text)
                    if cell.role == "value":
                        if run and glued and not sep:
                            run[-1] += text
                        else:
                            run.append(text)
                        glued = True
                    else:
                        glued = False
                if row in b.data_rows:
                    runs[b.data_rows[row]] = run
        lines = [f"标题: {doc.title}", *doc.meta, "=" * 20 + " 正文 " + "=" * 20, "".join(parts)]
        return Rendered(self.name, f"doc{self.suffix}", "\n".join(lines).encode(), runs)


@dataclass
class Crawler(Concatenated):
    """A crawler's dump of a 2019 report (SPEC §2.1): the same page text with cells run
    together, drawn from reports whose 上一年项目数量 · 本年增/减 · 处理决定数量 rows have the
    magnitudes of real ones, so a signed change sits between two counts ("2648-18538") or an
    unsigned one runs into them ("396442278"). Nothing in table 二 tells where its digits part:
    every cut the characters allow is a reading, and the document cannot be verified."""

    name: str = "crawler"
    items: bool = True  # make_case draws the report with `random_report(..., items=True)`


TEXT_RENDERERS: dict[str, Renderer] = {
    r.name: r
    for r in (CellLines(), CellLines(vertical=True), BlankSeparated(), Markdown(), TabRows(), Concatenated(), Crawler())
}
