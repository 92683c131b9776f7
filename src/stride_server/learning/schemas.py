"""Request and response models of assessment responses."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from stride_server.edm.schemas import Text


class Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question_id: Annotated[Text, Field(min_length=1, max_length=100)]
    value: Any = Field(description="The answer: an option, a list of options, text, a number or a boolean.")


class ResponseCreate(BaseModel):
    """A person's answers to an open assessment."""

    model_config = ConfigDict(extra="forbid")

    answers: Annotated[list[Answer], Field(max_length=500)]


class AssessmentResponse(BaseModel):
    id: str
    assessment_id: str
    person_id: str
    answers: list[dict[str, Any]]
    score: float | None = Field(description="Weighted share of correctly answered scorable questions, 0–100.")
    passed: bool | None = Field(description="score ≥ the assessment's pass_score, when both are set.")
    learning_record_id: str | None = Field(
        description="The LearningRecord created for a `learning` assessment."
    )
    created_at: datetime


class AssessmentResponsePage(BaseModel):
    data: list[AssessmentResponse]
    next_cursor: str | None
    has_more: bool
