"""SQL of events and webhooks. Events are written by the database's triggers (migration 0006) in the
transaction of every change; this module reads them, keeps the endpoints, and records deliveries."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, literal_column, or_, select, text, update
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncConnection

from stride_server.db.rows import first_row, plain, returned_row
from stride_server.db.scope import of_tenant
from stride_server.db.tables import events, tenants, webhook_deliveries, webhooks

_EVENT_COLUMNS = tuple(c for c in events.c if c.name != "area")
_WEBHOOK_COLUMNS = tuple(
    c for c in webhooks.c if c.name not in ("secret", "previous_secret", "previous_secret_until", "areas")
)
_DELIVERY_COLUMNS = tuple(webhook_deliveries.c)


# A date-time as the database writes one in UTC (`…+00:00`), to be shown as the API does (`…Z`).
_UTC_DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00$")
_RECORDS = ("record", "review", "cycle")  # the members of `data` that carry a record


def _zulu(record: dict[str, Any]) -> dict[str, Any]:
    return {
        name: value[:-6] + "Z" if isinstance(value, str) and _UTC_DATETIME.match(value) else value
        for name, value in record.items()
    }


def event_json(row: dict[str, Any]) -> dict[str, Any]:
    """An event as the API shows it and a webhook delivers it (§8.1): the record's date-times in UTC
    with `Z`, as every other answer of the API."""
    data = row["data"]
    if any(isinstance(data.get(name), dict) for name in _RECORDS):
        data = {name: _zulu(v) if name in _RECORDS and isinstance(v, dict) else v for name, v in data.items()}
    return {
        "id": row["id"],
        "type": row["type"],
        "tenant_id": row["tenant_id"],
        "app_id": row["app_id"],
        "occurred_at": row["occurred_at"],
        "actor": {"type": row["actor_type"], "id": row["actor_id"]},
        "subject": {"type": row["subject_type"], "id": row["subject_id"]},
        "data": data,
    }


# --- events ---------------------------------------------------------------------------------------


async def list_events(
    conn: AsyncConnection,
    tenant_id: str,
    *,
    areas: list[str],
    app_id: str | None,
    types: list[str],
    prefixes: list[str],
    subject_id: str | None,
    after: str | None,
    limit: int,
) -> list[dict[str, Any]]:
    """Oldest first, keyset by id, `limit + 1` rows."""
    conditions = [of_tenant(events, tenant_id), events.c.area.in_(areas)]
    if app_id is not None:
        conditions.append(events.c.app_id == app_id)
    if types or prefixes:
        conditions.append(
            or_(
                events.c.type.in_(types) if types else literal_column("false"),
                *(events.c.type.startswith(p + ".", autoescape=True) for p in prefixes),
            )
        )
    if subject_id is not None:
        conditions.append(events.c.subject_id == subject_id)
    if after is not None:
        conditions.append(events.c.id > after)
    rows = await conn.execute(
        select(*_EVENT_COLUMNS).where(*conditions).order_by(events.c.id).limit(limit + 1)
    )
    return [plain(r) for r in rows.mappings()]


async def get_event(conn: AsyncConnection, tenant_id: str, event_id: str) -> dict[str, Any] | None:
    return await first_row(
        conn, select(*_EVENT_COLUMNS).where(of_tenant(events, tenant_id), events.c.id == event_id)
    )


async def emit(conn: AsyncConnection, type_: str, subject: tuple[str, str], data: dict[str, Any]) -> str:
    """An event written by the application itself (webhooks, reminders), in the caller's transaction."""
    row = await conn.execute(
        select(func.stride_emit(type_, subject[0], subject[1], bindparam("data", data, type_=JSONB)))
    )
    return str(row.scalar_one())


async def purge_events(conn: AsyncConnection, tenant_id: str) -> tuple[int, int]:
    """Events and delivery attempts older than the tenant's `events_retention_days`."""
    days = select(tenants.c.events_retention_days).where(of_tenant(tenants, tenant_id)).scalar_subquery()
    cutoff = func.now() - func.make_interval(0, 0, 0, func.coalesce(days, 30))
    removed = await conn.execute(
        delete(events).where(of_tenant(events, tenant_id), events.c.occurred_at < cutoff)
    )
    attempts = await conn.execute(
        delete(webhook_deliveries).where(
            of_tenant(webhook_deliveries, tenant_id),
            webhook_deliveries.c.created_at < cutoff,
            webhook_deliveries.c.status != "pending",
        )
    )
    return removed.rowcount, attempts.rowcount


