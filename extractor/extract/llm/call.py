"""One schema-constrained request, with the two kinds of retry kept apart.

* An answer that fails validation (bad JSON, a missing cell, a negative count) is re-asked by
  instructor, showing the model its error, at most `max_reasks` times.
* A transient failure (timeout, connection reset, 429, 5xx) is retried by tenacity with
  exponential backoff and jitter, honouring a `Retry-After` header, each wait capped at
  `max_wait`, at most `max_attempts` tries. The openai client's own retries are switched off so
  that one policy, this one, is in force.

Every request, re-asks included, first passes the endpoint's governor (`govern.Governor`): the
rates a run may ask at, and a 429 or `Retry-After` that holds every request of the run, not only
the one that got it. An `Asker` may be used from many threads at once: what each question cost
is counted per question.

Anything else, or a failure that outlasts its retries, is an `LlmCallError` with a one-line
message; the key is never part of it.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable
from contextvars import ContextVar
from functools import cache
from dataclasses import dataclass
from typing import Any

import httpx2
import instructor
import openai
from instructor.core.exceptions import InstructorRetryException
from pydantic import BaseModel
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt, wait_exponential_jitter

from ...errors import ConfigError, ServiceUnavailable
from .config import LlmSettings
from .govern import Governor

_TRANSIENT_STATUS = frozenset({408, 409, 429})


class LlmCallError(ServiceUnavailable):
    """The model could not give a valid answer (after retries); the message is one line.

    `tally` still counts the requests and tokens spent: a failed answer is paid for too.
    """

    def __init__(self, message: str, tally: _Tally) -> None:
        super().__init__(message)
        self.tally = tally


@dataclass
class Answer:
    parsed: BaseModel
    calls: int  # HTTP requests made, retries and re-asks included
    reasks: int
    prompt_tokens: int
    completion_tokens: int


def make_client(settings: LlmSettings, http_client: httpx2.Client | None = None) -> instructor.Instructor:
    """The openai client wrapped by instructor in the mode the capability table chose."""
    client = openai.OpenAI(
        base_url=settings.base_url,
        # Local servers need no key, but the client insists on one.
        api_key=settings.api_key or "no-key",
        max_retries=0,
        timeout=settings.timeout,
        http_client=http_client,
    )
    return instructor.from_openai(client, mode=getattr(instructor.Mode, settings.mode_name))


def _root(error: BaseException) -> BaseException:
    """instructor wraps the API's error in its own; the API's error decides what to do."""
    while isinstance(error, InstructorRetryException) and error.__cause__ is not None:
        error = error.__cause__
    return error


def is_transient(error: BaseException) -> bool:
    e = _root(error)
    if isinstance(e, openai.APIConnectionError):  # timeouts and resets included
        return True
    if isinstance(e, openai.APIStatusError):
        return e.status_code in _TRANSIENT_STATUS or e.status_code >= 500
    return False


def retry_after(error: BaseException) -> float | None:
    """Seconds the server asked us to wait (Retry-After: seconds or an HTTP date), if it did."""
    e = _root(error)
    if not isinstance(e, openai.APIStatusError):
        return None
    headers = e.response.headers
    if "retry-after-ms" in headers:
        try:
            return float(headers["retry-after-ms"]) / 1000
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        when = email.utils.parsedate_to_datetime(value) if value else None
        return max(0.0, when.timestamp() - time.time()) if when else None


def slows_down(error: BaseException) -> bool:
    """The server asks the whole run to slow down: a 429, or any answer with Retry-After."""
    e = _root(error)
    return isinstance(e, openai.APIStatusError) and (e.status_code == 429 or retry_after(e) is not None)


class _WaitPolicy:
    """Retry-After when the server gives one, exponential backoff with jitter otherwise; capped.
    A wait the server asked for holds every request of the endpoint (`governor`), not this one alone."""

    def __init__(self, cap: float, governor: Governor) -> None:
        self.cap = cap
        self.governor = governor
        self.backoff = wait_exponential_jitter(initial=1, max=cap, jitter=1)

    def __call__(self, state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        asked = retry_after(error) if error else None
        wait = min(asked, self.cap) if asked is not None else min(self.backoff(state), self.cap)
        if error is not None and slows_down(error):
            self.governor.pause(wait)
        return wait


@dataclass
class _Tally:
    calls: int = 0
    reasks: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0

    def request(self, *args: Any, **kwargs: Any) -> None:
        self.calls += 1

    def response(self, response: Any) -> None:
        usage = getattr(response, "usage", None)
        self.prompt_tokens += getattr(usage, "prompt_tokens", 0) or 0
        self.completion_tokens += getattr(usage, "completion_tokens", 0) or 0

    def parse_error(self, error: Exception, **kwargs: Any) -> None:
        self.reasks += 1


def _one_line(error: BaseException) -> str:
    e = _root(error)
    text = " ".join(str(e).split()) or type(e).__name__
    return f"{type(e).__name__}: {text[:300]}"


@cache
def _schema(response_model: type[BaseModel]) -> type[BaseModel]:
    """The response model as instructor sends it (same name, same schema), made once: instructor
    would otherwise make a new pydantic class on every request, and keep it."""
    return instructor.response_schema(response_model)


# The question being asked in this thread (or task): the client's hooks count into it.
_ASKING: ContextVar[tuple[_Tally, int]] = ContextVar("asking")


class Asker:
    """Asks one model for one response model per call, from any number of threads at once;
    counts each call's requests, re-asks and tokens. `clock` and `sleep` are the governor's and
    the retries' (a test's may stand in for both)."""

    def __init__(
        self,
        settings: LlmSettings,
        client: instructor.Instructor | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings
        self.client = client or make_client(settings)
        self.sleep = sleep
        self.governor = Governor(
            requests_per_minute=settings.requests_per_minute, tokens_per_minute=settings.tokens_per_minute,
            clock=clock, sleep=sleep,
        )  # fmt: skip
        self.waits: list[float] = []  # every backoff wait taken, for the record
        self.client.on("completion:kwargs", lambda *a, **k: self._request())
        self.client.on("completion:response", lambda r: _ASKING.get()[0].response(r))
        self.client.on("parse:error", lambda e, **k: _ASKING.get()[0].parse_error(e))

    def _request(self) -> None:
        """Before each request is sent, re-asks included: the governor may hold it."""
        tally, tokens = _ASKING.get()
        self.governor.wait(tokens)
        tally.request()

    def probe(self, timeout: float = 10.0) -> None:
        """One cheap request (the model list) that tells at once whether the endpoint answers,
        so a run with an unreachable model stops in seconds instead of failing every document."""
        s = self.settings
        client = openai.OpenAI(
            base_url=s.base_url, api_key=s.api_key or "no-key", max_retries=0, timeout=min(timeout, s.timeout)
        )
        try:
            client.models.list()
        except openai.APIConnectionError as e:
            raise ServiceUnavailable(f"the model endpoint {s.base_url} cannot be reached: {_one_line(e)}") from None
        except openai.APIStatusError as e:
            if e.status_code in (401, 403):
                raise ConfigError(f"the model endpoint {s.base_url} refused the key (HTTP {e.status_code})") from None
            if e.status_code >= 500:
                raise ServiceUnavailable(f"the model endpoint {s.base_url} fails: HTTP {e.status_code}") from None
            # 404 and the like: a server without a model list still answers.

    def _sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.sleep(seconds)

    def ask(self, messages: list[dict[str, str]], response_model: type[BaseModel], tokens: int = 0) -> Answer:
        """`tokens`: what the request is expected to cost, for the governor's tokens per minute."""
        s = self.settings
        tally = _Tally()
        asking = _ASKING.set((tally, tokens))
        extra = dict(s.capability.thinking_off)
        retrying = Retrying(
            stop=stop_after_attempt(s.max_attempts),
            wait=_WaitPolicy(s.max_wait, self.governor),
            retry=retry_if_exception(is_transient),
            sleep=self._sleep,
            reraise=True,
        )
        try:
            parsed = retrying(
                self.client.create,
                model=s.model,
                messages=messages,
                response_model=_schema(response_model),
                max_retries=s.max_reasks,
                max_tokens=s.max_tokens,
                temperature=0,
                **({"extra_body": extra} if extra else {}),
            )
        except Exception as e:  # noqa: BLE001 - every failure becomes one line on the result
            what = "gave no valid answer" if not is_transient(e) else "could not be reached"
            raise LlmCallError(f"the model {what} after {tally.calls} request(s): {_one_line(e)}", tally) from e
        finally:
            _ASKING.reset(asking)
            self.governor.settle(tokens * tally.calls, tally.prompt_tokens + tally.completion_tokens)
        return Answer(parsed, tally.calls, tally.reasks, tally.prompt_tokens, tally.completion_tokens)
