"""SQL of the learning rules: cohort completion, assessment responses and their counts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, insert, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from stride_server.auth.principal import Principal
from stride_server.db.scope import of_tenant, same_tenant_sql, tenant_sql, visible_people
from stride_server.db.tables import ENTITY_TABLES, assessment_responses

cohorts = ENTITY_TABLES["Cohort"]
assessments = ENTITY_TABLES["Assessment"]

# A cohort's learners: members of its group when it has one, else the distinct people with a live
# learning record linked to it. Parameters :tenant and :cohort.
_LEARNERS = f"""
    SELECT m.person_id FROM cohorts c
    JOIN group_members m ON {same_tenant_sql("m", "c")} AND m.group_id = c.group_id
    WHERE {tenant_sql("c")} AND c.id = :cohort AND c.group_id IS NOT NULL
    UNION
    SELECT r.person_id FROM cohorts c
    JOIN learning_records r ON {same_tenant_sql("r", "c")} AND r.linked_cohort_id = c.id AND NOT r.is_deleted
    WHERE {tenant_sql("c")} AND c.id = :cohort AND c.group_id IS NULL
"""  # noqa: S608 (constant SQL; the tenant predicate from db.scope)

# completed = learners with a live record linked to the cohort, completed_at set and passed not false.
_RECOMPUTE_COHORT = text(f"""
WITH learners AS ({_LEARNERS}),
done AS (
    SELECT count(DISTINCT l.person_id) AS n FROM learners l
    WHERE EXISTS (SELECT 1 FROM learning_records r
                  WHERE {tenant_sql("r")} AND r.linked_cohort_id = :cohort AND r.person_id = l.person_id
                    AND NOT r.is_deleted AND r.completed_at IS NOT NULL AND r.passed IS DISTINCT FROM false)
)
UPDATE cohorts SET current_completion_pct = CASE
    WHEN (SELECT count(*) FROM learners) = 0 THEN 0
    ELSE round(100.0 * (SELECT n FROM done) / (SELECT count(*) FROM learners), 2) END
WHERE {tenant_sql()} AND id = :cohort
""")  # noqa: S608 (a constant fragment, no input)

_RECOMPUTE_ASSESSMENT = text(f"""
WITH target AS (
    SELECT target_cohort_id, target_group_id FROM assessments WHERE {tenant_sql()} AND id = :assessment
), expected AS (
    SELECT CASE
        WHEN (SELECT target_cohort_id FROM target) IS NOT NULL THEN
            (SELECT count(*) FROM ({_LEARNERS.replace(":cohort", "(SELECT target_cohort_id FROM target)")}) l)
        WHEN (SELECT target_group_id FROM target) IS NOT NULL THEN
            (SELECT count(*) FROM group_members
             WHERE {tenant_sql()} AND group_id = (SELECT target_group_id FROM target))
        END AS n
), responses AS (
    SELECT count(*) AS n FROM assessment_responses WHERE {tenant_sql()} AND assessment_id = :assessment
)
UPDATE assessments SET
    response_count = (SELECT n FROM responses),
    completion_pct = CASE
        WHEN (SELECT n FROM expected) IS NULL THEN NULL
        WHEN (SELECT n FROM expected) = 0 THEN 0
        ELSE least(100, round(100.0 * (SELECT n FROM responses) / (SELECT n FROM expected), 2)) END
