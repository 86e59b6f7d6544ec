"""The pages: sign-in, the queue, a document under review, adding a document, the API reference.

Server-rendered (Jinja2), plain HTML forms, a small script for the keyboard and no file from
anywhere else: the pages work on a network with no way out. Every form that changes anything
posts the session's CSRF token and the review's version; a version someone else changed since
is refused with who and when, and nothing is overwritten.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from verify.layout import FIELD

from ..errors import BadInput, ExtractorError, NotFound
from ..load import LoadError
from ..models import Number
from ..store import ORDERS, Review
from ..store.records import ACTIONS
from . import filters, params, views
from .access import COOKIE, SignIn, Viewer, check_csrf, page_viewer, service
from .errors import DiskFull, refused_when_full
from .source import PAGED, Page

router = APIRouter(include_in_schema=False)

REASONS = (
    "identity_failed", "identity_not_assessable", "cells_not_read", "ambiguous_reading", "methods_disagree",
    "table_missing", "no_table", "structure", "unreadable", "over_limit", "ocr_uncertain",
)  # fmt: skip
PAGE_SIZE = 50


def render(request: Request, viewer: Viewer | None, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    templates = request.app.state.templates
    response = templates.TemplateResponse(
        request, name, {"viewer": viewer, "open_service": service(request).people.open, **context}, status_code=status
    )
    _keep_session(response, viewer, request)
    return response


def _keep_session(response: Response, viewer: Viewer | None, request: Request) -> None:
    if viewer is not None and viewer.new:
        response.set_cookie(
            COOKIE, viewer.cookie, max_age=service(request).sessions.seconds, httponly=True, samesite="strict",
            secure=request.url.scheme == "https",
        )  # fmt: skip


def error_page(request: Request, status: int, detail: str, code: str) -> HTMLResponse:
    return request.app.state.templates.TemplateResponse(
        request, "error.html", {"viewer": None, "status": status, "detail": detail, "code": code}, status_code=status
    )


def redirect(url: str, viewer: Viewer | None = None, request: Request | None = None) -> RedirectResponse:
    response = RedirectResponse(url, status_code=303)
    if request is not None:
        _keep_session(response, viewer, request)
    return response


# --- signing in ---------------------------------------------------------------------------------


def _safe_after(after: str | None) -> str:
    """Where to go after signing in: a path of this service only, never another site."""
    if not after or not after.startswith("/") or after.startswith("//") or "\\" in after:
        return "/"
    return after


@router.get("/signin")
def signin_page(request: Request, after: str | None = None) -> Response:
    if service(request).people.open:
        return redirect(_safe_after(after))
    return render(request, None, "signin.html", {"after": _safe_after(after), "problem": None})


@router.post("/signin")
def signin(request: Request, token: str = Form(""), after: str = Form("/")) -> Response:
    svc = service(request)
    token = token.strip()
    name = svc.people.by_token(token) if token else None
    if name is None:
        return render(request, None, "signin.html", {"after": _safe_after(after), "problem": "That token is not one the service knows."}, status=401)
    response = redirect(_safe_after(after))
    response.set_cookie(
        COOKIE, svc.sessions.issue(name, token), max_age=svc.sessions.seconds, httponly=True, samesite="strict",
        secure=request.url.scheme == "https",
    )  # fmt: skip
    return response


@router.post("/signout")
def signout(request: Request, csrf: str = Form(""), viewer: Viewer = Depends(page_viewer)) -> Response:
    check_csrf(request, viewer, csrf)
    with refused_when_full("the sign-out"):
        service(request).sessions.revoke(viewer.cookie)  # the cookie may live on elsewhere: it is ended here
    response = redirect("/signin")
    response.delete_cookie(COOKIE)
    return response


# --- the queue ----------------------------------------------------------------------------------


@router.get("/")
def home() -> Response:
    return redirect("/queue")


@router.get("/queue")
def queue_page(request: Request, viewer: Viewer = Depends(page_viewer), after: str | None = None) -> Response:
    chosen = filters.chosen(request.query_params)
    where = chosen.where()
    store = service(request).reading()
    page = store.queue(where, after=params.cursor(after), limit=PAGE_SIZE, order=chosen.sort)
    counts = store.reason_counts(where)
    carry = chosen.query()
    held = store.holders([i.sha256 for i in page.items])
    free = [i.sha256 for i in page.items if i.sha256 not in held or held[i.sha256].reviewer == viewer.name]
    return render(request, viewer, "queue.html", {
        "page": page, "counts": counts, "chosen": chosen, "carry": carry, "where": where,
        "next_url": "/queue?" + chosen.query(after=page.next) if page.next else None,
        "first_url": with_query("/queue", carry) if after else None,
        "reason_url": lambda code: "/queue?" + chosen.model_copy(update={"reason": code}).query(),
        "first_document": with_query(f"/documents/{free[0]}", carry) if free else None,
        "held": held, "chips": views.chips, "orders": ORDERS, "with_query": with_query,
        "progress": _progress(store, viewer, chosen, page.total if chosen.state == "open" else None),
        "reasons": sorted(set(REASONS) | set(counts)), "states": filters.STATES, "statuses": filters.STATUSES,
        "templates": filters.TEMPLATES, "formats": filters.FORMATS, "methods": filters.METHODS,
        **_by_year(store),
    })  # fmt: skip


def _by_year(store: Any) -> dict[str, Any]:
    """Every document by year and status as it stands, as a table and a chart drawn here."""
    from .charts import STATUS_COLOURS, stacked
    from .comparison import year_status_counts

    counts = year_status_counts(store)
    return {"by_year": counts, "by_year_statuses": tuple(STATUS_COLOURS), "by_year_chart": stacked(counts, title="documents by year and status")}


def with_query(path: str, query: str) -> str:
    return f"{path}?{query}" if query else path


def _progress(store: Any, viewer: Viewer, chosen: filters.Chosen, left: int | None = None) -> tuple[int, int]:
    """What the viewer resolved today, and what is left open in their filter (`left`, when known)."""
    if left is None:
        left = store.queue(replace(chosen.where(), state="open"), limit=1).total
    return store.resolved_today(viewer.name), left


# --- a document ---------------------------------------------------------------------------------


def _review_or_none(store: Any, sha: str) -> Review | None:
    try:
        return store.review(sha)
    except NotFound:
        store.current(sha)  # a document with no review (it verified) still has a page
        return None


def document_context(request: Request, sha: str, cell: str | None, chosen: filters.Chosen, viewer: Viewer) -> dict[str, Any]:
    svc = service(request)
    store = svc.reading()
    sha = store.lookup(sha)
    review = _review_or_none(store, sha)
    current = review.current if review else store.current(sha)
    extracted = review.extracted if review else current
    open_ = review is not None and review.state == "open"
    questions = views.questions(current) if open_ else {}
    lit = list(questions)
    selected = cell if cell in current.cells else None
    if selected is None and lit:
        selected = next((k for k, w in questions.items() if w.culprit or w.choices), lit[0])
    source = None
    source_problem = None
    source_file = None
    if selected is not None:
        p = current.provenance.get(selected)
        if p is None or not p.location:
            source_problem = "The reading of this cell names no place in the document."
        else:
            try:
                wanted = svc.wanted(sha)
                source_file = svc.sources.where(wanted)
                source = svc.sources.excerpt(wanted, current.source.path, current.source.format, p.location)
            except LoadError as e:
                source_problem = f"The source cannot be shown: {e.problem}."
            except ExtractorError as e:
                source_problem = f"The source cannot be shown: {e}."
    corrections = {c.key: c for c in (review.corrections if review else [])}
    history = [(e, views.event_detail(e.detail, current.template)) for e in store.events(sha)]
    at = store.position(sha)
    carry = chosen.query()
    return {
        "sha": sha, "review": review, "current": current, "extracted": extracted, "open": open_,
        "tables": views.tables(current), "questions": questions, "lit": lit, "selected": selected,
        "selected_why": questions.get(selected) if selected else None,
        "selected_label": views.cell_label(selected, current.template) if selected else None,
        "source": source, "source_problem": source_problem, "source_file": source_file, "is_page": isinstance(source, Page),
        "corrections": corrections, "since": views.since(extracted, current), "checks": views.hard_checks(current),
        "history": history, "extractions": svc.extractions().of_document(sha), "actions": ACTIONS,
        "fmt": _fmt, "label": views.cell_label, "field": FIELD,
        "prev_cell": _step(lit, selected, -1), "next_cell": _step(lit, selected, 1),
        "chosen": chosen, "carry": carry, "with_query": with_query, "progress": _progress(store, viewer, chosen),
        "suggested": at.suggestion if at is not None and open_ else None, "holder": None,
        "next_document": with_query(f"/documents/{sha}/next", carry), "previous_document": with_query(f"/documents/{sha}/previous", carry),
    }  # fmt: skip


def _step(keys: list[str], at: str | None, by: int) -> str | None:
    if not keys:
        return None
    if at not in keys:
        return keys[0]
    return keys[(keys.index(at) + by) % len(keys)]


def _fmt(value: Number | None) -> str:
    if value is None:
        return ""
    return f"{value:g}" if isinstance(value, float) else str(value)


@router.get("/documents/{sha}")
def document_page(
    request: Request, sha: str, viewer: Viewer = Depends(page_viewer), cell: str | None = None,
    saved: int = Query(0, ge=0, le=1), resolved: str | None = None, undone: int = Query(0, ge=0, le=1),
) -> Response:  # fmt: skip
    context = document_context(request, sha, cell, filters.chosen(request.query_params), viewer)
    review = context["review"]
    if review is not None and review.state == "open":
        try:
            with service(request).writing("the claim") as store:
                held = store.claim(context["sha"], viewer.name)  # others' "next" passes over it meanwhile
            context["holder"] = held if held.reviewer != viewer.name else None
        except DiskFull:
            pass  # a claim is advice: the page is shown without one
    context["saved"], context["undone"] = bool(saved), bool(undone)
    context["resolved_before"] = _resolved(request, resolved)
    return render(request, viewer, "document.html", context)


def _resolved(request: Request, sha: str | None) -> Review | None:
    if not sha:
        return None
    try:
        return service(request).reading().review(sha)
    except (NotFound, BadInput):
        return None


@router.get("/documents/{sha}/cell.png")
def cell_png(
    request: Request, sha: str, cell: str, viewer: Viewer = Depends(page_viewer), view: str = Query("row", pattern="^(row|page)$")
) -> Response:
    """The page a cell was read from (a PDF's, or an image's), the cell's box drawn: around the
    cell, or the whole page. Drawn in a worker process within the picture limit (`source_pool`)."""
    svc = service(request)
    current = svc.reading().current(sha)
    p = current.provenance.get(cell)
    location = p.location if p else None
    if not location or location.get("page") is None or current.source.format not in PAGED:
        raise NotFound(f"no page to show for {cell} of {sha[:12]}")
    bbox = location.get("bbox")
    png = svc.sources.picture(svc.wanted(sha), view, int(location["page"]), tuple(bbox) if bbox else None)
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})


# --- adding a document --------------------------------------------------------------------------


@router.get("/add")
def add_page(request: Request, viewer: Viewer = Depends(page_viewer)) -> Response:
    return render(request, viewer, "add.html", {"limit_mb": service(request).settings.max_upload // (1024 * 1024)})


@router.post("/add")
async def add(request: Request, viewer: Viewer = Depends(page_viewer)) -> Response:
    from .api import accept_upload

    svc = service(request)
    # The CSRF token comes inside the multipart body, after the file is on disk: a forged form
    # costs the service a file it then drops, never an extraction.
    try:
        extraction, _ = await accept_upload(request, viewer.name, form_fields=("csrf",), check=lambda fields: check_csrf(request, viewer, fields.get("csrf")))
    except ExtractorError as e:
        return render(request, viewer, "add.html", {"limit_mb": svc.settings.max_upload // (1024 * 1024), "problem": str(e)}, status=e.http_status)
    return redirect(f"/extractions/{extraction.id}", viewer, request)


@router.get("/extractions/{id}")
def extraction_page(request: Request, id: str, viewer: Viewer = Depends(page_viewer)) -> Response:  # noqa: A002 - the path's name
    e = service(request).extractions().get(id)
    return render(request, viewer, "extraction.html", {"e": e})


# --- the API reference ----------------------------------------------------------------------------


@router.get("/docs")
def api_docs(request: Request, viewer: Viewer = Depends(page_viewer)) -> Response:
    """The API reference, from the OpenAPI document, drawn here (no script from a CDN)."""
    spec = request.app.openapi()
    operations = [
        {"method": method.upper(), "path": path, "summary": op.get("summary", ""), "description": op.get("description", ""),
         "parameters": op.get("parameters", []), "body": op.get("requestBody"), "tag": (op.get("tags") or [""])[0]}
        for path, methods in spec.get("paths", {}).items() for method, op in methods.items()
    ]  # fmt: skip
    from .api import __doc__ as overview

    return render(request, viewer, "docs.html", {"operations": operations, "overview": overview, "version": spec["info"]["version"]})


def signin_redirect(request: Request, e: SignIn) -> Response:
    return redirect("/signin?" + urlencode({"after": e.after}))


__all__ = ["router", "document_context", "error_page", "redirect", "render", "signin_redirect", "with_query"]
