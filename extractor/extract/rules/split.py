"""Splitting numbers written together with no separator ("801000081" → 80|1|0|0|0|0|81).

Text dumps of web tables often lose cell boundaries. Where the table has row totals, only
the splits whose parts add up are kept (SPEC §7.2 step 5): a row of table 三 is 6 counts and
their total, a group of table 四 is 4 counts and theirs. Elsewhere every syntactically valid
split is returned and the caller weighs them.

A run is given as its pieces (the value tokens in order); a boundary between two pieces is a
real cell boundary and is always kept. A part is a whole number without leading zeros; a
decimal part or a unit ("元") can only end a piece.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ...numbers import UNIT

Span = tuple[int, int, int]  # (piece index, start, end) within that piece

_PART = re.compile(rf"[+\-]?(?:0|[1-9]\d*)(?:\.\d+)?(?:{UNIT})?")
_DIGITS = re.compile(r"\d+")


class _Run:
    def __init__(self, pieces: list[str]):
        self.pieces = pieces
        self.s = "".join(pieces)
        self.starts: list[int] = []
        pos = 0
        for p in pieces:
            self.starts.append(pos)
            pos += len(p)
        self.cuts = set(self.starts[1:])
        self.ends = {st + len(p) for st, p in zip(self.starts, pieces)}
        self.plain_digits = all(_DIGITS.fullmatch(p) for p in pieces)

    def valid(self, a: int, b: int) -> bool:
        """s[a:b] can be one part: a number, not across a cell boundary; a sign only opens a
        piece, a fraction or unit only closes one."""
        if b <= a or any(a < c < b for c in self.cuts):
            return False
        part = self.s[a:b]
        if not _PART.fullmatch(part):
            return False
        if part[0] in "+-" and a not in self.starts:
            return False
        if not part[-1].isdigit() or "." in part:
            return b in self.ends
        return True

    def span(self, a: int, b: int) -> Span:
        i = max(k for k, st in enumerate(self.starts) if st <= a)
        return (i, a - self.starts[i], b - self.starts[i])


def split_sums(pieces: list[str], groups: list[int], limit: int = 64) -> list[list[Span]]:
    """Every split into consecutive groups where, in each, the last part is the sum of the rest.

    The parts before a total are chosen and the total's text then follows (the sum, written
    out), rather than trying every stretch as the total: the same splits, found without the
    exhaustive search. They are returned in the order of the positions of their parts (total
    end, total start, then each part's end, group by group) and cut to `limit`.
    """
    run = _Run(pieces)
    if not run.plain_digits:
        return []
    n = len(run.s)
    found: list[tuple[tuple[int, ...], list[tuple[int, int]]]] = []

    def group(pos: int, left: int, parts: list[tuple[int, int]], total: int) -> Iterator[list[tuple[int, int]]]:
        if left == 0:
            text = str(total)
            end = pos + len(text)
            if run.s.startswith(text, pos) and run.valid(pos, end):
                yield [*parts, (pos, end)]
            return
        for b in range(pos + 1, n - left + 1):
            if any(pos < c < b for c in run.cuts):
                break
            if not run.valid(pos, b):
                continue
            subtotal = total + int(run.s[pos:b])
            if len(str(subtotal)) > n - b - (left - 1):
                break  # the total would not fit in what is left of the run
            yield from group(b, left - 1, [*parts, (pos, b)], subtotal)

    def walk(pos: int, g: int, acc: list[tuple[int, int]]) -> None:
        if len(found) >= _MAX_FOUND:
            return
        if g == len(groups):
            if pos == n:
                found.append((_order(acc, groups), acc))
            return
        for parts in group(pos, groups[g] - 1, [], 0):
            walk(parts[-1][1], g + 1, acc + parts)

    walk(0, 0, [])
    found.sort(key=lambda x: x[0])
    return [[run.span(a, b) for a, b in solution] for _, solution in found[:limit]]


# Enough to sort before cutting to `limit`; rows of real tables have a handful of splits.
_MAX_FOUND = 4096


def _order(parts: list[tuple[int, int]], groups: list[int]) -> tuple[int, ...]:
    key: list[int] = []
    i = 0
    for size in groups:
        chunk = parts[i : i + size]
        key += [chunk[-1][1], chunk[-1][0], *(b for _, b in chunk[:-1])]
        i += size
    return tuple(key)


def split_free(pieces: list[str], n: int, limit: int = 5000) -> list[list[Span]]:
    """Every split of the run into exactly n valid parts (no arithmetic to narrow them down)."""
    run = _Run(pieces)
    total = len(run.s)
    out: list[list[Span]] = []

    def walk(pos: int, left: int, acc: list[tuple[int, int]]) -> None:
        if len(out) >= limit:
            return
        if left == 0:
            if pos == total:
                out.append([run.span(a, b) for a, b in acc])
            return
        for b in range(pos + 1, total - (left - 1) + 1):
            if any(pos < c < b for c in run.cuts):
                break
            if run.valid(pos, b):
                acc.append((pos, b))
                walk(b, left - 1, acc)
                acc.pop()

    walk(0, n, [])
    return out
