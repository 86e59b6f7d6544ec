"""Narrative ↔ table checks N1 (SPEC §5.5): what the report's prose says against what its tables print.

A statement is the cells a clause speaks of (their sum), the number it gives, and the clause.
Prose often counts with another scope ("共受理X件（含上年结转Y件）"), so a mismatch is a warning,
never an error and never a correction.

    >>> [f.status for f in narrative({"s4.review.total": 2}, [(("s4.review.total",), 2, "行政复议案件2件")])]
    ['pass']
    >>> narrative({"s4.review.total": 3}, [(("s4.review.total",), 2, "行政复议案件2件")])[0].message
    '行政复议案件2件: the prose says 2, the table 3'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .findings import Finding, Number

Statement = tuple[tuple[str, ...], Number, str]  # (cells summed, the number stated, the clause)


def _check_name(keys: tuple[str, ...]) -> str:
    return "N1." + "+".join(keys) if len(keys) <= 2 else f"N1.{keys[0]}+{len(keys) - 1} more"


def narrative(cells: Mapping[str, Number | None], statements: Iterable[Statement]) -> list[Finding]:
    out: list[Finding] = []
    seen: set[tuple[tuple[str, ...], Number]] = set()
    for keys, value, text in statements:
        if (keys, value) in seen or not all(k in cells for k in keys):
            continue
        seen.add((keys, value))
        values = [cells[k] for k in keys]
        name = _check_name(keys)
        if any(v is None for v in values):
            blank = [k for k, v in zip(keys, values) if v is None]
            out.append(
                Finding("N1", name, "warn", keys, f"{text}: the prose says {value}, the table leaves {', '.join(blank)} blank",
                        severity="heuristic", right=value, blank_cells=tuple(blank))
            )
            continue
        total = sum(values)  # type: ignore[arg-type]
        status = "pass" if total == value else "warn"
        says = f"the prose says {value}, the table {'agrees' if status == 'pass' else total}"
        out.append(
            Finding("N1", name, status, keys, f"{text}: {says}", severity="heuristic", left=total, right=value, diff=total - value)
        )
    return out
