"""What every request passes before any route: the security headers of every response, the
same-origin rule for changes, and the pace and size of request bodies.

**Headers.** Every response says `Content-Security-Policy` (`CSP`: this service's own scripts,
styles, pictures and forms, nothing else, and no framing), `X-Frame-Options: DENY`,
`X-Content-Type-Options: nosniff` and `Referrer-Policy: same-origin` (a same-origin form still
says where it comes from; another site is told nothing).

**Origin.** A browser sends a page's cookies with a form posted from any site, and without a
tokens file the service asks nobody to sign in: any page could post to it. So a change (POST,
PUT, PATCH, DELETE) that carries no bearer token must come from this service's own pages: its
`Origin` (else its `Referer`) must name the host the request was sent to (the `Host` header;
behind a proxy, pass it through). A request that names neither is not a browser's and goes on
(curl, a script); a bearer token cannot be sent cross-origin by a page without the service's
leave (CORS), which it never gives. Another origin, or `null`, is 403 `cross_origin`.

**Bodies.** A client that sends its body slowly holds a connection and a task for as long as it
likes: the body must come within `timeout` seconds of waiting, plus a second for every
`min_rate` bytes received (a large upload on a slow line keeps going, a byte every few seconds
does not), else 408 `body_timeout` and the connection is closed. A body to a route that takes no
document is refused past `SMALL_BODY` (413): a decision or a form is a few kilobytes.

    >>> same_origin("http://127.0.0.1:8000", "127.0.0.1:8000"), same_origin("https://review.example", "review.example")
    (True, True)
    >>> same_origin("http://evil.example", "127.0.0.1:8000"), same_origin("null", "127.0.0.1:8000")
    (False, False)
"""

from __future__ import annotations

import asyncio
import time
from urllib.parse import urlsplit

from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import CrossOrigin

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
CHANGES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
SMALL_BODY = 1024 * 1024  # bytes of a body to a route that takes no document
_DEFAULT_PORTS = {"http": ":80", "https": ":443"}


class BodyTimeout(HTTPException):
    """The request's body came too slowly."""

    code = "body_timeout"

    def __init__(self, seconds: float) -> None:
        super().__init__(408, f"the request's body did not come in time ({seconds:.0f} s of waiting): send it again, faster")


class BodyTooLarge(HTTPException):
    """A body larger than its route takes."""

    code = "too_large"

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request's body is larger than the {limit // 1024} KB this takes")


def same_origin(origin: str, host: str) -> bool:
    """Whether a page at `origin` (a URL: Origin, or a Referer) is of the host the request was sent to."""
    parts = urlsplit(origin)
    if parts.scheme not in _DEFAULT_PORTS or not parts.netloc or not host:
        return False
    return _authority(parts.scheme, parts.netloc.rpartition("@")[2]) == _authority(parts.scheme, host)


def _authority(scheme: str, netloc: str) -> str:
    netloc = netloc.lower()
    return netloc.removesuffix(_DEFAULT_PORTS[scheme])


def foreign_origin(scope: Scope) -> str | None:
    """The other site a change comes from (None: it is not a change, carries a bearer token,
    comes from this service's pages, or from no page at all)."""
    if scope["method"] not in CHANGES:
        return None
    headers = Headers(scope=scope)
    if headers.get("authorization", "").lower().startswith("bearer "):
        return None
    origin = headers.get("origin") or headers.get("referer")
    if origin is None:
        return None
    return None if same_origin(origin, headers.get("host", "")) else origin


class Guard:
    """The ASGI middleware that does all of the above, outside every route."""

    def __init__(self, app: ASGIApp, *, timeout: float, min_rate: int, uploads: frozenset[str]) -> None:
        self.app = app
        self.timeout = timeout
        self.min_rate = min_rate
        self.uploads = uploads  # the paths whose routes read a document, each under its own cap

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        body = Body(receive, self.timeout, self.min_rate, None if scope["path"] in self.uploads else SMALL_BODY, scope)
        send = _headed(send, body)
        foreign = foreign_origin(scope)
        if foreign is not None:
            await _refuse(scope, receive, send, foreign)
            return
        await self.app(scope, body, send)


async def _refuse(scope: Scope, receive: Receive, send: Send, origin: str) -> None:
    from .app import answer

    said = origin if len(origin) <= 100 else origin[:100] + "…"
    refusal = CrossOrigin(
        f"a change asked for by a page of another site ({said}) is refused: use this service's own pages, or send a bearer token"
    )
    await answer(Request(scope, receive), refusal)(scope, receive, send)


def _headed(send: Send, body: Body) -> Send:
    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = MutableHeaders(scope=message)
            for name, value in SECURITY_HEADERS.items():
                headers.setdefault(name, value)
            if body.timed_out:
                headers["Connection"] = "close"  # else the slow client keeps the connection, sending on
        await send(message)

    return sending


class Body:
    """The request's body as the routes receive it, timed and measured."""

    def __init__(self, receive: Receive, timeout: float, min_rate: int, limit: int | None, scope: Scope) -> None:
        self._receive = receive
        self.timeout = timeout
        self.min_rate = min_rate
        self.limit = limit
        self.size = 0
        self.waited = 0.0  # seconds spent waiting for the client, not for the routes' own work
        self.complete = False
        self.timed_out = False
        declared = Headers(scope=scope).get("content-length", "")
        self.declared = int(declared) if declared.isdigit() else None

    async def __call__(self) -> Message:
        if self.complete:
            return await self._receive()  # past the body: a disconnect, waited for as long as it takes
        if self.limit is not None and self.declared is not None and self.declared > self.limit:
            raise BodyTooLarge(self.limit)
        budget = max(0.0, self.timeout + self.size / self.min_rate - self.waited)
        start = time.monotonic()
        try:
            message = await asyncio.wait_for(self._receive(), budget)
        except TimeoutError:
            self.timed_out = True
            raise BodyTimeout(self.waited + budget) from None
        finally:
            self.waited += time.monotonic() - start
        if message["type"] != "http.request":
            self.complete = True
            return message
        self.size += len(message.get("body", b""))
        if self.limit is not None and self.size > self.limit:
            raise BodyTooLarge(self.limit)
        self.complete = not message.get("more_body", False)
        return message


__all__ = ["CSP", "SECURITY_HEADERS", "SMALL_BODY", "Body", "BodyTimeout", "BodyTooLarge", "Guard", "foreign_origin", "same_origin"]
