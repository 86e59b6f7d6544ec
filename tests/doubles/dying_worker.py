"""TEST DOUBLE — a worker task that dies, as a worker killed by the system or crashed in a
parser's C code would, on any document whose file name starts with "die" (or, once, "once"); it
reads the others as the real task does. What it stands in for cannot be made to happen on demand."""

from __future__ import annotations

import os

from extractor.batch.task import Done, read_in_worker
from extractor.batch.work import Work


def read_or_die(seq: int, work: Work) -> Done:
    if os.path.basename(work.name).startswith("die"):
        os._exit(70)  # no exception, no cleanup: the process is simply gone
    return read_in_worker(seq, work)


def read_or_die_once(seq: int, work: Work) -> Done:
    """`read_or_die`, and a document whose name starts with "once" kills its worker the first
    time it is read only (a file beside it remembers), as a worker killed from outside would."""
    if os.path.basename(work.name).startswith("once") and work.input.path is not None:
        marker = work.input.path + ".killed"
        if not os.path.exists(marker):
            open(marker, "w").close()  # noqa: SIM115 - an empty file, closed at once
            os._exit(70)
    return read_or_die(seq, work)
