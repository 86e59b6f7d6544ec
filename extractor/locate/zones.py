"""Where each table sits: a zone of the stream per table 二, 三, 四.

Zones are found by what the tables contain (block captions, the 勾稽 note, the review and
litigation header), not by section numbers, since some reports renumber the tables or print
narrative sections with the same numbers first.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..labels import (
    S2_COLUMN,
    S2_HEADER,
    S2_START,
    S3_HEADING,
    S3_LABEL,
    S3_START,
    S3_WORDS,
    S4_HEADING,
    S4_START,
    SECTION_AFTER_S4,
)
from ..likeness import likeness
from .stream import Stream

# How far after a table-二 caption its header must start, and how far the 四 table may run.
_CAPTION_TO_HEADER = 60
_S4_MAX = 1500
_HEADING_REACH = 60


@dataclass(frozen=True)
class Zone:
    table: str
    start: int  # text positions in the stream
    end: int

    def contains(self, pos: int) -> bool:
        return self.start <= pos < self.end


def _s2_start(stream: Stream) -> int | None:
    c = stream.compact
    for m in S2_START.finditer(c):
        window = c[m.end() : m.end() + _CAPTION_TO_HEADER]
        if S2_HEADER.search(window) or S2_COLUMN.search(window):
            return m.start()
    m = S2_HEADER.search(c)
    while m:
        if S2_COLUMN.match(c, m.end()):
            return m.start()
        m = S2_HEADER.search(c, m.end())
    return None


# Table 三's second and third rows: one of them follows its heading when the first row is lost.
_S3_EARLY_ROWS = tuple(S3_LABEL[r].pattern for r in ("carried_over", "granted"))
_HEADING_TO_ROWS = 240
# Or the first rows' labels, damaged, as like their template's as this (extractor.likeness).
_EARLY_LIKENESS = 75.0


def _s3_by_heading(c: str, start: int) -> int | None:
    """Table 三 with neither its header nor its first row (a conversion dropped them, or damaged
    their words): the section's heading, when one of the table's first rows follows it."""
    for h in S3_HEADING.finditer(c, start):
        window = c[h.end() : h.end() + _HEADING_TO_ROWS]
        if any(p.search(window) for p in _S3_EARLY_ROWS):
            return h.start()
        if any(likeness(window, S3_WORDS[r][1:]) >= _EARLY_LIKENESS for r in ("new_received", "carried_over")):
            return h.start()
    return None


def find_zones(stream: Stream) -> dict[str, Zone | None]:
    c = stream.compact
    s2 = _s2_start(stream)
    m3 = S3_START.search(c, s2 or 0)
    s3 = m3.start() if m3 else _s3_by_heading(c, s2 or 0)
    if s3 is not None:
        heading = S3_HEADING.search(c, max(0, s3 - _HEADING_REACH), s3 + 1)
        if heading:
            s3 = heading.start()
    after3 = s3 if s3 is not None else (s2 or 0)
    end3_anchor = S3_LABEL["carried_forward"].pattern.search(c, after3)
    search4 = end3_anchor.end() if end3_anchor else after3
    m4 = S4_HEADING.search(c, search4) or S4_START.search(c, search4)
    s4 = m4.start() if m4 else None
    zones: dict[str, Zone | None] = {"s2": None, "s3": None, "s4": None}
    text_pos = stream.to_text
    if s2 is not None:
        end = s3 if s3 is not None else (s4 if s4 is not None else len(c))
        zones["s2"] = Zone("s2", text_pos(s2), text_pos(end))
    if s3 is not None:
        end = s4 if s4 is not None else len(c)
        zones["s3"] = Zone("s3", text_pos(s3), text_pos(end))
    if s4 is not None:
        after = SECTION_AFTER_S4.search(c, s4 + 4, s4 + _S4_MAX)
        end = after.start() if after else min(len(c), s4 + _S4_MAX)
        zones["s4"] = Zone("s4", text_pos(s4), text_pos(end))
    return zones
