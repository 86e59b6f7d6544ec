"""Decisions on a filtered selection, from the queue: every one-click fix taken, or every
document accepted as printed with one note (`store.bulk`, the rules `review apply-suggestions`
follows too).

Two steps. `GET /bulk` names the selection: how many documents, which, and for each fix the
cell and the value it takes; its form carries a token of exactly those documents at those
versions. `POST /bulk` (with the session's CSRF token) decides them one by one, each
verified again and each its own events in the reviewer's name, and shows what changed. A
selection that changed since it was confirmed is refused whole (409) and named again; a
document that changed during the run is left as it is and said so, as a single decision is.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from ..errors import BadInput, ExtractorError
from ..store import bulk
from ..store.suggest import fmt
from . import filters, views
from .access import Viewer, check_csrf, page_viewer, service
from .pages import render, with_query

router = APIRouter(include_in_schema=False)
SHOWN = 200  # documents named on the confirmation page; the rest are counted


def _confirmation(
    request: Request, viewer: Viewer, chosen: filters.Chosen, action: str, problem: ExtractorError | None = None
) -> Response:
    store = service(request).reading()
    selection = bulk.select(store, chosen.where(), action, reviewer=viewer.name, order=chosen.sort)
    return render(request, viewer, "bulk.html", {
        "chosen": chosen, "carry": chosen.query(), "action": action, "selection": selection, "shown": selection.items[:SHOWN],
        "label": views.cell_label, "fmt": fmt, "with_query": with_query, "done": None, "problem": problem,
    }, status=problem.http_status if problem else 200)  # fmt: skip


@router.get("/bulk")
def confirm(request: Request, viewer: Viewer = Depends(page_viewer), action: str = "suggestions") -> Response:
    """What the action would decide, named, with the form that does it."""
    chosen = filters.chosen(request.query_params)
    return _confirmation(request, viewer, chosen, action)


@router.post("/bulk")
async def decide(
    request: Request, viewer: Viewer = Depends(page_viewer),
    csrf: str = Form(""), action: str = Form(...), token: str = Form(""), note: str = Form(""),
) -> Response:  # fmt: skip
    check_csrf(request, viewer, csrf)
    chosen = filters.chosen(request.query_params)
    svc = service(request)

    def run() -> bulk.Done:
        with svc.writing("the decisions") as store:
            selection = bulk.select(store, chosen.where(), action, reviewer=viewer.name, order=chosen.sort)
            return bulk.apply(store, bulk.confirmed(selection, token), reviewer=viewer.name, note=note.strip() or None)

    try:
        done = await run_in_threadpool(run)
    except (bulk.Stale, BadInput) as e:  # named again, to be confirmed again
        return _confirmation(request, viewer, chosen, action, problem=e)
    return render(request, viewer, "bulk.html", {
        "chosen": chosen, "carry": chosen.query(), "action": action, "done": done, "selection": None,
        "label": views.cell_label, "fmt": fmt, "with_query": with_query,
    })  # fmt: skip


__all__ = ["router"]
