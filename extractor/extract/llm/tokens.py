"""A labelled token estimate, for when the server's own `usage` figures are not at hand.

No tokenizer library is used on purpose: those download vocabularies at run time, and the
extractor makes no network call beyond the configured endpoint; where that endpoint has a
tokenizer of its own to ask, `extractor estimate` asks it (`question_counter`). The estimate counts each CJK
character as one token (Chinese-aware tokenizers give one per character or fewer) and every
other character as a quarter of a token, the usual rule of thumb for Latin text.

    >>> estimate_tokens("一、本年新收政府信息公开申请数量 32 2 0")
    18
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .config import LlmSettings
    from .extract import Question


def _is_wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def estimate_tokens(text: str) -> int:
    wide = sum(1 for ch in text if _is_wide(ch))
    return wide + math.ceil((len(text) - wide) / 4)


def question_counter(settings: LlmSettings) -> tuple[Callable[[Question], int], str]:
    """How to count a question's prompt tokens, and how they were counted: by the server's own
    tokenizer where its kind has one to ask (llama.cpp's and vLLM's `/tokenize`), the schema's
    estimated beside; else the estimate of the whole request."""
    count = _server_tokenizer(settings)
    if count is None:
        return (lambda q: q.sent_tokens_estimate), "estimated"

    def counted(q: Question) -> int:
        text = sum(estimate_tokens(m["content"]) for m in q.messages)
        return count("\n".join(m["content"] for m in q.messages)) + q.sent_tokens_estimate - text

    return counted, "counted by the server's tokenizer; the schema estimated"


def _server_tokenizer(settings: LlmSettings) -> Callable[[str], int] | None:
    family = settings.capability.family
    if family not in ("llama.cpp", "vllm") or not settings.base_url:
        return None
    import httpx2

    root = settings.base_url.rstrip("/").removesuffix("/v1")
    client = httpx2.Client(timeout=min(settings.timeout, 30.0))

    def count(text: str) -> int:
        if family == "vllm":
            body = client.post(f"{root}/tokenize", json={"model": settings.model, "prompt": text}).raise_for_status().json()
            return int(body["count"])
        return len(client.post(f"{root}/tokenize", json={"content": text}).raise_for_status().json()["tokens"])

    try:
        count("政府信息公开")  # a server without the route: the estimate, not an error per question
    except (httpx2.HTTPError, KeyError, ValueError):
        return None
    return count
