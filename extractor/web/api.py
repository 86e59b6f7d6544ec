"""The JSON API, under /v1. With a tokens file, every request names its person by a bearer token.

    POST /v1/extractions                     a document (multipart field `file`, or JSON {"text", "filename"} up to 4 MB),
                                             optional `strategy`: 202 with the extraction's id at once; the same
                                             document again: 200 with the first extraction
    GET  /v1/extractions/{id}?wait=30        its state (queued, running, done, failed); when done, `result`:
                                             the same JSON as `extractor extract --json`; `wait`: seconds to
                                             wait for it to finish before answering (no polling needed)
    GET  /v1/documents/{sha256}              the document's result now (corrections applied)
    GET  /v1/documents/{sha256}/cells.csv    every cell as it stands, who corrected it
    GET  /v1/documents/{sha256}/history      every extraction, run, correction and decision, with who and when
    GET  /v1/reviews                         a page of the review queue (filters: state, status, reason, organ and
                                             path (a part of them), year, template, format, method; sort: doubt,
                                             fewest, path, organ; paging: limit, after=<next>); counts per reason
    GET  /v1/reviews/{sha256}                one review: the result, its reasons, the cells' provenance, the corrections
    POST /v1/reviews/{sha256}/resolve        {"cells": {...}} to correct, or {"accept": true, "note": "..."};
                                             "version" refuses a stale decision (409, saying who changed it and when)
    GET  /healthz                            the service is up; its version, the extractions by state, how the
                                             dispatcher and its pools stand (503 when it is dead, stuck or failing)
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field, field_validator

from .. import __version__
from ..errors import BadInput
from ..models import Number
from ..store import Extraction, Extractions, Filter
from .access import api_person, service
from .errors import TooLarge, TooManyInFlight, UnsupportedFormat, refused_when_full
from .params import INT_MAX, YEAR_MAX, YEAR_MIN, cursor, in_range
from .uploads import MB, Received, json_too_large, kind_of, receive_json, receive_multipart

router = APIRouter()

_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {"type": "string", "format": "binary", "description": "The document: PDF, DOCX, HTML, text, or a scanned page (PNG, JPEG, TIFF)."},
                        "strategy": {"type": "string", "description": "rules (the default without a model endpoint), cross-check, llm-first, rules-first."},
                        "filename": {"type": "string", "description": "The name to give it (default: the file's own)."},
                    },
                }
            },
            "application/json": {
                "schema": {
                    "type": "object",
                    "description": "A text document in a JSON body of at most 4 MB (larger: 413; send it as multipart).",
                    "required": ["text"],
                    "properties": {"text": {"type": "string"}, "filename": {"type": "string"}, "strategy": {"type": "string"}},
                }
            },
        },
    }
}


def extraction_json(e: Extraction, *, new: bool | None = None) -> dict[str, Any]:
    out = e.to_dict() | {
        "links": {
            "self": f"/v1/extractions/{e.id}",
            "document": f"/v1/documents/{e.sha256}",
            "cells_csv": f"/v1/documents/{e.sha256}/cells.csv",
            "page": f"/documents/{e.sha256}",
        }
    }
    if new is not None:
        out["new"] = new
    return out


def with_result(body: dict[str, Any], result: str | None) -> Response:
    """The extraction as JSON, its result (when done) spliced in as the store holds it: the text
    of a result is never parsed and written again to answer a poll."""
    text = json.dumps(body, ensure_ascii=False)
    if result is not None:
        text = text[:-1] + ', "result": ' + result + "}"
    return Response(text, media_type="application/json")


async def accept_upload(
    request: Request, person: str, *, form_fields: tuple[str, ...] = (), check: Callable[[dict[str, str]], None] | None = None
) -> tuple[Extraction, bool]:
    """Receive a document (streamed to disk, capped), tell its format, keep it, queue its extraction.
    `form_fields`: other multipart fields to take, handed to `check` before anything is kept."""
    svc = service(request)
    settings = svc.settings
    ctype = request.headers.get("content-type", "")
    media = ctype.split(";")[0].strip().lower()
    length = request.headers.get("content-length", "")
    declared = int(length) if length.isdigit() else 0
    if media == "application/json" and declared > settings.max_json:
        raise json_too_large(settings.max_json)
    if declared > settings.max_upload + MB:  # the form's own bytes besides the file are few
        raise TooLarge(f"the upload is larger than the service's limit of {settings.max_upload // MB} MB")
    waiting = await run_in_threadpool(lambda: svc.extractions().in_flight(person))
    if waiting >= settings.max_in_flight:
        raise TooManyInFlight(
            f"{person} has {waiting} extractions waiting or being read, the most the service takes at once:"
            f" retry in {settings.retry_after} s",
            settings.retry_after,
        )
    with refused_when_full("the upload"):
        if media == "multipart/form-data":
            received = await receive_multipart(request.stream(), ctype, svc.folder, settings.max_upload, extra=form_fields)
        elif media == "application/json":
            received = await receive_json(request.stream(), svc.folder, settings.max_upload, cap=settings.max_json)
        else:
            raise UnsupportedFormat(f"a document is sent as multipart/form-data (field `file`) or as JSON text, not {media or 'no content type'}")
    if check is not None:
        try:
            check(received.fields)
        except BaseException:
            received.path.unlink(missing_ok=True)
            raise
    return await run_in_threadpool(_queue, svc, received, person)


def _queue(svc: Any, received: Received, person: str) -> tuple[Extraction, bool]:
    from ..options import available_strategies

    with svc.writing("the upload"):
        # Under the writer's lock: no other upload of the same document can count on the copy
        # placed here before its extraction is recorded, so a failure takes both back.
        try:
            fmt = kind_of(received.path, received.filename)
            strategy = received.strategy or "rules"
            if strategy not in available_strategies():
                raise BadInput(f"strategy {strategy!r} cannot run here: choose one of {', '.join(available_strategies())}")
            placed = svc.folder.keep(received)
        except BaseException:
            received.path.unlink(missing_ok=True)
            raise
        try:
            # The extraction is committed before the 202.
            extraction, new = Extractions(svc.store).accept(
                sha256=received.sha256, filename=received.filename, format=fmt, size=received.size, strategy=strategy, by=person
            )
        except BaseException:
            if placed:
                svc.folder.drop(received.sha256)
            raise
    if new:
        svc.dispatcher.wake()
    return extraction, new


@router.post("/v1/extractions", status_code=202, openapi_extra=_UPLOAD_BODY, tags=["extractions"])
async def create_extraction(request: Request, person: str = Depends(api_person)) -> JSONResponse:
    """Accept a document and queue its extraction; 202 with its id at once (200: the same document
    was posted before, and this is its first extraction)."""
    extraction, new = await accept_upload(request, person)
    body = extraction_json(extraction, new=new)
    return JSONResponse(body, status_code=202 if new else 200, headers={"Location": body["links"]["self"]})


@router.get("/v1/extractions/{id}", tags=["extractions"])
async def get_extraction(
    request: Request, id: str, person: str = Depends(api_person),  # noqa: A002 - the path's name
    wait: float = Query(0, ge=0, le=60, description="Seconds to wait for a queued or running extraction to finish."),
) -> Response:  # fmt: skip
    """The extraction's state; when done, `result`. `wait`: answer once it is done (or after so many seconds)."""
    svc = service(request)
    if wait:
        await svc.until_finished(id, wait)

    def read() -> Response:
        jobs = svc.extractions()
        e = jobs.get(id)
        return with_result(extraction_json(e), jobs.result_json(e))

    return await run_in_threadpool(read)


