"""The parts of the service that need no HTTP: the tables as printed, why a cell is questioned,
the source around a cell, the pages of a PDF as pictures, and uploads told by their content."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

import pytest
from PIL import Image

from extractor import extract_bytes, extract_file
from extractor.load.raster import crop_png, page_png
from extractor.web.errors import UnsupportedFormat
from extractor.web.source import Grid, Lines, Page, excerpt
from extractor.web.uploads import clean_name, kind_of, named_for
from extractor.web.views import Head, Slot, questions, since, tables

from . import fixtures
from .conftest import DOCS

WIDTH = {"s2": 4, "s3": 10, "s4": 15}
BLANK_KEY = "s3.carried_forward.total"


def damaged(stem: str, key: str, by: int) -> fixtures.Report:
    r = fixtures.Report.golden(stem)
    return fixtures.Report(r.organ, r.year, r.template, {**r.cells, key: (r.cells[key] or 0) + by})


def occupancy(rows: list[list[Head | Slot]]) -> list[int]:
    """How many columns each row of a grid fills, its cells' spans and the rowspans above counted."""
    carried: dict[int, int] = {}  # row index -> columns taken by rowspans from above
    widths = []
    for i, row in enumerate(rows):
        width = carried.get(i, 0)
        for item in row:
            span = item.colspan
            width += span
            for below in range(1, getattr(item, "rowspan", 1)):
                carried[i + below] = carried.get(i + below, 0) + span
        widths.append(width)
    return widths


@pytest.mark.parametrize("stem", ["08_pingtan_2019", "004_f8b21749840a51ab", "10_shanghai_kewei_2024"])
def test_the_tables_are_laid_out_as_printed_every_cell_once(stem):
    result = extract_bytes("a.txt", fixtures.text(fixtures.Report.golden(stem)).encode())
    views = tables(result)
    assert [v.numeral for v in views] == ["二", "三", "四"]
    slots = [item.key for v in views for row in v.rows for item in row if isinstance(item, Slot)]
    assert sorted(slots) == sorted(result.cells), "every cell of the result has one place"
    for v in views:
        assert set(occupancy(v.rows)) == {WIDTH[v.table]}, f"table {v.numeral}: a row that is not the grid's width"
    heads = [item.text for v in views for row in v.rows for item in row if isinstance(item, Head)]
    s3_rows = 23 if result.template == "2019" else 25
    assert sum(1 for row in views[1].rows if any(isinstance(i, Slot) for i in row)) == s3_rows
    assert "第二十条第（一）项" in heads and "（三）不予公开" in heads and "未经复议直接起诉" in heads
    assert ("第二十条第（九）项" in heads) == (result.template == "2019")


def test_a_culprit_is_named_with_the_identities_it_fixes_and_offered_as_a_choice():
    result = extract_bytes("a.txt", fixtures.text(damaged("004_f8b21749840a51ab", "s3.granted.natural", 3)).encode())
    why = questions(result)
    culprit = why["s3.granted.natural"]
    assert culprit.culprit and culprit.lines[0] == "Likely the one wrong cell: it reads 3; 0 would make H2.natural, H3.granted hold."
    assert any(line.startswith("H2.natural fails:") and "the left side is 0, the right side 3, off by 3" in line for line in culprit.lines)
    assert [(c.label, c.cells) for c in culprit.choices] == [("0 (makes H2.natural, H3.granted hold)", {"s3.granted.natural": 0})]
    other = why["s3.granted.total"]
    assert not other.culprit and not other.choices and any("H3.granted fails" in line for line in other.lines)


def test_the_model_and_the_rules_disagreeing_shows_both_values_as_choices():
    result = extract_file(DOCS / "10_shanghai_kewei_2024.md")
    key = "s3.new_received.total"
    p = result.provenance[key].model_copy(update={"values": {"rules": 34, "llm": 43}})
    result = result.model_copy(update={"provenance": {**result.provenance, key: p}, "reasons": [
        *result.reasons, type(result.reasons[0])(code="methods_disagree", message="1 cell read two ways", cells=[key])]})
    why = questions(result)[key]
    assert "The readings disagree: the rules read 34, the model read 43." in why.lines
    assert [c.cells for c in why.choices] == [{key: 34}, {key: 43}]


@dataclass
class _Ambiguity:  # the shape of `Result.ambiguities` items: keys, raw text, every reading
    keys: list[str]
    raw: str
    readings: list[list[int]]
    chosen: int = 0


