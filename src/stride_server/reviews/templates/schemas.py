"""Pydantic models of review templates (CONTRACT §3.1): request bodies (unknown keys → 422) and the
typed response."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field

from stride_server.auth.permissions import AccessLevel
from stride_server.reviews.types import NOT_BLANK, REQUEST_BODY, Name, Reference, SortOrder, not_blank

Label = Annotated[
    str, Field(strict=True, min_length=1, max_length=500, pattern=NOT_BLANK), AfterValidator(not_blank)
]
Flag = Annotated[bool, Field(strict=True)]


class TemplateItemIn(BaseModel):
    model_config = REQUEST_BODY

    id: Reference | None = Field(
        None,
        description="One of the template's item ids keeps that item; any other id (or none) adds a new item.",
    )
    area: Label = Field(description="KPI area, e.g. `performance`.")
    label: Label
    is_mandatory: Flag = False
    sort_order: SortOrder | None = Field(None, description="Defaults to the item's position in the list.")


class TemplateCreate(BaseModel):
    model_config = REQUEST_BODY

    name: Name
    access_level: AccessLevel | None = Field(
        None, description="The access level this template serves (one template per level)."
    )
    is_default: Flag = Field(
        False, description="The tenant's fallback template; setting it moves the default."
    )
    items: Annotated[list[TemplateItemIn], Field(max_length=200)] = []


class TemplateUpdate(BaseModel):
    """Partial: only the keys sent change; `items`, when sent, replaces the list."""

    model_config = REQUEST_BODY

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
