"""Builders of test documents: one report, rendered as HTML, DOCX, PDF and text.

A `Report` holds the cells of a golden file (values a person read off a real report); the
three tables are laid out as the templates print them, merged cells included, and each
renderer writes that layout in its own format. So a test can ask whether every format of the
same report reads back the same cells, without shipping binary fixtures.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from io import BytesIO

from verify.layout import S3_COLUMN_LABELS, S3_COLUMNS, S3_ROW_LABELS, S4_COLUMN_LABELS, S4_COLUMNS, S4_GROUPS

from .conftest import EXPECTED

CORNER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


@dataclass(frozen=True)
class C:
    """A printed cell: its text and how many columns and rows it covers."""

    text: str
    cs: int = 1
    rs: int = 1


Grid = list[list[C]]


@dataclass(frozen=True)
class Report:
    organ: str
    year: int
    template: str
    cells: dict[str, int | float | None]

    @classmethod
    def golden(cls, stem: str) -> Report:
        g = json.loads((EXPECTED / f"{stem}.json").read_text(encoding="utf-8"))
        return cls(g["organ"], g["year"], g["template"], g["cells"])

    @property
    def title(self) -> str:
        return f"{self.organ}{self.year}年政府信息公开工作年度报告"

    def v(self, key: str) -> str:
        value = self.cells[key]
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value)

    def blocks(self) -> list[tuple[str, object]]:
        """The report in reading order: ("h", heading), ("p", paragraph) or ("t", grid)."""
        s3_total = self.v("s3.new_received.total")
        return [
            ("h", self.title),
            ("p", f"本报告根据《中华人民共和国政府信息公开条例》编制，所列数据的统计期限自{self.year}年1月1日起至{self.year}年12月31日止。"),
            ("h", "一、总体情况"),
            ("p", f"{self.year}年，本机关坚持以公开为常态、不公开为例外，全年共收到政府信息公开申请{s3_total}件，均在法定期限内答复。"),
            *[("p", "严格落实政府信息公开条例各项规定，持续完善主动公开目录，加强政策解读和回应关切，推进政务公开标准化规范化建设。")] * 6,
            ("h", "二、主动公开政府信息情况"),
            ("t", table2(self)),
            ("h", "三、收到和处理政府信息公开申请情况"),
            ("t", table3(self)),
            ("h", "四、政府信息公开行政复议、行政诉讼情况"),
            ("t", table4(self)),
            ("h", "五、存在的主要问题及改进情况"),
            ("p", "一是政策解读形式仍较单一；二是基层公开队伍专业化水平有待提高。下一步将加强培训，提升公开质量。"),
            ("h", "六、其他需要报告的事项"),
            ("p", "本年度未收取信息处理费。"),
        ]


# --- the three tables, as the templates print them (merged cells included) -----------------------

_S2_2019 = (
    ("第二十条第（一）项", ("本年新制作数量", "本年新公开数量", "对外公开总数量"), (("规章", "regulations"), ("规范性文件", "normative_docs")), ("new_made", "new_published", "total_published")),
    ("第二十条第（五）项", ("上一年项目数量", "本年增/减", "处理决定数量"), (("行政许可", "licensing"), ("其他对外管理服务事项", "other_services")), ("prev_count", "change", "decisions")),
    ("第二十条第（六）项", ("上一年项目数量", "本年增/减", "处理决定数量"), (("行政处罚", "penalty"), ("行政强制", "coercion")), ("prev_count", "change", "decisions")),
    ("第二十条第（八）项", ("上一年项目数量", "本年增/减"), (("行政事业性收费", "fees"),), ("prev_count", "change")),
    ("第二十条第（九）项", ("采购项目数量", "采购总金额"), (("政府集中采购", "procurement"),), ("projects", "amount_wan")),
)
_S2_2021 = (
    ("第二十条第（一）项", ("本年制发件数", "本年废止件数", "现行有效件数"), (("规章", "regulations"), ("行政规范性文件", "normative_docs")), ("issued", "repealed", "in_force")),
    ("第二十条第（五）项", ("本年处理决定数量",), (("行政许可", "licensing"),), ("decisions",)),
    ("第二十条第（六）项", ("本年处理决定数量",), (("行政处罚", "penalty"), ("行政强制", "coercion")), ("decisions",)),
    ("第二十条第（八）项", ("本年收费金额（单位：万元）",), (("行政事业性收费", "fees"),), ("amount_wan",)),
)


def _spread(texts: list[str]) -> list[C]:
    """Fill the three value columns: the last printed cell covers what is left."""
    out = [C(t) for t in texts]
    out[-1] = C(texts[-1], cs=4 - len(texts))
    return out


def table2(r: Report) -> Grid:
    rows: Grid = []
    for caption, headers, data, fields in _S2_2019 if r.template == "2019" else _S2_2021:
        rows.append([C(caption, cs=4)])
        rows.append([C("信息内容"), *_spread(list(headers))])
        for label, row in data:
            rows.append([C(label), *_spread([r.v(f"s2.{row}.{f}") for f in fields])])
    return rows


def _values(r: Report, row: str) -> list[C]:
    return [C(r.v(f"s3.{row}.{c}")) for c in S3_COLUMNS]


_GROUPS = (
    ("（三）不予公开", "denied_"),
    ("（四）无法提供", "unable_"),
    ("（五）不予处理", "rejected_"),
)


def table3(r: Report) -> Grid:
    labels = S3_COLUMN_LABELS
    rows: Grid = [
        [C(CORNER, cs=3, rs=3), C("申请人情况", cs=7)],
        [C(labels["natural"], rs=2), C("法人或其他组织", cs=5), C(labels["total"], rs=2)],
        [C(labels[c]) for c in S3_COLUMNS[1:6]],
        [C(S3_ROW_LABELS["new_received"], cs=3), *_values(r, "new_received")],
        [C(S3_ROW_LABELS["carried_over"], cs=3), *_values(r, "carried_over")],
    ]
    results: Grid = [
        [C(S3_ROW_LABELS["granted"], cs=2), *_values(r, "granted")],
        [C(S3_ROW_LABELS["partial"], cs=2), *_values(r, "partial")],
    ]
    groups = [(label, [k for k in S3_ROW_LABELS if k.startswith(prefix)]) for label, prefix in _GROUPS]
    if r.template == "2021":
        groups.append(("（六）其他处理", ["other_overdue_correction", "other_overdue_fee", "other_other"]))
    for label, leaves in groups:
        for i, leaf in enumerate(leaves):
            head = [C(label, rs=len(leaves))] if i == 0 else []
            results.append([*head, C(S3_ROW_LABELS[leaf]), *_values(r, leaf)])
    if r.template == "2019":
        results.append([C(S3_ROW_LABELS["other"], cs=2), *_values(r, "other")])
    results.append([C(S3_ROW_LABELS["results_total"], cs=2), *_values(r, "results_total")])
    results[0].insert(0, C("三、本年度办理结果", rs=len(results)))
    rows += results
    rows.append([C(S3_ROW_LABELS["carried_forward"], cs=3), *_values(r, "carried_forward")])
    return rows


def table4(r: Report) -> Grid:
    columns = [S4_COLUMN_LABELS[c] for c in S4_COLUMNS]
    return [
        [C("行政复议", cs=5), C("行政诉讼", cs=10)],
        [*(C(t, rs=2) for t in columns), C("未经复议直接起诉", cs=5), C("复议后起诉", cs=5)],
        [C(t) for t in columns * 2],
        [C(r.v(f"s4.{g}.{c}")) for g in S4_GROUPS for c in S4_COLUMNS],
    ]


def placed(grid: Grid) -> list[list[tuple[C, int, int] | None]]:
    """Each printed cell at its (row, column) on the full grid; None where a span covers."""
    width = max(sum(c.cs for c in row) for row in grid[:1])
    taken: set[tuple[int, int]] = set()
    out: list[list[tuple[C, int, int] | None]] = [[None] * width for _ in grid]
    for i, row in enumerate(grid):
        j = 0
        for cell in row:
            while (i, j) in taken:
                j += 1
            out[i][j] = (cell, i, j)
            for di in range(cell.rs):
                for dj in range(cell.cs):
                    taken.add((i + di, j + dj))
            j += cell.cs
    return out


# --- renderers -------------------------------------------------------------------------------


def text(r: Report) -> str:
    """Tab-separated rows, as a table copied out of a word processor (merged cells left empty)."""
    lines: list[str] = []
    for kind, block in r.blocks():
        if kind != "t":
            lines += [str(block), ""]
            continue
        for row in placed(block):  # type: ignore[arg-type]
            lines.append("\t".join(p[0].text if p else "" for p in row))
        lines.append("")
    return "\n".join(lines)


def markdown(r: Report) -> str:
    """Pipe tables, as converters write them: a merged cell once, the positions it covers empty."""
    lines: list[str] = []
    for kind, block in r.blocks():
        if kind == "h":
            lines += [f"## {block}", ""]
        elif kind == "p":
            lines += [str(block), ""]
        else:
            rows = [[p[0].text if p else "" for p in row] for row in placed(block)]  # type: ignore[arg-type]
            lines.append("| " + " | ".join(rows[0]) + " |")
            lines.append("|" + "---|" * len(rows[0]))
            lines += ["| " + " | ".join(row) + " |" for row in rows[1:]]
            lines.append("")
    return "\n".join(lines)


def html(r: Report, *, charset: str | None = "utf-8", layout_table: bool = True, split_numbers: bool = True) -> str:
    """A saved web page: real <table>s with rowspan/colspan, inside a layout table like old CMS pages.

    `split_numbers` writes multi-digit numbers over two <span>s, as Word's HTML export does.
    """
    body: list[str] = []
    for kind, block in r.blocks():
        if kind == "h":
            body.append(f"<p><strong>{block}</strong></p>")
        elif kind == "p":
            body.append(f"<p style='text-indent:2em'>{block}</p>")
        else:
            body.append(_html_table(block, split_numbers))  # type: ignore[arg-type]
    content = "\n".join(body)
    if layout_table:
        content = f"<table width='100%'><tr><td class='nav'>首页 &gt; 政务公开 &gt; 年度报告</td></tr><tr><td>\n{content}\n</td></tr></table>"
    meta = f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">' if charset else ""
    return (
        f"<!DOCTYPE html>\n<html><head>{meta}<title>{r.title}</title>"
        "<style>td{border:1px solid #000}</style><script>var pageNumber = 12345;</script></head>\n"
        f"<body>\n{content}\n<script>document.write('统计 999');</script></body></html>\n"
    )


def _html_number(text: str, split: bool) -> str:
    if split and len(text) > 1 and text.replace(".", "").isdigit():
        half = len(text) // 2
        return f"<span lang=EN-US>{text[:half]}</span><span>{text[half:]}</span>"
    return text or "&nbsp;"


def _html_table(grid: Grid, split: bool) -> str:
    out = ["<table border='1' cellspacing='0'>"]
    for row in grid:
        cells = []
        for c in row:
            attrs = (f" colspan='{c.cs}'" if c.cs > 1 else "") + (f" rowspan='{c.rs}'" if c.rs > 1 else "")
            cells.append(f"<td{attrs}><p align=center>{_html_number(c.text, split)}</p></td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</table>")
    return "\n".join(out)


def html_paragraphs(r: Report) -> str:
    """A page whose "tables" are paragraphs: one <p> per printed cell, no <table> at all."""
    body = []
    for kind, block in r.blocks():
        if kind != "t":
            body.append(f"<p>{block}</p>")
            continue
        for row in block:  # type: ignore[union-attr]
            body.append("<div>" + "".join(f"<p>{c.text or '&nbsp;'}</p>" for c in row) + "</div>")
    return "<html><body>" + "\n".join(body) + "</body></html>"


def docx(r: Report) -> bytes:
    """A Word document: paragraphs and tables whose merged cells are real gridSpan/vMerge."""
    import docx as python_docx

    document = python_docx.Document()
    for kind, block in r.blocks():
        if kind == "h":
            document.add_paragraph(str(block), style="Heading 2")
        elif kind == "p":
            document.add_paragraph(str(block))
        else:
            _docx_table(document, block)  # type: ignore[arg-type]
    buf = BytesIO()
    document.save(buf)
    return buf.getvalue()


def _docx_table(document, grid: Grid) -> None:
    cells = placed(grid)
    table = document.add_table(rows=len(cells), cols=len(cells[0]))
    table.style = "Table Grid"
    for row in cells:
        for p in row:
            if p is None:
                continue
            c, i, j = p
            target = table.cell(i, j)
            if c.cs > 1 or c.rs > 1:
                target = target.merge(table.cell(i + c.rs - 1, j + c.cs - 1))
            target.text = c.text


def _pdf_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def pdf(r: Report, *, ruled: bool = True, encrypt: str | None = None, scanned_from: str | None = None, scans_after: int = 0) -> bytes:
    """A PDF with a text layer (reportlab, built-in CJK font), page numbers "- N -" at the foot.

    Table 三 breaks across a page inside （四）无法提供, as Word prints it: the merged labels are
    cut in two (part of the text above the break, the rest below) and the three header rows are
    repeated at the top of the next page. `ruled=False` draws no lines, so the tables can only
    be read from the text lines.

    `scanned_from="二、"`: from that heading on, the report is two scanned pages (pictures, no
    text), as when a typed report has its tables pasted in as scans. `scans_after`: pictures
    appended after the report (a scanned seal page, say).
    """
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Image, PageBreak, Paragraph, SimpleDocTemplate, Spacer

    font = _pdf_font()
    body = ParagraphStyle("body", fontName=font, fontSize=11, leading=18, wordWrap="CJK", firstLineIndent=22)
    head = ParagraphStyle("head", parent=body, fontSize=13, firstLineIndent=0, spaceBefore=6)
    cell = ParagraphStyle("cell", fontName=font, fontSize=8, leading=10, wordWrap="CJK", alignment=1)
    story = []
    blocks = r.blocks()
    scans = scans_after
    if scanned_from is not None:
        cut = next(i for i, (k, b) in enumerate(blocks) if k == "h" and str(b).startswith(scanned_from))
        blocks, scans = blocks[:cut], scans + 2
    for kind, block in blocks:
        if kind == "h":
            if str(block).startswith("三、"):
                story.append(PageBreak())
            story.append(Paragraph(str(block), head))
        elif kind == "p":
            story.append(Paragraph(str(block), body))
        elif block and len(block[0]) == 2 and block[0][0].text == CORNER:  # type: ignore[index]
            top, bottom = split_rows(block, 16)  # type: ignore[arg-type]  # inside （四）无法提供
            story += [_pdf_table(top, cell, ruled), PageBreak(), _pdf_table(block[:3] + bottom, cell, ruled)]  # type: ignore[index]
        else:
            story += [_pdf_table(block, cell, ruled), Spacer(1, 8)]  # type: ignore[arg-type]
    for _ in range(scans):
        story += [PageBreak(), Image(BytesIO(_scan_png()), width=A4[0] - 160, height=A4[1] - 200)]

    def footer(canvas, doc_) -> None:
        canvas.setFont(font, 10)
        canvas.drawCentredString(A4[0] / 2, 30, f"- {doc_.page} -")

    buf = BytesIO()
    kwargs = {}
    if encrypt is not None:
        from reportlab.lib.pdfencrypt import StandardEncryption

        kwargs["encrypt"] = StandardEncryption(encrypt, "owner")
    SimpleDocTemplate(buf, pagesize=A4, topMargin=60, bottomMargin=60, **kwargs).build(
        story, onFirstPage=footer, onLaterPages=footer
    )
    return buf.getvalue()


def split_rows(grid: Grid, at: int) -> tuple[Grid, Grid]:
    """The grid cut before row `at`; a merged cell across the cut keeps the first part of its
    text above and the rest below, as a word processor splits it over two pages."""
    top: list[list[tuple[int, C]]] = [[] for _ in grid[:at]]
    bottom: list[list[tuple[int, C]]] = [[] for _ in grid[at:]]
    for row in placed(grid):
        for p in row:
            if p is None:
                continue
            c, i, j = p
            if i >= at:
                bottom[i - at].append((j, c))
            elif i + c.rs <= at:
                top[i].append((j, c))
            else:
                above = at - i
                n = round(len(c.text) * above / c.rs)
                top[i].append((j, C(c.text[:n], c.cs, above)))
                bottom[0].append((j, C(c.text[n:], c.cs, c.rs - above)))
    return [[c for _, c in sorted(r, key=lambda x: x[0])] for r in top], [
        [c for _, c in sorted(r, key=lambda x: x[0])] for r in bottom
    ]


def _pdf_table(grid: Grid, style, ruled: bool):
    from reportlab.platypus import Paragraph, Table, TableStyle

    cells = placed(grid)
    width = len(cells[0])
    data = [[Paragraph(p[0].text, style) if p else "" for p in row] for row in cells]
    commands = [("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
    if ruled:
        commands.append(("GRID", (0, 0), (-1, -1), 0.5, "black"))
    for row in cells:
        for p in row:
            if p and (p[0].cs > 1 or p[0].rs > 1):
                c, i, j = p
                commands.append(("SPAN", (j, i), (j + c.cs - 1, i + c.rs - 1)))
    widths = {4: [130, 110, 110, 110], 10: [34, 56, 120] + [37] * 7, 15: [33] * 15}[width]
    header = 3 if width == 10 else 0
    return Table(data, colWidths=widths, style=TableStyle(commands), repeatRows=header)


def _scan_png() -> bytes:
    """A picture of a ruled page, as a scanner gives it."""
    from PIL import Image, ImageDraw

    picture = Image.new("L", (300, 420), 255)
    draw = ImageDraw.Draw(picture)
    for y in range(40, 400, 20):
        draw.line((20, y, 280, y), fill=0)
    for x in (20, 120, 280):
        draw.line((x, 40, x, 380), fill=0)
    buf = BytesIO()
    picture.save(buf, format="PNG")
    return buf.getvalue()


def scanned_pdf(pages: int = 2) -> bytes:
    """A scanned report: every page only a picture, no text layer at all."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    buf = BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    for _ in range(pages):
        c.drawImage(ImageReader(BytesIO(_scan_png())), 40, 40, width=A4[0] - 80, height=A4[1] - 80)
        c.showPage()
    c.save()
    return buf.getvalue()


