"""SQL of the caller's pending actions (CONTRACT §3.5): one statement of four counts over reviews,
feedback requests and cycles, tenant-scoped through `db.scope.of_tenant`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from stride_server.auth.principal import Principal
from stride_server.db.rows import returned_row
from stride_server.db.scope import of_tenant
from stride_server.db.tables import feedback_requests, review_cycles, reviews


async def pending_counts(conn: AsyncConnection, principal: Principal) -> dict[str, int]:
    """The caller's pending actions, in one statement of four counts."""
    tenant, me = principal.tenant_id, principal.sub
    open_cycles = select(review_cycles.c.id).where(
        of_tenant(review_cycles, tenant), review_cycles.c.status == "open"
    )

    def count(table: Any, *conditions: Any) -> Any:
        return select(func.count()).select_from(table).where(of_tenant(table, tenant), *conditions)

    pending_reviews = count(
        reviews,
        reviews.c.reviewer_id == me,
        reviews.c.status != "completed",
        reviews.c.cycle_id.in_(open_cycles),
    )
    self_assessments = count(reviews, reviews.c.user_id == me, reviews.c.status == "self_assessment")
    pending_feedback = count(
        feedback_requests, feedback_requests.c.reviewer_id == me, feedback_requests.c.status == "pending"
    )
    cycles_open = select(func.count()).select_from(open_cycles.subquery())
    statement = select(
        pending_reviews.scalar_subquery().label("pending_reviews"),
        self_assessments.scalar_subquery().label("self_assessments"),
        pending_feedback.scalar_subquery().label("pending_feedback"),
        cycles_open.scalar_subquery().label("open_cycles"),
    )
    return await returned_row(conn, statement)
