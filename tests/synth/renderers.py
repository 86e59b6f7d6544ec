"""Every renderer of the generator, by name."""

from __future__ import annotations

from .files import FILE_RENDERERS
from .render import TEXT_RENDERERS, Renderer

RENDERERS: dict[str, Renderer] = {**TEXT_RENDERERS, **FILE_RENDERERS}
