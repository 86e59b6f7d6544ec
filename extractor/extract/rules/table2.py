"""Table 二: blocks of rows under column headers; the headers say which keys the values are.

Each row label is paired with the header printed above it (信息内容 + column names), so a
2019 block, a 2021 block, or a hybrid of both is read with the keys it actually prints (spec
4.3). Table 二 has no identity: digits written together can only be split by plausibility,
and such a split is always marked for a human to confirm.
"""

from __future__ import annotations

import math

from rapidfuzz import fuzz

from verify.layout import S2_2019, S2_2021, S2_ALL_KEYS, s2_key, s2_keys

from ...labels import S2_BLOCK_ROWS, S2_CAPTION, S2_HEADER, S2_ITEM, S2_ROW_WORDS, S2_ROWS
from ...likeness import EXACT, likeness
from ...locate.columns import Column, s2_columns
from ...locate.layout import Layout
from ...locate.stream import ROW, Stream
from ...locate.zones import Zone
from ...normalize import compact
from ...numbers import read_cell
from ..candidate import Reading, TableReading, weak_note
from .align import Placed, fill_gaps
from .floating import Segment, join_floated
from .runs import Slots, ambiguity, blank_cells, first_run, label_row, readings, slots, split_pieces
from .split import split_free
from .tokens import Token, is_header_row, tokenize, written_together
from .wrapped import on_runs
from .words import cut_from_another, words

# Typical spend per procurement project, in 元 (10^5.5 ≈ 32万): centre of the plausibility prior.
_PROCUREMENT_PER_PROJECT_LOG10 = 5.5


def _default_fields(row: str, layout: str | None) -> list[tuple[str, str, bool]]:
    spec = S2_2019 if layout == "2019" else S2_2021
    return [(f, layout or "2021", "万元" in col) for r, f, _, col in spec if r == row]


def _header_for(row_start: int, prev_row: int, headers: list[int], columns: list[Column]) -> list[Column]:
    """The columns printed in the nearest header above the row."""
    above = [h for h in headers if h < row_start]
    lo = above[-1] if above else prev_row
    cols = [col for col in columns if lo <= col.start < row_start]
    if not cols and above:
        # The header sits above an earlier row of the same block: reuse it.
        cols = [col for col in columns if above[-1] <= col.start]
        cols = [col for col in cols if col.start < row_start]
    seen: list[Column] = []
    for col in cols:
        if all(col.field != s.field for s in seen):
            seen.append(col)
    return seen


# The count fields of table 二 (every field but 本年增/减 and the two of 政府集中采购).
_SCALE_FREE = frozenset({"change", "amount_wan", "projects"})
# What a non-zero 本年增/减 costs against a zero one: most organs' item lists do not change.
_NONZERO_CHANGE = 1.0
_CHANGE_SHARE_LOG10 = -1.0  # a change of about a tenth of the items
_CHANGE_WEIGHT = 0.25  # broad: changes from a few items to a rebuilt list are all seen
_STOCK_BELOW_FLOW = 2.0


def _cost(fields: list[str], values: list[float | int | None]) -> float:
    """How implausible a split of a row is (lower is better); SPEC §5.3 as a prior.

    The counts of one row are the same organ's figures, of one scale (SPEC P8): their orders of
    magnitude lie close together. A 本年增/减 is most often 0, and otherwise a change in the
    number of items of about a tenth of them (it may be more, as when a list is rebuilt). An
    order of magnitude is the unit of each penalty, so no one count dominates.
    """
    v = dict(zip(fields, values))
    if any(x is None for x in values):
        return math.inf
    cost = 0.0
    scales = [math.log10(x) for f, x in v.items() if f not in _SCALE_FREE and x > 0]
    if scales:
        mean = sum(scales) / len(scales)
        cost += sum((m - mean) ** 2 for m in scales)
    if v.get("change"):
        prev = v.get("prev_count") or 0
        expected = math.log10(prev) + _CHANGE_SHARE_LOG10 if prev > 0 else 0.0
        cost += _NONZERO_CHANGE + _CHANGE_WEIGHT * (math.log10(abs(v["change"])) - expected) ** 2
        if prev + v["change"] < 0:
            cost += 5  # a list of items cannot go below zero (SPEC P2)
    if "new_published" in v and "total_published" in v and v["new_published"] > v["total_published"]:
        cost += 5
    if {"issued", "in_force", "repealed"} <= v.keys():
        if v["issued"] > v["in_force"] + v["repealed"]:
            cost += 5
        # What is in force is a stock, what was issued or repealed this year a flow.
        if v["in_force"] < max(v["issued"], v["repealed"]):
            cost += _STOCK_BELOW_FLOW
    if "projects" in v and "amount_wan" in v:
        if (v["projects"] == 0) != (v["amount_wan"] == 0):
            cost += 5  # projects bought for nothing, or money spent on no project
        elif v["amount_wan"] > 0:
            per_project = v["amount_wan"] * 10000 / v["projects"]
            cost += abs(math.log10(per_project) - _PROCUREMENT_PER_PROJECT_LOG10)
    return cost


