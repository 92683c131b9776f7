"""Pydantic models of review cycles (CONTRACT §3.2): request bodies (unknown keys → 422) and the
typed responses."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from stride_server.reviews.types import REQUEST_BODY, CycleType, Day, Name

CycleStatus = Literal["draft", "open", "closed"]


class CycleCreate(BaseModel):
    model_config = REQUEST_BODY

    type: CycleType
    name: Name
    period_start: Day
    period_end: Day = Field(description="On or after period_start.")
    due_date: Day | None = None


class CycleUpdate(BaseModel):
    """Partial. `status` moves draft→open, open→closed, closed→open (others → 400)."""

    model_config = REQUEST_BODY

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
