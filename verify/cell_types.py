"""H5 (SPEC §5.1): every cell has the type its column means: counts, signed changes, money."""

from __future__ import annotations

from collections.abc import Mapping

from .findings import Finding, Number
from .layout import label, order_keys, value_type

Cells = Mapping[str, "Number | None"]


def _type_problem(key: str, value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return f"not a number: {value!r}"
    kind = value_type(key)
    if kind == "money":
        return "negative amount" if value < 0 else None
    if not float(value).is_integer():
        return f"not an integer: {value}"
    if kind == "count" and value < 0:
        return f"negative count: {value}"
    return None


def h5_types(cells: Cells) -> list[Finding]:
    """One failing finding per ill-typed cell; one passing finding per table otherwise."""
    out: list[Finding] = []
    for table in ("s2", "s3", "s4"):
        keys = order_keys([k for k in cells if k.startswith(table + ".")])
        if not keys:
            continue
        bad = [(k, p) for k in keys if (p := _type_problem(k, cells[k]))]
        for k, problem in bad:
            out.append(Finding("H5", f"H5.{k}", "fail", (k,), f"{label(k)}: {problem}"))
        if not bad:
            out.append(
                Finding("H5", f"H5.{table}", "pass", (), f"table {table}: all {len(keys)} cells well typed")
            )
    return out