_PRIOR = "plausibility prior on table 二 (SPEC §5.3): nothing inside the table decides"


def _impossible(fields: list[str], texts: list[str]) -> bool:
    """A split that puts a sign on a count or an amount: only 本年增/减 is signed (spec H5)."""
    return any(t.startswith(("+", "-")) and f != "change" for f, t in zip(fields, texts))


def _split_row(values_tokens, fields: list[str]) -> tuple[list[Slots], str]:
    pieces = [t.text for t in values_tokens]
    candidates = split_free(pieces, len(fields))
    scored = []
    for spans in candidates:
        slots_ = split_pieces(values_tokens, spans)
        if _impossible(fields, [p.text for p in slots_]):
            continue
        vals = [read_cell(p.text, money=f == "amount_wan").value for p, f in zip(slots_, fields)]
        scored.append((_cost(fields, vals), slots_))
    scored.sort(key=lambda x: x[0])
    return [s for _, s in scored], " ".join(pieces)


def read_table2(stream: Stream, zone: Zone | None, decided: Layout) -> TableReading:
    if zone is None:
        return TableReading("s2", None, False, notes=["table 二 not found"])
    c = stream.compact
    cs, ce = stream.to_compact(zone.start), stream.to_compact(zone.end)
    hits = []
    view = words(stream, zone.start, zone.end)
    for i, (row, pattern) in enumerate(S2_ROWS):
        m = pattern.search(c, cs, ce)
        span = (m.start(), m.end()) if m else None
        whole = view.search(pattern, cs, ce)  # a label cut around its numbers, read whole
        before = S2_ROW_WORDS[S2_ROWS[i - 1][0]] if i and S2_ROWS[i - 1][0] not in {h[2] for h in hits} else None
        if whole is not None and (span is None or whole[0] < span[0] < whole[1]) and not cut_from_another(stream, whole, before):
            span = whole
        if span:
            hits.append((*span, row))
    columns = s2_columns(stream, zone)
    placed = _placed_rows(stream, (cs, ce), hits, columns, decided.layout)
    patterned = {row for *_, row in hits}
    hits += [(p.start, p.end, row) for row, p in placed.items()]
    for rows, laid in _laid_on_runs(stream, (cs, ce), hits, columns, decided.layout, patterned):
        placed = {r: p for r, p in placed.items() if r not in rows} | laid
        hits = [h for h in hits if h[2] not in rows] + [(p.start, p.end, row) for row, p in laid.items()]
    hits.sort()
    headers = [m.start() for m in S2_HEADER.finditer(c, cs, ce)]
    captions = [m.start() for m in S2_CAPTION.finditer(c, cs, ce)]
    hint = decided.columns
    table = TableReading("s2", decided.layout, True)
    rows = []
    for i, (start, end, row) in enumerate(hits):
        prev = hits[i - 1][1] if i else cs
        cols = _header_for(start, prev, headers, columns)
        fields = [(col.field, col.template, col.unit_printed) for col in cols] or _default_fields(row, hint)
        if not cols:
            table.notes.append(f"table 二 row {row}: no header read, columns of the {hint} template assumed")
        # An empty cell leaves nothing in the compact view: the next label may start right at `end`.
        boundaries = [p for p in headers + captions + [h[0] for h in hits] if p >= end] + [ce]
        a, b = stream.to_text_end(end), stream.to_text(min(boundaries))
        block = sum(p <= start for p in headers + captions)
        # The values are looked for from the label's start: they may stand inside it, after a line of it.
        tokens = tokenize(stream, stream.to_text(start), b)
        segment = Segment(tokens, label_row(stream, a), _grid_columns(stream, cols), block)
        score = min(([placed[row].score] if row in placed else []) + [col.score for col in cols], default=EXACT)
        rows.append((row, fields, segment, score))
    joined = join_floated(stream, [seg for _, _, seg, _ in rows])
    table.notes += [f"table 二: {n}" for n in joined.notes]
    for row, fields, segment, score in rows:
        if segment.row in joined.unsure:
            for f, _, _ in fields:
                table.cells.setdefault(s2_key(row, f), Reading.missing("a value printed outside the table may be this row's"))
            continue
        _read_row(stream, table, row, fields, joined.apply(segment.tokens), segment.row, segment.columns)
        if score < EXACT:
            _weak(table, [s2_key(row, f) for f, _, _ in fields], score)
    keys = set(table.cells)
    for key in _required_keys(table.layout, keys, hint):
        if key not in table.cells:
            table.cells[key] = Reading.missing("row not found in table 二")
    return table


