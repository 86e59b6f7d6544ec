"""Page furniture: page numbers and running headers go, the page's content stays."""

from __future__ import annotations

from extractor.load.pagemarks import drop_furniture
from extractor.load.pdf_page import Line, Page, Word


def line(text: str, top: float) -> Line:
    return Line([Word(t, (72.0, top, 100.0, top + 10)) for t in text.split()], top, top + 10)


def page(number: int, *lines: Line) -> Page:
    return Page(number, 842.0, blocks=list(lines))


def texts(p: Page) -> list[str]:
    return [b.text for b in p.blocks]


def test_running_headers_and_page_numbers_go_content_stays():
    pages = [
        page(1, line("某市人民政府公报 2024年 第3期", 30), line("正文 第一段", 120), line("第 1 页 共 3 页", 800)),
        page(2, line("某市人民政府公报 2024年 第3期", 30), line("3001 53 0 0", 120), line("- 2 -", 800)),
        page(3, line("某市人民政府公报 2024年 第3期", 30), line("结转 103", 120), line("3/3", 800)),
    ]
    assert drop_furniture(pages) == 6
    assert [texts(p) for p in pages] == [["正文 第一段"], ["3001 53 0 0"], ["结转 103"]]


def test_numbers_at_the_top_of_pages_are_data_not_headers():
    pages = [page(n, line("0 0 0 0 0 0 0", 30), line("其他 内容", 300)) for n in (1, 2, 3)]
    assert drop_furniture(pages) == 0


def test_a_number_not_at_the_edge_of_the_page_stays():
    """A lone small number in the bottom band is a page number only as the page's last line."""
    pages = [page(1, line("规章", 700), line("12", 770), line("合计 12", 790))]
    assert drop_furniture(pages) == 0
