"""The rules of events and webhooks (CONTRACT §8): who reads events (manage:platform for people,
view:platform for applications, and only the areas the caller may view), endpoints with their
secrets shown once, rotation, ping, manual retry, and the retention purge."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from stride_server.auth.permissions import AREAS
from stride_server.config import get_settings
from stride_server.core.context import Context, tenant_transaction
from stride_server.core.problems import BadRequest, NotFound
from stride_server.core.writes import check_version, sent_fields
from stride_server.events import http, store
from stride_server.events.catalog import type_filter
from stride_server.events.schemas import WebhookCreate, WebhookUpdate
from stride_server.events.signing import new_secret

log = logging.getLogger("stride.events")

MAX_LIMIT = 200
DELIVERY_STATUSES = ("pending", "succeeded", "failed")


def _require_reader(ctx: Context) -> None:
    """People need manage:platform; applications view:platform (§8.1)."""
    ctx.principal.require("view" if not ctx.principal.is_person else "manage", "platform")


def _areas(ctx: Context) -> list[str]:
    """The areas whose events the caller may see: those it may view (§1.4), and the platform's own."""
    return [area for area in AREAS if ctx.principal.can("view", area)]


def _limit(limit: int | None) -> int:
    if limit is None:
        return 50
    if not 1 <= limit <= MAX_LIMIT:
        raise BadRequest(f"limit must be between 1 and {MAX_LIMIT}.")
    return limit


def _event_id(value: str | None, name: str) -> str | None:
    if value is not None and not (value.startswith("evt_") and len(value) == 30):
        raise BadRequest(f"{name} must be an event id (evt_…).")
    return value


async def list_events(
    ctx: Context, *, type_: str | None, subject_id: str | None, after: str | None, limit: int | None
) -> dict[str, Any]:
    _require_reader(ctx)
    types, prefixes = type_filter(type_) if type_ is not None else ([], [])
    if type_ is not None and not types and not prefixes:
        raise BadRequest("type: name at least one event type or prefix.")
    size = _limit(limit)
    rows = await store.list_events(
        ctx.conn,
        ctx.principal.tenant_id,
        areas=_areas(ctx),
        app_id=ctx.principal.app_id,
        types=types,
        prefixes=prefixes,
        subject_id=subject_id,
        after=_event_id(after, "after"),
        limit=size,
    )
    data = [store.event_json(r) for r in rows[:size]]
    has_more = len(rows) > size
    return {"data": data, "next_cursor": data[-1]["id"] if has_more else None, "has_more": has_more}


# --- endpoints ------------------------------------------------------------------------------------


