"""One rate governor per endpoint: how fast a run may ask, and a "slow down" heard by every request.

A hosted model limits each key by requests and by tokens per minute, and says so with a 429
(often with `Retry-After`). Retrying only the request that got it is not enough when dozens are
in flight: each of the others would meet its own 429 a moment later. So every request of an
`Asker` passes here first (`wait`), re-asks included:

* requests and tokens per minute (`--llm-rpm`, `--llm-tpm`), when given, are spread evenly
  (a second's worth may go at once), each request reserving its estimated tokens; the server's
  own count corrects the estimate when the answer comes (`settle`);
* a 429, or any answer with `Retry-After`, pauses every request not yet sent until the wait the
  server asked for (or the backoff the retry policy chose) has passed (`pause`). The request
  that got it is retried by tenacity as before; the governor only holds the others.

    >>> clock = [0.0]
    >>> g = Governor(requests_per_minute=60, clock=lambda: clock[0], sleep=lambda s: clock.__setitem__(0, clock[0] + s))
    >>> [g.wait(0) for _ in range(3)]
    [0.0, 1.0, 1.0]
    >>> g.pause(5.0); g.wait(0)
    5.0
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

# How much of a minute's allowance may go at once: a second's worth, as providers that count
# per minute often enforce it finer.
BURST_SECONDS = 1.0


class _Pace:
    """A rate, spread evenly: `reserve(amount)` books the amount and says how long to wait
    before using it (virtual scheduling: the time the allowance is next free)."""

    def __init__(self, per_minute: float) -> None:
        self.rate = per_minute / 60.0
        self.free_at = float("-inf")

    def reserve(self, amount: float, now: float) -> float:
        cost = amount / self.rate
        start = max(now, self.free_at - max(0.0, BURST_SECONDS - cost))
        self.free_at = max(self.free_at, now) + cost
        return start - now

    def give_back(self, amount: float) -> None:
        self.free_at -= amount / self.rate


class Governor:
    def __init__(
        self,
        *,
        requests_per_minute: float | None = None,
        tokens_per_minute: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.clock = clock
        self.sleep = sleep
        self._requests = _Pace(requests_per_minute) if requests_per_minute else None
        self._tokens = _Pace(tokens_per_minute) if tokens_per_minute else None
        self._lock = threading.Lock()
        self._until = float("-inf")  # no request starts before this (a server's "slow down")
        self.pauses = 0  # how many times a server asked this endpoint to slow down

    def wait(self, tokens: int) -> float:
        """Hold the calling request until it may go; the seconds it was held."""
        held, slept_until = 0.0, None
        while True:
            with self._lock:
                now = self.clock()
                # Once slept to the end of a pause, go on unless a later pause has come meanwhile.
                if self._until <= now or self._until == slept_until:
                    delay = max(
                        self._requests.reserve(1, now) if self._requests else 0.0,
                        self._tokens.reserve(tokens, now) if self._tokens and tokens else 0.0,
                    )
                    break
                paused, slept_until = self._until - now, self._until
            self.sleep(paused)
            held += paused
        if delay > 0:
            self.sleep(delay)
        return held + max(delay, 0.0)

    def pause(self, seconds: float) -> None:
        """No request starts for `seconds` from now (a later pause may lengthen it)."""
        with self._lock:
            self._until = max(self._until, self.clock() + seconds)
            self.pauses += 1

    def settle(self, estimated: int, actual: int) -> None:
        """A request's tokens as the server counted them, against the estimate it reserved."""
        if self._tokens is not None and estimated:
            with self._lock:
                self._tokens.give_back(estimated - actual)
