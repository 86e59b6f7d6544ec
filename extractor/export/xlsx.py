"""The store as a workbook: an index sheet, and a sheet per document laid out as the official
tables print, with merged headers in Chinese; the cells a reason questions are filled in a
colour and carry their reasons as a comment.

Written with openpyxl's write-only mode: each sheet is streamed to a temporary file as its
rows are given and closed at once, so a document's sheet is not held once written. What a
workbook still keeps per sheet (its name, merged ranges and comments, a few kilobytes) grows
with the number of sheets, and a spreadsheet program opens no workbook of many thousand
sheets; so a workbook takes at most `PER_WORKBOOK` documents, and a larger store is written
as several (`out-0001.xlsx`, `out-0002.xlsx`, …), each with its own index. Memory stays that
of one workbook, whatever the store's size.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import groupby
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from verify.fields import FIELD, S3_GROUPS, S3_ROW_LABELS, S4_COLUMN_LABELS, S4_GROUP_LABELS

from ..extract.llm.schemas import TABLE_TITLES
from ..models import Check, Culprit
from ..store import CurrentCell, Store
from .atomic import staged
from .formulas import as_text, risky
from .rows import DOCUMENT_COLUMNS, Document, documents
from .wording import REASONS, STATUS, cell_name, culprit_words, figures, number, outcome, reported, target

PER_WORKBOOK = 1000
QUESTIONED = "FFF2CC"  # a pale amber: looked at, not alarming
CULPRIT = "F8CBAD"  # a salmon: the one cell that, changed, makes the failing sums hold
CORRECTED = "E2EFDA"  # a pale green: a person's value
HEADER = "D9E1F2"
INDEX_WIDTHS = {"document": 40, "sha256": 14, "organ": 28, "reasons": 60, "review_note": 30, "corrected_cells": 30, "sheet": 30}
_S3_GROUP_TITLES = {
    "granted": "三、本年度办理结果",
    "denied": "（三）不予公开",
    "unable": "（四）无法提供",
    "rejected": "（五）不予处理",
    "other_2021": "（六）其他处理",
}


@dataclass(frozen=True)
class Value:
    key: str


Item = str | Value | None


@dataclass
class Plan:
    """A sheet's rows as items (a label, a cell's key, nothing) and its merged ranges (1-based,
    first row, first column, last row, last column)."""

    rows: list[list[Item]]
    merges: list[tuple[int, int, int, int]]
    headers: set[int]  # rows that are headings

    def add(self, row: list[Item], *, header: bool = False) -> int:
        self.rows.append(row)
        if header:
            self.headers.add(len(self.rows))
        return len(self.rows)

    def merge(self, r1: int, c1: int, r2: int, c2: int) -> None:
        if (r1, c1) != (r2, c2):
            self.merges.append((r1, c1, r2, c2))


def plan(doc: Document) -> Plan:
    keys = [c.key for c in doc.cells]
    template = doc.template if doc.template in ("2019", "2021") else None
    p = Plan([], [], set())
    _table2(p, [k for k in keys if k.startswith("s2.")], template)
    _table3(p, [k for k in keys if k.startswith("s3.")])
    _table4(p, [k for k in keys if k.startswith("s4.")])
    return p


def _title(p: Plan, table: str, width: int) -> None:
    r = p.add([TABLE_TITLES[table]], header=True)
    p.merge(r, 1, r, width)


def _table2(p: Plan, keys: list[str], template: str | None) -> None:
    """Blocks of rows that print the same columns, each under its own column headings."""
    if not keys:
        return
    rows: dict[str, list[str]] = {}
    for key in keys:
        rows.setdefault(FIELD[key].row, []).append(key)
    _title(p, "s2", 1 + max(len(v) for v in rows.values()))
    heading: tuple[str, ...] | None = None
    for row_keys in rows.values():
        labels = tuple(FIELD[k].labels(template)[1] for k in row_keys)
        if labels != heading:
            p.add(["信息内容", *labels], header=True)
            heading = labels
        p.add([FIELD[row_keys[0]].labels(template)[0], *(Value(k) for k in row_keys)])


def _s3_group(row: str) -> str | None:
    if row in ("granted", "partial"):
        return None
    for group, members in S3_GROUPS.items():
        if row in members:
            return group
    return "other_2021" if row.startswith("other_") else None


def _table3(p: Plan, keys: list[str]) -> None:
    """Two label columns (a group's name merged down its rows), then the applicants' seven."""
    if not keys:
        return
    _title(p, "s3", 9)
    top = p.add(["", "", "申请人情况", None, None, None, None, None, None], header=True)
    p.add([None, None, "自然人", "法人或其他组织", None, None, None, None, "总计"], header=True)
    p.add([None, None, None, "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", None], header=True)
    p.merge(top, 1, top + 2, 2)
    p.merge(top, 3, top, 9)
    p.merge(top + 1, 3, top + 2, 3)
    p.merge(top + 1, 4, top + 1, 8)
    p.merge(top + 1, 9, top + 2, 9)
    rows: dict[str, list[str]] = {}
    for key in keys:
        rows.setdefault(FIELD[key].row, []).append(key)
    results_start = None
    group_start: tuple[str, int] | None = None
    for row, row_keys in rows.items():
        group = _s3_group(row)
        if row == "granted" or (results_start is None and group is not None):
            results_start = p.add([_S3_GROUP_TITLES["granted"], None, *[None] * 7], header=True)
            p.merge(results_start, 1, results_start, 9)
        if group_start and group_start[0] != group:
            p.merge(group_start[1], 1, len(p.rows), 1)
            group_start = None
        label = S3_ROW_LABELS.get(row, row)
        if group is None:
            r = p.add([label, None, *(Value(k) for k in row_keys)])
            p.merge(r, 1, r, 2)
        else:
            r = p.add([_S3_GROUP_TITLES[group] if group_start is None else None, label, *(Value(k) for k in row_keys)])
            group_start = group_start or (group, r)
    if group_start:
        p.merge(group_start[1], 1, len(p.rows), 1)


def _table4(p: Plan, keys: list[str]) -> None:
    """行政复议 and 行政诉讼 side by side, 诉讼 split into its two kinds."""
    if not keys:
        return
    present = set(keys)
    groups = [g for g in S4_GROUP_LABELS if any(k.startswith(f"s4.{g}.") for k in present)]
    _title(p, "s4", 5 * len(groups))
    columns = list(S4_COLUMN_LABELS)
    first = p.add([], header=True)
    second = p.add([], header=True)
    third = p.add([], header=True)
    for i, group in enumerate(groups):
        c = 1 + 5 * i
        if group == "review":
            p.rows[first - 1] += ["行政复议", None, None, None, None]
            p.rows[second - 1] += [S4_COLUMN_LABELS[col] for col in columns]
            p.rows[third - 1] += [None] * 5
            p.merge(first, c, first, c + 4)
            for j in range(5):
                p.merge(second, c + j, third, c + j)
        else:
            p.rows[first - 1] += [
                "行政诉讼" if group == "suit_direct" or "suit_direct" not in groups else None,
                None,
                None,
                None,
                None,
            ]
            p.rows[second - 1] += [S4_GROUP_LABELS[group], None, None, None, None]
            p.rows[third - 1] += [S4_COLUMN_LABELS[col] for col in columns]
            p.merge(second, c, second, c + 4)
    suits = [1 + 5 * i for i, g in enumerate(groups) if g != "review"]
    if suits:
        p.merge(first, suits[0], first, suits[-1] + 4)
    p.add([Value(f"s4.{g}.{col}") if f"s4.{g}.{col}" in present else None for g in groups for col in columns])


_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def sheet_name(n: int, doc: Document) -> str:
    """Unique (the number) and readable (the organ and year), within Excel's 31 characters."""
    title = _BAD_SHEET_CHARS.sub("_", f"{doc.organ or doc.path.rsplit('/', 1)[-1]}{doc.year or ''}")
    return f"{n:04d} {title}"[:31]


def _quoted(name: str) -> str:
    """A sheet's name as a link names it: quoted, a quote in it doubled."""
    return "'" + name.replace("'", "''") + "'"


def part_path(out: Path, part: int, parts_needed: bool) -> Path:
    return out.with_name(f"{out.stem}-{part:04d}{out.suffix}") if parts_needed else out


def write_xlsx(store: Store, out: str | Path, *, per_workbook: int = PER_WORKBOOK) -> list[Path]:
    """Write the workbook(s); the paths written."""
    try:
        from openpyxl import Workbook  # noqa: F401
    except ImportError:
        from ..errors import ConfigError

        raise ConfigError("the XLSX export needs openpyxl: pip install 'gov-report-extractor[export]'") from None
    out = Path(out)
    (total,) = store.db.execute("SELECT count(*) FROM current_results").fetchone()
    several = total > per_workbook
    written: list[Path] = []
    docs = documents(store, results=True)  # its checks and culprits, for the cells' colours and comments
    # Every part under a temporary name until the last is saved: a stopped export leaves no
    # part, rather than some parts that look like the whole.
    with staged() as files:
        while True:
            first = next(docs, None)
            if first is None and written:
                break
            path = part_path(out, len(written) + 1, several)
            _workbook(files.path(path), first, _take(docs, per_workbook - 1), start=len(written) * per_workbook)
            written.append(path)
            if first is None:  # an empty store: a workbook with an empty index
                break
    return written


def _take(docs: Iterator[Document], n: int) -> Iterator[Document]:
    for _ in range(n):
        doc = next(docs, None)
        if doc is None:
            return
        yield doc


def _workbook(path: Path, first: Document | None, rest: Iterator[Document], *, start: int) -> None:
    with _saved(path) as wb:
        index = wb.create_sheet("索引 index")
        names = (*DOCUMENT_COLUMNS, "sheet")
        header(index, names, widths=[INDEX_WIDTHS.get(name, 12) for name in names])
        n = start
        for doc in [first] if first else []:
            n += 1
            _document_sheet(wb, index, n, doc)
        for doc in rest:
            n += 1
            _document_sheet(wb, index, n, doc)
        filtered(index, len(names), n - start)


def header(ws: Any, names: Iterable[str], *, widths: Iterable[float], comments: Iterable[str | None] = ()) -> None:
    """A sheet's first row: its column names, frozen in place as the rows scroll under them, each
    column as wide as its content reads. (In a streamed sheet, both must be set before the
    first row is written.)"""
    from openpyxl.utils import get_column_letter

    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    said = list(comments)
    ws.append([_cell(ws, name, fill=_fill(HEADER), comment=said[i] if i < len(said) else None) for i, name in enumerate(names)])


def filtered(ws: Any, columns: int, rows: int) -> None:
    """An autofilter over the header and its rows, so that a person can sort and filter them."""
    from openpyxl.utils import get_column_letter

    ws.auto_filter.ref = f"A1:{get_column_letter(max(columns, 1))}{rows + 1}"


@contextmanager
def _saved(path: Path) -> Iterator[Any]:
    """A streamed workbook, saved to `path` when the block ends; its sheets closed (`_abandon`)
    when anything stops it."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    try:
        yield wb
        wb.save(path)
    except BaseException:
        _abandon(wb)
        raise


def _abandon(wb: Any) -> None:
    """Close the sheets still being written, so that their writers end now: left to the garbage
    collector, each prints a traceback of its own after the export has said it stopped."""
    for ws in wb.worksheets:
        if not ws.closed:
            try:
                ws.close()
            except Exception:  # a sheet stopped within a row: nothing of it is kept anyway
                pass


def _document_sheet(wb: Any, index: Any, n: int, doc: Document) -> None:
    name = sheet_name(n, doc)
    link = _cell(index, name, link=f"{_quoted(name)}!A1")
    index.append([*(_cell(index, v) for v in doc.row().values()), link])
    ws = wb.create_sheet(name)
    for letter, width in (("A", 30), ("B", 26)):
        ws.column_dimensions[letter].width = width
    values = doc.values()
    shown = Shown.of(doc)
    header_fill = _fill(HEADER)
    standing = "，".join(w for w in (STATUS.get(doc.status, doc.status), REVIEW_WORDS.get(doc.decision.review)) if w)
    ws.append([_cell(ws, f"{doc.organ or ''} {doc.year or ''}（{standing}）".strip(), fill=header_fill)])
    ws.append([_cell(ws, doc.path), _cell(ws, "← 返回索引", link="'索引 index'!A1")])
    offset = 2
    p = plan(doc)
    for i, items in enumerate(p.rows, start=1):
        row = []
        for item in items:
            if isinstance(item, Value):
                row.append(_cell(ws, values.get(item.key), fill=shown.fill(item.key), comment=shown.comment(item.key)))
            elif isinstance(item, str):
                row.append(_cell(ws, item, fill=header_fill if i in p.headers else None))
            else:
                row.append(None)
        ws.append(row)
    for r1, c1, r2, c2 in p.merges:
        ws.merged_cells.add(_range(r1 + offset, c1, r2 + offset, c2))
    ws.close()  # written to its file now: nothing of it stays but its name and comments


REVIEW_WORDS = {"open": "待复核", "corrected": "已人工更正", "accepted as printed": "按原样接受"}


@dataclass(frozen=True)
class Shown:
    """How a document's cells are marked: the likely culprit in a colour of its own, the cells a
    reason questions in amber, those a person corrected in green, each with its comment in
    Chinese (why it is questioned, with the figures; what it would be; who corrected it)."""

    doc: Document
    culprits: dict[str, list[Culprit]]
    failing: dict[str, list[Check]]  # the checks a findings list names, by each cell they read
    questioned: dict[str, list[str]]  # the reasons' codes, by each cell they name
    corrected: dict[str, CurrentCell]

    @classmethod
    def of(cls, doc: Document) -> Shown:
        result = doc.result
        culprits: dict[str, list[Culprit]] = {}
        failing: dict[str, list[Check]] = {}
        questioned: dict[str, list[str]] = {}
        for c in result.culprits if result else []:
            culprits.setdefault(c.cell, []).append(c)
        for check in result.checks if result else []:
            if reported(check):
                for key in check.cells:
                    failing.setdefault(key, []).append(check)
        for reason in doc.reasons:
            for key in reason.get("cells", []):
                questioned.setdefault(key, []).append(reason["code"])
        return cls(doc, culprits, failing, questioned, {c.key: c for c in doc.cells if c.corrected})

    def fill(self, key: str) -> Any:
        if key in self.culprits:
            return _fill(CULPRIT)
        if key in self.questioned:
            return _fill(QUESTIONED)
        if key in self.corrected:
            return _fill(CORRECTED)
        return None

    def comment(self, key: str) -> str | None:
        template = self.doc.template
        lines = [REASONS.get(code, code) for code in dict.fromkeys(self.questioned.get(key, []))]
        for check in self.failing.get(key, []):
            lines.append(f"{check.rule} {target(check, template)}：{outcome(check)}（{figures(check, template)}）")
        if key in self.culprits:
            lines.append("可能的错值：" + culprit_words(self.culprits[key], None, template))
        cell = self.corrected.get(key)
        if cell is not None:
            made = f"人工更正：{cell.reviewer or ''}{'，' + cell.corrected_at[:10] if cell.corrected_at else ''}，原读取值 {number(cell.extracted)}"
            lines.append(made + (f"；备注：{cell.note}" if cell.note else ""))
        return "\n".join(lines) or None


def _range(r1: int, c1: int, r2: int, c2: int) -> Any:
    from openpyxl.worksheet.cell_range import CellRange

    return CellRange(min_row=r1, min_col=c1, max_row=r2, max_col=c2)


def _fill(colour: str) -> Any:
    from openpyxl.styles import PatternFill

    return PatternFill("solid", start_color=colour, end_color=colour)


def _cell(ws: Any, value: Any, *, fill: Any = None, comment: str | None = None, link: str | None = None) -> Any:
    """A cell to stream: `link` a place in the workbook ("'sheet'!A1") it leads to."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.comments import Comment
    from openpyxl.worksheet.hyperlink import Hyperlink

    cell = WriteOnlyCell(ws, value=value)
    if link:
        cell.hyperlink = Hyperlink(ref="", location=link)
        cell.style = "Hyperlink"
    if isinstance(value, str) and (risky(value) or cell.data_type != "s"):
        as_text(cell)  # "=2+5*1…" in a title stays the text printed, never a formula (nor "#N/A" an error)
    if fill is not None:
        cell.fill = fill
    if comment:
        cell.comment = Comment(comment, "extractor")
    return cell


# --- the findings list: a sheet per organ ---------------------------------------------------------

NO_ORGAN = "（未识别机关）"


def organ_sheet_name(n: int, organ: str) -> str:
    return f"{n:03d} {_BAD_SHEET_CHARS.sub('_', organ)}"[:31]


def write_findings_xlsx(store: Store, out: str | Path) -> Path:
    """The findings list as a workbook: a summary sheet (each organ with its documents and
    findings, linked to its sheet), then a sheet per organ that has findings, its rows by year.
    The organ's rows are what an auditing office sends that organ."""
    from .findings import COLUMNS, WIDTHS, rows_of

    out = Path(out)
    with staged() as files, _saved(files.path(out)) as wb:
        summary = wb.create_sheet("汇总")
        names = ("机关", "文件数", "问题数", "待复核", "工作表")
        header(summary, names, widths=[28, 8, 8, 8, 30])
        organs = 0
        by = groupby(documents(store, results=True, by_organ=True), key=lambda d: (d.organ_id, d.organ_name or d.organ or NO_ORGAN))
        for (_, organ), docs in by:  # one sheet per organ, whichever of its names each report printed
            rows, held, count = [], 0, 0
            for doc in docs:
                count += 1
                found = list(rows_of(doc))
                held += bool(found) and doc.decision.review in ("", "open")
                rows += found  # one organ's findings: a few dozen rows
            organs += 1
            name = organ_sheet_name(organs, organ) if rows else None
            link = _cell(summary, name, link=f"{_quoted(name)}!A1") if name else None
            summary.append([_cell(summary, organ), count, len(rows), held, link])
            if name:
                _organ_sheet(wb, name, rows, COLUMNS, WIDTHS)
        filtered(summary, len(names), organs)
    return out


def _organ_sheet(wb: Any, name: str, rows: list[dict[str, Any]], columns: tuple[str, ...], widths: dict[str, float]) -> None:
    ws = wb.create_sheet(name)
    header(ws, columns, widths=[widths.get(c, 12) for c in columns])
    culprit, accepted = _fill(CULPRIT), _fill(CORRECTED)
    for row in rows:
        cells = []
        for column in columns:
            value = row[column]
            fill = culprit if column == "可能的错值" and value else accepted if column == "复核结论" and value == "按原样接受" else None
            cells.append(_cell(ws, value, fill=fill))
        ws.append(cells)
    filtered(ws, len(columns), len(rows))
    ws.close()


# --- the wide table: a row per document -----------------------------------------------------------

SHEET_ROWS = 1_048_576  # a worksheet's rows, the header's included


def write_wide_xlsx(store: Store, out: str | Path) -> Path:
    """A row per document and a column per key, as `--wide` writes CSV: each key's column
    headed by the key, with the template's Chinese labels as the heading's comment; the cells a
    person corrected in green. Past a sheet's rows, the next sheet goes on."""
    from .rows import WIDE_KEYS

    out = Path(out)
    names = (*DOCUMENT_COLUMNS, *WIDE_KEYS)
    widths = [INDEX_WIDTHS.get(n, 12) for n in DOCUMENT_COLUMNS] + [10] * len(WIDE_KEYS)
    labels = [None] * len(DOCUMENT_COLUMNS) + [cell_name(k, None) for k in WIDE_KEYS]
    with staged() as files, _saved(files.path(out)) as wb:
        ws, rows = None, 0
        corrected = _fill(CORRECTED)
        for doc in documents(store):
            if ws is None or rows == SHEET_ROWS - 1:
                if ws is not None:
                    filtered(ws, len(names), rows)
                    ws.close()
                ws, rows = wb.create_sheet(f"宽表 wide {len(wb.worksheets) + 1}" if wb.worksheets else "宽表 wide"), 0
                header(ws, names, widths=widths, comments=labels)
            values, fixed = doc.values(), set(doc.corrected())
            ws.append(
                [_cell(ws, v) for v in doc.row().values()]
                + [_cell(ws, values.get(k), fill=corrected if k in fixed else None) for k in WIDE_KEYS]
            )
            rows += 1
        if ws is None:  # an empty store: the header alone
            ws = wb.create_sheet("宽表 wide")
            header(ws, names, widths=widths, comments=labels)
        filtered(ws, len(names), rows)
    return out
