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
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from ..extract.candidate import Candidate
from ..models import LlmUsage, MethodRun, Provenance, Reason, Result

Strategy = Literal["rules", "cross-check", "llm-first", "rules-first"]
STRATEGIES: tuple[str, ...] = ("rules", "cross-check", "llm-first", "rules-first")
_SHOW = 6


@dataclass
class Judged:
    """One path's reading and the result it would get on its own."""

    method: str
    result: Result
    error: str | None = None

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
            status=self.result.status,
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


# A path: () -> (the candidate, the model's usage when it was the model).
Path = Callable[[], tuple[Candidate, LlmUsage | None]]
Build = Callable[[Candidate], Result]
Assess = Callable[[Result], Result]


def _judge(method: str, path: Path, build: Build, usage: list[LlmUsage]) -> Judged:
    try:
        candidate, used = path()
    except Exception as e:  # noqa: BLE001 - a path that breaks is a path that did not pass
        error = f"the {method} path failed: {type(e).__name__}: {' '.join(str(e).split())[:300]}"
        empty = build(Candidate(method))
        return Judged(method, empty.model_copy(update={"status": "failed"}), error)
    if used is not None:
        usage.append(used)
    return Judged(method, build(candidate))


def run_strategy(strategy: str, rules: Path, llm: Path | None, build: Build, assess: Assess) -> Result:
    """The result of one document under a strategy.

    `build` turns one candidate into its own verified result; `assess` re-verifies the
    combined result (and applies `disagreement`).
    """
    if strategy != "rules" and llm is None:
        raise ValueError(f"strategy {strategy!r} needs an LLM endpoint")
    usage: list[LlmUsage] = []
    paths = {"rules": rules, "llm": llm}
    order = {"rules": ["rules"], "cross-check": ["rules", "llm"], "llm-first": ["llm", "rules"], "rules-first": ["rules", "llm"]}
    if strategy not in order:
        raise ValueError(f"unknown strategy {strategy!r}: choose one of {', '.join(STRATEGIES)}")
    judged: list[Judged] = []
    for method in order[strategy]:
        if strategy in ("llm-first", "rules-first") and judged and judged[0].passes:
            break
        judged.append(_judge(method, paths[method], build, usage))  # type: ignore[arg-type]
    if strategy == "rules":
        return judged[0].result
    return assess(combine(strategy, judged, usage[0] if usage else None))


def combine(strategy: str, judged: list[Judged], usage: LlmUsage | None) -> Result:
    """The chosen reading's result, with the other paths' values, runs and fallbacks recorded."""
    passing = [j for j in judged if j.passes]
    chosen = passing[0] if passing else min(judged, key=Judged.rank)
    reasons = [fallback_reason(j, chosen) for j in judged if j is not chosen and not (j.passes and chosen.passes)]
    provenance = chosen.result.provenance
    if len(judged) > 1:
        provenance = _with_values(chosen, judged)
    runs = [j.run.model_copy(update={"chosen": j is chosen}) for j in judged]
    return chosen.result.model_copy(
        update={
            "strategy": strategy,
            "method": chosen.method,
            "methods": runs,
            "llm": usage,
            "provenance": provenance,
            "reasons": reasons,
        }
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


def fallback_reason(rejected: Judged, chosen: Judged) -> Reason:
    run = rejected.run
    if run.error:
        why = run.error
    elif run.failed:
        why = f"its reading fails {_list(run.failed)}"
    elif not run.complete:
        why = f"its reading is incomplete ({run.cells_read} of {run.cells} cells read)"
    else:
        why = f"its reading was not verified ({run.status})"
    stands = "passes every check" if chosen.passes else "does better"
    return Reason(
        code="fallback",
        message=f"the {rejected.method} reading was not used: {why}; the {chosen.method} reading {stands} and stands",
        cells=list(_differing(rejected.result.cells, chosen.result.cells)),
    )


def _differing(a: dict[str, object], b: dict[str, object]) -> list[str]:
    """Cells both read, with different values (a cell one reading lacks is not a difference)."""
    return [k for k in b if a.get(k) is not None and b[k] is not None and a[k] != b[k]]


def _list(items: list[str]) -> str:
    return ", ".join(items[:_SHOW]) + (f" and {len(items) - _SHOW} more" if len(items) > _SHOW else "")


def disagreement(result: Result) -> Reason | None:
    """`methods_disagree` when two readings both pass (or are both complete and both fail)
    and differ in a cell whose provenance still lists differing values."""
    runs = result.methods
    if len(runs) < 2:
        return None
    passing = [m for m in runs if m.status == "verified" and not m.error]
    if len(passing) == 1 or (not passing and not all(m.complete for m in runs)):
        return None
    cells = [k for k, p in result.provenance.items() if len(p.values) > 1 and len(set(p.values.values())) > 1]
    if not cells:
        return None
    shown = "; ".join(
        f"{k}: " + ", ".join(f"{m} {v}" for m, v in result.provenance[k].values.items()) for k in cells[:_SHOW]
    )
    more = f" and {len(cells) - _SHOW} more" if len(cells) > _SHOW else ""
    checks = "; ".join(
        f"{m.method} passes {len(m.passed)} of {len(m.passed) + len(m.failed) + len(m.not_assessable)} hard checks"
        + (f" (fails {_list(m.failed)})" if m.failed else "")
        for m in runs
    )
    return Reason(
        code="methods_disagree",
        message=f"the readings differ in {len(cells)} cells: {shown}{more} — {checks}",
        cells=cells,
    )
