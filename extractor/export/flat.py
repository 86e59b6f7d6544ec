"""A table of named columns as a file: CSV, JSON lines, Parquet or XLSX, streamed row by row and
put in place only once complete (`atomic`), every text a spreadsheet would run as a formula
made inert (`formulas`). What the panel and the codebook are written with.

CSV is UTF-8 with a byte-order mark (Excel opens the Chinese as it is). Parquet takes each
column's type from `types` (text otherwise) and is written in row groups. XLSX has its header
frozen, an autofilter, widths fitted to the first rows, and continues on a new sheet
("panel (2)") past the 1,048,576 rows a sheet holds.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator, Mapping
from itertools import chain, islice
from pathlib import Path
from typing import Any

from .atomic import staged
from .formulas import as_text, csv_row, risky

FORMATS = ("csv", "jsonl", "parquet", "xlsx")
ROW_GROUP = 20_000
SHEET_ROWS = 1_048_576 - 1  # a sheet's rows, less its header
WIDTH_FROM = 200  # rows whose texts size the columns


def write(rows: Iterable[dict[str, Any]], columns: tuple[str, ...], out: str | Path, fmt: str, *,
          types: Mapping[str, str] | None = None, sheet: str = "table") -> int:  # fmt: skip
    """Write `rows` to `out` in `fmt`; returns how many. `types`: a column's Parquet type
    (`int32`, `float64`, `bool`), text otherwise."""
    writer = {"csv": _csv, "jsonl": _jsonl, "parquet": _parquet, "xlsx": _xlsx}[fmt]
    with staged() as files:
        return writer(rows, columns, files.path(out), dict(types or {}), sheet)


def _csv(rows: Iterable[dict[str, Any]], columns: tuple[str, ...], out: Path, types: dict[str, str], sheet: str) -> int:
    return csv_file(rows, columns, out)


def csv_file(rows: Iterable[dict[str, Any]], columns: tuple[str, ...], out: str | Path) -> int:
    """UTF-8 with a byte-order mark, so that Excel opens the Chinese as it is; formulas made inert."""
    n = 0
    with open(out, "w", encoding="utf-8-sig", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            writer.writerow(csv_row(row))
            n += 1
    return n


def _jsonl(rows: Iterable[dict[str, Any]], columns: tuple[str, ...], out: Path, types: dict[str, str], sheet: str) -> int:
    n = 0
    with open(out, "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps({c: row.get(c) for c in columns}, ensure_ascii=False) + "\n")
            n += 1
    return n


def _chunks(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    it = iter(rows)
    while chunk := list(islice(it, size)):
        yield chunk


def _parquet(rows: Iterable[dict[str, Any]], columns: tuple[str, ...], out: Path, types: dict[str, str], sheet: str) -> int:
    return parquet_file(rows, columns, out, types)


def parquet_file(rows: Iterable[dict[str, Any]], columns: tuple[str, ...], out: str | Path, types: Mapping[str, str]) -> int:
    """In row groups of `ROW_GROUP`, each column of its type in `types` (text otherwise)."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        from ..errors import ConfigError

        raise ConfigError("the Parquet export needs pyarrow: pip install 'gov-report-extractor[export]'") from None
    known = {"int32": pa.int32(), "float64": pa.float64(), "bool": pa.bool_()}
    schema = pa.schema([(c, known[types[c]] if c in types else pa.string()) for c in columns])
    n = 0
    with pq.ParquetWriter(str(out), schema) as writer:
        for group in _chunks(rows, ROW_GROUP):
            writer.write_table(pa.Table.from_pylist(group, schema=schema))
            n += len(group)
    return n


def _column_letter(i: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(i)


def _xlsx(rows: Iterable[dict[str, Any]], columns: tuple[str, ...], out: Path, types: dict[str, str], sheet: str) -> int:
    try:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font
    except ImportError:
        from ..errors import ConfigError

        raise ConfigError("the XLSX export needs openpyxl: pip install 'gov-report-extractor[export]'") from None
    book = Workbook(write_only=True)
    it = iter(rows)
    first = list(islice(it, WIDTH_FROM))  # only these are held: they size the columns
    widths = [min(60, 2 + 1.6 * max([len(c), *(len(str(r.get(c) or "")) for r in first)])) for c in columns]
    last = _column_letter(len(columns))
    ws, n, on_sheet, part = None, 0, 0, 0
    for row in chain(first, it):
        if ws is None or on_sheet == SHEET_ROWS:
            if ws is not None:
                ws.auto_filter.ref = f"A1:{last}{on_sheet + 1}"
            part += 1
            ws, on_sheet = _sheet(book, sheet if part == 1 else f"{sheet} ({part})", columns, widths, WriteOnlyCell, Font), 0
        ws.append([_xlsx_cell(ws, row.get(c), WriteOnlyCell) for c in columns])
        n += 1
        on_sheet += 1
    if ws is None:  # an empty table is still a workbook with its header
        ws = _sheet(book, sheet, columns, widths, WriteOnlyCell, Font)
    ws.auto_filter.ref = f"A1:{last}{on_sheet + 1}"
    book.save(out)
    return n


def _sheet(book: Any, title: str, columns: tuple[str, ...], widths: list[float], make: Any, font: Any) -> Any:
    """A new sheet: its header frozen, its widths set (a streamed sheet writes them before any row)."""
    ws = book.create_sheet(title)
    ws.freeze_panes = "A2"
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[_column_letter(i)].width = width
    header = []
    for c in columns:
        cell = make(ws, value=c)
        cell.font = font(bold=True)
        header.append(cell)
    ws.append(header)
    return ws


def _xlsx_cell(ws: Any, value: Any, make: Any) -> Any:
    if not risky(value):
        return value
    cell = make(ws, value=value)
    as_text(cell)
    return cell
