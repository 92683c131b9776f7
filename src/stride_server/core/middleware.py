"""ASGI middleware: request ids and access logs, the 1 MiB body limit, security headers, Prometheus
metrics."""

from __future__ import annotations

import logging
import time
from contextvars import ContextVar
from typing import Any

import orjson
from prometheus_client import Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from ulid import ULID

from stride_server.core.problems import PayloadTooLarge, StrideError

MAX_BODY = 1024 * 1024
request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
log = logging.getLogger("stride.access")

REQUESTS = Counter("stride_http_requests_total", "HTTP requests", ["method", "route", "status"])
LATENCY = Histogram(
    "stride_http_request_seconds",
    "HTTP request latency",
    ["method", "route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)


# The labelled children of REQUESTS and LATENCY by (method, route template, status): labels() is a
# locked lookup per call; the set is bounded by the routes, methods and statuses.
_SERIES: dict[tuple[str, str, int], tuple[Any, Any]] = {}


# CONTRACT §6: "Pages (`/explorer`, `/docs`, `/app/…`) send `Content-Security-Policy` (scripts and styles
# from the server itself, `frame-ancestors 'none'`), `X-Content-Type-Options: nosniff` and
# `Referrer-Policy: no-referrer`". The last two go on every response (two headers cost nothing); the CSP on
# every HTML answer, so a page added later is covered without opting in. `data:` images are the inline
# SVG icons of the explorer's favicon and of Swagger UI's stylesheet; nothing else may be inline.
SECURITY_HEADERS = ((b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"))
PAGE_CSP = (
    b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    b"connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    b"frame-ancestors 'none'"
)


def with_security_headers(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """The response's headers plus those of SECURITY_HEADERS (and the CSP for HTML) it does not set
    itself: a page with a stricter policy of its own keeps it."""
    present = {name.lower() for name, _ in headers}
    added = [header for header in SECURITY_HEADERS if header[0] not in present]
    if b"content-security-policy" not in present and any(
        name.lower() == b"content-type" and value.lower().startswith(b"text/html") for name, value in headers
    ):
        added.append((b"content-security-policy", PAGE_CSP))
    return [*headers, *added]


class _TooLarge(Exception):
    pass


async def send_problem(
    send: Send, error: StrideError, request_id: str | None, *, request_id_header: bool = True
) -> None:
    """A problem+json answer from ASGI middleware. Inside RequestMiddleware pass
    `request_id_header=False`: its own send adds X-Request-Id."""
    body = orjson.dumps(error.problem(request_id))
    headers = [(b"content-type", b"application/problem+json"), (b"content-length", str(len(body)).encode())]
    if request_id and request_id_header:
        headers.append((b"x-request-id", request_id.encode()))
    headers += [(k.lower().encode(), v.encode()) for k, v in error.headers.items()]
    await send({"type": "http.response.start", "status": error.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class RequestMiddleware:
    """Assigns the request id, enforces the body limit, logs one JSON line and records metrics."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming_raw = length = None
        for name, value in scope["headers"]:
            if name == b"x-request-id":
                incoming_raw = value
            elif name == b"content-length":
                length = value
        incoming = incoming_raw.decode("latin-1") if incoming_raw else ""
        request_id = incoming if 0 < len(incoming) <= 64 and incoming.isprintable() else f"req_{ULID()}"
        token = request_id_var.set(request_id)
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status_holder = {"status": 500, "started": False}

        async def secure_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = with_security_headers(list(message.get("headers", [])))
            await send(message)

        if length is not None and (not length.isdigit() or int(length) > MAX_BODY):
            await send_problem(secure_send, PayloadTooLarge("The body is over 1 MiB."), request_id)
            self._record(scope, 413, started, request_id)
            request_id_var.reset(token)
            return

        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > MAX_BODY:
                    raise _TooLarge
            return message

        async def tracking_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
                status_holder["started"] = True
                message["headers"] = [*message.get("headers", []), (b"x-request-id", request_id.encode())]
            await secure_send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if not status_holder["started"]:
                await send_problem(secure_send, PayloadTooLarge("The body is over 1 MiB."), request_id)
            status_holder["status"] = 413
        finally:
            self._record(scope, int(status_holder["status"]), started, request_id)
            request_id_var.reset(token)

    @staticmethod
    def _record(scope: Scope, status: int, started: float, request_id: str) -> None:
        elapsed = time.perf_counter() - started
        route: Any = scope.get("route")
        template = getattr(route, "path", "unmatched")
        key = (scope["method"], template, status)
        series = _SERIES.get(key)
        if series is None:
            series = _SERIES[key] = (
                REQUESTS.labels(key[0], template, str(status)),
                LATENCY.labels(key[0], template),
            )
        series[0].inc()
        series[1].observe(elapsed)
        if log.isEnabledFor(logging.INFO):
            log.info(
                "request",
                extra={
                    "request_id": request_id,
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status,
                    "duration_ms": round(elapsed * 1000, 2),
                },
            )