def _placed_rows(
    stream: Stream, span: tuple[int, int], hits: list[tuple[int, int, str]], columns: list[Column], layout: str | None
) -> dict[str, Placed]:
    """The rows no pattern found, looked for in their block: after its caption and headers,
    the rows the caption's item prints (SPEC §2.1, §3.1), in order (align)."""
    placed: dict[str, Placed] = {}
    for start, end, rows in _blocks(stream, span, columns, layout):
        found = {row: (a, b) for a, b, row in hits if start <= a < end and row in rows}
        if len(found) == len(rows):
            continue
        # A header's words are no label; where they run together with the first label (cells
        # written together), the label is scored by its best window in them.
        placed |= fill_gaps(stream, (start, end), rows, found, S2_ROW_WORDS, 1, lambda t: _heads(stream, t))
    return placed


def _blocks(
    stream: Stream, span: tuple[int, int], columns: list[Column], layout: str | None
) -> list[tuple[int, int, list[str]]]:
    """Each block of table 二 (compact start after its caption, end) with the rows it prints:
    the rows of the caption's item (SPEC §2.1, §3.1) that the layout and the block's headers have."""
    c = stream.compact
    printed = {row for row, *_ in (S2_2019 if layout == "2019" else S2_2021 if layout == "2021" else S2_2019 + S2_2021)}
    captions = list(S2_CAPTION.finditer(c, *span))
    out = []
    for k, cap in enumerate(captions):
        end = captions[k + 1].start() if k + 1 < len(captions) else span[1]
        item = S2_ITEM.search(cap.group())
        # The block's own headers say which template's rows it prints (2021's 五 has no 其他对外管理服务事项).
        heads = {col.template for col in columns if cap.end() <= col.start < end}
        mine = {r for r, *_ in (S2_2019 if heads == {"2019"} else S2_2021)} if len(heads) == 1 else printed
        rows = [r for r in S2_BLOCK_ROWS.get(item.group(1) if item else "", ()) if r in printed and r in mine]
        out.append((cap.end(), end, rows))
    return out


def _laid_on_runs(
    stream: Stream, span: tuple[int, int], hits: list[tuple[int, int, str]], columns: list[Column], layout: str | None,
    patterned: set[str],
) -> list[tuple[list[str], dict[str, Placed]]]:
    """For each block whose labels found do not take one run of values each, its rows and those
    laid on its runs in order (`wrapped`: labels broken around their numbers); a row of the
    block laid on none is not printed, unless a pattern found its label (`patterned`): then the
    block is left as found. The runs are looked for after the line of the block's
    last header: a damaged header is placed by likeness, and its end may fall short of its
    line's or run into the first label."""
    out = []
    for start, end, rows in _blocks(stream, span, columns, layout):
        heads = [col.start for col in columns if start <= col.start < end]
        after = min(_line_end(stream, max(heads)), end) if heads else start
        starts = sorted(a for a, _, row in hits if start <= a < end and row in rows)
        laid = on_runs(stream, (after, end), rows, starts, S2_ROW_WORDS)
        # A row whose label a pattern found is printed: laying that leaves it out reads a blank
        # cell, or a value printed below the table ("7（其中新增2项）"), as a row not printed.
        if laid is not None and {r for r in rows if r in patterned} <= set(laid):
            out.append((rows, laid))
    return out


def _line_end(stream: Stream, compact: int) -> int:
    """The compact position after the document row holding a compact position."""
    at = stream.text.find(ROW, stream.to_text(compact))
    return len(stream.compact) if at < 0 else stream.to_compact(at)


_HEADS = tuple(dict.fromkeys(compact(col) for *_, col in S2_2019 + S2_2021)) + ("信息内容",)
_ROW_WORDS = tuple(w for words in S2_ROW_WORDS.values() for w in words)


