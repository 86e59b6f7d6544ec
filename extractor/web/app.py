"""The service's app: the API under /v1, the pages at /, one store, one background pool.

    extractor serve --data ./extractor-data                      # one local user, on loopback
    extractor serve --data /srv/extractor --tokens people.txt --host 0.0.0.0

Every error is JSON `{"detail": "one line", "code": "..."}` with a stable code, mapped from the
error's type (`ExtractorError.code`, `http_status`): bad_input 422, unauthorized 401,
forbidden 403 (cross_origin: a change asked for by another site's page), not_found 404,
conflict 409, too_large 413, unsupported_format 415, too_many_in_flight 429 (with Retry-After),
unavailable 503, disk_full 507. A page shows the same as a page.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from functools import partial
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware

from .. import __version__
from ..batch.pool import Pool
from ..errors import BadInput, ExtractorError
from ..load.archive import Origin
from ..options import Options, options_for
from ..store import Extractions, Store
from .errors import DiskFull, disk_full, refused_when_full, settle
from .guard import SECURITY_HEADERS, Guard
from .people import Sessions
from .settings import Settings
from .finder import Wanted, places_of_paths
from .source_pool import SourcePool
from .uploads import Folder
from .worker import Dispatcher, PoolFor

logger = logging.getLogger(__name__)
HERE = Path(__file__).parent
UPLOADS = frozenset({"/v1/extractions", "/add"})  # the routes that take a document, under their own caps
_HTTP_CODES = {400: "bad_input", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed", 413: "too_large", 415: "unsupported_format"}


class Service:
    """What the routes share: the settings, the store (one writer, a reader per thread), the
    data folder, the sessions and the background pool."""

    def __init__(self, settings: Settings, pool: PoolFor | None = None) -> None:
        self.settings = settings
        self.folder = Folder(settings.data)
        self.store = Store(settings.db)  # the writer: results from the pool, people's decisions
        self.people = settings.people
        self.sessions = Sessions(Sessions.key_in(settings.data), settings.people, revoked=settings.data / "sessions.revoked")
        self.dispatcher = Dispatcher(
            self.store, pool or self._processes, self.document_path, finished=self._finished,
            options=partial(options_for, limits=settings.limits),
        )  # fmt: skip
        self.sources = SourcePool(settings.limits)  # excerpts and pictures, drawn in a worker, never here
        self._readers = threading.local()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._waiting: dict[str, list[asyncio.Future]] = {}

    def _processes(self, options: Options) -> Pool:
        from ..batch import Processes

        return Processes(options, self.settings.workers, store=str(self.settings.db))

    def document_path(self, sha256: str) -> str:
        return str(self.folder.document(sha256))

    def wanted(self, sha256: str) -> Wanted:
        """Every place a document's bytes may be: the service's own copy of an upload, where the
        runs that read it saw it (or, for a store from before they said, the paths it was seen
        under), and the roots it was told to look under (`web.finder`)."""
        store = self.reading()
        own = self.folder.document(sha256)
        places = ((Origin(str(own), relative=own.name),) if own.is_file() else ()) + tuple(store.sources(sha256))
        if len(places) == int(own.is_file()):
            places += places_of_paths(store.paths(sha256))
        return Wanted(sha256, places, tuple(str(root) for root in self.settings.sources))

    def reading(self) -> Store:
        """This thread's own connection for reading: reads never wait for the writer (WAL)."""
        store = getattr(self._readers, "store", None)
        if store is None:
            store = self._readers.store = Store(self.settings.db, create=False)
        return store

    def extractions(self) -> Extractions:
        return Extractions(self.reading())

    @contextmanager
    def writing(self, what: str = "the change") -> Iterator[Store]:
        """The writer, held for a decision and the reading of its outcome, so the background
        pool's writes never fall between the two. A full disk is `DiskFull`, naming `what`."""
        with refused_when_full(what), self.store._lock:
            try:
                yield self.store
            except Exception:
                settle(self.store)
                raise

    async def until_finished(self, id: str, seconds: float) -> None:  # noqa: A002 - the extraction's
        """Wait until the background pool finishes this extraction, or `seconds` pass: a client
        asking with ?wait= is answered when there is something to say, without polling."""
        future = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(id, []).append(future)
        try:
            from fastapi.concurrency import run_in_threadpool

            if (await run_in_threadpool(lambda: self.extractions().get(id))).state in ("queued", "running"):
                await asyncio.wait_for(asyncio.shield(future), seconds)
        except TimeoutError:
            pass
        finally:
            waiting = self._waiting.get(id, [])
            if future in waiting:
                waiting.remove(future)
            if not waiting:
                self._waiting.pop(id, None)

    def _finished(self, id: str) -> None:  # noqa: A002 - the extraction's
        """From the pool's thread: wake whoever waits for this extraction."""
        if self._loop is not None and id in self._waiting:
            self._loop.call_soon_threadsafe(self._wake, id)

    def _wake(self, id: str) -> None:  # noqa: A002 - the extraction's
        for future in self._waiting.get(id, []):
            if not future.done():
                future.set_result(None)

    def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self.dispatcher.start()

    def stop(self) -> None:
        self.dispatcher.stop()
        self.sources.close()
        self.store.close()