def _present(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "url": row["url"],
        "event_types": list(row["event_types"]),
        "description": row["description"],
        "enabled": row["enabled"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "version": row["version"],
    }


async def _url(url: str) -> str:
    return await http.check_url_resolving(url, allow_private=get_settings().stride_webhook_allow_private)


async def _endpoint(ctx: Context, webhook_id: str, *, for_update: bool = False) -> dict[str, Any]:
    ctx.principal.require("manage", "platform")
    row = await store.get_webhook(
        ctx.conn, ctx.principal.tenant_id, ctx.principal.app_id, webhook_id, for_update=for_update
    )
    if row is None:
        raise NotFound(f"No webhook endpoint {webhook_id}.")
    return row


async def create_webhook(ctx: Context, body: WebhookCreate) -> dict[str, Any]:
    from stride_server.core.ids import new_id

    ctx.principal.require("manage", "platform")
    secret = new_secret()
    row = await store.insert_webhook(
        ctx.conn,
        {
            "tenant_id": ctx.principal.tenant_id,
            "id": new_id("whk"),
            "app_id": ctx.principal.app_id,
            "url": await _url(body.url),
            "event_types": body.event_types,
            "areas": _areas(ctx),
            "description": body.description,
            "enabled": body.enabled,
            "secret": secret,
            "created_by": ctx.principal.sub,
        },
    )
    return {**_present(row), "secret": secret}


async def list_webhooks(ctx: Context) -> dict[str, Any]:
    ctx.principal.require("manage", "platform")
    rows = await store.list_webhooks(ctx.conn, ctx.principal.tenant_id, ctx.principal.app_id)
    return {"data": [_present(r) for r in rows], "next_cursor": None, "has_more": False}


async def get_webhook(ctx: Context, webhook_id: str) -> dict[str, Any]:
    return _present(await _endpoint(ctx, webhook_id))


async def update_webhook(
    ctx: Context, webhook_id: str, body: WebhookUpdate, if_match: str | None
) -> dict[str, Any]:
    current = await _endpoint(ctx, webhook_id, for_update=True)
    check_version(current["version"], if_match, body.version, _present(current), "webhook endpoint")
    values = sent_fields(body, ("url", "event_types", "description", "enabled"))
    for name in ("url", "event_types", "enabled"):
        if name in values and values[name] is None:
            raise BadRequest(f"{name} may not be null.")
    if "url" in values:
        values["url"] = await _url(values["url"])
    if values.get("enabled"):
        values["failure_streak"] = 0  # enabled again: a fresh start
    values["areas"] = _areas(ctx)  # whoever changes it answers for what it receives
    row = await store.update_webhook(ctx.conn, ctx.principal.tenant_id, webhook_id, values)
    return _present(row)


async def delete_webhook(ctx: Context, webhook_id: str) -> None:
    await _endpoint(ctx, webhook_id, for_update=True)
    await store.delete_webhook(ctx.conn, ctx.principal.tenant_id, webhook_id)


async def rotate_secret(ctx: Context, webhook_id: str) -> dict[str, Any]:
    await _endpoint(ctx, webhook_id, for_update=True)
    secret = new_secret()
    await store.rotate_secret(ctx.conn, ctx.principal.tenant_id, webhook_id, secret)
    return {"secret": secret}


async def ping(ctx: Context, webhook_id: str) -> dict[str, Any]:
    """A `webhook.ping` event delivered to this endpoint now, whatever its event types."""
    await _endpoint(ctx, webhook_id)
    event_id = await store.emit(ctx.conn, "webhook.ping", ("webhook", webhook_id), {"webhook_id": webhook_id})
    event = await store.get_event(ctx.conn, ctx.principal.tenant_id, event_id)
    assert event is not None
    await store.enqueue_delivery(ctx.conn, ctx.principal.tenant_id, webhook_id, event, 1)
    return {"event_id": event_id}


async def list_deliveries(
    ctx: Context,
    webhook_id: str,
    *,
    status: str | None,
    event_id: str | None,
    cursor: str | None,
    limit: int | None,
) -> dict[str, Any]:
    await _endpoint(ctx, webhook_id)
    if status is not None and status not in DELIVERY_STATUSES:
        raise BadRequest(f"status must be one of {', '.join(DELIVERY_STATUSES)}.")
    if cursor is not None and not cursor.startswith("dlv_"):
        raise BadRequest("Malformed cursor: pass next_cursor from the previous page unchanged.")
    size = _limit(limit)
    rows = await store.list_deliveries(
        ctx.conn,
        ctx.principal.tenant_id,
        webhook_id,
        status=status,
        event_id=_event_id(event_id, "event_id"),
        before=cursor,
        limit=size,
    )
    data = [{k: v for k, v in r.items() if k not in ("tenant_id", "webhook_id")} for r in rows[:size]]
    has_more = len(rows) > size
    return {"data": data, "next_cursor": data[-1]["id"] if has_more else None, "has_more": has_more}


async def retry_delivery(ctx: Context, webhook_id: str, delivery_id: str) -> dict[str, Any]:
    """The event of that delivery goes to this endpoint again (a new attempt, the schedule afresh)."""
    await _endpoint(ctx, webhook_id, for_update=True)
    tenant = ctx.principal.tenant_id
    delivery = await store.get_delivery(ctx.conn, tenant, webhook_id, delivery_id)
    event = None if delivery is None else await store.get_event(ctx.conn, tenant, delivery["event_id"])
    if delivery is None or event is None:
        raise NotFound(f"No delivery {delivery_id} of webhook endpoint {webhook_id}.")
    attempt = await store.next_attempt_number(ctx.conn, tenant, webhook_id, event["id"])
    await store.enqueue_delivery(ctx.conn, tenant, webhook_id, event, attempt)
    return {"event_id": event["id"]}


# --- retention ------------------------------------------------------------------------------------


async def tenant_ids(engine: AsyncEngine) -> list[str]:
    async with engine.connect() as conn:
        return [str(t) for t in (await conn.execute(select(func.stride_tenant_ids()))).scalars()]


async def purge_all_tenants(engine: AsyncEngine) -> int:
    """Events and delivery attempts past each tenant's `events_retention_days` (§8.1)."""
    removed = 0
    for tenant in await tenant_ids(engine):
        async with tenant_transaction(engine, tenant) as conn:
            events, attempts = await store.purge_events(conn, tenant)
        removed += events + attempts
    log.info("retention purge removed %d events and delivery attempts", removed)
    return removed
