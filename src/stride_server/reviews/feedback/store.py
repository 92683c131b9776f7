"""SQL of 360 feedback (CONTRACT §3.4, §3.4a): requests, peer selection, the inbox of submitted answers,
their flush and release, and the released sets a summary reads.

Every statement is tenant-scoped through `db.scope.of_tenant`. Responses are read only by released set —
they hold no column that could name their reviewer, and they are written apart from their requests
(`flush_inbox`), so neither a column nor `xmin`, commit order or physical order links the two."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    ARRAY,
    Text,
    bindparam,
    case,
    func,
    insert,
    literal_column,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from stride_server.db.rows import plain
from stride_server.db.scope import joined, of_tenant, tenant_sql
from stride_server.db.tables import (
    feedback_inbox,
    feedback_releases,
    feedback_requests,
    feedback_responses,
    people,
    review_cycles,
    tenants,
)
from stride_server.platform.store import DEFAULT_SETTINGS, tenant_settings
from stride_server.reviews.feedback.anonymity import ReleasedSet
from stride_server.reviews.rules import FEEDBACK_AREAS

REQUEST_FIELDS = (
    "id",
    "cycle_id",
    "subject_id",
    "reviewer_id",
    "due_date",
    "status",
    "direction",
    "created_at",
)
# The tenant settings' defaults, declared once with them (platform.store): (feedback, upward).
DEFAULT_MINIMUMS = (DEFAULT_SETTINGS["feedback_min_responses"], DEFAULT_SETTINGS["upward_min_responses"])
RESPONSE_FIELDS = tuple(f"{area}_{part}" for area in FEEDBACK_AREAS for part in ("rating", "comment")) + (
    "overall_comment",
)


async def insert_request(conn: AsyncConnection, values: dict[str, Any]) -> dict[str, Any] | None:
    """The new request, or None when (cycle, subject, reviewer) already has one."""
    statement = (
        pg_insert(feedback_requests)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["tenant_id", "cycle_id", "subject_id", "reviewer_id"])
        .returning(*(feedback_requests.c[n] for n in REQUEST_FIELDS))
    )
    row = (await conn.execute(statement)).mappings().first()
    return plain(row) if row else None


async def pending_requests(conn: AsyncConnection, tenant_id: str, reviewer_id: str) -> list[dict[str, Any]]:
    """The reviewer's pending requests with cycle and subject names (one statement)."""
    r, c = feedback_requests, review_cycles
    statement = (
        select(
            *(r.c[n] for n in REQUEST_FIELDS),
            c.c.name.label("cycle_name"),
            people.c.name.label("subject_name"),
        )
        .select_from(
            r.join(c, joined(c, r, c.c.id == r.c.cycle_id)).join(
                people, joined(people, r, people.c.id == r.c.subject_id)
            )
        )
        .where(
            of_tenant(feedback_requests, tenant_id), r.c.reviewer_id == reviewer_id, r.c.status == "pending"
        )
        .order_by(r.c.due_date.asc().nulls_last(), r.c.created_at, r.c.id)
    )
    return [plain(row) for row in (await conn.execute(statement)).mappings()]


async def fetch_assigned_request(
    conn: AsyncConnection, tenant_id: str, request_id: str, reviewer_id: str
) -> dict[str, Any] | None:
    """The request if `reviewer_id` is its reviewer, locked for the submission."""
    statement = (
        select(*(feedback_requests.c[n] for n in REQUEST_FIELDS))
        .where(
            of_tenant(feedback_requests, tenant_id),
            feedback_requests.c.id == request_id,
            feedback_requests.c.reviewer_id == reviewer_id,
        )
        .with_for_update()
    )
    row = (await conn.execute(statement)).mappings().first()
    return plain(row) if row else None


async def mark_submitted(conn: AsyncConnection, tenant_id: str, request_id: str) -> None:
    await conn.execute(
        update(feedback_requests)
        .where(of_tenant(feedback_requests, tenant_id), feedback_requests.c.id == request_id)
        .values(status="submitted")
    )


async def hold_cycle(conn: AsyncConnection, tenant_id: str, cycle_id: str) -> None:
    """A share lock on the cycle: a submission and the cycle's close (which flushes and releases
    under an update lock) never interleave, so every released request has its response released."""
    c = review_cycles
    await conn.execute(
        select(c.c.id).where(of_tenant(c, tenant_id), c.c.id == cycle_id).with_for_update(read=True)
    )


