"""Plausibility heuristics P1–P7 (SPEC §5.3). They usually hold; a failure is a warning, never an error."""

from __future__ import annotations

import re
from collections.abc import Mapping

from .findings import Finding, Number
from .layout import S4_COLUMNS, s4_key

Cells = Mapping[str, "Number | None"]

# Organs below the level that may make 规章 under the 立法法 (spec P4).
_LOCAL_ORGAN = re.compile(r"(乡|镇|街道|办事处|县|社区|村)")
# Spec P5: an integer of 10^6 or more read as 万元 is probably 元.
_YUAN_LIKE = 1_000_000
_LOCAL_AMOUNT_CAP = 100_000


def _get(cells: Cells, key: str) -> Number | None:
    return cells.get(key)


def _warn(rule: str, check: str, cells: tuple[str, ...], message: str, **kw) -> Finding:
    return Finding(rule, check, "warn", cells, message, severity="heuristic", **kw)


def _ok(rule: str, check: str, cells: tuple[str, ...], message: str) -> Finding:
    return Finding(rule, check, "pass", cells, message, severity="heuristic")


def p1_published_within_total(cells: Cells) -> list[Finding]:
    out = []
    for row in ("regulations", "normative_docs"):
        a, b = f"s2.{row}.new_published", f"s2.{row}.total_published"
        x, y = _get(cells, a), _get(cells, b)
        if x is None or y is None:
            continue
        if x <= y:
            out.append(_ok("P1", f"P1.{row}", (a, b), f"新公开 {x} ≤ 对外公开总数 {y}"))
        else:
            out.append(
                _warn("P1", f"P1.{row}", (a, b), f"新公开 {x} > 对外公开总数 {y}", left=x, right=y, diff=x - y)
            )
    return out


def p2_change_plausible(cells: Cells) -> list[Finding]:
    out = []
    for row in ("licensing", "other_services", "penalty", "coercion", "fees"):
        a, b = f"s2.{row}.prev_count", f"s2.{row}.change"
        prev, change = _get(cells, a), _get(cells, b)
        if prev is None or change is None:
            continue
        if prev + change < 0:
            out.append(_warn("P2", f"P2.{row}", (a, b), f"上一年 {prev} + 增减 {change} < 0"))
        elif change != 0 and change == prev:
            out.append(
                _warn("P2", f"P2.{row}", (a, b), f"增减 {change} equals 上一年 {prev}: the new total written as the change?")
            )
        elif change > prev and change >= 10:
            out.append(_warn("P2", f"P2.{row}", (a, b), f"增减 {change} exceeds 上一年 {prev}"))
        else:
            out.append(_ok("P2", f"P2.{row}", (a, b), "change plausible"))
    return out


def p3_issued_within_stock(cells: Cells) -> list[Finding]:
    out = []
    for row in ("regulations", "normative_docs"):
        a, b, c = (f"s2.{row}.{f}" for f in ("issued", "in_force", "repealed"))
        issued, in_force, repealed = _get(cells, a), _get(cells, b), _get(cells, c)
        if issued is None or in_force is None or repealed is None:
            continue
        if issued <= in_force + repealed:
            out.append(_ok("P3", f"P3.{row}", (a, b, c), "制发 ≤ 现行有效 + 废止"))
        else:
            out.append(
                _warn(
                    "P3",
                    f"P3.{row}",
                    (a, b, c),
                    f"制发 {issued} > 现行有效 {in_force} + 废止 {repealed}",
                    left=issued,
                    right=in_force + repealed,
                    diff=issued - in_force - repealed,
                )
            )
    return out


def p4_regulations_by_organ(cells: Cells, organ: str | None) -> list[Finding]:
    if not organ or not _LOCAL_ORGAN.search(organ):
        return []
    keys = tuple(
        k
        for k in ("s2.regulations.new_made", "s2.regulations.issued")
        if k in cells and (cells[k] or 0) != 0
    )
    if not keys:
        return []
    return [_warn("P4", "P4.regulations", keys, f"{organ} cannot normally make 规章, yet 规章 counts are non-zero")]


def p5_money_magnitude(cells: Cells, organ: str | None) -> list[Finding]:
    out = []
    for key in ("s2.procurement.amount_wan", "s2.fees.amount_wan"):
        v = _get(cells, key)
        if v is None:
            continue
        if v >= _YUAN_LIKE and float(v).is_integer():
            out.append(_warn("P5", f"P5.{key}", (key,), f"{v} 万元 looks like an amount in 元"))
        elif organ and _LOCAL_ORGAN.search(organ) and v > _LOCAL_AMOUNT_CAP:
            out.append(_warn("P5", f"P5.{key}", (key,), f"{v} 万元 is large for {organ}"))
    return out


def p6_cases_without_applications(cells: Cells) -> list[Finding]:
    s3 = [v for k, v in cells.items() if k.startswith("s3.")]
    s4 = [v for k, v in cells.items() if k.startswith("s4.")]
    if not s3 or not s4 or any(v is None for v in s3 + s4):
        return []
    if all(v == 0 for v in s3) and any(v != 0 for v in s4):
        return [
            _warn(
                "P6",
                "P6",
                tuple(k for k in cells if k.startswith("s4.") and cells[k]),
                "review/litigation cases while no application was received or handled "
                "(possible: cases can concern earlier years)",
            )
        ]
    return []


def p7_copied_suit_rows(cells: Cells) -> list[Finding]:
    a = [_get(cells, s4_key("suit_direct", c)) for c in S4_COLUMNS]
    b = [_get(cells, s4_key("suit_after_review", c)) for c in S4_COLUMNS]
    if any(v is None for v in a + b) or not any(a):
        return []
    if a == b:
        keys = tuple(s4_key(g, c) for g in ("suit_direct", "suit_after_review") for c in S4_COLUMNS)
        return [_warn("P7", "P7", keys, "未经复议直接起诉 and 复议后起诉 rows are identical and non-zero (copy-paste?)")]
    return []


def plausibility(cells: Cells, organ: str | None = None) -> list[Finding]:
    return (
        p1_published_within_total(cells)
        + p2_change_plausible(cells)
        + p3_issued_within_stock(cells)
        + p4_regulations_by_organ(cells, organ)
        + p5_money_magnitude(cells, organ)
        + p6_cases_without_applications(cells)
        + p7_copied_suit_rows(cells)
    )
