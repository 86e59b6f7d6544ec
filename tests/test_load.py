"""Reading files: encodings are detected, bad input gets one clear line naming the file."""

from __future__ import annotations

import codecs

import pytest

from extractor import extract_file
from extractor.load import LoadError, load

from .conftest import DOCS, SEEDS

SEED = (DOCS / "004_f8b21749840a51ab.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "encoding,bom",
    [
        ("utf-8", b""),
        ("utf-8", codecs.BOM_UTF8),
        ("gb18030", b""),
        ("gbk", b""),
        ("utf-16-le", codecs.BOM_UTF16_LE),
        ("utf-16-be", codecs.BOM_UTF16_BE),
        ("utf-16-le", b""),
    ],
)
def test_encodings_are_detected(tmp_file, encoding, bom):
    text = SEED.replace("郟", "郏")  # 郟 is outside GBK; the GB18030 case keeps it below
    path = tmp_file("r.txt", bom + text.encode(encoding))
    result = extract_file(path)
    assert result.organ == "郏县龙山街道办事处"
    assert result.cells == extract_file(DOCS / "004_f8b21749840a51ab.txt").cells
    assert result.status == "verified"


def test_gb18030_keeps_characters_outside_gbk(tmp_file):
    doc = load(tmp_file("r.txt", SEED.encode("gb18030")))
    assert doc.encoding == "gb18030" and "郟县" in doc.text()


@pytest.mark.parametrize(
    "name,data,problem",
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b"  \n\n\t\n", "empty file"),
        ("binary.txt", bytes(range(256)) * 8, "binary file, not text (contains NUL bytes)"),
        ("report.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "legacy binary Word/Excel file (.doc/.xls): save it as DOCX or PDF first"),
    ],
)
def test_bad_input_names_the_file_and_the_problem(tmp_file, name, data, problem):
    path = tmp_file(name, data)
    with pytest.raises(LoadError) as e:
        load(path)
    assert e.value.problem == problem
    assert str(e.value) == f"{path}: {problem}"
    assert "\n" not in str(e.value)


def test_missing_file(tmp_path):
    with pytest.raises(LoadError, match="no such file"):
        load(tmp_path / "nope.txt")


def test_a_folder_is_not_a_file(tmp_path):
    with pytest.raises(LoadError, match="is a directory"):
        load(tmp_path)


def test_markdown_rows_keep_their_grid_position():
    doc = load(DOCS / "001_7591e452acab77e9.txt")
    assert doc.format == "markdown"
    row = next(r for r in doc.rows if r.cells and r.cells[0].text == "政府集中采购")
    cell = row.cells[2]
    assert cell.text == "20097080 元"
    assert (cell.loc.table, cell.loc.row, cell.loc.column, cell.loc.line) == (0, 17, 2, 47)
    line = (DOCS / "001_7591e452acab77e9.txt").read_text(encoding="utf-8").splitlines()[46]
    assert line[cell.loc.span[0] : cell.loc.span[1]] == "20097080 元"


def test_cell_per_line_groups_become_rows():
    """Spec V1: consecutive tab-prefixed lines are one row; a wrapped cell continues it."""
    doc = load(DOCS / "003_38a09599e80dc607.txt")
    row = next(r for r in doc.rows if any(c.text.startswith("1.属于国家秘密") for c in r.cells))
    assert [c.text for c in row.cells] == ["", "（三）\n不予\n公开", "1.属于国家秘密"] + ["0"] * 7


def test_a_file_no_encoding_reads_gets_a_clear_error(tmp_file):
    """GB18030 decodes almost any bytes; a reading full of private-use characters is refused."""
    path = tmp_file("r.txt", bytes(range(0x80, 0x100)) * 16)
    with pytest.raises(LoadError) as e:
        load(path)
    assert e.value.problem == "cannot decode: not UTF-8, UTF-16 or GB18030, and no other encoding fits"


