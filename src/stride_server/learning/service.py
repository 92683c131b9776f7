"""Learning use cases beyond the generic Data API: assessment responses (scored, one per person,
open assessments only) and the cohort and assessment figures they change."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncConnection

from stride_server.core import pages
from stride_server.core.context import Context
from stride_server.core.ids import is_id, new_id
from stride_server.core.problems import Conflict, Forbidden, NotFound, Unprocessable
from stride_server.edm import store as edm_store
from stride_server.edm.registry import ASSESSMENT, LEARNING_RECORD
from stride_server.learning import scoring, store

_PUBLIC = (
    "id",
    "assessment_id",
    "person_id",
    "answers",
    "score",
    "passed",
    "learning_record_id",
    "created_at",
)


def _public(row: dict[str, Any]) -> dict[str, Any]:
    return {k: row[k] for k in _PUBLIC}


async def _visible_assessment(ctx: Context, assessment_id: str) -> dict[str, Any]:
    ctx.principal.require("view", "learning")
    assessment = await edm_store.fetch(ctx.reader, ASSESSMENT, ctx.principal, assessment_id)
    if assessment is None:
        raise NotFound(f"No Assessment {assessment_id}.")
    return assessment


async def submit_response(ctx: Context, assessment_id: str, answers: list[dict[str, Any]]) -> dict[str, Any]:
    principal = ctx.principal
    if not principal.is_person:
        await _visible_assessment(ctx, assessment_id)
        raise Forbidden("Assessment responses are given by people, not applications.")
    await store.lock_assessment(ctx.conn, principal.tenant_id, assessment_id)
    assessment = await _visible_assessment(ctx, assessment_id)
    if assessment["status"] != "open":
        raise Conflict(
            f"The assessment is {assessment['status']}; responses are taken while it is open.",
            slug="assessment-not-open",
        )
    if await store.has_response(ctx.conn, principal.tenant_id, assessment_id, principal.sub):
        raise Conflict("You have already responded to this assessment.", slug="duplicate-response")
    questions = assessment["questions"] or []
    errors = scoring.validate_answers(questions, answers)
    if errors:
        raise Unprocessable(
            f"answers: question {errors[0].question_id} {errors[0].message}",
            errors=[{"field": f"answers.{e.question_id}", "message": e.message} for e in errors],
        )
    score = scoring.score(questions, answers)
    passed = scoring.passed(score, assessment["pass_score"])
    record_id = None
    if assessment["kind"] == "learning":
        record_id = await _record_completion(ctx, assessment, score, passed)
    response = await store.insert_response(
        ctx.conn,
        {
            "tenant_id": principal.tenant_id,
            "id": new_id("asr"),
            "assessment_id": assessment_id,
            "person_id": principal.sub,
            "answers": answers,
            "score": score,
            "passed": passed,
            "learning_record_id": record_id,
            "app_id": principal.app_id,
        },
    )
    await store.recompute_assessment(ctx.conn, principal.tenant_id, assessment_id)
    return _public(response)


async def _record_completion(
    ctx: Context, assessment: dict[str, Any], score: float | None, passed: bool | None
) -> str:
    """A `learning` assessment's response is also a LearningRecord of the respondent (§2.4)."""
    principal, now = ctx.principal, func.now()
    values = {
        "id": new_id(LEARNING_RECORD.prefix),
        "tenant_id": principal.tenant_id,
        "app_id": principal.app_id,
        "created_at": now,
        "updated_at": now,
        "created_by": principal.sub,
        "updated_by": principal.sub,
        "source_type": "system",
        "person_id": principal.sub,
        "title": assessment["name"][:500],
        "provider": "internal",
        "completed_at": now,
        "score": score,
        "passed": passed,
        "linked_assessment_id": assessment["id"],
        "linked_cohort_id": assessment["target_cohort_id"],
    }
    record = await edm_store.insert_record(ctx.reader, LEARNING_RECORD, values)
    await refresh_cohort(ctx, record["linked_cohort_id"])
    return str(record["id"])


async def list_responses(ctx: Context, assessment_id: str, cursor: str | None, limit: int) -> dict[str, Any]:
    """A response is a personal record of its respondent (§2.4): the caller sees those of the people
    whose personal records it sees (§1.4 rule 3), all with `manage:learning`; `update:learning` adds none."""
    await _visible_assessment(ctx, assessment_id)
    print_ = pages.fingerprint("assessment-responses", assessment_id)
    after = None if cursor is None else pages.decode_cursor(cursor, print_, lambda v: is_id(v, "asr"))
    rows = await store.list_responses(ctx.conn, ctx.principal, assessment_id, after, limit)
    return pages.page([_public(r) for r in rows], limit, lambda last: pages.encode_cursor(print_, last["id"]))


async def refresh_cohort(ctx: Context, cohort_id: str | None) -> None:
    if cohort_id is None:
        return
    await store.lock_cohort(ctx.conn, ctx.principal.tenant_id, cohort_id)
    await store.recompute_cohort(ctx.conn, ctx.principal.tenant_id, cohort_id)


async def refresh_group_cohorts(ctx: Context, group_id: str) -> None:
    """Membership of a group changed (the directory calls this)."""
    await refresh_groups(ctx.conn, ctx.principal.tenant_id, [group_id])


async def refresh_groups(conn: AsyncConnection, tenant_id: str, group_ids: list[str]) -> None:
    """Membership of these groups changed: the completion of cohorts built on them, and of
    assessments targeting them or those cohorts, changes with it. Locks are taken assessments
    first, then cohorts, each in id order, the order every other writer of these figures uses."""
    if not group_ids:
        return
    cohort_ids = await store.cohorts_of_groups(conn, tenant_id, sorted(set(group_ids)))
    assessment_ids = await store.assessments_targeting(conn, tenant_id, sorted(set(group_ids)), cohort_ids)
    for assessment_id in assessment_ids:
        await store.lock_assessment(conn, tenant_id, assessment_id)
    for cohort_id in cohort_ids:
        await store.lock_cohort(conn, tenant_id, cohort_id)
        await store.recompute_cohort(conn, tenant_id, cohort_id)
    for assessment_id in assessment_ids:
        await store.recompute_assessment(conn, tenant_id, assessment_id)
