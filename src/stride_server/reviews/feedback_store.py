"""SQL of 360 feedback (CONTRACT §3.4): requests, peer selection, anonymous responses, the summary.

Every statement is tenant-scoped through `store.of_tenant`. Responses are read only by subject (and
cycle) — they hold no column that could name their reviewer, so no query here can."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, exists, insert, select, union, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import Select

from stride_server.db.tables import (
    feedback_requests,
    feedback_responses,
    group_members,
    groups,
    people,
    review_cycles,
    tenants,
)
from stride_server.reviews.peers import PeerRule
from stride_server.reviews.rules import FEEDBACK_AREAS
from stride_server.reviews.store import of_tenant, plain

REQUEST_FIELDS = ("id", "cycle_id", "subject_id", "reviewer_id", "due_date", "status", "created_at")
RESPONSE_FIELDS = tuple(f"{area}_{part}" for area in FEEDBACK_AREAS for part in ("rating", "comment")) + (
    "overall_comment",)


async def insert_request(conn: AsyncConnection, values: dict[str, Any]) -> dict[str, Any] | None:
    """The new request, or None when (cycle, subject, reviewer) already has one."""
    statement = (pg_insert(feedback_requests).values(**values)
                 .on_conflict_do_nothing(index_elements=["tenant_id", "cycle_id", "subject_id", "reviewer_id"])
                 .returning(*(feedback_requests.c[n] for n in REQUEST_FIELDS)))
    row = (await conn.execute(statement)).mappings().first()
    return plain(row) if row else None


async def insert_requests(conn: AsyncConnection, rows: list[dict[str, Any]]) -> int:
    """Insert many; existing (cycle, subject, reviewer) requests are skipped. Returns how many were new."""
    if not rows:
        return 0
    statement = (pg_insert(feedback_requests).values(rows)
                 .on_conflict_do_nothing(index_elements=["tenant_id", "cycle_id", "subject_id", "reviewer_id"])
                 .returning(feedback_requests.c.id))
    return len((await conn.execute(statement)).all())


async def pending_requests(conn: AsyncConnection, tenant_id: str, reviewer_id: str) -> list[dict[str, Any]]:
    """The reviewer's pending requests with cycle and subject names (one statement)."""
    r, c = feedback_requests, review_cycles
    statement = (
        select(*(r.c[n] for n in REQUEST_FIELDS), c.c.name.label("cycle_name"), people.c.name.label("subject_name"))
        .select_from(r.join(c, and_(c.c.tenant_id == r.c.tenant_id, c.c.id == r.c.cycle_id))
                     .join(people, and_(people.c.tenant_id == r.c.tenant_id, people.c.id == r.c.subject_id)))
        .where(of_tenant(feedback_requests, tenant_id), r.c.reviewer_id == reviewer_id, r.c.status == "pending")
        .order_by(r.c.due_date.asc().nulls_last(), r.c.created_at, r.c.id)
    )
    return [plain(row) for row in (await conn.execute(statement)).mappings()]


async def fetch_assigned_request(conn: AsyncConnection, tenant_id: str, request_id: str,
                                 reviewer_id: str) -> dict[str, Any] | None:
    """The request if `reviewer_id` is its reviewer, locked for the submission."""
    statement = (select(*(feedback_requests.c[n] for n in REQUEST_FIELDS))
                 .where(of_tenant(feedback_requests, tenant_id), feedback_requests.c.id == request_id,
                        feedback_requests.c.reviewer_id == reviewer_id)
                 .with_for_update())
    row = (await conn.execute(statement)).mappings().first()
    return plain(row) if row else None


async def mark_submitted(conn: AsyncConnection, tenant_id: str, request_id: str) -> None:
    await conn.execute(update(feedback_requests).where(of_tenant(feedback_requests, tenant_id), feedback_requests.c.id == request_id)
                       .values(status="submitted"))


async def insert_response(conn: AsyncConnection, values: dict[str, Any]) -> None:
    await conn.execute(insert(feedback_responses).values(**values))


async def responses(conn: AsyncConnection, tenant_id: str, subject_id: str, cycle_id: str | None,
                    ) -> list[dict[str, Any]]:
    """The subject's responses: ratings and comments only (there is nothing else to read)."""
    conditions = [of_tenant(feedback_responses, tenant_id), feedback_responses.c.subject_id == subject_id]
    if cycle_id is not None:
        conditions.append(feedback_responses.c.cycle_id == cycle_id)
    statement = select(*(feedback_responses.c[n] for n in RESPONSE_FIELDS)).where(*conditions)
    return [plain(r) for r in (await conn.execute(statement)).mappings()]


async def minimum_responses(conn: AsyncConnection, tenant_id: str) -> int:
    row = await conn.execute(select(tenants.c.feedback_min_responses).where(of_tenant(tenants, tenant_id)))
    value = row.scalar()
    return int(value) if value is not None else 1


# ------------------------------------------------------------------------------- peer selection
def _groups_with(tenant_id: str, person_id: str, kind: str) -> Select[Any]:
    """Ids of the live groups of `kind` the person belongs to."""
    return (select(group_members.c.group_id)
            .join(groups, and_(groups.c.tenant_id == group_members.c.tenant_id,
                               groups.c.id == group_members.c.group_id))
            .where(of_tenant(group_members, tenant_id), group_members.c.person_id == person_id,
                   groups.c.kind == kind, groups.c.is_deleted.is_(False)))


def _candidates(tenant_id: str, subject_id: str) -> list[ColumnElement[bool]]:
    """Only active people of the tenant, never the subject (§3.4)."""
    return [of_tenant(people, tenant_id), people.c.status == "active", people.c.id != subject_id]


def _peer_sources(tenant_id: str, subject_id: str, rule: PeerRule) -> list[Select[Any]]:
    sources: list[Select[Any]] = []
    if rule.squad_mates:
        sources.append(select(group_members.c.person_id).where(
            of_tenant(group_members, tenant_id),
            group_members.c.group_id.in_(_groups_with(tenant_id, subject_id, "squad"))))
    if rule.department_managers:
        managers = [*_candidates(tenant_id, subject_id), people.c.access_level == "manager"]
        colleagues = select(group_members.c.person_id).where(
            of_tenant(group_members, tenant_id),
            group_members.c.group_id.in_(_groups_with(tenant_id, subject_id, "department")))
        in_department = select(people.c.id).where(*managers, people.c.id.in_(colleagues)).cte("department_managers")
        sources.append(select(in_department.c.id))
        sources.append(select(people.c.id).where(*managers, ~exists(select(in_department.c.id))))
    if rule.other_heads:
        sources.append(select(people.c.id).where(of_tenant(people, tenant_id), people.c.access_level == "head"))
    if rule.direct_reports:
        reports = select(people.c.id).where(of_tenant(people, tenant_id), people.c.manager_id == subject_id)
        if rule.direct_report_levels is not None:
            reports = reports.where(people.c.access_level.in_(rule.direct_report_levels))
        sources.append(reports)
    return sources


async def select_peers(conn: AsyncConnection, tenant_id: str, subject_id: str, rule: PeerRule) -> list[str]:
    """The subject's peers under `rule`, in one statement."""
    sources = _peer_sources(tenant_id, subject_id, rule)
    if not sources:
        return []
    pool = union(*sources).subquery()
    statement = (select(people.c.id).where(*_candidates(tenant_id, subject_id), people.c.id.in_(select(pool.c[0])))
                 .order_by(people.c.name, people.c.id))
    return [r[0] for r in await conn.execute(statement)]

