"""Page furniture: the page numbers and running headers a PDF prints on every page.

They sit in the top or bottom band of the page and would otherwise land in the middle of a
table that continues on the next page ("… 746 12 0 0 10 1 769 - 4 - 法提供 …"). A line is
dropped only when it is the page's outermost line, inside a band, and either reads as a page
number or repeats on most pages.

    >>> [is_page_number(s) for s in ("- 4 -", "第 4 页", "4/6", "第4页 共6页", "Page 2 of 9", "— 12 —")]
    [True, True, True, True, True, True]
    >>> [is_page_number(s) for s in ("3119", "2024 年", "一、总体情况", "1 0 11")]
    [False, False, False, False]

Text converted from a PDF keeps the page numbers as lines of their own, in the middle of a
table (SPEC V6). There a lone number may be a cell of the table ("12", "-3" for 本年增/减), so
only a number marked as a page's is one:

    >>> [is_marked_page_number(s) for s in ("- 4 -", "—12—", "第 4 页", "第4页 共6页", "Page 2 of 9")]
    [True, True, True, True, True]
    >>> [is_marked_page_number(s) for s in ("4", "-3", "+3", "4/6", "12 -")]
    [False, False, False, False, False]
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from .pdf_page import Line, Page

# The share of the page height, at the top and at the bottom, where furniture is printed.
BAND = 0.1
_DASH = r"[-—–―_~·•\s]*"
_PAGE_NUMBER = re.compile(
    rf"^{_DASH}\d{{1,3}}{_DASH}$"  # "- 4 -", "—12—", "4" (a lone number at the very edge)
    r"|^第\s*\d{1,4}\s*页(\s*[,，/]?\s*共\s*\d{1,4}\s*页)?$"  # "第 4 页", "第4页 共6页"
    r"|^共\s*\d{1,4}\s*页\s*[,，]?\s*第\s*\d{1,4}\s*页$"  # "共6页 第4页"
    r"|^\d{1,4}\s*/\s*\d{1,4}$"  # "4/6"
    r"|^(page|p\.)\s*\d{1,4}(\s*(of|/)\s*\d{1,4})?$",  # "Page 2 of 9"
    re.IGNORECASE,
)


def is_page_number(text: str) -> bool:
    return bool(_PAGE_NUMBER.match(unicodedata.normalize("NFKC", text).strip()))


_MARK = r"[-—–―_~·•]"
_MARKED_PAGE_NUMBER = re.compile(
    rf"^{_MARK}+\s*\d{{1,4}}\s*{_MARK}+$"  # "- 4 -", "—12—": marked on both sides
    r"|^第\s*\d{1,4}\s*页(\s*[,，/]?\s*共\s*\d{1,4}\s*页)?$"
    r"|^共\s*\d{1,4}\s*页\s*[,，]?\s*第\s*\d{1,4}\s*页$"
    r"|^page\s*\d{1,4}(\s*(of|/)\s*\d{1,4})?$",
    re.IGNORECASE,
)


def is_marked_page_number(text: str) -> bool:
    """A page number that cannot be a table's cell: marked with dashes on both sides, or 第…页."""
    return bool(_MARKED_PAGE_NUMBER.match(unicodedata.normalize("NFKC", text).strip()))


_WORDS = re.compile(r"[^\W\d_]{2}")


def _shape(text: str) -> str:
    """A running header's text with its digits blurred, so "第 3 期" on every page matches."""
    return re.sub(r"\d+", "#", unicodedata.normalize("NFKC", text).replace(" ", ""))


def _edge_lines(page: Page) -> list[Line]:
    """The first and the last line of a page when they sit in the top or bottom band."""
    lines = [b for b in page.blocks if isinstance(b, Line)]
    out: list[Line] = []
    if not lines:
        return out
    blocks = page.blocks
    if blocks[0] is lines[0] and lines[0].bottom <= page.height * BAND:
        out.append(lines[0])
    last = lines[-1]
    if blocks[-1] is last and last.top >= page.height * (1 - BAND) and all(last is not x for x in out):
        out.append(last)
    return out


def drop_furniture(pages: list[Page]) -> int:
    """Remove page numbers and running headers/footers in place; returns how many lines went."""
    edges = {page.number: _edge_lines(page) for page in pages}
    seen = Counter(_shape(line.text) for lines in edges.values() for line in lines)
    # Only lines with words count: rows of numbers at the top of two pages are data, not headers.
    repeated = {s for s, n in seen.items() if n >= 2 and n * 2 >= len(pages) and _WORDS.search(s)}
    dropped = 0
    for page in pages:
        for line in edges[page.number]:
            if is_page_number(line.text) or _shape(line.text) in repeated:
                page.blocks = [b for b in page.blocks if b is not line]
                dropped += 1
    return dropped
