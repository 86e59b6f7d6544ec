"""The checks, reasons, statuses and decisions in Chinese words, for the people an export goes
to: an auditing office reads "表三 四、结转下年度继续办理·总计", not `s3.carried_forward.total`,
and "勾稽关系不成立", not `H1.total fail`.

Each check is said as its rule (what must hold), the two sides of that rule in the template's
labels, and the figures; the sides are rebuilt from the same equations the verifier checks
(`verify.identities`, `verify.crossyear`), so they cannot drift from what was checked.

    >>> cell_name("s3.carried_forward.total", "2021")
    '表三 四、结转下年度继续办理·总计'
    >>> sides(Check(rule="H4", check="H4.review", status="fail", severity="hard", message="",
    ...     cells=["s4.review.upheld", "s4.review.corrected", "s4.review.other", "s4.review.pending", "s4.review.total"]), "2021")[1]
    '表四 行政复议·总计'
"""

from __future__ import annotations

from functools import lru_cache

from verify.crossyear import EQUATIONS
from verify.fields import S3_COLUMN_LABELS, S3_ROW_LABELS, S4_GROUP_LABELS, label
from verify.identities import Identity, identities

from ..models import Check, Culprit, Number

STATUS = {"verified": "已核实", "needs_review": "待复核", "failed": "无法读取"}
REVIEW = {"": "未经人工复核", "open": "待复核", "corrected": "已人工更正", "accepted as printed": "按原样接受"}

# What each rule says must hold.
RULES = {
    "H1": "勾稽关系：一、本年新收 + 二、上年结转 = 三、本年度办理结果（七）总计 + 四、结转下年度继续办理",
    "H2": "办理结果合计：（七）总计 = 各项办理结果之和",
    "H3": "申请人合计：各类申请人之和 = 总计",
    "H4": "复议诉讼合计：结果维持 + 结果纠正 + 其他结果 + 尚未审结 = 总计",
    "H5": "数值类型：数量为非负整数，金额为数字",
    "X1": "跨年度：本年“二、上年结转政府信息公开申请数量” = 上年“四、结转下年度继续办理”",
    "X2": "跨年度：本年现行有效件数 = 上年现行有效件数 + 本年制发件数 − 本年废止件数",
    "X3": "跨年度：本年累计数 = 上年累计数 + 本年新增或增减数",
    "N1": "正文与表格：报告正文所述数字 = 统计表所列数字",
}
# The rules a findings list reports: the identities, the cross-year checks and the prose's.
REPORTED = frozenset(RULES)

# Why a document was held back, by reason code.
REASONS = {
    "unreadable": "文件无法读取",
    "over_limit": "超出处理限制",
    "no_table": "未找到统计表",
    "table_missing": "缺少统计表",
    "cells_not_read": "单元格未读出",
    "identity_failed": "数字关系不成立",
    "identity_not_assessable": "有空白单元格，数字关系无法核对",
    "structure": "表格结构不完整",
    "ambiguous_reading": "数字连写，读法不唯一",
    "methods_disagree": "两种读取方法结果不一致",
    "fallback": "一种读取方法未成功，采用另一种的结果",
    "blank_as_zero": "空白单元格按零计后数字关系成立",
    "reading_confirmed": "连写数字的读法已由正文或相邻年度确认",
    "ocr_uncertain": "文字识别把握不大",
    "weak_label_match": "行标题与模板相差较大",
}


def cell_name(key: str, template: str | None) -> str:
    """A cell as the template prints it: its table, row and column."""
    printed = label(key, template if template in ("2019", "2021") else None)
    return f"表{printed.table} {printed.row}·{printed.column}" if printed.column else f"表{printed.table} {printed.row}"


def number(value: Number | None) -> str:
    if value is None:
        return "空白"
    return str(int(value)) if float(value).is_integer() else str(value)


def outcome(check: Check) -> str:
    """What became of the check, in words."""
    if check.status == "not_assessable":
        return "无法核对（有空白单元格）"
    if check.rule.startswith("X"):
        return "与相邻年度不符"
    if check.rule == "N1":
        return "正文与表格不符"
    return "不成立"


