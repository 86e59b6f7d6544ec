"""Probe one structured-output mode against an endpoint: does it give a valid answer?

Used to record the evidence behind the capability table (scripts/record-cassettes) and to
replay it (test_llm_recorded.py). The probe asks for table 四 of one seed, the smallest table.
"""

from __future__ import annotations

import openai
from instructor.core.exceptions import IncompleteOutputException

from extractor.extract.llm import Asker, LlmCallError, LlmSettings
from extractor.extract.llm.call import _root
from extractor.extract.llm.prompts import load_prompt
from extractor.extract.llm.schemas import response_model
from extractor.load import load
from extractor.locate import locate

from .conftest import DOCS

PROBE_DOC = DOCS / "004_f8b21749840a51ab.txt"
PROBE_MAX_TOKENS = 1024  # ten times what the table needs: a mode that runs past it never ends


def probe(settings: LlmSettings, mode: str) -> str:
    """"works", "refused" (the server rejects the request), "token_limit", "empty" ({} back),
    or "invalid" (an answer that does not validate)."""
    s = settings.with_overrides(mode=mode, max_reasks=0, max_attempts=1, max_tokens=PROBE_MAX_TOKENS)
    located = locate(load(PROBE_DOC))
    messages = load_prompt("s4").render(located.zone_text("s4") or "", "any")
    try:
        Asker(s, sleep=lambda _: None).ask(messages, response_model("s4", "any"))
    except LlmCallError as e:
        root = _root(e.__cause__) if e.__cause__ else e
        if isinstance(root, openai.APIStatusError):
            return "refused"
        if isinstance(root, IncompleteOutputException):
            return "token_limit"
        completion = getattr(e.__cause__, "last_completion", None)
        content = completion.choices[0].message.content if completion is not None else None
        return "empty" if content is not None and content.strip() in ("", "{}") else "invalid"
    return "works"
