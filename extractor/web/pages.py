"""The pages: sign-in, the queue, a document under review, adding a document, the API reference.

Server-rendered (Jinja2), plain HTML forms, a small script for the keyboard and no file from
anywhere else: the pages work on a network with no way out. Every form that changes anything
posts the session's CSRF token and the review's version; a version someone else changed since
is refused with who and when, and nothing is overwritten.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from verify.layout import FIELD

from ..errors import BadInput, Conflict, ExtractorError, NotFound
from ..load import LoadError
from ..models import Number
from ..store import Filter, Review
from ..store.records import ACTIONS
from . import params, views
from .access import COOKIE, SignIn, Viewer, check_csrf, page_viewer, service
from .errors import refused_when_full
from .source import PAGED, Page

router = APIRouter(include_in_schema=False)

REASONS = (
    "identity_failed", "identity_not_assessable", "cells_not_read", "ambiguous_reading", "methods_disagree",
    "table_missing", "no_table", "structure", "unreadable", "over_limit", "ocr_uncertain",
)  # fmt: skip
STATUSES = ("needs_review", "failed", "verified")
TEMPLATES = ("2019", "2021", "mixed")
FORMATS = ("text", "markdown", "html", "docx", "pdf", "image")
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


def _filter(state: str, status: str | None, reason: str | None, organ: str | None, year: str | None, template: str | None, fmt: str | None) -> Filter:
    def pick(value: str | None, allowed: tuple[str, ...], what: str) -> str | None:
        if not value:
            return None
        if value not in allowed:
            raise BadInput(f"unknown {what} {value!r}")
        return value

    return Filter(
        state=None if state == "all" else pick(state, ("open", "resolved"), "state") or "open",  # type: ignore[arg-type]
        status=pick(status, STATUSES, "status"), reason=reason or None, organ=(organ or "").strip() or None,
        year=params.year(year), template=pick(template, TEMPLATES, "template"), format=pick(fmt, FORMATS, "format"),
    )  # fmt: skip


@router.get("/")
def home() -> Response:
    return redirect("/queue")


@router.get("/queue")
def queue_page(
    request: Request,
    viewer: Viewer = Depends(page_viewer),
    state: str = "open",
    status: str | None = None,
    reason: str | None = None,
    organ: str | None = None,
    year: str | None = None,
    template: str | None = None,
    format: str | None = None,  # noqa: A002 - the query parameter's name
    after: str | None = None,
) -> Response:
    where = _filter(state, status, reason, organ, year, template, format)
    store = service(request).reading()
    page = store.queue(where, after=params.cursor(after), limit=PAGE_SIZE)
    chosen = {"state": state, "status": status, "reason": reason, "organ": organ, "year": year, "template": template, "format": format}
    chosen = {k: v for k, v in chosen.items() if v}
    counts = store.reason_counts(where)
    return render(request, viewer, "queue.html", {
        "page": page, "counts": counts, "chosen": chosen, "where": where,
        "next_url": "/queue?" + urlencode({**chosen, "after": page.next}) if page.next else None,
        "first_url": "/queue?" + urlencode(chosen) if after else None,
        "reason_url": lambda code: "/queue?" + urlencode({**{k: v for k, v in chosen.items() if k != "reason"}, "reason": code}),
        "reasons": sorted(set(REASONS) | set(counts)), "statuses": STATUSES, "templates": TEMPLATES, "formats": FORMATS,
    })  # fmt: skip


# --- a document ---------------------------------------------------------------------------------


def _review_or_none(store: Any, sha: str) -> Review | None:
    try:
        return store.review(sha)
    except NotFound:
        store.current(sha)  # a document with no review (it verified) still has a page
        return None


def _next_open(store: Any, sha: str | None, doubt: int | None) -> str | None:
    """The next open document in the queue's order after this one (the first, past the end)."""
    if sha is not None and doubt is not None:
        page = store.queue(Filter(), after=f"{doubt}:{sha}", limit=1)
        if page.items:
            return page.items[0].sha256
    page = store.queue(Filter(), limit=2)
    return next((i.sha256 for i in page.items if i.sha256 != sha), None)


def _document_context(request: Request, sha: str, cell: str | None) -> dict[str, Any]:
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
    history = list(store.events(sha))
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
        "next_document": _next_open(store, sha, len(review.questioned) if review and open_ else None),
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
    saved: int = Query(0, ge=0, le=1), resolved: str | None = None,
) -> Response:  # fmt: skip
    context = _document_context(request, sha, cell)
    context["saved"] = bool(saved)
    context["resolved_before"] = _resolved(request, resolved)
    return render(request, viewer, "document.html", context)


