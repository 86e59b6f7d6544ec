"""The canonical field dictionary: every table, row, column and key of both templates.

This module is the single source of truth for cell keys. The extractor, the prompts and the
verifier all build their key lists from it, so a key can never be spelled two ways.
Pure data and small pure functions only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Template = Literal["2019", "2021", "mixed"]
TABLES = ("s2", "s3", "s4")

# --- Table 二 ---------------------------------------------------------------------------------

# (row, field) -> (row label, column label), in printed order, per template.
S2_2019: tuple[tuple[str, str, str, str], ...] = (
    ("regulations", "new_made", "规章", "本年新制作数量"),
    ("regulations", "new_published", "规章", "本年新公开数量"),
    ("regulations", "total_published", "规章", "对外公开总数量"),
    ("normative_docs", "new_made", "规范性文件", "本年新制作数量"),
    ("normative_docs", "new_published", "规范性文件", "本年新公开数量"),
    ("normative_docs", "total_published", "规范性文件", "对外公开总数量"),
    ("licensing", "prev_count", "行政许可", "上一年项目数量"),
    ("licensing", "change", "行政许可", "本年增/减"),
    ("licensing", "decisions", "行政许可", "处理决定数量"),
    ("other_services", "prev_count", "其他对外管理服务事项", "上一年项目数量"),
    ("other_services", "change", "其他对外管理服务事项", "本年增/减"),
    ("other_services", "decisions", "其他对外管理服务事项", "处理决定数量"),
    ("penalty", "prev_count", "行政处罚", "上一年项目数量"),
    ("penalty", "change", "行政处罚", "本年增/减"),
    ("penalty", "decisions", "行政处罚", "处理决定数量"),
    ("coercion", "prev_count", "行政强制", "上一年项目数量"),
    ("coercion", "change", "行政强制", "本年增/减"),
    ("coercion", "decisions", "行政强制", "处理决定数量"),
    ("fees", "prev_count", "行政事业性收费", "上一年项目数量"),
    ("fees", "change", "行政事业性收费", "本年增/减"),
    ("procurement", "projects", "政府集中采购", "采购项目数量"),
    ("procurement", "amount_wan", "政府集中采购", "采购总金额"),
)

S2_2021: tuple[tuple[str, str, str, str], ...] = (
    ("regulations", "issued", "规章", "本年制发件数"),
    ("regulations", "repealed", "规章", "本年废止件数"),
    ("regulations", "in_force", "规章", "现行有效件数"),
    ("normative_docs", "issued", "行政规范性文件", "本年制发件数"),
    ("normative_docs", "repealed", "行政规范性文件", "本年废止件数"),
    ("normative_docs", "in_force", "行政规范性文件", "现行有效件数"),
    ("licensing", "decisions", "行政许可", "本年处理决定数量"),
    ("penalty", "decisions", "行政处罚", "本年处理决定数量"),
    ("coercion", "decisions", "行政强制", "本年处理决定数量"),
    ("fees", "amount_wan", "行政事业性收费", "本年收费金额（单位：万元）"),
)

# Row order of table 二 in either template (a mixed table keeps this order too).
S2_ROW_ORDER = (
    "regulations",
    "normative_docs",
    "licensing",
    "other_services",
    "penalty",
    "coercion",
    "fees",
    "procurement",
)

# --- Table 三 ---------------------------------------------------------------------------------

S3_COLUMNS = ("natural", "commercial", "research", "social", "legal", "other_org", "total")
S3_APPLICANT_COLUMNS = S3_COLUMNS[:-1]
S3_COLUMN_LABELS = {
    "natural": "自然人",
    "commercial": "商业企业",
    "research": "科研机构",
    "social": "社会公益组织",
    "legal": "法律服务机构",
    "other_org": "其他",
    "total": "总计",
}

_S3_HEAD = (
    ("new_received", "一、本年新收政府信息公开申请数量"),
    ("carried_over", "二、上年结转政府信息公开申请数量"),
    ("granted", "（一）予以公开"),
    ("partial", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    ("denied_state_secret", "1.属于国家秘密"),
    ("denied_law_forbidden", "2.其他法律行政法规禁止公开"),
    ("denied_three_safety", "3.危及“三安全一稳定”"),
    ("denied_third_party", "4.保护第三方合法权益"),
    ("denied_internal_affairs", "5.属于三类内部事务信息"),
    ("denied_process_info", "6.属于四类过程性信息"),
    ("denied_enforcement_file", "7.属于行政执法案卷"),
    ("denied_admin_query", "8.属于行政查询事项"),
    ("unable_not_held", "1.本机关不掌握相关政府信息"),
    ("unable_need_creation", "2.没有现成信息需要另行制作"),
    ("unable_unclear", "3.补正后申请内容仍不明确"),
    ("rejected_petition", "1.信访举报投诉类申请"),
    ("rejected_duplicate", "2.重复申请"),
    ("rejected_publication", "3.要求提供公开出版物"),
    ("rejected_mass_repeat", "4.无正当理由大量反复申请"),
    ("rejected_confirm", "5.要求行政机关确认或重新出具已获取信息"),
)
_S3_OTHER_2019 = (("other", "（六）其他处理"),)
_S3_OTHER_2021 = (
    ("other_overdue_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("other_overdue_fee", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ("other_other", "3.其他"),
)
_S3_TAIL = (
    ("results_total", "（七）总计"),
    ("carried_forward", "四、结转下年度继续办理"),
)

S3_ROWS_2019 = tuple(r for r, _ in _S3_HEAD + _S3_OTHER_2019 + _S3_TAIL)
S3_ROWS_2021 = tuple(r for r, _ in _S3_HEAD + _S3_OTHER_2021 + _S3_TAIL)
S3_ROW_LABELS = dict(_S3_HEAD + _S3_OTHER_2019 + _S3_OTHER_2021 + _S3_TAIL)
S3_OTHER_ROWS_2019 = tuple(r for r, _ in _S3_OTHER_2019)
S3_OTHER_ROWS_2021 = tuple(r for r, _ in _S3_OTHER_2021)

# The result leaves summed by （七）总计, without the （六） rows, which differ by template.
S3_RESULT_LEAVES_COMMON = tuple(r for r, _ in _S3_HEAD[2:])
S3_GROUPS = {
    "denied": tuple(r for r in S3_RESULT_LEAVES_COMMON if r.startswith("denied_")),
    "unable": tuple(r for r in S3_RESULT_LEAVES_COMMON if r.startswith("unable_")),
    "rejected": tuple(r for r in S3_RESULT_LEAVES_COMMON if r.startswith("rejected_")),
}

# --- Table 四 ---------------------------------------------------------------------------------

S4_GROUPS = ("review", "suit_direct", "suit_after_review")
S4_GROUP_LABELS = {"review": "行政复议", "suit_direct": "未经复议直接起诉", "suit_after_review": "复议后起诉"}
S4_COLUMNS = ("upheld", "corrected", "other", "pending", "total")
S4_COLUMN_LABELS = {
    "upheld": "结果维持",
    "corrected": "结果纠正",
    "other": "其他结果",
    "pending": "尚未审结",
    "total": "总计",
}


# --- Keys ---------------------------------------------------------------------------------------


def s2_key(row: str, field: str) -> str:
    return f"s2.{row}.{field}"


def s3_key(row: str, column: str) -> str:
    return f"s3.{row}.{column}"


def s4_key(group: str, column: str) -> str:
    return f"s4.{group}.{column}"


def s2_keys(layout: str) -> tuple[str, ...]:
    spec = S2_2019 if layout == "2019" else S2_2021
    return tuple(s2_key(row, field) for row, field, _, _ in spec)


def s3_rows(layout: str) -> tuple[str, ...]:
    return S3_ROWS_2019 if layout == "2019" else S3_ROWS_2021


def s3_keys(layout: str) -> tuple[str, ...]:
    return tuple(s3_key(r, c) for r in s3_rows(layout) for c in S3_COLUMNS)


def s4_keys() -> tuple[str, ...]:
    return tuple(s4_key(g, c) for g in S4_GROUPS for c in S4_COLUMNS)


def table_keys(table: str, layout: str) -> tuple[str, ...]:
    if table == "s2":
        return s2_keys(layout)
    if table == "s3":
        return s3_keys(layout)
    return s4_keys()


def template_keys(template: str) -> tuple[str, ...]:
    """All keys of a pure template, in the dictionary's order (s2, s3 row-major, s4)."""
    return s2_keys(template) + s3_keys(template) + s4_keys()


