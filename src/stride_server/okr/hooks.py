"""Rules and computed fields of Objectives and KeyResults (CONTRACT §2.3, §2.4), attached to the
registry: validation, progress and health on every key-result write, history of `current`, and
roll-ups up the objective chain inside the same transaction."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from stride_server.core.context import Context
from stride_server.core.problems import field_error
from stride_server.edm.hooks import Hooks
from stride_server.okr import store
from stride_server.okr.progress import elapsed_share, health, key_result_progress


async def lock(ctx: Context) -> None:
    await store.lock_okr_writes(ctx.conn, ctx.principal.tenant_id)


async def validate_key_result(ctx: Context, record: dict[str, Any], before: dict[str, Any] | None) -> None:
    baseline, target = record["baseline"], record["target"]
    if record["metric_type"] in ("boolean", "milestone") and (baseline != 0 or target != 1):
        raise field_error("target", f"a {record['metric_type']} key result has baseline 0 and target 1")
    if record["direction"] == "increase" and not target > baseline:
        raise field_error("target", "must be greater than baseline when direction is increase")
    if record["direction"] == "decrease" and not target < baseline:
        raise field_error("target", "must be less than baseline when direction is decrease")
    source = record["data_source"]
    if (source == "connector") != (record.get("connector_id") is not None):
        raise field_error("connector_id", "is required exactly when data_source is connector")
    if (source == "query") != (record.get("query") is not None):
        raise field_error("query", "is required exactly when data_source is query")


async def compute_key_result(
    ctx: Context, values: dict[str, Any], record: dict[str, Any], before: dict[str, Any] | None
) -> None:
    """progress_pct and status on every write; history and last_update_at when `current` changes
    (a check-in always records, even at an unchanged value, since it carries a note)."""
    now = datetime.now(UTC)
    current = record["current"]
    progress = key_result_progress(
        record["metric_type"], record["direction"], record["baseline"], record["target"], current
    )
    period = await store.objective_period(ctx.conn, ctx.principal.tenant_id, record["objective_id"])
    elapsed = elapsed_share(period, now) if period else 0.0
    values["progress_pct"] = progress
    values["status"] = health(progress, current, elapsed)
    check_in = ctx.attributes.get("check_in")
    changed = (
        (current is not None) if before is None else ("current" in values and current != before["current"])
    )
    if changed or check_in is not None:
        entry = {
            "value": current,
            "at": now.isoformat().replace("+00:00", "Z"),
            "by": ctx.principal.sub,
            "note": (check_in or {}).get("note"),
        }
        values["history"] = [*(before["history"] if before else []), entry]
        values["last_update_at"] = now


async def roll_up_key_result(ctx: Context, record: dict[str, Any], before: dict[str, Any] | None) -> None:
    tenant = ctx.principal.tenant_id
    await store.recompute_chain(ctx.conn, tenant, record["objective_id"])
    if before is not None and before["objective_id"] != record["objective_id"]:
        await store.recompute_chain(ctx.conn, tenant, before["objective_id"])


async def validate_objective(ctx: Context, record: dict[str, Any], before: dict[str, Any] | None) -> None:
    parent = record.get("parent_objective_id")
    if before is None or parent is None or parent == before.get("parent_objective_id"):
        return
    if parent == record["id"] or record["id"] in await store.ancestor_ids(
        ctx.conn, ctx.principal.tenant_id, parent
    ):
        raise field_error("parent_objective_id", "would make the objective its own ancestor")


async def roll_up_objective(ctx: Context, record: dict[str, Any], before: dict[str, Any] | None) -> None:
    """A new, moved, re-weighted or deleted objective changes its parents' roll-up; a new period
    changes its key results' health."""
    tenant, parent = ctx.principal.tenant_id, record["parent_objective_id"]
    if before is not None and before["period"] != record["period"]:
        elapsed = elapsed_share(record["period"], datetime.now(UTC))
        rows = await store.key_results_of(ctx.conn, tenant, record["id"])
        await store.set_statuses(
            ctx.conn, tenant, {r.id: health(r.progress_pct, r.current, elapsed) for r in rows}
        )
    if before is None:
        await store.recompute_chain(ctx.conn, tenant, parent)
        return
    old_parent = before["parent_objective_id"]
    if (
        parent != old_parent
        or record["weight"] != before["weight"]
        or record["is_deleted"] != before["is_deleted"]
    ):
        await store.recompute_chain(ctx.conn, tenant, parent)
        if old_parent != parent:
            await store.recompute_chain(ctx.conn, tenant, old_parent)


HOOKS = {
    "KeyResult": Hooks(
        lock=lock,
        validate=validate_key_result,
        before_write=compute_key_result,
        after_write=roll_up_key_result,
    ),
    "Objective": Hooks(lock=lock, validate=validate_objective, after_write=roll_up_objective),
}
