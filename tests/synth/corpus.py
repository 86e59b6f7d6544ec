"""A reproducible corpus for benchmarks: n cases from one seed, the renderers taken in turn."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from .case import Case, make_case
from .draw import RandomDraw
from .files import scan_style
from .renderers import RENDERERS
from .scan import scanned


def corpus(
    n: int,
    seed: int = 0,
    damage: str | None = "none",
    renderers: list[str] | None = None,
    label_noise: int = 0,
    wraps: bool = False,
) -> Iterator[Case]:
    """`damage`: "none" for clean documents, None for a random damage (or none) on each;
    `label_noise`: the characters damaged in each label, `wraps`: labels broken over lines
    (tests/synth/noise.py)."""
    names = renderers or list(RENDERERS)
    for i in range(n):
        draw = RandomDraw(seed * 1_000_003 + i)
        yield make_case(draw, names[i % len(names)], damage, label_noise=label_noise, wraps=wraps)


def scans(n: int, seed: int = 0, damage: str | None = "none") -> Iterator[tuple[Case, bytes]]:
    """n ruled-PDF cases, each with its scan: the same document as a text layer and as pictures."""
    for i, case in enumerate(corpus(n, seed, damage, renderers=["pdf"])):
        yield case, scanned(case.rendered.data, scan_style(RandomDraw(seed * 1_000_003 + i + 7)))


def write(cases: list[Case], folder: Path) -> list[tuple[Case, Path]]:
    """Each case as a file named for its renderer, so a reader sees the format as a person would."""
    out = []
    for i, case in enumerate(cases):
        path = folder / f"{i:05d}_{case.renderer.name}{case.renderer.suffix}"
        path.write_bytes(case.rendered.data)
        out.append((case, path))
    return out
