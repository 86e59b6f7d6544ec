"""What the model path cost: tokens in and out per document and for a run, one line each.

    >>> from extractor.models import LlmUsage, Result, Source
    >>> r = Result(source=Source(path="a.txt"), status="verified", llm=LlmUsage(model="m", mode="TOOLS",
    ...            calls=3, prompt_tokens=2100, completion_tokens=420, section_tokens_estimate=900,
    ...            sent_tokens_estimate=1900, document_tokens_estimate=2600))
    >>> usage_line(r)
    "tokens a.txt: in 2100, out 420 (3 requests, 0 cache hits); tables ≈900 of the document's ≈2600, ≈1900 with instructions and schema (estimated)"
    >>> run_totals([r.llm, r.llm])
    'tokens for the run: in 4200, out 840 over 2 documents (6 requests, 0 cache hits)'
"""

from __future__ import annotations

from collections.abc import Sequence

from ..models import LlmUsage, Result


def usage_line(result: Result) -> str:
    u = result.llm
    if u is None:
        return f"tokens {result.source.path}: the model was not asked"
    return (
        f"tokens {result.source.path}: in {u.prompt_tokens}, out {u.completion_tokens} "
        f"({u.calls} requests, {u.cache_hits} cache hits); "
        f"tables ≈{u.section_tokens_estimate} of the document's ≈{u.document_tokens_estimate}, "
        f"≈{u.sent_tokens_estimate} with instructions and schema (estimated)"
    )


def run_totals(used: Sequence[LlmUsage]) -> str:
    tin = sum(u.prompt_tokens for u in used)
    tout = sum(u.completion_tokens for u in used)
    calls = sum(u.calls for u in used)
    hits = sum(u.cache_hits for u in used)
    return f"tokens for the run: in {tin}, out {tout} over {len(used)} documents ({calls} requests, {hits} cache hits)"
