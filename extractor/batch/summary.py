"""The counts of a batch as it runs, and the table that closes it.

>>> from extractor.batch.engine import Outcome
>>> t = Tally()
>>> for o in [Outcome("a.txt", "aa", "verified", True), Outcome("b.txt", "bb", "verified", False),
...           Outcome("c.txt", None, "failed", True, error="c.txt: no such file")]:
...     t.add(o)
>>> t.new, t.done_before, t.statuses, t.failed_names
(2, 1, {'verified': 2, 'needs_review': 0, 'failed': 1}, ['c.txt: no such file'])
>>> t.exit_code
2
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .engine import Outcome
from .spend import Spend

EXIT = {"verified": 0, "needs_review": 1, "failed": 2}
FAILED_NAMED = 20  # failed documents named in the summary; the rest are counted


@dataclass
class Tally:
    """Counts only: whatever the archive's size, a tally holds a few numbers and a few names."""

    new: int = 0  # read in this run
    done_before: int = 0  # read before with this configuration: not read again
    statuses: dict[str, int] = field(default_factory=lambda: dict.fromkeys(EXIT, 0))
    failed_names: list[str] = field(default_factory=list)
    last: str | None = None  # the latest document finished
    started_at: float = field(default_factory=time.monotonic)
    spend: Spend | None = None  # what the model has cost so far, with a model

    def add(self, outcome: Outcome) -> None:
        if outcome.new:
            self.new += 1
        else:
            self.done_before += 1
        self.statuses[outcome.status] += 1
        if outcome.status == "failed" and len(self.failed_names) < FAILED_NAMED:
            self.failed_names.append(outcome.error or outcome.name)
        self.last = outcome.name

    @property
    def documents(self) -> int:
        return self.new + self.done_before

    @property
    def exit_code(self) -> int:
        """As `extract`: 0 all verified, 1 some need review, 2 some failed (documents done before included)."""
        return max((EXIT[s] for s, n in self.statuses.items() if n), default=0)

    def elapsed(self) -> float:
        return time.monotonic() - self.started_at

    def rate(self) -> float | None:
        """Documents read per second (those already done cost next to nothing and do not count)."""
        seconds = self.elapsed()
        return self.new / seconds if self.new and seconds > 0 else None


def closing_table(tally: Tally) -> Table:
    table = Table(title="batch", show_header=False, title_justify="left", box=None, pad_edge=False)
    table.add_column(justify="left")
    table.add_column(justify="right")
    table.add_row("new", str(tally.new))
    table.add_row("already done", str(tally.done_before))
    table.add_row("[green]verified[/]", str(tally.statuses["verified"]))
    table.add_row("[yellow]needs review[/]", str(tally.statuses["needs_review"]))
    table.add_row("[red]failed[/]", str(tally.statuses["failed"]))
    return table


def print_summary(console: Console, tally: Tally, *, stopped: bool = False, abandoned: bool = False) -> None:
    console.print(closing_table(tally))
    rate = tally.rate()
    speed = f": {rate:.1f} documents/s" if rate else ""
    console.print(f"{tally.documents} documents in {tally.elapsed():.1f} s, {tally.new} read{speed}")
    if tally.spend is not None:
        console.print(f"model: {tally.spend.line()}")
    failed = tally.statuses["failed"]
    if failed:
        console.print("failed:")
        for name in tally.failed_names:
            console.print(f"  {escape(name)}")
        if failed > len(tally.failed_names):
            console.print(
                f"  … and {failed - len(tally.failed_names)} more (the results file and the database name them all)"
            )
    if abandoned:
        console.print("stopped at once: the documents in flight were not kept; run the same command again to go on")
    elif tally.spend is not None and tally.spend.reached:
        console.print(
            f"stopped at the budget: {tally.spend.reached}; the answers given are kept: run the same command again to go on"
        )
    elif stopped:
        console.print("stopped: the documents in flight were finished and kept; run the same command again to go on")
    elif tally.documents and tally.new == 0:
        console.print(f"nothing to read: all {tally.documents} documents were already done with this configuration")
