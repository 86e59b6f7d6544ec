"""Machine conversions to markdown: what converters and language models make of the tables.

* `md_sections` (a machine or LLM conversion that breaks the tables apart): every row group
  of table 三 printed as its own small table under a heading with its label, the label cell of
  a one-row table generic or empty ("数量"), column headers invented ("数据1" … "数据6") or
  dropped, the applicant header split into one-row tables of its own, a header row of the
  wrong labels inserted between two rows ("| 项目 | 本年新收件数 | 上年结转件数 | 予以公开 |…"),
  labels shortened ("(六) 其他", "1.国家秘密"); table 二 block by block under its caption, and
  table 四 group by group under the group's name.

* `md_floating` (a PDF converted to markdown, parts of cells floated out of the tables): a
  table-二 cell whose text wraps a remark ("22（其中修订16件）") printed as a line of its own
  below its row or its table, its cell left empty, or only the remark floated out; table 三's
  group labels cut into pieces that land in the first cells of its rows ("| （三）不 | 4.保护
  第三方合法权益 | … |"), a row's label floated above it as lines, cut mid-word, its value row
  left with no label; page footers ("— 4 —") between rows, the table going on below.

The values always keep their cells, so the document determines every one of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from verify.layout import (
    S3_APPLICANT_COLUMNS,
    S3_COLUMN_LABELS,
    S3_ROW_LABELS,
    S4_COLUMN_LABELS,
    S4_COLUMNS,
    S4_GROUP_LABELS,
)

from .document import Document, Grid, GridCell, Heading, Paragraph, _paren
from .draw import Draw
from .noise import noisy
from .render import Rendered, _grouped, all_cell_runs

# Labels as conversions shorten them: the distinctive words kept, the template's wording lost.
SHORT_LABELS = {
    "new_received": "一、本年新收政府信息公开申请数量",
    "carried_over": "二、上年结转申请数量",
    "granted": "（一）予以公开",
    "partial": "（二）部分公开",
    "denied_state_secret": "1.国家秘密",
    "denied_law_forbidden": "2.法律法规禁止公开",
    "denied_three_safety": "3.危及三安全一稳定",
    "denied_third_party": "4.第三方合法权益",
    "denied_internal_affairs": "5.三类内部事务信息",
    "denied_process_info": "6.四类过程性信息",
    "denied_enforcement_file": "7.行政执法案卷",
    "denied_admin_query": "8.行政查询事项",
    "unable_not_held": "1.本机关不掌握",
    "unable_need_creation": "2.需要另行制作",
    "unable_unclear": "3.补正后仍不明确",
    "rejected_petition": "1.信访举报投诉类",
    "rejected_duplicate": "2.重复申请",
    "rejected_publication": "3.公开出版物",
    "rejected_mass_repeat": "4.大量反复申请",
    "rejected_confirm": "5.确认或重新出具",
    "other": "（六）其他",
    "other_overdue_correction": "1.逾期不补正",
    "other_overdue_fee": "2.逾期未缴费",
    "other_other": "3.其他",
    "results_total": "（七）总计",
    "carried_forward": "四、结转下年度",
}
# Rows whose short label may lose even its number: the words alone are the label.
SHORTER_LABELS = {"results_total": ("总计", "合计"), "carried_forward": ("结转下年度",)}
GROUP_LABELS = {
    "denied": ("（三）不予公开", "（三）不予公开"),
    "unable": ("（四）无法提供", "（四）无法提供"),
    "rejected": ("（五）不予处理", "（五）不予处理"),
    "other": ("（六）其他处理", "（六）其他"),
}
# The column names a model makes up for the applicant columns, and the first header cell.
_INVENTED = (("数据{i}", "类别"), ("列{i}", "项目"), ("字段{i}", "指标"))
# The wrong header rows seen between two rows of table 三: row labels taken for column names.
_WRONG_HEADER = ("本年新收件数", "上年结转件数", "予以公开", "部分公开", "不予公开", "无法提供", "不予处理", "其他处理", "总计", "结转下年度")
# What the label cell of a one-row table under its heading says.
_GENERIC_LABELS = ("数量", "件数", "")


def _group(row: str) -> str | None:
    for prefix in ("denied", "unable", "rejected"):
        if row.startswith(prefix + "_"):
            return prefix
    return "other" if row.startswith("other_") else None


def _pipe(fields: list[str]) -> str:
    return "| " + " | ".join(fields) + " |"


def _table(header: list[str] | None, rows: list[list[str]]) -> list[str]:
    """A markdown table; without a header its first row takes the header's place."""
    if header is None:
        header, rows = rows[0], rows[1:]
    return [_pipe(header), "|" + "|".join(["---"] * len(header)) + "|", *(_pipe(r) for r in rows), ""]


