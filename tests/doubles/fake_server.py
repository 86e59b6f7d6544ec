"""TEST DOUBLE — a scripted OpenAI-compatible chat-completions server, in process.

It plugs into the openai client as an `httpx2.MockTransport`, so no socket is opened. Each
request is answered by the next scripted reply (the last one repeats); a reply is a tool call
with given arguments, an HTTP error, or a timeout. Every request's JSON body is kept.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx2

Answer = Callable[[dict[str, Any]], dict[str, Any] | str]


@dataclass
class ToolCall:
    """Answer with a tool call; `arguments` is a dict, a JSON string (maybe broken), or a
    function of the request's tool name giving either."""

    arguments: dict[str, Any] | str | Callable[[str], dict[str, Any] | str]
    prompt_tokens: int = 100
    completion_tokens: int = 50


@dataclass
class Status:
    code: int
    headers: dict[str, str] = field(default_factory=dict)
    body: dict[str, Any] = field(default_factory=lambda: {"error": {"message": "scripted failure"}})


@dataclass
class Timeout:
    pass


Reply = ToolCall | Status | Timeout


class FakeServer:
    def __init__(self, *replies: Reply) -> None:
        self.replies = list(replies)
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []

    def client(self) -> httpx2.Client:
        return httpx2.Client(transport=httpx2.MockTransport(self._handle))

    def _next(self) -> Reply:
        return self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]

    def _handle(self, request: httpx2.Request) -> httpx2.Response:
        body = json.loads(request.content)
        self.requests.append(body)
        self.headers.append(dict(request.headers))
        reply = self._next()
        if isinstance(reply, Timeout):
            raise httpx2.ReadTimeout("scripted timeout", request=request)
        if isinstance(reply, Status):
            return httpx2.Response(reply.code, headers=reply.headers, json=reply.body)
        name = body["tools"][0]["function"]["name"]
        args = reply.arguments(name) if callable(reply.arguments) else reply.arguments
        text = args if isinstance(args, str) else json.dumps(args, ensure_ascii=False)
        return httpx2.Response(200, json=completion(name, text, reply.prompt_tokens, reply.completion_tokens))


def completion(name: str, arguments: str, prompt_tokens: int, completion_tokens: int) -> dict[str, Any]:
    return {
        "id": "chatcmpl-double",
        "object": "chat.completion",
        "created": 0,
        "model": "test-double",
        "choices": [
            {
                "index": 0,
                "finish_reason": "tool_calls",
                "message": {
                    "role": "assistant",
                    "content": None,
                    "tool_calls": [
                        {"id": "call_0", "type": "function", "function": {"name": name, "arguments": arguments}}
                    ],
                },
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }
