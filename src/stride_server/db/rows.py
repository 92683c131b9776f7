"""Small SQL helpers every store shares: rows as plain dicts, the update of one record by id, the
replacement of a record's child rows, transaction-scoped advisory locks, walks up a tree, and JSON
arrays aggregated in the database."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Update, delete, func, select, text, type_coerce, update
from sqlalchemy.dialects.postgresql import JSON, aggregate_order_by
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from stride_server.db.scope import of_tenant

T = TypeVar("T")


def plain(row: Any) -> dict[str, Any]:
    """A row mapping as a dict with plain `str` keys (column keys are `quoted_name`, which orjson refuses)."""
    return {str(key): value for key, value in row.items()}


async def first_row(
    conn: AsyncConnection, statement: Any, *, for_update: bool = False
) -> dict[str, Any] | None:
    """The first row `statement` answers, or None; `for_update` locks it (SELECT … FOR UPDATE)."""
    if for_update:
        statement = statement.with_for_update()
    row = (await conn.execute(statement)).mappings().first()
    return plain(row) if row else None


async def returned_row(conn: AsyncConnection, statement: Any) -> dict[str, Any]:
    """The one row `statement` (an INSERT or UPDATE … RETURNING, or a one-row SELECT) answers."""
    return plain((await conn.execute(statement)).mappings().one())


def update_by_id(
    table: Any, scope: ColumnElement[bool], record_id: str, values: dict[str, Any], *, versioned: bool = False
) -> Update:
    """The UPDATE of record `record_id` within `scope` (its tenant predicate, from db.scope): `values`,
    `updated_at` stamped, and for a `versioned` record (ETag, If-Match) its `version` bumped."""
    stamps = {"version": table.c.version + 1} if versioned else {}
    return (
        update(table).where(scope, table.c.id == record_id).values(**values, **stamps, updated_at=func.now())
    )


async def replace_children(
    conn: AsyncConnection,
    table: Any,
    tenant_id: str,
    parent: tuple[str, str],
    rows: list[dict[str, Any]],
    updatable: tuple[str, ...],
) -> None:
    """The child rows of one parent (`parent`: the column naming it, and its id) become `rows`: the
    ids kept are updated in place (their `updatable` columns), new ones inserted, the others deleted."""
    column, parent_id = parent
    kept = [row["id"] for row in rows]
    await conn.execute(
        delete(table).where(
            of_tenant(table, tenant_id), table.c[column] == parent_id, table.c.id.not_in(kept)
        )
    )
    if rows:
        statement = pg_insert(table).values(
            [{**row, "tenant_id": tenant_id, column: parent_id} for row in rows]
        )
        await conn.execute(
            statement.on_conflict_do_update(
                index_elements=["tenant_id", "id"], set_={n: statement.excluded[n] for n in updatable}
            )
        )


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


# A write PostgreSQL rolled back as a deadlock's victim (or for a serialization failure) runs again,
# whole, this many times in all before its caller is asked to retry (a 503).
WRITE_ATTEMPTS = 3


async def retrying_conflicts(attempt: Callable[[], Awaitable[T]]) -> T:
    """`attempt` (one whole write transaction), run again while it fails as a retryable conflict."""
    for remaining in range(WRITE_ATTEMPTS - 1, -1, -1):
        try:
            return await attempt()
        except Exception as exc:
            if remaining == 0 or not is_retryable_conflict(exc):
                raise
    raise AssertionError("unreachable")


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
