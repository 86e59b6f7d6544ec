"""Who a request is from, for the API (a bearer token) and for the pages (a session cookie).

The API takes `Authorization: Bearer <token>`; a GET also takes the session cookie of a signed-in
browser (a page's link to the CSV export). A request that changes anything through the cookie
is a page's form, and carries the session's CSRF token. Without a tokens file every request is
the local user's, and the pages keep a session only for their CSRF tokens.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from .errors import Forbidden, Unauthorized

COOKIE = "extractor_session"


def service(request: Request):  # -> app.Service (imported lazily: app imports this module's users)
    return request.app.state.service


def api_person(request: Request) -> str:
    """The person an API request is from; `Unauthorized` (401) when there is none."""
    svc = service(request)
    people = svc.people
    if people.open:
        return people.local
    auth = request.headers.get("authorization")
    if auth:
        scheme, _, token = auth.partition(" ")
        name = people.by_token(token.strip()) if scheme.lower() == "bearer" else None
        if name is None:
            raise Unauthorized("the bearer token is not one the service knows")
        return name
    if request.method in ("GET", "HEAD"):
        name = svc.sessions.person(request.cookies.get(COOKIE))
        if name is not None:
            return name
    raise Unauthorized("no token: send the header Authorization: Bearer <your token>")


class SignIn(Exception):
    """A page asked for without a session: the browser goes to the sign-in page."""

    def __init__(self, after: str) -> None:
        self.after = after


@dataclass(frozen=True)
class Viewer:
    """The person looking at a page, with the session the page's forms are signed for."""

    name: str
    cookie: str
    new: bool  # the cookie is to be set on the response (the local user's first page)
    csrf: str


def page_viewer(request: Request) -> Viewer:
    svc = service(request)
    cookie = request.cookies.get(COOKIE)
    name = svc.sessions.person(cookie)
    if name is not None and cookie is not None:
        return Viewer(name, cookie, False, svc.sessions.csrf(cookie))
    if svc.people.open:
        cookie = svc.sessions.issue(svc.people.local, "")
        return Viewer(svc.people.local, cookie, True, svc.sessions.csrf(cookie))
    after = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    raise SignIn(after)


def check_csrf(request: Request, viewer: Viewer, token: str | None) -> None:
    if viewer.new or not service(request).sessions.csrf_ok(viewer.cookie, token):
        raise Forbidden("this form is not one of this session's pages (its CSRF token is missing or stale): reload the page")


__all__ = ["COOKIE", "SignIn", "Viewer", "api_person", "check_csrf", "page_viewer", "service"]
