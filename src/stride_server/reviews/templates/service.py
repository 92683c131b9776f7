"""Use cases of review templates (CONTRACT §3.1): read them, write them under `manage:performance`
(one template per access level, one default), and resolve `Person.review_template_id` for the Data API."""

from __future__ import annotations

from typing import Any

from stride_server.core.context import Context
from stride_server.core.ids import new_id
from stride_server.core.problems import Conflict, NotFound
from stride_server.db.rows import advisory_lock
from stride_server.reviews.templates import store
from stride_server.reviews.templates.schemas import TemplateCreate, TemplateItemIn, TemplateUpdate


def _template(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "items": row["items"] or []}


async def list_templates(ctx: Context) -> list[dict[str, Any]]:
    ctx.principal.require("view", "performance")
    return [_template(r) for r in await store.list_templates(ctx.conn, ctx.principal.tenant_id)]


async def get_template(ctx: Context, template_id: str) -> dict[str, Any]:
    ctx.principal.require("view", "performance")
    rows = await store.list_templates(ctx.conn, ctx.principal.tenant_id, template_id)
    if not rows:
        raise NotFound(f"No review template {template_id}.")
    return _template(rows[0])


def _items(items: list[TemplateItemIn], known: set[str]) -> list[dict[str, Any]]:
    """Template items to store: an item sent with one of the template's own item ids keeps it; any
    other id is ignored and the item is added as new (ids never move between templates). Positions
    give the default order."""
    rows, seen = [], set()
    for position, item in enumerate(items):
        item_id = item.id if item.id in known and item.id not in seen else new_id("tpi")
        seen.add(item_id)
        rows.append(
            {
                "id": item_id,
                "area": item.area,
                "label": item.label,
                "is_mandatory": item.is_mandatory,
                "sort_order": item.sort_order if item.sort_order is not None else position,
            }
        )
    return rows


async def _claim(ctx: Context, template_id: str, access_level: str | None, is_default: bool) -> None:
    """One template per access level (else 409); setting `is_default` moves the tenant's default."""
    tenant = ctx.principal.tenant_id
    await advisory_lock(ctx.conn, f"stride.review-templates:{tenant}")
    if access_level is not None:
        holder = await store.access_level_holder(ctx.conn, tenant, access_level)
        if holder is not None and holder != template_id:
            raise Conflict(f"Template {holder} already serves access level {access_level}.")
    if is_default:
        await store.clear_default(ctx.conn, tenant)


async def create_template(ctx: Context, body: TemplateCreate) -> dict[str, Any]:
    ctx.principal.require("manage", "performance")
    template_id = new_id("tpl")
    await _claim(ctx, template_id, body.access_level, body.is_default)
    await store.insert_template(
        ctx.conn,
        {
            "tenant_id": ctx.principal.tenant_id,
            "id": template_id,
            "name": body.name,
            "access_level": body.access_level,
            "is_default": body.is_default,
        },
    )
    await store.replace_template_items(
        ctx.conn, ctx.principal.tenant_id, template_id, _items(body.items, set())
    )
    return await get_template(ctx, template_id)


async def update_template(ctx: Context, template_id: str, body: TemplateUpdate) -> dict[str, Any]:
    tenant = ctx.principal.tenant_id
    current = await get_template(ctx, template_id)
    ctx.principal.require("manage", "performance")
    sent = body.model_fields_set
    values: dict[str, Any] = {
        k: getattr(body, k) for k in ("name", "access_level", "is_default") if k in sent
    }
    await _claim(
        ctx,
        template_id,
        values.get("access_level", current["access_level"]),
        bool(values.get("is_default")) and not current["is_default"],
    )
    if values:
        await store.update_template(ctx.conn, tenant, template_id, values)
    if "items" in sent:
        known = await store.template_item_ids(ctx.conn, tenant, template_id)
        await store.replace_template_items(ctx.conn, tenant, template_id, _items(body.items, known))
        if not values:
            await store.update_template(ctx.conn, tenant, template_id, {})
    return await get_template(ctx, template_id)


async def delete_template(ctx: Context, template_id: str) -> None:
    await get_template(ctx, template_id)
    ctx.principal.require("manage", "performance")
    if await store.template_in_use(ctx.conn, ctx.principal.tenant_id, template_id):
        raise Conflict("People are assigned this template (review_template_id); reassign them first.")
    await store.delete_template(ctx.conn, ctx.principal.tenant_id, template_id)


async def existing_templates(ctx: Context, ids: list[str]) -> set[str]:
    """Person.review_template_id → a review template of the tenant (a Data API reference checker)."""
    return await store.existing_templates(ctx.conn, ctx.principal.tenant_id, ids)
