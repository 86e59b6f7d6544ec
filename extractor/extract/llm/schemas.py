"""The response models the model must fill: one per table and layout, built from the field
dictionary (`verify.layout`), so a key is never spelled twice.

A table is an object of rows, a row an object of columns, every cell required and nullable:
a number as printed, or null for a cell printed blank or with a placeholder (/, —, 无). Counts
are whole and not negative, 本年增/减 may be negative, amounts are 万元 and may have decimals.
Arithmetic is deliberately not validated here: a model re-asked until the totals add up would
be coached into inventing numbers; the verifier judges the reading afterwards.

    >>> Model = response_model("s4", "any")
    >>> sorted(Model.model_fields)
    ['review', 'suit_after_review', 'suit_direct']
    >>> flatten(Model.model_validate({g: {"upheld": 1, "corrected": 0, "other": None, "pending": 0, "total": 1}
    ...                              for g in Model.model_fields}))["s4.review.other"] is None
    True
"""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model

from verify.layout import (
    S2_2019,
    S2_2021,
    S2_ROW_ORDER,
    S3_COLUMN_LABELS,
    S3_COLUMNS,
    S3_ROW_LABELS,
    S4_COLUMN_LABELS,
    S4_COLUMNS,
    S4_GROUP_LABELS,
    S4_GROUPS,
    s2_key,
    s3_key,
    s3_rows,
    s4_key,
    value_type,
)

TABLE_TITLES = {
    "s2": "二、主动公开政府信息情况",
    "s3": "三、收到和处理政府信息公开申请情况",
    "s4": "四、政府信息公开行政复议、行政诉讼情况",
}
_BLANK = "null when the cell is blank or holds a placeholder such as / — 无"


def _drop_titles(schema: dict[str, Any]) -> None:
    """Field titles repeat the field names: tokens paid on every request for nothing. (The
    model's own title stays: instructor names the tool after it.)"""
    for prop in schema.get("properties", {}).values():
        prop.pop("title", None)


_STRICT = ConfigDict(extra="forbid", json_schema_extra=_drop_titles)


def _cell(key: str, label: str) -> tuple[Any, Any]:
    kind = value_type(key)
    if kind == "money":
        return float | None, Field(..., ge=0, description=f"{label} (万元)")
    if kind == "signed":
        return int | None, Field(..., description=f"{label} (may be negative)")
    return int | None, Field(..., ge=0, description=label)


def _s2_rows(layout: str) -> dict[str, list[tuple[str, str, str]]]:
    """row -> [(field, row label, column label)] in printed order; a mixed table has both sets."""
    specs = {"2019": S2_2019, "2021": S2_2021, "mixed": S2_2019 + S2_2021}[layout]
    rows: dict[str, list[tuple[str, str, str]]] = {}
    for row, fld, row_label, col_label in specs:
        if all(fld != f for f, _, _ in rows.get(row, [])):
            rows.setdefault(row, []).append((fld, row_label, col_label))
    return {r: rows[r] for r in S2_ROW_ORDER if r in rows}


@cache
def response_model(table: str, layout: str) -> type[BaseModel]:
    """The pydantic model for one table in one layout ("2019", "2021", "mixed"; s4: any)."""
    if table == "s2":
        rows = {}
        for row, fields in _s2_rows(layout).items():
            cells = {f: _cell(s2_key(row, f), col_label) for f, _, col_label in fields}
            row_model = create_model(f"S2_{row}_{layout}", __config__=_STRICT, **cells)
            rows[row] = (row_model, Field(..., description=fields[0][1]))
        model = create_model(f"Table2_{layout}", __config__=_STRICT, **rows)
    elif table == "s3":
        cells = {c: _cell(s3_key("x", c), S3_COLUMN_LABELS[c]) for c in S3_COLUMNS}
        row_model = create_model("S3Row", __config__=_STRICT, **cells)
        rows = {r: (row_model, Field(..., description=S3_ROW_LABELS[r])) for r in s3_rows(layout)}
        model = create_model(f"Table3_{layout}", __config__=_STRICT, **rows)
    elif table == "s4":
        cells = {c: _cell(s4_key("x", c), S4_COLUMN_LABELS[c]) for c in S4_COLUMNS}
        row_model = create_model("S4Row", __config__=_STRICT, **cells)
        rows = {g: (row_model, Field(..., description=S4_GROUP_LABELS[g])) for g in S4_GROUPS}
        model = create_model("Table4", __config__=_STRICT, **rows)
    else:
        raise ValueError(f"unknown table {table!r}")
    model.__doc__ = f"Every cell of table {TABLE_TITLES[table]}, as printed; {_BLANK}."
    return model


def flatten(answer: BaseModel) -> dict[str, int | float | None]:
    """Dictionary keys → values of a filled response model."""
    name = type(answer).__name__
    table = {"Table2": "s2", "Table3": "s3", "Table4": "s4"}[name.split("_")[0]]
    out: dict[str, int | float | None] = {}
    for row, row_value in answer:
        for column, value in row_value:
            out[f"{table}.{row}.{column}"] = value
    return out
