"""The document page's decisions: correct cells, accept as printed, undo, reopen; and the way on
to the next (or previous) document of the reviewer's filter.

Every form posts the session's CSRF token and the review's version; a version someone else
changed since is refused with who and when (409), and nothing is overwritten. The reviewer's
filter and order come in the form's query string (`filters`) and stay in force: after a
decision the next open document of that filter opens, in that order, past documents another
reviewer holds; when none is left, the queue of that filter.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from ..errors import BadInput, Conflict, ExtractorError
from ..models import Number
from ..store import QueueItem, Store
from . import filters, params
from .access import Viewer, check_csrf, page_viewer, service
from .pages import document_context, redirect, render, with_query

router = APIRouter(include_in_schema=False)


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


def _page_error(request: Request, viewer: Viewer, sha: str, cell: str | None, e: ExtractorError, chosen: filters.Chosen) -> Response:
    context = document_context(request, sha, cell, chosen, viewer)
    context["problem"] = str(e)
    context["problem_code"] = e.code
    return render(request, viewer, "document.html", context, status=e.http_status)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


@router.post("/documents/{sha}/correct")
async def correct(request: Request, sha: str, viewer: Viewer = Depends(page_viewer)) -> Response:
    form = await request.form()
    check_csrf(request, viewer, _text(form.get("csrf")))
    chosen = filters.chosen(request.query_params)
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
    return await run_in_threadpool(_correct, request, viewer, sha, cell, version, entered, everything, note, chosen)


def _correct(
    request: Request, viewer: Viewer, sha: str, cell: str | None, version: int, entered: dict[str, str],
    everything: bool, note: str | None, chosen: filters.Chosen,
) -> Response:  # fmt: skip
    svc = service(request)
    try:
        reading = svc.reading()
        current = reading.current(sha)
        at = reading.position(sha)  # its place in the order before the decision moves it
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
        return _page_error(request, viewer, sha, cell, e, chosen)
    if done.state == "resolved":
        return _after_resolution(request, viewer, sha, at, chosen)
    return redirect(f"/documents/{sha}?" + chosen.query(saved="1", cell=cell), viewer, request)


class Decision:
    """A decision form's fields: the session's CSRF token, the review's version the page showed, a note."""

    def __init__(self, csrf: str = Form(""), version: int = Form(..., ge=0, le=params.INT_MAX), note: str = Form("")) -> None:
        self.csrf, self.version, self.note = csrf, version, note.strip()


def _decided(request: Request, viewer: Viewer, sha: str, form: Decision, decide: Callable[[Store], object]) -> ExtractorError | None:
    """`decide` with the writer, the form's CSRF token checked first; what refused it, if anything."""
    check_csrf(request, viewer, form.csrf)
    try:
        with service(request).writing() as store:
            decide(store)
    except (Conflict, BadInput) as e:
        return e
    return None


@router.post("/documents/{sha}/accept")
def accept(request: Request, sha: str, viewer: Viewer = Depends(page_viewer), form: Decision = Depends()) -> Response:
    chosen = filters.chosen(request.query_params)
    at = service(request).reading().position(sha)

    def decide(store: Store) -> None:
        if not form.note:
            raise BadInput("accepting a document as printed needs a note saying why")
        store.resolve(sha, accept=True, note=form.note, reviewer=viewer.name, version=form.version)

    refused = _decided(request, viewer, sha, form, decide)
    if refused:
        return _page_error(request, viewer, sha, None, refused, chosen)
    return _after_resolution(request, viewer, sha, at, chosen)


def _after_resolution(request: Request, viewer: Viewer, sha: str, at: QueueItem | None, chosen: filters.Chosen) -> Response:
    """After a decision, the next open document of the filter opens (its queue, when none is left)."""
    following = _following(request, viewer, sha, at, chosen, forward=True)
    if following is None:
        return redirect("/queue?" + chosen.query(resolved=sha), viewer, request)
    return redirect(f"/documents/{following}?" + chosen.query(resolved=sha), viewer, request)


def _following(
    request: Request, viewer: Viewer, sha: str, at: QueueItem | None, chosen: filters.Chosen, *, forward: bool
) -> str | None:
    """The document after (or before) `at` in the filter and its order, past those others hold."""
    store = service(request).reading()
    where = chosen.where()
    if at is None:  # no review (it verified): the filter's first
        first = store.queue(where, limit=2, order=chosen.sort, reviewer=viewer.name).items
        return next((i.sha256 for i in first if i.sha256 != sha), None)
    return store.neighbour(at, where, order=chosen.sort, forward=forward, reviewer=viewer.name)


@router.get("/documents/{sha}/next")
def next_document(request: Request, sha: str, viewer: Viewer = Depends(page_viewer)) -> Response:
    return _step(request, sha, viewer, forward=True)


@router.get("/documents/{sha}/previous")
def previous_document(request: Request, sha: str, viewer: Viewer = Depends(page_viewer)) -> Response:
    return _step(request, sha, viewer, forward=False)


def _step(request: Request, sha: str, viewer: Viewer, *, forward: bool) -> Response:
    chosen = filters.chosen(request.query_params)
    store = service(request).reading()
    sha = store.lookup(sha)
    following = _following(request, viewer, sha, store.position(sha), chosen, forward=forward)
    where = f"/documents/{following}" if following else "/queue"
    return redirect(with_query(where, chosen.query()), viewer, request)


@router.post("/documents/{sha}/undo")
def undo(request: Request, sha: str, viewer: Viewer = Depends(page_viewer), form: Decision = Depends()) -> Response:
    """Take back the latest decision on the document: its corrections withdrawn, the review open."""
    chosen = filters.chosen(request.query_params)
    refused = _decided(request, viewer, sha, form, lambda store: store.undo(sha, reviewer=viewer.name, version=form.version))
    if refused:
        return _page_error(request, viewer, sha, None, refused, chosen)
    return redirect(f"/documents/{sha}?" + chosen.query(undone="1"), viewer, request)


@router.post("/documents/{sha}/reopen")
def reopen(request: Request, sha: str, viewer: Viewer = Depends(page_viewer), form: Decision = Depends()) -> Response:
    """Open a resolved review again, its corrections kept, to look at it once more."""
    chosen = filters.chosen(request.query_params)
    refused = _decided(
        request, viewer, sha, form, lambda store: store.reopen(sha, reviewer=viewer.name, note=form.note or None, version=form.version)
    )
    if refused:
        return _page_error(request, viewer, sha, None, refused, chosen)
    return redirect(with_query(f"/documents/{sha}", chosen.query()), viewer, request)


__all__ = ["parse_value", "router"]
