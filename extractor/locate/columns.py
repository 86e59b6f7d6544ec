"""Table 二's column headers: which fields each block's values are, and from which template.

Headers are found by their patterns (`labels.S2_COLUMN`). A header a typist or a recogniser
damaged ("本年废纸件数") matches no pattern, and the block would be read with too few columns.
So each block is checked: when the headers found under its caption are not one template's
whole set for that block, the header text is scored against each set the block may print
(`extractor.likeness`), and the best set above `FLOOR` stands in, each header at the place its
words are most like. The template of a block is then what its headers' words say.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz

from verify.layout import S2_2019, S2_2021

from ..labels import S2_BLOCK_ROWS, S2_CAPTION, S2_COLUMN, S2_COLUMNS, S2_ITEM, S2_ROW_WORDS
from ..likeness import EXACT
from ..normalize import compact
from .stream import Stream
from .zones import Zone

# A header text less like any set than this is read as no header (the year's columns are assumed).
FLOOR = 60.0


@dataclass(frozen=True)
class Column:
    start: int  # compact position
    field: str
    template: str
    unit_printed: bool
    end: int = 0  # compact position after the header's words
    score: float = EXACT  # likeness of the printed header to the template's, when not found as printed


def _sets(item: str) -> list[tuple[str, tuple[tuple[str, str], ...]]]:
    """(template, ((field, header), …)) for each set of headers a block of this item may print."""
    first = S2_BLOCK_ROWS[item][0]
    out = []
    for template, spec in (("2019", S2_2019), ("2021", S2_2021)):
        cols = tuple((f, compact(col)) for row, f, _, col in spec if row == first)
        if cols:
            out.append((template, cols))
    return out


def _exact(c: str, cs: int, ce: int) -> list[Column]:
    out = []
    for m in S2_COLUMN.finditer(c, cs, ce):
        i = next(int(k[1:]) for k, v in m.groupdict().items() if v is not None)
        _, field, template = S2_COLUMNS[i]
        out.append(Column(m.start(), field, template, "万元" in m.group(), m.end()))
    return out


def _first_digit(c: str, start: int, end: int) -> int:
    return next((i for i in range(start, end) if c[i].isdigit()), end)


def s2_columns(stream: Stream, zone: Zone) -> list[Column]:
    """Every column header of table 二, in printed order."""
    c = stream.compact
    cs, ce = stream.to_compact(zone.start), stream.to_compact(zone.end)
    found = _exact(c, cs, ce)
    captions = list(S2_CAPTION.finditer(c, cs, ce))
    out = [col for col in found if not captions or col.start < captions[0].start()]
    for k, cap in enumerate(captions):
        end = captions[k + 1].start() if k + 1 < len(captions) else ce
        mine = [col for col in found if cap.end() <= col.start < end]
        item = S2_ITEM.search(cap.group())
        sets = _sets(item.group(1)) if item and item.group(1) in S2_BLOCK_ROWS else []
        if not sets or any([(c.field, c.template) for c in mine] == [(f, t) for f, _ in cols] for t, cols in sets):
            out += mine
            continue
        # The headers run from the caption to the block's first value (the first row's label with them).
        head = _first_digit(c, cap.end(), end)
        out += _likeliest(stream, cap.end(), head, sets, item.group(1)) or mine
    return out


def _likeliest(stream: Stream, start: int, end: int, sets, item: str) -> list[Column]:
    """The set of headers the text is most like, each placed where its words are.

    The text runs from the caption to the block's first value: 信息内容, the headers, the first
    row's label. Each set is scored as that whole line would print with it, so a set of one
    header is not taken for a damaged set of three because its one header is like one of them.
    """
    text = stream.compact[start:end]
    first = S2_ROW_WORDS[S2_BLOCK_ROWS[item][0]][-1]
    scored = [(fuzz.ratio(f"信息内容{''.join(h for _, h in cols)}{first}", text), template, cols) for template, cols in sets]
    score, template, cols = max(scored, key=lambda s: s[0])
    if score < FLOOR:
        return []
    out, pos = [], 0
    for field, header in cols:
        at = fuzz.partial_ratio_alignment(header, text[pos:]) if len(text) > pos else None
        place, after = (pos + at.dest_start, pos + at.dest_end) if at is not None else (pos, pos)
        first_char, after = _cell_of(stream, start + (place + after) // 2, start + place, start + after)
        out.append(Column(first_char, field, template, "万元" in header, after, score))
        pos = min(len(text), max(place + 1, first_char - start + 1))
    return out


def _cell_of(stream: Stream, middle: int, start: int, end: int) -> tuple[int, int]:
    """The compact span of the grid cell that holds the middle of a header's best window: the
    window may reach into the cell before or after, the cell is where the header is printed.
    Off a grid (cells written together) the window itself."""
    at = stream.to_text(middle)
    cid = stream.cell_at(at)
    if cid is None or stream.cells[cid].loc.column is None:
        return start, end
    a = b = at
    while a > 0 and stream.cell_of[a - 1] == cid:
        a -= 1
    while b < len(stream.cell_of) and stream.cell_of[b] == cid:
        b += 1
    return stream.to_compact(a), stream.to_compact(b)
