"""Markdown from machine and LLM conversions that break the tables apart (tests/synth/machine.py
renders whole reports so; these pin the rules one by one on small pieces)."""

from __future__ import annotations

from extractor.extract.rules.table2 import read_table2
from extractor.extract.rules.table3 import _names_the_columns
from extractor.extract.rules.table4 import read_table4
from extractor.extract.rules.tokens import tokenize
from extractor.load.document import Document
from extractor.load.text import text_rows
from extractor.locate.layout import s2_layout
from extractor.locate.stream import build
from extractor.locate.zones import Zone
from verify.layout import s3_rows


def stream_of(markdown: str):
    return build(Document("t.md", "markdown", "", text_rows(markdown)))


def test_the_numbers_in_invented_column_names_are_not_values():
    stream = stream_of("| 类别 | 数据1 | 数据2 | 总计 |\n|---|---|---|---|\n| 数量 | 5 | 0 | 5 |\n")
    tokens = tokenize(stream, 0, len(stream.text))
    assert [t.text for t in tokens if t.is_value] == ["5", "0", "5"]


def test_a_label_with_its_leaf_number_in_a_row_of_blanks_is_still_a_label():
    stream = stream_of("| 1.属于国家秘密 |  |  |\n")
    tokens = tokenize(stream, 0, len(stream.text))
    assert [t.kind for t in tokens] == ["text", "empty", "empty"]


def _row_of(stream, text: str) -> int:
    return next(stream.cell_row[i] for i, c in enumerate(stream.cells) if c.text == text)


def test_a_header_of_the_wrong_labels_is_told_from_a_row_of_blanks():
    stream = stream_of(
        "| 项目 | 本年新收件数 | 上年结转件数 | 予以公开 | 总计 | 结转下年度 |\n|---|---|---|---|---|---|\n"
        "| （六）其他处理 | 3.其他 |  |  |  |  |\n"
        "| 2.其他法律行政法规禁止公开 |  |  |  |  |  |\n"
        "| 项目 | 数据1 | 数据2 | 数据3 | 数据4 | 总计 |\n"
    )
    rows = s3_rows("2021")
    assert _names_the_columns(stream, _row_of(stream, "本年新收件数"), rows)
    assert _names_the_columns(stream, _row_of(stream, "数据1"), rows)
    assert not _names_the_columns(stream, _row_of(stream, "3.其他"), rows)
    assert not _names_the_columns(stream, _row_of(stream, "2.其他法律行政法规禁止公开"), rows)


def test_table_four_printed_group_by_group_is_read_by_the_groups_names():
    head = "| 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |\n|---|---|---|---|---|\n"
    markdown = (
        f"### 行政复议\n\n{head}| 1 | 0 | 0 |  | 1 |\n\n"
        f"### 行政诉讼（未经复议直接起诉）\n\n{head}|  |  |  |  |  |\n\n"
        f"### 行政诉讼（复议后起诉）\n\n{head}| 0 | 2 | 0 | 0 | 2 |\n"
    )
    stream = stream_of(markdown)
    table = read_table4(stream, Zone("s4", 0, len(stream.text)))
    values = [table.cells[k].value for k in table.cells]
    assert values == [1, 0, 0, None, 1, None, None, None, None, None, 0, 2, 0, 0, 2]
    assert table.cells["s4.review.pending"].kind == "blank"


# --- cells floated out of their table (a PDF converted to markdown) -------------------------------


_HEAD = "第二十条第（一）项\n| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n|---|---|---|---|\n"
_NEXT = "\n第二十条第（五）项\n| 信息内容 | 本年处理决定数量 |\n|---|---|\n| 行政许可 | 97 |\n"


def table2_of(markdown: str):
    stream = stream_of(markdown)
    zone = Zone("s2", 0, len(stream.text))
    table = read_table2(stream, zone, s2_layout(stream, zone, 2024))
    return {k.split(".", 1)[1]: r for k, r in table.cells.items()}, table


def test_a_value_floated_below_its_row_goes_back_to_the_empty_cell_it_left():
    cells, _ = table2_of(_HEAD + "| 规章 | 0 | 0 | 0 |\n| 行政规范性文件 |  | 3 | 55 |\n22（其中修订16件）\n" + _NEXT)
    assert [cells[f"normative_docs.{f}"].value for f in ("issued", "repealed", "in_force")] == [22, 3, 55]
    assert "其中修订16件" in cells["normative_docs.issued"].note
    assert cells["normative_docs.issued"].loc.line == 6  # where the value is printed
    assert cells["licensing.decisions"].value == 97


def test_values_floated_below_the_block_go_back_in_reading_order():
    md = _HEAD + "| 规章 |  | 0 | 0 |\n| 行政规范性文件 | 13 | 0 |  |\n4（其中修订1件）\n55（含自然失效29件）\n" + _NEXT
    cells, _ = table2_of(md)
    assert [cells["regulations.issued"].value, cells["normative_docs.in_force"].value] == [4, 55]


def test_a_remark_floated_alone_is_no_value():
    cells, _ = table2_of(_HEAD + "| 规章 | 0 | 0 | 0 |\n| 行政规范性文件 | 22 | 3 | 55 |\n（其中修订16件）\n" + _NEXT)
    assert [cells[f"normative_docs.{f}"].value for f in ("issued", "repealed", "in_force")] == [22, 3, 55]


def test_a_floated_value_that_could_have_left_either_of_two_cells_is_not_placed():
    """A blank cell and a lifted value print alike: the row is not read rather than misread."""
    cells, table = table2_of(_HEAD + "| 规章 | 0 | 0 | 0 |\n| 行政规范性文件 |  | 3 |  |\n22（其中修订16件）\n" + _NEXT)
    assert all(cells[f"normative_docs.{f}"].value is None for f in ("issued", "repealed", "in_force"))
    assert any("not placed" in n for n in table.notes)
    assert cells["regulations.issued"].value == 0


def test_a_piece_of_a_group_label_left_of_the_row_label_is_not_a_placeholder():
    stream = stream_of("| （四）无 | 1.本机关不掌握相关政府信息 | 0 | 0 |\n| 无 | 2.没有现成信息需要另行制作 | 0 | 0 |\n| 3.补正后 | 无 | 无 |\n")
    tokens = tokenize(stream, 0, len(stream.text))
    assert [t.kind for t in tokens if t.text == "无"] == ["text", "value", "value"]


def test_table_three_without_its_header_and_first_row_starts_at_its_heading():
    from extractor.locate.zones import find_zones

    md = (
        "二、主动公开政府信息情况\n第二十条第（一）项\n| 信息内容 | 本年制发件数 |\n|---|---|\n| 规章 | 0 |\n"
        "三、收到和处理政府信息公开申请情况\n\n### 二、上年结转申请数量\n\n| 数量 | 0 | 0 |\n|---|---|---|\n"
    )
    stream = stream_of(md)
    zone = find_zones(stream)["s3"]
    assert zone is not None and stream.text[zone.start :].startswith("收到和处理")