def test_digits_that_allow_several_readings_are_each_a_one_click_choice_on_every_cell_they_cover():
    result = extract_file(DOCS / "05_pingtan_2023.txt")
    keys = ["s2.normative_docs.issued", "s2.normative_docs.repealed", "s2.normative_docs.in_force"]
    amb = _Ambiguity(keys, "77132470", [[77, 132, 470], [7, 713, 2470]])
    object.__setattr__(result, "ambiguities", [amb])  # read with getattr: the field may not be on the model
    why = questions(result)
    for key in keys:
        assert [c.cells for c in why[key].choices] == [dict(zip(keys, r)) for r in amb.readings]
        assert "The printed digits “77132470” allow 2 readings over 3 cells." in why[key].lines
    assert why[keys[0]].choices[0].label == "77 / 132 / 470 (as read)"


def test_a_cell_the_recogniser_was_unsure_of_says_how_sure():
    result = extract_file(DOCS / "10_shanghai_kewei_2024.md")
    key = "s3.carried_forward.total"
    p = result.provenance[key].model_copy(update={"confidence": 0.41})
    result = result.model_copy(update={"provenance": {**result.provenance, key: p}})
    why = questions(result)[key]
    assert why.confidence == 0.41 and "Read by OCR with confidence 0.41." in why.lines


def test_since_says_which_identities_hold_after_a_correction():
    from extractor.reconcile import assess

    before = extract_file(DOCS / "10_shanghai_kewei_2024.md")
    after = assess(before.model_copy(update={"cells": {**before.cells, "s3.carried_forward.total": 1}}))
    s = since(before, after)
    assert s.now_hold == ["H1.total", "H3.carried_forward"] and s.still == [] and s.broke == []
    worse = assess(before.model_copy(update={"cells": {**before.cells, "s3.new_received.natural": 99}}))
    assert "H3.new_received" in since(before, worse).broke


# --- the source around a cell -------------------------------------------------------------------


def test_a_text_cell_is_its_lines_with_the_characters_read_marked():
    data = (DOCS / "05_pingtan_2023.txt").read_bytes()
    lines = excerpt(data, "p.txt", "text", {"line": 10, "span": [1834, 1836]})
    assert isinstance(lines, Lines)
    (here,) = [line for line in lines.lines if line.marked]
    assert (here.number, here.marked, here.after[:6]) == (10, "77", "132470")
    assert here.before.startswith("…") and len(here.before) == 91, "a long line is cut around the mark"
    assert [line.number for line in lines.lines] == list(range(6, min(14, len(data.splitlines())) + 1))


@pytest.mark.parametrize("render", ["html", "docx"])
def test_a_grid_cell_is_its_row_and_neighbours_with_their_labels(render):
    report = fixtures.Report.golden("004_f8b21749840a51ab")
    data = fixtures.html(report).encode() if render == "html" else fixtures.docx(report)
    result = extract_bytes(f"a.{render}", data)
    grid = excerpt(data, f"a.{render}", result.source.format, result.provenance["s3.granted.natural"].location)
    assert isinstance(grid, Grid)
    target = [(n, cells) for n, cells in grid.rows if any(c.target for c in cells)]
    assert len(target) == 1
    n, cells = target[0]
    assert cells[0].text == "三、本年度办理结果 （一）予以公开", "the row's labels, the merged one included"
    assert [c.text for c in cells if c.target] == [str(report.cells["s3.granted.natural"])]
    assert len(grid.rows) == 9 and all(len(c) == len(cells) for _, c in grid.rows)


