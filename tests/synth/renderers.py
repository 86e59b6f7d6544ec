"""Every renderer of the generator, by name."""

from __future__ import annotations

from .files import FILE_RENDERERS, SLOW_RENDERERS
from .machine import MACHINE_RENDERERS
from .render import TEXT_RENDERERS, Renderer

# The rotation the property tests and benchmarks take by default.
RENDERERS: dict[str, Renderer] = {**TEXT_RENDERERS, **MACHINE_RENDERERS, **FILE_RENDERERS}
# And the ones taken only by name: `scanned` runs OCR, seconds a page.
ALL_RENDERERS: dict[str, Renderer] = {**RENDERERS, **SLOW_RENDERERS}
