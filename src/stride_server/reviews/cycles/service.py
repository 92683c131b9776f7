"""Use cases of review cycles (CONTRACT §3.2): read the cycles the caller sees, write them under
`manage:performance` along the status moves, hand an open cycle to the reviews and feedback that need
one, and resolve `PersonGoal.review_cycle_id` for the Data API."""

from __future__ import annotations

from typing import Any

from stride_server.core.context import Context
from stride_server.core.ids import new_id
from stride_server.core.problems import BadRequest, NotFound, field_error
from stride_server.reviews.cycles import store
from stride_server.reviews.cycles.schemas import CycleCreate, CycleUpdate
from stride_server.reviews.feedback import release
from stride_server.reviews.rules import is_cycle_move


async def list_cycles(ctx: Context) -> list[dict[str, Any]]:
    ctx.principal.require("view", "performance")
    return await store.list_cycles(ctx.conn, ctx.principal)


async def visible_cycle(ctx: Context, cycle_id: str, *, lock_mode: str | None = None) -> dict[str, Any]:
    ctx.principal.require("view", "performance")
    cycle = await store.fetch_cycle(ctx.reader, ctx.principal, cycle_id, lock_mode=lock_mode)
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


async def create_cycle(ctx: Context, body: CycleCreate) -> dict[str, Any]:
    ctx.principal.require("manage", "performance")
    values = body.model_dump()
    _check_period(values)
    values.update(tenant_id=ctx.principal.tenant_id, id=new_id("cyc"), status="draft")
    return await store.insert_cycle(ctx.conn, values)


async def get_cycle(ctx: Context, cycle_id: str) -> dict[str, Any]:
    """The cycle with `stats` counted over its reviews visible to the caller (one statement)."""
    ctx.principal.require("view", "performance")
    row = await store.fetch_cycle_detail(ctx.reader, ctx.principal, cycle_id)
    if row is None:
        raise NotFound(f"No review cycle {cycle_id}.")
    cycle = {n: row[n] for n in store.CYCLE_FIELDS}
    return {**cycle, "stats": {n: row[n] for n in store.STAT_FIELDS}}


async def update_cycle(ctx: Context, cycle_id: str, body: CycleUpdate) -> dict[str, Any]:
    cycle = await visible_cycle(ctx, cycle_id, lock_mode="update")
    ctx.principal.require("manage", "performance")
    values = {k: getattr(body, k) for k in body.model_fields_set}
    _check_period({**cycle, **values})
    target = values.get("status", cycle["status"])
    if target == cycle["status"]:
        values.pop("status", None)  # re-sending the current status is not a move
    elif not is_cycle_move(cycle["status"], target):
        raise BadRequest(
            f"A cycle cannot move from {cycle['status']} to {target} "
            "(allowed: draft→open, open→closed, closed→open).",
            slug="invalid-transition",
        )
    updated = await store.update_cycle(ctx.conn, ctx.principal.tenant_id, cycle_id, values)
    if values.get("status") == "open":
        await release.freeze_minimums(ctx, cycle_id)
    elif values.get("status") == "closed":
        await release.release_cycle(ctx, cycle_id)
    return updated


async def delete_cycle(ctx: Context, cycle_id: str) -> None:
    cycle = await visible_cycle(ctx, cycle_id, lock_mode="update")
    ctx.principal.require("manage", "performance")
    # Seed 001: "Delete a draft cycle. Returns 400 if cycle is not in draft status."
    if cycle["status"] != "draft":
        raise BadRequest(
            f"Only draft cycles can be deleted; this one is {cycle['status']}.", slug="invalid-transition"
        )
    await store.delete_cycle(ctx.conn, ctx.principal.tenant_id, cycle_id)


async def visible_cycles(ctx: Context, ids: list[str]) -> set[str]:
    """PersonGoal.review_cycle_id → a review cycle the caller sees (a Data API reference checker)."""
    return await store.visible_cycles(ctx.conn, ctx.principal, ids)
