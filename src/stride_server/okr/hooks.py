"""Rules and computed fields of Objectives and KeyResults (CONTRACT §2.3, §2.4), attached to the
registry: validation, progress and health on every key-result write, history of `current`, and
roll-ups up the objective chain inside the same transaction, under locks of only the objective trees
the write rolls up into."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from functools import wraps
from typing import Any, ParamSpec, TypeVar

import asyncpg
from sqlalchemy.exc import DBAPIError

from stride_server.core.context import Context
from stride_server.core.problems import ServiceUnavailable, field_error
from stride_server.db.rows import is_retryable_conflict
from stride_server.edm.hooks import Hooks, Record
from stride_server.okr import store
from stride_server.okr.progress import elapsed_share, health, key_result_progress

# Reading the roots again after locking them settles at once unless trees are re-parented under the
# write; a tree that keeps moving for this many rounds is answered with a retry.
_LOCK_ROUNDS = 8
_RETRY = "A concurrent change to the same objective tree got in the way of this write; retry it."
P = ParamSpec("P")
R = TypeVar("R")


async def lock_trees(ctx: Context, objective_ids: list[str], key_result_ids: list[str]) -> None:
    """Serialise the writes of the objective trees this write rolls up into, and only those: every
    writer of a tree (check-ins, key results moving in or out, objectives re-parented, re-weighted or
    deleted in it) takes its root's lock before reading anything, so each roll-up sees the committed
    result of the previous writer of that tree (no lost update), while other trees, of this tenant
    too, are written in parallel.

    The roots are read in the statement that locks them, so a re-parent committed meanwhile may have
    moved the chain under another root: read them again, locking any new one, until they no longer
    change. Once held, a root cannot change: whoever moves a chain holds the locks of its tree and of
    the tree it joins. Locks taken together are taken in a fixed order; only a root that appears on
    re-reading is taken after others: a deadlock PostgreSQL breaks there is a 503 to retry."""
    if not objective_ids and not key_result_ids:
        return
    tenant, held = ctx.principal.tenant_id, set[str]()
    for _ in range(_LOCK_ROUNDS):
        roots = await store.lock_trees(
            ctx.reader, tenant, objective_ids=objective_ids, key_result_ids=key_result_ids
        )
        if roots <= held:
            return
        held |= roots
    raise ServiceUnavailable(_RETRY, headers={"Retry-After": "1"})


def answer_conflicts_with_503(
    hook: Callable[P, Coroutine[Any, Any, R]],
) -> Callable[P, Coroutine[Any, Any, R]]:
    """A deadlock or serialization failure PostgreSQL raises in `hook` rolled the whole write back;
    answer it as a 503 to retry, not a 500. (Taking tree locks as above leaves one place for a
    deadlock: a root that appears on re-reading; this also covers anything unforeseen.)"""

    @wraps(hook)
    async def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return await hook(*args, **kwargs)
        except (DBAPIError, asyncpg.PostgresError) as exc:
            if not is_retryable_conflict(exc):
                raise
            raise ServiceUnavailable(_RETRY, headers={"Retry-After": "1"}) from exc

    return guarded


def _ids(*candidates: Any) -> list[str]:
    return [c for c in candidates if isinstance(c, str)]


@answer_conflicts_with_503
async def lock_key_result(ctx: Context, record_id: str | None, values: Record) -> None:
    """A key result rolls up into its objective's tree and, when it moves, the new objective's."""
    await lock_trees(ctx, _ids(values.get("objective_id")), _ids(record_id))


@answer_conflicts_with_503
async def lock_objective(ctx: Context, record_id: str | None, values: Record) -> None:
    """An objective's write changes its own tree and, when it is re-parented, the new parent's (a
    new root objective changes no tree but its own, which nobody else can see yet)."""
    await lock_trees(ctx, _ids(record_id, values.get("parent_objective_id")), [])


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
    period = await store.objective_period(ctx.reader, ctx.principal.tenant_id, record["objective_id"])
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


@answer_conflicts_with_503
async def roll_up_key_result(ctx: Context, record: dict[str, Any], before: dict[str, Any] | None) -> None:
    tenant = ctx.principal.tenant_id
    await store.recompute_chain(ctx.reader, tenant, record["objective_id"])
    if before is not None and before["objective_id"] != record["objective_id"]:
        await store.recompute_chain(ctx.reader, tenant, before["objective_id"])


async def validate_objective(ctx: Context, record: dict[str, Any], before: dict[str, Any] | None) -> None:
    parent = record.get("parent_objective_id")
    if before is None or parent is None or parent == before.get("parent_objective_id"):
        return
    if parent == record["id"] or record["id"] in await store.ancestor_ids(
        ctx.conn, ctx.principal.tenant_id, parent
    ):
        raise field_error("parent_objective_id", "would make the objective its own ancestor")


@answer_conflicts_with_503
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
        await store.recompute_chain(ctx.reader, tenant, parent)
        return
    old_parent = before["parent_objective_id"]
    if (
        parent != old_parent
        or record["weight"] != before["weight"]
        or record["is_deleted"] != before["is_deleted"]
    ):
        await store.recompute_chain(ctx.reader, tenant, parent)
        if old_parent != parent:
            await store.recompute_chain(ctx.reader, tenant, old_parent)


HOOKS = {
    "KeyResult": Hooks(
        lock=lock_key_result,
        validate=validate_key_result,
        before_write=compute_key_result,
        after_write=roll_up_key_result,
        on_reader=True,
    ),
    "Objective": Hooks(lock=lock_objective, validate=validate_objective, after_write=roll_up_objective),
}
