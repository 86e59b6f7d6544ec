"""Template rows whose label no pattern found, placed on the printed labels left over.

The patterns of `labels.py` find a row by a distinctive piece of its label; one wrong, missing
or extra character there ("其他法律行政止公开", "规张") and the row is lost, although its label and
its values are printed. Such rows are looked for between the rows that were found, since a
table keeps its template's order: in each gap, the stretches of text that a run of values (or
the row's blank cells) follows are the printed labels left over, and the missing rows are laid
on them in order, by likeness (`extractor.likeness`). Where the gap holds as many such labels
as rows are missing, the order alone places them (none below `ORDERED_FLOOR`); otherwise each
row takes the label most like its own, and none below `FLOOR`. A row placed so carries its score, and the decision treats its
cells as resting on a weak match. Where a table's labels go on after their numbers (wrapped
below the line they stand on), a label is scored with the words after its run as well.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from rapidfuzz import fuzz

from ...likeness import likeness
from ...locate.stream import Stream
from .tokens import Token, tokenize

# Below this a label is taken for another row's, or for no row's, unless order alone places it;
# and below ORDERED_FLOOR not even then (a header's words, a note: nothing like the row's label).
FLOOR = 45.0
ORDERED_FLOOR = 25.0


@dataclass(frozen=True)
class Stretch:
    """Printed text that may be a row's label, with values (or blank cells) after it."""

    start: int  # compact positions
    end: int
    text: str
    at: int = 0  # the text position of its first character
    # The words after its values on lines that hold none (a label wrapped below the line of its
    # numbers goes on there), up to the next line with values: empty in a table printed a row to a line.
    after: str = ""


@dataclass(frozen=True)
class Placed:
    start: int  # compact positions of the label taken
    end: int
    score: float


def stretches(stream: Stream, tokens: list[Token], width: int, skip: Callable[[Token], bool]) -> list[Stretch]:
    """The label candidates among `tokens`: runs of text, each ended by a value or by the
    `width` empty cells of a row printed blank; text `skip` names (a header) is not a label.
    Text with nothing after it (a group label, a wrapped label's last words) is left out."""
    out: list[Stretch] = []
    text: list[Token] = []
    empties = 0
    lines = {t.row for t in tokens if t.kind != "text"}  # the document rows that print cells of a row
    closed: list[list[Token]] = []

    def close() -> None:
        if text:
            start, end = stream.to_compact(text[0].start), stream.to_compact(text[-1].end)
            out.append(Stretch(start, end, stream.compact[start:end], text[0].start))
            closed.append(list(text))

    for t in tokens:
        if t.kind == "text":
            if skip(t):
                continue
            if text and empties >= width:
                close()
                text = []
            text.append(t)
            empties = 0
        elif t.kind == "empty":
            empties += 1
        else:
            close()
            text, empties = [], 0
    if text and empties >= width:
        close()
        text = []
    follows = [*closed[1:], text]
    return [replace(s, after=_words_of(stream, _until_cells(nxt, lines))) for s, nxt in zip(out, follows)]


def _until_cells(tokens: list[Token], lines: set[int]) -> list[Token]:
    """The tokens before the first that stands on a line with cells."""
    out: list[Token] = []
    for t in tokens:
        if t.row in lines:
            break
        out.append(t)
    return out


def _words_of(stream: Stream, tokens: list[Token]) -> str:
    return "".join(stream.compact[stream.to_compact(t.start) : stream.to_compact(t.end)] for t in tokens)


def around(before: str, after: str, labels: tuple[str, ...], least: int = 0) -> float:
    """How alike the words around a run of values are to a row's label: the best end of the
    text before the run (`least` characters of it at the least) joined to the best start of
    the text after it, scored whole (the cuts choose the window: a best window of its own
    could lie wholly in the text after the run, which may be the next row's label)."""
    return max(
        (
            fuzz.ratio(label, before[a:] + after[:b])
            for label in labels
            for a in range(max(0, len(before) - _BEFORE), len(before) + 1 - least)
            for b in range(len(after) + 1)
        ),
        default=0.0,
    )


# How far back from a run a wrapped label may start: its words are some twenty characters, and
# what lies further back (captions, group labels, the rows before) is not its own.
_BEFORE = 40


