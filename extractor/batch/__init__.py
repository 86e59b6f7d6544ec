"""Archives at scale: a batch that reads each document once, in parallel, and can be resumed.

work     the documents of a batch, hashed before anything reads them (`Work`)
task     the work of one document, wherever it runs (`read`, `Done`)
pool     where documents are read: what a pool does; this process (`InProcess`)
processes  a pool of worker processes (`Processes`)
ray_pool the same as Ray tasks, past one machine (`RayPool`)
ledger   the store as a batch uses it (`Ledger`)
lines    the JSON lines file, appended and resumed (`Lines`, `resume`)
engine   the batch: inputs in, outcomes out (`run`, `Outcome`)
progress what the batch shows while it runs
summary  the counts of a batch, and its closing table (`Tally`)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .engine import Outcome, run
from .ledger import Ledger
from .lines import Lines, resume
from .pool import InProcess, Pool
from .work import Work

__all__ = ["Outcome", "run", "Ledger", "Lines", "resume", "InProcess", "Pool", "Processes", "default_workers", "Work"]

if TYPE_CHECKING:
    from .processes import Processes, default_workers


def __getattr__(name: str) -> Any:
    # The process pool loads multiprocessing and concurrent.futures: not for `extract` of one file.
    if name in ("Processes", "default_workers"):
        from . import processes

        return getattr(processes, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
