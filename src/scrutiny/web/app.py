"""The web application: one FastAPI app serving the REST API, the pages and their assets.

This module owns assembly and the rules every request and response follows: security headers (a
Content-Security-Policy without inline scripts), the request size limit, the same-origin rule for
requests that change something, access by token (``tokens.py`` decides, this module enforces),
and errors as ``{"error": {"code", "message"}}`` JSON (an HTML page for browser routes) without
stack traces. Routes live in ``api.py``, ``pages.py``, ``corpus.py``, ``curation.py``,
``exports.py``, ``events.py`` and ``apidocs.py``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from scrutiny import __version__
from scrutiny.errors import IngestError, NotFound, ScrutinyError, StoreError
from scrutiny.web.deps import store_at
from scrutiny.web.jobs import JobQueue
from scrutiny.web.paths import resolve_roots
from scrutiny.web.ratelimit import RateLimit, RateLimiter, retry_after
from scrutiny.web.service import Analyse, Analyser, ApiError, Settings, error_code
from scrutiny.web.tokens import AccessPolicy, TokenStore, token_file, token_id

log = logging.getLogger("scrutiny.web")
HERE = Path(__file__).parent
API_PREFIX = "/api/"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
SESSION_COOKIE = "scrutiny_token"
# Reachable without a token: logging in, the assets of the login page, the API description.
SWAGGER_PATH = "/docs/swagger"
OPEN_PATHS = frozenset(
    {"/login", "/logout", "/docs", SWAGGER_PATH, "/openapi.json", "/favicon.ico"}
)

# No inline script or style anywhere, so injected markup could not run even if escaping failed.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
# Swagger UI is not vendored (a megabyte of JavaScript); /docs/swagger loads it from its CDN and
# says so when offline (/docs, rendered by apidocs.py, always works). Only that page, which shows
# no document text, gets these allowances.
DOCS_CDN = "https://cdn.jsdelivr.net"
DOCS_CSP = (
    f"default-src 'none'; script-src 'self' {DOCS_CDN}; style-src 'self' 'unsafe-inline' "
    f"{DOCS_CDN}; img-src 'self' data:; connect-src 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    411: "length_required",
    413: "too_large",
    415: "unsupported_format",
    422: "invalid_request",
    429: "rate_limited",
}


def create_app(
    store_location: str | Path | None = None,
    *,
    analyse: Analyse | None = None,
    public: bool = False,
    rate_limit: RateLimit | None = None,
    **limits: Any,
) -> FastAPI:
    """The app over the store at ``store_location`` (the same syntax as ``--db``).

    ``analyse`` replaces the default pipeline (tests pass a cheaper one); ``public`` lets
    anonymous visitors read (see :class:`~scrutiny.web.tokens.AccessPolicy`); ``rate_limit``
    bounds each client's requests (none by default); ``limits`` override the
    :class:`~scrutiny.web.service.Settings` bounds (``allowed_paths``: folders whose files
    clients may name, resolved here; a missing one raises ``ValueError``). The store must be a
    file: each request opens its own connection, which an in-memory database would not survive.
    """
    from scrutiny.store import MEMORY, resolve_location

    path = resolve_location(store_location)
    if path == MEMORY:
        raise StoreError("the web server needs a store on disk, not an in-memory database")
    if "allowed_paths" in limits:
        limits["allowed_paths"] = resolve_roots(limits["allowed_paths"])
    settings = Settings(store_path=path, **limits)
    app = FastAPI(
        title="scrutiny",
        version=__version__,
        description="Analyse statements, press releases and news; search what was found.",
        docs_url=None,  # served below, so that its CDN scripts get their own policy
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.analyser = Analyser(analyse)
    app.state.jobs = JobQueue(partial(store_at, path), app.state.analyser, settings)
    app.state.templates = Jinja2Templates(directory=HERE / "templates")
    policy = AccessPolicy(TokenStore(token_file(path)), public=public)
    app.state.policy = policy
    limiter = RateLimiter(rate_limit) if rate_limit is not None else None
    app.state.limiter = limiter
    _install_middleware(app, settings, policy, limiter)
    _install_error_handlers(app)
    from scrutiny.web import api, apidocs, corpus, curation, events, exports, pages

    routers = [api.router, corpus.api, curation.api, events.api, exports.api]
    routers += [pages.router, corpus.pages, curation.pages, events.pages, apidocs.pages]
    for router in routers:
        app.include_router(router)
    app.state.routes = _route_table(routers)
    app.get(SWAGGER_PATH, include_in_schema=False)(swagger_page)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    return app


def _install_middleware(
    app: FastAPI, settings: Settings, policy: AccessPolicy, limiter: RateLimiter | None
) -> None:
    @app.middleware("http")
    async def guard(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        _read_access(request, policy)
        refused = (
            _refuse_rate(request, limiter)
            or _refuse_body(request, settings)
            or _refuse_access(request)
        )
        response = refused if refused is not None else await call_next(request)
        _secure_headers(request, response)
        return response


def _refuse_body(request: Request, settings: Settings) -> Response | None:
    """An error response for a request refused before its body is read, or ``None``."""
    if request.method not in UNSAFE_METHODS:
        return None
    if not _same_origin(request):
        # The session cookie is SameSite=Strict, but open mode has no cookie to protect it:
        # without this, any web page could make a visitor's browser post to a local server.
        return _error(request, 403, "cross_origin", "cross-site requests are not accepted")
    length = request.headers.get("content-length")
    if length is None:
        if request.headers.get("transfer-encoding"):
            return _error(request, 411, "length_required", "send a Content-Length header")
        return None
    if not length.isdigit():
        return _error(request, 400, "bad_request", "invalid Content-Length header")
    if int(length) > settings.max_request_bytes:
        limit = settings.max_request_bytes
        return _error(request, 413, "too_large", f"request body is over the {limit:,} byte limit")
    return None


def _read_access(request: Request, policy: AccessPolicy) -> None:
    """Check the token (header or session cookie); record the scope for routes and pages, and
    who the client is for rate limits: its token when valid, else its address."""
    header = request.headers.get("authorization", "")
    bearer = header[7:] if header[:7].lower() == "bearer " else None
    cookie = request.cookies.get(SESSION_COOKIE)
    presented = bearer or cookie
    valid = presented is not None and policy.tokens.check(presented) is not None
    request.state.access = policy.access(presented)
    request.state.session = valid and bearer is None
    request.state.open = policy.open
    # Behind a reverse proxy every address is the proxy's: give its users tokens, or limit there.
    address = request.client.host if request.client else "unknown"
    request.state.client_key = f"token:{token_id(presented)}" if valid else f"addr:{address}"


def _refuse_rate(request: Request, limiter: RateLimiter | None) -> Response | None:
    # Assets of a page come with it and cost nothing; everything else, refused or not, counts,
    # so that a client guessing tokens is slowed like any other.
    if limiter is None or request.url.path.startswith("/static/"):
        return None
    wait = limiter.take(request.state.client_key)
    if not wait:
        return None
    response = _error(request, 429, "rate_limited", "too many requests; slow down")
    response.headers["Retry-After"] = retry_after(wait)
    return response


def _refuse_access(request: Request) -> Response | None:
    """Refuse a request its token (read by :func:`_read_access`) does not allow."""
    scope = request.state.access
    path = request.url.path
    if path in OPEN_PATHS or path.startswith("/static/"):
        return None
    if scope is None:
        if not _is_api(request) and request.method == "GET":
            query = request.url.query
            target = f"{path}?{query}" if query else path
            return RedirectResponse("/login?" + urlencode({"next": target}), status_code=303)
        response = _error(request, 401, "unauthorized", "a valid token is needed")
        response.headers["WWW-Authenticate"] = "Bearer"
        return response
    if request.method in UNSAFE_METHODS and scope != "write":
        return _error(request, 403, "read_only", "this needs a token with write access")
    return None


def _same_origin(request: Request) -> bool:
    # Browsers say where a request comes from in Sec-Fetch-Site; older ones only in Origin.
    # Clients that are not browsers (curl, scripts) send neither and are not a CSRF vector.
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site in ("same-origin", "none")
    origin = request.headers.get("origin")
    if origin is None:
        return True
    return urlsplit(origin).netloc == request.headers.get("host", "")


def _secure_headers(request: Request, response: Response) -> None:
    swagger = request.url.path == SWAGGER_PATH
    response.headers["Content-Security-Policy"] = DOCS_CSP if swagger else CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Frame-Options"] = "DENY"


def _is_api(request: Request) -> bool:
    return request.url.path.startswith(API_PREFIX) or request.url.path == "/openapi.json"


def _error(request: Request, status: int, code: str, message: str) -> Response:
    response: Response
    if _is_api(request):
        response = JSONResponse({"error": {"code": code, "message": message}}, status_code=status)
    else:
        templates: Jinja2Templates = request.app.state.templates
        context = {"status": status, "code": code, "message": message}
        response = templates.TemplateResponse(request, "error.html", context, status_code=status)
    # Errors raised past the middleware (a crash) still need the policy.
    _secure_headers(request, response)
    return response


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> Response:
        return _error(request, exc.status, exc.code, exc.message)

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> Response:
        return _error(request, 404, "not_found", str(exc))

    @app.exception_handler(StoreError)
    async def store_error(request: Request, exc: StoreError) -> Response:
        # The message of a user's mistake (a bad or ambiguous id) helps them; that of a database
        # failure names files on the server, so it goes to the log only.
        if str(exc).startswith(("ambiguous id prefix", "not a document id", "id prefix")):
            return _error(request, 400, "bad_id", str(exc))
        log.error("store error on %s: %s", request.url.path, exc)
        return _error(request, 500, "store_error", "the store could not be read or written")

    @app.exception_handler(IngestError)
    async def ingest_error(request: Request, exc: IngestError) -> Response:
        return _error(request, 422, error_code(exc), exc.reason)

    @app.exception_handler(ScrutinyError)
    async def scrutiny_error(request: Request, exc: ScrutinyError) -> Response:
        return _error(request, 500, error_code(exc), str(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        return _error(request, 422, "invalid_request", _describe(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        code = STATUS_CODES.get(exc.status_code, "error")
        response = _error(request, exc.status_code, code, str(exc.detail))
        response.headers.update(exc.headers or {})
        if exc.status_code == 405:
            response.headers["Allow"] = _allowed_methods(request)
        return response

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s", request.url.path)
        return _error(request, 500, "internal_error", "internal error")


def _allowed_methods(request: Request) -> str:
    """Every method some route takes at this path, for a 405's ``Allow`` header (RFC 9110).

    FastAPI's included routers answer 405 without one, and one path often has a route per
    method (GET and DELETE of a document), so the app keeps its own table of routes.
    """
    path = request.url.path
    routes: list[tuple[re.Pattern[str], set[str]]] = request.app.state.routes
    methods = {m for pattern, allowed in routes if pattern.match(path) for m in allowed}
    return ", ".join(sorted(methods))


def _route_table(routers: list[APIRouter]) -> list[tuple[re.Pattern[str], set[str]]]:
    # A router's routes carry its prefix already; the app includes them without another.
    return [
        (route.path_regex, set(route.methods or ()))
        for router in routers
        for route in router.routes
        if isinstance(route, APIRoute)
    ]


def _describe(exc: RequestValidationError) -> str:
    # Name the fields and what is wrong, never echo the input: it may be large or hostile.
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err.get("loc", ()) if p != "body")
        parts.append(f"{where}: {err.get('msg', 'invalid')}" if where else str(err.get("msg")))
    return "; ".join(parts) or "invalid request"


def swagger_page() -> HTMLResponse:
    """Swagger UI for /openapi.json, started by a script of ours rather than an inline one."""
    return HTMLResponse(
        "<!doctype html><html lang=en><head><meta charset=utf-8><title>scrutiny API</title>"
        f'<link rel=stylesheet href="{DOCS_CDN}/npm/swagger-ui-dist@5/swagger-ui.css"></head>'
        '<body><div id="swagger-ui"><p>The interactive documentation needs Swagger UI from '
        f"{DOCS_CDN}. Offline, read <a href=/docs>the API reference</a> or the schema at "
        "<a href=/openapi.json>/openapi.json</a>.</p></div>"
        f'<script src="{DOCS_CDN}/npm/swagger-ui-dist@5/swagger-ui-bundle.js"></script>'
        '<script src="/static/docs.js"></script></body></html>'
    )
