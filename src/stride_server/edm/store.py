"""SQL of the Data API, generic over the registry. Every read and write carries `scope()`: the
tenant, app, soft-delete and visibility conditions `db.scope.record_scope` builds."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from fastapi import Request
from sqlalchemy import (
    ColumnElement,
    Integer,
    Text,
    and_,
    any_,
    bindparam,
    func,
    insert,
    literal_column,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

from stride_server.auth.principal import Principal
from stride_server.auth.tokens import Claims
from stride_server.db.reads import (
    Reader,
    driver_statement,
    fetch_one,
    read_connection,
    template,
    value_binds,
    value_params,
    value_shape,
)
from stride_server.db.scope import (
    ScopeShape,
    levels_allowed,
    levels_seeing_all,
    person_visible,
    record_scope,
    scope_params,
    scope_shape,
)
from stride_server.db.tables import ENTITY_TABLES
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
    return [
        table.c[f.name] if f.has_column else f.expression(table).label(f.name)  # type: ignore[misc]
        for f in entity.fields
    ]


def _record(entity: Entity, row: Any) -> dict[str, Any]:
    """A row as a plain dict keyed by field names (plain `str`, as orjson wants)."""
    return dict(zip(entity.field_names, row, strict=False))


def field_column(entity: Entity, name: str) -> Any:
    table = table_of(entity)
    f = entity.field_map[name]
    return table.c[name] if f.has_column else f.expression(table)  # type: ignore[misc]


def scope(
    entity: Entity, principal: Principal, *, include_deleted: bool = False
) -> list[ColumnElement[bool]]:
    """The record scope of a statement on an entity table, with the caller's values (§1.4)."""
    return record_scope(table_of(entity), scope_shape(entity.personal, principal, include_deleted), principal)


async def visible_ids(reader: Reader, entity: Entity, principal: Principal, ids: list[str]) -> set[str]:
    """Which of `ids` name live records the caller sees (reference checks)."""
    shape = scope_shape(entity.personal, principal)

    def build() -> Any:
        table = table_of(entity)
        return select(table.c.id).where(
            table.c.id == any_(bindparam("ids", type_=ARRAY(Text()))), *record_scope(table, shape)
        )

    statement = template(("visible_ids", entity.name, shape), build)
    return {r[0] for r in await reader.fetch(statement, {**scope_params(principal), "ids": ids})}


def _mine(entity: Entity) -> ColumnElement[bool]:
    """`mine=true`: records the caller owns (bound as `me`, and `me_array` for array owners)."""
    table = table_of(entity)
    me = bindparam("me", type_=Text())
    if entity.owner_field is None:
        return table.c.created_by == me
    column = table.c[entity.owner_field]
    if entity.owner_is_array:
        return column.contains(bindparam("me_array", type_=JSONB)) | (table.c.created_by == me)
    return (column == me) | (table.c.created_by == me)


# ------------------------------------------------------------------------------------ cached reads
# The hot reads (get, list) are templates of db.reads: built once per shape, run by a Reader.


async def fetch(
    reader: Reader,
    entity: Entity,
    principal: Principal,
    record_id: str,
    *,
    include_deleted: bool = False,
    for_update: bool = False,
) -> dict[str, Any] | None:
    shape = scope_shape(entity.personal, principal, include_deleted)

    def build() -> Any:
        table = table_of(entity)
        statement = select(*_columns(entity)).where(
            table.c.id == bindparam("record_id", type_=Text()),
            *record_scope(table_of(entity), shape, own_first=True),
        )
        return statement.with_for_update(of=table) if for_update else statement

    statement = template(("get", entity.name, shape, for_update), build)
    rows = await reader.records(statement, {**scope_params(principal), "record_id": record_id})
    return rows[0] if rows else None


