"""SQL of reviews, their KPI ratings and goals, and history (CONTRACT §3.3); one review's reads are in
`records.detail`.

Visibility lives in `review_scope`: every read of a review starts from it (§1.4 — the subject's
visibility set, plus the review's assigned reviewer)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Text, bindparam, case, delete, func, insert, or_, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from stride_server.auth.principal import Principal
from stride_server.db.reads import Reader, template, value_binds, value_params, value_shape
from stride_server.db.rows import plain, replace_children
from stride_server.db.scope import joined, of_tenant, review_scope, same_tenant, tenant_sql
from stride_server.db.tables import (
    people,
    review_cycles,
    review_goals,
    review_kpi_ratings,
    review_template_items,
    review_templates,
    reviews,
)

REVIEW_FIELDS = (
    "id",
    "cycle_id",
    "user_id",
    "reviewer_id",
    "status",
    "strengths",
    "growth_areas",
    "discussion_topics",
    "reviewer_notes",
    "action_items",
    "kpi_pass_count",
    "kpi_total_count",
    "kpi_passed",
    "completed_at",
    "created_at",
    "updated_at",
)
KPI_FIELDS = ("id", "template_item_id", "area", "label", "is_mandatory", "rating", "notes", "sort_order")
GOAL_FIELDS = ("id", "review_id", "goal", "success_measures", "support_needed", "status", "sort_order")

subject, reviewer = people.alias("subject"), people.alias("reviewer")


def joined_reviews() -> Any:
    return (
        reviews.join(review_cycles, joined(review_cycles, reviews, review_cycles.c.id == reviews.c.cycle_id))
        .join(subject, joined(subject, reviews, subject.c.id == reviews.c.user_id))
        .join(reviewer, joined(reviewer, reviews, reviewer.c.id == reviews.c.reviewer_id))
    )


def review_columns() -> list[Any]:
    return [
        *(reviews.c[n] for n in REVIEW_FIELDS),
        subject.c.name.label("user_name"),
        reviewer.c.name.label("reviewer_name"),
        review_cycles.c.name.label("cycle_name"),
        review_cycles.c.type.label("cycle_type"),
        review_cycles.c.period_start,
        review_cycles.c.period_end,
        review_cycles.c.status.label("cycle_status"),
    ]


async def list_reviews(
    conn: AsyncConnection, principal: Principal, cycle_id: str | None, status: str | None
) -> list[dict[str, Any]]:
    conditions = [review_scope(principal)]
    if cycle_id is not None:
        conditions.append(reviews.c.cycle_id == cycle_id)
    if status is not None:
        conditions.append(reviews.c.status == status)
    statement = (
        select(*review_columns())
        .select_from(joined_reviews())
        .where(*conditions)
        .order_by(review_cycles.c.period_start.desc(), subject.c.name, reviews.c.id)
    )
    return [plain(r) for r in (await conn.execute(statement)).mappings()]


async def insert_review(conn: AsyncConnection, values: dict[str, Any]) -> bool:
    """False when the user already has a review in the cycle (the unique index decides, race-free)."""
    statement = (
        pg_insert(reviews)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["tenant_id", "cycle_id", "user_id"])
        .returning(reviews.c.id)
    )
    return (await conn.execute(statement)).first() is not None


async def template_items_for(conn: AsyncConnection, tenant_id: str, user_id: str) -> list[dict[str, Any]]:
    """The items of the person's template (§3.1): `person.review_template_id`, else the template of
    their access level, else the tenant's default; none → no items."""
    t, i = review_templates, review_template_items
    priority = case(
        (t.c.id == people.c.review_template_id, 0), (t.c.access_level == people.c.access_level, 1), else_=2
    )
    chosen = (
        select(t.c.id)
        .select_from(t.join(people, same_tenant(people, t)))
        .where(
            of_tenant(t, tenant_id),
            people.c.id == user_id,
            or_(
                t.c.id == people.c.review_template_id,
                t.c.access_level == people.c.access_level,
                t.c.is_default,
            ),
        )
        .order_by(priority)
        .limit(1)
        .scalar_subquery()
    )
    statement = (
        select(i.c.id, i.c.area, i.c.label, i.c.is_mandatory, i.c.sort_order)
        .where(of_tenant(i, tenant_id), i.c.template_id == chosen)
        .order_by(i.c.sort_order, i.c.id)
    )
    return [plain(r) for r in (await conn.execute(statement)).mappings()]


async def insert_kpis(conn: AsyncConnection, rows: list[dict[str, Any]]) -> None:
    if rows:
        await conn.execute(insert(review_kpi_ratings).values(rows))


async def update_review(reader: Reader, tenant_id: str, review_id: str, values: dict[str, Any]) -> None:
    """Set `values` and stamp `updated_at`, from a template built once per set of columns."""

    def build() -> Any:
        return (
            update(reviews)
            .where(
                of_tenant(reviews, bindparam("u_tenant", type_=Text())),
                reviews.c.id == bindparam("u_review", type_=Text()),
            )
            .values(**value_binds(reviews, values), updated_at=func.now())
        )

    statement = template(("review_update", value_shape(values)), build)
    await reader.fetch(statement, {"u_tenant": tenant_id, "u_review": review_id, **value_params(values)})


_UPDATE_KPIS = text(f"""
UPDATE review_kpi_ratings k SET rating = v.rating, notes = v.notes
FROM unnest(CAST(:ids AS text[]), CAST(:ratings AS text[]), CAST(:notes AS text[])) AS v(id, rating, notes)
WHERE {tenant_sql("k")} AND k.review_id = :review AND k.id = v.id
""")  # noqa: S608 (constant SQL; the tenant predicate from db.scope)


