"""The async engine and pool. The app logs in as its non-owner role so row-level security applies."""

from __future__ import annotations

import asyncio
from functools import lru_cache
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import asyncpg
import orjson
from sqlalchemy import exc as sa_exc
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from stride_server.config import Settings, get_settings

# What a stopped, restarting, unreachable or saturated database raises, wherever it surfaces.
# Class 57 (operator intervention) covers shutdown, crash, "starting up" and statement timeouts.
_UNAVAILABLE = (
    OSError,
    asyncio.TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.OperatorInterventionError,
    asyncpg.TooManyConnectionsError,
    asyncpg.InterfaceError,
    sa_exc.TimeoutError,
    sa_exc.DisconnectionError,
    sa_exc.OperationalError,
    sa_exc.InterfaceError,
)


# The exception families under which an outage can surface (handlers are registered per family).
DATABASE_ERRORS: tuple[type[Exception], ...] = (
    sa_exc.SQLAlchemyError,
    OSError,
    asyncpg.PostgresError,
    asyncpg.InterfaceError,
)


def is_database_unavailable(exc: BaseException) -> bool:
    """True when `exc` (or what caused it) means the database cannot be reached right now (§5: 503)."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, _UNAVAILABLE):
            return True
        if isinstance(seen, sa_exc.DBAPIError) and seen.connection_invalidated:
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def owner_url(settings: Settings | None = None) -> str:
    """The libpq URL of the database: DATABASE_URL, else the embedded server."""
    settings = settings or get_settings()
    if settings.database_url:
        return settings.database_url
    from stride_server.db.embedded import embedded_url

    return embedded_url(settings.data_dir)


def with_driver(url: str, driver: str) -> str:
    parts = urlsplit(url)
    scheme = parts.scheme.split("+")[0]
    if scheme == "postgres":
        scheme = "postgresql"
    return urlunsplit((f"{scheme}+{driver}", *parts[1:]))


@lru_cache
def resolved_owner_url() -> str:
    return owner_url()


def login_as(url: str, user: str, password: str) -> str:
    """`url` (same host, port, database and options) with another user's credentials."""
    parts = urlsplit(url)
    where = parts.netloc.rpartition("@")[2]  # host:port, empty for a unix socket given as ?host=
    credentials = ("user", "password", "passfile")
    query = "&".join(p for p in parts.query.split("&") if p and p.partition("=")[0] not in credentials)
    return urlunsplit(
        (
            parts.scheme,
            f"{quote(user, safe='')}:{quote(password, safe='')}@{where}",
            parts.path,
            query,
            parts.fragment,
        )
    )


def app_url(settings: Settings | None = None) -> str:
    """The URL the app logs in with: the owner's server and database as the app role itself (its LOGIN
    and password are set after every migration, db/migrate.py)."""
    settings = settings or get_settings()
    return login_as(resolved_owner_url(), settings.stride_app_db_role, settings.app_db_password())


def create_engine(settings: Settings | None = None, *, pool_size: int | None = None) -> AsyncEngine:
    """The app's engine. It logs in as the app role, never as the owner with `SET ROLE`: the session
    user is the app role, so no `RESET ROLE` or `SET ROLE` can step around row-level security (§7)."""
    settings = settings or get_settings()
    size = pool_size or settings.stride_pool_size
    return create_async_engine(
        with_driver(app_url(settings), "asyncpg"),
        pool_size=size,
        max_overflow=0,
        pool_timeout=settings.stride_db_timeout,
        pool_recycle=1800,
        # jsonb prints a large float without an exponent (1e300 comes back as 1000…0); orjson reads such
        # a literal back as the float it was, where json.loads makes an int no JSON encoder can write.
        json_deserializer=orjson.loads,
        connect_args=connect_args(settings),
    )


def connect_args(settings: Settings) -> dict[str, Any]:
    return {
        "timeout": settings.stride_db_timeout,
        "command_timeout": 15,
        "server_settings": {
            "application_name": "stride",
            "statement_timeout": "15000",
            "idle_in_transaction_session_timeout": "30000",
            "jit": "off",
        },
    }


def libpq_url(url: str) -> str:
    """`url` without a SQLAlchemy driver suffix, as asyncpg and libpq take it."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme.split("+")[0], *parts[1:]))