@dataclass(frozen=True)
class _Style:
    heading: str  # "### ", "#### ", "**" (bold) or "" (a plain line)
    short: bool  # shortened labels
    shorter: bool  # with `short`, 总计 and 结转下年度 without their numbers
    header: str  # "invented" | "real" | "none"
    invented: tuple[str, str]
    applicant: str  # "split" | "whole" | "omitted"
    wrong_header: bool
    generic: str  # the label cell of a one-row table ("" for empty; "=" repeats the label)
    grouped: bool  # thousands separators


def _heading(style: _Style, text: str) -> str:
    return f"**{text}**" if style.heading == "**" else style.heading + text


@dataclass
class MdSections:
    name: str = "md_sections"
    suffix: str = ".md"
    keeps_cell_boundaries: bool = True
    shows_empty_cells: bool = True

    def render(self, doc: Document, d: Draw) -> Rendered:
        subtotal = doc.subtotal
        style = _Style(
            heading=d.choice(("### ", "#### ", "**", "")),
            short=d.chance(0.5),
            shorter=d.chance(0.5),
            header=d.choice(("invented", "real", "none")),
            invented=d.choice(_INVENTED),
            applicant="whole" if subtotal and d.chance(0.5) else d.choice(("split", "whole") if subtotal else ("split", "whole", "omitted")),
            wrong_header=d.chance(0.5),
            generic=d.choice((*_GENERIC_LABELS, "=")),
            grouped=d.chance(0.2),
        )
        lines = ["# " + doc.title, *doc.meta, ""]
        for b in doc.blocks:
            if isinstance(b, Heading):
                lines += [_heading(style, b.text), ""]
            elif isinstance(b, Paragraph):
                lines += [b.text, ""]
            elif b.table == "s2":
                lines += self._table2(b, style)
            elif b.table == "s3":
                lines += self._table3(doc, b, style, d)
            else:
                lines += self._table4(b, style)
        return Rendered(self.name, f"doc{self.suffix}", "\n".join(lines).encode(), all_cell_runs(doc))

    def _value(self, cell: GridCell, style: _Style) -> str:
        return _grouped(cell.text) if style.grouped else cell.text

    def _table2(self, grid: Grid, style: _Style) -> list[str]:
        """Each block as its own table under its caption."""
        out: list[str] = []
        header: list[str] = []
        rows: list[list[str]] = []
        for r in range(grid.height):
            cells = [c for _, c in grid.origins(r)]
            if not cells:
                continue
            if cells[0].role == "caption":
                out += _table(header, rows) if rows else []
                out += [_heading(style, cells[0].text), ""]
                header, rows = [], []
            elif cells[0].role == "header":
                header = [c.text for c in cells]
            else:
                fields = [cells[0].text, *(self._value(c, style) for c in cells[1:] if c.role == "value" and (c.key or c.text))]
                rows.append(fields + [""] * (len(header) - len(fields)))
        return out + (_table(header, rows) if rows else [])

    def _columns(self, doc: Document, style: _Style) -> list[str] | None:
        subtotal = ["小计"] if doc.subtotal else []
        if style.header == "none":
            return None
        if style.header == "real":
            names = [S3_COLUMN_LABELS[c] for c in S3_APPLICANT_COLUMNS] + subtotal + ["总计"]
            return ["项目", *names]
        name, first = style.invented
        count = len(S3_APPLICANT_COLUMNS) + len(subtotal)
        return [first, *(name.format(i=i + 1) for i in range(count)), "总计"]

    def _applicant_header(self, doc: Document, style: _Style) -> list[str]:
        subtotal = ["小计"] if doc.subtotal else []
        rows = [["申请人情况"], ["自然人", "法人或其他组织", "总计"], [S3_COLUMN_LABELS[c] for c in S3_APPLICANT_COLUMNS[1:]] + subtotal]
        if style.applicant == "omitted":
            return []
        if style.applicant == "split":
            return [line for row in rows for line in _table(row, [])]
        width = max(len(r) for r in rows)
        return _table(None, [r + [""] * (width - len(r)) for r in rows])

    def _table3(self, doc: Document, grid: Grid, style: _Style, d: Draw) -> list[str]:
        ascii_ = doc.ascii_punctuation
        out = self._applicant_header(doc, style)
        columns = self._columns(doc, style)
        # The row groups in printed order, each with the rows the grid still prints.
        groups: list[tuple[str | None, list[tuple[str, list[str]]]]] = []  # (group, rows); None: a row of its own
        for r in sorted(grid.data_rows):
            row = grid.data_rows[r].split(".", 1)[1]
            values = [self._value(c, style) for _, c in grid.origins(r) if c.role == "value"]
            group = _group(row)
            if group is not None and (group != "other" or doc.report.s3_layout == "2021"):
                if groups and groups[-1][0] == group:
                    groups[-1][1].append((row, values))
                else:
                    groups.append((group, [(row, values)]))
            else:
                groups.append((None, [(row, values)]))
        wrong_at = d.choice([g for g, rows in groups if len(rows) > 1] or [""]) if style.wrong_header else ""
        for group, rows in groups:
            if group is not None:
                out += [_heading(style, _paren(GROUP_LABELS[group][style.short], ascii_)), ""]
                body = [[noisy(doc, row, self._label(row, style, ascii_)), *values] for row, values in rows]
            else:
                ((row, values),) = rows
                label = noisy(doc, row, self._label(row, style, ascii_))
                generic = label if style.generic == "=" else style.generic
                out += [_heading(style, label), ""]
                body = [[generic, *values]]
            if group == wrong_at:
                width = len(body[0])
                at = d.integer(1, len(body))
                names = list(_WRONG_HEADER)
                while len(names) > width - 1:
                    names.pop(d.integer(0, len(names) - 1))
                body.insert(at, ["项目", *names])
            out += _table(columns, body)
        return out

    def _label(self, row: str, style: _Style, ascii_: bool) -> str:
        if style.short and row in SHORTER_LABELS and style.shorter:
            return SHORTER_LABELS[row][0 if style.generic else -1]
        return _paren(SHORT_LABELS[row] if style.short else S3_ROW_LABELS[row], ascii_)

    def _table4(self, grid: Grid, style: _Style) -> list[str]:
        """Each group of five as its own table under the group's name."""
        rows = list(grid.data_rows)  # none when the damage lost the row
        values = [self._value(c, style) for r in rows for _, c in grid.origins(r) if c.role == "value"]
        out: list[str] = []
        names = [S4_COLUMN_LABELS[c] for c in S4_COLUMNS]
        size = len(S4_COLUMNS)
        for i, group in enumerate(S4_GROUP_LABELS.values()):
            title = group if i == 0 else f"行政诉讼（{group}）"
            part = values[i * size : (i + 1) * size] if i < 2 else values[i * size :]
            out += [_heading(style, title), ""] + _table(names + [""] * (len(part) - size), [part] if part else [])
        return out


