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


def advisory_locks_sql(ids_sql: str, namespace: str = "namespace") -> str:
    """SQL text taking the `advisory_lock` named `:namespace || id` for every `id` the query `ids_sql`
    yields, in the order of the locks' keys, and returning those ids. Two transactions that lock
    overlapping sets this way queue one behind the other instead of deadlocking. (The sort is in a
    subquery, which PostgreSQL never flattens, so the locks are taken row by row in that order.)"""
    return f"""SELECT id, pg_advisory_xact_lock(key) AS locked FROM (
    SELECT id, hashtextextended(:{namespace} || id, 0) AS key FROM ({ids_sql}) AS ids ORDER BY key
) AS ordered"""  # noqa: S608 (the caller's constant SQL; values are bind parameters)


# Deadlock detected, serialization failure: the transaction was rolled back and may simply be retried.
_RETRYABLE_SQLSTATES = frozenset({"40P01", "40001"})


def is_retryable_conflict(exc: BaseException) -> bool:
    """True when `exc` (or what caused it) is PostgreSQL giving up one of two conflicting transactions
    (a deadlock or a serialization failure), which a retry of the whole use case resolves."""
    seen: BaseException | None = exc
    while seen is not None:
        if getattr(seen, "sqlstate", None) in _RETRYABLE_SQLSTATES:
            return True
        seen = seen.__cause__ or seen.__context__
    return False


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
