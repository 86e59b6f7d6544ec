"""Rows and columns whose printed labels are not the template's: placed by likeness and order.

A label with a wrong, missing or extra character ("其他法律行政止公开", "本年废纸件数", "规张") loses
nothing: its row is read, its cells say in their provenance how alike the label was, and the
document verifies only where identities vouch for every such cell.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from extractor import extract_bytes
from extractor.extract.rules.align import FLOOR, Stretch, place
from extractor.labels import S3_WORDS

from .synth import RandomDraw
from .synth.case import make_case

# A 2019 and a 2021 report, one cell to a line (their values differ from row to row).
REPORT = {"2019": 0, "2021": 1}


def _case(template: str, renderer: str = "cell_lines"):
    case = make_case(RandomDraw(REPORT[template]), renderer, "none", mixed=False)
    assert case.report.template == template
    return case


def _read(case, *edits: tuple[str, str]):
    text = case.rendered.data.decode(case.rendered.encoding)
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    return extract_bytes(case.rendered.name, text.encode(case.rendered.encoding))


def _wrong(case, result) -> list[str]:
    """The cells the document determines (every one, unless its cells are written together) read otherwise."""
    return [k for k in case.expected.exact if result.cells.get(k) != case.expected.cells[k]]


@pytest.mark.parametrize("renderer", ["cell_lines", "tab_rows", "markdown", "concatenated", "html"])
@pytest.mark.parametrize(
    "template,printed,damaged,row",
    [
        ("2021", "其他法律行政法规禁止公开", "其他法律行政止公开", "s3.denied_law_forbidden"),  # one character lost
        ("2021", "属于国家秘密", "属于国家秘蜜", "s3.denied_state_secret"),  # one of the same sound
        ("2019", "信访举报投诉类申请", "信仿举抱投诉类申请", "s3.rejected_petition"),  # two of the same shape
        ("2019", "重复申请", "重复复甲请", "s3.rejected_duplicate"),  # one doubled, one of the same shape
        ("2021", "规章", "规张", "s2.regulations"),
        ("2019", "行政处罚", "行攻处罚", "s2.penalty"),
    ],
)
def test_a_row_whose_label_is_damaged_is_read_and_its_cells_say_how_alike_the_label_was(
    renderer, template, printed, damaged, row
):
    case = _case(template, renderer)
    result = _read(case, (printed, damaged))
    assert _wrong(case, result) == []
    keys = [k for k in case.expected.cells if k.startswith(row + ".")]
    scores = {result.provenance[k].label_match for k in keys}
    assert len(scores) == 1 and FLOOR <= scores.pop() < 100
    assert all("matched by likeness" in result.provenance[k].note for k in keys)


@pytest.mark.parametrize(
    "printed,damaged",
    [("本年废止件数", "本年废纸件数"), ("现行有效件数", "现行有效件"), ("本年制发件数", "本年制发发件数")],
)
def test_a_damaged_column_header_is_read_as_its_template_set_and_its_cells_are_weak(printed, damaged):
    case = _case("2021")
    result = _read(case, (printed, damaged))
    assert _wrong(case, result) == [] and result.template == "2021"
    assert result.provenance["s2.regulations.repealed"].label_match is not None
    assert result.status == "needs_review"  # table 二 has no identity to vouch for its cells
    assert "s2.regulations.repealed" in {k for r in result.reasons if r.code == "weak_label_match" for k in r.cells}


def test_one_weak_row_of_table_3_is_vouched_for_by_the_identities_that_hold():
    """The leaf's column sums (H2) hold with every other cell on a label found as printed: the
    leaf is what the others say it must be, wherever its label was."""
    case = _case("2021")
    result = _read(case, ("属于国家秘密", "属于国家秘蜜"))
    assert result.provenance["s3.denied_state_secret.total"].label_match is not None
    assert result.status == "verified", [r.message for r in result.reasons]


def test_two_weak_rows_in_one_identity_vouch_for_neither_and_the_document_goes_to_review():
    """Two leaves placed by likeness could have been laid on each other's labels: H2 holds either way."""
    case = _case("2021")
    result = _read(case, ("属于国家秘密", "属于国家秘蜜"), ("重复申请", "童复申请"))
    assert _wrong(case, result) == []
    weak = {k for r in result.reasons if r.code == "weak_label_match" for k in r.cells}
    assert {"s3.denied_state_secret.natural", "s3.rejected_duplicate.total"} <= weak
    assert result.status == "needs_review"


def test_a_row_missing_from_the_print_takes_no_other_rows_label():
    """A report without its 规章 row and with 规范性文件 damaged: the one label left is the second row's."""
    case = _case("2021", "tab_rows")
    text = case.rendered.data.decode()
    line = next(x for x in text.splitlines() if x.startswith("规章\t"))
    result = _read(case, (line + "\n", ""), ("行政规范性文件", "行政规犯性文件"))
    assert result.cells["s2.regulations.issued"] is None
    assert [result.cells[f"s2.normative_docs.{f}"] for f in ("issued", "repealed", "in_force")] == [
        case.expected.cells[f"s2.normative_docs.{f}"] for f in ("issued", "repealed", "in_force")
    ]
    assert result.status == "needs_review"


def _stretches(*texts: str) -> list[Stretch]:
    return [Stretch(i * 10, i * 10 + len(t), t) for i, t in enumerate(texts)]


