"""Cells read by OCR that a person should look at: the recogniser was unsure of them.

A digit misread with confidence (0 for 6) is what the identities catch; what they cannot catch
is a cell the recogniser itself doubted, or a box with ink that read as nothing, in a table
that happens to add up. Such cells are questioned by name, with the confidence of each.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..models import Provenance, Reason

# Below this the recogniser's reading of a cell is not taken on trust. Measured on scans of
# the generated reports and the corpus PDF (docs/BENCHMARKS.md): correct readings of single
# digits fall to about 0.5; misreadings that slip past the identities stay below it.
UNSURE_BELOW = 0.5
_SHOW = 8


def ocr_uncertain(provenance: Mapping[str, Provenance]) -> list[Reason]:
    """One `ocr_uncertain` reason naming every unsure OCR cell, or none."""
    unsure = [k for k, p in provenance.items() if p.confidence is not None and p.confidence < UNSURE_BELOW]
    if not unsure:
        return []
    shown = ", ".join(f"{k} ({provenance[k].confidence:.2f})" for k in unsure[:_SHOW])
    more = f" and {len(unsure) - _SHOW} more" if len(unsure) > _SHOW else ""
    return [
        Reason(
            code="ocr_uncertain",
            message=f"{len(unsure)} cells read by OCR with low confidence (below {UNSURE_BELOW}): {shown}{more}",
            cells=unsure,
        )
    ]
