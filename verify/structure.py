"""Structural checks S1–S3 (SPEC §5.2): is the extraction complete and in the right shape?

S1 compares each table's keys with its printed layout, S2 checks each data row is whole, and
S3 looks for two table-三 rows that were read into each other's places.
"""

from __future__ import annotations

from collections.abc import Mapping

from .findings import Finding, Number
from .identities import Identity, evaluate
from .layout import (
    ALL_KEYS,
    S3_COLUMNS,
    S3_ROW_LABELS,
    S4_COLUMNS,
    S4_GROUPS,
    order_keys,
    s2_keys,
    s3_key,
    s3_keys,
    s3_rows,
    s4_key,
    s4_keys,
)

Cells = Mapping[str, "Number | None"]
TABLE_NAMES = {"s2": "二", "s3": "三", "s4": "四"}


def expected_keys(table: str, layout: str | None, present: set[str]) -> set[str] | None:
    """The keys a table of this layout prints; None when the layout cannot be known."""
    if table == "s4":
        return set(s4_keys())
    if layout in ("2019", "2021"):
        return set(s2_keys(layout) if table == "s2" else s3_keys(layout))
    if table == "s2" and layout == "mixed":
        return _mixed_s2_expected(present)
    return None


def _mixed_s2_expected(present: set[str]) -> set[str]:
    """A hybrid table 二 prints the union of its blocks (SPEC §4.3): each printed row is judged
    against the template whose version of that row it matches, so the row is whole or not."""
    out: set[str] = set()
    for row in {k.split(".")[1] for k in present}:
        row_keys = {k for k in present if k.split(".")[1] == row}
        fits = [
            template_row
            for template in ("2019", "2021")
            if row_keys <= (template_row := {k for k in s2_keys(template) if k.split(".")[1] == row})
        ]
        # The smallest fitting version: a 2021 行政许可 row prints one cell, the 2019 one three.
        out |= min(fits, key=len) if fits else row_keys
    return out


def s1_key_sets(cells: Cells, layouts: Mapping[str, str | None]) -> list[Finding]:
    """S1: each table holds exactly the keys of its printed layout; no unknown keys at all."""
    out: list[Finding] = []
    unknown = order_keys({k for k in cells if k not in ALL_KEYS})
    if unknown:
        out.append(
            Finding(
                "S1",
                "S1.unknown_keys",
                "fail",
                tuple(unknown),
                f"keys not in the field dictionary: {', '.join(unknown)}",
                severity="structure",
            )
        )
    for table in ("s2", "s3", "s4"):
        present = {k for k in cells if k.startswith(table + ".") and k in ALL_KEYS}
        layout = layouts.get(table)
        expected = expected_keys(table, layout, present)
        name = TABLE_NAMES[table]
        if not present:
            cells_named = tuple(order_keys(expected)) if expected else ()
            out.append(
                Finding("S1", f"S1.{table}", "fail", cells_named, f"table {name} is absent", severity="structure")
            )
            continue
        if expected is None:
            out.append(
                Finding(
                    "S1",
                    f"S1.{table}",
                    "fail",
                    tuple(order_keys(present)),
                    f"table {name}: layout cannot be determined from its keys",
                    severity="structure",
                )
            )
            continue
        missing = order_keys(expected - present)
        extra = order_keys(present - expected)
        if missing or extra:
            parts = []
            if missing:
                parts.append(f"{len(missing)} missing")
            if extra:
                parts.append(f"{len(extra)} not in layout {layout}")
            out.append(
                Finding(
                    "S1",
                    f"S1.{table}",
                    "fail",
                    tuple(missing + extra),
                    f"table {name} ({layout}): " + ", ".join(parts),
                    severity="structure",
                    left=len(present),
                    right=len(expected),
                    diff=len(present) - len(expected),
                )
            )
        else:
            out.append(
                Finding(
                    "S1",
                    f"S1.{table}",
                    "pass",
                    (),
                    f"table {name} ({layout}): all {len(expected)} cells present",
                    severity="structure",
                    left=len(present),
                    right=len(expected),
                    diff=0,
                )
            )
    return out


def s2_rows_whole(cells: Cells, s3_layout: str | None, has_s4: bool) -> list[Finding]:
    """S2: every data row of 三 has its 7 cells read, the 四 row its 15; a wholly blank row is suspect.

    A row whose every cell is blank usually means a row was dropped or shifted, not that the
    organ left it empty, so it fails; a row with some blanks is reported by the identities.
    """
    out: list[Finding] = []
    rows: list[tuple[str, tuple[str, ...]]] = []
    if s3_layout in ("2019", "2021"):
        rows += [(f"S2.{r}", tuple(s3_key(r, c) for c in S3_COLUMNS)) for r in s3_rows(s3_layout)]
    if has_s4:
        rows.append(("S2.s4", tuple(s4_key(g, c) for g in S4_GROUPS for c in S4_COLUMNS)))
    for check, keys in rows:
        present = [k for k in keys if k in cells]
        if len(present) < len(keys):
            continue  # S1 already names the missing keys
        if all(cells[k] is None for k in keys):
            what = S3_ROW_LABELS.get(check[3:], "table 四 data row")
            out.append(
                Finding("S2", check, "fail", keys, f"{what}: no cell of the row was read", severity="structure")
            )
    return out


def s3_row_swaps(cells: Cells, s3_layout: str | None, hard: list[Identity]) -> list[Finding]:
    """S3: when identities fail, would swapping two adjacent 三 rows make them all hold?"""
    if s3_layout not in ("2019", "2021"):
        return []
    failing = [i for i in hard if i.rule in ("H1", "H2", "H3") and evaluate(i, cells).status == "fail"]
    if not failing:
        return []
    rows = s3_rows(s3_layout)
    out: list[Finding] = []
    for a, b in zip(rows, rows[1:]):
        keys_a = [s3_key(a, c) for c in S3_COLUMNS]
        keys_b = [s3_key(b, c) for c in S3_COLUMNS]
        if any(cells.get(k) is None for k in keys_a + keys_b):
            continue
        if all(cells[x] == cells[y] for x, y in zip(keys_a, keys_b)):
            continue
        swapped = dict(cells)
        for x, y in zip(keys_a, keys_b):
            swapped[x], swapped[y] = cells[y], cells[x]
        if all(evaluate(i, swapped).status == "pass" for i in hard if i.rule in ("H1", "H2", "H3")):
            out.append(
                Finding(
                    "S3",
                    f"S3.{a}|{b}",
                    "warn",
                    tuple(keys_a + keys_b),
                    f"rows {S3_ROW_LABELS[a]} and {S3_ROW_LABELS[b]} look swapped: "
                    "every failing identity holds if they trade places",
                    severity="structure",
                )
            )
    return out
