"""The findings list: one row per document and check that did not hold, in Chinese words. This
is what an office that audits these reports sends back to each organ: which sum of its report
does not add up, between which cells, which cell is most likely wrong, and what the review
made of it.

A finding is an identity that fails or cannot be assessed (a blank where a sum needs a
number), a cross-year check that disagrees with the organ's neighbouring year, or a figure of
the report's prose that disagrees with its table (`wording.reported`), on the document as it
stands: a cell a person corrected (a misreading put right) counts as corrected, and a document
accepted as printed keeps its findings, with the decision beside them. A failed document (no
table read) has no checks, and no row.

The rows come organ by organ, then year (`documents(by_organ=True)`), so that the workbook
writes each organ's sheet in one go: one document and its rows are held at a time.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..models import Check
from ..store import Store
from .rows import Document, documents
from .wording import REVIEW, RULES, STATUS, cell_name, culprit_words, number, outcome, reported, sides, target

COLUMNS = (
    "机关", "机关编号", "报告所署名称", "年度", "模板", "文件", "状态", "规则", "检查", "对象", "结果", "左边", "右边", "左值", "右值", "差额",
    "单元格", "可能的错值", "对照年度文件", "复核结论", "复核人", "复核备注", "复核时间", "sha256",
)  # fmt: skip
# The columns a spreadsheet shows narrow or wide (characters), by name.
WIDTHS = {"机关": 24, "文件": 36, "检查": 40, "左边": 50, "右边": 50, "单元格": 50, "可能的错值": 40, "对照年度文件": 30, "复核备注": 30, "sha256": 14}


def rows_of(doc: Document) -> Iterator[dict[str, Any]]:
    """The document's findings, each a row."""
    result = doc.result
    if result is None:
        return
    values = doc.values()
    related = {r.relation: r.path for r in result.related}
    for check in result.checks:
        if not reported(check):
            continue
        left, right = sides(check, doc.template)
        other = ""
        if check.rule.startswith("X"):
            other = related.get("next" if check.check.endswith(" (next year)") else "previous", "")
        yield {
            "机关": doc.organ_name or doc.organ, "机关编号": doc.organ_id, "报告所署名称": doc.organ, "年度": doc.year, "模板": doc.template, "文件": doc.path,
            "状态": STATUS.get(doc.status, doc.status), "规则": check.rule, "检查": RULES.get(check.rule, check.rule),
            "对象": target(check, doc.template), "结果": outcome(check), "左边": left, "右边": _right(check, right),
            "左值": check.left, "右值": check.right, "差额": check.diff,
            "单元格": "；".join(f"{cell_name(k, doc.template)} = {number(values.get(k))}" for k in check.cells),
            "可能的错值": culprit_words(result.culprits, check, doc.template), "对照年度文件": other,
            "复核结论": REVIEW.get(doc.decision.review, doc.decision.review), "复核人": doc.decision.reviewer,
            "复核备注": doc.decision.note, "复核时间": doc.decision.at, "sha256": doc.sha256,
        }  # fmt: skip


def _right(check: Check, right: str) -> str:
    """The prose's side is the clause itself, as the report prints it."""
    if check.rule == "N1":
        clause = check.message.split(": the prose says", 1)[0]
        return f"{right}：“{clause}”"
    return right


def findings(store: Store) -> Iterator[dict[str, Any]]:
    """Every finding of every document, organ by organ, then year."""
    for doc in documents(store, results=True, by_organ=True):
        yield from rows_of(doc)


__all__ = ["COLUMNS", "WIDTHS", "findings", "rows_of"]
