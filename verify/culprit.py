"""Which single cell, if changed, would make every failing identity hold?

Each identity is linear with coefficients ±1, so changing one cell by d moves the residual of
every identity that contains it by coefficient·d. A cell explains all failures when it sits in
every failing identity, one d zeroes all their residuals, and it sits in no identity that holds
now (which d ≠ 0 would break). The answer is a hint for the reviewer, never a correction.
"""

from __future__ import annotations

from collections.abc import Mapping

from .findings import Culprit, Finding, Number
from .identities import Identity
from .layout import order_keys, value_type

Cells = Mapping[str, "Number | None"]


def culprits(cells: Cells, identities: list[Identity], findings: dict[str, Finding]) -> list[Culprit]:
    failing = [i for i in identities if findings[i.check].status == "fail"]
    if not failing:
        return []
    holding = [i for i in identities if findings[i.check].status == "pass"]
    common = set(failing[0].cells)
    for i in failing[1:]:
        common &= set(i.cells)
    out: list[Culprit] = []
    for key in order_keys(common):
        delta = _single_delta(key, failing, findings)
        if delta is None or any(i.coefficient(key) != 0 for i in holding):
            continue
        current = cells[key]
        assert current is not None  # failing identities have no blanks
        would_be = current + delta
        if value_type(key) == "count" and would_be < 0:
            continue
        out.append(Culprit(key, current, would_be, tuple(i.check for i in failing)))
    return out


def _single_delta(key: str, failing: list[Identity], findings: dict[str, Finding]) -> Number | None:
    deltas = set()
    for identity in failing:
        coef = identity.coefficient(key)
        if coef == 0:
            return None
        diff = findings[identity.check].diff
        assert diff is not None
        deltas.add(-diff / coef)
    if len(deltas) != 1:
        return None
    d = deltas.pop()
    return int(d) if float(d).is_integer() else d