# --- webhook endpoints ----------------------------------------------------------------------------


def _webhook_scope(tenant_id: str, app_id: str | None) -> list[Any]:
    conditions = [of_tenant(webhooks, tenant_id)]
    if app_id is not None:
        conditions.append(webhooks.c.app_id == app_id)
    return conditions


async def insert_webhook(conn: AsyncConnection, values: dict[str, Any]) -> dict[str, Any]:
    return await returned_row(conn, insert(webhooks).values(**values).returning(*_WEBHOOK_COLUMNS))


async def list_webhooks(conn: AsyncConnection, tenant_id: str, app_id: str | None) -> list[dict[str, Any]]:
    rows = await conn.execute(
        select(*_WEBHOOK_COLUMNS).where(*_webhook_scope(tenant_id, app_id)).order_by(webhooks.c.id)
    )
    return [plain(r) for r in rows.mappings()]


async def get_webhook(
    conn: AsyncConnection, tenant_id: str, app_id: str | None, webhook_id: str, *, for_update: bool = False
) -> dict[str, Any] | None:
    statement = select(*_WEBHOOK_COLUMNS).where(
        *_webhook_scope(tenant_id, app_id), webhooks.c.id == webhook_id
    )
    return await first_row(conn, statement, for_update=for_update)


async def update_webhook(
    conn: AsyncConnection, tenant_id: str, webhook_id: str, values: dict[str, Any]
) -> dict[str, Any]:
    statement = (
        update(webhooks)
        .where(of_tenant(webhooks, tenant_id), webhooks.c.id == webhook_id)
        .values(**values, version=webhooks.c.version + 1, updated_at=func.now())
        .returning(*_WEBHOOK_COLUMNS)
    )
    return await returned_row(conn, statement)


async def rotate_secret(conn: AsyncConnection, tenant_id: str, webhook_id: str, secret: str) -> None:
    """The new secret signs from now on; the old one keeps signing (a second signature) for 24 h."""
    await conn.execute(
        update(webhooks)
        .where(of_tenant(webhooks, tenant_id), webhooks.c.id == webhook_id)
        .values(
            previous_secret=webhooks.c.secret,
            previous_secret_until=func.now() + text("interval '24 hours'"),
            secret=secret,
            version=webhooks.c.version + 1,
            updated_at=func.now(),
        )
    )


async def delete_webhook(conn: AsyncConnection, tenant_id: str, webhook_id: str) -> None:
    await conn.execute(delete(webhooks).where(of_tenant(webhooks, tenant_id), webhooks.c.id == webhook_id))


# --- deliveries -----------------------------------------------------------------------------------


async def enqueue_delivery(
    conn: AsyncConnection, tenant_id: str, webhook_id: str, event: dict[str, Any], attempt: int
) -> str:
    """A pending attempt of `event` to the endpoint, and its job (the database function the outbox
    uses: the same lock keeps the endpoint's deliveries of the subject in order)."""
    lock = f"{event['subject_type']}:{event['subject_id']}"
    row = await conn.execute(
        select(func.stride_enqueue_delivery(tenant_id, webhook_id, event["id"], event["type"], lock, attempt))
    )
    return str(row.scalar_one())


async def list_deliveries(
    conn: AsyncConnection,
    tenant_id: str,
    webhook_id: str,
    *,
    status: str | None,
    event_id: str | None,
    before: str | None,
    limit: int,
) -> list[dict[str, Any]]:
    """Attempts, newest first (`limit + 1` rows)."""
    d = webhook_deliveries
    conditions = [of_tenant(d, tenant_id), d.c.webhook_id == webhook_id]
    if status is not None:
        conditions.append(d.c.status == status)
    if event_id is not None:
        conditions.append(d.c.event_id == event_id)
    if before is not None:
        conditions.append(d.c.id < before)
    rows = await conn.execute(
        select(*_DELIVERY_COLUMNS).where(*conditions).order_by(d.c.id.desc()).limit(limit + 1)
    )
    return [plain(r) for r in rows.mappings()]


