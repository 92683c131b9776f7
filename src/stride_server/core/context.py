"""The request context: the caller's Principal and one tenant-scoped transaction for the use case."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from stride_server.auth.principal import Principal, application_principal, person_principal
from stride_server.auth.tokens import Claims, get_verifier
from stride_server.core.problems import Unauthorized
from stride_server.db.reads import Reader

# Transaction-local (`true`): the setting dies with the transaction, so a pooled connection never
# carries one tenant's context into another's request.
_SET_TENANT = text("SELECT set_config('stride.tenant_id', :tenant_id, true)")
# The same setting and, for a person's token, the person's row, in one round trip (migration 0004).
_ENTER = text("SELECT access_level, status FROM stride_enter(:tenant_id, :person_id, :app_id)")

bearer = HTTPBearer(
    auto_error=False, description="A Stride JWT (`stride token`, or POST /api/v1/auth/token)."
)


@asynccontextmanager
async def tenant_transaction(engine: AsyncEngine, tenant_id: str) -> AsyncIterator[AsyncConnection]:
    async with engine.begin() as conn:
        await conn.execute(_SET_TENANT, {"tenant_id": tenant_id})
        yield conn


async def bearer_claims(credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> Claims:
    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        raise Unauthorized()
    return await verify_token(credentials.credentials)


async def request_claims(request: Request) -> Claims:
    """`bearer_claims` for handlers that read the request themselves (StrideRoute.direct): the same
    `Authorization: Bearer <token>` split as HTTPBearer's."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized()
    return await verify_token(token)


async def verify_token(token: str) -> Claims:
    """Verify on the event loop (HS/RS verification is CPU-only and fast); only a JWKS lookup, which
    may touch the network, goes to the thread pool."""
    verifier = get_verifier()
    if verifier.jwks is not None:
        return await run_in_threadpool(verifier.verify, token)
    return verifier.verify(token)


@dataclass
class Context:
    principal: Principal
    conn: AsyncConnection
    # Use-case details a hook needs beyond the record (e.g. a check-in's note).
    attributes: dict[str, Any] = field(default_factory=dict)
    # In a context on the pool (db.reads.open_read_context, open_write_context): the pooled driver
    # connection the transaction runs on, and `conn` is unusable.
    pooled: Reader | None = None

    @property
    def reader(self) -> Reader:
        """The connection for the use case's templates (db.reads), in any context."""
        return self.pooled if self.pooled is not None else Reader(self.conn)


@asynccontextmanager
async def open_context(request: Request, claims: Claims) -> AsyncIterator[Context]:
    """One transaction for the whole use case, with the tenant set for row-level security."""
    is_app = claims.is_application
    async with request.app.state.engine.begin() as conn:
        entered = await conn.execute(
            _ENTER,
            {
                "tenant_id": claims.tenant_id,
                "person_id": None if is_app else claims.sub,
                "app_id": claims.app_id,
            },
        )
        if is_app:
            principal = await application_principal(conn, claims)
        else:
            principal = person_principal(claims, entered.mappings().first())
        yield Context(principal, conn)