def _heads(stream: Stream, t: Token) -> bool:
    """Text in a header row (a label with empty cells after it is a row printed blank), or a
    cell of its own more like a column header than like any row's label."""
    if is_header_row(stream, t.row) and sum(bool(stream.cells[c].text.strip()) for c in stream.row_cells(t.row)) > 1:
        return True
    if not t.whole_cell:
        return False  # headers and a label written together: the label is scored by its best window
    text = compact(t.text)
    head = max(fuzz.ratio(h, text) for h in _HEADS)
    return head >= _HEAD_LIKENESS and head > likeness(text, _ROW_WORDS)


_HEAD_LIKENESS = 50.0


def _weak(table: TableReading, keys: list[str], score: float) -> None:
    """The cells of a row read on a label or under headers matched by likeness only."""
    for key in keys:
        r = table.cells.get(key)
        if r is not None and r.kind != "missing":
            r.label_match = score
            r.note = "; ".join(n for n in (r.note, weak_note(score)) if n)


# Rows both templates print: a table 二 of either layout, or a mix of the two, has each of them.
_COMMON_ROWS = {row for row, *_ in S2_2019} & {row for row, *_ in S2_2021}


def _required_keys(layout: str | None, found: set[str], hint: str | None) -> list[str]:
    """The keys a table 二 of this layout must print. A mixed one (SPEC §4.3) prints each row of
    either template's columns, so a row it lacks altogether is a row both templates have, given
    the columns its year or headers suggest."""
    if layout in ("2019", "2021"):
        return list(s2_keys(layout))
    if layout != "mixed":
        return []
    rows_found = {k.split(".")[1] for k in found}
    fields = S2_2019 if hint == "2019" else S2_2021
    return [s2_key(row, f) for row, f, *_ in fields if row in _COMMON_ROWS and row not in rows_found]


def _grid_columns(stream: Stream, cols: list[Column]) -> list[int] | None:
    """The grid column of each header cell, where the format has a grid: a value sits under its
    header, which tells a blank cell from the empty cell a narrow block leaves beside it."""
    out = []
    for col in cols:
        cid = stream.cell_at(stream.to_text(col.start))
        column = stream.cells[cid].loc.column if cid is not None else None
        if column is None:
            return None
        out.append(column)
    return out or None


def _read_row(
    stream: Stream,
    table: TableReading,
    row: str,
    fields: list[tuple[str, str, bool]],
    tokens: list[Token],
    at: int | None,
    columns: list[int] | None = None,
) -> None:
    """`tokens`: what follows the row's label, up to the next; `at`: the label's document row."""
    keys = [s2_key(row, f) for f, _, _ in fields]
    unknown = [k for k in keys if k not in S2_ALL_KEYS]
    if unknown:
        table.notes.append(f"table 二: {', '.join(unknown)} is not a template cell; skipped")
    money = frozenset(k for k in keys if k.endswith("_wan"))
    unit_printed = frozenset(k for k, (_, _, printed) in zip(keys, fields) if printed)
    run, _ = first_run(tokens)
    if run is None:
        blanks = blank_cells(tokens, len(keys), at)
        if blanks is not None:
            for k, r in readings(stream, keys, blanks).items():
                table.cells.setdefault(k, r)
            return
        for k in keys:
            table.cells.setdefault(k, Reading.missing("no value after the row label"))
        return
    placed = slots(run, len(keys), columns=columns)
    ambiguous = False
    note = None
    if placed is None and len(run.values) < len(keys) and written_together(run.values):
        options, raw = _split_row(run.values, [f for f, _, _ in fields])
        if len(options) == 1:
            placed = options[0]
            note = f"{raw!r} has no separators; the only possible split"
        elif options:
            placed = options[0]
            ambiguous = True
            note = f"{raw!r} has no separators; split by plausibility among {len(options)} readings"
            table.notes.append(f"table 二 row {row}: {note}")
            table.ambiguities.append(
                ambiguity(stream, keys, options, _PRIOR, money_keys=money, unit_printed=unit_printed)
            )
    if placed is None:
        raw = " ".join(t.text for t in run.values)
        for k in keys:
            table.cells.setdefault(k, Reading.missing(f"{len(run.values)} values for {len(keys)} columns: {raw!r}"))
        return
    found = readings(stream, keys, placed, money_keys=money, unit_printed=unit_printed, note=note, ambiguous=ambiguous)
    for k, r in found.items():
        if k in S2_ALL_KEYS:
            table.cells.setdefault(k, r)
