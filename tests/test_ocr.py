"""Scanned reports: image-only PDFs, scanned pages of a mixed PDF, and image files, read by OCR.

The scans are made here from PDFs with a text layer (the corpus PDF, the generator's PDFs):
rendered, turned under a degree, blurred and JPEG-compressed, as a scanner gives them back,
so their golden values are the originals'. OCR takes seconds a page: each scan is read once
per session.
"""

from __future__ import annotations

import json
import subprocess
import sys
from functools import cache
from io import BytesIO

import pytest
from PIL import Image

from extractor import extract_bytes
from extractor.load import load_bytes, ocr_engine, sniff
from extractor.load.raster import crop_png, image_kind, page_png

from . import fixtures as F
from .conftest import DOCS, EXPECTED
from .synth.scan import CARELESS, ScanStyle, partly_scanned, pictures, scanned

HUAIAN = DOCS / "01_huaian_shi_2024.pdf"
HUAIAN_CELLS = json.loads((EXPECTED / "01_huaian_shi_2024.json").read_text(encoding="utf-8"))["cells"]


@cache
def huaian_scan() -> bytes:
    return scanned(HUAIAN.read_bytes(), CARELESS)


@cache
def huaian_scan_result():
    return extract_bytes("huaian_scan.pdf", huaian_scan())


def _wrong(result, expected: dict) -> dict:
    return {k: (v, result.cells.get(k)) for k, v in expected.items() if result.cells.get(k) != v}


def test_scanned_corpus_pdf_reads_at_least_199_of_200_cells_and_is_verified_only_if_all_are():
    result = huaian_scan_result()
    wrong = _wrong(result, HUAIAN_CELLS)
    assert len(HUAIAN_CELLS) == 200
    assert len(wrong) <= 1, wrong
    assert (result.status == "verified") == (not wrong), (result.status, wrong)
    assert result.year == 2024 and result.template == "2021"
    assert "pages read by OCR: 1, 2, 3, 4, 5, 6" in result.notes


def test_every_misread_cell_of_the_scan_is_named_in_the_review_queue():
    result = huaian_scan_result()
    named = {k for r in result.reasons for k in r.cells}
    assert set(_wrong(result, HUAIAN_CELLS)) <= named


def test_every_ocr_cell_keeps_its_page_box_and_confidence():
    result = huaian_scan_result()
    read = [p for k, p in result.provenance.items() if result.cells.get(k) is not None]
    assert len(read) >= 199
    for p in read:
        assert p.location["page"] in range(1, 7)
        x0, top, x1, bottom = p.location["bbox"]
        assert 0 <= x0 < x1 <= 595 and 0 <= top < bottom <= 842
        assert 0 <= p.confidence <= 1
    assert "confidence" in read[0].model_dump()


def test_an_ocr_cell_box_is_where_the_text_layer_cell_is():
    """The straightening is undone: a scanned cell's box is the printed cell's, within a few points."""
    scan = huaian_scan_result().provenance["s3.granted.total"].location
    printed = extract_bytes("h.pdf", HUAIAN.read_bytes()).provenance["s3.granted.total"].location
    assert scan["page"] == printed["page"]
    assert all(abs(a - b) <= 6 for a, b in zip(scan["bbox"], printed["bbox"]))


def test_text_layer_cells_carry_no_confidence():
    result = extract_bytes("h.pdf", HUAIAN.read_bytes())
    assert all(p.confidence is None for p in result.provenance.values())
    assert "confidence" not in json.loads(result.model_dump_json())["provenance"]["s3.granted.total"]


def test_an_unsure_ocr_cell_is_questioned_by_name():
    """A scan whose digits the recogniser doubts, even where the sums hold, is not verified; a
    cell no holding identity checks (table 二) is doubted below 0.99, any other below 0.5."""
    result = huaian_scan_result()
    checked = {k for c in result.checks if c.severity == "hard" and c.status in ("pass", "pass_if_blank_zero") for k in c.cells}
    unsure = [
        k for k, p in result.provenance.items()
        if p.confidence is not None and p.confidence < (0.5 if k in checked else 0.99)
    ]  # fmt: skip
    reasons = [r for r in result.reasons if r.code == "ocr_uncertain"]
    if unsure:
        assert reasons and set(unsure) == set(reasons[0].cells)
        assert result.status != "verified"
    else:
        assert not reasons


def test_a_table_two_digit_misread_with_confidence_is_not_verified():
    """Found by benchmarks/accuracy.py --scanned 200: on this generated report's scan the
    recogniser read 本年废止件数 2 as 9 at 0.97, and table 二 has no identity to catch it. It
    was verified; a cell no identity checks now needs 0.99 to be taken as read."""
    from .synth.case import make_case
    from .synth.draw import RandomDraw
    from .synth.files import scan_style

    case = make_case(RandomDraw(183), "pdf", None)
    result = extract_bytes("183.pdf", scanned(case.rendered.data, scan_style(RandomDraw(190))))
    wrong = [k for k, v in case.expected.cells.items() if result.cells.get(k) != v]
    assert result.status != "verified" or not wrong
    if wrong:
        doubted = next(r for r in result.reasons if r.code == "ocr_uncertain").cells
        assert set(wrong) <= set(doubted) | {k for r in result.reasons for k in r.cells if r.code != "ocr_uncertain"}


# --- a mixed PDF: text pages and scanned pages ---------------------------------------------------


@cache
def mixed():
    report = F.Report.golden("01_huaian_shi_2024")
    printed = F.pdf(report)
    return report, partly_scanned(printed, {2, 3}, ScanStyle(dpi=200, angle=-0.4, blur=0.5, quality=75))


