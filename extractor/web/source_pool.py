"""The source panel's work, done in worker processes: a cell's excerpt and its page's picture.

Showing where a cell was read from means reading the document again (decoding a text, parsing a
page of HTML or Word) or drawing a PDF page, and a hostile document can make either cost
gigabytes: a 14,400-point page drawn at 150 dpi in the service's own process took it to 4.3 GB.
So none of it happens in the service process. A small pool of worker processes (the batch's
kind: memory capped, Ctrl-C left to the parent, gone with it) finds the document (`finder`)
and reads it within the run's limits, every picture within the picture limit, each piece of work within the
time limit; a worker that breaks or overstays is replaced. What they make is kept in a cache
bounded in bytes, so a reviewer stepping through the cells of one page draws it once.

    pool = SourcePool(Limits())
    wanted = Wanted(sha256, places=store.sources(sha256), roots=("/mnt/archive",))          # web.finder
    pool.excerpt(wanted, "report.md", "markdown", {"line": 102, "span": [46, 48]})  # web.source.Lines
    pool.picture(wanted, "row", 3, (72.0, 340.5, 96.0, 352.0))                      # PNG bytes
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from ..batch.guard import Deadline, become_worker, deadline
from ..errors import LoadError, ServiceUnavailable
from ..limits import Limits
from .finder import Wanted, find
from .source import Excerpt, excerpt, page_of

BBox = tuple[float, float, float, float]
CACHE_BYTES = 64 * 1024 * 1024
# How a cell's picture is drawn: its row (the box and what is around it), or its whole page.
PICTURES = {"row": {"margin": 60, "dpi": 150}, "page": {"dpi": 100}}


class SourcePool:
    """`workers` processes that make excerpts and pictures, and a cache of what they made."""

    def __init__(self, limits: Limits, workers: int = 1, cache_bytes: int = CACHE_BYTES) -> None:
        self.limits = limits
        self.workers = workers
        self._cache: OrderedDict[tuple, tuple[Any, int]] = OrderedDict()
        self._cache_bytes = cache_bytes
        self._held = 0
        self._lock = threading.Lock()
        self._executor: ProcessPoolExecutor | None = None

    def where(self, wanted: Wanted) -> str:
        """Where the document's bytes are now (its file, or "archive!member"), checked by their
        hash; `finder.SourceNotFound` saying where it looked."""
        return self._made(("where", wanted), _where, wanted, self.limits)

    def excerpt(self, wanted: Wanted, name: str, fmt: str | None, location: dict[str, Any]) -> Excerpt | None:
        """The source around a cell (see `web.source.excerpt`); LoadError when it cannot be
        read, `finder.SourceNotFound` (saying where it looked) when it cannot be found."""
        page = page_of(fmt, location)
        if page is not None or not location:
            return page
        key = ("excerpt", wanted.sha256, fmt, tuple(sorted((k, str(v)) for k, v in location.items())))
        return self._made(key, _excerpt, wanted, name, fmt, location, self.limits)

    def picture(self, wanted: Wanted, view: str, page: int, bbox: BBox | None) -> bytes:
        """A PNG of a cell's `view` ("row": its box and around it; "page": the page, the box drawn)."""
        return self._made(("picture", wanted.sha256, view, page, bbox), _picture, wanted, view, page, bbox, self.limits)

    def _made(self, key: tuple, work: Any, *args: Any) -> Any:
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key][0]
        value = self._run(work, *args)
        self._keep(key, value)
        return value

    def _run(self, work: Any, *args: Any) -> Any:
        # The worker stops itself at the time limit; the wait allows it that and a little more.
        wait = self.limits.seconds + 10
        try:
            return self._pool().submit(work, *args).result(timeout=wait)
        except FutureTimeout:
            self._restart()
            raise self.limits.over("seconds", None, args[0].sha256[:12]) from None
        except BrokenProcessPool:
            self._restart()
            raise ServiceUnavailable("the process drawing the source stopped abruptly (out of memory, or a crash); try again") from None

    def _keep(self, key: tuple, value: Any) -> None:
        size = len(value) if isinstance(value, bytes) else 4096
        with self._lock:
            self._cache[key] = (value, size)
            self._held += size
            while self._held > self._cache_bytes and len(self._cache) > 1:
                _, (_, dropped) = self._cache.popitem(last=False)
                self._held -= dropped

    def _pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._executor is None:
                from ..batch.processes import worker_context

                self._executor = ProcessPoolExecutor(
                    self.workers, mp_context=worker_context(), initializer=become_worker, initargs=(self.limits.memory,)
                )
                # A service let go without being stopped (an app in a test) ends its workers too.
                weakref.finalize(self, _terminate, self._executor)
            return self._executor

    def _restart(self) -> None:
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            _terminate(executor)

    def close(self) -> None:
        self._restart()


def _terminate(executor: ProcessPoolExecutor) -> None:
    """End the workers now: one may be stuck drawing, and `shutdown` would wait for it."""
    for process in list((getattr(executor, "_processes", None) or {}).values()):
        process.terminate()
    executor.shutdown(wait=False, cancel_futures=True)


def _where(wanted: Wanted, limits: Limits) -> str:
    with _within(limits, wanted.sha256[:12]):
        _, place = find(wanted, limits)
        return f"{place.file}!{place.member}" if place.member else place.file


def _excerpt(wanted: Wanted, name: str, fmt: str | None, location: dict[str, Any], limits: Limits) -> Excerpt | None:
    with _within(limits, name):
        data, _ = find(wanted, limits)
        return excerpt(data, name, fmt, location, limits=limits)


def _picture(wanted: Wanted, view: str, page: int, bbox: BBox | None, limits: Limits) -> bytes:
    from ..load.raster import crop_png, page_png

    with _within(limits, wanted.sha256[:12]):
        data, _ = find(wanted, limits)
        if view == "row" and bbox:
            return crop_png(data, page, bbox, limits=limits, **PICTURES["row"])
        return page_png(data, page, box=bbox, limits=limits, **PICTURES["page"])


@contextmanager
def _within(limits: Limits, path: str) -> Iterator[None]:
    """In a worker: the time limit, and a MemoryError told as the memory limit."""
    try:
        with deadline(limits.seconds):
            yield
    except Deadline:
        raise limits.over("seconds", None, path) from None
    except MemoryError:
        raise limits.over("memory", None, path) from None


__all__ = ["SourcePool", "PICTURES", "LoadError"]
