"""Small SQL helpers every store shares: rows as plain dicts, transaction-scoped advisory locks, walks
up a tree, and JSON arrays aggregated in the database."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, text, type_coerce
from sqlalchemy.dialects.postgresql import JSON, aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncConnection

from stride_server.db.scope import of_tenant


def plain(row: Any) -> dict[str, Any]:
    """A row mapping as a dict with plain `str` keys (column keys are `quoted_name`, which orjson refuses)."""
    return {str(key): value for key, value in row.items()}


async def advisory_lock(conn: AsyncConnection, key: str) -> None:
    """A transaction-scoped advisory lock, for rules no single row or index can guard."""
    await conn.execute(select(func.pg_advisory_xact_lock(func.hashtextextended(key, 0))))


def chain_up(table: Any, parent: str, tenant_id: str, start_id: str) -> Any:
    """A recursive CTE of `start_id` and every row above it through the `parent` column, in the
    tenant (UNION, not UNION ALL, so a corrupt chain still ends): its `id` column lists them."""
    chain = (
        select(table.c.id, table.c[parent])
        .where(of_tenant(table, tenant_id), table.c.id == start_id)
        .cte("chain", recursive=True)
    )
    above = table.alias("above")
    return chain.union(
        select(above.c.id, above.c[parent])
        .join(chain, above.c.id == chain.c[parent])
        .where(of_tenant(above, tenant_id))
    )


def json_array(item: Any, *order_by: Any) -> Any:
    """`item` aggregated into a JSON array in `order_by` order; `[]` when there are no rows."""
    aggregated = func.json_agg(aggregate_order_by(item, *order_by)) if order_by else func.json_agg(item)
    return type_coerce(func.coalesce(aggregated, text("'[]'::json")), JSON)
