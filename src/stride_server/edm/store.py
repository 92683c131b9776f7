"""SQL of the Data API, generic over the registry. `scope()` is the one place where tenant, app,
soft-delete and person visibility are applied to a statement; every read and write goes through it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, func, insert, not_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from stride_server.auth.principal import Principal
from stride_server.db.tables import ENTITY_TABLES
from stride_server.directory.store import visible_people
from stride_server.edm.query import (
    ListQuery,
    filter_clause,
    keyset_clause,
    order_by,
    search_condition,
    typed_cursor_values,
)
from stride_server.edm.registry import Entity


def table_of(entity: Entity) -> Any:
    return ENTITY_TABLES[entity.name]


def _columns(entity: Entity) -> list[Any]:
    table = table_of(entity)
    return [table.c[f.name] if f.has_column else f.expression(table).label(f.name)  # type: ignore[misc]
            for f in entity.fields]


def _record(entity: Entity, row: Any) -> dict[str, Any]:
    """A row as a plain dict keyed by field names (plain `str`, as orjson wants)."""
    return dict(zip(entity.field_names, row, strict=False))


def field_column(entity: Entity, name: str) -> Any:
    table = table_of(entity)
    f = entity.field_map[name]
    return table.c[name] if f.has_column else f.expression(table)  # type: ignore[misc]


def scope(entity: Entity, principal: Principal, *, include_deleted: bool = False) -> list[ColumnElement[bool]]:
    """Conditions every statement on an entity table carries (§1.4): the caller's tenant, its app,
    live rows, and for personal records only the people the caller may see."""
    table = table_of(entity)
    conditions: list[ColumnElement[bool]] = [table.c.tenant_id == principal.tenant_id]
    if principal.app_id:
        conditions.append(table.c.app_id == principal.app_id)
    if not include_deleted:
        conditions.append(not_(table.c.is_deleted))  # matches the partial indexes WHERE NOT is_deleted
    if entity.personal:
        visible = visible_people(principal)
        if visible is not None:
            conditions.append(table.c.person_id.in_(visible))
    return conditions


async def fetch(
    conn: AsyncConnection, entity: Entity, principal: Principal, record_id: str, *,
    include_deleted: bool = False, for_update: bool = False,
) -> dict[str, Any] | None:
    table = table_of(entity)
    statement = select(*_columns(entity)).where(
        table.c.id == record_id, *scope(entity, principal, include_deleted=include_deleted))
    if for_update:
        statement = statement.with_for_update(of=table)
    row = (await conn.execute(statement)).first()
    return _record(entity, row) if row else None


async def visible_ids(conn: AsyncConnection, entity: Entity, principal: Principal, ids: list[str]) -> set[str]:
    """Which of `ids` name live records the caller sees (reference checks)."""
    table = table_of(entity)
    rows = await conn.execute(select(table.c.id).where(table.c.id.in_(ids), *scope(entity, principal)))
    return {r[0] for r in rows}


def _mine(entity: Entity, principal: Principal) -> ColumnElement[bool]:
    table = table_of(entity)
    if entity.owner_field is None:
        return table.c.created_by == principal.sub
    column = table.c[entity.owner_field]
    if entity.owner_is_array:
        from sqlalchemy import literal
        from sqlalchemy.dialects.postgresql import JSONB

        return column.contains(literal([principal.sub], JSONB)) | (table.c.created_by == principal.sub)
    return (column == principal.sub) | (table.c.created_by == principal.sub)


def page_statements(entity: Entity, principal: Principal, query: ListQuery) -> tuple[Any, Any | None]:
    """The page SELECT (limit + 1 rows, after the cursor) and, with count=true, the COUNT."""
    table = table_of(entity)
    conditions = scope(entity, principal, include_deleted=query.include_deleted)
    for name, op, value in query.filters:
        conditions.append(filter_clause(field_column(entity, name), entity.field_map[name], op, value))
    if query.mine:
        conditions.append(_mine(entity, principal))
    rank = None
    if query.search is not None:
        matches, rank = search_condition(table.c.search, query.search)
        conditions.append(matches)
    sort_columns = [rank if key.name == "_rank" else field_column(entity, key.name) for key in query.sort]
    count = select(func.count()).select_from(table).where(*conditions) if query.count else None
    if query.after is not None:
        values = typed_cursor_values(entity, query.sort, query.after)
        conditions.append(keyset_clause(query.sort, sort_columns, values))
    columns = _columns(entity)
    if rank is not None:
        columns.append(rank.label("_rank"))
    page = (select(*columns).where(*conditions)
            .order_by(*order_by(query.sort, sort_columns)).limit(query.limit + 1))
    return page, count


async def fetch_page(
    conn: AsyncConnection, entity: Entity, principal: Principal, query: ListQuery,
) -> tuple[list[dict[str, Any]], bool, int | None]:
    page, count = page_statements(entity, principal, query)
    total = (await conn.execute(count)).scalar_one() if count is not None else None
    ranked = query.search is not None
    rows = []
    for row in await conn.execute(page):
        record = _record(entity, row)
        if ranked:
            record["_rank"] = row[-1]
        rows.append(record)
    return rows[: query.limit], len(rows) > query.limit, total


async def insert_record(conn: AsyncConnection, entity: Entity, values: dict[str, Any]) -> dict[str, Any]:
    table = table_of(entity)
    row = (await conn.execute(insert(table).values(values).returning(*_columns(entity)))).one()
    return _record(entity, row)


async def update_record(
    conn: AsyncConnection, entity: Entity, principal: Principal, record_id: str, values: dict[str, Any],
    *, include_deleted: bool = False,
) -> dict[str, Any]:
    """Apply `values`, bump `version` and `updated_at`, return the new row (the row is locked already)."""
    table = table_of(entity)
    statement = (
        update(table)
        .where(table.c.id == record_id, *scope(entity, principal, include_deleted=include_deleted))
        .values(**values, version=table.c.version + 1, updated_at=func.now())
        .returning(*_columns(entity))
    )
    return _record(entity, (await conn.execute(statement)).one())