# Remarks a cell of table 二 carries on its second line, each with a count inside it.
_REMARKS = ("（其中修订{k}件）", "（含自然失效{k}件）", "（其中新增{k}项）")


def _remark(d: Draw, value: str) -> str:
    return d.choice(_REMARKS).format(k=d.integer(1, max(1, int(value))))


def _pieces(d: Draw, text: str, n: int, keep: int = 1) -> list[str]:
    """`text` cut into `n` pieces (or fewer, for a short text) at random places, the first
    `keep` characters together (a leaf number stays with its label's first word)."""
    cuts = sorted({d.integer(keep, len(text) - 1) for _ in range(n - 1)}) if len(text) > keep else []
    bounds = [0, *cuts, len(text)]
    return [text[a:b] for a, b in zip(bounds, bounds[1:])]


@dataclass
class MdFloating:
    name: str = "md_floating"
    suffix: str = ".md"
    keeps_cell_boundaries: bool = True
    shows_empty_cells: bool = True

    def render(self, doc: Document, d: Draw) -> Rendered:
        lines = ["# " + doc.title, *doc.meta, ""]
        unsettled: set[str] = set()
        for b in doc.blocks:
            if isinstance(b, (Heading, Paragraph)):
                lines += [b.text, ""]
            elif b.table == "s2":
                lines += self._table2(b, d, unsettled)
            elif b.table == "s3":
                lines += self._table3(doc, b, d)
            else:
                lines += self._table4(b)
        data = "\n".join(lines).encode()
        return Rendered(self.name, f"doc{self.suffix}", data, all_cell_runs(doc), unsettled=unsettled)

    def _table2(self, grid: Grid, d: Draw, unsettled: set[str]) -> list[str]:
        """Each block under its caption line; a count that wraps a remark may float out, whole
        (its cell left empty) or its remark alone, below its row or below the block. In a block
        that also prints blank cells, nothing tells which empty cell a lifted value left: its
        rows with empty cells are `unsettled`."""
        out: list[str] = []
        holed: list[str] = []  # the block's rows with an empty cell
        holes = lifted = 0  # the block's empty cells, and how many a lifted value left
        rows: list[str] = []
        below: list[str] = []  # lines floated to the foot of the block
        # A converter puts what it lifts out of a block either under each row or at its foot.
        at_foot = False
        for r in range(grid.height):
            cells = [c for _, c in grid.origins(r)]
            if not cells:
                continue
            if cells[0].role == "caption":
                unsettled |= set(holed) if 0 < lifted < holes else set()
                out += rows + below + ([""] if rows else [])
                out.append(cells[0].text)
                rows, below, at_foot, holed, holes, lifted = [], [], d.chance(0.5), [], 0, 0
                continue
            if cells[0].role == "header":
                fields = [c.text for c in cells]
                rows += [_pipe(fields), "|" + "|".join(["---"] * len(fields)) + "|"]
                continue
            fields, floated = [cells[0].text], []
            for c in cells[1:]:
                if c.role != "value" or not (c.key or c.text):
                    continue
                text = c.text
                if c.key and text.isdigit() and text != "0" and d.chance(0.25):
                    remark = _remark(d, text)
                    how = d.choice(("whole", "remark", "kept"))
                    if how == "whole":
                        text, floated, lifted = "", [*floated, text + remark], lifted + 1
                    elif how == "remark":
                        floated = [*floated, remark]
                    else:
                        text += remark
                fields.append(text)
            rows.append(_pipe(fields))
            if "" in fields[1:]:
                holed.append(grid.data_rows[r])
                holes += fields[1:].count("")
            if at_foot:
                below += floated
            else:
                rows += floated
        unsettled |= set(holed) if 0 < lifted < holes else set()
        return out + rows + below + [""]

    def _table3(self, doc: Document, grid: Grid, d: Draw) -> list[str]:
        ascii_ = doc.ascii_punctuation
        subtotal = ["小计"] if doc.subtotal else []
        names = [S3_COLUMN_LABELS[c] for c in S3_APPLICANT_COLUMNS] + subtotal + ["总计"]
        out = ["申请人情况", "自然人法人或其他组织总计", "".join(names[1:-1]), ""]
        data = sorted(grid.data_rows)
        # The pieces of each group label, one per row of the group, first rows first.
        pieces: dict[str, list[str]] = {}
        for group, (text, _) in GROUP_LABELS.items():
            size = sum(1 for r in data if _group(grid.data_rows[r].split(".", 1)[1]) == group)
            if size > 1:
                cut = _pieces(d, _paren(text, ascii_), d.integer(1, min(size, 3)))
                pieces[group] = cut + [""] * (size - len(cut))
        table: list[str] = []
        footer_at = d.choice(data[1:]) if d.chance(0.6) else None
        for r in data:
            row = grid.data_rows[r].split(".", 1)[1]
            values = [c.text for _, c in grid.origins(r) if c.role == "value"]
            label = noisy(doc, row, _paren(S3_ROW_LABELS[row], ascii_))
            group = _group(row) if row != "other" else None
            first = pieces[group].pop(0) if group in pieces else None
            if r == footer_at:
                out += table + ["", d.choice(("— 4 —", "- 5 -", "第 3 页")), ""]
                table = []
            if d.chance(0.3):
                # The label floats out above its row, cut mid-word; the row keeps its values.
                out += table + _pieces(d, label, d.integer(1, 3), keep=3)
                table = []
                fields = ([first] if first is not None and d.chance(0.5) else []) + values
            else:
                fields = ([first] if first is not None else []) + [label, *values]
            if not table:
                table = [_pipe(fields), "|" + "|".join(["---"] * len(fields)) + "|"]
            else:
                table.append(_pipe(fields))
        return out + table + [""]

    def _table4(self, grid: Grid) -> list[str]:
        rows = [[c.text for _, c in grid.origins(r)] for r in range(grid.height)]
        width = max(len(r) for r in rows)
        return _table(None, [r + [""] * (width - len(r)) for r in rows])


MACHINE_RENDERERS = {r.name: r for r in (MdSections(), MdFloating())}
