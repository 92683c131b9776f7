"""Pydantic model of the caller's pending actions (CONTRACT §3.5)."""

from __future__ import annotations

from pydantic import BaseModel


class Pending(BaseModel):
    pending_reviews: int
    self_assessments: int
    pending_feedback: int
    open_cycles: int
