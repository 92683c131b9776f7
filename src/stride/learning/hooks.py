"""Validation rules of LearningRecords, Cohorts and Assessments (CONTRACT §2.3)."""

from __future__ import annotations

from typing import Any

from stride.core.context import Context
from stride.core.problems import Unprocessable, field_error
from stride.edm.registry import ASSESSMENT, Hooks, install_hooks


async def validate_learning_record(ctx: Context, record: dict[str, Any], before: dict[str, Any] | None) -> None:
    completed, expires = record.get("completed_at"), record.get("expires_at")
    if completed is not None and expires is not None and not expires > completed:
        raise field_error("expires_at", "must be after completed_at")


async def validate_cohort(ctx: Context, record: dict[str, Any], before: dict[str, Any] | None) -> None:
    start, end = record.get("start_date"), record.get("end_date")
    if start is not None and end is not None and end < start:
        raise field_error("end_date", "must not be before start_date")


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


install_hooks("LearningRecord", Hooks(validate=validate_learning_record))
install_hooks("Cohort", Hooks(validate=validate_cohort))
install_hooks("Assessment", Hooks(validate=validate_assessment))
