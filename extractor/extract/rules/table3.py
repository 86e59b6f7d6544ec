"""Table 三: 7 applicant columns × 23 (2019) or 25 (2021) rows.

Two readings, and the verifier picks between them:

* anchored: find each row label in template order and read the run of values after it
  (cell-per-line, tab rows, markdown, PDF lines, and text with the cells run together);
* aligned: take the value rows in reading order and lay them over the template rows, with the
  labels that survive as fixed points (conversions that tore labels away from their values).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from verify.identities import evaluate, identities
from verify.layout import S3_COLUMN_LABELS, S3_COLUMNS, s3_key, s3_rows

from ...labels import S3_LABEL, S3_WORDS
from ...locate.layout import Layout
from ...locate.stream import CELL, ROW, Stream
from ...locate.zones import Zone
from ...normalize import compact
from ...numbers import read_cell
from ..candidate import Reading, TableReading, weak_note
from .align import Placed, fill_gaps
from .runs import Slots, ambiguity, blank_cells, first_run, label_row, piece, readings, slots, split_pieces
from .split import split_free, split_sums
from .tokens import Token, is_header_row, tokenize, written_together
from .words import Words, cut_from_another, words

N = len(S3_COLUMNS)
_SPLITS_ADD_UP = "each reading adds up to its row's 总计 (H3); ranked by the column identities (H1, H2) of the whole table"
_MAX_COMBINATIONS = 20000


@dataclass
class RowRead:
    candidates: list[Slots] = field(default_factory=list)  # one unless digits had to be split
    split: bool = False
    raw: str = ""
    forced: bool = False  # the digits cut only one way into 7 numbers, which do not add up
    subtotal_skipped: bool = False  # the row's 小计 value, not a cell of the dictionary, was left out


def _undotted_leaf(stream: Stream, leaf: int, window_start: int, start: int) -> int:
    """Where the label at compact `start` begins when its leaf number stands before it with no
    dot: only where that number opens a cell, so it is no value of the row before."""
    pm = re.search(rf"{leaf}[^\d]{{0,14}}$", stream.compact[window_start:start])
    if pm is None:
        return start
    at = stream.to_text(window_start + pm.start())
    return window_start + pm.start() if at == 0 or stream.text[at - 1] in (CELL, ROW) else start


_COLUMN_NAMES = frozenset(compact(name) for name in S3_COLUMN_LABELS.values()) | {"法人或其他组织", "申请人情况"}


def _names_the_columns(stream: Stream, row: int, rows: tuple[str, ...]) -> bool:
    """A header row: cells but no value, more text cells than a row's labels, or three naming
    rows or columns of the table (a header of invented names counts by its width). A
    conversion may print one with the wrong labels between two rows ("| 项目 | 本年新收件数 |
    上年结转件数 | 予以公开 |…"): what it names are not the rows that follow, so its labels
    anchor nothing."""
    if not is_header_row(stream, row):
        return False
    texts = [t for t in (compact(stream.cells[cid].text) for cid in stream.row_cells(row)) if t]
    named = sum(t in _COLUMN_NAMES or any(S3_LABEL[r].pattern.search(t) for r in rows) for t in texts)
    return named >= _LABEL_CELLS or len(texts) > _LABEL_CELLS


# A row of blanks prints at most three labels (三、本年度办理结果 · its group · its own);
# a header names more, or as many columns.
_LABEL_CELLS = 3


def _search(stream: Stream, pattern: re.Pattern[str], pos: int, end: int, skip) -> re.Match[str] | None:
    """The first match of a label outside the rows `skip` tells to pass over."""
    m = pattern.search(stream.compact, pos, end)
    while m is not None:
        cid = stream.cell_at(stream.to_text(m.start()))
        if cid is None or not skip(stream.cell_row[cid]):
            return m
        m = pattern.search(stream.compact, m.end(), end)
    return None


def _header_rows(stream: Stream, rows: tuple[str, ...]) -> Callable[[int], bool]:
    """Whether a document row is a header (`_names_the_columns`), worked out once per row."""
    headers: dict[int, bool] = {}

    def header(row: int) -> bool:
        if row not in headers:
            headers[row] = _names_the_columns(stream, row, rows)
        return headers[row]

    return header


def _in_words(stream: Stream, view: Words, pattern: re.Pattern[str], pos: int, end: int, skip) -> tuple[int, int] | None:
    """As `_search`, in the words without the values among them (a label cut around its numbers)."""
    span = view.search(pattern, pos, end)
    while span is not None:
        cid = stream.cell_at(stream.to_text(span[0]))
        if cid is None or not skip(stream.cell_row[cid]):
            return span
        span = view.search(pattern, span[0] + 1, end)
    return None


def _anchors(
    stream: Stream, zone: Zone, rows: tuple[str, ...], header: Callable[[int], bool], view: Words
) -> dict[str, tuple[int, int]]:
    """Compact (start, end) of each row label found, searching in template order: as printed,
    or read whole where its numbers stand inside it (then the span holds them)."""
    pos, end = stream.to_compact(zone.start), stream.to_compact(zone.end)
    found: dict[str, tuple[int, int]] = {}
    for i, row in enumerate(rows):
        label = S3_LABEL[row]
        m = (label.numbered and _search(stream, label.numbered, pos, end, header)) or _search(
            stream, label.pattern, pos, end, header
        )
        span = (m.start(), m.end()) if m else None
        whole = (label.numbered and _in_words(stream, view, label.numbered, pos, end, header)) or _in_words(
            stream, view, label.pattern, pos, end, header
        )
        before = S3_WORDS[rows[i - 1]] if i and rows[i - 1] not in found else None
        if whole is not None and (span is None or whole[0] < span[0] < whole[1]) and not cut_from_another(stream, whole, before):
            span = (whole[0], _rest_of_cell(stream, whole[1]))
        if span is None:
            continue
        start = _leaf_start(stream, label.leaf, pos, span[0])
        if start == span[0] and label.leaf is not None and not stream.compact.startswith(str(label.leaf), start):
            start = view.leaf_before(label.leaf, span[0], pos) or start  # "4.保护 0 0 … 第三方合法权益"
        found[row] = (start, span[1])
        pos = span[1]
    return found


def _rest_of_cell(stream: Stream, end: int) -> int:
    """The end of a label read whole around its numbers, past the words of its last line that
    the pattern did not need ("…重新 | 0 0 … | 出具已获取信息"): they are no other row's label."""
    c, cid = stream.compact, stream.cell_at(stream.to_text(end - 1))
    while end < len(c) and not c[end].isdigit() and stream.cell_at(stream.to_text(end)) == cid:
        end += 1
    return end


def _words_start(stream: Stream, leaf: int | None, start: int) -> int:
    """Where a label's words begin, after its leaf number: its numbers may follow them at once
    (a label broken around its numbers), and a leaf number without its dot reads as a value."""
    c = stream.compact
    if leaf is None or not c.startswith(str(leaf), start):
        return start
    return start + 1 + (c[start + 1 : start + 2] in (".", "、", "．"))


def _leaf_start(stream: Stream, leaf: int | None, floor: int, start: int) -> int:
    """Where a label found at compact `start` begins, its leaf number included: "…0000002.其他法律…"
    the 2 belongs to the label, not to the values before it. (A match of `numbered`, or a
    label that opens with its number, holds it already.)"""
    c = stream.compact
    if leaf is None or c.startswith(str(leaf), start):
        return start
    window_start = max(floor, start - 16)
    pm = re.search(rf"{leaf}[.、．][^\d]{{0,14}}$", c[window_start:start])
    if pm:
        return window_start + pm.start()
    # "4保护第三方…" in one cell: a scan whose recogniser lost the dot
    return _undotted_leaf(stream, leaf, window_start, start)


def _aligned_anchors(
    stream: Stream, zone: Zone, rows: tuple[str, ...], found: dict[str, tuple[int, int]], header
) -> dict[str, Placed]:
    """The rows no pattern found, placed on the labels left between the rows found (align)."""
    span = (stream.to_compact(zone.start), stream.to_compact(zone.end))
    placed = fill_gaps(stream, span, rows, found, S3_WORDS, N, lambda t: header(t.row))
    return {r: Placed(_glued_leaf(stream, S3_LABEL[r].leaf, p.start), p.end, p.score) for r, p in placed.items()}


def _glued_leaf(stream: Stream, leaf: int | None, start: int) -> int:
    """A label placed from its dot: the leaf number before it went to the values ("…00000001.属于…"),
    and belongs to the label, as for a pattern."""
    c = stream.compact
    if leaf is not None and c[start : start + 1] in (".", "、", "．") and c[start - 1 : start] == str(leaf):
        return start - 1
    return start


def _row_read(
    stream: Stream, tokens: list[Token], first_column: int | None = None, subtotal: bool = False, row: int | None = None
) -> RowRead:
    """`subtotal`: the header prints a 小计 column (SPEC V13) between 其他 and 总计; `row`: the
    document row of the label, whose empty cells are the row's blanks when it has no value."""
    run, _ = first_run(tokens)
    if run is None:
        if first_column is not None:
            tokens = [t for t in tokens if t.column is not None and t.column >= first_column]
        blanks = blank_cells(tokens, N + subtotal, row)
        if blanks is None:
            return RowRead()
        return RowRead([_without_subtotal(blanks) if subtotal else blanks])
    if subtotal:
        placed = slots(run, N + 1, first_column)
        if placed is not None:
            return RowRead([_without_subtotal(placed)], subtotal_skipped=True)
        if len(run.values) < N + 1:
            return RowRead(raw=" ".join(t.text for t in run.values))  # which cell is missing, the 小计 or another?
    placed = slots(run, N, first_column)
    if placed is not None:
        return RowRead([placed])
    values = run.values
    if len(values) == N + 1 and _drop_subtotal(values):
        # SPEC V13: an extra 法人或其他组织 小计 column between 其他 and 总计.
        return RowRead([[piece(t) for t in _without_subtotal(values)]], subtotal_skipped=True)
    if len(values) < N and all(t.kind == "value" for t in values) and written_together(values):
        pieces = [t.text for t in values]
        spans = split_sums(pieces, [N])
        if not spans:
            # Nothing adds up, yet when the digits can be cut only one way the row still states
            # its numbers: read them, and let the identities name the error in the source.
            forced = split_free(pieces, N, limit=2)
            if len(forced) == 1:
                return RowRead([split_pieces(values, forced[0])], split=True, raw=" ".join(pieces), forced=True)
        return RowRead([split_pieces(values, s) for s in spans], split=True, raw=" ".join(pieces))
    return RowRead(raw=" ".join(t.text for t in values))


_SUBTOTAL = 6  # the 小计 column's place in a row that prints one: after 其他, before 总计


def _without_subtotal(cells: list) -> list:
    return cells[:_SUBTOTAL] + cells[_SUBTOTAL + 1 :]


def _drop_subtotal(values: list[Token]) -> bool:
    try:
        nums = [int(t.text) for t in values]
    except ValueError:
        return False
    return sum(nums[1:6]) == nums[6] and nums[0] + nums[6] == nums[7]


def _has_subtotal_column(stream: Stream, zone: Zone, found: dict[str, tuple[int, int]]) -> bool:
    """The header, above the first row label, names a 小计 column (SPEC V13)."""
    start = stream.to_compact(zone.start)
    end = min((a for a, _ in found.values()), default=stream.to_compact(zone.end))
    return "小计" in stream.compact[start:end]


def anchored(stream: Stream, zone: Zone, layout: str) -> tuple[dict[str, RowRead], list[str], dict[str, float]]:
    """The rows read after their labels, the rows whose label was not found, and the likeness
    score of each row placed on a label no pattern found."""
    rows = s3_rows(layout)
    header = _header_rows(stream, rows)
    found = _anchors(stream, zone, rows, header, words(stream, zone.start, zone.end))
    placed = _aligned_anchors(stream, zone, rows, found, header)
    found |= {row: (p.start, p.end) for row, p in placed.items()}
    order = sorted((r for r in rows if r in found), key=lambda r: found[r][0])
    segments: dict[str, tuple[tuple[int | None, int | None], list[Token]]] = {}
    for i, row in enumerate(order):
        # From the label's words, not its end: its numbers may stand inside it, after a line of it.
        seg_start = stream.to_text(_words_start(stream, S3_LABEL[row].leaf, found[row][0]))
        seg_end = stream.to_text(found[order[i + 1]][0]) if i + 1 < len(order) else zone.end
        where = _label_cell(stream, stream.to_text_end(found[row][1]))
        segments[row] = (where, tokenize(stream, seg_start, seg_end))
    subtotal = _has_subtotal_column(stream, zone, found)
    starts = _value_columns(segments.values(), N + subtotal)
    out = {}
    for row, (where, tokens) in segments.items():
        at = label_row(stream, stream.to_text_end(found[row][1]))
        below = _table_below(stream, tokens, at, N + subtotal)
        first_column = starts.get(where)
        if below is not None:
            at, first_column = below
            # The label column holds no value, whatever is printed there (a piece of the
            # group's label: "（四）无 | 法提供" cut over two rows).
            tokens = [t for t in tokens if t.row != at or t.column is None or t.column >= first_column]
        out[row] = _row_read(stream, tokens, first_column, subtotal, at)
    missing = [r for r in rows if r not in found]
    return out, missing, {row: p.score for row, p in placed.items()}


def _table_below(stream: Stream, tokens: list[Token], label_at: int | None, width: int) -> tuple[int, int] | None:
    """A label printed above its row's cells, as a heading over a table of one row: the first
    row below with a value or an empty cell is the label's, and (document row, first value
    column) say where its cells are. It has one cell per value, or a label column more (empty,
    or a word such as "数量"): counted from the right, a blank at either end keeps its place."""
    if label_at is None or any(t.row == label_at and t.kind != "text" for t in tokens):
        return None
    row = next((t.row for t in tokens if t.kind != "text" and t.row != label_at), None)
    if row is None:
        return None
    cells = stream.row_cells(row)
    if any(stream.cells[c].loc.column is None for c in cells) or len(cells) - width not in (0, 1):
        return None
    return row, stream.cells[cells[-width]].loc.column


def _label_cell(stream: Stream, label_end: int) -> tuple[int | None, int | None]:
    """(grid table, grid column) of the cell where a row label ends."""
    cid = stream.cell_at(label_end - 1)
    if cid is None:
        return (None, None)
    loc = stream.cells[cid].loc
    return (loc.table, loc.column)


def _value_columns(segments, width: int = N) -> dict[tuple[int | None, int | None], int]:
    """Where the values start, per (table, label column), learnt from the complete rows.

    Markdown conversions shift rows sideways with merged cells; rows whose label sits in the
    same column put their values in the same columns, which tells a blank from padding.
    """
    seen: dict[tuple[int | None, int | None], set[int]] = {}
    for where, tokens in segments:
        if where[1] is None:
            continue
        run, _ = first_run(tokens)
        if run is None or len(run.values) != width or run.values[0].column is None:
            continue
        seen.setdefault(where, set()).add(run.values[0].column)
    return {where: cols.pop() for where, cols in seen.items() if len(cols) == 1}


def _row_segments(stream: Stream, zone: Zone) -> list[tuple[int, int]]:
    segs = []
    start = zone.start
    while start < zone.end:
        nl = stream.text.find(ROW, start, zone.end)
        end = zone.end if nl == -1 else nl
        if end > start:
            segs.append((start, end))
        start = end + 1
    return segs


def _label_row(label: str, rows: tuple[str, ...]) -> str | None:
    best: tuple[int, int, str] | None = None
    for i, row in enumerate(rows):
        matches = list(S3_LABEL[row].pattern.finditer(label))
        # The leaf label is printed last in its row ("（三）不予公开 | 1.属于国家秘密").
        if matches and (best is None or (matches[-1].end(), i) > best[:2]):
            best = (matches[-1].end(), i, row)
    return best[2] if best else None


def aligned(stream: Stream, zone: Zone, layout: str) -> dict[str, RowRead] | None:
    rows = s3_rows(layout)
    value_rows: list[tuple[str | None, Slots]] = []
    for a, b in _row_segments(stream, zone):
        tokens = tokenize(stream, a, b)
        run, _ = first_run(tokens)
        if run is None:
            continue
        placed = slots(run, N)
        if placed is None:
            continue
        label = "".join(t.text for t in tokens if t.kind == "text")
        value_rows.append((_label_row(compact(label), rows) if label else None, placed))
    if not value_rows:
        return None
    index = {r: i for i, r in enumerate(rows)}
    fixed = [(k, index[lab]) for k, (lab, _) in enumerate(value_rows) if lab is not None]
    # Each labelled value row pins its position; the unlabelled ones between two pins must fill
    # exactly the template rows between them.
    points = [(-1, -1)] + fixed + [(len(value_rows), len(rows))]
    for (k0, i0), (k1, i1) in zip(points, points[1:]):
        if k1 - k0 != i1 - i0:
            return None
    return {rows[k]: RowRead([placed]) for k, (_, placed) in enumerate(value_rows)}


def _values(slots_: Slots) -> list[int | None]:
    out: list[int | None] = []
    for p in slots_:
        if p is None:
            out.append(None)
            continue
        v = read_cell(p.text).value
        out.append(int(v) if isinstance(v, (int, float)) and float(v).is_integer() else None)
    return out


def _cells_of(choice: dict[str, Slots]) -> dict[str, int | None]:
    cells: dict[str, int | None] = {}
    for row, s in choice.items():
        for col, v in zip(S3_COLUMNS, _values(s)):
            cells[s3_key(row, col)] = v
    return cells


def _score(cells: dict[str, int | None], layout: str) -> tuple[int, int]:
    results = [evaluate(i, cells) for i in identities(layout, False)]
    return (sum(r.status == "fail" for r in results), sum(r.status == "not_assessable" for r in results))


@dataclass
class Resolved:
    chosen: dict[str, Slots]
    ambiguous: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)
    # For each ambiguous row, its candidates best first: the chosen one, then the others by the
    # best combination of the open rows each takes part in.
    options: dict[str, list[Slots]] = field(default_factory=dict)