@pytest.mark.parametrize(
    "name, kind",
    [("r.pdf", "PDF"), ("r.PDF", "PDF"), ("r.docx", "Word (DOCX)"), ("r.doc", "Word"), ("r.xlsx", "Excel")],
)
def test_a_file_named_binary_that_is_neither_that_nor_text_says_both(tmp_file, name, kind):
    """Bytes that are no format at all behind a binary name: a download cut short or damaged."""
    path = tmp_file(name, bytes(range(0x80, 0x100)) * 16)
    with pytest.raises(LoadError) as e:
        load(path)
    assert e.value.problem.startswith(f"named as a {kind} file but its bytes are not one, nor text (cannot decode:")
    assert e.value.path == str(path)


def test_a_text_dump_named_pdf_is_read_as_text(tmp_file):
    """What the bytes say wins over the name: a text dump saved as .pdf is read, not refused."""
    doc = load(tmp_file("r.pdf", "某某县人民政府\n一、总体情况\n".encode("utf-8")))
    assert doc.format == "text" and doc.rows[0].cells[0].text == "某某县人民政府"


def test_big5_is_not_misread_as_gb18030(tmp_file):
    doc = load(tmp_file("r.txt", "臺北市政府資訊公開工作年度報告\n一、總體情況\n".encode("big5") * 10))
    assert doc.encoding == "big5" and doc.rows[0].cells[0].text == "臺北市政府資訊公開工作年度報告"


@pytest.mark.parametrize("mark", ["- 4 -", "-4-", "—12—", "第 4 页", "第4页 共6页"])
@pytest.mark.parametrize("seed", SEEDS, ids=[p.name[:3] for p in SEEDS])
def test_a_page_number_inside_a_text_table_is_not_a_value(tmp_file, seed, mark):
    """Spec V6: text converted from a PDF keeps the page number between two rows of table 三."""
    lines = seed.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if "没有现成信息" in line)
    while at > 0 and lines[at - 1].strip():  # the start of that row
        at -= 1
    paged = tmp_file(seed.name, "\n".join([*lines[:at], mark, "", *lines[at:]]))
    assert extract_file(paged).cells == extract_file(seed).cells


@pytest.mark.parametrize("line", ["4", "-3", "+3", "12 -"])
def test_a_lone_number_line_stays_text(tmp_file, line):
    """A number that is not marked as a page's may be a cell (a one-cell-per-line dump)."""
    assert line in load(tmp_file("r.txt", f"规章\n{line}\n")).text().splitlines()


def test_a_tab_row_starting_with_empty_fields_keeps_them():
    """Spec V5: "\\t\\t178\\t37" is two empty cells (merged cells at the row's start), then values;
    in "\\t0" (one cell per line, V1) the tab only marks where the cell starts."""
    doc = load(DOCS / "004_f8b21749840a51ab.txt")
    row = next(r for r in doc.rows if any("没有现成信息" in c.text for c in r.cells))
    assert [c.text for c in row.cells[:3]] == ["", "", "2. 没有现成信息需要另行制作"]
    assert [c.loc.column for c in row.cells[:3]] == [0, 1, 2]

def test_a_row_of_table_four_starting_with_blanks_reads_them_in_place(tmp_file):
    """Table 四's row with its first two cells empty, as tab rows print it."""
    lines = (DOCS / "004_f8b21749840a51ab.txt").read_text(encoding="utf-8").splitlines()
    at = max(i for i, line in enumerate(lines) if line.startswith("0\t0\t0"))
    lines[at] = "\t\t" + "\t".join(["6", "0", "6"] + ["0"] * 10)
    result = extract_file(tmp_file("r.txt", "\n".join(lines)))
    row = [result.cells[f"s4.{g}.{c}"] for g in ("review", "suit_direct", "suit_after_review") for c in ("upheld", "corrected", "other", "pending", "total")]
    assert row == [None, None, 6, 0, 6] + [0] * 10
    assert result.provenance["s4.review.upheld"].kind == "blank"


def test_a_row_of_dashes_right_under_the_rule_is_a_row_of_placeholders():
    """Only the line under the header is the table's rule; '| -- | -- |' below it is a row."""
    from extractor.load.text import text_rows

    rows = text_rows("| 结果维持 | 总计 |\n|---|---|\n| -- | -- |\n")
    assert [[c.text for c in r.cells] for r in rows] == [["结果维持", "总计"], ["--", "--"]]
