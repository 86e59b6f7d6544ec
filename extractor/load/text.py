"""Plain text and Markdown: decode (the encoding is detected, not assumed) and cut lines into cells.

A markdown pipe row is a grid row; a line with tabs is a row of tab-separated cells (a leading
tab only marks the start of a cell, as in one-cell-per-line dumps); any other line is one cell.
A line that is only a marked page number ("- 4 -", "第 4 页"), left by a conversion from PDF in
the middle of a table (SPEC V6), is page furniture, not text: it reads as an empty line.
"""

from __future__ import annotations

import codecs
import re

from .document import Cell, Location, Row
from .errors import LoadError
from .pagemarks import is_marked_page_number

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_PIPE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
# Converters also write rules between body rows; a rule of three dashes or more is one anywhere,
# while "| -- | -- |" after the second line is a row of placeholder cells (SPEC §8.3).
_LONG_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


def decode(path: str, data: bytes) -> tuple[str, str]:
    """Bytes → (text, encoding name). Raises LoadError for empty, binary or undecodable files."""
    if not data.strip():
        raise LoadError(path, "empty file")
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return _check_text(path, data.decode(name)), name
            except UnicodeDecodeError as e:
                raise LoadError(path, f"starts with a {name} byte-order mark but does not decode: {e.reason}") from None
    if b"\x00" in data:
        text = _try_utf16_without_bom(data)
        if text is None:
            raise LoadError(path, "binary file, not text (contains NUL bytes)")
        return _check_text(path, text), "utf-16"
    try:
        return _check_text(path, data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError:
        pass
    # GB18030 decodes almost any bytes: a Big5 or Shift-JIS file comes out as private-use
    # characters and C1 controls, which no report prints. Such a reading is not taken.
    try:
        text = data.decode("gb18030")
        if _plausible(text):
            return _check_text(path, text), "gb18030"
    except UnicodeDecodeError:
        pass
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
    except ImportError:  # pragma: no cover - charset-normalizer is a dependency
        best = None
    if best is None or not _plausible(str(best)):
        raise LoadError(path, "cannot decode: not UTF-8, UTF-16 or GB18030, and no other encoding fits")
    return _check_text(path, str(best)), best.encoding


def _try_utf16_without_bom(data: bytes) -> str | None:
    if len(data) % 2:
        return None
    for name in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        if _control_ratio(text) < 0.01:
            return text
    return None


def _plausible(text: str) -> bool:
    """Fewer than 1% private-use characters, C1 controls or replacement characters."""
    odd = sum(1 for ch in text if "\ue000" <= ch <= "\uf8ff" or "\x80" <= ch <= "\x9f" or ch == "\ufffd")
    return odd < 0.01 * max(1, len(text))


def _control_ratio(text: str) -> float:
    bad = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f")
    return bad / max(1, len(text))


def _check_text(path: str, text: str) -> str:
    if _control_ratio(text) >= 0.01:
        raise LoadError(path, "binary file, not text (control characters throughout)")
    return text


def split_line(line: str, line_no: int, table_index: int | None, row_index: int | None) -> Row:
    """Cut one line into cells, each located by line number and character span."""
    if table_index is not None and _PIPE_ROW.match(line):
        return _pipe_row(line, line_no, table_index, row_index or 0)
    if "\t" not in line:
        if not line.strip():
            return Row([])
        return Row([Cell(line, Location(line=line_no, span=(0, len(line))))])
    cells: list[Cell] = []
    start = 0
    parts = line.split("\t")
    for i, part in enumerate(parts):
        end = start + len(part)
        # In "\tvalue" (one cell per line) the leading tab marks where the cell starts; in a
        # row of several fields it ends an empty first field (SPEC V5: merged cells at the start).
        if not (i == 0 and part == "" and len(parts) == 2):
            cells.append(Cell(part, Location(line=line_no, span=(start, end), column=i)))
        start = end + 1
    return Row(cells, grid=len(cells) > 1)


def _pipe_row(line: str, line_no: int, table_index: int, row_index: int) -> Row:
    first = line.index("|")
    last = line.rindex("|")
    cells: list[Cell] = []
    start = first + 1
    column = 0
    while start <= last:
        end = line.find("|", start)
        if end == -1 or end > last:
            break
        raw = line[start:end]
        lead = len(raw) - len(raw.lstrip())
        text = raw.strip()
        cells.append(
            Cell(
                text,
                Location(
                    line=line_no,
                    span=(start + lead, start + lead + len(text)),
                    table=table_index,
                    row=row_index,
                    column=column,
                ),
            )
        )
        column += 1
        start = end + 1
    return Row(cells, grid=True)


_CELL_LINE = re.compile(r"^\t[^\t]*$")
_PAGE_NUMBER_MAX = 24  # no page number is longer; a cheap test before the pattern
# A wrapped header or a vertical label continues its cell on the next line without a tab:
# "本年新 / 制作数量", "自 / 然 / 人", "（三） / 不予 / 公开". Headings and prose are longer.
_CONTINUATION_MAX = 12


def _cell_per_line_groups(lines: list[str]) -> dict[int, int]:
    """Map the first line of each cell-per-line row group to the index after its last line.

    In these dumps every cell is a tab-prefixed line and a row is the group of consecutive
    such lines (SPEC V1); a blank line ends the row.
    """
    groups: dict[int, int] = {}
    i = 0
    while i < len(lines):
        if not _CELL_LINE.match(lines[i]):
            i += 1
            continue
        j = i + 1
        while j < len(lines) and (
            _CELL_LINE.match(lines[j])
            or (lines[j].strip() and "\t" not in lines[j] and len(lines[j].strip()) <= _CONTINUATION_MAX)
        ):
            j += 1
        if sum(1 for k in range(i, j) if _CELL_LINE.match(lines[k])) >= 2:
            groups[i] = j
        i = j
    return groups


def _group_row(lines: list[str], start: int, end: int) -> Row:
    cells: list[Cell] = []
    for k in range(start, end):
        line = lines[k]
        if _CELL_LINE.match(line):
            text = line[1:]
            cells.append(Cell(text, Location(line=k + 1, span=(1, len(line)), column=len(cells))))
        else:
            prev = cells[-1]
            loc = Location(line=prev.loc.line, span=prev.loc.span, column=prev.loc.column, line_end=k + 1)
            cells[-1] = Cell(prev.text + "\n" + line, loc)
    return Row(cells, grid=True)


def text_rows(text: str) -> list[Row]:
    """Every line as a row; consecutive markdown pipe rows are numbered as one table, and
    groups of tab-prefixed one-cell lines become one row each."""
    rows: list[Row] = []
    table_index = -1
    row_index = 0
    in_table = False
    ruled = False
    lines = ["" if len(line) <= _PAGE_NUMBER_MAX and is_marked_page_number(line) else line for line in text.splitlines()]
    groups = _cell_per_line_groups(lines)
    skip_to = 0
    for line_no, line in enumerate(lines, start=1):
        if line_no - 1 < skip_to:
            continue
        if line_no - 1 in groups:
            skip_to = groups[line_no - 1]
            rows.append(_group_row(lines, line_no - 1, skip_to))
            in_table = False
            continue
        if _PIPE_ROW.match(line):
            if not in_table:
                table_index += 1
                row_index = 0
                in_table = True
                ruled = False
            # Only the line under the header is the table's rule: a row of "--" right below it
            # is the first body row, of placeholders.
            if _PIPE_RULE.match(line) and ((row_index == 1 and not ruled) or _LONG_RULE.match(line)):
                ruled = ruled or row_index == 1
                continue
            rows.append(split_line(line, line_no, table_index, row_index))
            row_index += 1
            continue
        in_table = False
        rows.append(split_line(line, line_no, None, None))
    return rows