@pytest.mark.parametrize(
    "rows,texts,placed",
    [
        # as many labels as rows: order places them, however damaged (above the ordered floor)
        (["denied_state_secret", "denied_law_forbidden"], ["1.属于国家秘蜜", "2.其他法律行政止公开"], [0, 1]),
        # a label more than the rows: the most alike, in order
        (["denied_law_forbidden"], ["1.属于国家秘蜜", "2.其他法律行政止公开"], [1]),
        # a row whose label is not printed takes none of the others'
        (["denied_state_secret", "denied_law_forbidden", "denied_three_safety"], ["1.属于国家秘蜜", "3.危及三安全一稳走"], [0, None, 1]),
        # words like no row's label are left
        (["rejected_duplicate"], ["本页无正文"], [None]),
    ],
)
def test_rows_are_laid_on_the_labels_left_in_order_by_likeness(rows, texts, placed):
    found = _stretches(*texts)
    got = place(rows, found, S3_WORDS)
    assert [got[r].start // 10 if r in got else None for r in rows] == placed


@pytest.mark.parametrize(
    "rows,texts,after,placed",
    [
        # the words after a run, on lines without values, are its label's end: "四、结 | 0 0 … | 砖下年度继续办理"
        (
            ["results_total", "carried_forward"],
            ["处理", "理(七)忽", "计四、结"],
            ["理(七)忽", "计", "砖下年度继续办理"],
            [1, 2],
        ),
        # without them (labels that end with their numbers) the damaged label is too short to be placed
        (["results_total", "carried_forward"], ["处理", "理(七)忽", "计四、结"], ["", "", ""], [1, None]),
        # the next label's words after a run are no row's own: a row keeps a character before its numbers
        (
            ["other_other", "results_total"],
            ["缴纳费用申请", "(六)其他处3.其理他", "度办理结(七)总果计"],
            ["(六)其他处3.其", "度办理结(七)总", ""],
            [1, 2],
        ),
    ],
)
def test_rows_are_laid_by_the_words_around_their_numbers_where_labels_go_on_after_them(rows, texts, after, placed):
    found = [replace(s, after=a) for s, a in zip(_stretches(*texts), after)]
    got = place(rows, found, S3_WORDS)
    assert [got[r].start // 10 if r in got else None for r in rows] == placed


# --- labels broken over lines around their numbers (a PDF read line by line) ----------------------
# Table 二 of report 1 (2021) as a PDF without rules reads it: each label over two or three lines,
# damaged, the row's numbers on its first or a middle line, or on a line of their own between two.
_S2_2021 = "规章\t67\t0\t69\n行政规范性文件\t0\t0\t880\n"


@pytest.mark.parametrize(
    "printed",
    [
        # the numbers on the first line, 规章 with a character doubled: its pattern finds "规章" after them
        "规\t67\t0\t69\n规章\n规\t0\t0\t880\n范性文文\n件\n",
        # on a line of their own in the middle, neither label found by a pattern (规→观, 件 lost)
        "观\n67\t0\t69\n章\n行政\n0\t0\t880\n规范性文\n",
        # on the middle line, beside a piece of the label
        "观\n章\t67\t0\t69\n章\n行政规范\t0\t0\t880\n性仵\n",
    ],
)
def test_rows_of_table_2_whose_labels_wrap_around_their_numbers_are_laid_on_the_runs_in_order(printed):
    case = _case("2021", "tab_rows")
    result = _read(case, (_S2_2021, printed))
    keys = [f"s2.{row}.{f}" for row in ("regulations", "normative_docs") for f in ("issued", "repealed", "in_force")]
    assert [result.cells[k] for k in keys] == [case.expected.cells[k] for k in keys] == [67, 0, 69, 0, 0, 880]
    damaged = {k for k in keys if result.provenance[k].label_match is not None}
    assert damaged and result.status == "needs_review"  # table 二 has no identity to vouch for them


def test_a_row_of_table_2_not_printed_leaves_the_one_run_of_its_block_to_the_row_it_is_like():
    """A 2019 block 五 without its 其他对外管理服务事项 row, 行政许可 damaged and wrapped around its numbers."""
    case = _case("2019", "tab_rows")
    result = _read(case, ("行政许可\t9\t+5\t0\n其他对外管理服务事项\t0\t0\t0\n", "行正\t9\t+5\t0\n许可\n"))
    assert [result.cells[f"s2.licensing.{f}"] for f in ("prev_count", "change", "decisions")] == [9, 5, 0]
    assert [result.cells[f"s2.other_services.{f}"] for f in ("prev_count", "change", "decisions")] == [None] * 3
    assert result.status == "needs_review"


def test_a_blank_row_of_table_2_whose_value_is_printed_below_the_table_is_no_row_not_printed():
    """Both labels found as printed, 行政处罚's cell empty and its value below the table with a
    remark (a machine conversion floats it out): one run of values in the block, yet no row is
    missing, and 行政处罚 takes the value that floated, not nothing."""
    case = _case("2021", "markdown")
    result = _read(case, ("| 行政处罚 | 0 |  |  |\n| 行政强制 | 85 |  |  |\n", "| 行政处罚 |  |  |  |\n| 行政强制 | 85 |  |  |\n0（其中新增2项）\n"))
    assert (result.cells["s2.penalty.decisions"], result.cells["s2.coercion.decisions"]) == (0, 85)


def test_values_of_damaged_table_2_rows_printed_below_the_table_are_each_rows_own():
    """Both labels damaged, both cells empty and their values below the table, each with a
    remark: every value lies after the last label, so no label is broken around its numbers,
    and the values are the rows' in order (the floating rule), none lost."""
    case = _case("2021", "markdown")
    printed = "| 行政外罚罚 |  |  |  |\n| 行政制制 |  |  |  |\n0（其中修订2件）\n85（其中修订2件）\n"
    result = _read(case, ("| 行政处罚 | 0 |  |  |\n| 行政强制 | 85 |  |  |\n", printed))
    assert (result.cells["s2.penalty.decisions"], result.cells["s2.coercion.decisions"]) == (0, 85)
    assert result.status == "needs_review"
