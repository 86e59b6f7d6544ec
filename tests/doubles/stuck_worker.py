"""TEST DOUBLE — a worker task that, on a document whose file name starts with "stuck", holds
its process the way code stuck in C does once the document is being read: the alarm that ends
a document past its time limit is not heard (SIGALRM is blocked) and the process sleeps on.
It reads the others as the real task does. What it stands in for (a parser or renderer that
does not return for minutes) cannot be made to happen on demand."""

from __future__ import annotations

import os
import signal
import time
from typing import Any

from extractor.batch.task import Done, read, read_in_worker
from extractor.batch.work import Work


def _read_or_hang(seq: int, work: Work, options: Any, **kw: Any) -> Done:
    if os.path.basename(work.name).startswith("stuck"):
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        time.sleep(120)  # long past any limit a test sets; a watch that failed shows as a slow, failed test
    return read(seq, work, options, **kw)


def read_or_hang(seq: int, work: Work) -> Done:
    return read_in_worker(seq, work, reader=_read_or_hang)
