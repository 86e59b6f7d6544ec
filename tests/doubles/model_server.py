"""TEST DOUBLE — an OpenAI-compatible model server on the loopback, for what a run does with a
real socket and many requests at once: it answers after a set `latency`, counts the requests in
flight (the most at once, `peak`), answers 429 with Retry-After on demand (`throttle`), and
serves the batch endpoints (files, batches) with a batch that completes when told.

Each answer is a valid tool call for the schema the request sends: every cell 0, unless
`answer` (a function of the tool's name, as `golden_model.golden_answer`) gives the values.
Nothing here is a recording of a real model; those are in tests/cassettes/.

    python -m tests.doubles.model_server --latency 2      # prints its base URL, serves until killed
"""

from __future__ import annotations

import argparse
import email.parser
import email.policy
import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .fake_server import completion

Answer = Callable[[str], dict[str, Any]]


def zeros(schema: dict[str, Any]) -> dict[str, Any]:
    """A valid answer to a response model's JSON schema: every cell 0."""
    defs = schema.get("$defs", {})

    def fill(node: dict[str, Any]) -> Any:
        if "$ref" in node:
            return fill(defs[node["$ref"].rsplit("/", 1)[-1]])
        if "allOf" in node:
            return fill(node["allOf"][0])
        if "properties" in node:
            return {name: fill(sub) for name, sub in node["properties"].items()}
        return 0

    return fill(schema)


@dataclass
class Batch:
    id: str
    input_file_id: str
    lines: list[dict[str, Any]]
    status: str = "in_progress"
    output_file_id: str | None = None


@dataclass
class ModelServer:
    latency: float = 0.0
    answer: Answer | None = None
    prompt_tokens: int = 100
    completion_tokens: int = 50
    # The batch endpoint: a batch completes once `release_batches` is set (or at once when it is).
    release_batches: threading.Event = field(default_factory=threading.Event)
    requests: int = 0  # chat completions received
    in_flight: int = 0
    peak: int = 0  # the most chat completions in flight at once
    starts: list[float] = field(default_factory=list)  # when each chat completion arrived (monotonic)
    limited: list[float] = field(default_factory=list)  # when each 429 was sent
    files: dict[str, bytes] = field(default_factory=dict)
    batches: dict[str, Batch] = field(default_factory=dict)
    batch_creations: int = 0
    polls: int = 0
    _throttle: list[float] = field(default_factory=list)  # Retry-After of the next requests to refuse
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def start(self) -> ModelServer:
        self._http = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._http.daemon_threads = True
        threading.Thread(target=self._http.serve_forever, name="model-double", daemon=True).start()
        return self

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._http.server_address[1]}/v1"

    def stop(self) -> None:
        self._http.shutdown()
        self._http.server_close()

    def __enter__(self) -> ModelServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def throttle(self, times: int = 1, retry_after: float = 0.5) -> None:
        """The next `times` chat completions are answered 429 with this Retry-After (seconds)."""
        with self._lock:
            self._throttle += [retry_after] * times

    # --- what the handler calls --------------------------------------------------------------

    def chat(self, body: dict[str, Any]) -> tuple[int, dict[str, str], dict[str, Any]]:
        with self._lock:
            self.requests += 1
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
            self.starts.append(time.monotonic())
            refuse = self._throttle.pop(0) if self._throttle else None
            if refuse is not None:
                self.limited.append(time.monotonic())
        try:
            if refuse is not None:
                return 429, {"retry-after": f"{refuse:g}"}, {"error": {"message": "rate limited (test double)"}}
            time.sleep(self.latency)
            return 200, {}, self.completed(body)
        finally:
            with self._lock:
                self.in_flight -= 1

    def completed(self, body: dict[str, Any]) -> dict[str, Any]:
        function = body["tools"][0]["function"]
        args = self.answer(function["name"]) if self.answer else zeros(function["parameters"])
        return completion(function["name"], json.dumps(args, ensure_ascii=False), self.prompt_tokens, self.completion_tokens)

    def upload(self, data: bytes) -> dict[str, Any]:
        with self._lock:
            file_id = f"file-{next(self._ids)}"
            self.files[file_id] = data
        return {"id": file_id, "object": "file", "bytes": len(data), "created_at": 0, "filename": "batch.jsonl", "purpose": "batch"}

    def create_batch(self, body: dict[str, Any]) -> dict[str, Any]:
        lines = [json.loads(line) for line in self.files[body["input_file_id"]].decode().splitlines() if line.strip()]
        with self._lock:
            self.batch_creations += 1
            batch = Batch(f"batch_{next(self._ids)}", body["input_file_id"], lines)
            self.batches[batch.id] = batch
        return self._batch_json(batch)

    def poll(self, batch_id: str) -> dict[str, Any]:
        with self._lock:
            self.polls += 1
            batch = self.batches[batch_id]
        if batch.status == "in_progress" and self.release_batches.is_set():
            out = []
            for line in batch.lines:
                response = {"status_code": 200, "request_id": line["custom_id"], "body": self.completed(line["body"])}
                out.append(json.dumps({"id": f"r-{line['custom_id'][:8]}", "custom_id": line["custom_id"], "response": response, "error": None}))
            batch.output_file_id = self.upload(("\n".join(out) + "\n").encode())["id"]
            batch.status = "completed"
        return self._batch_json(batch)

    def _batch_json(self, batch: Batch) -> dict[str, Any]:
        done = len(batch.lines) if batch.status == "completed" else 0
        return {
            "id": batch.id, "object": "batch", "endpoint": "/v1/chat/completions", "input_file_id": batch.input_file_id,
            "completion_window": "24h", "status": batch.status, "output_file_id": batch.output_file_id,
            "error_file_id": None, "created_at": 0,
            "request_counts": {"total": len(batch.lines), "completed": done, "failed": 0},
        }  # fmt: skip


