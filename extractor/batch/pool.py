"""Where documents are read: what every pool does, and the simplest, the caller's own process.

A pool takes documents one at a time (`submit`) up to its `capacity` in flight and hands back
those done (`done`), in the order they finish. The engine never gives it more than `capacity`,
so however long the archive, only that many documents are held anywhere at once. The others:
`processes.Processes` (worker processes on this machine), `ray_pool.RayPool` (Ray tasks).
"""

from __future__ import annotations

from collections import deque
from typing import Protocol

from ..options import Options
from .task import Done, Left, Waiting, failed, read
from .work import Work

__all__ = ["Pool", "InProcess", "failed"]


class Pool(Protocol):
    capacity: int  # documents in flight at most

    def submit(self, seq: int, work: Work) -> None: ...

    def done(self, timeout: float | None) -> list[Done | Left]:
        """Documents finished (or left for the next run) since the last call; waits up to
        `timeout` seconds for one."""
        ...

    def close(self, *, abort: bool = False) -> None:
        """`abort`: do not wait for the documents in flight."""
        ...


class InProcess:
    """Each document read at once, in this process: for a few files, and for tests."""

    capacity = 1

    def __init__(self, options: Options, *, keep: bool = False) -> None:
        self.options = options
        self.keep = keep
        self._done: deque[Done | Waiting] = deque()  # Waiting: a document parked at the model's questions

    def submit(self, seq: int, work: Work) -> None:
        self._done.append(read(seq, work, self.options, keep=self.keep))

    def done(self, timeout: float | None) -> list[Done | Waiting]:
        out = list(self._done)
        self._done.clear()
        return out

    def close(self, *, abort: bool = False) -> None:
        self._done.clear()
