"""The fast read path, behind one seam. Reads of the Data API cost more CPU in SQLAlchemy than in
PostgreSQL, so they take a shorter road, all of it here:

- **the read pool** (`create_read_pool`): asyncpg connections with the app's login, settings and JSON
  decoding, without SQLAlchemy's per-checkout work;
- **statement templates** (`template`): built once per *shape* (which clauses, never which values)
  with named binds, and compiled once for asyncpg (`driver_statement`);
- **the one connection type stores read through** (`Reader.fetch`): a pooled driver connection, or a
  write context's SQLAlchemy connection, running the same templates;
- **transactions on the pool** (`open_read_context`, and `open_write_context` for writes whose
  statements are all templates): `BEGIN [READ ONLY]`, `stride_enter` (the tenant, transaction-local,
  and the caller's row in one round trip), the use case, `COMMIT`;
- **one-statement reads** (`fetch_one`): a statement that is its own transaction (a person's get);
- **the routes' fast path** (`FastRoute`, run by `core.body.StrideRoute`, for reads and writes): a
  person's token with the pool takes it; application tokens and apps built without the pool fall
  back to the declared endpoint. Routers say *what* a fast route does, never *which* road it takes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import asyncpg
import orjson
from fastapi import Request, Response
from sqlalchemy import ClauseElement, bindparam, func
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect
from sqlalchemy.ext.asyncio import AsyncConnection

from stride_server.auth.principal import person_principal
from stride_server.auth.tokens import Claims
from stride_server.config import Settings, get_settings

if TYPE_CHECKING:
    from stride_server.core.context import Context

_ASYNCPG = asyncpg_dialect()
_ENTER = "SELECT access_level, status FROM stride_enter($1, $2, $3)"


# ------------------------------------------------------------------------------------- the pool
async def create_read_pool(settings: Settings | None = None) -> asyncpg.Pool:
    """The read pool: the same login, settings and JSON decoding as the engine's connections. It
    connects lazily (min_size 0), so a database that is down at start-up only costs 503s."""
    from stride_server.db.engine import app_url, connect_args, libpq_url

    settings = settings or get_settings()
    return await asyncpg.create_pool(  # type: ignore[no-any-return]
        libpq_url(app_url(settings)),
        min_size=0,
        max_size=settings.stride_pool_size,
        max_inactive_connection_lifetime=300,
        init=_json_codecs,
        reset=_reset,
        **connect_args(settings),
    )


async def _reset(conn: asyncpg.Connection) -> None:
    """On release. A read connection's transaction is over by then (its context commits or rolls
    back) and nothing session-level is ever set on it (the tenant is transaction-local), so asyncpg's
    default reset round trip (RESET ALL, UNLISTEN *, CLOSE ALL…) is skipped."""
    if conn.is_in_transaction():
        await conn.execute("ROLLBACK")


def _json_text(value: Any) -> str:
    return value if isinstance(value, str) else orjson.dumps(value).decode()


async def _json_codecs(conn: asyncpg.Connection) -> None:
    for name in ("json", "jsonb"):
        await conn.set_type_codec(
            name, schema="pg_catalog", encoder=_json_text, decoder=orjson.loads, format="text"
        )


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


# ------------------------------------------------------------------------------------ templates
_TEMPLATES: dict[tuple[Any, ...], Any] = {}
_TEMPLATE_LIMIT = 4096  # shapes are few in practice; a flood of odd ones only costs a rebuild


def template(key: tuple[Any, ...], build: Callable[[], Any]) -> Any:
    """The statement of a shape, built once: SQLAlchemy then finds its compiled SQL by the statement's
    memoized cache key instead of rebuilding and re-keying the whole tree per request."""
    statement = _TEMPLATES.get(key)
    if statement is None:
        if len(_TEMPLATES) >= _TEMPLATE_LIMIT:
            _TEMPLATES.clear()
        statement = _TEMPLATES[key] = build()
    return statement


# ------------------------------------------------------------------------------ write templates
# The transaction's time, as a value of a write (`values[name] = NOW`).
NOW = func.now()


def value_shape(values: dict[str, Any]) -> tuple[tuple[str, str | None], ...]:
    """Which columns a write sets, and which of them to a SQL expression (NOW, or any other) rather than
    a value: the shape its statement template is built for."""
    return tuple(
        (name, None if not isinstance(v, ClauseElement) else "now()" if v is NOW else str(v))
        for name, v in values.items()
    )


def value_binds(table: Any, values: dict[str, Any]) -> dict[str, Any]:
    """The SET/VALUES of a write template: a bind parameter per value, SQL expressions as they are."""
    return {
        name: v if isinstance(v, ClauseElement) else bindparam(f"v_{name}", type_=table.c[name].type)
        for name, v in values.items()
    }


def value_params(values: dict[str, Any]) -> dict[str, Any]:
    """The values of a write template's binds (`value_binds`)."""
    return {f"v_{name}": v for name, v in values.items() if not isinstance(v, ClauseElement)}


@dataclass(frozen=True)
class DriverStatement:
    """A template compiled once for asyncpg: `$n` SQL, the bind names in `$n` order, and the bind
    processors SQLAlchemy would apply (JSON serialisation)."""

    sql: str
    names: tuple[str, ...]
    processors: dict[str, Any]
    constants: dict[str, Any]  # values fixed in the statement (e.g. the text-search configuration)

    def args(self, params: dict[str, Any]) -> list[Any]:
        values = [params[n] if n in params else self.constants[n] for n in self.names]
        processors = self.processors
        return [processors[n](v) if n in processors else v for n, v in zip(self.names, values, strict=True)]