class Resolution(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cells: dict[str, Number | None] = Field(default_factory=dict)
    accept: bool = False
    note: str | None = None
    version: int | None = Field(default=None, ge=0, le=INT_MAX)  # the version the reviewer saw: a later change makes this a 409
    # Without a tokens file, who decides (default: the local user); with one, the token says who.
    reviewer: str | None = Field(default=None, min_length=1)

    @field_validator("cells")
    @classmethod
    def _storable(cls, cells: dict[str, Number | None]) -> dict[str, Number | None]:
        try:
            return {key: in_range(key, value) for key, value in cells.items()}
        except BadInput as e:
            raise ValueError(str(e)) from None  # said as a validation error, like the others


@router.get("/v1/reviews", tags=["reviews"])
def reviews(
    request: Request,
    person: str = Depends(api_person),
    state: Literal["open", "resolved", "all"] = "open",
    status: Literal["needs_review", "failed", "verified"] | None = None,
    reason: str | None = None,
    organ: str | None = Query(None, description="A part of the organ's name."),
    path: str | None = Query(None, description="A part of the document's path."),
    year: int | None = Query(None, ge=YEAR_MIN, le=YEAR_MAX),
    template: Literal["2019", "2021", "mixed"] | None = None,
    format: Literal["text", "markdown", "html", "docx", "pdf", "image"] | None = None,  # noqa: A002 - the query parameter's name
    method: Literal["rules", "llm"] | None = None,
    sort: Literal["doubt", "fewest", "path", "organ"] = "doubt",
    after: str | None = None,
    limit: int = Query(50, ge=1, le=500),
) -> dict[str, Any]:
    where = Filter(
        state=None if state == "all" else state, status=status, reason=reason, organ=organ or None, path=path or None,
        year=year, template=template, format=format, method=method,
    )  # fmt: skip
    store = service(request).reading()
    page = store.queue(where, after=cursor(after), limit=limit, order=sort).to_dict()
    page["reasons"] = store.reason_counts(where)
    return page


@router.get("/v1/reviews/{sha256}", tags=["reviews"])
def review(request: Request, sha256: str, person: str = Depends(api_person)) -> dict[str, Any]:
    return service(request).reading().review(sha256).to_dict()


@router.post("/v1/reviews/{sha256}/resolve", tags=["reviews"])
def resolve(request: Request, sha256: str, body: Resolution, person: str = Depends(api_person)) -> dict[str, Any]:
    svc = service(request)
    reviewer = person
    if body.reviewer is not None and body.reviewer != person:
        if not svc.people.open:
            raise BadInput(f"the token is {person}'s: a decision is made in one's own name, not {body.reviewer}'s")
        reviewer = body.reviewer
    with svc.writing() as store:
        done = store.resolve(
            sha256, cells=body.cells or None, accept=body.accept, reviewer=reviewer, note=body.note, version=body.version
        )
        return done.to_dict()


@router.get("/v1/documents/{sha256}", tags=["documents"])
def document(request: Request, sha256: str, person: str = Depends(api_person)) -> dict[str, Any]:
    return service(request).reading().current(sha256).model_dump(mode="json")


@router.get("/v1/documents/{sha256}/cells.csv", tags=["documents"])
def cells_csv(request: Request, sha256: str, person: str = Depends(api_person)) -> StreamingResponse:
    from ..export.cells_csv import cells_csv as csv_lines

    store = service(request).reading()
    current = store.current(sha256)  # NotFound for a document the store does not have
    cells = list(store.current_cells(sha256))
    name = f"{sha256[:12]}-cells.csv"
    return StreamingResponse(
        csv_lines(cells, current.template),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/v1/documents/{sha256}/history", tags=["documents"])
def history(request: Request, sha256: str, person: str = Depends(api_person)) -> dict[str, Any]:
    svc = service(request)
    store = svc.reading()
    store.current(sha256)
    return {
        "sha256": sha256,
        "paths": store.paths(sha256),
        "extractions": [e.to_dict() for e in svc.extractions().of_document(sha256)],
        "events": [e.to_dict() for e in store.events(sha256)],
        "runs": [r.to_dict() for r in store.runs() if r.id in {e.run_id for e in store.events(sha256)}],
    }


@router.get("/healthz", tags=["service"], responses={503: {"description": "The dispatcher is dead, stuck or failing: `code` and `detail` say which."}})
def healthz(request: Request) -> JSONResponse:
    """Up, its version, the extractions by state, and how the dispatcher and its pools stand:
    503 with a `code` and one line when accepted documents are not being read."""
    svc = service(request)
    status = svc.dispatcher.status()
    counts = svc.extractions().counts()
    body: dict[str, Any] = {
        "ok": True, "version": __version__, "extractions": counts,
        "dispatcher": {
            "alive": status.alive, "last_progress": _utc(status.progress), "error": status.error,
            "failing_since": _utc(status.failing_since), "queued": counts.get("queued", 0),
            "running": counts.get("running", 0), "held": status.held,
        },
        "pools": status.pools,
    }  # fmt: skip
    problem = status.problem(svc.settings.stuck_after)
    if problem is None:
        return JSONResponse(body)
    code, detail = problem
    return JSONResponse(body | {"ok": False, "code": code, "detail": detail}, status_code=503)


def _utc(seconds: float | None) -> str | None:
    if seconds is None:
        return None
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="seconds")
