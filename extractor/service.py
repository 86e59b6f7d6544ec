"""The HTTP service: the same pipeline and review queue as the CLI, over HTTP.

    extractor serve --db results.sqlite --port 8000

    POST /extract                   multipart upload, field "files" (one or more): a Result per file
    GET  /reviews?state=open        a page of the review queue (filters: status, reason, organ,
                                    year, template, format; paging: limit, after=<next of the last page>)
    GET  /reviews/{sha256}          one review: the result, the reasons, the cells' provenance, the corrections
    POST /reviews/{sha256}/resolve  {"cells": {...}, "reviewer": "li"} to correct, or {"accept": true,
                                    "note": "...", "reviewer": "li"}; "version" refuses a stale decision (409)
    GET  /health

Uploads are processed in memory; each file gets its own result, so a bad file never fails the
request for the others. Results are stored and queued when a database is configured. Errors
are JSON: {"detail": "one line", "code": "not_found" | "conflict" | "bad_input" | ...}.
"""

from __future__ import annotations

from typing import Literal

from fastapi import FastAPI, File, HTTPException, Query, Request, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from . import __version__
from .errors import ExtractorError
from .models import Number, Result
from .options import RULES_ONLY
from .pipeline import extract_bytes
from .store import Filter, Store


class Resolution(BaseModel):
    reviewer: str = Field(min_length=1)
    cells: dict[str, Number | None] = Field(default_factory=dict)
    accept: bool = False
    note: str | None = None
    version: int | None = None  # the version the reviewer saw: a later change makes this a 409


def create_app(store: Store | None = None) -> FastAPI:
    app = FastAPI(title="extractor", version=__version__, description=__doc__)

    @app.exception_handler(ExtractorError)
    def extractor_error(request: Request, e: ExtractorError) -> JSONResponse:
        return JSONResponse({"detail": str(e), "code": e.code}, status_code=e.http_status)

    @app.get("/health")
    def health() -> dict:
        return {"ok": True, "version": __version__, "store": store is not None}

    @app.post("/extract", response_model=list[Result])
    def extract(files: list[UploadFile] = File(...)) -> list[Result]:  # noqa: B008 - FastAPI declares parameters this way
        results = []
        for upload in files:
            result = extract_bytes(upload.filename or "upload", upload.file.read())
            if store is not None:
                store.add(result, RULES_ONLY.fingerprint)
            results.append(result)
        return results

    def _store() -> Store:
        if store is None:
            raise HTTPException(404, "no review queue: the service runs without a database (--db)")
        return store

    @app.get("/reviews")
    def reviews(
        state: Literal["open", "resolved", "all"] = "open",
        status: str | None = None,
        reason: str | None = None,
        organ: str | None = None,
        year: int | None = None,
        template: str | None = None,
        format: str | None = None,  # noqa: A002 - the query parameter's name
        after: str | None = None,
        limit: int = Query(50, ge=1, le=500),
    ) -> dict:
        where = Filter(
            state=None if state == "all" else state,
            status=status, reason=reason, organ=organ, year=year, template=template, format=format,
        )  # fmt: skip
        return _store().queue(where, after=after, limit=limit).to_dict()

    @app.get("/reviews/{sha256}")
    def review(sha256: str) -> dict:
        return _store().review(sha256).to_dict()

    @app.post("/reviews/{sha256}/resolve")
    def resolve(sha256: str, body: Resolution) -> dict:
        done = _store().resolve(
            sha256, cells=body.cells or None, accept=body.accept, reviewer=body.reviewer, note=body.note,
            version=body.version,
        )  # fmt: skip
        return done.to_dict()

    return app
