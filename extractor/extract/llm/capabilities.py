"""Which structured-output mode each kind of endpoint accepts, and how to turn "thinking" off.

OpenAI-compatible servers differ in what they honour: some constrain a forced tool call to the
schema, some accept `response_format={"type": "json_schema"}`, some only `json_object`, and a
hybrid reasoning model left in thinking mode spends its budget before it answers. The mode is
chosen from this table (first listed mode) unless overridden (`--mode`, `EXTRACTOR_MODE`); the
family is told by `--server`/`EXTRACTOR_SERVER`, else by the endpoint's host, else by the model
name.

    >>> capability_for("deepseek-chat", "https://api.deepseek.com/v1").family
    'deepseek'
    >>> capability_for("gemma-3-270m", "http://127.0.0.1:8765/v1", server="llama.cpp").modes[0]
    'TOOLS'
    >>> capability_for("qwen-plus", "https://dashscope.aliyuncs.com/compatible-mode/v1").thinking_off
    {'enable_thinking': False}
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

# Modes are instructor's `Mode` member names.
MODES = ("TOOLS", "JSON_SCHEMA", "JSON", "MD_JSON")


@dataclass(frozen=True)
class Capability:
    family: str
    modes: tuple[str, ...]  # the modes that work, best first
    thinking_off: dict[str, Any] = field(default_factory=dict)  # request body fields that turn thinking off
    host: str | None = None  # a regex on the endpoint's host[:port]
    model: str | None = None  # a regex on the model name
    note: str = ""


TABLE: tuple[Capability, ...] = (
    Capability(
        "deepseek",
        ("TOOLS", "JSON"),
        {"thinking": {"type": "disabled"}},
        host=r"deepseek\.com",
        model=r"deepseek",
        note="function calling and json_object; no json_schema response format; thinking is on by default",
    ),
    Capability(
        "dashscope",
        ("TOOLS", "JSON"),
        {"enable_thinking": False},
        host=r"dashscope|aliyuncs\.com",
        model=r"^(qwen|qwq)",
        note="Qwen (and GLM) on DashScope's compatible mode; hybrid Qwen3 models must have thinking off",
    ),
    Capability(
        "glm",
        ("JSON", "TOOLS"),
        {"thinking": {"type": "disabled"}},
        host=r"bigmodel\.cn|z\.ai",
        model=r"^glm",
        note="response_format is json_object only, and tool_choice only 'auto', so a forced tool call is not guaranteed",
    ),
    Capability(
        "vllm",
        ("JSON_SCHEMA", "TOOLS"),
        {"chat_template_kwargs": {"enable_thinking": False}},
        note="guided decoding honours json_schema; tools need --enable-auto-tool-choice on the server",
    ),
    Capability(
        "ollama",
        ("JSON_SCHEMA", "TOOLS"),
        {"reasoning_effort": "none"},
        host=r":11434$",
        note="response_format json_schema is honoured; reasoning_effort 'none' turns thinking off",
    ),
    Capability(
        "llama.cpp",
        ("TOOLS",),
        {"chat_template_kwargs": {"enable_thinking": False}},
        note=(
            "measured on llama-cpp-python's server with instructor 1.17: TOOLS works (the forced tool call is "
            "constrained to the schema); JSON_SCHEMA is refused (only text or json_object response formats); "
            "JSON gets {} back; MD_JSON runs to the token limit"
        ),
    ),
    Capability("openai", ("TOOLS", "JSON_SCHEMA", "JSON", "MD_JSON"), host=r"openai\.com", note="the reference API"),
)
DEFAULT = Capability("unknown", ("TOOLS", "JSON", "MD_JSON"), note="an endpoint not in the table: tool calls are the most widely supported")
FAMILIES = {c.family: c for c in TABLE}


def _host(base_url: str | None) -> str:
    if not base_url:
        return ""
    parsed = urlparse(base_url)
    return parsed.netloc.rsplit("@", 1)[-1].lower()


def capability_for(model: str | None, base_url: str | None, server: str | None = None) -> Capability:
    """The capability row for an endpoint: the named family, else host, else model name."""
    if server:
        try:
            return FAMILIES[server.lower()]
        except KeyError:
            raise ValueError(f"unknown server family {server!r}: choose one of {', '.join(FAMILIES)}") from None
    host = _host(base_url)
    for cap in TABLE:
        if cap.host and re.search(cap.host, host):
            return cap
    for cap in TABLE:
        if cap.model and model and re.search(cap.model, model.lower()):
            return cap
    return DEFAULT


def choose_mode(cap: Capability, override: str | None = None) -> str:
    """The instructor mode name to use: the override if given, else the table's first."""
    if override:
        name = override.upper().replace("-", "_")
        if name not in MODES:
            raise ValueError(f"unknown mode {override!r}: choose one of {', '.join(MODES)}")
        return name
    return cap.modes[0]
