"""One document's cells as CSV: every cell as it stands, its labels as printed, and who corrected it.

    >>> from extractor.store import CurrentCell
    >>> cell = CurrentCell(sha256="ab", run_id=1, key="s3.carried_forward.total", value=1, state="number",
    ...     method="human", raw="", location=None, extracted=None, corrected=True, reviewer="li",
    ...     corrected_at="2026-11-02T10:42:00+00:00", note=None)
    >>> print("".join(cells_csv([cell], "2021")).lstrip("\\ufeff"), end="")
    key,table,row,column,value,extracted,corrected,reviewer,corrected_at,note,state,method,raw
    s3.carried_forward.total,三,四、结转下年度继续办理,总计,1,,yes,li,2026-11-02T10:42:00+00:00,,number,human,

A blank cell is an empty value; `extracted` is what the run read before any correction. The text
opens with a byte-order mark, so that a spreadsheet reads the Chinese labels as UTF-8; a
reviewer's name or note, or a raw text, that a spreadsheet would run as a formula begins with
an apostrophe (`formulas`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from verify.layout import label, order_keys

from ..store import CurrentCell
from .formulas import csv_value

COLUMNS = ("key", "table", "row", "column", "value", "extracted", "corrected", "reviewer", "corrected_at", "note", "state", "method", "raw")


def cells_csv(cells: Iterable[CurrentCell], template: str | None = None) -> Iterator[str]:
    """The CSV text, a line at a time, the cells in the dictionary's order (tables 二, 三, 四)."""
    by_key = {c.key: c for c in cells}
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")

    def line(values: Iterable[object]) -> str:
        out.writerow(values)
        text = buf.getvalue()
        buf.seek(0)
        buf.truncate()
        return text

    yield "\ufeff" + line(COLUMNS)
    for key in order_keys(list(by_key)):
        c = by_key[key]
        names = label(key, template)
        yield line(
            (
                key, names.table, names.row, names.column, _number(c.value), _number(c.extracted),
                "yes" if c.corrected else "no", csv_value(c.reviewer or ""), c.corrected_at or "", csv_value(c.note or ""),
                c.state, c.method, csv_value(c.raw),
            )
        )  # fmt: skip


def _number(value: object) -> str:
    return "" if value is None else str(value)
