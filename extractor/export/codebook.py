"""The codebook: every metric of the field dictionary, its labels in each template, its type and
unit, and whether it means the same under the 2019 and the 2021 template, with why.

A researcher joining 2019–2020 reports to 2021 ones must know which columns continue. The two
templates share table 三's rows (but for （六）其他处理, one row in 2019 and three in 2021), all
of table 四, and table 二's 处理决定数量; everything else of table 二 changed its meaning, and
some of it looks alike and is not: 本年新制作数量 is not 本年制发件数, 对外公开总数量 is not
现行有效件数, and 行政事业性收费 counts items in 2019 and money in 2021 (docs/SPEC.md §4.1, §8.2).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from verify.fields import FIELDS, S3_COLUMN_LABELS, TABLE_NUMERALS, Field

COLUMNS = (
    "metric", "table", "label_2019", "label_2021", "templates", "type", "unit", "across_templates",
    "compare_with", "why",
)  # fmt: skip
UNITS = {"count": "件", "signed": "项（增减，可为负）", "money": "万元"}
S3_OTHER_2021 = ("other_overdue_correction", "other_overdue_fee", "other_other")


def _label(f: Field, template: str) -> str | None:
    for t, row, column in f.printed:
        if t == template:
            return f"{TABLE_NUMERALS[f.table]} · {row} / {column}"
    return None


def _across(f: Field) -> tuple[str, str, str]:
    """(whether it means the same across the templates, the metric to compare with, why)."""
    both = set(f.templates) == {"2019", "2021"}
    if f.table == "s4":
        return "same", f.key, "table 四 is printed alike by both templates (SPEC §3.3)"
    if f.table == "s3":
        if f.row == "other":
            parts = " + ".join(f"s3.{r}.{f.column}" for r in S3_OTHER_2021)
            return "2019 only", parts, "2021 splits （六）其他处理 into three rows: their sum is this row (SPEC §8.2, s3_other_all)"
        if f.row in S3_OTHER_2021:
            return "2021 only", f"s3.other.{f.column}", "one of the three rows 2021 splits （六）其他处理 into: their sum compares with 2019's row"
        return "same", f.key, f"table 三's row and its {S3_COLUMN_LABELS[f.column]} column are printed alike by both templates (SPEC §3.2)"
    # Table 二
    if both:
        return "same", f.key, "处理决定数量 (2019) and 本年处理决定数量 (2021) both count the decisions made in the year (SPEC §8.2)"
    only = f.templates[0]
    if f.row == "fees":
        why = {
            "2019": "an item count (上一年项目数量, 本年增/减); 2021's 行政事业性收费 is the fees collected, in 万元: a count is not money",
            "2021": "the fees collected, in 万元; 2019's 行政事业性收费 cells count items: not comparable",
        }[only]
        return f"{only} only", "", why + " (SPEC §4.1)"
    if f.row == "procurement":
        return "2019 only", "", "2021 has no 政府集中采购 block (第二十条第（九）项) (SPEC §3.1)"
    if f.row == "other_services":
        return "2019 only", "", "2021 has no 其他对外管理服务事项 row (SPEC §3.1)"
    if f.column in ("prev_count", "change"):
        return "2019 only", "", "2021 prints only the decisions: the number of items and its change have no counterpart (SPEC §4.1)"
    if only == "2019":
        return "2019 only", "", "2021 counts documents issued, repealed and in force: 本年新制作数量 is not 本年制发件数, 对外公开总数量 is not 现行有效件数 (SPEC §4.1)"
    return "2021 only", "", "new in 2021: not 2019's 本年新制作数量 / 本年新公开数量 / 对外公开总数量, which count other things (SPEC §4.1)"


def _unit(f: Field) -> str:
    if f.key == "s2.procurement.amount_wan":
        return "万元 (assumed: the template prints no unit, SPEC §8.3)"
    return UNITS[f.value_type]


def codebook_rows() -> Iterator[dict[str, Any]]:
    """A row per metric, in the dictionary's order."""
    for f in FIELDS:
        across, compare, why = _across(f)
        yield {
            "metric": f.key, "table": TABLE_NUMERALS[f.table], "label_2019": _label(f, "2019"), "label_2021": _label(f, "2021"),
            "templates": " ".join(f.templates), "type": f.value_type, "unit": _unit(f), "across_templates": across,
            "compare_with": compare, "why": why,
        }  # fmt: skip
