"""Idempotency keys (CONTRACT §2.6) as a pure ASGI middleware: a POST carrying `Idempotency-Key` runs
at most once per (tenant, caller, key) within 24 h. A repeat of the same request replays the stored
response, a repeat with another body is 422, and a repeat while the first is still running is 409."""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime
from typing import Any

import anyio.to_thread
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from stride_server.auth.tokens import Claims, get_verifier
from stride_server.core.idempotency_store import (
    ExistingKey,
    KeyedRequest,
    StoredResponse,
    claim,
    record,
    release,
)
from stride_server.core.middleware import MAX_BODY, send_problem
from stride_server.core.problems import (
    BadRequest,
    Conflict,
    ServiceUnavailable,
    StrideError,
    Unauthorized,
    Unprocessable,
)
from stride_server.db.engine import is_database_unavailable

log = logging.getLogger("stride.idempotency")

HEADER = b"idempotency-key"
MAX_KEY_LENGTH = 255
# Outcomes a retry with the same key may legitimately change: not stored, the key is released.
RETRYABLE = frozenset({401, 429})
# Headers that belong to one transmission, not to the response being replayed.
_TRANSIENT = frozenset(
    {
        b"content-length",
        b"date",
        b"server",
        b"x-request-id",
        b"connection",
        b"transfer-encoding",
        b"set-cookie",
    }
)


# How every POST documents the header. Servers strip the whitespace around a header value, so the
# pattern keeps spaces inside the key only.
IDEMPOTENCY_KEY_PARAMETER: dict[str, Any] = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Run this POST at most once: a repeat with the same key and body within 24 h replays the "
    "first response (`Idempotent-Replayed: true`); another body with the key is 422; a repeat "
    "while the first is running is 409.",
    "schema": {
        "type": "string",
        "minLength": 1,
        "maxLength": MAX_KEY_LENGTH,
        "pattern": "^[\\x21-\\x7e]([\\x20-\\x7e]*[\\x21-\\x7e])?$",
    },
}


# --- request side --------------------------------------------------------------------------------


def _header(scope: Scope, name: bytes) -> list[bytes]:
    return [value for key, value in scope["headers"] if key == name]


def parse_key(values: list[bytes]) -> str:
    """1–255 printable ASCII characters, given once."""
    if len(values) != 1:
        raise BadRequest("Send exactly one Idempotency-Key header.", slug="idempotency-key")
    raw = values[0]
    if not 1 <= len(raw) <= MAX_KEY_LENGTH or any(not 0x20 <= byte <= 0x7E for byte in raw):
        raise BadRequest(
            f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} printable ASCII characters.",
            slug="idempotency-key",
        )
    return raw.decode("ascii")


async def _caller(scope: Scope) -> Claims | None:
    """The verified token's claims, or None: an unauthenticated request goes on to its 401."""
    authorization = _header(scope, b"authorization")
    if len(authorization) != 1:
        return None
    scheme, _, token = authorization[0].decode("latin-1").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    verifier = get_verifier()
    try:
        if verifier.jwks is not None:  # may fetch keys over the network
            return await anyio.to_thread.run_sync(verifier.verify, token.strip())
        return verifier.verify(token.strip())
    except Unauthorized:
        return None


