"""The service's own kinds of error, beside the extractor's: each has a stable `code` and an
HTTP status, and the app maps them by type like every other `ExtractorError`.

A full disk is told from the error itself (`disk_full`): SQLite's SQLITE_FULL, or ENOSPC or
EDQUOT from writing a file, also when it is the error another was raised while handling (a
rollback SQLite had already done itself). A request that meets one is refused with 507
(`DiskFull`), having changed nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from ..errors import BadInput, ExtractorError, full_disk

if TYPE_CHECKING:
    from ..store import Store


class Unauthorized(ExtractorError):
    """No token, or one the tokens file does not hold."""

    code = "unauthorized"
    http_status = 401


class Forbidden(ExtractorError):
    """A form posted without the page's own CSRF token."""

    code = "forbidden"
    http_status = 403


class TooLarge(BadInput):
    """An upload past the service's limit."""

    code = "too_large"
    http_status = 413


class UnsupportedFormat(BadInput):
    """Content that is none of the formats the extractor reads (told by the bytes, not the name)."""

    code = "unsupported_format"
    http_status = 415


class CrossOrigin(Forbidden):
    """A change asked for by a page of another site (its Origin or Referer names another host)."""

    code = "cross_origin"


class DiskFull(ExtractorError):
    """The disk is full: what was asked could not be stored, and nothing of it was kept."""

    code = "disk_full"
    http_status = 507


class TooManyInFlight(ExtractorError):
    """A person's extractions still waiting or being read are at the limit: retry later."""

    code = "too_many_in_flight"
    http_status = 429

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def disk_full(error: BaseException) -> bool:
    """Whether `error`, or one it was raised while handling, is a full disk."""
    return full_disk(error) is not None


@contextmanager
def refused_when_full(what: str) -> Iterator[None]:
    """A full disk met inside is `DiskFull`, saying that `what` was not stored."""
    try:
        yield
    except Exception as e:
        if disk_full(e):
            raise DiskFull(f"the disk is full: {what} could not be stored, and nothing of it was kept; free some space and try again") from e
        raise


def settle(store: Store) -> None:
    """End a transaction a failed write left open on the store's writer (SQLite keeps it open
    when its COMMIT fails for a full disk), so the next write can begin one."""
    with store._lock:
        if store._batch_every is None and store.db.in_transaction:
            store.db.execute("ROLLBACK")


__all__ = [
    "CrossOrigin", "DiskFull", "Forbidden", "TooLarge", "TooManyInFlight", "Unauthorized", "UnsupportedFormat",
    "disk_full", "refused_when_full", "settle",
]  # fmt: skip
