"""The store as flat tables: CSV, JSON lines or Parquet, long or wide, written as read.

Long: one row per document and cell, with the document's hash, the template's table, row and
column labels, the value, its state and method, and whether a person corrected it (and who);
the documents' own columns (path, organ, year, template, status, reasons) in a second file
beside it, a row per document (`cells.csv` and `cells.documents.csv`), joined by `sha256`:
a document's reasons were repeated on each of its two hundred rows. Wide (`wide=True`): one
row per document, a column per key. Parquet has a typed
schema (counts and amounts as float64, which holds every count exactly; the year as int32;
`corrected` as a boolean) and is written in row groups of `flat.ROW_GROUP` rows, so no more than
that is ever held. Every file is written under a temporary name beside its output and renamed
into place once the export is complete (`atomic`): a stopped export leaves neither.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ..store import Store
from .atomic import staged
from .flat import csv_file, parquet_file
from .rows import DOCUMENT_COLUMNS, WIDE_KEYS, columns, document_rows, long_rows, wide_rows

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
            csv_file(document_rows(store), DOCUMENT_COLUMNS, files.path(documents_file(out)))
        return csv_file(rows(store, wide), columns(wide), files.path(out))


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


def types(names: tuple[str, ...]) -> dict[str, str]:
    """The Parquet type of each of these columns that is not text (`flat.parquet_file`)."""
    known = {
        "year": "int32", "value": "float64", "corrected": "bool",
        "年度": "int32", "左值": "float64", "右值": "float64", "差额": "float64",  # the findings'
    }  # fmt: skip
    return {n: known.get(n, "float64") for n in names if n in known or n in WIDE_KEYS}


def write_findings(store: Store, out: str | Path, fmt: str) -> int:
    """The findings list (`findings`) as CSV, JSON lines or Parquet: the rows written."""
    from .findings import COLUMNS, findings

    if fmt == "parquet":
        _need_pyarrow()
    with staged() as files:
        target = files.path(out)
        if fmt == "csv":
            return csv_file(findings(store), COLUMNS, target)
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
    return parquet_file(items, names, out, types(names))
