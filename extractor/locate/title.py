"""Organ and statistical year, read from the report's title (SPEC V12)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..load.document import Document
from ..normalize import compact

_TITLE = re.compile(
    r"^(?P<pre>.*?)(?P<year>(?:19|20)\d{2})年度?(?P<post>.*?)(?P<gov>政府)?信息公开(?:工作)?(?:年度)?(?:工作)?报告"
)
# Lines that sit above a title in web dumps and converted files without being part of it.
_NOISE = re.compile(
    r"^(正文|标题|title|#+)$|^(发布时间|发布机构|发布来源|来源|索引号|文号|栏目|原文链接|本地目录|页面链接)"
    # a saved web page's breadcrumb: "首页 > 政务公开 > 年度报告", "当前位置：…"
    r"|^(当前位置|您的位置|您现在的位置|所在位置)|^(网站)?首页[>»›/]",
    re.I,
)
_LABEL_PREFIX = re.compile(r"^(标题|title)[:：]\s*", re.I)
_PERIOD = re.compile(r"统计(?:期限|周期|时限|区间)[^0-9]{0,8}((?:19|20)\d{2})\s*年")
# Saved web pages put menus and breadcrumbs above the title: look well down the page.
_MAX_TITLE_LINES = 80
_MAX_TITLE_CHARS = 80


@dataclass(frozen=True)
class Title:
    organ: str | None
    year: int | None
    text: str | None
    notes: tuple[str, ...] = ()


def _head_lines(doc: Document) -> list[str]:
    lines: list[str] = []
    for row in doc.rows:
        text = " ".join(c.text for c in row.cells if not c.span_copy).strip()
        if not text:
            continue
        text = _LABEL_PREFIX.sub("", text)
        if _NOISE.match(compact(text)):
            continue
        lines.append(text)
        if len(lines) >= _MAX_TITLE_LINES:
            break
    return lines


def read_title(doc: Document, compact_text: str = "") -> Title:
    """`compact_text`: the document's compact view, searched for the statistics period."""
    lines = [compact(line).lstrip("#") for line in _head_lines(doc)]
    for start in range(len(lines)):
        for length in (1, 2, 3):
            m = _match(lines[start : start + length])
            # A window must need its first line: "menu / 某某镇…报告" is the title without the menu,
            # while "淮安市人民政府 / 2024年…报告" needs the organ's line.
            if m and not (length > 1 and _organ_of(_match(lines[start + 1 : start + length]))):
                return _from_match(m, m.string, compact_text)
    return Title(None, _period_year(compact_text), None, ("no title with a year found",))


def _match(window: list[str]) -> re.Match[str] | None:
    joined = "".join(window)
    if not joined or len(joined) > _MAX_TITLE_CHARS:
        return None
    return _TITLE.match(joined)


def _organ_of(m: re.Match[str] | None) -> str | None:
    return (m["pre"] or m["post"]) if m else None


def _from_match(m: re.Match[str], title: str, compact_text: str) -> Title:
    notes: list[str] = []
    organ = m["pre"] or m["post"]
    # "团山子乡人民政府信息公开工作年度报告": the 政府 matched as the title's belongs to the organ.
    if organ.endswith("人民") and m["gov"]:
        organ += "政府"
    # "…办公室关于2020年…报告" and "关于印发…": the preposition is not part of the organ.
    organ = re.sub(r"(关于印发|关于)$", "", organ).strip("，,。:：《》<>") or None
    year = int(m["year"])
    period = _period_year(compact_text)
    if period is not None and period != year:
        notes.append(f"title says {year}, the statistics period says {period}")
    return Title(organ, year, title[: m.end()], tuple(notes))


def _period_year(compact_text: str) -> int | None:
    m = _PERIOD.search(compact_text)
    return int(m.group(1)) if m else None
