"""A labelled token estimate, for when the server's own `usage` figures are not at hand.

No tokenizer library is used on purpose: those download vocabularies at run time, and the
extractor makes no network call beyond the configured endpoint. The estimate counts each CJK
character as one token (Chinese-aware tokenizers give one per character or fewer) and every
other character as a quarter of a token, the usual rule of thumb for Latin text.

    >>> estimate_tokens("一、本年新收政府信息公开申请数量 32 2 0")
    18
"""

from __future__ import annotations

import math
import unicodedata


def _is_wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def estimate_tokens(text: str) -> int:
    wide = sum(1 for ch in text if _is_wide(ch))
    return wide + math.ceil((len(text) - wide) / 4)
