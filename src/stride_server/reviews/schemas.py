"""Pydantic models of templates, cycles and reviews (seed 001, CONTRACT §3.1–3.3, §3.5) and the value
types every reviews model shares: request bodies (unknown keys → 422) and typed responses."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from stride_server.auth.permissions import AccessLevel

Rating = Literal["not_achieving", "developing", "achieving", "exceeding"]
ReviewStatus = Literal["draft", "self_assessment", "in_review", "ready_for_review", "completed"]
CycleType = Literal["quarterly", "annual"]
CycleStatus = Literal["draft", "open", "closed"]
GoalOutcome = Literal["completed", "not_completed"]

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_date(value: Any) -> Any:
    """CONTRACT §3: "Dates in bodies are YYYY-MM-DD" — no timestamps, numbers or date-times."""
    if not isinstance(value, str) or not _DATE.match(value):
        raise ValueError("must be a date YYYY-MM-DD")
    return value


def _whole_number(value: Any) -> Any:
    """JSON Schema's `integer` includes 3.0; booleans and strings are not integers."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError("must be an integer")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError("must be an integer")
        return int(value)
    return value


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


def _not_blank(value: str) -> str:
    value = _no_nul(value).strip()
    if not value:
        raise ValueError("must not be blank")
    return value


# PostgreSQL text cannot hold U+0000: the schema says so (the body parser refuses it anyway).
NO_NUL = r"^[^\x00]*$"
NOT_BLANK = r"^[^\x00]*[^\s\x00][^\x00]*$"
Day = Annotated[date, BeforeValidator(_iso_date)]
Name = Annotated[str, Field(strict=True, min_length=1, max_length=200, pattern=NOT_BLANK), AfterValidator(_not_blank)]
Label = Annotated[str, Field(strict=True, min_length=1, max_length=500, pattern=NOT_BLANK),
                  AfterValidator(_not_blank)]
Text = Annotated[str, Field(strict=True, max_length=20_000, pattern=NO_NUL), AfterValidator(_no_nul)]
GoalText = Annotated[str, Field(strict=True, min_length=1, max_length=20_000, pattern=NOT_BLANK),
                     AfterValidator(_not_blank)]
Reference = Annotated[str, Field(strict=True, min_length=1, max_length=64, pattern=NO_NUL), AfterValidator(_no_nul)]
SortOrder = Annotated[int, Field(ge=0, le=1_000_000), BeforeValidator(_whole_number)]
Flag = Annotated[bool, Field(strict=True)]

_FORBID = ConfigDict(extra="forbid")


# --------------------------------------------------------------------------------------- templates
class TemplateItemIn(BaseModel):
    model_config = _FORBID

    id: Reference | None = Field(None, description="One of the template's item ids keeps that item; any other "
                                 "id (or none) adds a new item.")
    area: Label = Field(description="KPI area, e.g. `performance`.")
    label: Label
    is_mandatory: Flag = False
    sort_order: SortOrder | None = Field(None, description="Defaults to the item's position in the list.")


class TemplateCreate(BaseModel):
    model_config = _FORBID

    name: Name
    access_level: AccessLevel | None = Field(None, description="The access level this template serves "
                                             "(one template per level).")
    is_default: Flag = Field(False, description="The tenant's fallback template; setting it moves the default.")
    items: Annotated[list[TemplateItemIn], Field(max_length=200)] = []


class TemplateUpdate(BaseModel):
    """Partial: only the keys sent change; `items`, when sent, replaces the list."""

    model_config = _FORBID

    name: Name = None  # type: ignore[assignment]
    access_level: AccessLevel | None = None
    is_default: Flag = None  # type: ignore[assignment]
    items: Annotated[list[TemplateItemIn], Field(max_length=200)] = None  # type: ignore[assignment]


class TemplateItem(BaseModel):
    id: str
    area: str
    label: str
    is_mandatory: bool
    sort_order: int


class Template(BaseModel):
    id: str = Field(description="tpl_ + ULID.")
    name: str
    access_level: AccessLevel | None
    is_default: bool
    items: list[TemplateItem]
    created_at: datetime
    updated_at: datetime


# ------------------------------------------------------------------------------------------ cycles
class CycleCreate(BaseModel):
    model_config = _FORBID

    type: CycleType
    name: Name
    period_start: Day
    period_end: Day = Field(description="On or after period_start.")
    due_date: Day | None = None


class CycleUpdate(BaseModel):
    """Partial. `status` moves draft→open, open→closed, closed→open (others → 400)."""

    model_config = _FORBID

    name: Name = None  # type: ignore[assignment]
    period_start: Day = None  # type: ignore[assignment]
    period_end: Day = None  # type: ignore[assignment]
    due_date: Day | None = None
    status: CycleStatus = None  # type: ignore[assignment]