def resolve(reads: dict[str, RowRead], layout: str) -> Resolved:
    """Choose one candidate per row; rows with several are settled by the column identities."""
    chosen = {r: rr.candidates[0] for r, rr in reads.items() if len(rr.candidates) == 1}
    open_rows = [r for r, rr in reads.items() if len(rr.candidates) > 1]
    if not open_rows:
        return Resolved(chosen)
    options = [reads[r].candidates for r in open_rows]
    size = 1
    for o in options:
        size *= len(o)
    best: list[tuple[tuple[int, int], tuple[int, ...]]] = []
    if size <= _MAX_COMBINATIONS:
        for combo in itertools.product(*(range(len(o)) for o in options)):
            trial = dict(chosen)
            trial.update((r, o[i]) for r, o, i in zip(open_rows, options, combo))
            best.append((_score(_cells_of(trial), layout), combo))
        best.sort(key=lambda x: x[0])
    if best and best[0][0][0] == 0 and (len(best) == 1 or best[1][0] > best[0][0]):
        chosen.update((r, o[i]) for r, o, i in zip(open_rows, options, best[0][1]))
        return Resolved(chosen, notes=[f"split of rows {', '.join(open_rows)} settled by the column identities"])
    pick = best[0][1] if best else (0,) * len(open_rows)
    chosen.update((r, o[i]) for r, o, i in zip(open_rows, options, pick))
    ranked: dict[str, list[Slots]] = {}
    for n, (row, candidates) in enumerate(zip(open_rows, options)):
        order = list(dict.fromkeys([pick[n], *(combo[n] for _, combo in best), *range(len(candidates))]))
        ranked[row] = [candidates[i] for i in order]
    note = f"rows {', '.join(open_rows)}: several splits of the digits fit; one was chosen, please confirm"
    return Resolved(chosen, set(open_rows), [note], ranked)