def zip_of(members: dict[str, bytes], *, gbk_names: bool = False) -> bytes:
    """A zip archive in memory. `gbk_names`: names stored as GBK bytes without the UTF-8 flag,
    as Windows' own zip tool writes them on a Chinese system."""
    buf = BytesIO()
    placeholders: dict[bytes, bytes] = {}
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for i, (name, data) in enumerate(members.items()):
            stored = name
            if gbk_names and not name.isascii():
                raw = name.encode("gbk")
                stored = (f"~{i}~" + "x" * len(raw))[: len(raw)]
                placeholders[stored.encode("ascii")] = raw
            zf.writestr(stored, data)
    out = buf.getvalue()
    for placeholder, raw in placeholders.items():  # same length: offsets stay valid
        assert out.count(placeholder) == 2
        out = out.replace(placeholder, raw)
    return out


def corrupt_member(archive: bytes, index: int) -> bytes:
    """The archive with the stored bytes of its index-th member damaged (its CRC no longer matches)."""
    with zipfile.ZipFile(BytesIO(archive)) as zf:
        info = zf.infolist()[index]
    local = info.header_offset
    name_len = int.from_bytes(archive[local + 26 : local + 28], "little")
    extra_len = int.from_bytes(archive[local + 28 : local + 30], "little")
    middle = local + 30 + name_len + extra_len + info.compress_size // 2
    damaged = bytearray(archive)
    for k in range(middle, middle + 8):
        damaged[k] ^= 0xFF
    return bytes(damaged)