class Cycle(BaseModel):
    id: str = Field(description="cyc_ + ULID.")
    type: CycleType
    name: str
    period_start: date
    period_end: date
    due_date: date | None
    status: CycleStatus
    created_at: datetime
    updated_at: datetime


class CycleStats(BaseModel):
    total: int
    completed: int
    draft: int
    self_assessment: int
    in_review: int
    ready_for_review: int


class CycleDetail(Cycle):
    stats: CycleStats = Field(description="Counted over the cycle's reviews visible to the caller.")


# ----------------------------------------------------------------------------------------- reviews
class ReviewCreate(BaseModel):
    model_config = _FORBID

    cycle_id: Reference
    user_id: Reference
    reviewer_id: Reference | None = Field(None, description="Defaults to the caller.")


class KpiRatingUpdate(BaseModel):
    model_config = _FORBID

    id: Reference
    rating: Rating | None = None
    notes: Text | None = None


class GoalIn(BaseModel):
    model_config = _FORBID

    id: Reference | None = Field(None, description="An existing goal of this review keeps its id.")
    goal: GoalText
    success_measures: Text | None = None
    support_needed: Text | None = None
    status: GoalOutcome | None = None
    sort_order: SortOrder | None = Field(None, description="Defaults to the goal's position in the list.")


class ReviewUpdate(BaseModel):
    """Any of the fields; `kpi_ratings` update by id, `goals` replaces the list. Moving `status` to
    `completed` computes the KPI pass/fail."""

    model_config = _FORBID

    status: ReviewStatus = None  # type: ignore[assignment]
    strengths: Text | None = None
    growth_areas: Text | None = None
    discussion_topics: Text | None = None
    reviewer_notes: Text | None = None
    action_items: Text | None = None
    kpi_ratings: Annotated[list[KpiRatingUpdate], Field(max_length=500)] = None  # type: ignore[assignment]
    goals: Annotated[list[GoalIn], Field(max_length=200)] = None  # type: ignore[assignment]


class Review(BaseModel):
    id: str = Field(description="rev_ + ULID.")
    cycle_id: str
    user_id: str
    reviewer_id: str
    status: ReviewStatus
    strengths: str | None
    growth_areas: str | None
    discussion_topics: str | None
    reviewer_notes: str | None
    action_items: str | None
    kpi_pass_count: int | None
    kpi_total_count: int | None
    kpi_passed: bool | None = Field(description="≥ 75% of KPIs passed and every mandatory one; null without KPIs.")
    completed_at: datetime | None
    created_at: datetime
    updated_at: datetime
    user_name: str
    reviewer_name: str
    cycle_name: str
    cycle_type: CycleType


class KpiRating(BaseModel):
    id: str
    template_item_id: str | None
    area: str
    label: str
    is_mandatory: bool
    rating: Rating | None
    notes: str | None
    sort_order: int


class Goal(BaseModel):
    id: str
    review_id: str
    goal: str
    success_measures: str | None
    support_needed: str | None
    status: GoalOutcome | None
    sort_order: int


class PreviousReviewSummary(BaseModel):
    id: str
    cycle_name: str
    reviewer_notes: str | None
    action_items: str | None


class PreviousKpiRating(BaseModel):
    template_item_id: str | None
    rating: Rating | None


class PreviousGoal(BaseModel):
    id: str
    goal: str
    status: GoalOutcome | None


class PreviousReview(BaseModel):
    review: PreviousReviewSummary
    kpi_ratings: list[PreviousKpiRating]
    goals: list[PreviousGoal]


class KpiAggregate(BaseModel):
    ratings: dict[Rating, int]
    most_common: Rating


class ReviewDetail(BaseModel):
    review: Review
    kpi_ratings: list[KpiRating]
    goals: list[Goal]
    previous_reviews: list[PreviousReview]
    kpi_aggregation: dict[str, KpiAggregate] | None = Field(
        description="Annual reviews: per template item over the quarterly reviews of the year; else null.")


class CurrentGoals(BaseModel):
    goals: list[Goal]
    cycle_name: str


class GoalOutcomeIn(BaseModel):
    model_config = _FORBID

    goal_id: Reference
    status: GoalOutcome


class PreviousGoalsUpdate(BaseModel):
    model_config = _FORBID

    outcomes: Annotated[list[GoalOutcomeIn], Field(max_length=500)]


class GoalList(BaseModel):
    goals: list[Goal]


class HistoryItem(BaseModel):
    review_id: str
    cycle_id: str
    cycle_name: str
    cycle_type: CycleType
    period_start: date
    period_end: date
    completed_at: date | None
    kpi_pass_count: int | None
    kpi_total_count: int | None
    kpi_passed: Literal[0, 1] | None
    goal_count: int
    goals_completed: int
    goals_not_completed: int


class History(BaseModel):
    history: list[HistoryItem]


class Pending(BaseModel):
    pending_reviews: int
    self_assessments: int
    pending_feedback: int
    open_cycles: int
