"""The FastAPI application: the JSON API under /api, the pages everywhere else, one story layer.

    app = create_app("dugout.db", token=os.environ.get("DUGOUT_TOKEN"), private=False)

The store is opened once per app (its engine pools connections); the
extractor, whose language model is heavy, is created on the first write and
then shared. Errors are JSON under /api (`{"error": ..., "status": ...}`) and
an HTML page elsewhere, never a traceback.
"""

from __future__ import annotations

import logging
import threading
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.routing import Match, Mount

from dugout.store import Store, StoreError

from .security import MAX_BODY, BodyLimit, SecurityHeaders, check_read
from .templates import render

log = logging.getLogger("dugout.web")
HERE = Path(__file__).resolve().parent


@dataclass
class Settings:
    db: str | None
    token: str | None
    private: bool
    allow_private: bool = False
    max_body: int = MAX_BODY


class Extractors:
    """The extractor, created once on first use (loading the model takes seconds) and shared."""

    def __init__(self, extractor: Any = None) -> None:
        self._lock = threading.Lock()
        self._extractor: Any = extractor
        self.run_lock = threading.Lock()  # one report at a time through the model

    def get(self) -> Any:
        with self._lock:
            if self._extractor is None:
                from dugout.extract.pipeline import Extractor
                from dugout.nlp.pipeline import load_nlp

                load_nlp()
                self._extractor = Extractor()
            return self._extractor


def get_store(request: Request) -> Store:
    """Dependency: the app's store."""
    return request.app.state.store


def wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith("/api") or path == "/openapi.json"


def _error(request: Request, status: int, message: str, headers: dict[str, str] | None = None, **extra: Any):
    if wants_json(request):
        return JSONResponse(
            {"error": message, "status": status, **extra}, status_code=status, headers=headers
        )
    html = render(request, "error.html", status=status, message=message, title=f"Error {status}")
    return HTMLResponse(html, status_code=status, headers=headers)


def _validation_message(errors: list[dict[str, Any]]) -> str:
    parts = []
    for e in errors:
        where = ".".join(str(x) for x in e.get("loc", ()) if x not in ("query", "path", "body"))
        msg = str(e.get("msg", "invalid")).removeprefix("Value error, ")
        parts.append(f"{where}: {msg}" if where else msg)
    return "invalid request: " + "; ".join(parts)


METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def allowed_methods(request: Request) -> list[str]:
    """Every method some route answers at this path: a path may have one route per method, and
    routers nest, so each method is tried against the routes as the router would match it."""
    methods = {"OPTIONS"}
    for route in request.app.router.routes:
        if isinstance(route, Mount):  # static files
            if route.matches(request.scope)[0] is not Match.NONE:
                methods |= {"GET", "HEAD"}
            continue
        for method in METHODS:
            if route.matches({**request.scope, "method": method})[0] is Match.FULL:
                methods.add(method)
    return sorted(methods)


def wrong_method(request: Request, exc: StarletteHTTPException) -> Response:
    """405 for a method no route of the path answers, with `Allow` listing all of theirs (Starlette
    names only the first route's); OPTIONS is answered with that list and 204."""
    allow = ", ".join(allowed_methods(request))
    if request.method == "OPTIONS":
        return Response(status_code=204, headers={"Allow": allow})
    return _error(request, 405, str(exc.detail), {"Allow": allow})


def create_app(
    db: str | None,
    token: str | None,
    private: bool,
    *,
    allow_private: bool = False,
    max_body: int = MAX_BODY,
    allowed_hosts: list[str] | None = None,
    extractor: Any = None,
) -> FastAPI:
    """The dugout web application over the store `db` (path, URL or None for the default).

    `token` enables writes (bearer) and, with `private`, guards reads too;
    `allow_private` lets POST /api/articles fetch from private network addresses;
    `allowed_hosts` (Host header values) turns away requests for other names, which
    stops DNS-rebinding pages from reading a server bound to loopback; `extractor` (anything with
    `Extractor.run`'s signature, such as `AnnotatedClaims`) replaces the shipped model's.
    Raises StoreError when the database cannot be opened, ValueError when
    `private` is asked without a token.
    """
    if private and not token:
        raise ValueError("a private server needs a token: set DUGOUT_TOKEN")
    settings = Settings(db, token or None, private, allow_private, max_body)
    store = Store.open(db)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        try:
            yield
        finally:
            store.close()

    app = FastAPI(
        title="dugout",
        summary="Football news claims with sources, and where each story stands.",
        description=(
            "Reads are open unless the server is private; writes need `Authorization: Bearer "
            '<DUGOUT_TOKEN>`. Errors are `{"error": message, "status": code}`. Lists take `limit` '
            "and `offset` and give the `next` page's URL."
        ),
        version="1",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.store = store
    app.state.extractors = Extractors(extractor)
    app.state.cache = {}

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        if exc.status_code == 405:
            return wrong_method(request, exc)
        return _error(request, exc.status_code, str(exc.detail), getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        errors = [{k: v for k, v in e.items() if k in ("loc", "msg", "type")} for e in exc.errors()]
        status = 422 if wants_json(request) else 400
        return _error(request, status, _validation_message(errors), details=errors)

    @app.exception_handler(StoreError)
    async def store_error(request: Request, exc: StoreError):
        log.error("store error: %s", exc)
        return _error(request, 503, f"database unavailable: {exc}")

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception):
        log.exception("unhandled error on %s", request.url.path)
        return _error(request, 500, "internal error: the server log has the details")

    from . import alerts, api, pages

    # before the pages: /stories/{name:path} would otherwise take /stories/NAME/alerts.atom
    app.include_router(alerts.router, dependencies=[Depends(check_read)])
    app.include_router(api.router, dependencies=[Depends(check_read)])
    app.include_router(pages.router, dependencies=[Depends(check_read)])
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.get("/openapi.json", include_in_schema=False, dependencies=[Depends(check_read)])
    def openapi() -> Response:
        return JSONResponse(app.openapi())

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response(status_code=204)

    app.add_middleware(BodyLimit, limit=max_body)
    if allowed_hosts:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts)
    app.add_middleware(SecurityHeaders, private=private)
    return app
