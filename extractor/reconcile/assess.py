"""Verify a result's cells and decide its status: the one place a status is set.

Used on every fresh reading, on the combined result of a strategy, and again on a result a
person corrected; each time every reason is worked out anew from what the result records.
"""

from __future__ import annotations

from verify import verify
from verify.layout import order_keys

from ..models import Check, Culprit, Result
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
