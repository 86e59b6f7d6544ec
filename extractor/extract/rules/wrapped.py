"""Rows of a table-二 block laid on its runs of values in order, where labels are broken around them.

A PDF read line by line prints a label wrapped over two to four lines with its row's numbers on
the first, a middle or the last of them: the text between two runs of values is the end of one
row's label and the start of the next's ("观 | 0 0 0 | 章 行政 | 29 1 645 | 规范性文"). A pattern
or a likeness then finds a piece of a label after its own numbers, and the row reads the next
row's values, or none. Each row of a block prints exactly one run of values, so where the block
holds as many runs as the rows it prints and the labels found do not take one run each, in
order, the rows are laid on the runs in order instead: the values are then every row's own,
whichever line of its label they stood on. Where the block holds fewer runs than rows (a row
not printed), each run goes to the row its words are most like. Each row's label is scored by
the words around its run (the end of the text before it and the start of the text after it,
cut where they are most like the row's label); a row below `ORDERED_FLOOR` places nothing, and
a score below the exact one marks its cells as resting on a weak match.
"""

from __future__ import annotations

from collections.abc import Sequence

from ...locate.stream import Stream
from .align import FLOOR, ORDERED_FLOOR, Placed, around
from .runs import first_run
from .tokens import tokenize

Span = tuple[int, int]  # compact positions


def value_runs(stream: Stream, start: int, end: int) -> list[Span]:
    """The runs of values between two compact positions, each as the compact span it covers."""
    tokens = tokenize(stream, stream.to_text(start), stream.to_text(end))
    out: list[Span] = []
    i = 0
    while True:
        run, i = first_run(tokens, i)
        if run is None:
            return out
        out.append((stream.to_compact(run.tokens[0].start), stream.to_compact(run.end)))


def takes_one_each(runs: Sequence[Span], starts: Sequence[int], end: int) -> bool:
    """The labels found (their compact starts, in order) take one run each, in order: each reads
    the first run after its start, and that run lies before the next label (or the block's end)."""
    if len(starts) != len(runs):
        return False
    bounds = [*starts[1:], end]
    for k, (start, bound) in enumerate(zip(starts, bounds)):
        first = next((i for i, (a, _) in enumerate(runs) if a >= start), None)
        if first != k or runs[k][0] >= bound:
            return False
    return True


def on_runs(
    stream: Stream,
    span: Span,
    rows: Sequence[str],
    starts: Sequence[int],
    words: dict[str, tuple[str, ...]],
) -> dict[str, Placed] | None:
    """The block's rows (template order) laid on its runs in order, or None where the labels
    found (`starts`) already take one run each, where there are more runs than rows, or where
    the words around the runs do not say which rows they are. Fewer runs than rows: a row is not
    printed, and each run goes to the row its words are most like (`FLOOR`), in order."""
    runs = value_runs(stream, *span)
    if not rows or not runs or len(runs) > len(rows) or takes_one_each(runs, starts, span[1]):
        return None
    if len(starts) > 1 and runs[0][0] >= starts[-1]:
        # Every value after the last label: the values floated below the table (a conversion
        # prints '15（其中修订2件）' under it), or the rows before are blank: no label is broken
        # around its numbers, and which values are whose is the floating rule's to say.
        return None
    c = stream.compact
    edges = [span[0], *(b for _, b in runs)]
    texts = [c[edges[j] : a] for j, (a, _) in enumerate(runs)] + [c[runs[-1][1] : span[1]]]
    scores = [[around(texts[j], texts[j + 1], words[row]) for j in range(len(runs))] for row in rows]
    if len(runs) == len(rows):
        ordered = all(scores[i][i] >= ORDERED_FLOOR for i in range(len(rows)))
        pairs = [(i, i) for i in range(len(rows))] if ordered else None
    else:
        pairs = _likeliest(scores)
    if pairs is None:
        return None
    # A row's label starts after the run before: words there may end the previous row's label,
    # and are read with this row's, whose values lie after them.
    return {rows[i]: Placed(edges[j], runs[j][0], scores[i][j]) for i, j in pairs}


def _likeliest(scores: list[list[float]]) -> list[tuple[int, int]] | None:
    """Every run (column) given a row (line), both in order, each pair at `FLOOR` or above, with
    the highest total; None when no such placing exists or two tie (the words do not decide)."""
    n, m = len(scores), len(scores[0])
    # best[i][j]: the best total placing runs j.. on rows i.. (every run placed), and how many ways reach it
    best = [[(0.0, 1) if j == m else (-1.0, 0) for j in range(m + 1)] for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            options = [best[i + 1][j]]
            if scores[i][j] >= FLOOR and best[i + 1][j + 1][1]:
                options.append((scores[i][j] + best[i + 1][j + 1][0], best[i + 1][j + 1][1]))
            top = max(v for v, k in options if k) if any(k for _, k in options) else -1.0
            best[i][j] = (top, sum(k for v, k in options if k and v == top))
    if best[0][0][1] != 1:
        return None
    pairs, i, j = [], 0, 0
    while j < m:
        take = scores[i][j] >= FLOOR and best[i + 1][j + 1][1] and scores[i][j] + best[i + 1][j + 1][0] == best[i][j][0]
        if take:
            pairs.append((i, j))
            j += 1
        i += 1
    return pairs
