"""Organ and year from the title (SPEC V12)."""

from __future__ import annotations

import pytest

from extractor.load import load_bytes
from extractor.locate import locate


@pytest.mark.parametrize(
    "head,organ,year",
    [
        ("郭巨街道办事处2020年度政府信息公开工作年度报告", "郭巨街道办事处", 2020),
        ("# 西岗街道 2020 年政府信息公开工作年度报告", "西岗街道", 2020),
        ("2020年团山子乡人民政府\n[bookmark: _GoBack]信息公开工作年度报告", "团山子乡人民政府", 2020),
        ("郟县龙山街道办事处 2023 年政府信息公开工作年度 报告", "郟县龙山街道办事处", 2023),
        ("标题: 平潭综合实验区2023年度政府信息公开工作年度报告\n发布时间: 2024-03-08", "平潭综合实验区", 2023),
        ("正文\n2024 年上海市科委政府信息公开工作\n年度报告", "上海市科委", 2024),
        ("淮安市人民政府\n2024 年政府信息公开工作年度报告", "淮安市人民政府", 2024),
        ("兴安区2020年政府信息公开工作年度报告\n发布时间:2021-01-30", "兴安区", 2020),
    ],
)
def test_title(head, organ, year):
    located = locate(load_bytes("t.txt", (head + "\n一、总体情况\n正文。\n").encode()))
    assert (located.title.organ, located.title.year) == (organ, year)


def test_period_sentence_disagreeing_with_the_title_is_noted():
    text = "某某区2021年政府信息公开工作年度报告\n本报告所列数据的统计期限自2020年1月1日起至2020年12月31日止。\n"
    title = locate(load_bytes("t.txt", text.encode())).title
    assert title.year == 2021
    assert title.notes == ("title says 2021, the statistics period says 2020",)


@pytest.mark.parametrize(
    "head,organ,year",
    [
        ("某某区人民政府办公室关于2020年度政府信息公开工作年度报告", "某某区人民政府办公室", 2020),
        ("\n".join(["首页", "政务公开", "信息公开年报"] * 10) + "\n某某镇人民政府2022年政府信息公开工作年度报告", "某某镇人民政府", 2022),
    ],
)
def test_title_variants(head, organ, year):
    located = locate(load_bytes("t.txt", (head + "\n一、总体情况\n正文。\n").encode()))
    assert (located.title.organ, located.title.year) == (organ, year)
