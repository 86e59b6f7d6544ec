"""One report in every format reads back the same cells: those of its golden.

The documents are built from the golden values (`fixtures.Report`) and written as a word
processor, a web site or a PDF printer would; the reader of each format must bring them back
to the same rows of cells, so the rules read the same numbers whatever the format.
"""

from __future__ import annotations

from functools import cache

import pytest

from extractor import extract_bytes

from . import fixtures as F

# 002: a 2019 report (兴安区 2020) with non-zero cells in all three tables; 01: a 2021 one (淮安).
REPORTS = ("002_eb42678789e3d87b", "01_huaian_shi_2024")

RENDERINGS = {
    "docx": lambda r: ("report.docx", F.docx(r)),
    "html": lambda r: ("report.html", F.html(r).encode("utf-8")),
    "html-gb2312-meta": lambda r: ("report.htm", F.html(r, charset="gb2312").encode("gbk")),
    "html-gbk-no-meta": lambda r: ("report.html", F.html(r, charset=None).encode("gbk")),
    "html-paragraphs": lambda r: ("report.html", F.html_paragraphs(r).encode("utf-8")),
    "pdf-ruled": lambda r: ("report.pdf", F.pdf(r)),
    "pdf-unruled": lambda r: ("report.pdf", F.pdf(r, ruled=False)),
    "text-gbk": lambda r: ("report.txt", F.text(r).encode("gbk")),
    "markdown": lambda r: ("report.md", F.markdown(r).encode("utf-8")),
}


@cache
def extracted(stem: str, rendering: str):
    report = F.Report.golden(stem)
    name, data = RENDERINGS[rendering](report)
    return report, extract_bytes(name, data)


CASES = [(s, f) for s in REPORTS for f in RENDERINGS]


@pytest.mark.parametrize("stem,rendering", CASES, ids=[f"{s[:3]}-{f}" for s, f in CASES])
def test_every_format_reads_the_golden_cells(stem, rendering):
    report, result = extracted(stem, rendering)
    wrong = {k: (result.cells.get(k, "absent"), v) for k, v in report.cells.items() if result.cells.get(k, "absent") != v}
    assert wrong == {}
    assert list(result.cells) == list(report.cells)
    assert (result.organ, result.year, result.template) == (report.organ, report.year, report.template)
    assert result.status == "verified", result.reasons


@pytest.mark.parametrize("stem", REPORTS)
def test_all_formats_give_identical_cells(stem):
    cells = {f: extracted(stem, f)[1].cells for f in RENDERINGS}
    first = cells["text-gbk"]
    assert all(c == first for c in cells.values())


# Which location fields every cell of each format must carry (spec: page and box for PDF,
# table/row/column for grids, line and span for text).
WHERE = {
    "docx": ("table", "row", "column"),
    "html": ("table", "row", "column"),
    "pdf-ruled": ("page", "bbox", "table", "row", "column"),
    "pdf-unruled": ("page", "bbox"),
    "text-gbk": ("line", "span"),
    "markdown": ("line", "span", "table", "row", "column"),
}


@pytest.mark.parametrize("rendering", list(WHERE))
def test_every_cell_says_where_it_was_printed(rendering):
    _, result = extracted("01_huaian_shi_2024", rendering)
    missing = {k: p.location for k, p in result.provenance.items() if not p.location or not all(f in p.location for f in WHERE[rendering])}
    assert missing == {}


def test_pdf_provenance_points_at_the_printed_number():
    """The box of a cell read from the text lines is the box of that number's word."""
    report, result = extracted("01_huaian_shi_2024", "pdf-unruled")
    p = result.provenance["s3.unable_need_creation.natural"]
    assert p.raw == "11"
    x0, top, x1, bottom = p.location["bbox"]
    assert 0 < x1 - x0 < 20 and 0 < bottom - top < 15  # one two-digit number, not a line
    assert p.location["page"] == 3  # after the break inside （四）无法提供


def test_html_colspan_value_is_read_once_and_located_at_its_first_column():
    _, result = extracted("01_huaian_shi_2024", "html")
    p = result.provenance["s2.licensing.decisions"]
    assert p.raw == "447228" and p.location["column"] == 1  # the cell spans columns 1-3


def _with_subtotal_column(report: F.Report, misprint: str | None) -> F.synth.Document:
    """The report with a 法人或其他组织 小计 column in table 三 (SPEC V13); `misprint`: a cell
    printed one more than the organ meant, so its row no longer adds up."""
    doc = report.document()
    printing = doc.report
    if misprint is not None:
        printing.cells[misprint] = F.Printed("count", str(int(printing.cells[misprint].digits) + 1))
    blocks = [F.synth.table3(printing, False, subtotal=True) if getattr(b, "table", None) == "s3" else b for b in doc.blocks]
    return F.synth.Document(printing, doc.title, doc.meta, blocks)


SUBTOTAL_RENDERINGS = {
    "text": lambda doc: ("r.txt", F.TabRows().render(doc, F.PLAIN).data),
    "html": lambda doc: ("r.html", F.write_html(doc).encode()),
    "pdf": lambda doc: ("r.pdf", F.write_pdf(doc)),
}


@pytest.mark.parametrize("rendering", list(SUBTOTAL_RENDERINGS))
@pytest.mark.parametrize("misprint", [None, "s3.granted.research"])
def test_a_subtotal_column_is_known_by_its_header_not_by_its_sums(rendering, misprint):
    """The 小计 column is left out of the template cells whether or not its row adds up."""
    report = F.Report.golden("01_huaian_shi_2024")
    name, data = SUBTOTAL_RENDERINGS[rendering](_with_subtotal_column(report, misprint))
    result = extract_bytes(name, data)
    printed = dict(report.cells)
    if misprint is not None:
        printed[misprint] += 1
    assert result.cells == printed
    assert result.status == ("verified" if misprint is None else "needs_review")
    assert any("小计 column is printed" in n for n in result.tables["s3"].notes), "the reader says what it left out"