async def update_kpis(
    conn: AsyncConnection, tenant_id: str, review_id: str, rows: list[dict[str, Any]]
) -> None:
    """Set rating and notes of the listed KPI rows, in one statement."""
    if rows:
        await conn.execute(
            _UPDATE_KPIS,
            {
                "tenant": tenant_id,
                "review": review_id,
                "ids": [r["id"] for r in rows],
                "ratings": [r["rating"] for r in rows],
                "notes": [r["notes"] for r in rows],
            },
        )


async def replace_goals(
    conn: AsyncConnection, tenant_id: str, review_id: str, goals: list[dict[str, Any]]
) -> None:
    """The review's goals become `goals` (ids already checked to be this review's or new)."""
    updatable = ("goal", "success_measures", "support_needed", "status", "sort_order")
    await replace_children(conn, review_goals, tenant_id, ("review_id", review_id), goals, updatable)


async def earlier_goal_ids(
    conn: AsyncConnection, tenant_id: str, review: dict[str, Any], ids: list[str]
) -> set[str]:
    """Which of `ids` are goals of an earlier completed review of the same user: another review whose
    cycle ends no later than this one's."""
    g, r, c = review_goals, reviews, review_cycles
    statement = (
        select(g.c.id)
        .select_from(
            g.join(r, joined(r, g, r.c.id == g.c.review_id)).join(c, joined(c, r, c.c.id == r.c.cycle_id))
        )
        .where(
            of_tenant(g, tenant_id),
            g.c.id.in_(ids),
            r.c.user_id == review["user_id"],
            r.c.status == "completed",
            r.c.id != review["id"],
            c.c.period_end <= review["period_end"],
        )
    )
    return {row[0] for row in await conn.execute(statement)}


_SET_OUTCOMES = text(f"""
UPDATE review_goals g SET status = v.status
FROM unnest(CAST(:ids AS text[]), CAST(:statuses AS text[])) AS v(id, status)
WHERE {tenant_sql("g")} AND g.id = v.id
RETURNING g.id, g.review_id, g.goal, g.success_measures, g.support_needed, g.status, g.sort_order
""")  # noqa: S608 (constant SQL; the tenant predicate from db.scope)


async def set_goal_outcomes(
    conn: AsyncConnection, tenant_id: str, outcomes: dict[str, str]
) -> list[dict[str, Any]]:
    result = await conn.execute(
        _SET_OUTCOMES, {"tenant": tenant_id, "ids": list(outcomes), "statuses": list(outcomes.values())}
    )
    return [plain(r) for r in result.mappings()]


async def history(conn: AsyncConnection, tenant_id: str, user_id: str) -> list[dict[str, Any]]:
    """The user's completed reviews, oldest first, with goal counts (one statement)."""
    r, c, g = reviews, review_cycles, review_goals
    statement = (
        select(
            r.c.id.label("review_id"),
            r.c.cycle_id,
            c.c.name.label("cycle_name"),
            c.c.type.label("cycle_type"),
            c.c.period_start,
            c.c.period_end,
            r.c.completed_at,
            r.c.kpi_pass_count,
            r.c.kpi_total_count,
            r.c.kpi_passed,
            func.count(g.c.id).label("goal_count"),
            func.count(g.c.id).filter(g.c.status == "completed").label("goals_completed"),
            func.count(g.c.id).filter(g.c.status == "not_completed").label("goals_not_completed"),
        )
        .select_from(
            r.join(c, joined(c, r, c.c.id == r.c.cycle_id)).outerjoin(
                g, joined(g, r, g.c.review_id == r.c.id)
            )
        )
        .where(of_tenant(r, tenant_id), r.c.user_id == user_id, r.c.status == "completed")
        .group_by(r.c.tenant_id, r.c.id, c.c.tenant_id, c.c.id)
        .order_by(c.c.period_end, r.c.completed_at, r.c.id)
    )
    return [plain(row) for row in (await conn.execute(statement)).mappings()]


async def current_goals(
    conn: AsyncConnection, tenant_id: str, user_id: str
) -> tuple[list[dict[str, Any]], str]:
    """Goals of the user's most recent completed review (latest cycle `period_end`) and its cycle name."""
    r, c, g = reviews, review_cycles, review_goals
    latest = (
        select(r.c.tenant_id, r.c.id, c.c.name)
        .select_from(r.join(c, joined(c, r, c.c.id == r.c.cycle_id)))
        .where(of_tenant(r, tenant_id), r.c.user_id == user_id, r.c.status == "completed")
        .order_by(c.c.period_end.desc(), r.c.completed_at.desc(), r.c.id.desc())
        .limit(1)
        .cte("latest")
    )
    statement = (
        select(latest.c.name.label("cycle_name"), *(g.c[n].label(f"goal_{n}") for n in GOAL_FIELDS))
        .select_from(latest.outerjoin(g, joined(g, latest, g.c.review_id == latest.c.id)))
        .order_by(g.c.sort_order, g.c.id)
    )
    rows = [plain(row) for row in (await conn.execute(statement)).mappings()]
    if not rows:
        return [], ""
    goals = [{n: row[f"goal_{n}"] for n in GOAL_FIELDS} for row in rows if row["goal_id"] is not None]
    return goals, str(rows[0]["cycle_name"])


async def delete_review(conn: AsyncConnection, tenant_id: str, review_id: str) -> None:
    await conn.execute(delete(reviews).where(of_tenant(reviews, tenant_id), reviews.c.id == review_id))


def as_date(value: Any) -> date | None:
    return value.date() if value is not None else None
