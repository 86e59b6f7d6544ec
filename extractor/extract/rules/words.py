"""A zone's words without the values printed among them, for labels broken around their numbers.

A PDF prints a long label over two to four lines and its row's numbers on one of them, the
first, a middle or the last: read line by line, the numbers stand inside the label's words
("2.其他法律 0 0 0 0 0 0 0 行政法规禁止公开"), and no pattern matches a label cut in two. In this
view the values are left out, so the label reads whole again; a match here is mapped back to the
compact view, where it spans the values it encloses.
"""

from __future__ import annotations

import bisect
import re
from array import array
from dataclasses import dataclass

from ...likeness import likeness
from ...locate.stream import Stream
from .align import FLOOR
from .tokens import tokenize


@dataclass(frozen=True)
class Words:
    text: str
    at: array  # the compact position of each character of `text`

    def search(self, pattern: re.Pattern[str], start: int, end: int) -> tuple[int, int] | None:
        """The first match between two compact positions, as the compact span it covers."""
        a, b = self.index(start), self.index(end)
        m = pattern.search(self.text, a, b)
        if m is None or m.end() == m.start():
            return None
        return self.at[m.start()], self.at[m.end() - 1] + 1

    def index(self, compact: int) -> int:
        """The first character of the view at or after a compact position."""
        return bisect.bisect_left(self.at, compact)

    def leaf_before(self, leaf: int, start: int, floor: int) -> int | None:
        """The compact position of a label's leaf number ("4.") printed before its words at
        compact `start`, values between them or not ("4.保护 0 0 … 第三方合法权益")."""
        a, b = max(self.index(floor), self.index(start) - 16), self.index(start)
        m = re.search(rf"{leaf}[.、．][^\d]{{0,14}}$", self.text[a:b])
        return self.at[a + m.start()] if m else None


def words(stream: Stream, start: int, end: int) -> Words:
    """The words between two text positions of the stream: every compact character but those of
    the values and blanks read there."""
    c = stream.compact
    cs, ce = stream.to_compact(start), stream.to_compact(end)
    out: list[str] = []
    at = array("i")
    pos = cs
    for t in tokenize(stream, start, end):
        if t.kind == "text":
            continue
        a, b = stream.to_compact(t.start), stream.to_compact(t.end)
        if a > pos:
            out.append(c[pos:a])
            at.extend(range(pos, a))
        pos = max(pos, b)
    if ce > pos:
        out.append(c[pos:ce])
        at.extend(range(pos, ce))
    return Words("".join(out), at)


def head(stream: Stream, span: tuple[int, int]) -> str | None:
    """The words of a label read whole before the first value inside it, or None when no value
    stands inside it (it was printed whole)."""
    c = stream.compact
    first = next((i for i in range(*span) if c[i].isdigit()), None)
    return None if first is None else c[span[0] : first]


def cut_from_another(stream: Stream, span: tuple[int, int], before: tuple[str, ...] | None) -> bool:
    """A label read whole across values whose first words are rather the label of the row
    before, itself not found ("规 0 0 0 范性文件": 规章 short of a character, then 规范性文件 short
    of its first): two damaged labels, not one broken around its numbers."""
    words_before = head(stream, span)
    return bool(words_before) and before is not None and likeness(words_before, before) >= FLOOR