async def _read_body(receive: Receive) -> tuple[bytes, Receive] | None:
    """The whole request body, and a receive that hands it to the app again; None on disconnect."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    body = b"".join(chunks)
    delivered = False

    async def replay() -> Message:
        nonlocal delivered
        if delivered:
            return await receive()
        delivered = True
        return {"type": "http.request", "body": body, "more_body": False}

    return body, replay


def keyed_request(claims: Claims, key: str, scope: Scope, body: bytes) -> KeyedRequest:
    path = scope["path"] + (
        "?" + scope["query_string"].decode("latin-1") if scope.get("query_string") else ""
    )
    digest = hashlib.sha256()
    for part in (scope["method"].encode(), path.encode(), body):
        digest.update(len(part).to_bytes(8, "big") + part)  # length-prefixed: no ambiguous joins
    caller = claims.sub if claims.app_id in (None, claims.sub) else f"{claims.sub}/{claims.app_id}"
    return KeyedRequest(claims.tenant_id, caller, key, scope["method"], path, digest.hexdigest())


# --- response side -------------------------------------------------------------------------------


class _Capture:
    """Holds the response back until it is complete, so the key is recorded before the client sees
    the end of it (an immediate retry then replays instead of meeting 409). A response over 1 MiB is
    streamed on and not stored."""

    def __init__(self, send: Send) -> None:
        self.send = send
        self.start: Message | None = None
        self.chunks: list[bytes] = []
        self.size = 0
        self.streaming = False
        self.complete = False

    @property
    def status(self) -> int:
        return int(self.start["status"]) if self.start else 500

    async def __call__(self, message: Message) -> None:
        if self.streaming:
            await self.send(message)
        elif message["type"] == "http.response.start":
            self.start = message
        elif message["type"] == "http.response.body":
            self.chunks.append(message.get("body", b""))
            self.size += len(self.chunks[-1])
            self.complete = not message.get("more_body", False)
            if self.size > MAX_BODY:
                self.streaming, self.complete = True, False
                await self._flush(more_body=message.get("more_body", False))
        else:
            await self.send(message)

    @property
    def holds_secret(self) -> bool:
        """`Cache-Control: no-store` marks a response carrying a secret (a new API key, a token): it
        is never written to the idempotency table."""
        headers = self.start.get("headers", []) if self.start else []
        return any(k.lower() == b"cache-control" and b"no-store" in v.lower() for k, v in headers)

    def stored(self) -> StoredResponse:
        assert self.start is not None
        headers = [(k.lower(), v) for k, v in self.start.get("headers", []) if k.lower() not in _TRANSIENT]
        return StoredResponse(self.status, headers, b"".join(self.chunks))

    async def _flush(self, *, more_body: bool) -> None:
        if self.start is not None:
            await self.send(self.start)
        await self.send({"type": "http.response.body", "body": b"".join(self.chunks), "more_body": more_body})
        self.chunks = []

    async def finish(self) -> None:
        if not self.streaming and self.start is not None:
            await self._flush(more_body=False)


async def send_stored(send: Send, response: StoredResponse) -> None:
    headers = [
        *response.headers,
        (b"idempotent-replayed", b"true"),
        (b"content-length", str(len(response.body)).encode()),
    ]
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": response.body})


# --- the middleware ------------------------------------------------------------------------------


class IdempotencyMiddleware:
    """Applies §2.6 to every POST that carries an Idempotency-Key and a valid bearer token."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or not _header(scope, HEADER):
            await self.app(scope, receive, send)
            return
        request_id = scope.get("state", {}).get("request_id")
        try:
            key = parse_key(_header(scope, HEADER))
        except StrideError as error:
            await send_problem(send, error, request_id, request_id_header=False)
            return
        claims = await _caller(scope)
        read = await _read_body(receive) if claims is not None else None
        if claims is None or read is None:
            await self.app(scope, receive if claims is None else _disconnected, send)
            return
        body, replay_receive = read
        request = keyed_request(claims, key, scope, body)
        engine: AsyncEngine = scope["app"].state.engine
        try:
            claimed = await claim(engine, request)
            if not isinstance(claimed, datetime):
                await self._answer_existing(send, request, claimed)
                return
        except StrideError as error:
            await send_problem(send, error, request_id, request_id_header=False)
            return
        except Exception as exc:
            if not is_database_unavailable(exc):
                raise
            await send_problem(send, ServiceUnavailable(), request_id, request_id_header=False)
            return
        await self._run(scope, replay_receive, send, engine, request, claimed)

    @staticmethod
    async def _answer_existing(send: Send, request: KeyedRequest, existing: ExistingKey | None) -> None:
        if existing is None:
            raise Conflict(
                "This Idempotency-Key is being used by another request; retry shortly.",
                slug="idempotency-in-flight",
                headers={"Retry-After": "1"},
            )
        if (existing.method, existing.path, existing.body_hash) != (
            request.method,
            request.path,
            request.body_hash,
        ):
            raise Unprocessable(
                "This Idempotency-Key was already used with a different request; use a new "
                "key for a new request.",
                slug="idempotency-key-reused",
            )
        if existing.response is None:
            raise Conflict(
                "A request with this Idempotency-Key is still in flight; retry shortly.",
                slug="idempotency-in-flight",
                headers={"Retry-After": "1"},
            )
        await send_stored(send, existing.response)

    async def _run(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        engine: AsyncEngine,
        request: KeyedRequest,
        claimed_at: datetime,
    ) -> None:
        capture = _Capture(send)
        try:
            await self.app(scope, receive, capture)
        except BaseException:
            await _quietly(release(engine, request, claimed_at))
            raise
        # A server error or a raise leaves nothing behind, so the retry runs for real.
        if (
            capture.complete
            and capture.status < 500
            and capture.status not in RETRYABLE
            and not capture.holds_secret
        ):
            await _quietly(record(engine, request, claimed_at, capture.stored()))
        else:
            await _quietly(release(engine, request, claimed_at))
        await capture.finish()


async def _disconnected() -> Message:
    return {"type": "http.disconnect"}


async def _quietly(operation: Any) -> None:
    """Bookkeeping after the fact must not turn an answered request into an error."""
    try:
        await operation
    except Exception as exc:
        log.warning(
            "idempotency bookkeeping failed: %s",
            exc.__class__.__name__,
            exc_info=not is_database_unavailable(exc),
        )
