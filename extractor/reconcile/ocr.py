"""Cells read by OCR that a person should look at: the recogniser was unsure of them.

A digit misread with confidence (0 for 6) is what the identities catch; what they cannot catch
is a cell the recogniser itself doubted, or a box with ink that read as nothing, in a table
that happens to add up. Such cells are questioned by name, with the confidence of each.

A cell that no identity checks (all of table 二, SPEC §5.1) has no second opinion at all: a
misreading there is verified unless the recogniser itself says so. Such a cell is taken only
when the recogniser is all but certain of it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from ..models import Provenance, Reason

# Below this the recogniser's reading of a cell is not taken on trust. Measured on scans of
# the generated reports and the corpus PDF (docs/BENCHMARKS.md): correct readings of single
# digits fall to about 0.5; misreadings that slip past the identities stay below it.
UNSURE_BELOW = 0.5
# For a cell no identity checks. Measured on 200 generated scans and the corpus PDF's: table-二
# digits misread with confidence 0.69, 0.84 and 0.972 (the last verified as read); correct
# readings there spread from 0.48 up, so this questions about half of table 二's OCR cells.
UNCHECKED_UNSURE_BELOW = 0.99
_SHOW = 8


def ocr_uncertain(provenance: Mapping[str, Provenance], checked: Collection[str] = ()) -> list[Reason]:
    """One `ocr_uncertain` reason naming every unsure OCR cell, or none. `checked`: the cells
    an identity that holds has checked; any other needs `UNCHECKED_UNSURE_BELOW`."""
    checked = set(checked)

    def unsure(key: str, p: Provenance) -> bool:
        if p.confidence is None:
            return False
        return p.confidence < (UNSURE_BELOW if key in checked else UNCHECKED_UNSURE_BELOW)

    doubted = [k for k, p in provenance.items() if unsure(k, p)]
    if not doubted:
        return []
    shown = ", ".join(f"{k} ({provenance[k].confidence:.2f})" for k in doubted[:_SHOW])
    more = f" and {len(doubted) - _SHOW} more" if len(doubted) > _SHOW else ""
    return [
        Reason(
            code="ocr_uncertain",
            message=(
                f"{len(doubted)} cells read by OCR with low confidence (below {UNSURE_BELOW}, or below "
                f"{UNCHECKED_UNSURE_BELOW} where no identity checks the cell): {shown}{more}"
            ),
            cells=doubted,
        )
    ]
