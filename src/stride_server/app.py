"""create_app(): the routers, the middleware and the one error handler."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import hmac
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from stride_server import __version__
from stride_server.config import IN_PROCESS_WORKER, get_settings
from stride_server.core.idempotency import IDEMPOTENCY_KEY_PARAMETER, IdempotencyMiddleware
from stride_server.core.middleware import RequestMiddleware
from stride_server.core.problems import (
    BadRequest,
    MethodNotAllowed,
    NotFound,
    ServiceUnavailable,
    StrideError,
    Unauthorized,
    Unprocessable,
)
from stride_server.core.responses import dumps, json_response
from stride_server.db.engine import DATABASE_ERRORS, create_engine, is_database_unavailable
from stride_server.db.reads import create_read_pool
from stride_server.db.rows import is_retryable_conflict
from stride_server.edm.registry import DOMAINS

log = logging.getLogger("stride")


def problem_response(error: StrideError, request: Request) -> Response:
    request_id = getattr(request.state, "request_id", None) or request.scope.get("state", {}).get(
        "request_id"
    )
    return Response(
        dumps(error.problem(request_id)),
        status_code=error.status,
        headers=error.headers,
        media_type="application/problem+json",
    )


def require_bearer(request: Request, token: str) -> None:
    """CONTRACT §6: "`GET /metrics` (Prometheus; when `STRIDE_METRICS_TOKEN` is set, only with that bearer
    token)". Compared in constant time, so the answer's timing tells nothing about the token."""
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
        raise Unauthorized("GET /metrics needs the metrics bearer token (STRIDE_METRICS_TOKEN).")


def _location(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc[1:]) or str(loc[0])


def _validation_problem(exc: RequestValidationError) -> StrideError:
    errors = []
    in_body = True
    for err in exc.errors():
        loc = tuple(err.get("loc", ()))
        in_body = in_body and bool(loc) and loc[0] == "body"
        message = "unknown field" if err.get("type") == "extra_forbidden" else str(err.get("msg", "invalid"))
        if err.get("type") == "json_invalid":
            message = f"malformed JSON: {err.get('ctx', {}).get('error', '')}"
        errors.append({"field": _location(loc), "message": message})
    detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5])
    if not in_body:
        return BadRequest(detail or "Invalid request parameters.", errors=errors)
    return Unprocessable(detail or "Invalid body.", errors=errors)


def _allowed_methods(request: Request) -> str:
    """RFC 9110 `Allow` for a 405: the methods of every route on this path (Starlette names only the
    first route's, and each operation of a Data API collection is a route of its own)."""
    routes = request.app.router.routes
    return ", ".join(
        method
        for method in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
        if any(route.matches({**request.scope, "method": method})[0] == Match.FULL for route in routes)
    )


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(StrideError)
    async def stride_error(request: Request, exc: StrideError) -> Response:
        return problem_response(exc, request)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        return problem_response(_validation_problem(exc), request)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        error: StrideError
        if exc.status_code == 404:
            error = NotFound("No such path.")
        elif exc.status_code == 405:
            error = MethodNotAllowed(
                f"{request.method} is not offered on {request.url.path}.",
                headers={"Allow": _allowed_methods(request)},
            )
        else:
            error = StrideError(str(exc.detail))
            error.status, error.slug = exc.status_code, "http"
        return problem_response(error, request)

    async def database_error(request: Request, exc: Exception) -> Response:
        """Outages are answered here, inside the app (request id header, access log, no traceback);
        any other database error goes on to `unexpected` as the bug it is."""
        if is_retryable_conflict(exc):  # a deadlock or serialization failure PostgreSQL broke: retry
            log.warning("transaction conflict: %s", exc.__class__.__name__)
            return problem_response(
                ServiceUnavailable(
                    "The write collided with a concurrent one and was rolled back; retry it.",
                    headers={"Retry-After": "1"},
                ),
                request,
            )
        if not is_database_unavailable(exc):
            raise exc
        log.warning("database unavailable: %s", exc.__class__.__name__)
        return problem_response(ServiceUnavailable(), request)

    for family in DATABASE_ERRORS:
        app.add_exception_handler(family, database_error)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        if is_database_unavailable(exc):
            log.warning("database unavailable: %s", exc.__class__.__name__)
            return problem_response(ServiceUnavailable(), request)
        log.exception("unhandled error")
        return problem_response(StrideError("An unexpected error occurred; it has been logged."), request)


def openapi_tags() -> list[dict[str, str]]:
    """Every tag an operation carries, declared once with its description: the Data API's domains
    from the registry (the Performance reviews API shares `performance`), then the rest of the API."""
    reviews = (
        " Also the Performance reviews API under /api/performance: review templates, cycles, reviews "
        "with KPI ratings and goals, 360 feedback."
    )
    return [
        *(
            {"name": name, "description": description + (reviews if name == "performance" else "")}
            for name, (_title, description) in DOMAINS.items()
        ),
        {
            "name": "directory",
            "description": "People, groups (squads, departments, teams, cohorts), "
            "memberships and the people import.",
        },
        {
            "name": "platform",
            "description": "Applications (integrations), their API keys, the tenant's settings, "
            "events, webhook endpoints and their deliveries, and reminders.",
        },
        {"name": "auth", "description": "The exchange of an application's API key for a JWT."},
        {
            "name": "discovery",
            "description": "The public manifest of the Data API's domains, entities and fields.",
        },
    ]