def test_a_mixed_pdf_is_read_whole_its_scanned_pages_in_page_order():
    report, data = mixed()
    result = extract_bytes("mixed.pdf", data)
    assert "pages read by OCR: 2, 3" in result.notes
    assert all(t.found for t in result.tables.values())
    wrong = _wrong(result, report.cells)
    assert len(wrong) <= 2, wrong
    assert result.status != "verified" or not wrong
    pages = {p.location["page"]: p.confidence is not None for p in result.provenance.values() if p.location}
    assert pages.get(1) is False  # table 二 starts on the text page
    assert pages.get(2) is True and pages.get(3) is True


# --- image files ---------------------------------------------------------------------------------


@cache
def table_three_page() -> Image.Image:
    return pictures(HUAIAN.read_bytes(), CARELESS, [5])[0]


def _encoded(img: Image.Image, fmt: str) -> bytes:
    buf = BytesIO()
    img.save(buf, format=fmt)
    return buf.getvalue()


@pytest.mark.parametrize("fmt,kind", [("PNG", "png"), ("JPEG", "jpeg"), ("TIFF", "tiff")])
def test_images_are_known_by_their_bytes_whatever_the_name(fmt, kind):
    data = _encoded(Image.new("L", (8, 8), 255), fmt)
    assert image_kind(data) == kind
    assert sniff("report.txt", data) == "image"


def test_a_photo_of_a_table_page_reads_into_grid_rows():
    doc = load_bytes("page5.png", _encoded(table_three_page(), "PNG"))
    assert doc.format == "image"
    row = next(r for r in doc.rows if any(c.text == "4.无正当理由大量反复申请" for c in r.cells))
    assert row.grid
    printed = [c.text for c in row.cells if not c.span_copy]
    assert printed[printed.index("4.无正当理由大量反复申请") + 1 :] == ["0"] * 7
    assert all(c.confidence is not None and c.loc.bbox is not None for c in row.cells)


def test_a_damaged_image_fails_with_one_line_naming_it():
    data = _encoded(Image.new("L", (40, 40), 255), "PNG")[:60]
    result = extract_bytes("scan.png", data)
    assert result.status == "failed"
    assert result.error.startswith("scan.png: damaged image")


def test_a_blank_scan_holds_no_text_to_read():
    result = extract_bytes("scan.pdf", F.scanned_pdf())
    assert result.status == "failed"
    assert result.error == "scan.pdf: scanned pages hold no text that OCR can read"


# --- without the engine ----------------------------------------------------------------------------


def test_without_the_ocr_extra_a_scan_fails_saying_which_extra_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "rapidocr_onnxruntime", None)  # as if not installed
    ocr_engine._engine.cache_clear()
    try:
        for name, data in (("scan.pdf", huaian_scan()), ("page.png", _encoded(table_three_page(), "PNG"))):
            result = extract_bytes(name, data)
            assert result.status == "failed"
            assert result.error.startswith(f"{name}: ") and "\n" not in result.error
            assert "install the [ocr] extra" in result.error
    finally:
        ocr_engine._engine.cache_clear()


def test_without_the_ocr_extra_a_mixed_pdf_fails_saying_which_extra_to_install(monkeypatch):
    """Its text pages are read, its tables are on the scanned pages: the one line says how to read them."""
    monkeypatch.setitem(sys.modules, "rapidocr_onnxruntime", None)
    ocr_engine._engine.cache_clear()
    try:
        result = extract_bytes("mixed.pdf", mixed()[1])
    finally:
        ocr_engine._engine.cache_clear()
    assert result.status == "failed"
    assert result.error == f"mixed.pdf: no text layer: OCR needed; {ocr_engine.MISSING}"
    assert result.reasons[0].message == result.error.removeprefix("mixed.pdf: ")
    assert "pages without a text layer (images only): 2, 3" in result.notes


def test_the_rules_path_does_not_import_the_engine_before_a_scan():
    code = (
        "import sys, extractor.cli\n"
        "from extractor import extract_file\n"
        "extract_file('golden/docs/01_huaian_shi_2024.pdf')\n"
        "print(sorted(m for m in ('numpy', 'cv2', 'onnxruntime', 'rapidocr_onnxruntime') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- the source region of a cell, as the review page shows it ----------------------------------------


def test_crop_png_shows_the_box_of_a_cell_of_a_text_pdf_or_a_scan():
    for data, page in ((HUAIAN.read_bytes(), 4), (huaian_scan(), 4)):
        box = huaian_scan_result().provenance["s3.granted.total"].location["bbox"]
        png = crop_png(data, page, tuple(box), margin=10, dpi=100)
        img = Image.open(BytesIO(png)).convert("RGB")
        w, h = (box[2] - box[0] + 20) * 100 / 72, (box[3] - box[1] + 20) * 100 / 72
        assert abs(img.width - w) <= 2 and abs(img.height - h) <= 2
        assert (220, 0, 0) in {img.getpixel((x, img.height // 2)) for x in range(img.width)}


def test_page_png_renders_a_whole_page_and_an_image_file_as_it_is():
    png = page_png(HUAIAN.read_bytes(), 1, dpi=72)
    assert Image.open(BytesIO(png)).size == (595, 842)
    photo = _encoded(Image.new("L", (300, 200), 255), "PNG")
    assert Image.open(BytesIO(page_png(photo, 1, box=(10, 10, 50, 50)))).size == (300, 200)
