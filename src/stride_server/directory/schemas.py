"""What the directory API (§4) takes and gives: Pydantic models of people, groups, memberships, pages
and import results. The import file's parser is `directory.import_file`; cursors are `core.pages`."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict
from pydantic import Field as PydanticField

from stride_server.auth.permissions import AccessLevel

PersonStatus = Literal["active", "inactive"]
GroupKind = Literal["squad", "department", "team", "cohort"]
MemberRole = Literal["member", "lead", "head"]

PERSON_STATUSES: tuple[str, ...] = ("active", "inactive")
NAME_MAX, EMAIL_MAX, TEXT_MAX, ID_MAX = 200, 320, 500, 64
# Deliberately plain: one @, a dot in the domain, no whitespace or control characters.
EMAIL_PATTERN = r"^[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+\.[^@\s\x00-\x1f\x7f]+$"
EMAIL = re.compile(EMAIL_PATTERN)


# The schema states every rule a value is checked against, so generated clients (and schemathesis)
# know what is valid: no NUL (PostgreSQL text cannot hold it), names with a visible character, ids
# in their prefixed-ULID shape.
NO_NUL = r"^[^\x00]*$"
NOT_BLANK = r"^[^\x00]*[^\s\x00][^\x00]*$"
ULID = "[0-9A-HJKMNP-TV-Z]{26}"
PERSON_ID, GROUP_ID, TEMPLATE_ID = (f"^{prefix}_{ULID}$" for prefix in ("usr", "grp", "tpl"))
CURSOR = r"^[A-Za-z0-9_-]*$"


def _trim(value: str) -> str:
    return value.strip(" \t\r\n")  # never empty: NOT_BLANK needs a non-space character


def _integral(value: Any) -> int:
    """A JSON integer, which JSON Schema lets be written 3.0; never a string or a boolean."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("must be an integer")
    if isinstance(value, float) and not value.is_integer():
        raise ValueError("must be an integer")
    return int(value)


Name = Annotated[
    str,
    PydanticField(strict=True, min_length=1, max_length=NAME_MAX, pattern=NOT_BLANK),
    AfterValidator(_trim),
]
Email = Annotated[str, PydanticField(strict=True, max_length=EMAIL_MAX, pattern=EMAIL_PATTERN)]
ShortText = Annotated[str, PydanticField(strict=True, max_length=TEXT_MAX, pattern=NO_NUL)]
PersonRef = Annotated[str, PydanticField(strict=True, pattern=PERSON_ID)]
GroupRef = Annotated[str, PydanticField(strict=True, pattern=GROUP_ID)]
TemplateRef = Annotated[str, PydanticField(strict=True, pattern=TEMPLATE_ID)]
# The constraint before the validator: after it, Pydantic cannot apply `ge` to the int schema and leaks
# it into the JSON schema as a `ge` keyword (not JSON Schema) instead of `minimum`.
Version = Annotated[
    int,
    PydanticField(
        ge=1,
        description="Expected current version: a mismatch answers 409 with the current record in `current`.",
    ),
    BeforeValidator(_integral),
]

_FORBID = ConfigDict(extra="forbid")


def _read_only(description: str) -> Any:
    """Read-only keys may be sent back as they were read (GET, edit, PATCH) and are ignored."""
    return PydanticField(
        None, description=f"Read-only, ignored when sent. {description}", json_schema_extra={"readOnly": True}
    )


class _Stamps(BaseModel):
    id: Any = _read_only("Server-assigned id.")
    created_at: Any = _read_only("Server stamp.")
    updated_at: Any = _read_only("Server stamp.")


# ------------------------------------------------------------------------------------------ people
class PersonCreate(_Stamps):
    model_config = _FORBID

    name: Name
    email: Email = PydanticField(description="Unique within the tenant, case-insensitively.")
    access_level: AccessLevel
    manager_id: PersonRef | None = PydanticField(None, description="An active person; no reporting cycles.")
    job_title: ShortText | None = None
    review_template_id: TemplateRef | None = None
    status: PersonStatus = "active"
    external_id: ShortText | None = PydanticField(None, description="The person's id in an HR system.")
    version: Any = _read_only("Starts at 1.")


class PersonUpdate(_Stamps):
    """Partial: only the keys sent change; `null` clears a nullable field."""

    model_config = _FORBID

    name: Name = None  # type: ignore[assignment]  # absent is fine, an explicit null is 422
    email: Email = None  # type: ignore[assignment]
    access_level: AccessLevel = None  # type: ignore[assignment]
    manager_id: PersonRef | None = None
    job_title: ShortText | None = None
    review_template_id: TemplateRef | None = None
    status: PersonStatus = PydanticField(None, description="`inactive` deactivates; history is kept.")  # type: ignore[assignment,arg-type]
    external_id: ShortText | None = None
    version: Version | None = None


class Person(BaseModel):
    id: str = PydanticField(description="usr_ + ULID.")
    name: str
    email: str
    access_level: AccessLevel
    manager_id: str | None
    job_title: str | None
    review_template_id: str | None
    status: PersonStatus
    external_id: str | None
    created_at: datetime
    updated_at: datetime
    version: int


class PersonPage(BaseModel):
    data: list[Person]
    next_cursor: str | None
    has_more: bool


# ------------------------------------------------------------------------------------------ groups
class GroupCreate(_Stamps):
    model_config = _FORBID

    kind: GroupKind
    name: Name = PydanticField(description="Unique among the tenant's live groups of the same kind.")
    parent_id: GroupRef | None = PydanticField(None, description="A live group; no cycles.")
    version: Any = _read_only("Starts at 1.")


class GroupUpdate(_Stamps):
    model_config = _FORBID

    kind: GroupKind = None  # type: ignore[assignment]
    name: Name = None  # type: ignore[assignment]
    parent_id: GroupRef | None = None
    version: Version | None = None


class Group(BaseModel):
    id: str = PydanticField(description="grp_ + ULID.")
    kind: GroupKind
    name: str
    parent_id: str | None
    created_at: datetime
    updated_at: datetime
    version: int


class GroupPage(BaseModel):
    data: list[Group]
    next_cursor: str | None
    has_more: bool


class MemberAdd(BaseModel):
    model_config = _FORBID

    person_id: PersonRef = PydanticField(description="An active person of the tenant.")
    role: MemberRole = PydanticField(
        "member",
        description="A squad's `lead` members are its leads; a department's `head` members are its heads.",
    )


class Member(BaseModel):
    group_id: str
    person_id: str
    role: MemberRole
    name: str
    email: str
    access_level: AccessLevel
    status: PersonStatus
    created_at: datetime


class MemberPage(BaseModel):
    data: list[Member]
    next_cursor: str | None
    has_more: bool


class ImportResult(BaseModel):
    rows: int = PydanticField(description="Data rows read.")
    created: int
    updated: int
    unchanged: int
    groups_created: int
    memberships_added: int
    memberships_removed: int
    dry_run: bool
