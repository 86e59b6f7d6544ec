"""Step 5, reconcile: turn the verifier's findings into a status and the reasons for it.

A document is verified only when every table was found, every cell was read as a number,
no reading was a guess, and every hard identity holds. Anything else goes to a human with
the reasons; a source that does not add up is reported as such, its numbers kept as printed.
"""

from __future__ import annotations

from collections.abc import Mapping

from verify import Report
from verify.layout import label

from ..models import Provenance, Reason, Status, TableInfo

TABLE_NAMES = {"s2": "二", "s3": "三", "s4": "四"}
_LIST_AT_MOST = 8
_EACH_AT_MOST = 4


def _short(keys: list[str]) -> str:
    shown = ", ".join(keys[:_LIST_AT_MOST])
    return shown + (f" and {len(keys) - _LIST_AT_MOST} more" if len(keys) > _LIST_AT_MOST else "")


def decide(
    tables: Mapping[str, TableInfo],
    cells: Mapping[str, object],
    provenance: Mapping[str, Provenance],
    report: Report,
) -> tuple[Status, list[Reason]]:
    reasons: list[Reason] = []
    found = [t for t in ("s2", "s3", "s4") if tables.get(t) and tables[t].found]
    read = [k for k, v in cells.items() if v is not None]
    if not found or not read:
        what = "no table heading or template label found" if not found else "tables found but no cell could be read"
        return "failed", [Reason(code="no_table", message=what)]
    for t in ("s2", "s3", "s4"):
        if t not in found:
            reasons.append(Reason(code="table_missing", message=f"table {TABLE_NAMES[t]} not found"))
    unread = [k for k, v in cells.items() if v is None]
    if unread:
        kinds: dict[str, list[str]] = {}
        for k in unread:
            kind = provenance[k].kind if k in provenance else "blank"
            kinds.setdefault(kind, []).append(k)
        detail = "; ".join(f"{len(v)} {kind}" for kind, v in kinds.items())
        reasons.append(
            Reason(code="cells_not_read", message=f"{len(unread)} cells without a value ({detail}): {_short(unread)}", cells=unread)
        )
    culprit = {c.fixes: c for c in report.culprits} if len(report.culprits) == 1 else {}
    for f in report.hard_failures:
        hint = ""
        if culprit:
            c = next(iter(culprit.values()))
            hint = f" — the single cell that explains every failure: {c.cell} ({label(c.cell)}), {c.current} → {c.would_be}"
        reasons.append(Reason(code="identity_failed", message=f"{f.check}: {f.message}{hint}", cells=list(f.cells)))
    na = [f for f in report.not_assessable if f.severity == "hard"]
    if 0 < len(na) <= _EACH_AT_MOST:
        for f in na:
            reasons.append(Reason(code="identity_not_assessable", message=f"{f.check}: {f.message}", cells=list(f.cells)))
    elif na:
        reasons.append(
            Reason(
                code="identity_not_assessable",
                message=f"{len(na)} identities cannot be checked because of blank cells: "
                + _short([f.check for f in na]),
                cells=sorted({k for f in na for k in f.blank_cells}),
            )
        )
    for f in report.structure_failures:
        reasons.append(Reason(code="structure", message=f"{f.check}: {f.message}", cells=list(f.cells)))
    guessed = [k for k, p in provenance.items() if p.ambiguous]
    if guessed:
        reasons.append(
            Reason(
                code="ambiguous_reading",
                message=f"{len(guessed)} cells were chosen among several possible readings of the source: {_short(guessed)}",
                cells=guessed,
            )
        )
    return ("verified" if not reasons else "needs_review"), reasons
