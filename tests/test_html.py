"""HTML: spans expanded to a grid, split numbers joined, legacy encodings, scripts ignored."""

from __future__ import annotations

import pytest

from extractor.load import load_bytes, sniff

PAGE = """<html><head><meta charset="utf-8"><title>页面标题</title>
<style>.x { content: "样式 1 2 3" }</style><script>var total = 999;</script></head>
<body>
<div class="crumb">首页 &gt; 年报</div>
<table><tr><td>
  <p>第一段<br>第二行 <b>加粗</b>文字</p>
  <div style="display:none">隐藏 12345</div>
  <table border="1">
    <tr><td rowspan="2">信息内容</td><td colspan="3">本年处理决定数量</td></tr>
    <tr><td>甲</td><td>乙</td><td>丙</td></tr>
    <tr><td>行政许可</td><td colspan="3"><span>44</span><span lang="EN-US">7228</span></td></tr>
    <tr><td>行政处罚</td><td>&nbsp;</td><td> 0 </td></tr>
  </table>
</td></tr></table>
<!-- 注释 777 -->
<script>document.write("脚本 888")</script>
</body></html>"""


@pytest.fixture(scope="module")
def doc():
    return load_bytes("page.html", PAGE.encode("utf-8"))


def _grid(doc):
    return [[(c.text, c.span_copy) for c in r.cells] for r in doc.rows if r.grid]


def test_scripts_styles_comments_and_hidden_elements_are_not_text(doc):
    text = doc.text()
    for gone in ("999", "样式", "777", "888", "隐藏", "页面标题"):
        assert gone not in text


def test_layout_table_is_read_as_text_and_br_ends_a_line(doc):
    lines = [r.cells[0].text for r in doc.rows if not r.grid]
    assert lines == ["首页 > 年报", "第一段", "第二行 加粗文字"]
    assert all(r.cells[0].loc.line for r in doc.rows if not r.grid)


def test_rowspan_and_colspan_expand_to_a_grid_with_copies_marked(doc):
    grid = _grid(doc)
    assert grid[0] == [("信息内容", False), ("本年处理决定数量", False), ("本年处理决定数量", True), ("本年处理决定数量", True)]
    assert grid[1] == [("信息内容", True), ("甲", False), ("乙", False), ("丙", False)]


def test_number_split_over_spans_is_one_number(doc):
    assert _grid(doc)[2] == [("行政许可", False), ("447228", False), ("447228", True), ("447228", True)]


def test_nbsp_is_an_empty_cell_and_a_short_row_is_padded(doc):
    row = _grid(doc)[3]
    assert row[:3] == [("行政处罚", False), ("", False), ("0", False)]
    assert row[3] == ("", True)  # the source row has no fourth cell: nothing printed there


def test_grid_cells_are_located_by_table_row_column(doc):
    cell = next(c for r in doc.rows for c in r.cells if c.text == "447228" and not c.span_copy)
    assert (cell.loc.table, cell.loc.row, cell.loc.column) == (0, 2, 1)


@pytest.mark.parametrize(
    "declared,encoding,expected,title",
    [
        ('<meta http-equiv="Content-Type" content="text/html; charset=gb2312">', "gbk", "gb18030", "政府信息公开工作年度报告"),
        ("<meta charset='GBK'>", "gbk", "gb18030", "政府信息公开工作年度报告"),
        ("", "gbk", "gb18030", "政府信息公开工作年度报告"),  # no declaration: detected
        ('<meta charset="gb2312">', "utf-8", "utf-8", "政府信息公开工作年度报告"),  # re-saved, old declaration kept
        ('<meta charset="big5">', "big5", "big5", "政府資訊公開工作年度報告"),
    ],
)
def test_encodings_with_and_without_a_declaration(declared, encoding, expected, title):
    page = f"<html><head>{declared}</head><body><p>{title}</p><table><tr><td>规章</td><td>1</td></tr></table></body></html>"
    doc = load_bytes("p.html", page.replace("规章", "規章" if encoding == "big5" else "规章").encode(encoding))
    assert doc.encoding == expected
    assert doc.rows[0].cells[0].text == title


@pytest.mark.parametrize(
    "name,head,fmt",
    [
        ("a.html", b"<p>x</p>", "html"),
        ("a.shtml", b"<p>x</p>", "html"),
        ("a", b"\xef\xbb\xbf<!DOCTYPE html><html>", "html"),
        ("saved", b"<!-- saved from url=(0042) --><html>", "html"),
        ("notes.md", b"<!-- a markdown comment -->\n# title", "markdown"),
        ("notes.txt", b"<html> is a tag", "html"),
    ],
)
def test_sniffing_saved_pages(name, head, fmt):
    assert sniff(name, head) == fmt


def test_a_two_column_page_layout_is_not_a_data_table():
    page = "<table><tr><td>导航 栏目</td><td><p>" + "正文段落，" * 60 + "</p><p>规章 1 0 11</p></td></tr></table>"
    doc = load_bytes("p.html", page.encode("utf-8"))
    assert not any(r.grid for r in doc.rows)
    assert [r.cells[0].text for r in doc.rows][-1] == "规章 1 0 11"