async def insert_inbox(conn: AsyncConnection, values: dict[str, Any]) -> None:
    await conn.execute(insert(feedback_inbox).values(**values))


_ANSWERS = ", ".join(RESPONSE_FIELDS)
# One statement: the cycle's inbox moves into feedback_responses with fresh random ids, inserted in
# the order of those ids — a random order, unrelated to submission order — and the inbox is emptied.
_FLUSH = text(f"""
    WITH moved AS (DELETE FROM feedback_inbox WHERE {tenant_sql()} AND cycle_id = :cycle
                   RETURNING tenant_id, cycle_id, subject_id, direction, {_ANSWERS})
    INSERT INTO feedback_responses (id, tenant_id, cycle_id, subject_id, direction, {_ANSWERS})
    SELECT gen_random_uuid()::text AS id, tenant_id, cycle_id, subject_id, direction, {_ANSWERS}
    FROM moved ORDER BY 1""")  # noqa: S608 (column names are constants)


async def flush_inbox(conn: AsyncConnection, tenant_id: str, cycle_id: str) -> int:
    """Move the cycle's submitted answers into feedback_responses (not yet released); how many moved."""
    return (await conn.execute(_FLUSH, {"tenant": tenant_id, "cycle": cycle_id})).rowcount


async def pending_counts(conn: AsyncConnection, tenant_id: str, cycle_id: str) -> list[dict[str, Any]]:
    """Per subject and direction: responses flushed but not released."""
    r = feedback_responses
    statement = (
        select(r.c.subject_id, r.c.direction, func.count().label("pending"))
        .where(of_tenant(r, tenant_id), r.c.cycle_id == cycle_id, r.c.release_id.is_(None))
        .group_by(r.c.subject_id, r.c.direction)
    )
    return [plain(row) for row in (await conn.execute(statement)).mappings()]


async def cycle_releases(conn: AsyncConnection, tenant_id: str, cycle_id: str) -> list[dict[str, Any]]:
    rel = feedback_releases
    statement = (
        select(rel.c.id, rel.c.subject_id, rel.c.direction, rel.c.response_count)
        .where(of_tenant(rel, tenant_id), rel.c.cycle_id == cycle_id)
        .order_by(rel.c.id)
    )
    return [plain(row) for row in (await conn.execute(statement)).mappings()]


_RELEASE_ARRAYS = {"subjects": ARRAY(Text), "directions": ARRAY(Text), "sets": ARRAY(Text)}


def _by_group(sql: str) -> Any:
    return text(sql).bindparams(*(bindparam(name, type_=kind) for name, kind in _RELEASE_ARRAYS.items()))


# Marks the pending responses, and the submitted requests, of each (subject, direction) with its set.
_MARK_RESPONSES = _by_group(f"""
    UPDATE feedback_responses x SET release_id = g.set_id
    FROM unnest(:subjects, :directions, :sets) AS g(subject_id, direction, set_id)
    WHERE {tenant_sql("x")} AND x.cycle_id = :cycle AND x.subject_id = g.subject_id
      AND x.direction = g.direction AND x.release_id IS NULL""")  # noqa: S608 (constant SQL; the tenant predicate from db.scope)
_MARK_REQUESTS = _by_group(f"""
    UPDATE feedback_requests x SET release_id = g.set_id
    FROM unnest(:subjects, :directions, :sets) AS g(subject_id, direction, set_id)
    WHERE {tenant_sql("x")} AND x.cycle_id = :cycle AND x.subject_id = g.subject_id
      AND x.direction = g.direction AND x.status = 'submitted' AND x.release_id IS NULL""")  # noqa: S608 (constant SQL; the tenant predicate from db.scope)


async def release(
    conn: AsyncConnection,
    tenant_id: str,
    cycle_id: str,
    new_sets: list[dict[str, Any]],
    grown: list[dict[str, Any]],
) -> None:
    """Record the released sets (`new_sets`: id, subject_id, direction, response_count; `grown`: id,
    subject_id, direction, added) and mark their responses and requests, in a few statements."""
    if not new_sets and not grown:
        return
    if new_sets:
        await conn.execute(
            insert(feedback_releases).values(
                [{"tenant_id": tenant_id, "cycle_id": cycle_id, **s} for s in new_sets]
            )
        )
    for s in grown:
        rel = feedback_releases
        await conn.execute(
            update(rel)
            .where(of_tenant(rel, tenant_id), rel.c.id == s["id"])
            .values(response_count=rel.c.response_count + s["added"])
        )
    groups = [*new_sets, *grown]
    arrays = {
        "subjects": [g["subject_id"] for g in groups],
        "directions": [g["direction"] for g in groups],
        "sets": [g["id"] for g in groups],
        "tenant": tenant_id,
        "cycle": cycle_id,
    }
    await conn.execute(_MARK_RESPONSES, arrays)
    await conn.execute(_MARK_REQUESTS, arrays)