# Relative: the document describes the server that serves it, whatever its host (§6).
OPENAPI_SERVERS = [{"url": "/", "description": "The server this document was fetched from."}]
# https://stride.dev is the namespace of the problem types (core.problems).
OPENAPI_CONTACT = {"name": "Stride", "url": "https://stride.dev"}
# The server ships no licence file (the SDKs are MIT): name its licence here when it has one. Until
# then an SPDX user-defined reference (`LicenseRef-…`) says "no public licence".
OPENAPI_LICENSE = {"name": "Proprietary", "identifier": "LicenseRef-Proprietary"}


def _openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(
        title="Stride API",
        version=__version__,
        routes=app.routes,
        description="People performance: goals, OKRs, reviews with 360 feedback, learning.",
        tags=openapi_tags(),
        servers=OPENAPI_SERVERS,
        contact=OPENAPI_CONTACT,
        license_info=OPENAPI_LICENSE,
    )
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["Problem"] = {
        "type": "object",
        "required": ["type", "title", "status"],
        "properties": {
            "type": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "request_id": {"type": ["string", "null"]},
            "errors": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
                },
            },
            "current": {"type": "object", "additionalProperties": True},
        },
    }
    for path in schema.get("paths", {}).values():
        for method, operation in path.items():
            if method == "post":  # §2.6: any POST may carry an idempotency key (malformed: 400)
                operation.setdefault("parameters", []).append(IDEMPOTENCY_KEY_PARAMETER)
                operation.setdefault("responses", {}).setdefault(
                    "400",
                    {
                        "description": "Problem",
                        "content": {
                            "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
                        },
                    },
                )
            for response in operation.get("responses", {}).values():
                content = response.get("content", {})
                if "application/json" in content and "HTTPValidationError" in str(
                    content["application/json"]
                ):
                    response["content"] = {
                        "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
                    }
                    response["description"] = "Problem"
    for unused in ("HTTPValidationError", "ValidationError"):
        components.pop(unused, None)
    app.openapi_schema = schema
    return schema


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    app.state.engine = create_engine()
    app.state.read_pool = await create_read_pool()
    worker = None
    if os.environ.get(IN_PROCESS_WORKER) == "true":  # `stride serve` without --no-worker (§8.3)
        from stride_server.events.queue import start_in_process

        worker = start_in_process(app.state.engine)
    _settle_garbage_collector()
    try:
        yield
    finally:
        if worker is not None:
            worker.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.wait_for(worker, 10)
        try:
            await asyncio.wait_for(app.state.read_pool.close(), 5)
        except TimeoutError:
            app.state.read_pool.terminate()
        await app.state.engine.dispose()


def _settle_garbage_collector() -> None:
    """Once per process, when the app has started: what start-up built (modules, the registry, models,
    compiled statements) lives as long as the process, so it moves out of the collector's generations
    (`gc.freeze`) and every full collection no longer walks it — a pause that showed in the tail."""
    if gc.get_freeze_count() == 0:
        gc.collect()
        gc.freeze()


def create_app() -> FastAPI:
    from stride_server.directory.router import router as directory_router
    from stride_server.discovery.docs import router as docs_router
    from stride_server.discovery.router import router as discovery_router
    from stride_server.edm.router import build_router
    from stride_server.events.router import router as events_router
    from stride_server.explorer.router import router as explorer_router
    from stride_server.learning.router import router as learning_router
    from stride_server.okr.router import router as okr_router
    from stride_server.platform.router import router as platform_router
    from stride_server.reviews.router import router as reviews_router
    from stride_server.wiring import wire

    wire()  # the domains' hooks and reference checkers into the Data API, checked before serving
    settings = get_settings()
    # /docs is discovery.docs: FastAPI's own page loads Swagger UI from a CDN and runs an inline script.
    app = FastAPI(
        title="Stride API",
        version=__version__,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.add_middleware(IdempotencyMiddleware)  # inner: sees the request id and the body limit
    app.add_middleware(RequestMiddleware)
    install_error_handlers(app)
    app.include_router(build_router())
    app.include_router(platform_router)
    app.include_router(directory_router)
    app.include_router(discovery_router)
    app.include_router(okr_router)
    app.include_router(learning_router)
    app.include_router(reviews_router)
    app.include_router(events_router)
    app.include_router(explorer_router)
    app.include_router(docs_router)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> Response:
        return json_response({"status": "ok"})

    @app.get("/readyz", include_in_schema=False)
    async def readyz(request: Request) -> Response:
        try:
            async with asyncio.timeout(settings.stride_db_timeout):
                async with request.app.state.engine.connect() as conn:
                    await conn.execute(text("SELECT 1"))
        except Exception:
            return problem_response(ServiceUnavailable(), request)
        return json_response({"status": "ready"})

    @app.get("/metrics", include_in_schema=False)
    async def metrics(request: Request) -> Response:
        if settings.stride_metrics_token:
            require_bearer(request, settings.stride_metrics_token)
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app
