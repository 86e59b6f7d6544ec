"""The HTTP service: the same pipeline and review queue as the CLI, over HTTP.

    extractor serve --db results.sqlite --port 8000

    POST /extract                 multipart upload, field "files" (one or more): a Result per file
    GET  /reviews?state=open      the review queue
    GET  /reviews/{id}            one review: the result, the reasons, the cells' provenance
    POST /reviews/{id}/resolve    {"cells": {...}} to correct, or {"accept": true} to accept as printed
    GET  /health

Uploads are processed in memory; each file gets its own result, so a bad file never fails the
request for the others. Results are stored and queued when a database is configured.
"""

from __future__ import annotations

from typing import Union

from fastapi import FastAPI, File, HTTPException, UploadFile
from pydantic import BaseModel, Field

from . import __version__
from .models import Result
from .pipeline import extract_bytes
from .store import ReviewError, Store

Number = Union[int, float]


class Resolution(BaseModel):
    cells: dict[str, Number | None] = Field(default_factory=dict)
    accept: bool = False
    reviewer: str | None = None
    note: str | None = None


def create_app(store: Store | None = None) -> FastAPI:
    app = FastAPI(title="extractor", version=__version__, description=__doc__)

    @app.get("/health")
    def health() -> dict:
        return {"ok": True, "version": __version__, "store": store is not None}

    @app.post("/extract", response_model=list[Result])
    def extract(files: list[UploadFile] = File(...)) -> list[Result]:  # noqa: B008 - FastAPI declares parameters this way
        results = []
        for upload in files:
            result = extract_bytes(upload.filename or "upload", upload.file.read())
            if store is not None:
                store.add(result)
            results.append(result)
        return results

    def _store() -> Store:
        if store is None:
            raise HTTPException(404, "no review queue: the service runs without a database (--db)")
        return store

    @app.get("/reviews")
    def reviews(state: str | None = None) -> list[dict]:
        if state not in (None, "open", "resolved"):
            raise HTTPException(422, "state must be 'open' or 'resolved'")
        return [_summary(r) for r in _store().reviews(state)]  # type: ignore[arg-type]

    @app.get("/reviews/{review_id}")
    def review(review_id: int) -> dict:
        try:
            return _store().review(review_id).to_dict()
        except ReviewError as e:
            raise HTTPException(404, str(e)) from None

    @app.post("/reviews/{review_id}/resolve")
    def resolve(review_id: int, body: Resolution) -> dict:
        try:
            done = _store().resolve(
                review_id, cells=body.cells or None, accept=body.accept, reviewer=body.reviewer, note=body.note
            )
        except ReviewError as e:
            status = 404 if str(e).startswith("no review") else 409
            raise HTTPException(status, str(e)) from None
        return done.to_dict()

    return app


def _summary(review) -> dict:
    d = review.to_dict()
    return {k: d[k] for k in ("id", "state", "resolution", "path", "status", "reasons", "opened_at", "resolved_at")}
