"""Step 3, the model path: schema-constrained reading of each located table by an LLM.

    config        endpoint, model, mode, cache folder — from flags or the environment
    capabilities  which instructor mode each kind of endpoint accepts; thinking off
    prompts       the versioned prompt files in prompts/
    schemas       the response models, built from verify.layout
    call          one request: instructor re-asks, tenacity retries
    cache         answers already paid for
    convert       an answer → readings
    extract       the whole path for one document
"""

from .cache import ResponseCache
from .call import Asker, LlmCallError, make_client
from .config import LlmSettings
from .extract import LlmExtractor

__all__ = ["LlmSettings", "LlmExtractor", "Asker", "ResponseCache", "LlmCallError", "make_client", "build_extractor"]


def build_extractor(settings: LlmSettings, **asker_options: object) -> LlmExtractor:
    """The model path for these settings; `asker_options` go to `Asker` (e.g. a test's client)."""
    cache = ResponseCache(settings.cache_dir) if settings.cache_dir else None
    return LlmExtractor(Asker(settings, **asker_options), cache)  # type: ignore[arg-type]
