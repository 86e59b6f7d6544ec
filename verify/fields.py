"""The canonical field dictionary (SPEC §8): every table, row, column and key of both templates.

The single source of truth for cell keys and their printed labels. The extractor, the prompts
and the verifier all build their key lists from it, so a key is never spelled two ways. Pure
data and small pure functions only.

Each cell is a `Field` record: its key, its table, row and column, the row and column labels
as the official template prints them, the templates that print it, and the type of its value.

    >>> f = FIELD["s3.denied_third_party.legal"]
    >>> f.table, f.row_label, f.column_label, f.templates, f.value_type
    ('s3', '4.保护第三方合法权益', '法律服务机构', ('2019', '2021'), 'count')
    >>> FIELD["s2.licensing.change"].templates
    ('2019',)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

TableName = Literal["s2", "s3", "s4"]
TemplateName = Literal["2019", "2021"]
ValueType = Literal["count", "signed", "money"]
TABLES: tuple[TableName, ...] = ("s2", "s3", "s4")
TABLE_NUMERALS = {"s2": "二", "s3": "三", "s4": "四"}

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

# Every row of table 三 in printed order, the （六） rows of both templates in their place.
S3_ALL_ROWS = tuple(dict.fromkeys(S3_ROWS_2019[:-2] + S3_OTHER_ROWS_2021 + S3_ROWS_2019[-2:]))

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


# --- Keys and labels -----------------------------------------------------------------------------


def s2_key(row: str, field: str) -> str:
    return f"s2.{row}.{field}"


def s3_key(row: str, column: str) -> str:
    return f"s3.{row}.{column}"


def s4_key(group: str, column: str) -> str:
    return f"s4.{group}.{column}"



def value_type(key: str) -> ValueType:
    if key.endswith(".change"):
        return "signed"
    if key.endswith("_wan"):
        return "money"
    return "count"


# --- The records ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """One cell of the dictionary, with the labels the templates print for it."""

    key: str
    table: TableName
    row: str
    column: str
    # (template, row label, column label) for each template that prints the cell: the two
    # templates print some cells under different words (规范性文件 / 行政规范性文件).
    printed: tuple[tuple[TemplateName, str, str], ...]
    value_type: ValueType

    @property
    def templates(self) -> tuple[TemplateName, ...]:
        return tuple(t for t, _, _ in self.printed)

    @property
    def row_label(self) -> str:
        return self.printed[0][1]

    @property
    def column_label(self) -> str:
        return self.printed[0][2]

    def labels(self, template: str | None = None) -> tuple[str, str]:
        """(row label, column label) as `template` prints them (the first template's otherwise)."""
        for t, row, column in self.printed:
            if t == template:
                return row, column
        return self.row_label, self.column_label


def _s2_fields() -> list[Field]:
    printed: dict[tuple[str, str], list[tuple[TemplateName, str, str]]] = {}
    for template, spec in (("2019", S2_2019), ("2021", S2_2021)):
        for row, field, row_label, column_label in spec:
            printed.setdefault((row, field), []).append((template, row_label, column_label))  # type: ignore[arg-type]
    ordered = sorted(printed, key=lambda rf: S2_ROW_ORDER.index(rf[0]))  # stable: printed order within a row
    return [Field(s2_key(r, f), "s2", r, f, tuple(printed[(r, f)]), value_type(s2_key(r, f))) for r, f in ordered]


def _s3_fields() -> list[Field]:
    out = []
    for row in S3_ALL_ROWS:
        templates = [t for t, rows in (("2019", S3_ROWS_2019), ("2021", S3_ROWS_2021)) if row in rows]
        for column in S3_COLUMNS:
            printed = tuple((t, S3_ROW_LABELS[row], S3_COLUMN_LABELS[column]) for t in templates)
            out.append(Field(s3_key(row, column), "s3", row, column, printed, "count"))  # type: ignore[arg-type]
    return out


def _s4_fields() -> list[Field]:
    return [
        Field(
            s4_key(g, c), "s4", g, c,
            tuple((t, S4_GROUP_LABELS[g], S4_COLUMN_LABELS[c]) for t in ("2019", "2021")),  # type: ignore[misc]
            "count",
        )
        for g in S4_GROUPS
        for c in S4_COLUMNS
    ]


# Every cell of either template, in the dictionary's order: s2 (printed order), s3 row-major, s4.
FIELDS: tuple[Field, ...] = tuple(_s2_fields() + _s3_fields() + _s4_fields())
FIELD: dict[str, Field] = {f.key: f for f in FIELDS}


@dataclass(frozen=True)
class Label:
    """Human labels of a key: the table's numeral, the row and the column as printed."""

    table: str
    row: str
    column: str

    def __str__(self) -> str:
        return f"{self.row} / {self.column}"


def label(key: str, template: str | None = None) -> Label:
    """The printed labels of a key; a key outside the dictionary is shown by its own parts."""
    f = FIELD.get(key)
    if f is None:
        table, _, rest = key.partition(".")
        row, _, column = rest.partition(".")
        return Label(TABLE_NUMERALS.get(table, table), row, column)
    row, column = f.labels(template)
    return Label(TABLE_NUMERALS[f.table], row, column)
