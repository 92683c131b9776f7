"""Pydantic models of reviews, their KPI ratings and goals, history and current goals (seed 001,
CONTRACT §3.3): request bodies (unknown keys → 422) and typed responses."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, Field

from stride_server.reviews.types import (
    NOT_BLANK,
    REQUEST_BODY,
    CycleType,
    Rating,
    Reference,
    SortOrder,
    Text,
    not_blank,
)

ReviewStatus = Literal["draft", "self_assessment", "in_review", "ready_for_review", "completed"]
GoalOutcome = Literal["completed", "not_completed"]
GoalText = Annotated[
    str, Field(strict=True, min_length=1, max_length=20_000, pattern=NOT_BLANK), AfterValidator(not_blank)
]


class ReviewCreate(BaseModel):
    model_config = REQUEST_BODY

    cycle_id: Reference
    user_id: Reference
    reviewer_id: Reference | None = Field(None, description="Defaults to the caller.")


class KpiRatingUpdate(BaseModel):
    model_config = REQUEST_BODY

    id: Reference
    rating: Rating | None = None
    notes: Text | None = None


class GoalIn(BaseModel):
    model_config = REQUEST_BODY

    id: Reference | None = Field(None, description="An existing goal of this review keeps its id.")
    goal: GoalText
    success_measures: Text | None = None
    support_needed: Text | None = None
    status: GoalOutcome | None = None
    sort_order: SortOrder | None = Field(None, description="Defaults to the goal's position in the list.")


class ReviewUpdate(BaseModel):
    """Any of the fields; `kpi_ratings` update by id, `goals` replaces the list. Moving `status` to
    `completed` computes the KPI pass/fail."""

    model_config = REQUEST_BODY

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
    kpi_passed: bool | None = Field(
        description="≥ 75% of KPIs passed and every mandatory one; null without KPIs."
    )
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
        description="Annual reviews: per template item over the quarterly reviews of the year; else null."
    )


class CurrentGoals(BaseModel):
    goals: list[Goal]
    cycle_name: str


class GoalOutcomeIn(BaseModel):
    model_config = REQUEST_BODY

    goal_id: Reference
    status: GoalOutcome


class PreviousGoalsUpdate(BaseModel):
    model_config = REQUEST_BODY

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