def test_a_pdf_cell_is_its_page_and_box_drawn_in_red():
    data = (DOCS / "01_huaian_shi_2024.pdf").read_bytes()
    result = extract_bytes("h.pdf", data)
    loc = result.provenance["s2.regulations.issued"].location
    page = excerpt(data, "h.pdf", "pdf", loc)
    assert page == Page(3, tuple(loc["bbox"]))
    img = Image.open(io.BytesIO(page_png(data, page.page, dpi=72, box=page.bbox))).convert("RGB")
    x0, top, x1, bottom = (round(v) for v in page.bbox)
    left_edge = [img.getpixel((x, (top + bottom) // 2)) for x in range(x0 - 1, x0 + 2)]
    assert any(r > 200 and g < 60 and b < 60 for r, g, b in left_edge), f"no red frame at the box's left edge: {left_edge}"
    crop = Image.open(io.BytesIO(crop_png(data, page.page, page.bbox, margin=10, dpi=72)))
    assert crop.size == (x1 - x0 + 20, bottom - top + 20)


# --- uploads ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "given,kept",
    [("../../etc/passwd", "passwd"), ("C:\\Users\\li\\年报.pdf", "年报.pdf"), ("a\x00b\n.txt", "ab.txt"), ("..", "upload"), ("", "upload"), (None, "upload")],
)
def test_a_client_file_name_is_only_a_label(given, kept):
    assert clean_name(given) == kept


def _zip(names: list[str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for n in names:
            zf.writestr(n, "x")
    return buf.getvalue()


@pytest.mark.parametrize(
    "data,kind",
    [
        (lambda: (DOCS / "01_huaian_shi_2024.pdf").read_bytes(), "pdf"),
        (lambda: fixtures.docx(fixtures.Report.golden("004_f8b21749840a51ab")), "docx"),
        (lambda: fixtures.html(fixtures.Report.golden("004_f8b21749840a51ab")).encode(), "html"),
        (lambda: (DOCS / "10_shanghai_kewei_2024.md").read_bytes(), "text"),
        (lambda: ("一、总体情况\n" * 20000).encode("gb18030"), "text"),  # past the bytes read to tell
        (lambda: ("一、总体情况" * 20000).encode("utf-8"), "text"),  # one long line, cut inside a character
        (lambda: ("一、总体情况\n" * 9000).encode("utf-16"), "text"),
        (lambda: fixtures.scan_png(), "image"),
    ],
    ids=["pdf", "docx", "html", "markdown", "gb18030", "utf8-one-line", "utf16", "png"],
)
def test_a_format_is_told_by_content(tmp_path, data, kind):
    path = tmp_path / "upload"
    path.write_bytes(data())
    assert kind_of(path, "upload") == kind


@pytest.mark.parametrize(
    "data,problem",
    [
        (_zip(["a.txt", "b.pdf"]), "a zip archive: post its documents one by one"),
        (_zip(["[Content_Types].xml", "xl/workbook.xml"]), "an Office file other than Word"),
        (bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 100, "legacy Word or Excel"),
        (b"GIF89a" + bytes(range(256)) * 10, "binary"),
        (b"   \n", "empty file"),
    ],
    ids=["zip", "xlsx", "doc", "gif", "empty"],
)
def test_anything_else_is_unsupported(tmp_path, data, problem):
    path = tmp_path / "upload"
    path.write_bytes(data)
    with pytest.raises(UnsupportedFormat, match=problem):
        kind_of(path, "report.pdf")


def test_the_name_read_under_agrees_with_the_content():
    assert named_for("report.pdf", "text") == "report.pdf.txt"
    assert named_for("report.md", "text") == "report.md"
    assert named_for("page", "html") == "page.html"
    assert named_for("scan.PDF", "pdf") == "scan.PDF" and named_for("page", "image") == "page"


def test_a_scanned_image_cell_is_its_page_too():
    png = fixtures.scan_png()
    page = excerpt(png, "scan.png", "image", {"page": 1, "bbox": [10, 10, 60, 30]})
    assert page == Page(1, (10, 10, 60, 30))
    assert Image.open(io.BytesIO(crop_png(png, 1, page.bbox, margin=5, dpi=72))).size[0] > 0


# --- the queue's reasons and the history, in words ---------------------------------------------------


def test_a_reason_code_is_one_chip_counted_its_messages_in_its_title():
    from extractor.models import Reason
    from extractor.web.views import chips

    reasons = [Reason(code="structure", message=f"row {i}") for i in range(20)] + [Reason(code="identity_failed", message="H1")]
    got = chips(reasons)
    assert [(c.code, c.count) for c in got] == [("structure", 20), ("identity_failed", 1)]
    assert got[0].title.splitlines() == ["row 0", "row 1", "row 2", "row 3", "row 4", "… and 15 more"]


@pytest.mark.parametrize(
    "detail,said",
    [
        ({"questioned": [BLANK_KEY, "table_missing"]}, [("questioned", "三 · 四、结转下年度继续办理 / 总计; table_missing")]),
        ({"newly_questioned": [f"s4.review.{c}" for c in ("upheld", "corrected", "other", "pending", "total", "upheld", "other")]},
         [("newly questioned", "四 · 行政复议 / 结果维持; 四 · 行政复议 / 结果纠正; 四 · 行政复议 / 其他结果; 四 · 行政复议 / 尚未审结; "
                               "四 · 行政复议 / 总计; 四 · 行政复议 / 结果维持; and 1 more")]),
        ({"value": 1, "was": None, "version": 3, "correction": 7}, [("value", "1"), ("was", "blank")]),
        ({"withdrawn": {BLANK_KEY: 1}, "was": "corrected", "path": "a.txt"}, [("withdrawn", "三 · 四、结转下年度继续办理 / 总计: 1"), ("was", "corrected")]),
        ({"note": None, "status": "verified"}, [("status", "verified")]),
    ],
    ids=["keys-and-codes", "many-keys", "values", "withdrawn", "nothing-said"],
)  # fmt: skip
def test_an_events_detail_names_cells_by_their_labels(detail, said):
    from extractor.web.views import event_detail

    assert event_detail(detail, "2021") == said
