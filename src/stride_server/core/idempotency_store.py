"""SQL of idempotency keys (CONTRACT §2.6): claim a key, record the response, release the key. Each
runs in its own short transaction with the tenant set, so row-level security holds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncEngine

from stride_server.core.context import tenant_transaction
from stride_server.db.scope import of_tenant
from stride_server.db.tables import idempotency_keys

RETENTION = timedelta(hours=24)
# An in-flight key older than this belongs to a process that died mid-request (statements time out
# after 15 s): a retry may run rather than meet 409 for a day.
ABANDONED_AFTER = timedelta(minutes=5)


@dataclass(frozen=True)
class KeyedRequest:
    tenant_id: str
    caller: str
    key: str
    method: str
    path: str
    body_hash: str


@dataclass(frozen=True)
class StoredResponse:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes


@dataclass(frozen=True)
class ExistingKey:
    """A key already claimed: by which request, and its response once done."""

    method: str
    path: str
    body_hash: str
    response: StoredResponse | None  # None while the first request is in flight


def _existing(row: Any) -> ExistingKey:
    response = None
    if row.state == "done":
        headers = [
            (str(k).encode("latin-1"), str(v).encode("latin-1")) for k, v in row.response_headers or []
        ]
        response = StoredResponse(int(row.status_code), headers, bytes(row.response_body or b""))
    return ExistingKey(row.method, row.path, row.body_hash, response)


def _primary_key(request: KeyedRequest) -> list[Any]:
    table = idempotency_keys
    return [of_tenant(table, request.tenant_id), table.c.caller == request.caller, table.c.key == request.key]


async def claim(engine: AsyncEngine, request: KeyedRequest) -> datetime | ExistingKey | None:
    """Mark the key in flight for this request. Returns the claim's `created_at` when this request
    now owns the key, else the existing key (in flight or done) it must answer from; None when the
    key keeps changing hands under it."""
    table = idempotency_keys
    expired = or_(
        table.c.created_at < func.now() - RETENTION,
        and_(table.c.state == "in_flight", table.c.created_at < func.now() - ABANDONED_AFTER),
    )
    fresh = {
        "method": request.method,
        "path": request.path,
        "body_hash": request.body_hash,
        "state": "in_flight",
        "status_code": None,
        "response_headers": None,
        "response_body": None,
        "created_at": func.now(),
    }
    statement = (
        pg_insert(table)
        .values(tenant_id=request.tenant_id, caller=request.caller, key=request.key, **fresh)
        .on_conflict_do_update(index_elements=["tenant_id", "caller", "key"], set_=fresh, where=expired)
        .returning(table.c.created_at)
    )
    for _ in range(3):  # the row may vanish between the conflict and the read (its owner failed)
        async with tenant_transaction(engine, request.tenant_id) as conn:
            claimed = (await conn.execute(statement)).scalar()
            if isinstance(claimed, datetime):
                return claimed
            existing = (await conn.execute(select(table).where(*_primary_key(request)))).first()
            if existing is not None:
                return _existing(existing)
    return None


async def record(
    engine: AsyncEngine, request: KeyedRequest, claimed_at: datetime, response: StoredResponse
) -> None:
    table = idempotency_keys
    headers = [[name.decode("latin-1"), value.decode("latin-1")] for name, value in response.headers]
    async with tenant_transaction(engine, request.tenant_id) as conn:
        await conn.execute(
            update(table)
            .where(*_primary_key(request), table.c.created_at == claimed_at, table.c.state == "in_flight")
            .values(
                state="done",
                status_code=response.status,
                response_headers=headers,
                response_body=response.body,
            )
        )


async def release(engine: AsyncEngine, request: KeyedRequest, claimed_at: datetime) -> None:
    table = idempotency_keys
    async with tenant_transaction(engine, request.tenant_id) as conn:
        await conn.execute(
            delete(table).where(
                *_primary_key(request), table.c.created_at == claimed_at, table.c.state == "in_flight"
            )
        )