S2_ALL_KEYS = tuple(dict.fromkeys(s2_keys("2019") + s2_keys("2021")))
S3_ALL_ROWS = tuple(dict.fromkeys(S3_ROWS_2019[:-2] + S3_OTHER_ROWS_2021 + S3_ROWS_2019[-2:]))
ALL_KEYS = frozenset(
    S2_ALL_KEYS + tuple(s3_key(r, c) for r in S3_ALL_ROWS for c in S3_COLUMNS) + s4_keys()
)


def order_keys(keys: set[str] | frozenset[str] | list[str]) -> list[str]:
    """Sort keys into the dictionary's order: s2 (printed order), s3 row-major, s4."""
    rank = _RANK
    return sorted(keys, key=lambda k: (rank.get(k, len(rank)), k))


def _s2_order() -> tuple[str, ...]:
    fields: dict[str, list[str]] = {}
    for row, field, _, _ in S2_2019 + S2_2021:
        fields.setdefault(row, [])
        if field not in fields[row]:
            fields[row].append(field)
    return tuple(s2_key(r, f) for r in S2_ROW_ORDER for f in fields[r])


_ORDER = (
    _s2_order() + tuple(s3_key(r, c) for r in S3_ALL_ROWS for c in S3_COLUMNS) + s4_keys()
)
_RANK = {k: i for i, k in enumerate(_ORDER)}


