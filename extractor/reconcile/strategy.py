"""Strategies: which extraction paths run, and which reading a document stands on.

* `rules`: the deterministic rules alone (the default without an LLM endpoint).
* `cross-check`: both paths run and each reading is verified on its own.
* `llm-first`: the model; the rules only when the model's reading does not pass.
* `rules-first`: the rules; the model only when the rules' reading does not pass (the cheapest).

A reading *passes* when, on its own, it would be verified: every table found, every cell read,
every hard identity holding. Then:

* two passing readings that agree cell by cell → verified;
* two passing readings that differ → needs_review, `methods_disagree`, with both values of every
  cell that differs and the checks each reading passes; nothing is silently resolved;
* one passing reading → it stands (verified), and the `fallback` from the other is recorded;
* none passing → the better reading stands (complete first, then fewer failed identities), with
  its reasons, a `fallback` when it is not the first path's, and `methods_disagree` when both
  readings are complete and differ.

Every cell's provenance names the method whose reading stands, and lists what each path read
for it (`values`) whenever more than one path ran.

The pipeline runs the paths in the order `plan` gives, judging each reading as it comes
(`judge`) and stopping when `settled` says so; `combine` then makes the one result. Nothing here
calls back into the pipeline.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..extract.candidate import Candidate
from ..kinds import STRATEGIES
from ..locate import Located
from ..models import LlmUsage, MethodRun, Provenance, Result, Statement
from .assess import assess
from .build import build_result

Method = Literal["rules", "llm"]
_ORDER: dict[str, tuple[Method, ...]] = {
    "rules": ("rules",),
    "cross-check": ("rules", "llm"),
    "llm-first": ("llm", "rules"),
    "rules-first": ("rules", "llm"),
}


@dataclass(frozen=True)
class Judged:
    """One path's reading and the result it would get on its own."""

    method: str
    result: Result
    error: str | None = None  # the path could not run
    usage: LlmUsage | None = None

    @property
    def passes(self) -> bool:
        return self.error is None and self.result.status == "verified"

    @property
    def run(self) -> MethodRun:
        hard = [c for c in self.result.checks if c.severity == "hard"]
        read = sum(v is not None for v in self.result.cells.values())
        found = all(t.found for t in self.result.tables.values()) and len(self.result.tables) == 3
        return MethodRun(
            method=self.method,
            status="failed" if self.error else self.result.status,
            complete=self.error is None and found and read == len(self.result.cells) > 0,
            passed=[c.check for c in hard if c.status == "pass"],
            failed=[c.check for c in hard if c.status == "fail"],
            not_assessable=[c.check for c in hard if c.status == "not_assessable"],
            cells_read=read,
            cells=len(self.result.cells),
            error=self.error,
        )

    def rank(self) -> tuple[int, int, int]:
        """Lower is better: complete, then fewer failed identities, then fewer unread cells."""
        r = self.run
        return (0 if r.complete else 1, len(r.failed), r.cells - r.cells_read)


def plan(strategy: str) -> tuple[Method, ...]:
    """The paths a strategy may run, in order."""
    if strategy not in _ORDER:
        raise ValueError(f"unknown strategy {strategy!r}: choose one of {', '.join(STRATEGIES)}")
    return _ORDER[strategy]


def settled(strategy: str, judged: list[Judged]) -> bool:
    """Whether the readings so far are enough: a `-first` strategy stops at a passing first reading."""
    if not judged:
        return False
    if len(judged) == len(plan(strategy)):
        return True
    return strategy in ("llm-first", "rules-first") and judged[0].passes


def judge(
    located: Located,
    method: str,
    candidate: Candidate,
    *,
    error: str | None = None,
    usage: LlmUsage | None = None,
    blanks: str = "zero",
    prose: list[Statement] | None = None,
) -> Judged:
    """A reading verified on its own; `error` when its path broke (its candidate is then empty).
    `blanks`: the policy for blank applicant cells, recorded on the result (see `Result.blanks`);
    `prose`: what the report's prose states of table quantities."""
    built = build_result(located, candidate).model_copy(update={"blanks": blanks, "prose": prose or []})
    return Judged(method, assess(built), error, usage)


def combine(strategy: str, judged: list[Judged]) -> Result:
    """The one result of a document: the reading that stands, with the others' values and
    verdicts recorded, assessed as a whole."""
    if not judged:
        raise ValueError("combine needs at least one reading")
    if strategy == "rules":
        return judged[0].result
    passing = [j for j in judged if j.passes]
    chosen = passing[0] if passing else min(judged, key=Judged.rank)
    provenance = chosen.result.provenance if len(judged) == 1 else _with_values(chosen, judged)
    usage = next((j.usage for j in judged if j.usage is not None), None)
    return assess(
        chosen.result.model_copy(
            update={
                "strategy": strategy,
                "method": chosen.method,
                "methods": [j.run.model_copy(update={"chosen": j is chosen}) for j in judged],
                "llm": usage,
                "provenance": provenance,
            }
        )
    )


def _with_values(chosen: Judged, judged: list[Judged]) -> dict[str, Provenance]:
    out: dict[str, Provenance] = {}
    for key, p in chosen.result.provenance.items():
        values = {
            j.method: j.result.cells[key]
            for j in judged
            if j.error is None and key in j.result.provenance and j.result.provenance[key].kind != "missing"
        }
        out[key] = p.model_copy(update={"method": chosen.method, "values": values})
    return out
