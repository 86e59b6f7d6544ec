"""Builders of test documents: one report, rendered as HTML, DOCX, PDF and text.

A `Report` holds the cells of a golden file (values a person read off a real report). It is
laid out with the generator's document model (`tests/synth/document.py`: the three tables as
the templates print them, merged cells included) and written by the generator's own writers
in their plainest style, so a test can ask whether every format of the same report reads back
the same cells, without shipping binary fixtures, and no rendering is written twice.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from io import BytesIO

from verify.fields import S3_COLUMNS
from verify.layout import value_type

from .conftest import EXPECTED
from .synth import document as synth
from .synth.docx_writer import DocxStyle, write_docx
from .synth.draw import PLAIN
from .synth.html_writer import HtmlStyle, write_html
from .synth.pdf_writer import PdfStyle, scan_png, write_pdf
from .synth.render import Markdown, TabRows
from .synth.report import Printed
from .synth.report import Report as Printing


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

    def next_year(self, *, off_by: int = 0) -> Report:
        """The organ's report of the year after: this year's 结转下年度 is its 上年结转 (plus
        `off_by` on 自然人), new applications adjusted so that every identity still holds."""
        cells = dict(self.cells)
        for c in S3_COLUMNS:
            carried = self.cells[f"s3.carried_forward.{c}"] + (off_by if c in ("natural", "total") else 0)  # type: ignore[operator]
            cells[f"s3.new_received.{c}"] += self.cells[f"s3.carried_over.{c}"] - carried  # type: ignore[operator]
            cells[f"s3.carried_over.{c}"] = carried
            assert cells[f"s3.new_received.{c}"] >= 0  # type: ignore[operator]
        return Report(self.organ, self.year + 1, self.template, cells)

    def v(self, key: str) -> str:
        value = self.cells[key]
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value)

    def printing(self, mark: str = "") -> Printing:
        """The golden values as the cells of a printed report; `mark`: printed where a value is null."""
        forms = {"count": "count", "signed": "signed", "money": "bare"}
        cells = {k: Printed.blank(mark) if v is None else Printed(forms[value_type(k)], self.v(k)) for k, v in self.cells.items()}
        out = Printing(self.template, "city", self.organ, self.year, cells)
        out.truth = dict(self.cells)
        return out

    def document(self, mark: str = "", wide_last: bool = True) -> synth.Document:
        """The report in reading order, its tables laid out as the templates print them.
        `wide_last`: a table-二 block of two columns lets its last value span the fourth cell
        (False: leaves that cell empty)."""
        r = self.printing(mark)
        s3_total = self.v("s3.new_received.total")
        blocks: list[synth.Block] = [
            synth.Paragraph(f"本报告根据《中华人民共和国政府信息公开条例》编制，所列数据的统计期限自{self.year}年1月1日起至{self.year}年12月31日止。"),
            synth.Heading("一、总体情况"),
            synth.Paragraph(f"{self.year}年，本机关坚持以公开为常态、不公开为例外，全年共收到政府信息公开申请{s3_total}件，均在法定期限内答复。"),
            *[synth.Paragraph("严格落实政府信息公开条例各项规定，持续完善主动公开目录，加强政策解读和回应关切，推进政务公开标准化规范化建设。")] * 6,
            synth.Heading("二、主动公开政府信息情况"),
            synth.table2(r, False, wide_last=wide_last),
            synth.Heading("三、收到和处理政府信息公开申请情况"),
            synth.table3(r, False),
            synth.Heading("四、政府信息公开行政复议、行政诉讼情况"),
            synth.table4(r),
            synth.Heading("五、存在的主要问题及改进情况"),
            synth.Paragraph("一是政策解读形式仍较单一；二是基层公开队伍专业化水平有待提高。下一步将加强培训，提升公开质量。"),
            synth.Heading("六、其他需要报告的事项"),
            synth.Paragraph("本年度未收取信息处理费。"),
        ]
        return synth.Document(r, self.title, [], blocks)


# --- renderers: the generator's, in their plainest style ----------------------------------------


def text(r: Report) -> str:
    """Tab-separated rows, as a table copied out of a word processor (merged cells left empty)."""
    return TabRows().render(r.document(), PLAIN).text


def markdown(r: Report) -> str:
    """Pipe tables, as converters write them: a merged cell once, the positions it covers empty."""
    return Markdown().render(r.document(), PLAIN).text


def html(r: Report, *, charset: str | None = "utf-8", layout_table: bool = True, split_numbers: bool = True) -> str:
    """A saved web page: real <table>s with rowspan/colspan, inside a layout table like old CMS pages.

    `split_numbers` writes multi-digit numbers over two <span>s, as Word's HTML export does.
    """
    return write_html(r.document(), HtmlStyle(charset=charset, layout_table=layout_table, split_numbers=split_numbers))


def html_paragraphs(r: Report) -> str:
    """A page whose "tables" are paragraphs: one <p> per printed cell, no <table> at all."""
    return write_html(r.document(), HtmlStyle(paragraphs=True))


def docx(r: Report) -> bytes:
    """A Word document: paragraphs and tables whose merged cells are real gridSpan/vMerge."""
    return write_docx(r.document(), DocxStyle())


# Table 三 breaks inside （四）无法提供: the header rows, 一, 二, （一）, （二）, the eight （三）
# rows and the first （四） row stay on the first page.
S3_BREAK = 16


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
    style = PdfStyle(ruled=ruled, break_at=S3_BREAK, encrypt=encrypt, scanned_from=scanned_from, scans_after=scans_after)
    return write_pdf(r.document(), style)


def scanned_pdf(pages: int = 2) -> bytes:
    """A scanned report: every page only a picture, no text layer at all."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    buf = BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    for _ in range(pages):
        c.drawImage(ImageReader(BytesIO(scan_png())), 40, 40, width=A4[0] - 80, height=A4[1] - 80)
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
