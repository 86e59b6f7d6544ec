"""Text a spreadsheet would run as a formula, made inert.

An organ's name is read from the report's title, a note is typed by a reviewer, a path is
whatever the archive held: a report titled `=2+5*1…` exported as a live formula, and
`=HYPERLINK(…)` or `@SUM(…)` in a note would run in whoever opens the file. A text that begins
with `=`, `+`, `-`, `@`, a tab or a carriage return is such a text (the characters OWASP lists
for CSV injection). Only text: a number is never touched, so a negative count stays a number.

In CSV the text gets a leading apostrophe, which spreadsheets take as "this is text" (and a
program reading the CSV sees, and may strip). In XLSX the cell is typed as a string, with the
quote prefix set as a person typing `'` would set it: the text reads back exactly as printed.

    >>> [csv_value(v) for v in ("=2+5*1某区", "-", "－3", -3, "区", None, "\\tx")]
    ["'=2+5*1某区", "'-", '－3', -3, '区', None, "'\\tx"]
"""

from __future__ import annotations

from typing import Any

LEADS = ("=", "+", "-", "@", "\t", "\r")


def risky(value: object) -> bool:
    """A text a spreadsheet would read as the start of a formula."""
    return isinstance(value, str) and value.startswith(LEADS)


def csv_value(value: Any) -> Any:
    return "'" + value if risky(value) else value


def csv_row(row: dict[str, Any]) -> dict[str, Any]:
    return {name: csv_value(value) for name, value in row.items()}


def as_text(cell: Any) -> None:
    """An openpyxl cell holding a risky text: a string, quote-prefixed, never a formula."""
    cell.data_type = "s"
    cell.quotePrefix = True


__all__ = ["LEADS", "as_text", "csv_row", "csv_value", "risky"]
