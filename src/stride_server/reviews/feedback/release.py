"""What a cycle's status moves do to its 360 feedback (CONTRACT §3.4a): opening fixes the cycle's
minimums, closing releases the answers. Called by the cycles service, under the cycle's update lock."""

from __future__ import annotations

from stride_server.core.context import Context
from stride_server.core.ids import new_id
from stride_server.reviews.feedback import store
from stride_server.reviews.feedback.anonymity import ReleasedSet, minimum_for, plan_release


async def freeze_minimums(ctx: Context, cycle_id: str) -> None:
    """On open (§3.4a.3): the tenant's minimums as they are now stay the cycle's."""
    await store.freeze_minimums(ctx.conn, ctx.principal.tenant_id, cycle_id)


async def release_cycle(ctx: Context, cycle_id: str) -> None:
    """On close (§3.4a.1): flush the cycle's inbox, then release each subject's pending responses per
    direction as `plan_release` decides. Runs under the cycle's update lock."""
    tenant = ctx.principal.tenant_id
    await store.flush_inbox(ctx.conn, tenant, cycle_id)
    pending = await store.pending_counts(ctx.conn, tenant, cycle_id)
    if not pending:
        return
    feedback_minimum, upward_minimum = await store.minimums(ctx.conn, tenant, cycle_id)
    earlier: dict[tuple[str, str], list[ReleasedSet]] = {}
    for row in await store.cycle_releases(ctx.conn, tenant, cycle_id):
        earlier.setdefault((row["subject_id"], row["direction"]), []).append(
            ReleasedSet(row["id"], cycle_id, row["direction"], row["response_count"], 0)
        )
    new_sets, grown = [], []
    for group in pending:
        minimum = minimum_for(group["direction"], feedback_minimum, upward_minimum)
        plan = plan_release(
            earlier.get((group["subject_id"], group["direction"]), []), group["pending"], minimum
        )
        if not plan.release:
            continue
        keys = {"subject_id": group["subject_id"], "direction": group["direction"]}
        if plan.join is not None:
            grown.append({"id": plan.join, **keys, "added": group["pending"]})
        else:
            new_sets.append({"id": new_id("rel"), **keys, "response_count": group["pending"]})
    await store.release(ctx.conn, tenant, cycle_id, new_sets, grown)
