"""A provider's batch endpoint (OpenAI-compatible `/v1/batches`): questions sent as one JSONL
file, answered within hours at about half the price.

    request_line   a question as one line of the batch file: the very request `Asker` would
                   send (instructor prepares it for the mode), its `custom_id` the answer
                   cache's key
    BatchEndpoint  upload and submit a file, look at a batch, read its answers
    reply_of       one line of the answers → a `Reply`, validated against the response model
                   as a direct answer is (an invalid one is not re-asked here: the question is
                   asked directly later, where instructor re-asks it)
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .config import LlmSettings
from .extract import Question, Reply
from .schemas import response_model

CHAT = "/v1/chat/completions"
# What a provider takes in one batch (OpenAI: 50,000 requests, 200 MB).
MOST_REQUESTS = 50_000
MOST_BYTES = 100 * 1024 * 1024
FINISHED = {"completed", "failed", "expired", "cancelled"}


def request_line(question: Question, settings: LlmSettings) -> dict[str, Any]:
    import instructor
    from instructor.processing.response import handle_response_model

    _, body = handle_response_model(
        response_model(question.table, question.layout), mode=getattr(instructor.Mode, settings.mode_name),
        model=settings.model, messages=[dict(m) for m in question.messages], max_tokens=settings.max_tokens, temperature=0,
    )  # fmt: skip
    body.update(settings.capability.thinking_off)  # extra_body, as the direct request sends it
    return {"custom_id": question.key, "method": "POST", "url": CHAT, "body": body}


@dataclass(frozen=True)
class BatchState:
    id: str
    status: str  # validating, in_progress, finalizing, completed, failed, expired, cancelling, cancelled
    output_file_id: str | None
    done: int
    total: int

    @property
    def finished(self) -> bool:
        return self.status in FINISHED


class BatchEndpoint:
    """The batch endpoint of the run's model server; the key stays in the client."""

    def __init__(self, settings: LlmSettings) -> None:
        import openai

        self.settings = settings
        self.client = openai.OpenAI(base_url=settings.base_url, api_key=settings.api_key or "no-key", max_retries=3, timeout=settings.timeout)

    def submit(self, lines: list[dict[str, Any]]) -> str:
        """Upload the lines as a file and start a batch of them; its id."""
        data = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines).encode("utf-8")
        uploaded = self.client.files.create(file=("questions.jsonl", data), purpose="batch")
        return self.client.batches.create(input_file_id=uploaded.id, endpoint=CHAT, completion_window="24h").id

    def state(self, batch_id: str) -> BatchState:
        b = self.client.batches.retrieve(batch_id)
        counts = b.request_counts
        return BatchState(b.id, b.status, b.output_file_id, counts.completed if counts else 0, counts.total if counts else 0)

    def answers(self, output_file_id: str) -> Iterator[tuple[str, dict[str, Any] | None, str | None]]:
        """(custom_id, the chat completion, or None and why) per line of a batch's answers."""
        text = self.client.files.content(output_file_id).text
        for line in text.splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            response = row.get("response") or {}
            if row.get("error") or response.get("status_code") != 200:
                why = json.dumps(row.get("error") or response.get("body"), ensure_ascii=False)[:300]
                yield row["custom_id"], None, f"the batch endpoint gave no answer: {why}"
            else:
                yield row["custom_id"], response["body"], None


def reply_of(table: str, layout: str, completion: dict[str, Any], settings: LlmSettings) -> Reply:
    """A batch's answer to one question, validated as a direct answer is."""
    import instructor
    from instructor.processing.response import process_response
    from openai.types.chat import ChatCompletion

    parsed = ChatCompletion.model_validate(completion)
    usage = parsed.usage
    tokens = {"prompt_tokens": usage.prompt_tokens if usage else 0, "completion_tokens": usage.completion_tokens if usage else 0}
    try:
        answer = process_response(
            parsed, response_model=response_model(table, layout), stream=False, mode=getattr(instructor.Mode, settings.mode_name)
        )
    except Exception as e:  # noqa: BLE001 - an invalid answer is asked again directly, where it is re-asked
        return Reply(None, calls=1, error=f"the batch's answer is not valid: {type(e).__name__}", **tokens)
    return Reply(answer.model_dump(mode="json"), calls=1, **tokens)
