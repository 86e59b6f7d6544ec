"""The store as flat tables: CSV, JSON lines or Parquet, long or wide, written as read.

Long: one row per document and cell, with the template's table, row and column labels, the
value, its state and method, whether a person corrected it (and who), and the document's
status. Wide (`wide=True`): one row per document, a column per key. Parquet has a typed
schema (counts and amounts as float64, which holds every count exactly; the year as int32;
`corrected` as a boolean) and is written in row groups of `ROW_GROUP` rows, so no more than
that is ever held.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from ..store import Store
from .rows import CELL_COLUMNS, columns, long_rows, wide_rows

ROW_GROUP = 20_000


def rows(store: Store, wide: bool) -> Iterator[dict[str, Any]]:
    return wide_rows(store) if wide else long_rows(store)


def write_csv(store: Store, out: str | Path, *, wide: bool = False) -> int:
    """UTF-8 with a byte-order mark, so that Excel opens the Chinese labels as they are."""
    n = 0
    with open(out, "w", encoding="utf-8-sig", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns(wide))
        writer.writeheader()
        for row in rows(store, wide):
            writer.writerow(row)
            n += 1
    return n


def write_jsonl(store: Store, out: str | Path, *, wide: bool = False) -> int:
    n = 0
    with open(out, "w", encoding="utf-8") as f:
        for row in rows(store, wide):
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
            n += 1
    return n


def schema(wide: bool) -> Any:
    import pyarrow as pa

    document = [
        ("document", pa.string()), ("sha256", pa.string()), ("format", pa.string()), ("organ", pa.string()),
        ("year", pa.int32()), ("template", pa.string()), ("status", pa.string()), ("reasons", pa.string()),
    ]  # fmt: skip
    if wide:
        rest = [(key, pa.float64()) for key in columns(True)[len(document) :]]
    else:
        types = {"value": pa.float64(), "corrected": pa.bool_()}
        rest = [(name, types.get(name, pa.string())) for name in CELL_COLUMNS]
    return pa.schema(document + rest)


def write_parquet(store: Store, out: str | Path, *, wide: bool = False) -> int:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        from ..errors import ConfigError

        raise ConfigError("the Parquet export needs pyarrow: pip install 'gov-report-extractor[export]'") from None
    target = schema(wide)
    n = 0
    with pq.ParquetWriter(str(out), target) as writer:
        for group in _chunks(rows(store, wide), ROW_GROUP):
            writer.write_table(pa.Table.from_pylist(group, schema=target))
            n += len(group)
    return n


def _chunks(items: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk
