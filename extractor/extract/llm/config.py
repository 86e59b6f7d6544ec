"""How to reach the model: endpoint, key, model, mode and cache, from flags or the environment.

Nothing here reaches the network. An endpoint counts as configured only when both a base URL
and a model are given (`OPENAI_BASE_URL` and `EXTRACTOR_MODEL`, or `--base-url` and
`--model`): an `OPENAI_API_KEY` left in the environment for other tools never makes the
extractor call anyone.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from .capabilities import Capability, capability_for, choose_mode
from .prices import Price, parse_price

APP = "gov-report-extractor"


def default_cache_dir(env: Mapping[str, str] | None = None) -> Path:
    """The user's cache directory (XDG_CACHE_HOME, else ~/.cache), then the app's folder."""
    env = os.environ if env is None else env
    base = env.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / APP / "llm"


@dataclass(frozen=True)
class LlmSettings:
    base_url: str | None = None
    model: str | None = None
    # Never printed: repr=False keeps the key out of logs and tracebacks.
    api_key: str | None = field(default=None, repr=False)
    mode: str | None = None  # override of the capability table's mode
    server: str | None = None  # override of the capability family
    cache_dir: Path | None = None  # None: no cache
    max_reasks: int = 2  # instructor re-asks after a response that fails validation
    max_attempts: int = 4  # tries per request on transient errors (timeouts, 429, 5xx, resets)
    max_wait: float = 30.0  # cap on one backoff wait, seconds (Retry-After included)
    timeout: float = 120.0  # per request, seconds
    max_tokens: int = 4096  # completion tokens per request
    # How a run may ask: questions in flight at once (a batch's, across its documents), and the
    # endpoint's rates (None: as fast as the server answers; its 429s slow the run down).
    concurrency: int = 8
    requests_per_minute: float | None = None
    tokens_per_minute: float | None = None
    price: Price | None = None  # what a million tokens cost, over the price table's (`prices`)

    @property
    def configured(self) -> bool:
        return bool(self.base_url and self.model)

    @property
    def capability(self) -> Capability:
        return capability_for(self.model, self.base_url, self.server)

    @property
    def mode_name(self) -> str:
        return choose_mode(self.capability, self.mode)

    def with_overrides(self, **changes: object) -> LlmSettings:
        """These settings with every change that is not None applied."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> LlmSettings:
        env = os.environ if env is None else env
        cache = env.get("EXTRACTOR_CACHE_DIR")
        timeout = env.get("EXTRACTOR_TIMEOUT")
        rates = {
            name: float(env[var])
            for name, var in (("requests_per_minute", "EXTRACTOR_LLM_RPM"), ("tokens_per_minute", "EXTRACTOR_LLM_TPM"))
            if env.get(var)
        }
        if env.get("EXTRACTOR_LLM_CONCURRENCY"):
            rates["concurrency"] = int(env["EXTRACTOR_LLM_CONCURRENCY"])
        if env.get("EXTRACTOR_PRICE"):
            rates["price"] = parse_price(env["EXTRACTOR_PRICE"])
        return cls(
            base_url=env.get("OPENAI_BASE_URL") or None,
            model=env.get("EXTRACTOR_MODEL") or None,
            api_key=env.get("OPENAI_API_KEY") or None,
            mode=env.get("EXTRACTOR_MODE") or None,
            server=env.get("EXTRACTOR_SERVER") or None,
            cache_dir=None if cache == "off" else Path(cache) if cache else default_cache_dir(env),
            # A small model on a CPU can take minutes over table 三: the wait is configurable.
            **({"timeout": float(timeout)} if timeout else {}),
            **rates,
        )