async def freeze_minimums(conn: AsyncConnection, tenant_id: str, cycle_id: str) -> None:
    """§3.4a.3: the tenant's minimums as they are when the cycle first opens stay the cycle's."""
    c = review_cycles
    await conn.execute(
        update(c)
        .where(of_tenant(c, tenant_id), c.c.id == cycle_id, c.c.feedback_min_responses.is_(None))
        .values(
            feedback_min_responses=func.coalesce(
                select(tenants.c.feedback_min_responses)
                .where(of_tenant(tenants, tenant_id))
                .scalar_subquery(),
                DEFAULT_MINIMUMS[0],
            ),
            upward_min_responses=func.coalesce(
                select(tenants.c.upward_min_responses).where(of_tenant(tenants, tenant_id)).scalar_subquery(),
                DEFAULT_MINIMUMS[1],
            ),
        )
    )


async def minimums(conn: AsyncConnection, tenant_id: str, cycle_id: str | None) -> tuple[int, int]:
    """(feedback, upward) minimums: the cycle's, once it has opened, else the tenant's current ones."""
    if cycle_id is not None:
        c = review_cycles
        frozen = (
            await conn.execute(
                select(c.c.feedback_min_responses, c.c.upward_min_responses).where(
                    of_tenant(c, tenant_id), c.c.id == cycle_id
                )
            )
        ).first()
        if frozen is not None and frozen[0] is not None:
            return int(frozen[0]), int(frozen[1])
    current = await tenant_settings(conn, tenant_id)
    return current["feedback_min_responses"], current["upward_min_responses"]


async def released_sets(
    conn: AsyncConnection, tenant_id: str, subject_id: str, cycle_id: str | None, caller_id: str | None
) -> list[ReleasedSet]:
    """The subject's released sets (of one cycle, or all), each with its cycle's minimum for its
    direction and how many of its answers are the caller's (from the requests released into it)."""
    rel, c, q = feedback_releases, review_cycles, feedback_requests
    minimum = case(
        (rel.c.direction == "upward", func.coalesce(c.c.upward_min_responses, DEFAULT_MINIMUMS[1])),
        else_=func.coalesce(c.c.feedback_min_responses, DEFAULT_MINIMUMS[0]),
    )
    own: Any = literal_column("0")
    if caller_id is not None:
        own = (
            select(func.count())
            .where(of_tenant(q, tenant_id), q.c.release_id == rel.c.id, q.c.reviewer_id == caller_id)
            .scalar_subquery()
        )
    conditions = [of_tenant(rel, tenant_id), rel.c.subject_id == subject_id]
    if cycle_id is not None:
        conditions.append(rel.c.cycle_id == cycle_id)
    statement = (
        select(
            rel.c.id,
            rel.c.cycle_id,
            rel.c.direction,
            rel.c.response_count,
            minimum.label("minimum"),
            own.label("own"),
        )
        .select_from(rel.join(c, joined(c, rel, c.c.id == rel.c.cycle_id)))
        .where(*conditions)
        .order_by(rel.c.id)
    )
    return [
        ReleasedSet(r.id, r.cycle_id, r.direction, int(r.response_count), int(r.minimum), int(r.own))
        for r in await conn.execute(statement)
    ]


async def responses_of(conn: AsyncConnection, tenant_id: str, set_ids: list[str]) -> list[dict[str, Any]]:
    """The answers of the given released sets, with their direction: nothing else is there to read."""
    if not set_ids:
        return []
    r = feedback_responses
    statement = select(r.c.direction, *(r.c[n] for n in RESPONSE_FIELDS)).where(
        of_tenant(r, tenant_id), r.c.release_id.in_(set_ids)
    )
    return [plain(row) for row in (await conn.execute(statement)).mappings()]
