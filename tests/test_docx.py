"""DOCX: paragraphs and tables in order, gridSpan and vMerge to a grid, text Word hides in wrappers."""

from __future__ import annotations

from functools import cache
from io import BytesIO

import pytest
from lxml import etree

from extractor.load import LoadError, load_bytes
from extractor.load.docx import paragraph_text, table_grid

from . import fixtures as F

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def xml(body: str):
    return etree.fromstring(f'<root xmlns:w="{W}">{body}</root>')[0]


@cache
def generated():
    return load_bytes("r.docx", F.docx(F.Report.golden("01_huaian_shi_2024")))


def test_paragraphs_and_tables_keep_document_order():
    doc = generated()
    texts = [r.cells[0].text for r in doc.rows]
    assert texts.index("二、主动公开政府信息情况") < texts.index("第二十条第（一）项") < texts.index("三、收到和处理政府信息公开申请情况")
    heading = doc.rows[texts.index("二、主动公开政府信息情况")].cells[0]
    assert heading.loc.line is not None and heading.loc.table is None
    assert doc.rows[texts.index("第二十条第（一）项")].cells[0].loc.table == 0


def test_grid_span_and_vertical_merge_become_marked_copies():
    doc = generated()
    licensing = next(r for r in doc.rows if r.cells[0].text == "行政许可")
    assert [(c.text, c.span_copy) for c in licensing.cells] == [("行政许可", False), ("447228", False), ("447228", True), ("447228", True)]
    vertical = [r.cells[0] for r in doc.rows if r.grid and r.cells[0].text == "三、本年度办理结果"]
    assert len(vertical) == 22 and [c.span_copy for c in vertical] == [False] + [True] * 21
    first = vertical[0].loc
    assert (first.table, first.column) == (1, 0)


def test_text_in_tracked_insertions_and_smart_tags_is_read_but_tab_stops_are_not():
    p = xml(
        """<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="420"/></w:tabs></w:pPr>
        <w:r><w:t>规章</w:t></w:r><w:r><w:tab/></w:r>
        <w:ins w:id="1" w:author="a"><w:r><w:t>1</w:t></w:r></w:ins>
        <w:smartTag w:uri="u" w:element="e"><w:r><w:t>0</w:t></w:r></w:smartTag>
        <w:del w:id="2" w:author="a"><w:r><w:delText>9</w:delText></w:r></w:del></w:p>"""
    )
    assert paragraph_text(p) == "规章\t10"


def test_grid_before_and_a_merge_that_continues_above():
    tbl = xml(
        """<w:tbl>
        <w:tr><w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>申请人</w:t></w:r></w:p></w:tc>
              <w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p><w:r><w:t>法人</w:t></w:r></w:p></w:tc></w:tr>
        <w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc>
              <w:tc><w:p><w:r><w:t>商业企业</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>科研机构</w:t></w:r></w:p></w:tc></w:tr>
        <w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr>
              <w:tc><w:p><w:r><w:t>3</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>4</w:t></w:r></w:p></w:tc></w:tr>
        </w:tbl>"""
    )
    assert table_grid(tbl) == [
        [("申请人", False), ("法人", False), ("法人", True)],
        [("申请人", True), ("商业企业", False), ("科研机构", False)],
        [None, ("3", False), ("4", False)],
    ]


@pytest.mark.parametrize(
    "members,problem",
    [
        ({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}, "an Office file other than Word (.xlsx, .pptx): save it as DOCX or PDF first"),
        ({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document"}, "damaged DOCX: the package cannot be opened (AttributeError)"),
        ({"word/document.xml": b"<w:document"}, "not a Word document: the package lacks [Content_Types].xml or word/document.xml"),
    ],
    ids=["xlsx", "broken-package", "no-content-types"],
)
def test_office_files_that_cannot_be_read_say_why(members, problem):
    with pytest.raises(LoadError) as e:
        load_bytes("r.docx", F.zip_of(members))
    assert e.value.problem == problem


def test_password_protected_word_file():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 64
    with pytest.raises(LoadError, match="encrypted Office document: a password is needed"):
        load_bytes("r.docx", ole)


def test_a_table_framing_the_whole_report_is_read_as_its_content():
    """Some editors put the report in a one-cell table: its paragraphs and tables are read."""
    import docx as python_docx

    inner = python_docx.Document(BytesIO(F.docx(F.Report.golden("01_huaian_shi_2024"))))
    document = python_docx.Document()
    frame = document.add_table(rows=1, cols=1).cell(0, 0)
    body = inner.element.body
    for child in list(body):
        if not child.tag.endswith("sectPr"):
            frame._tc.append(child)
    buf = BytesIO()
    document.save(buf)
    framed = load_bytes("framed.docx", buf.getvalue())
    assert [r.cells[0].text for r in framed.rows] == [r.cells[0].text for r in generated().rows]
