"""SQL of the directory: people, groups, memberships, and the visibility set of §1.4 rule 3."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, literal, select, union
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import Select

from stride.auth.principal import Principal
from stride.db.tables import group_members, groups, people


async def get_person(conn: AsyncConnection, tenant_id: str, person_id: str) -> dict[str, Any] | None:
    row = (await conn.execute(
        select(people).where(people.c.tenant_id == tenant_id, people.c.id == person_id)
    )).mappings().first()
    return dict(row) if row else None


def _led_members(principal: Principal, kind: str, role: str) -> Select[Any]:
    """Members of groups of `kind` in which the caller holds `role` (squad leads, department heads)."""
    leader, member = group_members.alias("leader"), group_members.alias("member")
    return (
        select(member.c.person_id)
        .select_from(leader)
        .join(groups, and_(groups.c.tenant_id == leader.c.tenant_id, groups.c.id == leader.c.group_id))
        .join(member, and_(member.c.tenant_id == leader.c.tenant_id, member.c.group_id == leader.c.group_id))
        .where(leader.c.tenant_id == principal.tenant_id, leader.c.person_id == principal.sub,
               leader.c.role == role, groups.c.kind == kind, groups.c.is_deleted.is_(False))
    )


def visible_people(principal: Principal) -> Select[Any] | None:
    """Ids of the people whose personal records the caller sees, or None when it sees all (§1.4):
    themself, everyone below them in the reporting tree, members of squads they lead and of
    departments they head."""
    if principal.sees_all_personal:
        return None
    if not principal.is_person:
        return select(literal(None))
    reports = (
        select(people.c.id)
        .where(people.c.tenant_id == principal.tenant_id, people.c.manager_id == principal.sub)
        .cte("reports", recursive=True)
    )
    below = people.alias("below")
    reports = reports.union(
        select(below.c.id).join(reports, and_(below.c.manager_id == reports.c.id))
        .where(below.c.tenant_id == principal.tenant_id)
    )
    return select(union(
        select(literal(principal.sub).label("id")),
        select(reports.c.id),
        _led_members(principal, "squad", "lead"),
        _led_members(principal, "department", "head"),
    ).subquery().c.id)


async def person_is_visible(conn: AsyncConnection, principal: Principal, person_id: str) -> bool:
    visible = visible_people(principal)
    if visible is None:
        return True
    return bool((await conn.execute(select(literal(person_id).in_(visible)))).scalar())


async def active_people_exist(conn: AsyncConnection, tenant_id: str, ids: list[str]) -> set[str]:
    """Which of `ids` are active people of the tenant."""
    rows = await conn.execute(
        select(people.c.id).where(people.c.tenant_id == tenant_id, people.c.id.in_(ids), people.c.status == "active")
    )
    return {r[0] for r in rows}


async def group_kind(conn: AsyncConnection, tenant_id: str, group_id: str) -> str | None:
    row = await conn.execute(
        select(groups.c.kind).where(groups.c.tenant_id == tenant_id, groups.c.id == group_id,
                                    groups.c.is_deleted.is_(False))
    )
    return row.scalar()