def reported(check: Check) -> bool:
    """A check a findings list names: an identity that fails or cannot be assessed, a cross-year
    or prose check that warns. (Plausibility warnings and a structure's gaps are not findings
    of the report's arithmetic.)"""
    if check.rule not in REPORTED:
        return False
    if check.rule.startswith("H"):
        return check.status in ("fail", "not_assessable")
    return check.status in ("fail", "warn")


def target(check: Check, template: str | None) -> str:
    """Which instance of the rule: the column, row, group or cell it was checked on."""
    base, _, rest = check.check.partition(".")
    part = rest.removesuffix(" (next year)")
    if base in ("H1", "H2", "X1"):
        word = S3_COLUMN_LABELS.get(part, part)
    elif base == "H3":
        word = S3_ROW_LABELS.get(part, part)
    elif base == "H4":
        word = S4_GROUP_LABELS.get(part, part)
    elif base in ("X2", "X3"):
        equation = next((e for e in EQUATIONS if e[1] == f"{base}.{part}"), None)
        word = label(equation[2]).row if equation else part
    elif base == "H5":
        word = cell_name(part, template)
    else:
        word = ""
    return word + ("（下一年度报告）" if rest.endswith(" (next year)") else "")


def sides(check: Check, template: str | None) -> tuple[str, str]:
    """The rule's left and right sides in the template's labels."""
    if check.rule.startswith("H") and check.rule != "H5":
        identity = _identity(check.check, tuple(check.cells))
        if identity is not None:
            return _sum(identity.lhs, template), _sum(identity.rhs, template)
    if check.rule.startswith("X"):
        return _cross_year(check, template)
    if check.rule == "N1":
        return _sum(tuple(check.cells), template), "报告正文所述"
    return "、".join(cell_name(k, template) for k in check.cells), check.message


def _sum(keys: tuple[str, ...], template: str | None) -> str:
    return " + ".join(cell_name(k, template) for k in keys)


@lru_cache(maxsize=1024)
def _identity(name: str, cells: tuple[str, ...]) -> Identity | None:
    """The identity a stored check was: by its name, among both templates' layouts, the one
    whose cells are the check's (H2 and H3 differ between the templates)."""
    for layout in ("2021", "2019"):
        for identity in identities(layout, True):
            if identity.check == name and set(identity.cells) == set(cells):
                return identity
    return None


def _cross_year(check: Check, template: str | None) -> tuple[str, str]:
    following = check.check.endswith(" (next year)")
    name = check.check.removesuffix(" (next year)")
    equation = next((e for e in EQUATIONS if e[1] == name), None)
    if equation is None:
        return "、".join(cell_name(k, template) for k in check.cells), check.message
    _, _, left, terms = equation
    now, prev = ("下一年度", "本年度") if following else ("本年度", "上一年度")
    right = " ".join(f"{'+' if sign > 0 else '−'} {now if side == 'now' else prev} {cell_name(key, template)}" for sign, side, key in terms)
    return f"{now} {cell_name(left, template)}", right.removeprefix("+ ")


def culprit_words(culprits: list[Culprit], check: Check | None, template: str | None) -> str:
    """The one cell that, changed, makes the failing identities hold (of this check, if given)."""
    named = [c for c in culprits if check is None or check.check in c.fixes]
    return "；".join(f"{cell_name(c.cell, template)}：现为 {number(c.current)}，若为 {number(c.would_be)} 则各式成立" for c in named)


def figures(check: Check, template: str | None) -> str:
    """The two sums and their difference, or which cells were blank."""
    if check.left is None or check.right is None:
        blank = "、".join(cell_name(k, template) for k in check.blank_cells)
        return f"空白：{blank}" if blank else ""
    return f"左 {number(check.left)}，右 {number(check.right)}，相差 {number(check.diff)}"


__all__ = [
    "REASONS", "REPORTED", "REVIEW", "RULES", "STATUS", "cell_name", "culprit_words", "figures", "number", "outcome",
    "reported", "sides", "target",
]  # fmt: skip
