"""What a run spends on the model, as it goes, and the budget it may not pass.

Every question the run puts to the model passes here twice: before it is sent (`admit`: would
it pass the budget, counting what the requests in flight are expected to cost?) and when its
answer comes (`settle`: the server's own token counts, and their price). A question the budget
does not admit is not asked; the run stops there, finishing the requests in flight, and the
next run goes on from the answers kept (`asking`). The progress line and the summary read the
figures here (`line`).

    >>> from extractor.extract.llm.prices import Price
    >>> spend = Spend(price=Price(1.0, 2.0), max_tokens=1000)
    >>> spend.admit(600), spend.admit(600)
    (True, False)
    >>> spend.reached
    'the token budget (1,000) would be passed: 0 spent, 600 in flight, 600 more asked for'
    >>> spend.settle(600, 500, 100, calls=1); spend.line()
    '1 request, 600 tokens (500 in, 100 out), cost 0.0007 USD'
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from ..extract.llm.config import LlmSettings
from ..extract.llm.prices import Price, price_for


@dataclass
class Spend:
    price: Price | None = None
    max_tokens: int | None = None
    max_cost: float | None = None
    batch: bool = False  # billed at the batch endpoint's price
    requests: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: float = 0.0
    cache_hits: int = 0
    in_flight: int = 0
    reached: str | None = None  # why the budget stopped the run, once it did
    _reserved: int = 0  # tokens the requests in flight are expected to cost
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        if self.max_cost is not None and self.price is None:
            raise ValueError("--max-cost needs the model's price: it is not in the price table, give --price IN,OUT")

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def admit(self, tokens: int) -> bool:
        """Whether a request expected to cost `tokens` may go; if so it counts as in flight."""
        with self._lock:
            if self.reached is None:
                self.reached = self._over(tokens)
            if self.reached is not None:
                return False
            self._reserved += tokens
            self.in_flight += 1
            return True

    def _over(self, tokens: int) -> str | None:
        ahead = self.tokens + self._reserved + tokens
        if self.max_tokens is not None and ahead > self.max_tokens:
            return (
                f"the token budget ({self.max_tokens:,}) would be passed: {self.tokens:,} spent, "
                f"{self._reserved:,} in flight, {tokens:,} more asked for"
            )
        if self.max_cost is not None and self.price is not None:
            # Prompt and answer unknown apart before the answer: priced at the dearer of the two.
            dearest = max(self.price.input, self.price.output) * (self.price.batch if self.batch else 1.0)
            if self.cost + (self._reserved + tokens) * dearest / 1_000_000 > self.max_cost:
                return (
                    f"the cost budget ({self.max_cost:g} {self.price.currency}) would be passed: "
                    f"{self.cost:.4g} spent, {self._reserved + tokens:,} tokens more asked for"
                )
        return None

    def settle(self, tokens: int, prompt_tokens: int, completion_tokens: int, *, calls: int) -> None:
        """A request admitted for `tokens` has its answer (or gave up): what it really cost."""
        self.release(tokens)
        self.add(prompt_tokens, completion_tokens, calls=calls)

    def release(self, tokens: int, requests: int = 1) -> None:
        """Requests admitted for `tokens` in all are no longer in flight."""
        with self._lock:
            self._reserved -= tokens
            self.in_flight -= requests

    def add(self, prompt_tokens: int, completion_tokens: int, *, calls: int) -> None:
        """What a request cost (one admitted by an earlier run, whose batch answered in this one)."""
        with self._lock:
            self.requests += calls
            self.prompt_tokens += prompt_tokens
            self.completion_tokens += completion_tokens
            if self.price is not None:
                self.cost += self.price.cost(prompt_tokens, completion_tokens, batch=self.batch)

    def hit(self) -> None:
        with self._lock:
            self.cache_hits += 1

    def line(self) -> str:
        """The model's share of the progress line and of the summary."""
        plural = "" if self.requests == 1 else "s"
        parts = [f"{self.requests:,} request{plural}, {self.tokens:,} tokens ({self.prompt_tokens:,} in, {self.completion_tokens:,} out)"]
        if self.price is not None:
            parts.append(f"cost {self.cost:.4g} {self.price.currency}")
        if self.cache_hits:
            parts.append(f"{self.cache_hits:,} from the cache")
        if self.in_flight:
            parts.append(f"{self.in_flight} in flight")
        return ", ".join(parts)


def spend_for(settings: LlmSettings, *, max_tokens: int | None = None, max_cost: float | None = None, batch: bool = False) -> Spend:
    """The meter of a run asking this model, at its price (`prices.price_for`)."""
    price = price_for(settings.model, settings.capability.family, settings.price)
    return Spend(price=price, max_tokens=max_tokens, max_cost=max_cost, batch=batch)
