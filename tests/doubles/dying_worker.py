"""TEST DOUBLE — a worker task that dies, as a worker killed by the system or crashed in a
parser's C code would, on any document whose file name starts with "die"; it reads the others as the
real task does. What it stands in for cannot be made to happen on demand."""

from __future__ import annotations

import os

from extractor.batch.task import Done, read_in_worker
from extractor.batch.work import Work


def read_or_die(seq: int, work: Work) -> Done:
    if os.path.basename(work.name).startswith("die"):
        os._exit(70)  # no exception, no cleanup: the process is simply gone
    return read_in_worker(seq, work)
