"""Damage a source the way scanners, converters and typists do.

* `ocr`: one digit read as another of 0/6/8 (never creating a leading zero);
* `arithmetic`: one number printed off by a little, as when the organ mistyped it;
* `split`: one number printed across two cells, "10" as "1" | "0" (SPEC V19);
* `drop_row`: one data row lost entirely, label and values;
* `blank`: cells printed with no value, empty or with a placeholder mark ("/", "—", "无" …,
  SPEC V8): every zero of one table (as one real report leaves its zeros blank), the 总计
  column of the result rows (as the same report does), or a single cell.

`ocr` and `arithmetic` change the printed value: the document then states the damaged value,
and that is what a faithful extraction gives. In table 三 or 四 every cell sits in an
identity, so the change breaks one; in table 二 nothing can notice it (the known blind spot).
`split` and `drop_row` break the shape of the table. A `blank` cell is `null`, never a guessed
0: the document can be verified with it only where SPEC §5.1's hypothesis settles it (an
applicant cell of table 三 that every identity holds with as a zero; see `expect`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .document import Document
from .draw import Draw
from .report import Printed, Report

KINDS = ("ocr", "arithmetic", "split", "drop_row", "blank")
# The marks printed in a cell with no value: nothing, or a placeholder (SPEC §8.3).
BLANK_MARKS = ("", "/", "／", "—", "无", "-", "--")
_OCR = {"0": "68", "6": "08", "8": "06"}


@dataclass(frozen=True)
class Damage:
    kind: str  # "none" or one of KINDS
    table: str | None = None  # "s2" | "s3" | "s4"
    keys: tuple[str, ...] = ()  # the cells whose printed text changed, or that were lost
    detail: str = ""

    @property
    def breaks_identity(self) -> bool:
        """True when a hard identity (H1–H4) or the shape of the table must notice the damage."""
        if self.kind in ("split", "drop_row"):
            return True
        return self.kind in ("ocr", "arithmetic") and self.table in ("s3", "s4")


    @property
    def changes_value(self) -> bool:
        return self.kind in ("ocr", "arithmetic")


NONE = Damage("none")


def _table(key: str) -> str:
    return key.split(".", 1)[0]


def _with_cell(report: Report, key: str, printed: Printed) -> Report:
    return replace(report, cells={**report.cells, key: printed})


def ocr(report: Report, d: Draw) -> tuple[Report, Damage]:
    spots = [
        (k, i)
        for k, p in report.cells.items()
        for i, ch in enumerate(p.digits)
        if ch in _OCR and not (i == 0 and len(p.digits) > 1 and p.digits[1] != ".")
    ]
    if not spots:
        return report, NONE
    key, i = d.choice(spots)
    p = report.cells[key]
    new = d.choice(_OCR[p.digits[i]])
    damaged = p.with_digits(p.digits[:i] + new + p.digits[i + 1 :])
    detail = f"{key}: {p.text!r} printed as {damaged.text!r}"
    return _with_cell(report, key, damaged), Damage("ocr", _table(key), (key,), detail)


def arithmetic(report: Report, d: Draw) -> tuple[Report, Damage]:
    table = d.choice(("s3", "s4", "s2"))
    keys = [k for k, p in report.cells.items() if _table(k) == table and p.form == "count"]
    key = d.choice(keys)
    p = report.cells[key]
    delta = d.choice((1, -1, 2, 10, -10))
    value = int(p.digits) + delta
    if value < 0:
        value = int(p.digits) + abs(delta)
    damaged = p.with_digits(str(value))
    detail = f"{key}: {p.text} printed as {damaged.text}"
    return _with_cell(report, key, damaged), Damage("arithmetic", table, (key,), detail)


def split(doc: Document, d: Draw) -> tuple[Document, Damage]:
    spots = []
    for table in ("s2", "s3", "s4"):
        grid = doc.grid(table)
        for (r, c), cell in grid.cells.items():
            p = doc.report.cells.get(cell.key or "")
            if p is not None and p.form == "count" and len(p.digits) >= 2:
                spots += [(table, r, c, i) for i in range(1, len(p.digits)) if p.digits[i] != "0" or i == len(p.digits) - 1]
    if not spots:
        return doc, NONE
    table, r, c, i = d.choice(spots)
    grid = doc.grid(table)
    cell = grid.cells[(r, c)]
    left, right = cell.text[:i], cell.text[i:]
    detail = f"{cell.key}: {cell.text!r} printed as {left!r} | {right!r}"
    return doc.replace_grid(grid.with_cell_split(r, c, left, right)), Damage("split", table, (cell.key or "",), detail)


def drop_row(doc: Document, d: Draw) -> tuple[Document, Damage]:
    table = d.choice(("s3", "s2", "s4"))
    grid = doc.grid(table)
    rows = sorted(grid.data_rows)
    if table == "s2" and doc.report.s2_layout == "hybrid":
        # Without its 政府集中采购 block a hybrid table 二 is a whole 2021 one: nothing was lost
        # that the page could show.
        rows = [r for r in rows if grid.data_rows[r] != "s2.procurement"]
    row = d.choice(rows)
    keys = tuple(grid.value_keys(row))
    detail = f"row {grid.data_rows[row]} lost"
    return doc.replace_grid(grid.without_row(row)), Damage("drop_row", table, keys, detail)


def _result_rows_total(key: str) -> bool:
    parts = key.split(".")
    return parts[0] == "s3" and parts[2] == "total" and parts[1] not in ("new_received", "carried_over", "results_total", "carried_forward")


def blank(report: Report, d: Draw) -> tuple[Report, Damage]:
    mark = d.choice(BLANK_MARKS)
    pattern = d.choice(("zeros", "one", "totals"))
    if pattern == "zeros":
        table = d.choice(("s3", "s4", "s2"))
        keys = [k for k, p in report.cells.items() if _table(k) == table and p.value == 0]
        detail = f"every zero of table {table} printed as {mark!r}"
    elif pattern == "totals":
        table = "s3"
        keys = [k for k in report.cells if _result_rows_total(k)]
        detail = f"总计 of the result rows printed as {mark!r}"
    else:
        key = d.choice(list(report.cells))
        table, keys = _table(key), [key]
        detail = f"{key} ({report.cells[key].text}) printed as {mark!r}"
    if not keys:
        return report, NONE
    cells = {**report.cells, **{k: Printed.blank(mark) for k in keys}}
    return replace(report, cells=cells), Damage("blank", table, tuple(keys), detail)


def damage_report(kind: str, report: Report, d: Draw) -> tuple[Report, Damage]:
    """Damage to the printed values, applied before the document is laid out."""
    if kind == "ocr":
        return ocr(report, d)
    if kind == "arithmetic":
        return arithmetic(report, d)
    if kind == "blank":
        return blank(report, d)
    return report, NONE


def damage_document(kind: str, doc: Document, d: Draw) -> tuple[Document, Damage]:
    """Damage to the shape of a table, applied to the laid-out document."""
    if kind == "split":
        return split(doc, d)
    if kind == "drop_row":
        return drop_row(doc, d)
    return doc, NONE
