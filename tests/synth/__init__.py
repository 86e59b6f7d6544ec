"""Synthetic adversarial reports: random tables that satisfy every identity, rendered the way
real sources flatten them, optionally damaged, with what a correct extraction must give.

    >>> from tests.synth import RandomDraw, random_report, build, RENDERERS
    >>> d = RandomDraw(7)
    >>> doc = build(random_report(d), d)
    >>> rendered = RENDERERS["cell_lines"].render(doc, d)
    >>> rendered.name, "第二十条" in rendered.text
    ('doc.txt', True)

Tests draw with hypothesis (`strategies.py`); benchmarks build a seeded corpus (`corpus.py`).
"""

from .document import Document, Grid, GridCell, build
from .draw import Draw, HypothesisDraw, RandomDraw
from .render import Rendered, Renderer
from .renderers import RENDERERS
from .report import Printed, Report, random_report

__all__ = [
    "Draw",
    "RandomDraw",
    "HypothesisDraw",
    "Report",
    "Printed",
    "random_report",
    "Document",
    "Grid",
    "GridCell",
    "build",
    "RENDERERS",
    "Renderer",
    "Rendered",
]
