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


__all__ = ["ExtractorError", "BadInput", "NotFound", "Conflict", "ConfigError", "ServiceUnavailable"]
