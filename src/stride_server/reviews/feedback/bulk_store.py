"""SQL of bulk feedback requests (CONTRACT §3.4): the peers a `PeerRule` selects, and their requests
inserted at once. Both are statement templates (`db.reads.template`) — the peer selection built once
per rule, the insert once — so a bulk request builds and compiles no SQL; every statement is
tenant-scoped through `db.scope.of_tenant`."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import ARRAY, ColumnElement, Date, Text, any_, bindparam, exists, func, literal, select, union
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.sql import Select

from stride_server.db.reads import Reader, template
from stride_server.db.scope import joined, of_tenant
from stride_server.db.tables import feedback_requests, group_members, groups, people
from stride_server.reviews.feedback.peers import PeerRule

_TENANT = bindparam("tenant_id", type_=Text())
_SUBJECT = bindparam("subject_id", type_=Text())
_TEXTS = ARRAY(Text())


# ------------------------------------------------------------------------------- peer selection
def _groups_with(kind: str) -> Select[Any]:
    """Ids of the live groups of `kind` the subject belongs to."""
    return (
        select(group_members.c.group_id)
        .join(groups, joined(groups, group_members, groups.c.id == group_members.c.group_id))
        .where(
            of_tenant(group_members, _TENANT),
            group_members.c.person_id == _SUBJECT,
            groups.c.kind == kind,
            groups.c.is_deleted.is_(False),
        )
    )


def _candidates() -> list[ColumnElement[bool]]:
    """Only active people of the tenant, never the subject (§3.4)."""
    return [of_tenant(people, _TENANT), people.c.status == "active", people.c.id != _SUBJECT]


def _peer_sources(rule: PeerRule) -> list[Select[Any]]:
    sources: list[Select[Any]] = []
    if rule.squad_mates:
        sources.append(
            select(group_members.c.person_id).where(
                of_tenant(group_members, _TENANT), group_members.c.group_id.in_(_groups_with("squad"))
            )
        )
    if rule.department_managers:
        managers = [*_candidates(), people.c.access_level == "manager"]
        colleagues = select(group_members.c.person_id).where(
            of_tenant(group_members, _TENANT), group_members.c.group_id.in_(_groups_with("department"))
        )
        in_department = (
            select(people.c.id).where(*managers, people.c.id.in_(colleagues)).cte("department_managers")
        )
        sources.append(select(in_department.c.id))
        sources.append(select(people.c.id).where(*managers, ~exists(select(in_department.c.id))))
    if rule.other_heads:
        sources.append(select(people.c.id).where(of_tenant(people, _TENANT), people.c.access_level == "head"))
    if rule.direct_reports:
        reports = select(people.c.id).where(of_tenant(people, _TENANT), people.c.manager_id == _SUBJECT)
        if rule.direct_report_levels is not None:
            # One bind per level, not an expanding IN, which a template's driver form cannot take.
            reports = reports.where(
                people.c.access_level.in_([literal(v) for v in rule.direct_report_levels])
            )
        sources.append(reports)
    return sources


def _peers_template(rule: PeerRule) -> Any:
    def build() -> Any:
        # The pool as an array, so each peer is read by its key: the planner cannot size the union
        # (the all-managers fallback alone looks like a hundred rows) and would scan every person.
        pool = func.array(union(*_peer_sources(rule)).scalar_subquery())
        return (
            select(people.c.id, people.c.manager_id)
            .where(*_candidates(), people.c.id == any_(pool))
            .order_by(people.c.name, people.c.id)
        )

    return template(("reviews.peers", rule), build)


async def select_peers(
    reader: Reader, tenant_id: str, subject_id: str, rule: PeerRule
) -> list[dict[str, Any]]:
    """The subject's peers under `rule` (id and manager_id, which decide a request's direction), in one
    statement."""
    if not rule.selects_anyone:
        return []
    return await reader.records(_peers_template(rule), {"tenant_id": tenant_id, "subject_id": subject_id})


# ------------------------------------------------------------------------------- the requests
def _insert_template() -> Any:
    """One statement whatever the number of requests: their columns as arrays, unnested; existing
    (cycle, subject, reviewer) requests are skipped; answers how many were inserted."""

    def build() -> Any:
        rows = (
            func.unnest(
                bindparam("ids", type_=_TEXTS),
                bindparam("reviewer_ids", type_=_TEXTS),
                bindparam("directions", type_=_TEXTS),
            )
            .table_valued("id", "reviewer_id", "direction")
            .render_derived(name="request")
        )
        values = select(
            _TENANT,
            rows.c.id,
            bindparam("cycle_id", type_=Text()),
            _SUBJECT,
            rows.c.reviewer_id,
            bindparam("due_date", type_=Date()),
            rows.c.direction,
        )
        columns = ["tenant_id", "id", "cycle_id", "subject_id", "reviewer_id", "due_date", "direction"]
        inserted = (
            pg_insert(feedback_requests)
            .from_select(columns, values)
            .on_conflict_do_nothing(index_elements=["tenant_id", "cycle_id", "subject_id", "reviewer_id"])
            .returning(feedback_requests.c.id)
            .cte("inserted")
        )
        return select(func.count()).select_from(inserted)

    return template(("reviews.insert_requests",), build)


async def insert_requests(
    reader: Reader,
    tenant_id: str,
    cycle_id: str,
    subject_id: str,
    due_date: date | None,
    requests: list[tuple[str, str, str]],
) -> int:
    """Insert the (id, reviewer_id, direction) `requests` of one subject in one cycle; existing
    (cycle, subject, reviewer) requests are skipped. Returns how many were new."""
    if not requests:
        return 0
    ids, reviewer_ids, directions = (list(column) for column in zip(*requests, strict=True))
    params = {
        "tenant_id": tenant_id,
        "cycle_id": cycle_id,
        "subject_id": subject_id,
        "due_date": due_date,
        "ids": ids,
        "reviewer_ids": reviewer_ids,
        "directions": directions,
    }
    (row,) = await reader.fetch(_insert_template(), params)
    return int(row[0])
