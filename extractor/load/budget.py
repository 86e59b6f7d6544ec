"""A document's budget as its reader spends it: text as rows are made, pages before they are read,
pixels before a page is drawn.

Every reader checks here, so that the limits (`extractor.limits`) are enforced the same way
whatever the format, and before the cost rather than after: a page count is read before any page
is parsed, a picture's size before it is drawn, a markup's tags before it is parsed.

    >>> from extractor.limits import Limits
    >>> tally = Tally(Limits(lines=2), "a.txt")
    >>> tally.row(10); tally.row(10)
    >>> tally.row(10)
    Traceback (most recent call last):
    ...
    extractor.limits.OverLimit: a.txt: over the line limit: at least 3 lines, at most 2 (--max-lines raises it)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO

from ..limits import Limits, OverLimit

# A tag of markup is cheaper than a line of text: a page that is all markup may hold ten per line.
TAGS_PER_LINE = 10
# A text file decodes to at least a character per four bytes (UTF-32, or GB18030's longest).
BYTES_PER_CHAR = 4
# Pages are drawn for OCR at a resolution a scan has (`load.ocr.DPI`); a page too large for the
# picture limit at that resolution is drawn coarser, down to this, below which text is unreadable.
MIN_DPI = 100


@dataclass
class Tally:
    """The text a reader has made of one document so far, stopped at the document's limits."""

    limits: Limits
    path: str
    chars: int = 0
    lines: int = 0

    def row(self, chars: int) -> None:
        """One more row of text holding `chars` characters (grid positions count as one each)."""
        self.lines += 1
        self.chars += chars
        if self.lines > self.limits.lines:
            raise self.limits.over("lines", self.lines, self.path, at_least=True)
        if self.chars > self.limits.chars:
            raise self.limits.over("chars", self.chars, self.path, what="characters and table cells", at_least=True)

    def rows(self, count: int, chars: int) -> None:
        """`count` rows at once, `chars` characters in all (a table)."""
        self.lines += count - 1
        self.row(chars)


def check_text(limits: Limits, path: str, text: str) -> None:
    """A decoded text within the character and line limits."""
    limits.check("chars", len(text), path)
    lines = max(text.count("\n"), text.count("\r")) + 1
    limits.check("lines", lines, path)


def check_encoded(limits: Limits, path: str, size: int) -> None:
    """Bytes of text that must hold more characters than the limit are not decoded at all."""
    if size // BYTES_PER_CHAR > limits.chars:
        raise limits.over("chars", size // BYTES_PER_CHAR, path, at_least=True)


def check_markup(limits: Limits, path: str, data: bytes) -> None:
    """Markup (HTML, a Word part) with more tags than a parser should hold for the line limit."""
    tags = data.count(b"<")
    most = TAGS_PER_LINE * limits.lines
    if tags > most:
        raise OverLimit(path, "lines", most, tags, f"tags of markup ({TAGS_PER_LINE} allowed a line)")


def check_pages(limits: Limits, path: str, count: int) -> None:
    limits.check("pages", count, path)


def fit_scale(limits: Limits, path: str, page: int, width_pt: float, height_pt: float, dpi: float) -> float:
    """Pixels per point to draw a page at: `dpi`, or less for a page too large for the picture
    limit at it, but never under `MIN_DPI`: a page too large even then is over the limit."""
    area = max(width_pt, 1.0) * max(height_pt, 1.0)
    scale = dpi / 72
    most = (limits.pixels / area) ** 0.5
    if scale <= most:
        return scale
    if most >= MIN_DPI / 72:
        return most
    floor = MIN_DPI / 72
    raise limits.over("pixels", round(area * floor * floor), path, what=f"pixels for page {page} at {MIN_DPI} dpi")


def check_picture(limits: Limits, path: str, width: int, height: int, page: int = 1) -> None:
    """A picture (an image file's page) within the picture limit, before it is decoded."""
    if width * height > limits.pixels:
        raise limits.over("pixels", width * height, path, what=f"pixels on page {page} ({width}×{height})")


_CHUNK = 1 << 20


def read_capped(
    stream: BinaryIO, limits: Limits, path: str, *, room: int | None = None, room_name: str = "bytes", text: bool = False
) -> bytes:
    """Read a stream (an archive member as it is decompressed) to its end, counting the bytes
    as they come and stopping past the size limit, or past `room` when less is left of a
    budget (`room_name`: the limit that budget is), whatever the stream's header claimed.
    `text`: a stream whose first bytes are plain text stops as soon as it holds more text than
    the text limit allows, not at the size limit."""
    cap, name = limits.bytes, "bytes"
    if room is not None and room < cap:
        cap, name = room, room_name
    already = getattr(limits, name) - cap  # of the budget, spent before this stream
    out = bytearray()
    first = True
    while True:
        chunk = stream.read(_CHUNK)
        if not chunk:
            return bytes(out)
        if first and text and _plain_text(path, chunk) and BYTES_PER_CHAR * limits.chars < cap:
            cap, name = BYTES_PER_CHAR * limits.chars, "chars"
        first = False
        out += chunk
        if len(out) > cap:
            if name == "bytes":
                error = limits.over("bytes", already + len(out), path, at_least=True)
            elif name == "chars":
                error = limits.over("chars", len(out) // BYTES_PER_CHAR, path, at_least=True)
            else:
                error = OverLimit(path, name, getattr(limits, name), None)
            error.consumed = len(out)
            raise error


def _plain_text(path: str, head: bytes) -> bool:
    from . import sniff

    return sniff(path, head) in ("text", "markdown")