def _person_get_template(entity: Entity, has_app: bool) -> Any:
    """A person's get in one statement, which is its own transaction. `stride_enter` runs first: it is
    the function scan that the record's LATERAL subquery depends on (OFFSET 0 keeps the subquery from
    being flattened), so the record's row-level security sees the tenant it sets, transaction-locally.
    Answers the caller's row, the record if it is live in the tenant (and app), and whether its person
    is visible to the caller (`db.scope.person_visible`: decided there, once; the visibility set is not
    computed for a caller who sees every record)."""

    def build() -> Any:
        table = table_of(entity)
        caller = (
            func.stride_enter(bindparam("tenant_id", type_=Text()), bindparam("person_id", type_=Text()))
            .table_valued("access_level", "status")
            .render_derived(name="caller")
        )
        columns = _columns(entity)
        if entity.personal:
            columns.append(person_visible(table.c.person_id, caller.c.access_level).label("_visible"))
        record = (
            select(*columns)
            .where(
                table.c.id == bindparam("record_id", type_=Text()),
                caller.c.status.is_not(None),
                *record_scope(table, ScopeShape(has_app, False, "all")),
            )
            .offset(literal_column("0"))
            .lateral("record")
        )
        names = [*entity.field_names, *(["_visible"] if entity.personal else [])]
        return select(
            caller.c.access_level.label("_caller_level"),
            caller.c.status.label("_caller_status"),
            *(record.c[name] for name in names),
        ).select_from(caller.outerjoin(record, true()))

    return template(("person_get", entity.name, has_app), build)


async def fetch_for_person(request: Request, entity: Entity, claims: Claims, record_id: str) -> Any:
    """The row of `_person_get_template` (one statement, its own transaction, on the read pool)."""
    statement = _person_get_template(entity, claims.app_id is not None)
    params = {
        "tenant_id": claims.tenant_id,
        "person_id": claims.sub,
        "app_id": claims.app_id,
        "record_id": record_id,
        "visibility_tenant": claims.tenant_id,
        "visibility_sub": claims.sub,
        "levels_seeing_all": levels_seeing_all(claims.permissions),
    }
    return await fetch_one(request, statement, params)


def _filter_shape(f: Any, op: str, value: Any) -> Any:
    if op == "is_null":
        return value
    if op in ("contains", "in"):
        return len(value)
    return None


def _filter_params(index: int, op: str, value: Any) -> dict[str, Any]:
    if op == "is_null":
        return {}
    if op == "contains":
        return {f"f{index}_{j}": [v] for j, v in enumerate(value)}
    if op == "in":
        return {f"f{index}_{j}": v for j, v in enumerate(value)}
    return {f"f{index}": value}


def _bound_filter(entity: Entity, index: int, name: str, op: str, shape: Any) -> ColumnElement[bool]:
    column, f = field_column(entity, name), entity.field_map[name]
    if op == "is_null":
        return filter_clause(column, f, op, shape)
    if op == "contains":
        return filter_clause(column, f, op, [bindparam(f"f{index}_{j}", type_=JSONB) for j in range(shape)])
    if op == "in":
        return column.in_([bindparam(f"f{index}_{j}", type_=column.type) for j in range(shape)])  # type: ignore[no-any-return]
    return filter_clause(column, f, op, bindparam(f"f{index}", type_=column.type))


def _list_scope(entity: Entity, principal: Principal, query: ListQuery) -> ScopeShape:
    """The record scope of a list: a person's list of its own records (`person_id=<itself>`) needs no
    visibility set — one sees oneself — so it is not built for the most common list of all."""
    shape = scope_shape(entity.personal, principal, query.include_deleted)
    if shape.visible == "tree" and any(
        name == "person_id" and op == "eq" and value == principal.sub for name, op, value in query.filters
    ):
        return replace(shape, visible="all")
    return shape


def _page_shape(entity: Entity, principal: Principal, query: ListQuery) -> tuple[Any, ...]:
    return _page_key(entity, _list_scope(entity, principal, query), query)


def _page_key(entity: Entity, record_shape: ScopeShape, query: ListQuery) -> tuple[Any, ...]:
    return (
        "page",
        entity.name,
        record_shape,
        tuple(
            (name, op, _filter_shape(entity.field_map[name], op, value)) for name, op, value in query.filters
        ),
        query.mine,
        None if query.search is None else bool(query.search),
        tuple(query.sort),
        None if query.after is None else tuple(v is None for v in query.after),
        query.count,
    )


def _page_params(
    entity: Entity, principal: Principal | None, query: ListQuery, me: str | None = None
) -> dict[str, Any]:
    """The binds of a page: the record scope's (from `principal`, else its caller `me` binds them) and
    the query's."""
    me = principal.sub if principal is not None else me
    scope = scope_params(principal) if principal is not None else {}
    params = {**scope, "limit": query.limit + 1, "me": me, "q": query.search}
    if entity.owner_is_array:
        params["me_array"] = [me]
    for index, (_, op, value) in enumerate(query.filters):
        params.update(_filter_params(index, op, value))
    if query.after is not None:
        params.update(
            {f"after{j}": v for j, v in enumerate(typed_cursor_values(entity, query.sort, query.after))}
        )
    return params


def _build_page(entity: Entity, shape: tuple[Any, ...], query: ListQuery) -> tuple[Any, Any | None]:
    """The page SELECT (limit + 1 rows, after the cursor) and, with count=true, the COUNT."""
    table = table_of(entity)
    _, _, record_shape, filters, mine, search, _, after_nulls, count_wanted = shape
    conditions = record_scope(table, record_shape)
    for index, (name, op, filter_shape) in enumerate(filters):
        conditions.append(_bound_filter(entity, index, name, op, filter_shape))
    if mine:
        conditions.append(_mine(entity))
    rank = None
    if search is not None:
        matches, rank = search_condition(table.c.search, bindparam("q", type_=Text()) if search else "")
        conditions.append(matches)
    sort_columns = [rank if key.name == "_rank" else field_column(entity, key.name) for key in query.sort]
    count = select(func.count()).select_from(table).where(*conditions) if count_wanted else None
    if after_nulls is not None:
        values = [
            None if is_null else bindparam(f"after{j}", type_=getattr(column, "type", None))
            for j, (is_null, column) in enumerate(zip(after_nulls, sort_columns, strict=True))
        ]
        conditions.append(keyset_clause(query.sort, sort_columns, values))
    columns = _columns(entity)
    if rank is not None:
        columns.append(rank.label("_rank"))
    page = (
        select(*columns)
        .where(*conditions)
        .order_by(*order_by(query.sort, sort_columns))
        .limit(bindparam("limit", type_=Integer()))
    )
    return page, count


def _page_templates(entity: Entity, principal: Principal, query: ListQuery) -> tuple[Any, Any | None]:
    shape = _page_shape(entity, principal, query)
    return template(shape, lambda: _build_page(entity, shape, query))  # type: ignore[no-any-return]


def page_statements(entity: Entity, principal: Principal, query: ListQuery) -> tuple[Any, Any | None]:
    """The page and count statements with this request's values bound (for EXPLAIN and bench/)."""
    page, count = _page_templates(entity, principal, query)
    params = _page_params(entity, principal, query)

    def bound(statement: Any) -> Any:
        names = {b.key for b in statement._get_embedded_bindparams()} if statement is not None else set()
        return (
            statement.params({k: v for k, v in params.items() if k in names})
            if statement is not None
            else None
        )

    return bound(page), bound(count)


def lists_own(entity: Entity, claims: Claims, query: ListQuery) -> bool:
    """A person's list of its own records (`person_id=<itself>`, live ones, no count): the list
    `fetch_own_page` serves in one statement."""
    return (
        entity.personal
        and not (query.include_deleted or query.count)
        and any(name == "person_id" and op == "eq" and v == claims.sub for name, op, v in query.filters)
    )


async def fetch_own_page(request: Request, entity: Entity, claims: Claims, query: ListQuery) -> list[Any]:
    """A `lists_own` page in one statement, which is its own transaction, as a person's get is
    (`_person_get_template`): the caller's row (`_caller_level`, `_caller_status`) on every row, and the
    page's records (limit + 1) where the caller is active at a level that may view the area — else one
    row with the caller's columns alone, or none when there is no such person. Visibility needs no set:
    one sees oneself."""
    key = _page_key(entity, ScopeShape(claims.app_id is not None, False, "all"), query)

    def build() -> Any:
        page, _ = _build_page(entity, key, query)
        caller = (
            func.stride_enter(bindparam("c_tenant", type_=Text()), bindparam("c_person", type_=Text()))
            .table_valued("access_level", "status")
            .render_derived(name="caller")
        )
        records = (
            page.where(
                caller.c.status == "active",
                caller.c.access_level == any_(bindparam("c_levels_viewing", type_=ARRAY(Text()))),
            )
            .offset(literal_column("0"))
            .lateral("records")
        )
        names = [*entity.field_names, *(["_rank"] if key[5] is not None else [])]
        columns = [records.c[name] for name in names]
        return (
            select(
                caller.c.access_level.label("_caller_level"),
                caller.c.status.label("_caller_status"),
                *columns,
            )
            .select_from(caller.outerjoin(records, true()))
            .order_by(*order_by(query.sort, [records.c[k.name] for k in query.sort]))
        )

    statement = template(("own_page", *key), build)
    params = {
        **_page_params(entity, None, query, claims.sub),
        "tenant_id": claims.tenant_id,
        "app_id": claims.app_id,
        "c_tenant": claims.tenant_id,
        "c_person": claims.sub,
        "c_levels_viewing": levels_allowed(claims.permissions, "view", entity.area),
    }
    driver_form = driver_statement(statement)
    async with read_connection(request) as driver:
        return await driver.fetch(driver_form.sql, *driver_form.args(params))  # type: ignore[no-any-return]


async def fetch_page(
    reader: Reader,
    entity: Entity,
    principal: Principal,
    query: ListQuery,
) -> tuple[list[dict[str, Any]], bool, int | None]:
    page, count = _page_templates(entity, principal, query)
    params = _page_params(entity, principal, query)
    total = (await reader.fetch(count, params))[0][0] if count is not None else None
    rows = await reader.records(page, params)  # labelled with the field names (and _rank)
    return rows[: query.limit], len(rows) > query.limit, total


async def insert_record(reader: Reader, entity: Entity, values: dict[str, Any]) -> dict[str, Any]:
    """INSERT … RETURNING, from a template built once per set of columns (db.reads.template)."""

    def build() -> Any:
        table = table_of(entity)
        return insert(table).values(value_binds(table, values)).returning(*_columns(entity))

    statement = template(("insert", entity.name, value_shape(values)), build)
    (row,) = await reader.fetch(statement, value_params(values))
    return _record(entity, row)


async def update_record(
    reader: Reader,
    entity: Entity,
    principal: Principal,
    record_id: str,
    values: dict[str, Any],
    *,
    include_deleted: bool = False,
) -> dict[str, Any] | None:
    """Apply `values`, bump `version` and `updated_at`, return the new row (None when there is none in
    the caller's scope; a caller that locked the row has it)."""
    shape = scope_shape(entity.personal, principal, include_deleted)

    def build() -> Any:
        table = table_of(entity)
        return (
            update(table)
            .where(
                table.c.id == bindparam("s_record_id", type_=Text()),
                *record_scope(table, shape, prefix="s_", own_first=True),
            )
            .values(**value_binds(table, values), version=table.c.version + 1, updated_at=func.now())
            .returning(*_columns(entity))
        )

    statement = template(("update", entity.name, shape, value_shape(values)), build)
    params = {**scope_params(principal, "s_"), "s_record_id": record_id, **value_params(values)}
    rows = await reader.fetch(statement, params)
    return _record(entity, rows[0]) if rows else None


# --------------------------------------------------------------------------------- writes at once
# A person's common create or update as one statement that is its own transaction (db.reads.fetch_one):
# a MATERIALIZED `caller` CTE runs `stride_enter` (the tenant, transaction-local, and the caller's row),
# and conditions on it that are scalar subqueries — pseudo-constants, which PostgreSQL checks once, as a
# one-time filter above the table scan — hold the row back unless the caller is active at a level
# allowed the write. Anything those conditions refuse, or any order of evaluation that would read the
# tenant setting before it is set (row-level security then sees no row), writes nothing and answers no
# row: the caller then takes the transaction, which answers whichever rule failed.
def _caller() -> Any:
    enter = func.stride_enter(
        bindparam("c_tenant", type_=Text()),
        bindparam("c_person", type_=Text()),
        bindparam("c_app", type_=Text()),
    )
    return select(enter.table_valued("access_level", "status")).cte("caller").prefix_with("MATERIALIZED")


def _caller_may(caller: Any, levels: str) -> list[ColumnElement[bool]]:
    level = select(caller.c.access_level).scalar_subquery()
    return [
        select(caller.c.status).scalar_subquery() == "active",
        level == any_(bindparam(levels, type_=ARRAY(Text()))),
    ]


def _caller_params(claims: Claims) -> dict[str, Any]:
    return {"c_tenant": claims.tenant_id, "c_person": claims.sub, "c_app": claims.app_id}


async def insert_at_once(
    request: Request, entity: Entity, claims: Claims, values: dict[str, Any], levels: list[str]
) -> dict[str, Any] | None:
    """INSERT … SELECT … RETURNING of `values` when the caller is active at one of `levels`."""

    def build() -> Any:
        table = table_of(entity)
        caller = _caller()
        row = select(*value_binds(table, values).values()).where(*_caller_may(caller, "c_levels"))
        return insert(table).from_select(list(values), row).returning(*_columns(entity))

    statement = template(("insert_at_once", entity.name, value_shape(values)), build)
    params = {**_caller_params(claims), "c_levels": levels, **value_params(values)}
    row = await fetch_one(request, statement, params)
    return None if row is None else _record(entity, row)


async def update_at_once(
    request: Request,
    entity: Entity,
    claims: Claims,
    record_id: str,
    values: dict[str, Any],
    *,
    version: int | None,
) -> dict[str, Any] | None:
    """UPDATE … RETURNING of `values` on a live record of the tenant (and app) that the caller may view
    and update — for a personal record: at a level allowed to update, a person it sees; or its own —
    at `version` when given."""
    guards = (claims.app_id is not None, version is not None)

    def build() -> Any:
        table = table_of(entity)
        caller = _caller()
        conditions = [
            table.c.id == bindparam("s_record_id", type_=Text()),
            *_caller_may(caller, "c_levels_viewing"),
            *record_scope(table, ScopeShape(guards[0], False, "all"), prefix="s_"),
        ]
        level = select(caller.c.access_level).scalar_subquery()
        updating = level == any_(bindparam("c_levels_updating", type_=ARRAY(Text())))
        if entity.personal:
            own = table.c.person_id == bindparam("visibility_sub", type_=Text())
            conditions.append(or_(own, and_(updating, person_visible(table.c.person_id, level))))
        else:
            conditions.append(updating)
        if guards[1]:
            conditions.append(table.c.version == bindparam("g_version", type_=Integer()))
        return (
            update(table)
            .where(*conditions)
            .values(**value_binds(table, values), version=table.c.version + 1, updated_at=func.now())
            .returning(*_columns(entity))
        )

    statement = template(("update_at_once", entity.name, guards, value_shape(values)), build)
    params = {
        **_caller_params(claims),
        "c_levels_viewing": levels_allowed(claims.permissions, "view", entity.area),
        "c_levels_updating": levels_allowed(claims.permissions, "update", entity.area),
        "levels_seeing_all": levels_seeing_all(claims.permissions),
        "s_tenant_id": claims.tenant_id,
        "s_app_id": claims.app_id,
        "s_record_id": record_id,
        "visibility_tenant": claims.tenant_id,
        "visibility_sub": claims.sub,
        "g_version": version,
        **value_params(values),
    }
    row = await fetch_one(request, statement, params)
    return None if row is None else _record(entity, row)
