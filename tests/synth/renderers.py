"""Every renderer of the generator, by name."""

from __future__ import annotations

from .render import TEXT_RENDERERS, Renderer

RENDERERS: dict[str, Renderer] = dict(TEXT_RENDERERS)
