"""Pydantic models of 360 feedback (seed 001, CONTRACT §3.4): requests, submissions, the summary."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from stride_server.reviews.schemas import Day, Rating, Reference, Text

FeedbackStatus = Literal["pending", "submitted"]
_FORBID = ConfigDict(extra="forbid")


class FeedbackRequestCreate(BaseModel):
    model_config = _FORBID

    cycle_id: Reference
    subject_id: Reference
    reviewer_id: Reference
    due_date: Day | None = None


class FeedbackBulkCreate(BaseModel):
    model_config = _FORBID

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
    created_at: datetime


class BulkResult(BaseModel):
    created: int
    total_peers: int


class FeedbackSubmit(BaseModel):
    model_config = _FORBID

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


class SummaryInsufficient(BaseModel):
    sufficient: Literal[False]
    response_count: int
    minimum_required: int


class SummarySufficient(BaseModel):
    sufficient: Literal[True]
    response_count: int
    areas: dict[str, AreaSummary]
    overall_comments: list[str]
