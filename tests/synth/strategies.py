"""Hypothesis strategies over the generator: every random choice is a draw, so failures shrink."""

from __future__ import annotations

from hypothesis import strategies as st

from .case import Case, make_case
from .draw import HypothesisDraw
from .report import Report, random_report


@st.composite
def reports(draw) -> Report:
    return random_report(HypothesisDraw(draw))


@st.composite
def cases(draw, renderer: str | None = None, damage: str | None = None, **variants: bool | None) -> Case:
    """A rendered report; `damage` "none" for an undamaged one, None for any damage;
    `variants` (mixed, subtotal, paged, undotted) as `make_case` takes them."""
    return make_case(HypothesisDraw(draw), renderer, damage, **variants)
