"""What a request's numbers may be: the bounds the routes declare, so a number the store cannot
hold (SQLite's integers are 64-bit) or that means nothing (a year of 20 digits) is 422 with the
service's usual one line, never a 500 from deep inside.

    >>> year("2024"), year(None)
    (2024, None)
    >>> cursor("3:6ca1637e")
    '3:6ca1637e'
    >>> cursor("99999999999999999999:6ca1637e")
    Traceback (most recent call last):
    ...
    extractor.errors.BadInput: not a queue cursor: '99999999999999999999:6ca1637e' (give back the `next` of the previous page)
"""

from __future__ import annotations

import re

from ..errors import BadInput

INT_MAX = 2**63 - 1  # the largest integer SQLite holds
YEAR_MIN, YEAR_MAX = 1, 9999
# `Page.next`: the doubt, then the document's hash; or another order's name and its values, encoded
_CURSOR = re.compile(r"[0-9]{1,9}:[0-9a-f]{1,64}|[a-z]{1,12}~[A-Za-z0-9_-]{1,4000}")
_YEAR = re.compile(r"[0-9]{1,4}")


def cursor(after: str | None) -> str | None:
    """A queue page's `after`, as `Page.next` gives it; anything else is `BadInput`."""
    if after is not None and not _CURSOR.fullmatch(after):
        raise BadInput(f"not a queue cursor: {after!r} (give back the `next` of the previous page)")
    return after


def year(text: str | None) -> int | None:
    """A year typed into a page's filter (ASCII digits: `int` would also take '²' or '٢٠٢٤')."""
    if not text or not text.strip():
        return None
    if not _YEAR.fullmatch(text.strip()):
        raise BadInput(f"not a year: {text!r}")
    return int(text)


def in_range(key: str, value: int | float | None) -> int | float | None:
    """A cell's value, refused when it is an integer the store cannot hold."""
    if isinstance(value, int) and not -INT_MAX <= value <= INT_MAX:
        raise BadInput(f"{key}: {value} is out of range (at most {INT_MAX} either way)")
    return value


__all__ = ["INT_MAX", "YEAR_MAX", "YEAR_MIN", "cursor", "in_range", "year"]
