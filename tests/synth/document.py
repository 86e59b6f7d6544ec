"""A report laid out as its source was: title, section headings, prose, and the three tables as
grids with merged cells (rowspan/colspan), the way the official templates print them.

Every renderer starts from this one model. The text flattenings walk the grid the way real
converters did; the HTML writer puts the spans in attributes, the DOCX one in merged cells, the
PDF one in drawn boxes. A grid holds only its origin cells, keyed by (row, column): positions
under a span are covered, positions with no cell at all are absent.

Variants a layout may take: a narrow table-二 block either leaves its fourth cell empty or lets
its last value span it (SPEC V16); table 三 may carry a 法人或其他组织 小计 column (SPEC V13);
a mixed-template report prints each table in its own layout (SPEC §4.3).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Literal

from verify.layout import (
    S2_2019,
    S2_2021,
    S3_APPLICANT_COLUMNS,
    S3_COLUMN_LABELS,
    S3_ROW_LABELS,
    S4_COLUMN_LABELS,
    S4_COLUMNS,
    S4_GROUPS,
    s3_key,
    s3_rows,
    s4_key,
)

from .draw import Draw
from .report import Report

Role = Literal["caption", "header", "label", "value", "note"]
Position = tuple[int, int]


@dataclass(frozen=True)
class GridCell:
    text: str
    rowspan: int = 1
    colspan: int = 1
    role: Role = "label"
    key: str | None = None  # the dictionary key of a value cell
    # The same text as a narrow column wraps it ("自\n然\n人", "（三）\n不予\n公开"), or None.
    wrapped: str | None = None
    # A row label broken over 2-4 lines in a printed cell ("2.其他法律\n行政法规\n禁止公开"), or None.
    lines: str | None = None


@dataclass
class Grid:
    table: str  # "s2" | "s3" | "s4"
    cells: dict[Position, GridCell] = field(default_factory=dict)
    # Which grid row prints which data row, and the keys of its values in order.
    data_rows: dict[int, str] = field(default_factory=dict)

    @property
    def height(self) -> int:
        return 1 + max(r + c.rowspan - 1 for (r, _), c in self.cells.items())

    def width(self, row: int | None = None) -> int:
        spans = [(c0 + cell.colspan) for (r0, c0), cell in self.cells.items() if row is None or r0 == row]
        return max(spans, default=0)

    def origins(self, row: int) -> list[tuple[int, GridCell]]:
        return sorted((c, cell) for (r, c), cell in self.cells.items() if r == row)

    def covering(self, row: int, col: int) -> tuple[Position, GridCell] | None:
        """The origin cell whose span covers (row, col), itself included."""
        for (r0, c0), cell in self.cells.items():
            if r0 <= row < r0 + cell.rowspan and c0 <= col < c0 + cell.colspan:
                return (r0, c0), cell
        return None

    def slots(self, row: int) -> list[tuple[str, GridCell | None]]:
        """Each column of a row, left to right: ("origin", cell), ("row_covered", cell) for a
        column under a rowspan from above (once per span), or ("absent", None)."""
        out: list[tuple[str, GridCell | None]] = []
        col = 0
        width = max(self.width(), self.width(row))
        while col < width:
            hit = self.covering(row, col)
            if hit is None:
                out.append(("absent", None))
                col += 1
                continue
            (r0, c0), cell = hit
            out.append(("origin" if r0 == row else "row_covered", cell))
            col = c0 + cell.colspan
        return out

    def widened(self) -> Grid:
        """Every row as wide as the widest: the last cell reaching into a short row spans the
        rest, as a word processor or converter closes a row (box formats cannot leave rows short).
        """
        width = self.width()
        cells = dict(self.cells)
        for row in range(self.height):
            reach = [(c0 + cell.colspan, (r0, c0)) for (r0, c0), cell in cells.items() if r0 <= row < r0 + cell.rowspan]
            end, last = max(reach)
            if end < width:
                cells[last] = replace(cells[last], colspan=cells[last].colspan + width - end)
        return Grid(self.table, cells, dict(self.data_rows))

    def value_keys(self, row: int) -> list[str]:
        return [cell.key for _, cell in self.origins(row) if cell.key]

    def without_row(self, row: int) -> Grid:
        """The grid with one row removed, spans over it shortened (a converter dropped a line)."""
        cells: dict[Position, GridCell] = {}
        for (r0, c0), cell in self.cells.items():
            last = r0 + cell.rowspan - 1
            if r0 == row and cell.rowspan == 1:
                continue
            if r0 <= row <= last:
                cells[(r0, c0)] = replace(cell, rowspan=cell.rowspan - 1)
            else:
                cells[(r0 - (r0 > row), c0)] = cell
        data_rows = {r - (r > row): name for r, name in self.data_rows.items() if r != row}
        return Grid(self.table, cells, data_rows)

    def with_cell_split(self, row: int, col: int, left: str, right: str) -> Grid:
        """One value printed across two cells (SPEC V19): the rest of the row moves right."""
        cells: dict[Position, GridCell] = {}
        for (r0, c0), cell in self.cells.items():
            if r0 == row and c0 > col:
                cells[(r0, c0 + 1)] = cell
            elif (r0, c0) == (row, col):
                cells[(r0, c0)] = replace(cell, text=left)
                cells[(r0, c0 + 1)] = replace(cell, text=right, key=None)
            else:
                cells[(r0, c0)] = cell
        return Grid(self.table, cells, dict(self.data_rows))


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class Paragraph:
    text: str


Block = Heading | Paragraph | Grid


@dataclass
class Document:
    report: Report
    title: str
    meta: list[str]  # lines above the title in web dumps (发布时间, 来源 …)
    blocks: list[Block]
    ascii_punctuation: bool = False  # "(一)" and "第二十条第(一)项" instead of full-width (SPEC V10)
    # The source was a paged document: a text flattening carries its page numbers into the
    # middle of table 三 ("- 4 -", SPEC V6).
    paged: bool = False
    # Table 三's leaf numbers stand without their dot ("3其他", "4保护第三方合法权益"), as a
    # typist leaves it out or a scan's recogniser loses it.
    undotted: bool = False
    # Characters damaged in each row label and table-二 header (tests/synth/noise.py), and the seed
    # a renderer printing labels of its own damages them with.
    label_noise: int = 0
    noise_seed: int = 0
    # Row labels broken over lines (GridCell.lines), the row's numbers printed at the "TOP",
    # "MIDDLE" or "BOTTOM" of the label's lines; None: labels as the cell's width wraps them.
    wraps: str | None = None

    @property
    def subtotal(self) -> bool:
        """Table 三 carries a 小计 column (SPEC V13)."""
        return any(c.text == "小计" for c in self.grid("s3").cells.values())

    def grid(self, table: str) -> Grid:
        return next(b for b in self.blocks if isinstance(b, Grid) and b.table == table)

    def replace_grid(self, grid: Grid) -> Document:
        blocks = [grid if isinstance(b, Grid) and b.table == grid.table else b for b in self.blocks]
        return replace(self, blocks=blocks)


# --- the three tables ----------------------------------------------------------------------------

_S2_BLOCKS_2019 = (
    ("一", ("regulations", "normative_docs")),
    ("五", ("licensing", "other_services")),
    ("六", ("penalty", "coercion")),
    ("八", ("fees",)),
    ("九", ("procurement",)),
)
_S2_BLOCKS_2021 = (
    ("一", ("regulations", "normative_docs")),
    ("五", ("licensing",)),
    ("六", ("penalty", "coercion")),
    ("八", ("fees",)),
)
_S2_ROW_LABELS = {
    "regulations": "规章",
    "normative_docs": "规范性文件",
    "licensing": "行政许可",
    "other_services": "其他对外管理服务事项",
    "penalty": "行政处罚",
    "coercion": "行政强制",
    "fees": "行政事业性收费",
    "procurement": "政府集中采购",
}
_WRAPPED = {"本年新制作数量": "本年新\n制作数量", "本年新公开数量": "本年新\n公开数量"}


def _paren(text: str, ascii_: bool) -> str:
    return text.replace("（", "(").replace("）", ")").replace("：", ":").replace("，", ",") if ascii_ else text


def _s2_blocks(layout: str) -> tuple[tuple[str, tuple[str, ...], tuple[tuple[str, str, str, str], ...]], ...]:
    """(item number, rows, the template's cells) per block of a table-二 layout."""
    if layout == "2019":
        return tuple((n, rows, S2_2019) for n, rows in _S2_BLOCKS_2019)
    out = tuple((n, rows, S2_2021) for n, rows in _S2_BLOCKS_2021)
    return out + ((("九", ("procurement",), S2_2019),) if layout == "hybrid" else ())


def table2(report: Report, ascii_: bool, wide_last: bool = False) -> Grid:
    """`wide_last`: in a block of two columns the last value spans the empty fourth cell."""
    g = Grid("s2")
    r = 0
    for number, rows, spec in _s2_blocks(report.s2_layout):
        g.cells[(r, 0)] = GridCell(_paren(f"第二十条第（{number}）项", ascii_), colspan=4, role="caption")
        r += 1
        columns = [(f, col) for row, f, _, col in spec if row == rows[0]]
        g.cells[(r, 0)] = GridCell("信息内容", role="header")
        # A single column spans the block (SPEC V16); of two, the last may span the rest.
        spans = [3] if len(columns) == 1 else [1, 2] if len(columns) == 2 and wide_last else [1] * len(columns)
        for i, (_, col) in enumerate(columns):
            g.cells[(r, 1 + i)] = GridCell(_paren(col, ascii_), colspan=spans[i], role="header", wrapped=_WRAPPED.get(col))
        r += 1
        for row in rows:
            label = _S2_ROW_LABELS[row]
            if row == "normative_docs" and spec is S2_2021:
                label = "行政规范性文件"
            g.cells[(r, 0)] = GridCell(label)
            for i, (f, _) in enumerate(columns):
                key = f"s2.{row}.{f}"
                g.cells[(r, 1 + i)] = GridCell(report.cells[key].text, colspan=spans[i], role="value", key=key)
            if sum(spans) == 2:
                g.cells[(r, 3)] = GridCell("", role="value")  # the empty fourth cell of a narrow block
            g.data_rows[r] = f"s2.{row}"
            r += 1
    return g


_S3_GROUPS = {
    "denied": ("（三）不予公开", "（三）\n不予\n公开"),
    "unable": ("（四）无法提供", "（四）\n无法\n提供"),
    "rejected": ("（五）不予处理", "（五）不予\n处理"),
    "other": ("（六）其他处理", "（六）\n其他\n处理"),
}


def _s3_group(row: str) -> str | None:
    for prefix in ("denied", "unable", "rejected"):
        if row.startswith(prefix + "_"):
            return prefix
    return "other" if row.startswith("other_") else None


def table3(report: Report, ascii_: bool, subtotal: bool = False) -> Grid:
    """`subtotal`: a 法人或其他组织 小计 column between 其他 and 总计 (SPEC V13), printing the sum of
    the five columns as the organ meant them (a misprint in one of them leaves it as it was)."""
    rows = s3_rows(report.s3_layout)
    g = Grid("s3")
    extra = int(subtotal)
    note = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    g.cells[(0, 0)] = GridCell(_paren(note, ascii_), rowspan=3, colspan=3, role="header")
    g.cells[(0, 3)] = GridCell("申请人情况", colspan=7 + extra, role="header")
    g.cells[(1, 3)] = GridCell("自然人", rowspan=2, role="header", wrapped="自\n然\n人")
    g.cells[(1, 4)] = GridCell("法人或其他组织", colspan=5 + extra, role="header")
    g.cells[(1, 9 + extra)] = GridCell("总计", rowspan=2, role="header", wrapped="总\n计")
    for i, c in enumerate(S3_APPLICANT_COLUMNS[1:]):
        text = S3_COLUMN_LABELS[c]
        g.cells[(2, 4 + i)] = GridCell(text, role="header", wrapped="其\n他" if text == "其他" else None)
    if subtotal:
        g.cells[(2, 9)] = GridCell("小计", role="header", wrapped="小\n计")
    first = 3
    results = len(rows) - 3  # rows under 三、本年度办理结果: every result row and （七）
    seen_groups: set[str] = set()
    for i, row in enumerate(rows):
        r = first + i
        label = _paren(S3_ROW_LABELS[row], ascii_)
        if row in ("new_received", "carried_over", "carried_forward"):
            g.cells[(r, 0)] = GridCell(label, colspan=3)
        else:
            if row == "granted":
                g.cells[(r, 0)] = GridCell("三、本年度办理结果", rowspan=results, wrapped="三\n、\n本\n年\n度\n办\n理\n结\n果")
            group = _s3_group(row)
            if group is None or (group == "other" and report.s3_layout == "2019"):
                g.cells[(r, 1)] = GridCell(label, colspan=2)
            else:
                if group not in seen_groups:
                    seen_groups.add(group)
                    size = sum(1 for x in rows if _s3_group(x) == group)
                    text, wrapped = _S3_GROUPS[group]
                    g.cells[(r, 1)] = GridCell(_paren(text, ascii_), rowspan=size, wrapped=_paren(wrapped, ascii_))
                g.cells[(r, 2)] = GridCell(label)
        columns = [*S3_APPLICANT_COLUMNS, "total"]
        for j, c in enumerate(columns):
            key = s3_key(row, c)
            g.cells[(r, 3 + j + (extra if c == "total" else 0))] = GridCell(report.cells[key].text, role="value", key=key)
        if subtotal:
            meant = sum(report.truth.get(s3_key(row, c)) or 0 for c in S3_APPLICANT_COLUMNS[1:])
            g.cells[(r, 9)] = GridCell(str(meant), role="value")
        g.data_rows[r] = f"s3.{row}"
    return g


def table4(report: Report) -> Grid:
    g = Grid("s4")
    g.cells[(0, 0)] = GridCell("行政复议", colspan=5, role="header")
    g.cells[(0, 5)] = GridCell("行政诉讼", colspan=10, role="header")

    def head(text: str, **kw) -> GridCell:
        return GridCell(text, role="header", wrapped="\n".join(text), **kw)

    for i, c in enumerate(S4_COLUMNS):
        g.cells[(1, i)] = head(S4_COLUMN_LABELS[c], rowspan=2)
    g.cells[(1, 5)] = GridCell("未经复议直接起诉", colspan=5, role="header")
    g.cells[(1, 10)] = GridCell("复议后起诉", colspan=5, role="header")
    for i in range(10):
        g.cells[(2, 5 + i)] = head(S4_COLUMN_LABELS[S4_COLUMNS[i % 5]])
    keys = [s4_key(grp, c) for grp in S4_GROUPS for c in S4_COLUMNS]
    for i, key in enumerate(keys):
        g.cells[(3, i)] = GridCell(report.cells[key].text, role="value", key=key)
    g.data_rows[3] = "s4"
    return g


# --- the whole report ----------------------------------------------------------------------------

_FILLER = (
    "坚持以公开为常态、不公开为例外，认真贯彻《中华人民共和国政府信息公开条例》。",
    "全年累计主动公开政府信息 {n} 余条，全文电子化率达 100%。",
    "通过门户网站、政务公开栏、微信公众号等渠道发布信息 {n} 条。",
    "全年开展季度通报 {k} 次，并对相关责任人进行督促。",
)
_AFTER = (
    ("五、存在的主要问题及改进情况", "一是信息发布质量仍需提高；二是政策解读形式还要更加多样，{year}年将继续改进。"),
    ("五、存在问题和改进措施", "我单位将进一步加强业务学习，全年组织培训 {k} 次。"),
)


def _undot(grid: Grid) -> None:
    """The leaf labels' numbers without their dot: "3其他", "4保护第三方合法权益"."""
    for at, cell in grid.cells.items():
        if cell.role == "label" and re.match(r"\d\.", cell.text):
            grid.cells[at] = replace(cell, text=cell.text.replace(".", "", 1))


def _prose(d: Draw, year: int) -> str:
    return "".join(d.choice(_FILLER).format(n=d.integer(10, 2000), k=d.integer(1, 12)) for _ in range(d.integer(1, 3)))


# Sentences of the overview that restate a table quantity (SPEC §5.5), as the organ meant it;
# each gives the cells it sums. Now and then one counts with another scope (a number the table
# does not print), as real reports do.
_RESTATED = (
    ("清理并集中公开现行有效行政规范性文件{v}件", ("s2.normative_docs.in_force",)),
    ("本年度制发行政规范性文件{v}件", ("s2.normative_docs.issued",)),
    ("全年收到政府信息公开申请{v}件", ("s3.new_received.total",)),
    ("上年结转政府信息公开申请{v}件", ("s3.carried_over.total",)),
    ("结转下年度继续办理{v}件", ("s3.carried_forward.total",)),
    ("因政府信息公开引起的行政复议案件{v}件", ("s4.review.total",)),
    ("行政诉讼案件{v}件", ("s4.suit_direct.total", "s4.suit_after_review.total")),
)


def _restated(report: Report, d: Draw) -> str:
    """Clauses that restate some of the tables' quantities, or nothing."""
    if not d.chance(0.5):
        return ""
    truth = report.truth or report.printed_values()
    usable = [(text, keys) for text, keys in _RESTATED if all(truth.get(k) is not None for k in keys)]
    clauses = []
    for text, keys in usable:
        if not d.chance(0.5):
            continue
        value = sum(truth[k] for k in keys)  # type: ignore[misc]
        if d.chance(0.1):
            value += d.integer(1, 50)  # another scope: more than the table counts
        clauses.append(text.format(v=value))
    return "，".join(clauses) + "。" if clauses else ""


def build(
    report: Report, d: Draw, subtotal: bool | None = None, paged: bool | None = None, undotted: bool = False
) -> Document:
    """`subtotal`, `paged`: force a 小计 column in table 三, or page numbers in a text
    flattening (True), forbid them (False), or leave them to chance (None). `undotted`: table
    三's leaf numbers without their dot; only when asked for, so the seeded corpora stay as
    they were drawn."""
    ascii_ = d.chance(0.3)
    if d.chance(0.5):
        title = f"{report.organ}{report.year}年{d.choice(('', '度'))}政府信息公开工作年度报告"
    else:
        title = f"{report.year}年{report.organ}信息公开工作年度报告"
        if not report.organ.endswith("人民政府"):
            title = f"{report.year}年{report.organ}政府信息公开工作年度报告"
    meta = [f"发布时间: {report.year + 1}-01-{d.integer(10, 31)}", f"发布机构: {report.organ}"] if d.chance(0.4) else []
    period = f"本报告所列数据的统计期限自{report.year}年1月1日起至{report.year}年12月31日止。" if d.chance(0.5) else ""
    after_heading, after_text = d.choice(_AFTER)
    blocks: list[Block] = [
        Paragraph(f"本报告根据《中华人民共和国政府信息公开条例》编制。{period}"),
        Heading("一、总体情况"),
        Paragraph(_prose(d, report.year)),
        Heading("二、主动公开政府信息情况"),
        table2(report, ascii_, wide_last=d.chance(0.3)),
        Heading("三、收到和处理政府信息公开申请情况"),
        table3(report, ascii_, subtotal=d.chance(0.15) if subtotal is None else subtotal),
        Heading("四、政府信息公开行政复议、行政诉讼情况"),
        table4(report),
        Heading(after_heading),
        Paragraph(after_text.format(year=report.year + 1, k=d.integer(1, 9))),
        Heading("六、其他需要报告的事项"),
        Paragraph("无。"),
    ]
    paged = d.chance(0.2) if paged is None else paged
    if undotted:
        _undot(next(b for b in blocks if isinstance(b, Grid) and b.table == "s3"))
    # Drawn last, so the draws of everything before are those of a report without it.
    restated = _restated(report, d)
    if restated:
        blocks[2] = Paragraph(blocks[2].text + restated)  # type: ignore[union-attr]
    return Document(report, title, meta, blocks, ascii_, paged, undotted)