async def get_delivery(
    conn: AsyncConnection, tenant_id: str, webhook_id: str, delivery_id: str
) -> dict[str, Any] | None:
    d = webhook_deliveries
    return await first_row(
        conn,
        select(*_DELIVERY_COLUMNS).where(
            of_tenant(d, tenant_id), d.c.webhook_id == webhook_id, d.c.id == delivery_id
        ),
    )


async def next_attempt_number(conn: AsyncConnection, tenant_id: str, webhook_id: str, event_id: str) -> int:
    d = webhook_deliveries
    row = await conn.execute(
        select(func.coalesce(func.max(d.c.attempt), 0) + 1).where(
            of_tenant(d, tenant_id), d.c.webhook_id == webhook_id, d.c.event_id == event_id
        )
    )
    return int(row.scalar_one())


async def delivery_target(
    conn: AsyncConnection, tenant_id: str, webhook_id: str, event_id: str
) -> dict[str, Any] | None:
    """What one delivery job needs: the endpoint (with its secrets), the event, and the pending attempt
    (the oldest), locked so that no other worker records it."""
    d = webhook_deliveries
    pending = await first_row(
        conn,
        select(d.c.id, d.c.attempt)
        .where(
            of_tenant(d, tenant_id),
            d.c.webhook_id == webhook_id,
            d.c.event_id == event_id,
            d.c.status == "pending",
        )
        .order_by(d.c.attempt)
        .limit(1),
        for_update=True,
    )
    if pending is None:
        return None
    endpoint = await first_row(
        conn,
        select(
            webhooks.c.url,
            webhooks.c.enabled,
            webhooks.c.secret,
            webhooks.c.previous_secret,
            (webhooks.c.previous_secret_until > func.now()).label("previous_signs"),
        ).where(of_tenant(webhooks, tenant_id), webhooks.c.id == webhook_id),
    )
    event = await get_event(conn, tenant_id, event_id)
    if endpoint is None or event is None:
        return None
    return {"delivery_id": pending["id"], "attempt": pending["attempt"], "endpoint": endpoint, "event": event}


async def record_attempt(
    conn: AsyncConnection,
    tenant_id: str,
    delivery_id: str,
    *,
    succeeded: bool,
    response_status: int | None,
    error: str | None,
    duration_ms: int,
    next_attempt_at: datetime | None,
) -> None:
    d = webhook_deliveries
    await conn.execute(
        update(d)
        .where(of_tenant(d, tenant_id), d.c.id == delivery_id)
        .values(
            status="succeeded" if succeeded else "failed",
            response_status=response_status,
            error=error,
            duration_ms=duration_ms,
            next_attempt_at=next_attempt_at,
        )
    )


async def add_pending_attempt(
    conn: AsyncConnection, tenant_id: str, webhook_id: str, event: dict[str, Any], attempt: int, at: datetime
) -> None:
    await conn.execute(
        insert(webhook_deliveries).values(
            tenant_id=tenant_id,
            id=func.concat("dlv_", func.stride_ulid(func.clock_timestamp())),
            webhook_id=webhook_id,
            event_id=event["id"],
            event_type=event["type"],
            attempt=attempt,
            status="pending",
            next_attempt_at=at,
        )
    )


async def settle_endpoint(
    conn: AsyncConnection, tenant_id: str, webhook_id: str, *, succeeded: bool, disable_after: int
) -> bool:
    """A final outcome on the endpoint's streak of failed deliveries; True when this one disables it
    (the last `disable_after` deliveries all failed)."""
    scope = (of_tenant(webhooks, tenant_id), webhooks.c.id == webhook_id)
    if succeeded:
        await conn.execute(
            update(webhooks).where(*scope, webhooks.c.failure_streak != 0).values(failure_streak=0)
        )
        return False
    row = await first_row(
        conn, select(webhooks.c.enabled, webhooks.c.failure_streak).where(*scope), for_update=True
    )
    if row is None:
        return False
    streak = row["failure_streak"] + 1
    disables = bool(row["enabled"]) and streak >= disable_after
    values: dict[str, Any] = {"failure_streak": streak}
    if disables:
        values |= {"enabled": False, "version": webhooks.c.version + 1, "updated_at": func.now()}
    await conn.execute(update(webhooks).where(*scope).values(**values))
    return disables