# --- Value types (H5) -------------------------------------------------------------------------

ValueType = Literal["count", "signed", "money"]


def value_type(key: str) -> ValueType:
    if key.endswith(".change"):
        return "signed"
    if key.endswith("_wan"):
        return "money"
    return "count"


@dataclass(frozen=True)
class Label:
    """Human labels of a key: the row and the column as the template prints them."""

    table: str
    row: str
    column: str

    def __str__(self) -> str:
        return f"{self.row} / {self.column}"


def label(key: str) -> Label:
    table, row, col = key.split(".", 2)
    if table == "s2":
        for r, f, row_label, col_label in S2_2019 + S2_2021:
            if (r, f) == (row, col):
                return Label("二", row_label, col_label)
        return Label("二", row, col)
    if table == "s3":
        return Label("三", S3_ROW_LABELS.get(row, row), S3_COLUMN_LABELS.get(col, col))
    return Label("四", S4_GROUP_LABELS.get(row, row), S4_COLUMN_LABELS.get(col, col))


# --- Layout of a set of cells -------------------------------------------------------------------

_S2_ONLY_2019 = frozenset(s2_keys("2019")) - frozenset(s2_keys("2021"))
_S2_ONLY_2021 = frozenset(s2_keys("2021")) - frozenset(s2_keys("2019"))


def _layout_from(has19: bool, has21: bool) -> str | None:
    """The layout that keys unique to 2019 and/or 2021 show: both make it mixed."""
    if has19 and has21:
        return "mixed"
    if has19:
        return "2019"
    if has21:
        return "2021"
    return None


def s2_layout_of(keys: set[str] | frozenset[str]) -> str | None:
    return _layout_from(bool(keys & _S2_ONLY_2019), bool(keys & _S2_ONLY_2021))


def s3_layout_of(keys: set[str] | frozenset[str]) -> str | None:
    rows = {k.split(".")[1] for k in keys if k.startswith("s3.")}
    return _layout_from(bool(rows & set(S3_OTHER_ROWS_2019)), bool(rows & set(S3_OTHER_ROWS_2021)))


def combine_layouts(s2: str | None, s3: str | None, year: int | None = None) -> str | None:
    """Spec 4.2 step 4: agree -> that template; disagree -> mixed; one missing -> the other."""
    known = [x for x in (s2, s3) if x is not None]
    if not known:
        if year is None:
            return None
        return "2019" if year <= 2020 else "2021"
    if "mixed" in known or len(set(known)) > 1:
        return "mixed"
    return known[0]
