"""The request context: the caller's Principal and one tenant-scoped transaction for the use case."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, cast

import asyncpg
from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from stride_server.auth.principal import Principal, application_principal, person_principal
from stride_server.auth.tokens import Claims, get_verifier
from stride_server.config import get_settings
from stride_server.core.problems import Unauthorized

# Transaction-local (`true`): the setting dies with the transaction, so a pooled connection never
# carries one tenant's context into another's request.
_SET_TENANT = text("SELECT set_config('stride.tenant_id', :tenant_id, true)")
# The same setting and, for a person's token, the person's row, in one round trip (migration 0004).
_ENTER = text("SELECT access_level, status FROM stride_enter(:tenant_id, :person_id)")
_ENTER_DRIVER = "SELECT access_level, status FROM stride_enter($1, $2)"

bearer = HTTPBearer(auto_error=False, description="A Stride JWT (`stride token`, or POST /api/v1/auth/token).")


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
    # In a read context: the driver connection, on which the transaction runs (see open_read_context).
    driver: asyncpg.Connection | None = None

    @property
    def reader(self) -> AsyncConnection | asyncpg.Connection:
        """The connection for the use case's reads."""
        return self.driver if self.driver is not None else self.conn


@asynccontextmanager
async def open_context(request: Request, claims: Claims) -> AsyncIterator[Context]:
    """One transaction for the whole use case, with the tenant set for row-level security."""
    is_app = claims.is_application
    async with request.app.state.engine.begin() as conn:
        entered = await conn.execute(_ENTER, {"tenant_id": claims.tenant_id, "person_id": None if is_app else claims.sub})
        if is_app:
            principal = await application_principal(conn, claims)
        else:
            principal = person_principal(claims, entered.mappings().first())
        yield Context(principal, conn)


class _NoConnection:
    """Context.conn of a read context: the use case runs on `ctx.reader` alone."""

    def __getattr__(self, name: str) -> Any:
        raise RuntimeError("a read context has no SQLAlchemy connection; use ctx.reader")


NO_CONNECTION = cast(AsyncConnection, _NoConnection())


@asynccontextmanager
async def open_read_context(request: Request, claims: Claims) -> AsyncIterator[Context]:
    """A read-only use case of a person (a Data API get or list): the same transaction, tenant setting
    and caller as `open_context`, run on a connection of the driver-level read pool, because per
    statement SQLAlchemy cost more CPU than the statement. Only `ctx.reader` may be used in it.
    Application tokens, and apps built without the read pool, take `open_context`."""
    if not has_read_pool(request) or claims.is_application:
        async with open_context(request, claims) as ctx:
            yield ctx
        return
    async with read_connection(request) as driver:
        await driver.execute("BEGIN READ ONLY")
        try:
            person = await driver.fetchrow(_ENTER_DRIVER, claims.tenant_id, claims.sub)
            yield Context(person_principal(claims, person), NO_CONNECTION, driver=driver)
        except BaseException:
            if not driver.is_closed():
                await driver.execute("ROLLBACK")
            raise
        await driver.execute("COMMIT")


def has_read_pool(request: Request) -> bool:
    return getattr(request.app.state, "read_pool", None) is not None


@asynccontextmanager
async def read_connection(request: Request) -> AsyncIterator[asyncpg.Connection]:
    """A connection of the read pool, out of any transaction when it is handed back."""
    pool: asyncpg.Pool = request.app.state.read_pool
    # asyncio.timeout rather than acquire(timeout=…), which spawns a task per call.
    async with asyncio.timeout(get_settings().stride_db_timeout):
        driver: asyncpg.Connection = await pool.acquire()
    try:
        yield driver
    finally:
        await pool.release(driver)
