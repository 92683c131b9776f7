"""Pydantic models of 360 feedback (seed 001, CONTRACT §3.4): requests, submissions, the summary."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from stride_server.reviews.types import REQUEST_BODY, Day, Rating, Reference, Text

FeedbackStatus = Literal["pending", "submitted"]
Direction = Literal["peer", "upward", "downward"]
_DIRECTION = (
    "peer (default), upward (a direct report reviews their manager) or downward (a manager reviews "
    "a direct report); the reporting line decides it when it applies (§3.4a.4, §9.2)."
)


class FeedbackRequestCreate(BaseModel):
    model_config = REQUEST_BODY

    cycle_id: Reference
    subject_id: Reference
    reviewer_id: Reference
    due_date: Day | None = None
    direction: Direction | None = Field(None, description=_DIRECTION)


class FeedbackBulkCreate(BaseModel):
    model_config = REQUEST_BODY

    cycle_id: Reference
    subject_id: Reference
    due_date: Day | None = None


class FeedbackRequest(BaseModel):
    id: str = Field(description="fbq_ + ULID.")
    cycle_id: str
    cycle_name: str
    subject_id: str
    subject_name: str
    reviewer_id: str
    due_date: date | None
    status: FeedbackStatus
    direction: Direction = Field(description=_DIRECTION)
    created_at: datetime


class BulkResult(BaseModel):
    created: int
    total_peers: int


class FeedbackSubmit(BaseModel):
    model_config = REQUEST_BODY

    request_id: Reference
    organisation_rating: Rating | None = None
    organisation_comment: Text | None = None
    performance_rating: Rating | None = None
    performance_comment: Text | None = None
    communication_rating: Rating | None = None
    communication_comment: Text | None = None
    development_rating: Rating | None = None
    development_comment: Text | None = None
    automation_rating: Rating | None = None
    automation_comment: Text | None = None
    overall_comment: Text | None = None


class SubmitResult(BaseModel):
    request_id: str
    status: Literal["submitted"]


class AreaSummary(BaseModel):
    ratings: dict[Rating, int]
    comments: list[str] = Field(description="Shuffled: never in submission order, never attributable.")


_COUNT = (
    "Released responses (§3.4a.1: responses are released when the cycle closes; "
    "unreleased ones are invisible)."
)


class DirectionInsufficient(BaseModel):
    sufficient: Literal[False]
    response_count: int = Field(description=_COUNT)
    minimum_required: int


class DirectionSufficient(BaseModel):
    sufficient: Literal[True]
    response_count: int = Field(description="The responses these figures aggregate.")
    areas: dict[str, AreaSummary]
    overall_comments: list[str]


class ByDirection(BaseModel):
    """§9.3: each direction alone; one below its minimum shows only its count."""

    peer: DirectionSufficient | DirectionInsufficient
    upward: DirectionSufficient | DirectionInsufficient
    downward: DirectionSufficient | DirectionInsufficient


class SummaryInsufficient(DirectionInsufficient):
    by_direction: ByDirection


class SummarySufficient(DirectionSufficient):
    by_direction: ByDirection
