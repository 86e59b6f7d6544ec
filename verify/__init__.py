"""The verifier: pure arithmetic over the flat cells of one report.

    >>> from verify import verify
    >>> report = verify({"s4.review.upheld": 1, "s4.review.corrected": 0, "s4.review.other": 0,
    ...                  "s4.review.pending": 0, "s4.review.total": 2})
    >>> [f.check for f in report.hard_failures]
    ['H4.review']

No I/O, no dependency on the extractor: plain values in, findings out. It never changes a value.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .cell_types import h5_types
from .crossyear import cross_year
from .culprit import culprits
from .findings import Culprit, Finding, Number, Report, Status
from .identities import Identity, evaluate, identities
from .layout import combine_layouts, s2_layout_of, s3_layout_of
from .narrative import Statement, narrative
from .plausibility import plausibility
from .structure import s1_key_sets, s2_rows_whole, s3_row_swaps

__all__ = ["verify", "Report", "Finding", "Culprit", "Status", "Identity", "layouts_of"]


def layouts_of(cells: Mapping[str, object], template: str | None = None) -> dict[str, str | None]:
    """The printed layout of each table, read from the keys themselves.

    The keys already say which layout was printed (a 2019 table 二 has 本年增/减 keys, a 2021
    table 三 has the three （六） rows), so a declared template is only a fallback for a table
    whose keys are absent.
    """
    keys = set(cells)
    s2 = s2_layout_of(keys)
    s3 = s3_layout_of(keys)
    fallback = template if template in ("2019", "2021") else None
    return {
        "s2": s2 or (fallback if not any(k.startswith("s2.") for k in keys) else None),
        "s3": s3 or (fallback if not any(k.startswith("s3.") for k in keys) else None),
        "s4": "any",
    }


def verify(
    cells: Mapping[str, Number | None],
    template: str | None = None,
    *,
    organ: str | None = None,
    statements: Iterable[Statement] = (),
    previous: Mapping[str, Number | None] | None = None,
    following: Mapping[str, Number | None] | None = None,
) -> Report:
    """Run every check over `cells` (dictionary keys → number or None for a blank).

    `template` ("2019" | "2021" | "mixed") is used only for a table that is absent, to name
    the cells it should have had. `organ` enables the organ-level heuristics (P4, P5);
    `statements`, what the report's prose says of table quantities, the narrative checks (N1);
    `previous`/`following`, the same organ's cells of the years before and after, the
    cross-year checks (X1–X3).
    """
    layouts = layouts_of(cells, template)
    has_s4 = any(k.startswith("s4.") for k in cells)
    hard = identities(layouts["s3"], has_s4)
    evaluated = {i.check: evaluate(i, cells) for i in hard}
    findings: list[Finding] = []
    findings += s1_key_sets(cells, layouts)
    findings += s2_rows_whole(cells, layouts["s3"], has_s4)
    findings += list(evaluated.values())
    findings += h5_types(cells)
    findings += s3_row_swaps(cells, layouts["s3"], hard)
    findings += plausibility(cells, organ)
    findings += narrative(cells, statements)
    findings += cross_year(cells, previous, following)
    return Report(findings=findings, culprits=culprits(cells, hard, evaluated))


def template_of(cells: Mapping[str, object], year: int | None = None) -> str | None:
    """The template a set of cells was printed in (SPEC §4.2 step 4)."""
    keys = set(cells)
    return combine_layouts(s2_layout_of(keys), s3_layout_of(keys), year)
