"""The store as flat tables: CSV, JSON lines or Parquet, long or wide, written as read.

Long: one row per document and cell, with the document's hash, the template's table, row and
column labels, the value, its state and method, and whether a person corrected it (and who);
the documents' own columns (path, organ, year, template, status, reasons) in a second file
beside it, a row per document (`cells.csv` and `cells.documents.csv`), joined by `sha256`:
a document's reasons were repeated on each of its two hundred rows. Wide (`wide=True`): one
row per document, a column per key. Parquet has a typed
schema (counts and amounts as float64, which holds every count exactly; the year as int32;
`corrected` as a boolean) and is written in row groups of `ROW_GROUP` rows, so no more than
that is ever held. Every file is written under a temporary name beside its output and renamed
into place once the export is complete (`atomic`): a stopped export leaves neither.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from ..store import Store
from .atomic import staged
from .formulas import csv_row
from .rows import DOCUMENT_COLUMNS, WIDE_KEYS, columns, document_rows, long_rows, wide_rows

ROW_GROUP = 20_000


def rows(store: Store, wide: bool) -> Iterator[dict[str, Any]]:
    return wide_rows(store) if wide else long_rows(store)


def documents_file(out: str | Path) -> Path:
    """Where the long format's documents go: `cells.csv` → `cells.documents.csv`."""
    out = Path(out)
    return out.with_name(f"{out.stem}.documents{out.suffix}")


def write_csv(store: Store, out: str | Path, *, wide: bool = False) -> int:
    """UTF-8 with a byte-order mark, so that Excel opens the Chinese labels as they are."""
    with staged() as files:
        if not wide:
            _csv(document_rows(store), DOCUMENT_COLUMNS, files.path(documents_file(out)))
        return _csv(rows(store, wide), columns(wide), files.path(out))


def _csv(items: Iterable[dict[str, Any]], names: tuple[str, ...], out: str | Path) -> int:
    n = 0
    with open(out, "w", encoding="utf-8-sig", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=names)
        writer.writeheader()
        for row in items:
            writer.writerow(csv_row(row))  # a text a spreadsheet would run as a formula, made inert
            n += 1
    return n


def write_jsonl(store: Store, out: str | Path, *, wide: bool = False) -> int:
    with staged() as files:
        if not wide:
            _jsonl(document_rows(store), files.path(documents_file(out)))
        return _jsonl(rows(store, wide), files.path(out))


def _jsonl(items: Iterable[dict[str, Any]], out: str | Path) -> int:
    n = 0
    with open(out, "w", encoding="utf-8") as f:
        for row in items:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
            n += 1
    return n


def schema(names: tuple[str, ...]) -> Any:
    """The Parquet schema of a table of these columns."""
    import pyarrow as pa

    types = {
        "year": pa.int32(), "value": pa.float64(), "corrected": pa.bool_(),
        "年度": pa.int32(), "左值": pa.float64(), "右值": pa.float64(), "差额": pa.float64(),  # the findings'
    }  # fmt: skip
    return pa.schema([(name, types.get(name, pa.float64() if name in WIDE_KEYS else pa.string())) for name in names])


def write_findings(store: Store, out: str | Path, fmt: str) -> int:
    """The findings list (`findings`) as CSV, JSON lines or Parquet: the rows written."""
    from .findings import COLUMNS, findings

    if fmt == "parquet":
        _need_pyarrow()
    with staged() as files:
        target = files.path(out)
        if fmt == "csv":
            return _csv(findings(store), COLUMNS, target)
        if fmt == "jsonl":
            return _jsonl(findings(store), target)
        return _parquet(findings(store), COLUMNS, target)


def _need_pyarrow() -> None:
    try:
        import pyarrow  # noqa: F401 - only to say what is missing
    except ImportError:
        from ..errors import ConfigError

        raise ConfigError("the Parquet export needs pyarrow: pip install 'gov-report-extractor[export]'") from None


def write_parquet(store: Store, out: str | Path, *, wide: bool = False) -> int:
    _need_pyarrow()
    with staged() as files:
        if not wide:
            _parquet(document_rows(store), DOCUMENT_COLUMNS, files.path(documents_file(out)))
        return _parquet(rows(store, wide), columns(wide), files.path(out))


def _parquet(items: Iterable[dict[str, Any]], names: tuple[str, ...], out: str | Path) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    target = schema(names)
    n = 0
    with pq.ParquetWriter(str(out), target) as writer:
        for group in _chunks(items, ROW_GROUP):
            writer.write_table(pa.Table.from_pylist(group, schema=target))
            n += len(group)
    return n


def _chunks(items: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk
