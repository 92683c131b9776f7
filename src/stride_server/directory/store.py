"""SQL of the directory: people, groups, memberships, and whether a caller sees a person (§1.4).

Tenant scoping comes from `db.scope` (`people_of`, `groups_of`, `members_of`, `visible_people`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Text,
    any_,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from stride_server.auth.principal import Principal
from stride_server.db.reads import Reader, template
from stride_server.db.rows import advisory_lock, chain_up, first_row, plain, returned_row, update_by_id
from stride_server.db.scope import (
    VISIBLE_PEOPLE,
    groups_of,
    joined,
    members_of,
    of_tenant,
    people_of,
    visibility_params,
)
from stride_server.db.tables import group_members, groups, people, tenants

_TENANT_ID = bindparam("tenant_id", type_=Text())
PERSON_FIELDS = (
    "id",
    "name",
    "email",
    "access_level",
    "manager_id",
    "job_title",
    "review_template_id",
    "status",
    "external_id",
    "created_at",
    "updated_at",
    "version",
)
GROUP_FIELDS = ("id", "kind", "name", "parent_id", "created_at", "updated_at", "version")


def _escape_like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


# ------------------------------------------------------------------------------------------ people
async def get_person(reader: Reader, tenant_id: str, person_id: str) -> dict[str, Any] | None:
    statement = template(
        ("get_person",),
        lambda: select(people).where(
            people_of(_TENANT_ID), people.c.id == bindparam("person_id", type_=Text())
        ),
    )
    rows = await reader.records(statement, {"tenant_id": tenant_id, "person_id": person_id})
    return rows[0] if rows else None


async def fetch_person(
    conn: AsyncConnection, tenant_id: str, person_id: str, *, for_update: bool = False
) -> dict[str, Any] | None:
    statement = select(*(people.c[n] for n in PERSON_FIELDS)).where(
        people_of(tenant_id), people.c.id == person_id
    )
    return await first_row(conn, statement, for_update=for_update)


async def list_people(
    conn: AsyncConnection, tenant_id: str, filters: dict[str, Any], after: str | None, limit: int
) -> list[dict[str, Any]]:
    """One page in id (creation) order; one row more than `limit` tells whether more follow."""
    conditions: list[ColumnElement[bool]] = [people_of(tenant_id)]
    for name in ("access_level", "manager_id", "status"):
        if filters.get(name) is not None:
            conditions.append(people.c[name] == filters[name])
    if filters.get("email") is not None:
        conditions.append(func.lower(people.c.email) == filters["email"].lower())
    if filters.get("q"):
        pattern = _escape_like(filters["q"])
        conditions.append(
            or_(people.c.name.ilike(pattern, escape="\\"), people.c.email.ilike(pattern, escape="\\"))
        )
    if after is not None:
        conditions.append(people.c.id > after)
    statement = (
        select(*(people.c[n] for n in PERSON_FIELDS))
        .where(*conditions)
        .order_by(people.c.id)
        .limit(limit + 1)
    )
    return [plain(r) for r in (await conn.execute(statement)).mappings()]


async def email_owner(conn: AsyncConnection, tenant_id: str, email: str) -> str | None:
    row = await conn.execute(
        select(people.c.id).where(people_of(tenant_id), func.lower(people.c.email) == email.lower())
    )
    return row.scalar()


async def insert_person(conn: AsyncConnection, values: dict[str, Any]) -> dict[str, Any]:
    statement = insert(people).values(**values).returning(*(people.c[n] for n in PERSON_FIELDS))
    return await returned_row(conn, statement)


async def update_person(
    conn: AsyncConnection, tenant_id: str, person_id: str, values: dict[str, Any]
) -> dict[str, Any]:
    statement = update_by_id(people, people_of(tenant_id), person_id, values, versioned=True)
    return await returned_row(conn, statement.returning(*(people.c[n] for n in PERSON_FIELDS)))


async def management_chain(conn: AsyncConnection, tenant_id: str, person_id: str) -> set[str]:
    """The person and everyone above them."""
    chain = chain_up(people, "manager_id", tenant_id, person_id)
    return {r[0] for r in await conn.execute(select(chain.c.id))}


async def active_people_exist(reader: Reader, tenant_id: str, ids: list[str]) -> set[str]:
    """Which of `ids` are active people of the tenant."""
    statement = template(
        ("active_people",),
        lambda: select(people.c.id).where(
            people_of(_TENANT_ID),
            people.c.id == any_(bindparam("ids", type_=ARRAY(Text()))),
            people.c.status == "active",
        ),
    )
    return {r[0] for r in await reader.fetch(statement, {"tenant_id": tenant_id, "ids": ids})}


async def tenant_exists(conn: AsyncConnection, tenant_id: str) -> bool:
    row = await conn.execute(select(tenants.c.tenant_id).where(of_tenant(tenants, tenant_id)))
    return row.first() is not None


# ------------------------------------------------------------------------------- visibility (§1.4)
async def person_is_visible(reader: Reader, principal: Principal, person_id: str) -> bool:
    if principal.sees_all_personal:
        return True
    if not principal.is_person:
        return False  # an application sees no one's personal records unless it sees all (db.scope)
    statement = template(
        ("person_visible",), lambda: select(bindparam("person_id", type_=Text()).in_(VISIBLE_PEOPLE))
    )
    rows = await reader.fetch(statement, {"person_id": person_id, **visibility_params(principal)})
    return bool(rows[0][0])


# ------------------------------------------------------------------------------------------ groups
async def group_kind(reader: Reader, tenant_id: str, group_id: str) -> str | None:
    statement = template(
        ("group_kind",),
        lambda: select(groups.c.kind).where(
            groups_of(_TENANT_ID), groups.c.id == bindparam("group_id", type_=Text())
        ),
    )
    rows = await reader.fetch(statement, {"tenant_id": tenant_id, "group_id": group_id})
    return rows[0][0] if rows else None


async def fetch_group(
    conn: AsyncConnection, tenant_id: str, group_id: str, *, for_update: bool = False
) -> dict[str, Any] | None:
    statement = select(*(groups.c[n] for n in GROUP_FIELDS)).where(
        groups_of(tenant_id), groups.c.id == group_id
    )
    return await first_row(conn, statement, for_update=for_update)


async def list_groups(
    conn: AsyncConnection, tenant_id: str, filters: dict[str, Any], after: str | None, limit: int
) -> list[dict[str, Any]]:
    conditions: list[ColumnElement[bool]] = [groups_of(tenant_id)]
    for name in ("kind", "parent_id"):
        if filters.get(name) is not None:
            conditions.append(groups.c[name] == filters[name])
    if filters.get("q"):
        conditions.append(groups.c.name.ilike(_escape_like(filters["q"]), escape="\\"))
    if after is not None:
        conditions.append(groups.c.id > after)
    statement = (
        select(*(groups.c[n] for n in GROUP_FIELDS)).where(*conditions).order_by(groups.c.id).limit(limit + 1)
    )
    return [plain(r) for r in (await conn.execute(statement)).mappings()]


async def lock_reporting_tree(conn: AsyncConnection, tenant_id: str) -> None:
    """Advisory: a rule spanning rows no index guards (no cycles in the reporting tree)."""
    await advisory_lock(conn, f"stride.reporting-tree:{tenant_id}")


async def lock_group_names(conn: AsyncConnection, tenant_id: str, kind: str) -> None:
    """Advisory: deleted groups keep their names, so no unique index can guard live names."""
    await advisory_lock(conn, f"stride.group-names:{tenant_id}:{kind}")


async def groups_named(conn: AsyncConnection, tenant_id: str, kind: str, name: str) -> list[str]:
    """Ids of live groups of `kind` called `name` (case-insensitively), oldest first."""
    rows = await conn.execute(
        select(groups.c.id)
        .where(
            groups_of(tenant_id),
            groups.c.kind == kind,
            func.lower(groups.c.name) == name.lower(),
        )
        .order_by(groups.c.created_at, groups.c.id)
    )
    return [r[0] for r in rows]


async def live_groups(conn: AsyncConnection, tenant_id: str, kinds: Iterable[str]) -> list[dict[str, Any]]:
    rows = await conn.execute(
        select(groups.c.id, groups.c.kind, groups.c.name)
        .where(groups_of(tenant_id), groups.c.kind.in_(list(kinds)))
        .order_by(groups.c.created_at, groups.c.id)
    )
    return [plain(r) for r in rows.mappings()]


async def group_ancestors(conn: AsyncConnection, tenant_id: str, group_id: str) -> set[str]:
    """The group and every group above it through parent_id."""
    chain = chain_up(groups, "parent_id", tenant_id, group_id)
    return {r[0] for r in await conn.execute(select(chain.c.id))}


async def has_live_children(conn: AsyncConnection, tenant_id: str, group_id: str) -> bool:
    row = await conn.execute(
        select(groups.c.id).where(groups_of(tenant_id), groups.c.parent_id == group_id).limit(1)
    )
    return row.first() is not None


async def insert_groups(conn: AsyncConnection, rows: list[dict[str, Any]]) -> None:
    if rows:
        await conn.execute(insert(groups), rows)


async def insert_group(conn: AsyncConnection, values: dict[str, Any]) -> dict[str, Any]:
    statement = insert(groups).values(**values).returning(*(groups.c[n] for n in GROUP_FIELDS))
    return await returned_row(conn, statement)


async def update_group(
    conn: AsyncConnection, tenant_id: str, group_id: str, values: dict[str, Any]
) -> dict[str, Any]:
    statement = update_by_id(groups, groups_of(tenant_id), group_id, values, versioned=True)
    return await returned_row(conn, statement.returning(*(groups.c[n] for n in GROUP_FIELDS)))


# ------------------------------------------------------------------------------------- memberships
def _member_columns() -> list[Any]:
    return [
        group_members.c.group_id,
        group_members.c.person_id,
        group_members.c.role,
        people.c.name,
        people.c.email,
        people.c.access_level,
        people.c.status,
        group_members.c.created_at,
    ]


def _members_join() -> Any:
    return group_members.join(people, joined(people, group_members, people.c.id == group_members.c.person_id))


async def list_members(
    conn: AsyncConnection, tenant_id: str, filters: dict[str, Any], after: str | None, limit: int
) -> list[dict[str, Any]]:
    """One page of a group's members (`filters`: its `group_id`, and a `role` or None) by person id."""
    conditions = [members_of(tenant_id), group_members.c.group_id == filters["group_id"]]
    if filters["role"] is not None:
        conditions.append(group_members.c.role == filters["role"])
    if after is not None:
        conditions.append(group_members.c.person_id > after)
    statement = (
        select(*_member_columns())
        .select_from(_members_join())
        .where(*conditions)
        .order_by(group_members.c.person_id)
        .limit(limit + 1)
    )
    return [plain(r) for r in (await conn.execute(statement)).mappings()]


async def fetch_member(
    conn: AsyncConnection, tenant_id: str, group_id: str, person_id: str
) -> dict[str, Any] | None:
    statement = (
        select(*_member_columns())
        .select_from(_members_join())
        .where(
            members_of(tenant_id),
            group_members.c.group_id == group_id,
            group_members.c.person_id == person_id,
        )
    )
    row = (await conn.execute(statement)).mappings().first()
    return plain(row) if row else None


async def set_member(conn: AsyncConnection, tenant_id: str, group_id: str, person_id: str, role: str) -> None:
    statement = pg_insert(group_members).values(
        tenant_id=tenant_id, group_id=group_id, person_id=person_id, role=role
    )
    await conn.execute(
        statement.on_conflict_do_update(
            index_elements=["tenant_id", "group_id", "person_id"], set_={"role": role}
        )
    )


async def remove_member(conn: AsyncConnection, tenant_id: str, group_id: str, person_id: str) -> bool:
    result = await conn.execute(
        delete(group_members).where(
            members_of(tenant_id),
            group_members.c.group_id == group_id,
            group_members.c.person_id == person_id,
        )
    )
    return bool(result.rowcount)


# ------------------------------------------------------------------------------- bulk (the import)
async def people_snapshot(conn: AsyncConnection, tenant_id: str) -> list[dict[str, Any]]:
    """Every person of the tenant with the columns an import may change."""
    columns = ("id", "name", "email", "access_level", "manager_id", "job_title", "status", "external_id")
    rows = await conn.execute(select(*(people.c[n] for n in columns)).where(people_of(tenant_id)))
    return [plain(r) for r in rows.mappings()]


async def insert_people(conn: AsyncConnection, rows: list[dict[str, Any]]) -> None:
    if rows:
        await conn.execute(insert(people), rows)


async def update_people(
    conn: AsyncConnection, tenant_id: str, rows: list[dict[str, Any]], *, bump: bool = True
) -> None:
    """Executemany: each row is `{"person_id": …, <column>: …}` with the same columns in every row."""
    if not rows:
        return
    columns = [k for k in rows[0] if k != "person_id"]
    values: dict[str, Any] = {c: bindparam(f"v_{c}") for c in columns}
    if bump:
        values.update(version=people.c.version + 1, updated_at=func.now())
    statement = (
        update(people).where(people_of(tenant_id), people.c.id == bindparam("person_id")).values(**values)
    )
    await conn.execute(
        statement, [{"person_id": r["person_id"], **{f"v_{c}": r[c] for c in columns}} for r in rows]
    )


async def memberships_of_kinds(
    conn: AsyncConnection, tenant_id: str, person_ids: list[str], kinds: Iterable[str]
) -> list[dict[str, Any]]:
    if not person_ids:
        return []
    statement = (
        select(group_members.c.person_id, group_members.c.group_id, group_members.c.role, groups.c.kind)
        .select_from(
            group_members.join(groups, joined(groups, group_members, groups.c.id == group_members.c.group_id))
        )
        .where(
            members_of(tenant_id),
            groups_of(tenant_id),
            groups.c.kind.in_(list(kinds)),
            group_members.c.person_id.in_(person_ids),
        )
    )
    return [plain(r) for r in (await conn.execute(statement)).mappings()]


async def add_memberships(conn: AsyncConnection, rows: list[dict[str, Any]]) -> None:
    if rows:
        await conn.execute(pg_insert(group_members).on_conflict_do_nothing(), rows)


async def remove_memberships(conn: AsyncConnection, tenant_id: str, pairs: list[tuple[str, str]]) -> None:
    """Delete (group_id, person_id) memberships."""
    if pairs:
        await conn.execute(
            delete(group_members).where(
                members_of(tenant_id), tuple_(group_members.c.group_id, group_members.c.person_id).in_(pairs)
            )
        )
