"""A report titled `=2+5*1…` exports as the text printed, never as a live formula, in CSV and in
XLSX; a number is never touched (a negative count stays a number)."""

from __future__ import annotations

import csv
import zipfile

import openpyxl
import pytest

from extractor import extract_file
from extractor.export import tables
from extractor.export.cells_csv import cells_csv
from extractor.export.formulas import LEADS, csv_value
from extractor.export.xlsx import write_xlsx
from extractor.options import RULES_ONLY
from extractor.store import Store

from .conftest import DOCS

TITLE = "=2+5*1上海市科学技术委员会2024年政府信息公开工作年度报告"
ORGAN = "=2+5*1上海市科学技术委员会"
NEGATIVE = ("s3.carried_forward.total", -1)  # a value no report prints, but a correction may hold


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("formulas")
    text = (DOCS / "10_shanghai_kewei_2024.md").read_text(encoding="utf-8").splitlines()
    report = folder / "report.md"
    report.write_text("\n".join([f"# {TITLE}", *text[1:]]), encoding="utf-8")
    path = folder / "r.sqlite"
    with Store(path) as store:
        stored = store.add(extract_file(str(report)), RULES_ONLY.fingerprint)
        store.resolve(stored.sha256, cells=dict([NEGATIVE]), reviewer="li")
    return path


@pytest.fixture
def store(db):
    with Store(db, read_only=True) as s:
        yield s


def test_the_report_is_read_with_its_title_as_the_organ(store):
    assert store.db.execute("SELECT organ FROM current_results").fetchall() == [(ORGAN,)]


@pytest.mark.parametrize("text", [f"{lead}x" for lead in LEADS])
def test_every_leading_character_is_neutralised_and_a_number_is_not(text):
    assert csv_value(text) == "'" + text
    assert csv_value(-1) == -1 and csv_value(-0.5) == -0.5 and csv_value("区-1") == "区-1"


def _csv(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_csv_long_and_wide(store, tmp_path):
    tables.write_csv(store, tmp_path / "long.csv")
    tables.write_csv(store, tmp_path / "wide.csv", wide=True)
    (doc,) = _csv(tmp_path / "long.documents.csv")
    (wide,) = _csv(tmp_path / "wide.csv")
    assert doc["organ"] == wide["organ"] == "'" + ORGAN
    key, value = NEGATIVE
    assert wide[key] == str(value)
    (cell,) = [r for r in _csv(tmp_path / "long.csv") if r["key"] == key]
    assert cell["value"] == str(value)


def test_the_documents_cells_csv_keeps_numbers_as_numbers(store):
    key, value = NEGATIVE
    rows = list(csv.DictReader("".join(cells_csv(store.current_cells())).lstrip("\ufeff").splitlines()))
    (cell,) = [r for r in rows if r["key"] == key]
    assert cell["value"] == str(value)


def test_xlsx_holds_the_title_as_text_and_no_formula(store, tmp_path):
    (path,) = write_xlsx(store, tmp_path / "r.xlsx")
    with zipfile.ZipFile(path) as z:
        assert not any(b"<f>" in z.read(n) or b"<f " in z.read(n) for n in z.namelist() if n.endswith(".xml"))
    wb = openpyxl.load_workbook(path)
    index = wb.worksheets[0]
    organ = next(c for c in index[2] if c.value == ORGAN)
    assert (organ.data_type, organ.quotePrefix) == ("s", True)
    key, value = NEGATIVE
    numbers = [c for ws in wb.worksheets[1:] for row in ws.iter_rows() for c in row if c.value == value]
    assert numbers and all(c.data_type == "n" for c in numbers)
