"""What a batch shows while it runs: a progress bar on a terminal, a plain line every few
seconds otherwise (a log file, CI, `nohup`), both on stderr so stdout keeps the summary.

Both show the documents done (of how many, once counted), documents read per second, the time
left when the count is known, the count per status, and the document being read; with a model,
the requests made, the tokens and the cost so far, and the requests in flight. Counting
the archive runs beside the batch (`count_in_background`), so the first document is read at
once however long the count takes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from datetime import timedelta
from pathlib import Path
from typing import Protocol

from rich.console import Console
from rich.markup import escape

from .engine import Outcome
from .summary import Tally

PLAIN_EVERY = 5.0  # seconds between plain lines


class Display(Protocol):
    total: int | None

    def start(self) -> None: ...

    def started(self, name: str) -> None: ...

    def finished(self, outcome: Outcome) -> None: ...

    def say(self, line: str) -> None:
        """A line of its own (an error), printed without breaking the bar."""
        ...

    def stop(self) -> None: ...


def _eta(tally: Tally, total: int | None) -> str | None:
    rate = tally.rate()
    if total is None or not rate:
        return None
    left = max(total - tally.documents, 0)
    return str(timedelta(seconds=round(left / rate)))


def _counts(tally: Tally) -> str:
    s = tally.statuses
    done = f", {tally.done_before} already done" if tally.done_before else ""
    return f"{tally.new} new{done} · {s['verified']} verified, {s['needs_review']} needs review, {s['failed']} failed"


def _spent(tally: Tally) -> str:
    return f"model: {tally.spend.line()}" if tally.spend is not None else ""


def _short(name: str | None, width: int = 48) -> str:
    if not name:
        return ""
    return name if len(name) <= width else "…" + name[-(width - 1) :]


class Bar:
    """A rich progress bar, redrawn by rich's own thread."""

    def __init__(self, console: Console, tally: Tally) -> None:
        from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn

        self.tally = tally
        self.total: int | None = None
        self._current: str | None = None
        self._progress = Progress(
            SpinnerColumn(),
            BarColumn(),
            TextColumn("{task.completed}/{task.fields[of]}"),
            TextColumn("{task.fields[rate]}"),
            TextColumn("{task.fields[eta]}"),
            TextColumn("{task.fields[counts]}"),
            TextColumn("{task.fields[llm]}"),
            TextColumn("[dim]{task.fields[current]}"),
            console=console,
            transient=False,
        )
        self._task = self._progress.add_task("batch", total=None, of="?", rate="", eta="", counts="", llm="", current="")

    def start(self) -> None:
        self._progress.start()

    def started(self, name: str) -> None:
        self._current = name
        self._progress.update(self._task, current=escape(_short(name)), llm=_spent(self.tally))

    def finished(self, outcome: Outcome) -> None:
        rate = self.tally.rate()
        eta = _eta(self.tally, self.total)
        self._progress.update(
            self._task,
            completed=self.tally.documents,
            total=self.total,
            of=self.total if self.total is not None else "?",
            rate=f"{rate:.1f}/s" if rate else "",
            eta=f"ETA {eta}" if eta else "",
            counts=_counts(self.tally),
            llm=_spent(self.tally),
        )

    def say(self, line: str) -> None:
        self._progress.console.print(escape(line), highlight=False, soft_wrap=True)

    def stop(self) -> None:
        self._progress.stop()


class PlainLines:
    """One line every `every` seconds, from a thread of its own: it appears even while a slow
    document (a model's answer) holds up the batch."""

    def __init__(self, console: Console, tally: Tally, every: float = PLAIN_EVERY) -> None:
        self.console = console
        self.tally = tally
        self.every = every
        self.total: int | None = None
        self._current: str | None = None
        self._halt = threading.Event()
        self._thread = threading.Thread(target=self._tick, name="batch-progress", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def started(self, name: str) -> None:
        self._current = name

    def finished(self, outcome: Outcome) -> None:
        pass

    def say(self, line: str) -> None:
        self.console.print(escape(line), highlight=False, soft_wrap=True)

    def line(self) -> str:
        of = f"/{self.total}" if self.total is not None else ""
        rate = self.tally.rate()
        parts = [f"batch: {self.tally.documents}{of} documents", _counts(self.tally)]
        if rate:
            parts.append(f"{rate:.1f} documents/s")
        eta = _eta(self.tally, self.total)
        if eta:
            parts.append(f"ETA {eta}")
        if self.tally.spend is not None:
            parts.append(_spent(self.tally))
        if self._current:
            parts.append(f"now {self._current}")
        return " · ".join(parts)

    def _tick(self) -> None:
        while not self._halt.wait(self.every):
            self.say(self.line())

    def stop(self) -> None:
        self._halt.set()
        if self._thread.is_alive():
            self._thread.join()


def display_for(console: Console, tally: Tally) -> Display:
    return Bar(console, tally) if console.is_terminal else PlainLines(console, tally)


def count_in_background(count: Callable[[], int | None], display: Display) -> threading.Thread:
    """Count the documents beside the batch; the display learns the total when it is known."""

    def work() -> None:
        try:
            display.total = count()
        except OSError:  # a folder that changes while it is walked: the count stays unknown
            display.total = None

    thread = threading.Thread(target=work, name="batch-count", daemon=True)
    thread.start()
    return thread


def counter(paths: Iterable[str], skip: Iterable[str | Path]) -> Callable[[], int | None]:
    from ..load.archive import count

    paths, skip = list(paths), list(skip)
    return lambda: count(paths, skip=skip)
