"""PDF: tables stitched across pages, page furniture dropped, no text layer never guessed."""

from __future__ import annotations

import json
from dataclasses import replace
from functools import cache

import pytest

from extractor import extract_bytes, extract_document, extract_file
from extractor.load import LoadError, load, load_bytes
from extractor.load.pages import NO_TEXT_FOUND, _Stitcher
from extractor.load.pdf import ENCRYPTED, NO_TEXT_LAYER, read_pdf
from extractor.load.pdf_page import GridCell as PageCell
from extractor.load.pdf_page import Page, Table

from . import fixtures as F
from .conftest import DOCS, EXPECTED
from .synth.pdf_writer import PdfStyle

HUAIAN = DOCS / "01_huaian_shi_2024.pdf"


@cache
def huaian():
    return load(HUAIAN)


@cache
def generated(**kwargs) -> bytes:
    return F.pdf(F.Report.golden("01_huaian_shi_2024"), **kwargs)


def _row_texts(doc):
    return [[c.text for c in r.cells if not c.span_copy] for r in doc.rows]


def test_real_table_three_is_one_table_across_the_page_break():
    """淮安 breaks table 三 inside （四）无法提供: page 5 goes on with the same table and rows."""
    doc = huaian()
    rows = {c.text: c.loc for r in doc.rows for c in r.cells if c.text in ("（四）无", "法提供") and not c.span_copy}
    before, after = rows["（四）无"], rows["法提供"]
    assert (before.page, after.page) == (4, 5)
    assert before.table == after.table and after.row == before.row + 1


def test_real_pdf_reads_the_same_from_its_text_lines_alone():
    """Without the ruled grid: the vertical 三、本年度办理结果 printed one character per line,
    labels wrapped around their numbers, the break inside （四）无 / 法提供 — all read."""
    data = HUAIAN.read_bytes()
    result = extract_document(read_pdf(str(HUAIAN), data, "", rulings=False))
    assert result.cells == extract_file(HUAIAN).cells
    assert result.cells == json.loads((EXPECTED / "01_huaian_shi_2024.json").read_text(encoding="utf-8"))["cells"]
    assert not any(p.location.get("table") is not None for p in result.provenance.values())


def test_real_page_numbers_are_dropped():
    doc = huaian()
    assert not [t for t in _row_texts(doc) if t and t[0] == "-"]
    assert "6 page numbers or running headers dropped" in doc.notes


def test_real_merged_cells_are_copies_not_printed_cells():
    doc = huaian()
    row = next(r for r in doc.rows if r.cells[0].text == "行政许可")
    assert [(c.text, c.span_copy) for c in row.cells] == [("行政许可", False), ("447228", False), ("447228", True), ("447228", True)]
    assert row.cells[1].loc.page == 3 and row.cells[1].loc.bbox is not None


def test_repeated_header_rows_at_the_top_of_a_page_are_dropped():
    doc = load_bytes("r.pdf", generated())
    headers = [c for r in doc.rows for c in r.cells if c.text == "申请人情况" and not c.span_copy]
    assert len(headers) == 1
    continued = next(r for r in doc.rows if any("没有现成" in c.text for c in r.cells))
    first = next(r for r in doc.rows if any("不掌握" in c.text for c in r.cells))
    assert continued.cells[0].loc.page == first.cells[0].loc.page + 1
    assert continued.cells[0].loc.table == first.cells[0].loc.table
    assert continued.cells[0].loc.row == first.cells[0].loc.row + 1


@pytest.mark.parametrize("ruled", [True, False])
def test_generated_pdf_page_numbers_are_not_read_as_values(ruled):
    doc = load_bytes("r.pdf", generated(ruled=ruled))
    assert not any(t in ("- 1 -", "- 2 -", "- 3 -") for r in _row_texts(doc) for t in [" ".join(r)])
    assert doc.pages == 3 and "3 page numbers or running headers dropped" in doc.notes


def test_scanned_pdf_with_nothing_to_read_fails_and_no_number_is_guessed():
    """Pictures of empty ruled boxes: OCR reads them, and finds no text."""
    result = extract_bytes("scan.pdf", F.scanned_pdf())
    assert result.status == "failed"
    assert [r.message for r in result.reasons] == [NO_TEXT_FOUND]
    assert result.error == f"scan.pdf: {NO_TEXT_FOUND}"
    assert result.cells == {}


def test_tables_on_scanned_pages_fail_the_document_and_no_number_is_guessed():
    """Text pages then scans: the narrative is readable, the tables are pictures."""
    result = extract_bytes("part.pdf", generated(scanned_from="三、"))
    assert result.status == "failed"
    assert result.reasons[0].message == NO_TEXT_LAYER
    assert "pages without a text layer (images only): 2, 3" in result.notes
    assert all(v is None for k, v in result.cells.items() if not k.startswith("s2."))


def test_a_scanned_page_beside_complete_tables_does_not_fail_the_document():
    result = extract_bytes("seal.pdf", generated(scans_after=1))
    assert result.status == "verified"
    assert "pages without a text layer (images only): 4" in result.notes