def _multipart_file(content_type: str, body: bytes) -> bytes:
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    for part in message.iter_parts():
        if part.get_param("name", header="content-disposition") == "file":
            return part.get_payload(decode=True)
    raise ValueError("no file part")


def _handler(server: ModelServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive: a client's pool reuses its connections

        def log_message(self, *args: object) -> None:
            pass

        def _send(self, status: int, payload: Any, headers: dict[str, str] | None = None, raw: bytes | None = None) -> None:
            data = raw if raw is not None else json.dumps(payload, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/octet-stream" if raw is not None else "application/json")
            self.send_header("Content-Length", str(len(data)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def _body(self) -> bytes:
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))

        def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
            path = self.path.split("?")[0]
            if path.endswith("/models"):
                self._send(200, {"object": "list", "data": [{"id": "test-double", "object": "model", "created": 0, "owned_by": "test"}]})
            elif "/batches/" in path:
                self._send(200, server.poll(path.rsplit("/", 1)[-1]))
            elif path.endswith("/content") and "/files/" in path:
                self._send(200, None, raw=server.files[path.split("/")[-2]])
            else:
                self._send(404, {"error": {"message": f"no route {path}"}})

        def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
            path = self.path.split("?")[0]
            body = self._body()
            if path.endswith("/chat/completions"):
                status, headers, payload = server.chat(json.loads(body))
                self._send(status, payload, headers)
            elif path.endswith("/files"):
                self._send(200, server.upload(_multipart_file(self.headers["Content-Type"], body)))
            elif path.endswith("/batches"):
                self._send(200, server.create_batch(json.loads(body)))
            elif path.endswith("/tokenize"):  # llama.cpp's: one token per character, to tell it from the estimate
                self._send(200, {"tokens": list(range(len(json.loads(body).get("content", ""))))})
            else:
                self._send(404, {"error": {"message": f"no route {path}"}})

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--release-batches", action="store_true", help="complete each batch at its first poll")
    args = parser.parse_args()
    server = ModelServer(latency=args.latency).start()
    if args.release_batches:
        server.release_batches.set()
    print(server.base_url, flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
