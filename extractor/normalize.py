"""Text normalisation before matching labels or reading numbers (SPEC §7.0)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# NFKC leaves these dashes alone; a minus sign written with them is still a minus (SPEC §8.3).
_DASHES = {"\u2212": "-", "\u2013": "-", "\ufe63": "-", "\uff0d": "-"}
_QUOTES = set("“”\"'‘’「」『』")
_MARKUP = re.compile(r"<br\s*/?>|\[bookmark:[^\]]*\]|\*\*|__", re.IGNORECASE)


@lru_cache(maxsize=8192)
def norm_char(ch: str) -> str:
    """One character, NFKC-folded: full-width digits and （）：，／ become ASCII."""
    ch = _DASHES.get(ch, ch)
    return unicodedata.normalize("NFKC", ch)


def strip_markup(text: str) -> str:
    return _MARKUP.sub("", text)


def compact(text: str) -> str:
    """The form labels are compared in: NFKC, no whitespace, no quotes, no markup.

    >>> compact("（二） 部分公开 (区分处理的, 只计这一情形)")
    '(二)部分公开(区分处理的,只计这一情形)'
    >>> compact("3.危及“三安全一稳定”")
    '3.危及三安全一稳定'
    """
    out = []
    for ch in strip_markup(text):
        n = norm_char(ch)
        if not n.strip() or n in _QUOTES:
            continue
        out.append(n)
    return "".join(out)


def is_space(ch: str) -> bool:
    # NBSP (U+00A0) and the ideographic space U+3000 are whitespace here too.
    return not norm_char(ch).strip()
