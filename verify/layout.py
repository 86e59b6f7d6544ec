"""Which keys each layout prints, their order, and the layout a set of keys shows (SPEC §4.2).

The dictionary itself (every cell, its labels and type) is `verify.fields`; its names are
re-exported here for the modules that read both.
"""

from __future__ import annotations

from typing import Literal

from .fields import (
    FIELD,
    FIELDS,
    S2_2019,
    S2_2021,
    S2_ROW_ORDER,
    S3_ALL_ROWS,
    S3_APPLICANT_COLUMNS,
    S3_COLUMN_LABELS,
    S3_COLUMNS,
    S3_GROUPS,
    S3_OTHER_ROWS_2019,
    S3_OTHER_ROWS_2021,
    S3_RESULT_LEAVES_COMMON,
    S3_ROW_LABELS,
    S3_ROWS_2019,
    S3_ROWS_2021,
    S4_COLUMN_LABELS,
    S4_COLUMNS,
    S4_GROUP_LABELS,
    S4_GROUPS,
    TABLES,
    Field,
    Label,
    TableName,
    ValueType,
    label,
    s2_key,
    s3_key,
    s4_key,
    value_type,
)

Template = Literal["2019", "2021", "mixed"]

__all__ = [
    "FIELD", "FIELDS", "Field", "Label", "label", "value_type", "ValueType", "TableName", "TABLES", "Template",
    "S2_2019", "S2_2021", "S2_ROW_ORDER", "S3_ALL_ROWS", "S3_APPLICANT_COLUMNS", "S3_COLUMN_LABELS", "S3_COLUMNS",
    "S3_GROUPS", "S3_OTHER_ROWS_2019", "S3_OTHER_ROWS_2021", "S3_RESULT_LEAVES_COMMON", "S3_ROW_LABELS",
    "S3_ROWS_2019", "S3_ROWS_2021", "S4_COLUMN_LABELS", "S4_COLUMNS", "S4_GROUP_LABELS", "S4_GROUPS",
    "s2_key", "s3_key", "s4_key", "s2_keys", "s3_rows", "s3_keys", "s4_keys", "table_keys", "template_keys",
    "S2_ALL_KEYS", "ALL_KEYS", "order_keys", "s2_layout_of", "s3_layout_of", "combine_layouts",
]

# --- Keys ---------------------------------------------------------------------------------------


def s2_keys(layout: str) -> tuple[str, ...]:
    spec = S2_2019 if layout == "2019" else S2_2021
    return tuple(s2_key(row, field) for row, field, _, _ in spec)


def s3_rows(layout: str) -> tuple[str, ...]:
    return S3_ROWS_2019 if layout == "2019" else S3_ROWS_2021


def s3_keys(layout: str) -> tuple[str, ...]:
    return tuple(s3_key(r, c) for r in s3_rows(layout) for c in S3_COLUMNS)


def s4_keys() -> tuple[str, ...]:
    return tuple(s4_key(g, c) for g in S4_GROUPS for c in S4_COLUMNS)


def table_keys(table: TableName, layout: str) -> tuple[str, ...]:
    if table == "s2":
        return s2_keys(layout)
    if table == "s3":
        return s3_keys(layout)
    return s4_keys()


def template_keys(template: str) -> tuple[str, ...]:
    """All keys of a pure template, in the dictionary's order (s2, s3 row-major, s4)."""
    return s2_keys(template) + s3_keys(template) + s4_keys()


S2_ALL_KEYS = tuple(dict.fromkeys(s2_keys("2019") + s2_keys("2021")))
ALL_KEYS = frozenset(FIELD)


def order_keys(keys: set[str] | frozenset[str] | list[str]) -> list[str]:
    """Sort keys into the dictionary's order: s2 (printed order), s3 row-major, s4."""
    rank = _RANK
    return sorted(keys, key=lambda k: (rank.get(k, len(rank)), k))


_RANK = {f.key: i for i, f in enumerate(FIELDS)}


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
