"""Where the generator's random choices come from: hypothesis (tests) or a seeded Random (benchmarks).

The generator is written once against `Draw`. Under hypothesis every choice is a strategy
draw, so a failing example shrinks towards the simplest report (zeros, first options, no
extras); a benchmark builds a reproducible corpus from a seed without hypothesis.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar

from hypothesis import strategies as st

T = TypeVar("T")


class Draw(Protocol):
    def integer(self, lo: int, hi: int) -> int: ...

    def choice(self, options: Sequence[T]) -> T: ...

    def chance(self, p: float) -> bool: ...


class RandomDraw:
    def __init__(self, seed: int | random.Random):
        self.rng = seed if isinstance(seed, random.Random) else random.Random(seed)

    def integer(self, lo: int, hi: int) -> int:
        return self.rng.randint(lo, hi)

    def choice(self, options: Sequence[T]) -> T:
        return options[self.rng.randrange(len(options))]

    def chance(self, p: float) -> bool:
        return self.rng.random() < p


class HypothesisDraw:
    """`chance` shrinks to False and `choice` to the first option: list the plain case first."""

    def __init__(self, draw: Callable[[st.SearchStrategy[Any]], Any]):
        self.draw = draw

    def integer(self, lo: int, hi: int) -> int:
        return self.draw(st.integers(lo, hi))

    def choice(self, options: Sequence[T]) -> T:
        return self.draw(st.sampled_from(list(options)))

    def chance(self, p: float) -> bool:
        return self.draw(st.integers(0, 999)) >= 1000 - round(p * 1000)


class PlainDraw:
    """Always the plainest choice: no chance taken, the first option, the lowest number. The
    fixtures render golden reports this way, as the simplest source of each format."""

    def integer(self, lo: int, hi: int) -> int:
        return lo

    def choice(self, options: Sequence[T]) -> T:
        return options[0]

    def chance(self, p: float) -> bool:
        return False


PLAIN = PlainDraw()
