"""Small SQL helpers every store shares: rows as plain dicts, transaction-scoped advisory locks, and
JSON arrays aggregated in the database."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, text, type_coerce
from sqlalchemy.dialects.postgresql import JSON, aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncConnection


def plain(row: Any) -> dict[str, Any]:
    """A row mapping as a dict with plain `str` keys (column keys are `quoted_name`, which orjson refuses)."""
    return {str(key): value for key, value in row.items()}


async def advisory_lock(conn: AsyncConnection, key: str) -> None:
    """A transaction-scoped advisory lock, for rules no single row or index can guard."""
    await conn.execute(select(func.pg_advisory_xact_lock(func.hashtextextended(key, 0))))


def json_array(item: Any, *order_by: Any) -> Any:
    """`item` aggregated into a JSON array in `order_by` order; `[]` when there are no rows."""
    aggregated = func.json_agg(aggregate_order_by(item, *order_by)) if order_by else func.json_agg(item)
    return type_coerce(func.coalesce(aggregated, text("'[]'::json")), JSON)
