"""What a correct extraction of a rendered report must give, worked out from the source alone.

Where every cell keeps its boundary the document determines every value: the extraction must
give exactly what it prints. Where cells are written together (`concatenated`) a data row is
determined only when the printed characters allow a single reading:

* table 二 (no identity): exactly one way to cut the row's text into its numbers, each of
  its column's type (a count has no sign, decimals or unit; 本年增/减 may carry a sign; an
  amount may carry decimals and a unit);
* table 三: exactly one cut of each row whose six applicant cells add up to its 总计 (H3), or,
  when several rows allow several, exactly one combination that also satisfies H1 and H2;
* table 四: exactly one cut into three groups of five whose first four add up to the fifth.

A row whose text cuts only one way at all is determined even when its numbers do not add
up. In a damaged table the identities no longer tell the truth: the damaged row is determined
only by such a single cut, the others only by their own row identity. An undetermined
("open") cell must never pass as read: it comes out as printed, or marked ambiguous, or
unread, and the document needs review.

A cell printed with no value (empty, or a placeholder mark) is `null`, its provenance kind
`blank` or `placeholder`, and the document is not verified, unless every such cell is an
applicant cell of table 三 and every identity holds with them as zeros (SPEC §5.1: then the
inference verifies it, the cells staying null). A placeholder is always seen; an
empty cell is seen only where the rendering shows empty cells (`Renderer.shows_empty_cells`):
where it leaves no trace, the values of its row cannot be placed and the whole row is open.
Where merged cells leave padding fields in a row (markdown, tab rows), a table-三 row with
empty fields both before and after its values, more than it has blank cells, is open too
(`Rendered.unsettled`): a blank first cell and a blank last one print alike. Table 二 is
settled by its header, whose columns the values sit under.
A 小计 column, page numbers inside a table and a mixed template change nothing of the above:
the template keys are read as printed (the mixed document's are those of the layouts it
prints, and its template is "mixed").
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache

from verify.identities import evaluate, identities
from verify.layout import S3_COLUMNS, s3_key, s3_rows, value_type

from .damage import Damage
from .render import Rendered, Renderer
from .report import Number, Report

_PART = {
    "count": re.compile(r"(?:0|[1-9]\d*)"),
    "signed": re.compile(r"[+\-\u2212\uff0d]?(?:0|[1-9]\d*)"),
    "money": re.compile(r"(?:0|[1-9]\d*)(?:\.\d+)?(?:万元|万|元)?"),
}
# Beyond this many combinations of table-三 rows, a table is called open, not worked out.
_MAX_COMBINATIONS = 20000


@dataclass
class Expected:
    cells: dict[str, Number | None]  # what the document states (None: a cell it lost)
    exact: set[str]  # keys the document determines: the extraction must give cells[k]
    open: set[str] = field(default_factory=set)  # keys the format leaves undetermined
    broken: set[str] = field(default_factory=set)  # keys of a row whose shape the damage broke
    kinds: dict[str, str] = field(default_factory=dict)  # provenance kind of a cell printed with no value
    must_verify: bool = False
    must_not_verify: bool = False


def row_keys(report: Report, row: str) -> list[str]:
    prefix = row + "." if row != "s4" else "s4."
    return [k for k in report.cells if k.startswith(prefix)]


def row_of(key: str) -> str:
    """The data row a key sits in: "s3.granted", "s2.fees", or "s4" (one row of 15)."""
    return "s4" if key.startswith("s4.") else key.rsplit(".", 1)[0]


def _fits(kind: str, text: str) -> bool:
    return bool(_PART[kind].fullmatch(text))


class _Text:
    """The row's text with its visible boundaries: a part may end at one, never cross it."""

    def __init__(self, pieces: list[str]):
        self.s = "".join(pieces)
        self.bounds = set(itertools.accumulate(len(p) for p in pieces))

    def ends(self, pos: int) -> Iterator[int]:
        for end in range(pos + 1, len(self.s) + 1):
            yield end
            if end in self.bounds:
                return

    def part(self, a: int, b: int, kind: str) -> str | None:
        text = self.s[a:b]
        return text if _fits(kind, text) and not any(a < x < b for x in self.bounds) else None


def cuts(pieces: list[str], kinds: list[str]) -> Iterator[list[str]]:
    """Every way to cut the pieces into len(kinds) parts, one per column, in order; a part
    never spans two pieces (a visible boundary always separates two cells)."""
    t = _Text(pieces)

    def walk(pos: int, i: int) -> Iterator[list[str]]:
        if i == len(kinds):
            if pos == len(t.s):
                yield []
            return
        for end in t.ends(pos):
            part = t.part(pos, end, kinds[i])
            if part is not None:
                for rest in walk(end, i + 1):
                    yield [part, *rest]

    return walk(0, 0)


def count_cuts(pieces: list[str], kinds: list[str], cap: int = 2) -> int:
    """How many cuts there are, counted up to `cap`."""
    t = _Text(pieces)

    @cache
    def ways(pos: int, i: int) -> int:
        if i == len(kinds):
            return int(pos == len(t.s))
        total = 0
        for end in t.ends(pos):
            if t.part(pos, end, kinds[i]) is not None:
                total = min(cap, total + ways(end, i + 1))
        return total

    return ways(0, 0)


def _kind(key: str) -> str:
    t = value_type(key)
    return "money" if t == "money" else t


