"""Cross-year checks X1–X3 (SPEC §5.4): one organ's report against its report of the year before.

    X1  this year's 上年结转 is last year's 结转下年度, column by column (table 三);
    X2  2021 template: this year's 现行有效 ≈ last year's 现行有效 + this year's 制发 − 废止;
    X3  2019 template: this year's 上一年项目数量 = last year's 上一年项目数量 + its 本年增/减,
        and this year's 对外公开总数量 = last year's + this year's 新公开数量.

Corrections, reorganisations, expiry and revised reports break them, so each is a warning,
never an error. No column is compared across the 2020→2021 template switch (X4): the keys of
one template are simply absent from the other's cells.

    >>> last_year = {"s3.carried_forward.total": 3}
    >>> [(f.check, f.status, f.message) for f in cross_year({"s3.carried_over.total": 4}, previous=last_year)]
    [('X1.total', 'warn', 'now:s3.carried_over.total = prev:s3.carried_forward.total: 4 ≠ 3')]
    >>> [(f.check, f.cells) for f in cross_year({"s3.carried_forward.total": 3}, following={"s3.carried_over.total": 3})]
    [('X1.total (next year)', ('s3.carried_forward.total',))]
"""

from __future__ import annotations

from collections.abc import Mapping

from .fields import S3_COLUMNS
from .findings import Finding, Number

Cells = Mapping[str, "Number | None"]

# (check, this year's cell, [(sign, "now" | "prev", cell)]): this year's cell = Σ sign × term.
Equation = tuple[str, str, str, tuple[tuple[int, str, str], ...]]


def _equations() -> list[Equation]:
    out: list[Equation] = []
    for c in S3_COLUMNS:
        out.append(("X1", f"X1.{c}", f"s3.carried_over.{c}", ((1, "prev", f"s3.carried_forward.{c}"),)))
    for row in ("regulations", "normative_docs"):
        out.append((
            "X2", f"X2.{row}", f"s2.{row}.in_force",
            ((1, "prev", f"s2.{row}.in_force"), (1, "now", f"s2.{row}.issued"), (-1, "now", f"s2.{row}.repealed")),
        ))
        out.append((
            "X3", f"X3.{row}", f"s2.{row}.total_published",
            ((1, "prev", f"s2.{row}.total_published"), (1, "now", f"s2.{row}.new_published")),
        ))
    for row in ("licensing", "other_services", "penalty", "coercion", "fees"):
        out.append((
            "X3", f"X3.{row}", f"s2.{row}.prev_count",
            ((1, "prev", f"s2.{row}.prev_count"), (1, "prev", f"s2.{row}.change")),
        ))
    return out


EQUATIONS = tuple(_equations())
# The rules, and every cell of either year that an equation reads.
RULES = frozenset(rule for rule, *_ in EQUATIONS)
KEYS = tuple(sorted({k for _, _, left, terms in EQUATIONS for k in (left, *(key for _, _, key in terms))}))


def cross_year(cells: Cells, previous: Cells | None = None, following: Cells | None = None) -> list[Finding]:
    """Every X check that this year's cells and another year's print, as findings on this year.

    `previous`: the same organ's cells of the year before; `following`: of the year after (its
    checks read this year's cells as their "prev" side, and are named "… (next year)").
    """
    out: list[Finding] = []
    if previous is not None:
        out += _checks(cells, previous, mine="now", suffix="")
    if following is not None:
        out += _checks(following, cells, mine="prev", suffix=" (next year)")
    return out


def _checks(now: Cells, prev: Cells, *, mine: str, suffix: str) -> list[Finding]:
    out: list[Finding] = []
    sides = {"now": now, "prev": prev}
    for rule, check, left_key, terms in EQUATIONS:
        if left_key not in now or any(key not in sides[side] for _, side, key in terms):
            continue
        involved = tuple(
            dict.fromkeys(([left_key] if mine == "now" else []) + [key for _, side, key in terms if side == mine])
        )
        left = now[left_key]
        values = [sides[side][key] for _, side, key in terms]
        if left is None or any(v is None for v in values):
            continue
        right = sum(sign * v for (sign, _, _), v in zip(terms, values))  # type: ignore[operator]
        shown = " ".join(f"{'+' if sign > 0 else '−'} {side}:{key}" for sign, side, key in terms).lstrip("+ ")
        status = "pass" if left == right else "warn"
        message = f"now:{left_key} = {shown}: {left} {'=' if status == 'pass' else '≠'} {right}"
        out.append(
            Finding(rule, check + suffix, status, involved, message, severity="heuristic", left=left, right=right, diff=left - right)
        )
    return out