@pytest.mark.parametrize(
    "make,problem",
    [
        (lambda: generated(encrypt="secret"), ENCRYPTED),
        (lambda: generated()[: len(generated()) // 2], "truncated or damaged PDF: the file ends too early"),
        (lambda: generated()[:400], "truncated or damaged PDF: the file ends too early"),
        (lambda: b"%PDF-1.4\n" + bytes(range(256)) * 20, None),
    ],
    ids=["encrypted", "truncated-half", "truncated-head", "garbage"],
)
def test_unreadable_pdfs_get_one_clear_line(tmp_file, make, problem):
    path = tmp_file("bad.pdf", make())
    with pytest.raises(LoadError) as e:
        load(path)
    if problem is not None:
        assert e.value.problem == problem
    assert str(e.value).startswith(f"{path}: ") and "PDF" in str(e.value) and "\n" not in str(e.value)
    result = extract_file(path)
    assert result.status == "failed" and result.error == str(e.value)


def _table(rows: list[list[str]], widths: list[float], top: float) -> Table:
    """A ruled table: each row's cells over the given column widths ("" continues the cell on its left)."""
    grid: list[list[PageCell | None]] = []
    for r, texts in enumerate(rows):
        row: list[PageCell | None] = []
        x = 72.0
        for c, (text, w) in enumerate(zip(texts, widths)):
            box = (x, top + 12 * r, x + w, top + 12 * (r + 1))
            copy = c > 0 and text == "" and row[-1] is not None
            row.append(PageCell(row[-1].text if copy else text, box, copy=copy))
            x += w
        grid.append(row)
    return Table(grid, (72.0, top, 72.0 + sum(widths), top + 12 * len(rows)))


def test_a_table_goes_on_over_pages_whose_parts_divide_the_columns_differently():
    """Word moved the rows under a tall merged label to the next page: the rows left behind merge
    the three label columns (8 columns), the rows moved divide them (10); the third page repeats
    the header, which is dropped, and every part keeps the table's number and row count."""
    labels, values = [34.0, 56.0, 120.0], [37.0] * 7
    head8 = [["勾稽", "申请人情况", "", "", "", "", "", ""], ["勾稽", "自然人", "法人", "", "", "", "", "总计"]]
    first = _table([*head8, ["一、本年新收", "1", "0", "0", "0", "0", "0", "1"]], [sum(labels), *values], 100)
    head10 = [["勾稽", "", "", "申请人情况", "", "", "", "", "", ""], ["勾稽", "", "", "自然人", "法人", "", "", "", "", "总计"]]
    second = _table([["三、", "（一）予以公开", "", "1", "0", "0", "0", "0", "0", "1"]], [*labels, *values], 72)
    third = _table([*head10, ["三、", "（七）总计", "", "1", "0", "0", "0", "0", "0", "1"]], [*labels, *values], 72)
    pages = [Page(n, 842.0, blocks=[t]) for n, t in ((1, first), (2, second), (3, third))]
    rows = _Stitcher().rows(pages)
    assert [c.text for r in rows for c in r.cells if not c.span_copy].count("申请人情况") == 1
    assert [(r.cells[0].loc.table, r.cells[0].loc.row) for r in rows] == [(0, 0), (0, 1), (0, 2), (0, 3), (0, 4)]


def test_a_table_of_another_width_at_the_top_of_the_next_page_is_another_table():
    narrow = _table([["规章", "1", "0", "1"]], [130.0, 110.0, 110.0, 110.0], 100)
    wide = _table([["行政复议", "", "", "", "", "行政诉讼"]], [33.0] * 6, 72)
    rows = _Stitcher().rows([Page(1, 842.0, blocks=[narrow]), Page(2, 842.0, blocks=[wide])])
    assert [r.cells[0].loc.table for r in rows] == [0, 1]

def test_a_unit_printed_as_a_word_of_its_own_belongs_to_the_number():
    """"20097080 元" in an unruled PDF is two words; the amount is in 元: 2009.708 万元."""
    report = F.Report.golden("001_7591e452acab77e9")
    doc = report.document()
    doc.report.cells["s2.procurement.amount_wan"] = F.Printed("yuan", "20097080", unit=" 元")
    blocks = [F.synth.table2(doc.report, False, wide_last=True) if getattr(b, "table", None) == "s2" else b for b in doc.blocks]
    result = extract_bytes("r.pdf", F.write_pdf(replace(doc, blocks=blocks), PdfStyle(ruled=False)))
    assert result.cells["s2.procurement.amount_wan"] == 2009.708
    assert result.provenance["s2.procurement.amount_wan"].raw == "20097080 元"


@pytest.mark.parametrize("row", [25, 26], ids=["before-3.其他", "before-(七)总计"])
def test_a_header_printed_again_after_a_page_break_does_not_anchor_a_row(row):
    """Unruled: table 三's header, repeated at the top of the next page, is text whose
    法人或其他组织 and 总计 are not the rows 3.其他 and （七）总计. (Row 一 has a blank cell an
    unruled page shows only as a gap: it is not read, so the rows cannot simply be laid over
    the template in order; each must be found by its label.)"""
    report = F.Report.golden("01_huaian_shi_2024")
    report = replace(report, cells={**report.cells, "s3.new_received.research": None})
    data = F.write_pdf(report.document(), PdfStyle(ruled=False, break_at=row, repeat_header=True))
    cells = extract_bytes("r.pdf", data).cells
    assert {k: v for k, v in cells.items() if not k.startswith("s3.new_received.")} == {
        k: v for k, v in report.cells.items() if not k.startswith("s3.new_received.")
    }
    assert all(cells[k] is None for k in cells if k.startswith("s3.new_received."))
