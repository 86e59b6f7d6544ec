"""The service's own kinds of error, beside the extractor's: each has a stable `code` and an
HTTP status, and the app maps them by type like every other `ExtractorError`."""

from __future__ import annotations

from ..errors import BadInput, ExtractorError


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


class TooManyInFlight(ExtractorError):
    """A person's extractions still waiting or being read are at the limit: retry later."""

    code = "too_many_in_flight"
    http_status = 429

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


__all__ = ["Unauthorized", "Forbidden", "TooLarge", "UnsupportedFormat", "TooManyInFlight"]