def sum_cuts(pieces: list[str], size: int, groups: int, limit: int = 5000) -> list[list[int]]:
    """Cuts of a row of counts into `groups` groups of `size` parts, each group's last part
    the sum of the others (its text is then known: the sum, written out)."""
    t = _Text(pieces)

    def group(pos: int, left: int, acc: list[int]) -> Iterator[tuple[list[int], int]]:
        if left == 0:
            total = str(sum(acc))
            end = pos + len(total)
            if t.s[pos:end] == total and t.part(pos, end, "count") is not None:
                yield [*acc, sum(acc)], end
            return
        for end in t.ends(pos):
            part = t.part(pos, end, "count")
            if part is not None:
                yield from group(end, left - 1, [*acc, int(part)])

    def walk(pos: int, g: int) -> Iterator[list[int]]:
        if g == groups:
            if pos == len(t.s):
                yield []
            return
        for values, end in group(pos, size - 1, []):
            for rest in walk(end, g + 1):
                yield values + rest

    return list(itertools.islice(walk(0, 0), limit))


def _blanks_hold_as_zero(cells: dict[str, Number | None], kinds: dict[str, str]) -> bool:
    """No cell is null, or every null one is a printed blank in an applicant column of table 三
    and every identity holds with those blanks as zeros."""
    nulls = [k for k, v in cells.items() if v is None]
    if not all(k in kinds and k.startswith("s3.") and not k.endswith(".total") for k in nulls):
        return False
    zeroed = {k: 0 if v is None else v for k, v in cells.items()}
    layout = "2021" if any(k.startswith("s3.other_other.") for k in cells) else "2019"
    has_s4 = any(k.startswith("s4.") for k in cells)
    return all(evaluate(i, zeroed).status == "pass" for i in identities(layout, has_s4))


def expect(report: Report, rendered: Rendered, damage: Damage, renderer: Renderer) -> Expected:
    cells: dict[str, Number | None] = report.printed_values()
    kinds = {k: "placeholder" if p.unit else "blank" for k, p in report.cells.items() if p.form == "blank"}
    lost = set(damage.keys) if damage.kind == "drop_row" else set()
    for k in lost:
        cells[k] = None
    broken: set[str] = set()
    if damage.kind == "split":
        row = next(r for r in rendered.runs if damage.keys[0] in row_keys(report, r))
        broken = set(row_keys(report, row))
    exact = set(cells) - broken
    open_: set[str] = set()
    if not renderer.keeps_cell_boundaries:
        open_ = _open_keys(report, rendered, damage)
    if not renderer.shows_empty_cells:
        unseen = {row_of(k) for k, kind in kinds.items() if kind == "blank"}
        open_ |= {k for row in unseen for k in row_keys(report, row)}
    open_ |= {k for row in rendered.unsettled for k in row_keys(report, row)}
    exact -= open_
    never = damage.breaks_identity or not _blanks_hold_as_zero(cells, kinds)
    return Expected(
        cells=cells,
        exact=exact,
        open=open_,
        broken=broken,
        kinds={k: v for k, v in kinds.items() if k in exact},
        must_verify=not never and not open_,
        must_not_verify=never,
    )


def _open_keys(report: Report, rendered: Rendered, damage: Damage) -> set[str]:
    out: set[str] = set()
    for row, pieces in rendered.runs.items():
        keys = row_keys(report, row)
        if row.startswith("s2.") and count_cuts(pieces, [_kind(k) for k in keys]) != 1:
            out |= set(keys)
    out |= _open_s3(report, rendered, damage)
    pieces = rendered.runs.get("s4")
    if pieces is not None and count_cuts(pieces, ["count"] * 15) != 1:
        damaged = damage.changes_value and damage.table == "s4"
        if damaged or len(sum_cuts(pieces, 5, 3, limit=2)) != 1:
            out |= set(row_keys(report, "s4"))
    return out


def _open_s3(report: Report, rendered: Rendered, damage: Damage) -> set[str]:
    """Rows of table 三 the printed characters do not settle (see the module's rules)."""
    touched = damage.table == "s3" and (damage.changes_value or damage.kind == "drop_row")
    damaged_rows = {k.split(".")[1] for k in damage.keys} if touched and damage.changes_value else set()
    rows = [r for r in s3_rows(report.s3_layout) if f"s3.{r}" in rendered.runs]
    known: dict[str, list[int]] = {}
    options: dict[str, list[list[int]]] = {}
    for r in rows:
        pieces = rendered.runs[f"s3.{r}"]
        if count_cuts(pieces, ["count"] * 7) == 1:
            known[r] = [int(p) for p in next(cuts(pieces, ["count"] * 7))]
            continue
        found = [] if r in damaged_rows else sum_cuts(pieces, 7, 1)
        if len(found) == 1:
            known[r] = found[0]
        else:
            options[r] = found
    if not options:
        return set()
    size = 1
    for o in options.values():
        size *= len(o)
    if not touched and 0 < size <= _MAX_COMBINATIONS and _unique_combination(report, known, options):
        return set()
    return {k for r in options for k in row_keys(report, f"s3.{r}")}


def _unique_combination(report: Report, known: dict[str, list[int]], options: dict[str, list[list[int]]]) -> bool:
    checks = [i for i in identities(report.s3_layout, False) if i.rule in ("H1", "H2")]
    base = {s3_key(r, c): v for r, vals in known.items() for c, v in zip(S3_COLUMNS, vals)}
    fitting = 0
    names = list(options)
    for combo in itertools.product(*(options[n] for n in names)):
        trial = dict(base)
        for r, vals in zip(names, combo):
            trial.update({s3_key(r, c): v for c, v in zip(S3_COLUMNS, vals)})
        if all(evaluate(i, trial).status == "pass" for i in checks):
            fitting += 1
            if fitting > 1:
                return False
    return fitting == 1
