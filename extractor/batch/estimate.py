"""What a run would ask the model and cost, before it runs: `extractor estimate`.

Every document is read up to its questions, as the run would read it (the rules first where
the strategy says so: `rules-first` asks only where they fail), and nothing is asked. The
questions the answer cache holds cost nothing; the others' tokens are counted by the server's
own tokenizer where it has one to ask (llama.cpp, vLLM), else estimated (`tokens`), and priced
(`prices`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from ..extract.llm.prices import Price
from .engine import run
from .pool import Pool
from .task import Done, Left, Waiting
from .work import Work

if TYPE_CHECKING:
    from ..extract.llm.extract import LlmExtractor, Question
    from ..load.archive import Input
    from ..options import Options


@dataclass
class Estimate:
    documents: int = 0
    asking: int = 0  # documents that would ask the model
    questions: int = 0
    cached: int = 0  # of them, answered in the cache already
    prompt_tokens: int = 0  # of the questions to ask
    completion_tokens: int = 0  # estimated: complete answers
    counted_by: str = "estimated"
    price: Price | None = None
    failed: list[str] = field(default_factory=list)

    def cost(self, *, batch: bool = False) -> float | None:
        return None if self.price is None else self.price.cost(self.prompt_tokens, self.completion_tokens, batch=batch)

    def lines(self) -> list[str]:
        out = [
            f"{self.documents:,} documents, {self.asking:,} would ask the model: {self.questions:,} questions, "
            f"{self.cached:,} of them answered in the cache",
            f"tokens: {self.prompt_tokens:,} in ({self.counted_by}), about {self.completion_tokens:,} out (estimated), "
            f"{self.prompt_tokens + self.completion_tokens:,} in all",
        ]
        if self.price is None:
            out.append("cost: unknown: the model is not in the price table; give --price IN,OUT")
        else:
            batch = "" if self.price.batch == 1.0 else f"; with --llm-batch about {self.cost(batch=True):.4g} {self.price.currency}"
            out.append(f"cost: about {self.cost():.4g} {self.price.currency} at {self.price.describe()}{batch}")
        return out


class _Counting:
    """A pool whose documents stop at their questions: counted, never asked, left unread."""

    def __init__(self, pool: Pool, llm: LlmExtractor, estimate: Estimate, count: Callable[[Question], int]) -> None:
        self.pool, self.llm, self.estimate, self.count = pool, llm, estimate, count
        self.capacity = pool.capacity

    def submit(self, seq: int, work: Work) -> None:
        self.pool.submit(seq, replace(work, park=True))

    def done(self, timeout: float | None) -> list[Done | Left]:
        out: list[Done | Left] = []
        for item in self.pool.done(timeout):
            if isinstance(item, Waiting):
                self._add(item)
                out.append(Left(item.seq, item.name))
            else:
                out.append(item)
        return out

    def _add(self, waiting: Waiting) -> None:
        e = self.estimate
        e.documents += 1
        e.asking += 1
        for question in waiting.questions.values():
            e.questions += 1
            if self.llm.cached(question) is not None:
                e.cached += 1
                continue
            e.prompt_tokens += self.count(question)
            e.completion_tokens += question.answer_tokens_estimate

    def close(self, *, abort: bool = False) -> None:
        self.pool.close(abort=abort)


def estimate(items: Iterable[Input], *, options: Options, pool: Pool, price: Price | None) -> Estimate:
    """Read `items` up to their questions in `pool` and count what asking them would cost."""
    from ..extract.llm.tokens import question_counter

    assert options.llm is not None
    counted = Estimate(price=price)
    count, counted.counted_by = question_counter(options.llm.settings)
    for outcome in run(items, options=options, pool=_Counting(pool, options.llm, counted, count)):
        counted.documents += 1  # read to its end without the model
        if outcome.status == "failed" and outcome.error:
            counted.failed.append(outcome.error)
    return counted
