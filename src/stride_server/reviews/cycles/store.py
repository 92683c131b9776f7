"""SQL of review cycles (CONTRACT §3.2). What a caller may see of cycles lives in `db.scope.cycle_scope`;
writes are tenant-scoped through `db.scope.of_tenant`. The reads of one cycle are statement templates
(`db.reads.template`), built once per shape and run by a `Reader`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, Text, bindparam, cast, delete, func, insert, select, true
from sqlalchemy.ext.asyncio import AsyncConnection

from stride_server.auth.principal import Principal
from stride_server.db.reads import Reader, template
from stride_server.db.rows import plain, returned_row, update_by_id
from stride_server.db.scope import (
    cycle_scope,
    of_tenant,
    review_visibility,
    sees_draft_cycles,
    visibility_params,
    visible_cycle_reviews,
)
from stride_server.db.tables import review_cycles

CYCLE_FIELDS = (
    "id",
    "type",
    "name",
    "period_start",
    "period_end",
    "due_date",
    "status",
    "created_at",
    "updated_at",
)
STAT_STATUSES = ("completed", "draft", "self_assessment", "in_review", "ready_for_review")
STAT_FIELDS = ("total", *STAT_STATUSES)
_TENANT = bindparam("tenant_id", type_=Text())
_CYCLE = bindparam("cycle_id", type_=Text())


def _cycle_columns() -> list[Any]:
    return [review_cycles.c[n] for n in CYCLE_FIELDS]


def _params(principal: Principal, cycle_id: str) -> dict[str, Any]:
    return {"tenant_id": principal.tenant_id, "cycle_id": cycle_id, **visibility_params(principal)}


async def list_cycles(conn: AsyncConnection, principal: Principal) -> list[dict[str, Any]]:
    statement = (
        select(*_cycle_columns())
        .where(cycle_scope(principal))
        .order_by(review_cycles.c.period_start.desc(), review_cycles.c.id.desc())
    )
    return [plain(r) for r in (await conn.execute(statement)).mappings()]


async def fetch_cycle(
    reader: Reader, principal: Principal, cycle_id: str, *, lock_mode: str | None = None
) -> dict[str, Any] | None:
    """A visible cycle; `lock_mode` "update" (status changes) or "share" (writes that need it open)."""
    sees_drafts = sees_draft_cycles(principal)

    def build() -> Any:
        statement = select(*_cycle_columns()).where(
            cycle_scope(principal, _TENANT), review_cycles.c.id == _CYCLE
        )
        return statement if lock_mode is None else statement.with_for_update(read=lock_mode == "share")

    statement = template(("reviews.cycle", sees_drafts, lock_mode), build)
    rows = await reader.records(statement, _params(principal, cycle_id))
    return rows[0] if rows else None


def _stats(principal: Principal) -> Any:
    """One row: the review counts of the cycle `cycle_id` visible to the caller, in total and per
    status. The visible reviews are counted per status first, so each FILTER sums a handful of groups
    rather than testing every review."""
    rows = visible_cycle_reviews(principal, _TENANT, _CYCLE).subquery("visible_reviews")
    per_status = select(rows.c.status, func.count().label("n")).group_by(rows.c.status).subquery("per_status")

    def counted(status: str | None) -> Any:
        added: Any = func.sum(per_status.c.n)
        if status is not None:
            added = added.filter(per_status.c.status == status)
        return cast(func.coalesce(added, 0), Integer).label(status or "total")

    return select(counted(None), *(counted(s) for s in STAT_STATUSES)).subquery("stats")


async def fetch_cycle_detail(reader: Reader, principal: Principal, cycle_id: str) -> dict[str, Any] | None:
    """A visible cycle with its review stats (`STAT_FIELDS`) in one statement, or None."""
    sees_drafts, visible = sees_draft_cycles(principal), review_visibility(principal)

    def build() -> Any:
        stats = _stats(principal)
        return (
            select(*_cycle_columns(), *(stats.c[n] for n in STAT_FIELDS))
            .select_from(review_cycles.join(stats, true()))
            .where(cycle_scope(principal, _TENANT), review_cycles.c.id == _CYCLE)
        )

    statement = template(("reviews.cycle_detail", sees_drafts, visible), build)
    rows = await reader.records(statement, _params(principal, cycle_id))
    return rows[0] if rows else None


async def visible_cycles(conn: AsyncConnection, principal: Principal, ids: list[str]) -> set[str]:
    rows = await conn.execute(
        select(review_cycles.c.id).where(cycle_scope(principal), review_cycles.c.id.in_(ids))
    )
    return {r[0] for r in rows}


async def insert_cycle(conn: AsyncConnection, values: dict[str, Any]) -> dict[str, Any]:
    return await returned_row(conn, insert(review_cycles).values(**values).returning(*_cycle_columns()))


async def update_cycle(
    conn: AsyncConnection, tenant_id: str, cycle_id: str, values: dict[str, Any]
) -> dict[str, Any]:
    statement = update_by_id(review_cycles, of_tenant(review_cycles, tenant_id), cycle_id, values)
    return await returned_row(conn, statement.returning(*_cycle_columns()))


async def delete_cycle(conn: AsyncConnection, tenant_id: str, cycle_id: str) -> None:
    await conn.execute(
        delete(review_cycles).where(of_tenant(review_cycles, tenant_id), review_cycles.c.id == cycle_id)
    )