_DRIVER: dict[int, tuple[Any, DriverStatement]] = {}


def driver_statement(statement: Any) -> DriverStatement:
    """The asyncpg form of a template (kept with it, so it lives as long as the template)."""
    found = _DRIVER.get(id(statement))
    if found is not None and found[0] is statement:
        return found[1]
    compiled = statement.compile(dialect=_ASYNCPG)
    processors = {k: v for k, v in (compiled._bind_processors or {}).items() if v is not None}
    driver = DriverStatement(
        compiled.string, tuple(compiled.positiontup or ()), processors, dict(compiled.params)
    )
    if len(_DRIVER) >= _TEMPLATE_LIMIT:
        _DRIVER.clear()
    _DRIVER[id(statement)] = (statement, driver)
    return driver


class Reader:
    """The one connection type read stores use: `fetch` runs a template on a read context's pooled
    driver connection (compiled once for asyncpg), or on a write context's SQLAlchemy connection."""

    __slots__ = ("conn",)

    def __init__(self, conn: AsyncConnection | asyncpg.Connection) -> None:
        self.conn = conn

    async def fetch(self, statement: Any, params: dict[str, Any]) -> list[Any]:
        conn = self.conn
        if isinstance(conn, asyncpg.Connection):
            driver = driver_statement(statement)
            return await conn.fetch(driver.sql, *driver.args(params))  # type: ignore[no-any-return]
        result = await conn.execute(statement, params)
        return list(result) if result.returns_rows else []  # an UPDATE without RETURNING has none

    async def records(self, statement: Any, params: dict[str, Any]) -> list[dict[str, Any]]:
        """`fetch`, each row a dict keyed by its column labels."""
        rows = await self.fetch(statement, params)
        if not rows:
            return []
        # Plain `str` keys: SQLAlchemy's are `quoted_name`, which orjson refuses.
        names = (
            tuple(rows[0].keys())
            if isinstance(self.conn, asyncpg.Connection)
            else tuple(map(str, rows[0]._fields))
        )
        return [dict(zip(names, row, strict=True)) for row in rows]


# ---------------------------------------------------------------------------- read transactions
class _NoConnection:
    """Context.conn of a read context: the use case runs on `ctx.reader` alone."""

    def __getattr__(self, name: str) -> Any:
        raise RuntimeError("a read context has no SQLAlchemy connection; use ctx.reader")


NO_CONNECTION = cast(AsyncConnection, _NoConnection())


@asynccontextmanager
async def _driver_context(request: Request, claims: Claims, begin: str) -> AsyncIterator[Context]:
    """`begin`, `stride_enter` (the tenant, transaction-local, and the caller's row in one round trip),
    the use case on `ctx.reader`, `COMMIT` — on a pooled driver connection."""
    from stride_server.core.context import Context

    async with read_connection(request) as driver:
        await driver.execute(begin)
        try:
            person = await driver.fetchrow(_ENTER, claims.tenant_id, claims.sub, claims.app_id)
            yield Context(person_principal(claims, person), NO_CONNECTION, pooled=Reader(driver))
        except BaseException:
            if not driver.is_closed():
                await driver.execute("ROLLBACK")
            raise
        await driver.execute("COMMIT")


def _on_pool(request: Request, claims: Claims) -> bool:
    return has_read_pool(request) and not claims.is_application


@asynccontextmanager
async def open_read_context(request: Request, claims: Claims) -> AsyncIterator[Context]:
    """A read-only use case (a Data API get or list): the same transaction, tenant setting and caller
    as `open_context`, on a connection of the read pool. Only `ctx.reader` may be used in it.
    Application tokens, and apps built without the read pool, take `open_context`."""
    from stride_server.core.context import open_context

    if not _on_pool(request, claims):
        async with open_context(request, claims) as ctx:
            yield ctx
        return
    async with _driver_context(request, claims, "BEGIN READ ONLY") as ctx:
        yield ctx


@asynccontextmanager
async def open_write_context(
    request: Request, claims: Claims, *, on_templates: bool
) -> AsyncIterator[Context]:
    """A write use case: one transaction with the tenant set, as `open_context`. When every statement
    of the use case is a template (`on_templates`: no rule of the write needs a SQLAlchemy
    connection), it runs on the read pool's driver connection, with `ctx.reader` alone; otherwise, and
    for application tokens or apps without the pool, it takes `open_context`."""
    from stride_server.core.context import open_context

    if not (on_templates and _on_pool(request, claims)):
        async with open_context(request, claims) as ctx:
            yield ctx
        return
    async with _driver_context(request, claims, "BEGIN") as ctx:
        yield ctx


async def fetch_one(request: Request, statement: Any, params: dict[str, Any]) -> Any:
    """A statement that is its own transaction (it enters the tenant itself), on a pooled connection:
    its one row, or None."""
    driver_form = driver_statement(statement)
    async with read_connection(request) as driver:
        return await driver.fetchrow(driver_form.sql, *driver_form.args(params))


# ------------------------------------------------------------------------------ the fast path
FastRoute = Callable[[Request, Claims], Awaitable[Response | None]]


async def run_fast(request: Request, fast: FastRoute) -> Response | None:
    """Take the fast path when it applies — a person's token and the read pool — else answer None so
    the declared endpoint (FastAPI's parameter machinery, any token) serves the request."""
    from stride_server.core.context import request_claims

    if not has_read_pool(request):
        return None
    claims = await request_claims(request)
    if claims.is_application:
        return None
    return await fast(request, claims)
