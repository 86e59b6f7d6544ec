"""Cells printed with no value, empty or a placeholder mark (SPEC V8, 8.3): each reads as null
with its kind, wherever it sits in its row and whatever the format, and never as 0 or as a
neighbour's value. A row printed wholly blank is a row of blanks, not a row lost."""

from __future__ import annotations

from dataclasses import replace

import pytest

from extractor import extract_bytes
from extractor.extract.rules.runs import Run, slots
from extractor.extract.rules.tokens import Token

from . import fixtures as F
from .synth.render import BlankSeparated, CellLines

RENDERINGS = {
    "tab_rows": lambda doc: ("r.txt", F.TabRows().render(doc, F.PLAIN).data),
    "cell_lines": lambda doc: ("r.txt", CellLines().render(doc, F.PLAIN).data),
    "markdown": lambda doc: ("r.md", F.Markdown().render(doc, F.PLAIN).data),
    "html": lambda doc: ("r.html", F.write_html(doc).encode()),
    "docx": lambda doc: ("r.docx", F.write_docx(doc)),
    "pdf": lambda doc: ("r.pdf", F.write_pdf(doc)),
}
HUAIAN = "01_huaian_shi_2024"  # 2021, non-zero cells in every table
XINGAN = "002_eb42678789e3d87b"  # 2019


def blanked(keys: list[str], rendering: str, mark: str = "", stem: str = HUAIAN, wide_last: bool = True):
    """The report with `keys` printed with no value (`mark`), read back."""
    report = F.Report.golden(stem)
    report = replace(report, cells={k: None if k in keys else v for k, v in report.cells.items()})
    name, data = RENDERINGS[rendering](report.document(mark, wide_last))
    return report, extract_bytes(name, data)


def assert_read_as_printed(report, result, keys, kind="blank"):
    assert result.cells == report.cells
    assert {k: result.provenance[k].kind for k in keys} == dict.fromkeys(keys, kind)
    assert result.status == "needs_review"


@pytest.mark.parametrize("rendering", list(RENDERINGS))
def test_blanks_at_the_start_of_the_table_four_row(rendering):
    keys = ["s4.review.upheld", "s4.review.corrected"]
    report, result = blanked(keys, rendering)
    assert_read_as_printed(report, result, keys)


@pytest.mark.parametrize("rendering", list(RENDERINGS))
def test_a_blank_table_two_row_does_not_take_the_next_rows_value(rendering):
    """行政处罚's only cell is empty: 行政强制's value below is not its."""
    report, result = blanked(["s2.penalty.decisions"], rendering)
    assert_read_as_printed(report, result, ["s2.penalty.decisions"])


@pytest.mark.parametrize("rendering", list(RENDERINGS))
@pytest.mark.parametrize(
    "keys",
    [
        [f"s3.denied_state_secret.{c}" for c in ("natural", "commercial", "research", "social", "legal", "other_org", "total")],
        [f"s4.{g}.{c}" for g in ("review", "suit_direct", "suit_after_review") for c in ("upheld", "corrected", "other", "pending", "total")],
        ["s2.fees.amount_wan"],
    ],
    ids=["s3-row", "s4-row", "s2-last-row"],
)
def test_a_row_printed_wholly_blank_is_a_row_of_blanks(rendering, keys):
    report, result = blanked(keys, rendering)
    assert_read_as_printed(report, result, keys)


def test_a_row_of_dash_placeholders_in_markdown_is_a_row_not_a_table_rule():
    """"| -- | -- | … |" below the table's second line is a row of placeholder cells; the
    delimiter of a pipe table is its second line (or a rule of three dashes or more)."""
    keys = [f"s4.{g}.{c}" for g in ("review", "suit_direct", "suit_after_review") for c in ("upheld", "corrected", "other", "pending", "total")]
    report, result = blanked(keys, "markdown", mark="--")
    assert_read_as_printed(report, result, keys, kind="placeholder")


@pytest.mark.parametrize("rendering", list(RENDERINGS))
@pytest.mark.parametrize("key", ["s2.fees.prev_count", "s2.fees.change", "s2.procurement.projects"])
def test_a_blank_in_a_narrow_table_two_block_sits_under_its_header(rendering, key):
    """A block of two columns leaves its fourth cell empty: which of the empty cells is the
    blank one, the header above tells."""
    report, result = blanked([key], rendering, stem=XINGAN, wide_last=False)
    assert_read_as_printed(report, result, [key])


def _token(kind: str, column: int) -> Token:
    return Token(kind, column, column + 1, "5" if kind == "value" else "", 0, True, column)


def test_empty_cells_on_both_sides_of_the_values_are_not_placed_by_guess():
    """Seven cells, five values: two of the three empty cells around them are blanks, one is
    padding. Which, only the columns tell."""
    values = [_token("value", c) for c in range(3, 8)]
    run = Run(values, before=[_token("empty", 1), _token("empty", 2)], after=[_token("empty", 8)])
    assert slots(run, 7) is None
    placed = slots(run, 7, first_column=2)
    assert placed is not None and [p.text for p in placed] == ["", "5", "5", "5", "5", "5", ""]
    one_side = Run(values, before=[_token("empty", 1), _token("empty", 2)])
    assert [p.text for p in slots(one_side, 7)] == ["", "", "5", "5", "5", "5", "5"]


@pytest.mark.parametrize("key", ["s3.denied_process_info.total", "s3.rejected_duplicate.total", "s3.carried_over.research"])
def test_a_row_short_of_a_lost_blank_is_not_cut_into_more_numbers(key):
    """One cell per line drops an empty cell without a trace: the numbers printed in cells of
    their own stay whole ("12 0 0 0 0 0" is never cut into "1 2 0 0 0 0 0", the only cut into
    seven); the row is not read."""
    report = F.Report.golden(HUAIAN)
    report = replace(report, cells={**report.cells, key: None})
    result = extract_bytes("r.txt", BlankSeparated().render(report.document(), F.PLAIN).data)
    row = [k for k in report.cells if k.startswith(key.rsplit(".", 1)[0] + ".")]
    assert all(result.cells[k] is None for k in row)
    assert {k for k, v in result.cells.items() if v != report.cells[k]} <= set(row)

