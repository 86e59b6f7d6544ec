"""Verify a result's cells and decide its status: the one place a status is set.

Used on every fresh reading, on the combined result of a strategy, and again on a result a
person corrected; each time every reason is worked out anew from what the result records.
"""

from __future__ import annotations

from verify import verify
from verify.crossyear import RULES as CROSS_YEAR_RULES
from verify.crossyear import cross_year
from verify.layout import order_keys

from ..models import Check, Culprit, Related, Result
from .decide import decide
from .evidence import settle_with_evidence


def assess(result: Result) -> Result:
    result = settle_with_evidence(result)
    cells = {k: result.cells[k] for k in order_keys(set(result.cells))}
    statements = [(tuple(s.keys), s.value, s.text) for s in result.prose]
    by = {r.relation: r.cells for r in result.related}
    report = verify(
        cells, result.template, organ=result.organ, statements=statements,
        previous=by.get("previous"), following=by.get("next"),
    )
    decision = decide(result.model_copy(update={"cells": cells}), report)
    return result.model_copy(
        update={
            "cells": cells,
            "checks": [Check(**f.to_dict()) for f in report.findings],
            "culprits": [Culprit(**c.to_dict()) for c in report.culprits],
            "status": decision.status,
            "reasons": decision.reasons,
            "error": decision.error if decision.error else result.error,
        }
    )


def weigh(result: Result, related: list[Related]) -> Result:
    """An assessed result weighed with the organ's other years: `assess` of it with `related`.

    The other years speak in two ways only: through the cross-year checks, which are heuristic
    and never hold a document back nor name a culprit, and through the readings of ambiguous
    cells they settle. So a result with no ambiguity keeps every other finding, its status and
    its reasons, and only its cross-year checks are worked out anew; it is not verified again,
    which is most of what a batch's single writer spent on a document with a neighbouring year.
    """
    weighed = result.model_copy(update={"related": related})
    if result.ambiguities:
        return assess(weighed)
    by = {r.relation: r.cells for r in related}
    found = cross_year(result.cells, by.get("previous"), by.get("next"))
    checks = [c for c in result.checks if c.rule not in CROSS_YEAR_RULES]
    return weighed.model_copy(update={"checks": checks + [Check(**f.to_dict()) for f in found]})
