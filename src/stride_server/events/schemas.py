"""Pydantic models of the events and webhooks endpoints (CONTRACT §8). Requests forbid unknown fields."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict
from pydantic import Field as PydanticField

from stride_server.events.catalog import PATTERNS, check_patterns

_REQUEST = ConfigDict(extra="forbid")

Pattern = Literal[PATTERNS]  # type: ignore[valid-type]
Url = Annotated[
    str, PydanticField(strict=True, min_length=8, max_length=2000, pattern=r"^[hH][tT][tT][pP][sS]?://")
]
EventTypes = Annotated[
    list[Pattern],
    PydanticField(min_length=1, max_length=100),
    AfterValidator(check_patterns),
]
Description = Annotated[str | None, PydanticField(strict=True, max_length=500)]


class Actor(BaseModel):
    type: Literal["person", "application", "system"]
    id: str | None


class Subject(BaseModel):
    type: str
    id: str


class Event(BaseModel):
    id: str = PydanticField(description="`evt_` + ULID, increasing in commit order for one subject.")
    type: str
    tenant_id: str
    app_id: str | None
    occurred_at: datetime
    actor: Actor
    subject: Subject
    data: dict[str, Any]


class EventList(BaseModel):
    data: list[Event]
    next_cursor: str | None = PydanticField(description="Pass as `after` for the next page.")
    has_more: bool


class WebhookCreate(BaseModel):
    model_config = _REQUEST

    url: Url = PydanticField(description="https only; private, loopback and metadata addresses are refused.")
    event_types: EventTypes = PydanticField(
        description='`"*"`, a prefix of whole segments (`"review.*"`) or exact types.'
    )
    description: Description = None
    enabled: Annotated[bool, PydanticField(strict=True)] = True


class WebhookUpdate(BaseModel):
    """Partial: only the keys sent change. None of them may be null but `description`."""

    model_config = _REQUEST

    url: Url = PydanticField(None)  # type: ignore[assignment]
    event_types: EventTypes = PydanticField(None)  # type: ignore[assignment,arg-type]
    description: Description = None
    enabled: Annotated[bool, PydanticField(strict=True)] = PydanticField(None)  # type: ignore[assignment]
    version: Annotated[int, PydanticField(strict=True)] = PydanticField(  # type: ignore[assignment]
        None, description="The version the change is based on: a stale one is 409."
    )


class Webhook(BaseModel):
    id: str
    url: str
    event_types: list[str]
    description: str | None
    enabled: bool
    created_at: datetime
    updated_at: datetime
    version: int


class WebhookCreated(Webhook):
    secret: str = PydanticField(description="`whsec_…`: shown here and on rotation only.")


class WebhookList(BaseModel):
    data: list[Webhook]
    next_cursor: None
    has_more: bool


class Secret(BaseModel):
    secret: str


class Delivery(BaseModel):
    id: str
    event_id: str
    event_type: str
    attempt: int
    status: Literal["pending", "succeeded", "failed"]
    response_status: int | None
    error: str | None
    duration_ms: int | None
    next_attempt_at: datetime | None
    created_at: datetime


class DeliveryList(BaseModel):
    data: list[Delivery]
    next_cursor: str | None
    has_more: bool


class Queued(BaseModel):
    event_id: str


class RemindersRun(BaseModel):
    emitted: int