def _resolved(request: Request, sha: str | None) -> Review | None:
    if not sha:
        return None
    try:
        return service(request).reading().review(sha)
    except (NotFound, BadInput):
        return None


def parse_value(text: str, key: str) -> Number | None:
    """A reviewer's entry: empty for a blank; digits with or without thousands separators."""
    t = text.strip().replace(",", "").replace("，", "").replace(" ", "")
    if t == "":
        return None
    try:
        return params.in_range(key, int(t))
    except ValueError:
        try:
            return float(t)
        except ValueError:
            raise BadInput(f"{key}: not a number: {text!r} (leave it empty for a blank)") from None


def _page_error(request: Request, viewer: Viewer, sha: str, cell: str | None, e: ExtractorError) -> Response:
    context = _document_context(request, sha, cell)
    context["problem"] = str(e)
    context["problem_code"] = e.code
    return render(request, viewer, "document.html", context, status=e.http_status)


@router.post("/documents/{sha}/correct")
async def correct(request: Request, sha: str, viewer: Viewer = Depends(page_viewer)) -> Response:
    form = await request.form()
    check_csrf(request, viewer, _text(form.get("csrf")))
    cell = _text(form.get("cell")) or None
    try:
        version = int(_text(form.get("version")))
    except ValueError:
        raise BadInput("the form has no review version: reload the page") from None
    if not 0 <= version <= params.INT_MAX:
        raise BadInput("the form's review version is not one the service gave: reload the page")
    everything = _text(form.get("choice")) == "1"  # a one-click choice: its values, even those unchanged
    note = _text(form.get("note")).strip() or None
    entered = {k.removeprefix("cell:"): _text(v) for k, v in form.multi_items() if k.startswith("cell:")}
    return await run_in_threadpool(_correct, request, viewer, sha, cell, version, entered, everything, note)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _correct(
    request: Request, viewer: Viewer, sha: str, cell: str | None, version: int, entered: dict[str, str],
    everything: bool, note: str | None,
) -> Response:  # fmt: skip
    svc = service(request)
    try:
        current = svc.reading().current(sha)
        cells: dict[str, Number | None] = {}
        for key, text in entered.items():
            value = parse_value(text, key)
            if everything or key not in current.cells or value != current.cells.get(key):
                cells[key] = value
        if not cells:
            raise BadInput("nothing changed: edit a cell first (or accept the document as printed)")
        with svc.writing() as store:
            done = store.resolve(sha, cells=cells, reviewer=viewer.name, note=note, version=version)
    except (Conflict, BadInput) as e:
        return _page_error(request, viewer, sha, cell, e)
    if done.state == "resolved":
        return _after_resolution(request, viewer, sha, len(done.questioned))
    return redirect(f"/documents/{sha}?" + urlencode({"saved": 1, **({"cell": cell} if cell else {})}), viewer, request)


@router.post("/documents/{sha}/accept")
def accept(
    request: Request, sha: str, viewer: Viewer = Depends(page_viewer),
    csrf: str = Form(""), version: int = Form(..., ge=0, le=params.INT_MAX), note: str = Form(""),
) -> Response:  # fmt: skip
    check_csrf(request, viewer, csrf)
    svc = service(request)
    try:
        if not note.strip():
            raise BadInput("accepting a document as printed needs a note saying why")
        with svc.writing() as store:
            done = store.resolve(sha, accept=True, note=note.strip(), reviewer=viewer.name, version=version)
    except (Conflict, BadInput) as e:
        return _page_error(request, viewer, sha, None, e)
    return _after_resolution(request, viewer, sha, len(done.questioned))


def _after_resolution(request: Request, viewer: Viewer, sha: str, doubt: int) -> Response:
    """After a decision, the next open document opens (the queue, when none is left)."""
    following = _next_open(service(request).reading(), sha, doubt)
    if following is None:
        return redirect("/queue?" + urlencode({"resolved": sha}), viewer, request)
    return redirect(f"/documents/{following}?" + urlencode({"resolved": sha}), viewer, request)


@router.get("/documents/{sha}/next")
def next_document(request: Request, sha: str, viewer: Viewer = Depends(page_viewer)) -> Response:
    store = service(request).reading()
    review = _review_or_none(store, store.lookup(sha))
    doubt = len(review.questioned) if review and review.state == "open" else None
    following = _next_open(store, review.sha256 if review else sha, doubt)
    return redirect(f"/documents/{following}" if following else "/queue", viewer, request)


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


__all__ = ["router", "error_page", "signin_redirect", "parse_value"]