WHERE {tenant_sql()} AND id = :assessment
""")  # noqa: S608 (a constant fragment, no input)


async def lock_cohort(conn: AsyncConnection, tenant_id: str, cohort_id: str) -> None:
    """Lock before recomputing: the recomputation that follows then reads, in a new snapshot, every
    change committed by the writer that held the lock before (no lost update)."""
    await conn.execute(
        select(cohorts.c.id).where(of_tenant(cohorts, tenant_id), cohorts.c.id == cohort_id).with_for_update()
    )


async def recompute_cohort(conn: AsyncConnection, tenant_id: str, cohort_id: str) -> None:
    await conn.execute(_RECOMPUTE_COHORT, {"tenant": tenant_id, "cohort": cohort_id})


async def lock_assessment(conn: AsyncConnection, tenant_id: str, assessment_id: str) -> None:
    await conn.execute(
        select(assessments.c.id)
        .where(of_tenant(assessments, tenant_id), assessments.c.id == assessment_id)
        .with_for_update()
    )


async def recompute_assessment(conn: AsyncConnection, tenant_id: str, assessment_id: str) -> None:
    await conn.execute(_RECOMPUTE_ASSESSMENT, {"tenant": tenant_id, "assessment": assessment_id})


async def has_response(conn: AsyncConnection, tenant_id: str, assessment_id: str, person_id: str) -> bool:
    row = await conn.execute(
        select(assessment_responses.c.id).where(
            of_tenant(assessment_responses, tenant_id),
            assessment_responses.c.assessment_id == assessment_id,
            assessment_responses.c.person_id == person_id,
        )
    )
    return row.first() is not None


async def insert_response(conn: AsyncConnection, values: dict[str, Any]) -> dict[str, Any]:
    row = (
        (await conn.execute(insert(assessment_responses).values(values).returning(*assessment_responses.c)))
        .mappings()
        .one()
    )
    return {str(k): v for k, v in row.items()}


def _visible_responses(principal: Principal) -> list[ColumnElement[bool]]:
    """Tenant, application and respondent scope of the responses the caller sees.

    CONTRACT §2.4: "A response is a personal record of its respondent (§1.4.3): the respondent, the
    people who see the respondent's personal records, and `manage:learning` see it; `update:learning`
    alone does not widen that." The respondents are the visibility set of PersonGoals and
    LearningRecords (`visible_people`), so an application needs `view:performance` as it does for
    those records; an application's reads stay limited to the rows it wrote (§1.4 rule 2)."""
    t = assessment_responses
    conditions: list[ColumnElement[bool]] = [of_tenant(t, principal.tenant_id)]
    if principal.app_id is not None:
        conditions.append(t.c.app_id == principal.app_id)
    visible = None if principal.can("manage", "learning") else visible_people(principal)
    if visible is not None:
        # Served by ux_assessment_responses_person (tenant_id, assessment_id, person_id).
        conditions.append(t.c.person_id.in_(visible))
    return conditions


async def list_responses(
    conn: AsyncConnection, principal: Principal, assessment_id: str, after: str | None, limit: int
) -> list[dict[str, Any]]:
    """The responses the caller sees, oldest first (ids are ULIDs), at most `limit` + 1 after `after`."""
    t = assessment_responses
    statement = select(*t.c).where(*_visible_responses(principal), t.c.assessment_id == assessment_id)
    if after is not None:
        statement = statement.where(t.c.id > after)
    rows = await conn.execute(statement.order_by(t.c.id).limit(limit + 1))
    return [{str(k): v for k, v in r.items()} for r in rows.mappings()]


async def assessments_targeting(
    conn: AsyncConnection, tenant_id: str, group_ids: list[str], cohort_ids: list[str]
) -> list[str]:
    rows = await conn.execute(
        select(assessments.c.id)
        .where(
            of_tenant(assessments, tenant_id),
            assessments.c.target_group_id.in_(group_ids) | assessments.c.target_cohort_id.in_(cohort_ids),
        )
        .order_by(assessments.c.id)
    )
    return [r[0] for r in rows]


async def cohorts_of_groups(conn: AsyncConnection, tenant_id: str, group_ids: list[str]) -> list[str]:
    rows = await conn.execute(
        select(cohorts.c.id)
        .where(of_tenant(cohorts, tenant_id), cohorts.c.group_id.in_(group_ids))
        .order_by(cohorts.c.id)
    )
    return [r[0] for r in rows]
