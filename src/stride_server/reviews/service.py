"""Use cases of review templates, cycles and pending actions (CONTRACT §3.1, §3.2, §3.5), the
person checks every reviews use case shares, and the reference checkers the Data API calls."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from stride_server.core.context import Context
from stride_server.core.ids import new_id
from stride_server.core.problems import BadRequest, Conflict, NotFound, field_error
from stride_server.db.rows import advisory_lock
from stride_server.db.scope import review_scope
from stride_server.directory import store as directory
from stride_server.edm.hooks import ReferenceChecker
from stride_server.reviews import feedback_store, store
from stride_server.reviews.rules import is_cycle_move


# ------------------------------------------------------------------------------------------ people
async def visible_person(ctx: Context, person_id: str, field: str) -> dict[str, Any]:
    """A person the caller sees (§1.4), else 404; an inactive one is refused (422) for new work."""
    person = await directory.get_person(ctx.conn, ctx.principal.tenant_id, person_id)
    if person is None or not await directory.person_is_visible(ctx.conn, ctx.principal, person_id):
        raise NotFound(f"No person {person_id}.")
    if person["status"] != "active":
        raise field_error(field, f"{person_id} is not an active person")
    return person


async def active_person(ctx: Context, person_id: str, field: str) -> dict[str, Any]:
    """Any active person of the tenant (reviewers need not be in the caller's scope), else 422."""
    person = await directory.get_person(ctx.conn, ctx.principal.tenant_id, person_id)
    if person is None or person["status"] != "active":
        raise field_error(field, f"{person_id} is not an active person of this tenant")
    return person


# --------------------------------------------------------------------------------------- templates
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


def _items(items: list[Any], known: set[str]) -> list[dict[str, Any]]:
    """Template items to store: an item sent with one of the template's own item ids keeps it; any
    other id is ignored and the item is added as new (ids never move between templates). Positions
    give the default order."""
    rows, seen = [], set()
    for position, item in enumerate(items):
        item_id = item.id if item.id in known and item.id not in seen else new_id("tpi")
        seen.add(item_id)
        rows.append({"id": item_id, "area": item.area, "label": item.label, "is_mandatory": item.is_mandatory,
                     "sort_order": item.sort_order if item.sort_order is not None else position})
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


async def create_template(ctx: Context, body: BaseModel) -> dict[str, Any]:
    ctx.principal.require("manage", "performance")
    data: Any = body
    template_id = new_id("tpl")
    await _claim(ctx, template_id, data.access_level, data.is_default)
    await store.insert_template(ctx.conn, {"tenant_id": ctx.principal.tenant_id, "id": template_id,
                                           "name": data.name, "access_level": data.access_level,
                                           "is_default": data.is_default})
    await store.replace_template_items(ctx.conn, ctx.principal.tenant_id, template_id, _items(data.items, set()))
    return await get_template(ctx, template_id)


async def update_template(ctx: Context, template_id: str, body: BaseModel) -> dict[str, Any]:
    tenant = ctx.principal.tenant_id
    current = await get_template(ctx, template_id)
    ctx.principal.require("manage", "performance")
    data: Any = body
    sent = body.model_fields_set
    values: dict[str, Any] = {k: getattr(data, k) for k in ("name", "access_level", "is_default") if k in sent}
    await _claim(ctx, template_id, values.get("access_level", current["access_level"]),
                 bool(values.get("is_default")) and not current["is_default"])
    if values:
        await store.update_template(ctx.conn, tenant, template_id, values)
    if "items" in sent:
        known = await store.template_item_ids(ctx.conn, tenant, template_id)
        await store.replace_template_items(ctx.conn, tenant, template_id, _items(data.items, known))
        if not values:
            await store.update_template(ctx.conn, tenant, template_id, {})
    return await get_template(ctx, template_id)


async def delete_template(ctx: Context, template_id: str) -> None:
    await get_template(ctx, template_id)
    ctx.principal.require("manage", "performance")
    if await store.template_in_use(ctx.conn, ctx.principal.tenant_id, template_id):
        raise Conflict("People are assigned this template (review_template_id); reassign them first.")
    await store.delete_template(ctx.conn, ctx.principal.tenant_id, template_id)


# ------------------------------------------------------------------------------------------ cycles
async def list_cycles(ctx: Context) -> list[dict[str, Any]]:
    ctx.principal.require("view", "performance")
    return await store.list_cycles(ctx.conn, ctx.principal)


async def visible_cycle(ctx: Context, cycle_id: str, *, lock_mode: str | None = None) -> dict[str, Any]:
    ctx.principal.require("view", "performance")
    cycle = await store.fetch_cycle(ctx.conn, ctx.principal, cycle_id, lock_mode=lock_mode)
    if cycle is None:
        raise NotFound(f"No review cycle {cycle_id}.")
    return cycle


async def open_cycle(ctx: Context, cycle_id: str) -> dict[str, Any]:
    """A visible cycle that takes new work (reviews, feedback requests): open, else 400. Held with a
    share lock so it cannot close under the write."""
    cycle = await visible_cycle(ctx, cycle_id, lock_mode="share")
    if cycle["status"] != "open":
        raise BadRequest(f"The cycle is {cycle['status']}; this needs an open cycle.", slug="cycle-not-open")
    return cycle


def _check_period(cycle: dict[str, Any]) -> None:
    if cycle["period_end"] < cycle["period_start"]:
        raise field_error("period_end", "must be on or after period_start")


async def create_cycle(ctx: Context, body: BaseModel) -> dict[str, Any]:
    ctx.principal.require("manage", "performance")
    values = body.model_dump()
    _check_period(values)
    values.update(tenant_id=ctx.principal.tenant_id, id=new_id("cyc"), status="draft")
    return await store.insert_cycle(ctx.conn, values)


async def get_cycle(ctx: Context, cycle_id: str) -> dict[str, Any]:
    cycle = await visible_cycle(ctx, cycle_id)
    stats = await store.cycle_stats(ctx.conn, cycle_id, review_scope(ctx.principal))
    return {**cycle, "stats": stats}


async def update_cycle(ctx: Context, cycle_id: str, body: BaseModel) -> dict[str, Any]:
    cycle = await visible_cycle(ctx, cycle_id, lock_mode="update")
    ctx.principal.require("manage", "performance")
    values = {k: getattr(body, k) for k in body.model_fields_set}
    _check_period({**cycle, **values})
    target = values.get("status", cycle["status"])
    if target == cycle["status"]:
        values.pop("status", None)  # re-sending the current status is not a move
    elif not is_cycle_move(cycle["status"], target):
        raise BadRequest(f"A cycle cannot move from {cycle['status']} to {target} "
                         "(allowed: draft→open, open→closed, closed→open).", slug="invalid-transition")
    updated = await store.update_cycle(ctx.conn, ctx.principal.tenant_id, cycle_id, values)
    if values.get("status") == "open":
        await feedback_store.freeze_minimums(ctx.conn, ctx.principal.tenant_id, cycle_id)
    elif values.get("status") == "closed":
        # Imported here: feedback_service uses this module's person checks.
        from stride_server.reviews.feedback_service import release_cycle

        await release_cycle(ctx, cycle_id)
    return updated


async def delete_cycle(ctx: Context, cycle_id: str) -> None:
    cycle = await visible_cycle(ctx, cycle_id, lock_mode="update")
    ctx.principal.require("manage", "performance")
    # Seed 001: "Delete a draft cycle. Returns 400 if cycle is not in draft status."
    if cycle["status"] != "draft":
        raise BadRequest(f"Only draft cycles can be deleted; this one is {cycle['status']}.",
                         slug="invalid-transition")
    await store.delete_cycle(ctx.conn, ctx.principal.tenant_id, cycle_id)


# ----------------------------------------------------------------------------------------- pending
async def pending(ctx: Context) -> dict[str, int]:
    ctx.principal.require("view", "performance")
    return await store.pending_counts(ctx.conn, ctx.principal)


# ------------------------------------------------------------------------------ reference checkers
async def _existing_cycles(ctx: Context, ids: list[str]) -> set[str]:
    """PersonGoal.review_cycle_id → a review cycle the caller sees."""
    return await store.visible_cycles(ctx.conn, ctx.principal, ids)


async def _existing_templates(ctx: Context, ids: list[str]) -> set[str]:
    """Person.review_template_id → a review template of the tenant."""
    return await store.existing_templates(ctx.conn, ctx.principal.tenant_id, ids)


# Reference kinds of the Data API's fields this domain resolves (installed by stride_server.wiring).
REFERENCE_CHECKERS: dict[str, ReferenceChecker] = {"review_cycle": _existing_cycles,
                                                   "review_template": _existing_templates}