def place(rows: Sequence[str], found: Sequence[Stretch], words: dict[str, tuple[str, ...]]) -> dict[str, Placed]:
    """Lay the rows (in template order) on the stretches (in printed order), keeping both orders.

    As many stretches as rows: each in turn. Otherwise the placing with the highest total
    score, each pair at `FLOOR` or above (a dynamic programme over the two sequences).
    """
    if not rows or not found:
        return {}
    # A label whose numbers stand on its first or a middle line goes on after them; it keeps
    # at least a character before them, so no row takes the next label's words for its own.
    scores = [
        [max(likeness(s.text, words[r]), around(s.text, s.after, words[r], least=1)) for s in found] for r in rows
    ]
    if len(rows) == len(found) and all(scores[i][i] >= ORDERED_FLOOR for i in range(len(rows))):
        return {r: _at(s, words[r], scores[i][i]) for i, (r, s) in enumerate(zip(rows, found))}
    n, m = len(rows), len(found)
    # best[i][j]: the best total placing rows[i:] on found[j:]
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            take = scores[i][j] + best[i + 1][j + 1] if scores[i][j] >= FLOOR else -1.0
            best[i][j] = max(take, best[i + 1][j], best[i][j + 1])
    out: dict[str, Placed] = {}
    i = j = 0
    while i < n and j < m:
        if scores[i][j] >= FLOOR and best[i][j] == scores[i][j] + best[i + 1][j + 1]:
            out[rows[i]] = _at(found[j], words[rows[i]], scores[i][j])
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            i += 1
        else:
            j += 1
    return out


def _goes_on(stream: Stream, end: int, start: int) -> bool:
    """Nothing but spaces between a label's end and the text at `start`: one cell's words."""
    return not stream.text[end:start].strip(" ")


def _at(stretch: Stretch, words: tuple[str, ...], score: float) -> Placed:
    """The label placed on a stretch, starting where its words are most like the row's: text
    before them (a caption, headers, a group label run together with it) is not the row's."""
    label = max(words, key=lambda w: fuzz.partial_ratio(w, stretch.text))
    text = stretch.text
    # Values follow the label: it ends the stretch, and starts where the rest is most like it.
    at = max(range(len(text)), key=lambda p: (fuzz.ratio(label, text[p:]), -p)) if len(text) > len(label) else 0
    # The best window may start a character or two into the label ("复申请" of "2.童复申请"); a
    # numbering just before it ("2.", "(七)", "四、") is where the label starts.
    numbered = [m.start() for m in _NUMBERING.finditer(text) if at - _NEAR <= m.end() <= at + 1]
    if not numbered and at <= _NEAR and text[:1] in (".", "、", "．"):
        numbered = [0]  # its number's dot: the digit went to the values before ("…0122.复复申请")
    return Placed(stretch.start + (numbered[-1] if numbered else at), stretch.end, score)


_NUMBERING = re.compile(r"[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\)|\d+[.、．]")
_NEAR = 2


def in_gap(stream: Stream, start: int, end: int, width: int, skip: Callable[[Token], bool]) -> list[Stretch]:
    """The label candidates between two compact positions."""
    if end <= start:
        return []
    return stretches(stream, tokenize(stream, stream.to_text(start), stream.to_text(end)), width, skip)


def fill_gaps(
    stream: Stream,
    span: tuple[int, int],
    rows: Sequence[str],
    found: dict[str, tuple[int, int]],
    words: dict[str, tuple[str, ...]],
    width: int,
    skip: Callable[[Token], bool] = lambda t: False,
) -> dict[str, Placed]:
    """The rows (template order) no pattern found in the compact `span`, each gap between two
    rows found filled with the rows missing there (`place`). Where the labels found show that
    labels go on after their numbers (`labels_go_on`), the words after a run are its label's too."""
    placed: dict[str, Placed] = {}
    go_on = labels_go_on(stream, list(found.values()))
    gap: list[str] = []
    left = span[0]
    holds_values = False
    for row in (*rows, None):
        if row is not None and row not in found:
            gap.append(row)
            continue
        right = found[row][0] if row is not None else span[1]
        if gap:
            labels = in_gap(stream, left, right, width, skip)
            own = left != span[0] and labels and _goes_on(stream, stream.to_text_end(left), labels[0].at)
            if own and not holds_values:
                labels = labels[1:]  # words in the cell of a label found, before its values: its own
            placed |= place(gap, labels if go_on else [replace(s, after="") for s in labels], words)
        gap = []
        if row is not None:
            left = found[row][1]
            # A label read whole around its numbers has had its values: the words after it run
            # on to the next labels, whose values follow them ("…逾期未 0 0 … 按收费通知要求缴纳费 /
            # 用、…申请 / 3.他 8 0 …"), and are no stretch of its own to pass over.
            holds_values = _holds_values(stream, found[row])
    return placed


def labels_go_on(stream: Stream, found: list[tuple[int, int]]) -> bool:
    """Whether a table's labels go on after their numbers: a third of the labels found were
    read whole around values (their numbers on the first or a middle line). A table prints
    its labels alike; where they end with their numbers, the words after a run are the next
    row's label, and a row taking them would take another's words."""
    return bool(found) and sum(_holds_values(stream, span) for span in found) * _SHARE >= len(found)


_SHARE = 3


def _holds_values(stream: Stream, span: tuple[int, int]) -> bool:
    """A value stands inside a label's compact span (it was read whole around its numbers)."""
    return any(t.is_value for t in tokenize(stream, stream.to_text(span[0]), stream.to_text_end(span[1])))
