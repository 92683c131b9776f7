"""Rules and computed fields of LearningRecords, Cohorts and Assessments (CONTRACT §2.3, §2.4),
attached to the registry."""

from __future__ import annotations

from typing import Any

from stride_server.auth.principal import Principal
from stride_server.core.context import Context
from stride_server.core.problems import Unprocessable, field_error
from stride_server.edm import store as edm_store
from stride_server.edm.hooks import Hooks
from stride_server.edm.registry import ASSESSMENT, COHORT
from stride_server.learning import service, store


async def validate_learning_record(
    ctx: Context, record: dict[str, Any], before: dict[str, Any] | None
) -> None:
    completed, expires = record.get("completed_at"), record.get("expires_at")
    if completed is not None and expires is not None and not expires > completed:
        raise field_error("expires_at", "must be after completed_at")


async def learning_record_written(
    ctx: Context, record: dict[str, Any], before: dict[str, Any] | None
) -> None:
    await service.refresh_cohort(ctx, record["linked_cohort_id"])


async def validate_cohort(ctx: Context, record: dict[str, Any], before: dict[str, Any] | None) -> None:
    start, end = record.get("start_date"), record.get("end_date")
    if start is not None and end is not None and end < start:
        raise field_error("end_date", "must not be before start_date")


async def cohort_written(
    ctx: Context, record: dict[str, Any], before: dict[str, Any] | None
) -> dict[str, Any] | None:
    """A new cohort, or one whose group changed, has new learners: recompute, answer the new figure."""
    if before is None or before["group_id"] != record["group_id"]:
        await store.recompute_cohort(ctx.conn, ctx.principal.tenant_id, record["id"])
        return await edm_store.fetch(ctx.reader, COHORT, ctx.principal, record["id"])
    return None


async def validate_assessment(ctx: Context, record: dict[str, Any], before: dict[str, Any] | None) -> None:
    kind = record["kind"]
    errors = [
        {"field": f.name, "message": f"applies only to kind {' or '.join(f.only_for_kinds)}"}
        for f in ASSESSMENT.fields
        if f.only_for_kinds and record.get(f.name) is not None and kind not in f.only_for_kinds
    ]
    if errors:
        raise Unprocessable(f"{errors[0]['field']}: {errors[0]['message']} (kind is {kind})", errors=errors)
    if record.get("questions") and record.get("question_bank_id") is not None:
        raise field_error("question_bank_id", "questions and question_bank_id are mutually exclusive")


async def assessment_written(
    ctx: Context, record: dict[str, Any], before: dict[str, Any] | None
) -> dict[str, Any] | None:
    """A new target changes how many responses are expected."""
    if before is None or (before["target_cohort_id"], before["target_group_id"]) != (
        record["target_cohort_id"],
        record["target_group_id"],
    ):
        await store.recompute_assessment(ctx.conn, ctx.principal.tenant_id, record["id"])
        return await edm_store.fetch(ctx.reader, ASSESSMENT, ctx.principal, record["id"])
    return None


def present_assessment(principal: Principal, record: dict[str, Any]) -> dict[str, Any]:
    """Answer keys (`correct`) are shown only to those who may edit assessments (update:learning)."""
    if record.get("questions") and not principal.can("update", "learning"):
        record["questions"] = [{k: v for k, v in q.items() if k != "correct"} for q in record["questions"]]
    return record


HOOKS = {
    "LearningRecord": Hooks(validate=validate_learning_record, after_write=learning_record_written),
    "Cohort": Hooks(validate=validate_cohort, after_write=cohort_written),
    "Assessment": Hooks(
        validate=validate_assessment, after_write=assessment_written, present=present_assessment
    ),
}