def create_app(settings: Settings, *, pool: PoolFor | None = None, hosts: list[str] | None = None) -> FastAPI:
    """The app; `pool`: the batch pool a strategy's documents are read in, made from its options
    (default: `settings.workers` worker processes, `batch.Processes`); `hosts`: the
    Host headers taken (default: any with a tokens file, the loopback names without one, so a
    page of another site cannot reach the local user's service through its own name)."""
    service = Service(settings, pool)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        service.start()
        try:
            yield
        finally:
            service.stop()

    app = FastAPI(
        title="extractor", version=__version__, description=__doc__, lifespan=lifespan,
        docs_url=None, redoc_url=None,  # their pages load scripts from a CDN: /docs is served here instead
    )  # fmt: skip
    app.state.service = service
    app.state.templates = Jinja2Templates(directory=HERE / "templates")
    if hosts is None and settings.people.open:
        hosts = ["localhost", "127.0.0.1", "::1", "[::1]"]
    if hosts:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=hosts)
    # Added last, so outermost: its headers are on the host check's refusals too.
    app.add_middleware(Guard, timeout=settings.body_timeout, min_rate=settings.body_min_rate, uploads=UPLOADS)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    from .api import router as api
    from .bulk import router as bulk
    from .decide import router as decide
    from .organs import router as organs
    from .pages import router as pages

    app.include_router(api)
    app.include_router(pages)
    app.include_router(decide)
    app.include_router(bulk)
    app.include_router(organs)
    _errors(app)
    return app


def _is_page(request: Request) -> bool:
    path = request.url.path
    return not (path.startswith("/v1/") or path in ("/healthz", "/openapi.json"))


def answer(request: Request, e: ExtractorError) -> Response:
    """An error as the service says it: one line and a code, as JSON, or as a page for a page."""
    headers = {}
    if getattr(e, "retry_after", None):
        headers["Retry-After"] = str(e.retry_after)  # type: ignore[attr-defined]
    if e.http_status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    if _is_page(request):
        from .pages import error_page

        return error_page(request, e.http_status, str(e), e.code)
    return JSONResponse({"detail": str(e), "code": e.code}, status_code=e.http_status, headers=headers)


def _internal(request: Request, e: Exception) -> Response:
    logger.exception("internal error on %s", request.url.path, exc_info=e)
    detail = f"internal error ({type(e).__name__}); please report it"
    if _is_page(request):
        from .pages import error_page

        response: Response = error_page(request, 500, detail, "internal")
    else:
        response = JSONResponse({"detail": detail, "code": "internal"}, status_code=500)
    # Answered outside every middleware (Starlette's last resort): the headers are said here.
    response.headers.update(SECURITY_HEADERS)
    return response


def _errors(app: FastAPI) -> None:
    from .access import SignIn
    from .pages import error_page, signin_redirect

    app.add_exception_handler(SignIn, signin_redirect)  # type: ignore[arg-type]
    app.add_exception_handler(ExtractorError, answer)  # type: ignore[arg-type]

    @app.exception_handler(RequestValidationError)
    def invalid(request: Request, e: RequestValidationError) -> Response:
        problems = []
        for err in e.errors()[:5]:
            where = ".".join(str(p) for p in err.get("loc", ()) if p != "body")
            problems.append(f"{where}: {err.get('msg')}" if where else str(err.get("msg")))
        detail = "; ".join(problems) or "the request does not fit"
        if _is_page(request):
            return error_page(request, 422, detail, "bad_input")
        return JSONResponse({"detail": detail, "code": "bad_input"}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    def http_error(request: Request, e: StarletteHTTPException) -> Response:
        code = getattr(e, "code", None) or _HTTP_CODES.get(e.status_code, "error")
        detail = e.detail if isinstance(e.detail, str) else "error"
        if _is_page(request):
            return error_page(request, e.status_code, detail, code)
        return JSONResponse({"detail": detail, "code": code}, status_code=e.status_code, headers=e.headers)

    def fault(request: Request, e: Exception) -> Response:
        """A full disk anywhere is 507 and one line; any other fault of the system, a 500."""
        if disk_full(e):
            return answer(request, DiskFull("the disk is full: nothing was changed; free some space and try again"))
        return _internal(request, e)

    app.add_exception_handler(OSError, fault)
    app.add_exception_handler(sqlite3.Error, fault)

    @app.exception_handler(OverflowError)
    def overflow(request: Request, e: OverflowError) -> Response:
        # A number past what the store holds, wherever a route's declarations let one through.
        return answer(request, BadInput(f"a number is out of range ({e})"))

    app.add_exception_handler(Exception, _internal)


__all__ = ["Service", "create_app"]
