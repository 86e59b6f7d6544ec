"""Step 3, the model path: schema-constrained reading of each located table by an LLM.

    config        endpoint, model, mode, cache folder — from flags or the environment
    capabilities  which instructor mode each kind of endpoint accepts; thinking off
    prompts       the versioned prompt files in extractor/prompts/
    schemas       the response models, built from verify.layout
    call          one request: instructor re-asks, tenacity retries
    govern        one rate governor per endpoint: rates, and a 429 heard by every request
    prices        what a model's tokens cost
    cache         answers already paid for
    convert       an answer → readings
    extract       the whole path for one document: its questions, their answers, its reading

The model client (openai, instructor) is imported only when something here is first used, so
the rules, and a command that never calls a model, do not pay for it.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "LlmSettings": ".config",
    "LlmExtractor": ".extract",
    "Asker": ".call",
    "LlmCallError": ".call",
    "make_client": ".call",
    "ResponseCache": ".cache",
}

__all__ = ["LlmSettings", "LlmExtractor", "Asker", "LlmCallError", "make_client", "ResponseCache", "build_extractor"]

if TYPE_CHECKING:
    from .cache import ResponseCache
    from .call import Asker, LlmCallError, make_client
    from .config import LlmSettings
    from .extract import LlmExtractor


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(import_module(_EXPORTS[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def build_extractor(settings: LlmSettings) -> LlmExtractor:
    """The model path for these settings; its client is made when it first asks."""
    from .cache import ResponseCache
    from .extract import LlmExtractor

    cache = ResponseCache(settings.cache_dir) if settings.cache_dir else None
    return LlmExtractor(None, cache, settings)
