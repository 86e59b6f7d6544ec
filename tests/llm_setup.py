"""Options for tests of the LLM path: against a test double, or against the recorded endpoint."""

from __future__ import annotations

import json
from pathlib import Path

from extractor.extract.llm import Asker, LlmExtractor, LlmSettings, ResponseCache, make_client
from extractor.options import Options

from .conftest import CASSETTES
from .doubles.fake_server import FakeServer


class Sleeps(list):
    """Stands in for time.sleep: records each wait instead of waiting, and for the clock the
    waits are measured on (`clock`), which they move on."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)

    def clock(self) -> float:
        return sum(self)


def double_options(
    server: FakeServer, strategy: str, cache_dir: Path | None = None, **settings: object
) -> tuple[Options, Sleeps]:
    s = LlmSettings(base_url="http://double.invalid/v1", model="test-double", server="llama.cpp", cache_dir=cache_dir)
    s = s.with_overrides(**settings)
    sleeps = Sleeps()
    asker = Asker(s, client=make_client(s, server.client()), sleep=sleeps, clock=sleeps.clock)
    return Options(strategy=strategy, llm=LlmExtractor(asker, ResponseCache(cache_dir) if cache_dir else None)), sleeps


def endpoint() -> dict:
    """The endpoint the recordings were made against (written by scripts/record-cassettes)."""
    return json.loads((CASSETTES / "endpoint.json").read_text(encoding="utf-8"))


def recorded_options(strategy: str, cache_dir: Path, **settings: object) -> Options:
    e = endpoint()
    s = LlmSettings(
        base_url=e["base_url"], model=e["model"], server=e.get("server"), mode=e.get("mode"), cache_dir=cache_dir,
        timeout=float(e.get("timeout", 900)), max_attempts=1,
    ).with_overrides(**settings)
    asker = Asker(s, sleep=lambda _: None)
    return Options(strategy=strategy, llm=LlmExtractor(asker, ResponseCache(cache_dir)))


def cassette(case: str) -> str:
    """A recording's file name: the label of the model that produced it, then the case."""
    return f"{endpoint()['label']}__{case}.yaml"
