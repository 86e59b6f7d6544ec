"""The organ's page: its years side by side (`comparison`), reached from the queue and from a
document by the organ's printed name (`/organs?name=…`), or by its organ_id."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from ..errors import NotFound
from ..models import Number
from ..store.organs import organ_of
from .access import Viewer, page_viewer, service
from .comparison import compare
from .pages import redirect, render

router = APIRouter(include_in_schema=False)


def number(v: Number | None) -> str:
    """A value as the page prints it: a blank as a dash, a float without trailing zeros."""
    if v is None:
        return "–"
    return f"{v:g}" if isinstance(v, float) else str(v)


def change(v: Number | None) -> str:
    if v is None or v == 0:
        return ""
    return ("+" if v > 0 else "−") + number(abs(v))


@router.get("/organs")
def organ_by_name(request: Request, name: str, viewer: Viewer = Depends(page_viewer)) -> Response:
    organ = organ_of(service(request).reading().db, name)
    if organ is None:
        raise NotFound(f"no organ is printed as {name!r}")
    return redirect(f"/organs/{quote(organ, safe='')}", viewer, request)


@router.get("/organs/{organ_id}")
def organ_page(request: Request, organ_id: str, viewer: Viewer = Depends(page_viewer)) -> Response:
    comparison = compare(service(request).reading(), organ_id)
    if comparison is None:
        raise NotFound(f"no organ {organ_id}")
    return render(request, viewer, "organ.html", {"c": comparison, "number": number, "change": change})
