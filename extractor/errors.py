"""Every error the extractor raises, under one root.

A caller that wants to tell a user what went wrong catches `ExtractorError` and prints it: the
message is one line and names what it is about. The subclasses say what kind of problem it is,
so the service maps them to HTTP statuses by type and the CLI to its exit code, and nobody has
to read the message to know.

    >>> from extractor.errors import ExtractorError, NotFound
    >>> issubclass(NotFound, ExtractorError), NotFound.code, NotFound.http_status
    (True, 'not_found', 404)
"""

from __future__ import annotations


class ExtractorError(Exception):
    """The root: a problem the user can act on, said in one line."""

    code = "error"
    http_status = 500


class BadInput(ExtractorError):
    """A file, value or request that cannot be used as it is."""

    code = "bad_input"
    http_status = 422


class LoadError(BadInput):
    """A document that cannot be read: names the file and says what is wrong, in one line."""

    code = "unreadable"

    def __init__(self, path: str, problem: str):
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem

    def __reduce__(self) -> tuple:
        # Raised in a worker process, it crosses to the parent whole, not as its message alone.
        return (LoadError, (self.path, self.problem))


class NotFound(ExtractorError):
    """Something asked for by name or id does not exist."""

    code = "not_found"
    http_status = 404


class Conflict(ExtractorError):
    """The action does not fit the current state (already resolved, changed by someone else)."""

    code = "conflict"
    http_status = 409


class ConfigError(ExtractorError):
    """The options or the environment cannot work (a strategy without an endpoint, a bad prompt)."""

    code = "config"
    http_status = 500


class ServiceUnavailable(ExtractorError):
    """Something the run depends on cannot be reached (the model endpoint)."""

    code = "unavailable"
    http_status = 503


def full_disk(error: BaseException) -> BaseException | None:
    """`error`, or the one it was raised while handling, that says the disk is full: SQLite's
    SQLITE_FULL ("database or disk is full"), or ENOSPC or EDQUOT from writing a file; else None.
    A write that fails on a full disk is often followed by a commit or a close that fails too."""
    import errno
    import sqlite3

    chain: list[BaseException] = []
    seen: BaseException | None = error
    while seen is not None and seen not in chain:
        chain.append(seen)
        seen = seen.__cause__ or seen.__context__
    for e in chain:
        if isinstance(e, OSError) and e.errno in (errno.ENOSPC, errno.EDQUOT):
            return e
        if isinstance(e, sqlite3.Error) and (getattr(e, "sqlite_errorcode", 0) or 0) & 0xFF == sqlite3.SQLITE_FULL:
            return e
    return None


__all__ = ["ExtractorError", "BadInput", "LoadError", "NotFound", "Conflict", "ConfigError", "ServiceUnavailable", "full_disk"]
