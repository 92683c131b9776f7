"""Pydantic models of the platform endpoints: applications, API keys, the token exchange and the
tenant settings (CONTRACT §1.2, §3.4). Requests forbid unknown fields; responses document the shape."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, model_validator
from pydantic import Field as PydanticField

from stride_server.auth.permissions import ACTIONS, AREAS

# Every `{action}:{area}` string of §1.3, as an enum so the OpenAPI document lists them.
PERMISSIONS: tuple[str, ...] = tuple(f"{action}:{area}" for area in AREAS for action in ACTIONS)
Permission = Literal[PERMISSIONS]  # type: ignore[valid-type]

MAX_FEEDBACK_MIN_RESPONSES = 1000


def _integral(value: Any) -> Any:
    """JSON Schema counts 3.0 as an integer; accept it as 3 (but not 2.5, "3" or true)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _deduplicated(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


# At least one non-space character (`pattern` is a search, as in JSON Schema).
ApplicationName = Annotated[str, PydanticField(strict=True, min_length=1, max_length=200, pattern=r"\S")]
Permissions = Annotated[
    list[Permission], PydanticField(max_length=len(PERMISSIONS) * 4), AfterValidator(_deduplicated)
]

_REQUEST = ConfigDict(extra="forbid")


class ApplicationCreate(BaseModel):
    model_config = _REQUEST

    name: ApplicationName = PydanticField(description="A human-readable name, e.g. the integration's.")
    permissions: Permissions = PydanticField(
        default_factory=list,
        description="What tokens minted for this application may do (§1.3). Duplicates are ignored.",
    )


class ApplicationUpdate(BaseModel):
    """Partial: only the keys sent change. Neither field may be null."""

    model_config = _REQUEST

    name: ApplicationName = PydanticField(None, description="A new name.")  # type: ignore[assignment]
    permissions: Permissions = PydanticField(
        None,  # type: ignore[arg-type]
        description="Replaces the application's permissions; tokens minted afterwards carry them.",
    )


class Application(BaseModel):
    id: str = PydanticField(description="`app_…`")
    name: str
    permissions: list[str]
    created_by: str | None = PydanticField(description="`sub` of the caller that created it.")
    created_at: datetime
    updated_at: datetime


class ApplicationList(BaseModel):
    data: list[Application]
    next_cursor: None = PydanticField(description="Always null: the list is not paginated.")
    has_more: bool


class ApiKeyCreated(BaseModel):
    id: str = PydanticField(description="`key_…`")
    app_id: str
    key: str = PydanticField(description="The secret `sk_…`. Shown only in this response; store it now.")
    hint: str = PydanticField(description="The key's last 4 characters, to recognise it later.")
    created_at: datetime


class ApiKey(BaseModel):
    id: str
    app_id: str
    hint: str = PydanticField(description="The key's last 4 characters.")
    created_at: datetime
    revoked_at: datetime | None


class ApiKeyList(BaseModel):
    data: list[ApiKey]
    next_cursor: None = PydanticField(description="Always null: the list is not paginated.")
    has_more: bool


class TokenRequest(BaseModel):
    model_config = _REQUEST

    api_key: Annotated[str, PydanticField(strict=True, max_length=512)] = PydanticField(  # type: ignore[assignment]
        None, description="The secret `sk_…`; may be omitted when sent as `Authorization: Bearer sk_…`."
    )


class Token(BaseModel):
    access_token: str = PydanticField(description="A JWT with sub = app id, tenant_id, app_id, permissions.")
    token_type: Literal["Bearer"]
    expires_in: int = PydanticField(description="Seconds until the token expires.")


DaysBefore = Annotated[int, PydanticField(strict=True, ge=0, le=365), BeforeValidator(_integral)]


class ReminderSettings(BaseModel):
    """§8.4. On PUT only the keys sent change."""

    model_config = _REQUEST

    enabled: Annotated[bool, PydanticField(strict=True)] = PydanticField(
        True, description="Whether the hourly job writes reminder events."
    )
    feedback_days_before: DaysBefore = PydanticField(
        2, description="Days before a feedback request's due date."
    )
    self_assessment_days_before: DaysBefore = PydanticField(
        3, description="Days before the cycle's due date, for a self-assessment waiting."
    )
    review_days_before: DaysBefore = PydanticField(
        3, description="Days before the cycle's due date, for a review waiting for its reviewer."
    )
    repeat_every_days: Annotated[
        int, PydanticField(strict=True, ge=1, le=365), BeforeValidator(_integral)
    ] = PydanticField(2, description="At most one reminder per item in this many days.")


class TenantSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"minProperties": 1})

    feedback_min_responses: Annotated[
        int, PydanticField(strict=True, ge=1, le=MAX_FEEDBACK_MIN_RESPONSES), BeforeValidator(_integral)
    ] = PydanticField(
        1,
        description="Released 360 responses needed before a feedback summary shows them (§3.4); "
        "a cycle keeps the value in force when it first opened. Omitted on PUT: unchanged.",
    )
    upward_min_responses: Annotated[
        int, PydanticField(strict=True, ge=1, le=MAX_FEEDBACK_MIN_RESPONSES), BeforeValidator(_integral)
    ] = PydanticField(
        3,
        description="The same minimum for upward feedback, from direct reports (§9.3); "
        "omitted on PUT: unchanged.",
    )
    events_retention_days: Annotated[
        int, PydanticField(strict=True, ge=1, le=3650), BeforeValidator(_integral)
    ] = PydanticField(
        30, description="Days events and delivery attempts are kept (§8.1); omitted on PUT: unchanged."
    )
    reminders: ReminderSettings = PydanticField(
        default_factory=ReminderSettings,  # type: ignore[arg-type]
        description="Reminders (§8.4); on PUT the keys sent change, the others are kept.",
    )

    @model_validator(mode="after")
    def _something_sent(self) -> TenantSettings:
        if not self.model_fields_set:
            raise ValueError("send at least one setting")
        return self
