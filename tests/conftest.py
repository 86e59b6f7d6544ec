from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Property tests run a bounded, reproducible set of examples in CI; for a long search run
#   pytest tests/test_synth.py --hypothesis-profile=long   (or HYPOTHESIS_PROFILE=long)
_SLOW_OK = [HealthCheck.too_slow, HealthCheck.data_too_large]
settings.register_profile("ci", max_examples=30, deadline=None, derandomize=True, suppress_health_check=_SLOW_OK)
settings.register_profile("long", max_examples=2000, deadline=None, suppress_health_check=_SLOW_OK)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "golden"
DOCS = GOLDEN / "docs"
EXPECTED = GOLDEN / "expected"


def golden_pairs(formats: tuple[str, ...] = (".txt", ".md", ".pdf")) -> list[tuple[Path, dict]]:
    pairs = []
    for doc in sorted(DOCS.iterdir()):
        if doc.suffix not in formats:
            continue
        expected = json.loads((EXPECTED / f"{doc.stem}.json").read_text(encoding="utf-8"))
        pairs.append((doc, expected))
    return pairs


SEEDS = sorted(p for p in DOCS.iterdir() if p.name[:3].isdigit() and p.name[3] == "_")


@pytest.fixture
def tmp_file(tmp_path):
    def make(name: str, data: bytes | str, encoding: str = "utf-8") -> Path:
        p = tmp_path / name
        p.write_bytes(data.encode(encoding) if isinstance(data, str) else data)
        return p

    return make


# --- The LLM path: recorded exchanges (tests/cassettes/llm) -----------------------------------

CASSETTES = ROOT / "tests" / "cassettes" / "llm"


def _question(body: bytes | str | None) -> object:
    """What a chat request asks: the messages and the schema's name, not the wire format (which
    changes with client versions)."""
    if not body:
        return None
    data = json.loads(body)
    messages = [(m.get("role"), m.get("content")) for m in data.get("messages", [])]
    tools = [t["function"]["name"] for t in data.get("tools", [])]
    fmt = (data.get("response_format") or {}).get("type")
    return messages, tools, fmt


def same_question(r1, r2) -> None:
    assert _question(r1.body) == _question(r2.body), "a different question"


def pytest_recording_configure(config, vcr) -> None:
    vcr.register_matcher("question", same_question)


_LOCAL_PATH = re.compile(r"(?<![\w.])/(?:tmp|root|home|Users|var|opt|srv)/[^\s\"'\\]*")


def scrub_local_paths(response: dict) -> dict:
    """A server's error may quote files of the machine it ran on: not for a recording."""
    body = response.get("body", {}).get("string")
    if isinstance(body, bytes):
        response["body"]["string"] = _LOCAL_PATH.sub("<local path>", body.decode("utf-8", "replace")).encode("utf-8")
    elif isinstance(body, str):
        response["body"]["string"] = _LOCAL_PATH.sub("<local path>", body)
    return response


# Keys never reach a recording: headers and query parameters that carry them are dropped.
VCR_CONFIG = {
    "before_record_response": scrub_local_paths,
    "match_on": ["method", "path", "question"],
    "filter_headers": ["authorization", "api-key", "x-api-key", "openai-organization", "openai-project", "cookie"],
    "filter_query_parameters": ["api-key", "api_key", "key"],
    "decode_compressed_response": True,
}
