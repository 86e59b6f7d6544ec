"""How right the extractor is: `extractor eval` over documents with hand-checked goldens.

    score    golden files, the scoring of one result against its golden, and the totals
    render   the evaluation as a table for a terminal
"""

from .render import render_evaluation
from .score import (
    DocumentScore,
    Evaluation,
    Golden,
    GoldenError,
    Totals,
    evaluate,
    golden_layout,
    read_golden,
    score,
    summarise,
)

__all__ = [
    "evaluate",
    "score",
    "summarise",
    "read_golden",
    "golden_layout",
    "render_evaluation",
    "Golden",
    "GoldenError",
    "DocumentScore",
    "Evaluation",
    "Totals",
]
