"""SQL of the OKR rules: walking the objective parent chain."""

from __future__ import annotations

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from stride.db.tables import ENTITY_TABLES

objectives = ENTITY_TABLES["Objective"]


async def ancestor_ids(conn: AsyncConnection, tenant_id: str, objective_id: str) -> list[str]:
    """The objective and every objective above it, nearest first (bounded, so a corrupt chain
    cannot loop forever)."""
    chain = (
        select(objectives.c.id, objectives.c.parent_objective_id)
        .where(objectives.c.tenant_id == tenant_id, objectives.c.id == objective_id)
        .cte("chain", recursive=True)
    )
    parent = objectives.alias("parent")
    chain = chain.union(
        select(parent.c.id, parent.c.parent_objective_id)
        .join(chain, and_(parent.c.id == chain.c.parent_objective_id))
        .where(parent.c.tenant_id == tenant_id)
    )
    rows = await conn.execute(select(chain.c.id).limit(1000))
    return [r[0] for r in rows]
