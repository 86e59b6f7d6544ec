"""What a model's tokens cost: a price table per model, overridable.

Prices are per million tokens, in the currency the provider bills in, as their price pages gave
them when this table was written; they change, so `--price IN,OUT[,CURRENCY]` (or
`EXTRACTOR_PRICE`) overrides the table for a run. A model served on the machine or the network
(llama.cpp, Ollama, vLLM) costs nothing unless given a price. A provider's batch endpoint
(`--llm-batch`) bills `batch` times the price (half, where it has one at all).

    >>> price_for("deepseek-chat", "deepseek").cost(1_000_000, 100_000)
    0.322
    >>> parse_price("0.4,1.2,USD"), price_for("gemma-3-270m", "llama.cpp").free
    (Price(input=0.4, output=1.2, currency='USD', batch=0.5, source='--price'), True)
    >>> price_for("a-model-nobody-priced", "unknown") is None
    True
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

# Families whose servers run on hardware of one's own: no bill.
LOCAL = frozenset({"llama.cpp", "ollama", "vllm"})


@dataclass(frozen=True)
class Price:
    input: float  # per million prompt tokens
    output: float  # per million completion tokens
    currency: str = "USD"
    batch: float = 0.5  # the share of the price a batch endpoint bills
    source: str = "the price table"

    def cost(self, prompt_tokens: int, completion_tokens: int, *, batch: bool = False) -> float:
        amount = (prompt_tokens * self.input + completion_tokens * self.output) / 1_000_000
        return round(amount * (self.batch if batch else 1.0), 6)

    @property
    def free(self) -> bool:
        return self.input == 0 and self.output == 0

    def describe(self) -> str:
        return f"{self.input:g} in, {self.output:g} out {self.currency} per million tokens ({self.source})"


# (model name pattern, price). First match wins; checked against the lower-cased model name.
TABLE: tuple[tuple[str, Price], ...] = (
    (r"^deepseek-(chat|v3)", Price(0.28, 0.42, batch=1.0)),  # DeepSeek has no batch endpoint
    (r"^deepseek-(reasoner|r1)", Price(0.28, 0.42, batch=1.0)),
    (r"^qwen-turbo", Price(0.05, 0.2)),
    (r"^qwen-plus", Price(0.4, 1.2)),
    (r"^qwen-max", Price(1.6, 6.4)),
    (r"^glm-4-flash", Price(0.0, 0.0)),
    (r"^glm-4-plus", Price(0.7, 0.7)),
    (r"^gpt-4o-mini", Price(0.15, 0.6)),
    (r"^gpt-4o", Price(2.5, 10.0)),
    (r"^gpt-4\.1-nano", Price(0.1, 0.4)),
    (r"^gpt-4\.1-mini", Price(0.4, 1.6)),
    (r"^gpt-4\.1", Price(2.0, 8.0)),
)


def price_for(model: str | None, family: str, override: Price | None = None) -> Price | None:
    """The price a run pays: the override, else the table's for the model, else nothing for a
    server of one's own; None when it is not known."""
    if override is not None:
        return override
    name = (model or "").lower()
    for pattern, price in TABLE:
        if re.search(pattern, name):
            return replace(price, source=f"the price table, {pattern.strip('^')}")
    if family in LOCAL:
        return Price(0.0, 0.0, source=f"a {family} server")
    return None


def parse_price(text: str) -> Price:
    """`IN,OUT` or `IN,OUT,CURRENCY`: per million prompt and completion tokens."""
    parts = [p.strip() for p in text.split(",")]
    try:
        if len(parts) not in (2, 3):
            raise ValueError
        prompt, completion = float(parts[0]), float(parts[1])
        if prompt < 0 or completion < 0:
            raise ValueError
    except ValueError:
        raise ValueError(f"a price is IN,OUT[,CURRENCY] per million tokens, e.g. 0.28,0.42,USD; not {text!r}") from None
    return Price(prompt, completion, parts[2].upper() if len(parts) == 3 and parts[2] else "USD", source="--price")