def read_table3(stream: Stream, zone: Zone | None, decided: Layout) -> TableReading:
    if zone is None:
        return TableReading("s3", None, False, notes=["table 三 not found"])
    layout = decided.layout
    if layout is None:
        return TableReading("s3", None, True, notes=[decided.evidence])
    notes = [decided.evidence]
    reads, missing, scores = anchored(stream, zone, layout)
    resolved = resolve(reads, layout)
    method = "anchored"
    quality = _quality(resolved.chosen, layout)
    if quality != (0, 0, 0):
        alt = aligned(stream, zone, layout)
        if alt is not None:
            alt_resolved = resolve(alt, layout)
            if _quality(alt_resolved.chosen, layout) < quality:
                resolved, method, missing, scores = alt_resolved, "aligned", [], {}
                notes.append("labels detached from their values: value rows laid over the template rows in reading order")
    notes += resolved.notes
    chosen, ambiguous = resolved.chosen, resolved.ambiguous
    skipped = [row for row, rr in reads.items() if rr.subtotal_skipped and method == "anchored"]
    if skipped:
        notes.append(f"a 法人或其他组织 小计 column is printed; its value, not a cell of the template, was left out in {len(skipped)} rows")
    table = TableReading("s3", layout, True, notes=notes)
    for row in s3_rows(layout):
        keys = [s3_key(row, c) for c in S3_COLUMNS]
        if row in chosen:
            rr = reads.get(row) if method == "anchored" else None
            note = None
            if rr is not None and rr.forced:
                note = "the only way to cut the digits into 7 numbers; they do not add up"
            elif rr is not None and rr.split and row not in ambiguous:
                note = "the only split whose parts add up"
            if row in scores:
                note = "; ".join(n for n in (note, weak_note(scores[row])) if n)
            found = readings(stream, keys, chosen[row], note=note, ambiguous=row in ambiguous)
            for r in found.values():
                r.label_match = scores.get(row)
            table.cells.update(found)
            if row in ambiguous:
                table.ambiguities.append(ambiguity(stream, keys, resolved.options[row], _SPLITS_ADD_UP))
        else:
            why_missing = "row label not found" if row in missing else "values not readable"
            raw = reads[row].raw if row in reads else ""
            table.cells.update(_missing(keys, why_missing + (f" ({raw!r})" if raw else "")))
    return table


def _missing(keys: list[str], note: str) -> dict[str, Reading]:
    return {k: Reading.missing(note) for k in keys}


def _quality(chosen: dict[str, Slots], layout: str) -> tuple[int, int, int]:
    rows_missing = sum(1 for r in s3_rows(layout) if r not in chosen)
    failing, unassessable = _score(_cells_of(chosen), layout)
    return (rows_missing, failing, unassessable)
