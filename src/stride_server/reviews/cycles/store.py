"""SQL of review cycles (CONTRACT §3.2). What a caller may see of cycles lives in `db.scope.cycle_scope`;
writes are tenant-scoped through `db.scope.of_tenant`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from stride_server.auth.principal import Principal
from stride_server.db.rows import plain
from stride_server.db.scope import cycle_scope, of_tenant
from stride_server.db.tables import review_cycles, reviews

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


def _cycle_columns() -> list[Any]:
    return [review_cycles.c[n] for n in CYCLE_FIELDS]


async def list_cycles(conn: AsyncConnection, principal: Principal) -> list[dict[str, Any]]:
    statement = (
        select(*_cycle_columns())
        .where(cycle_scope(principal))
        .order_by(review_cycles.c.period_start.desc(), review_cycles.c.id.desc())
    )
    return [plain(r) for r in (await conn.execute(statement)).mappings()]


async def fetch_cycle(
    conn: AsyncConnection, principal: Principal, cycle_id: str, *, lock_mode: str | None = None
) -> dict[str, Any] | None:
    """A visible cycle; `lock_mode` "update" (status changes) or "share" (writes that need it open)."""
    statement = select(*_cycle_columns()).where(cycle_scope(principal), review_cycles.c.id == cycle_id)
    if lock_mode is not None:
        statement = statement.with_for_update(read=lock_mode == "share")
    row = (await conn.execute(statement)).mappings().first()
    return plain(row) if row else None


async def visible_cycles(conn: AsyncConnection, principal: Principal, ids: list[str]) -> set[str]:
    rows = await conn.execute(
        select(review_cycles.c.id).where(cycle_scope(principal), review_cycles.c.id.in_(ids))
    )
    return {r[0] for r in rows}


async def cycle_stats(
    conn: AsyncConnection,
    cycle_id: str,
    review_condition: ColumnElement[bool],
) -> dict[str, int]:
    """Review counts per status over the cycle's reviews matching `review_condition` (one statement)."""
    counts = [func.count().label("total")]
    counts += [func.count().filter(reviews.c.status == s).label(s) for s in STAT_STATUSES]
    statement = select(*counts).where(review_condition, reviews.c.cycle_id == cycle_id)
    return plain((await conn.execute(statement)).mappings().one())


async def insert_cycle(conn: AsyncConnection, values: dict[str, Any]) -> dict[str, Any]:
    statement = insert(review_cycles).values(**values).returning(*_cycle_columns())
    return plain((await conn.execute(statement)).mappings().one())


async def update_cycle(
    conn: AsyncConnection, tenant_id: str, cycle_id: str, values: dict[str, Any]
) -> dict[str, Any]:
    statement = (
        update(review_cycles)
        .where(of_tenant(review_cycles, tenant_id), review_cycles.c.id == cycle_id)
        .values(**values, updated_at=func.now())
        .returning(*_cycle_columns())
    )
    return plain((await conn.execute(statement)).mappings().one())


async def delete_cycle(conn: AsyncConnection, tenant_id: str, cycle_id: str) -> None:
    await conn.execute(
        delete(review_cycles).where(of_tenant(review_cycles, tenant_id), review_cycles.c.id == cycle_id)
    )
