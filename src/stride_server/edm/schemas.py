"""Pydantic models read from the registry: a create, an update and a record model per entity."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from typing import Annotated, Any, Literal

import orjson
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, create_model, model_validator
from pydantic import Field as PydanticField

from stride_server.edm.registry import ENTITIES, Entity, Field

JSON_MAX_BYTES = 64 * 1024
INT_MAX = 2**31 - 1


_LEAP_SECOND = re.compile(r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:)60")


def parse_datetime(value: Any, *, clamp: bool = False) -> datetime:
    """ISO 8601 / RFC 3339 date-time (lower-case `t`/`z` and a leap second :60 included, as JSON
    Schema's `date-time` allows), or a date-only `2026-04-15` stored as midnight UTC; naive means UTC.
    A moment beyond the years 1–9999 once in UTC is refused, or with `clamp` (filters) pinned to the
    nearest end, which compares the same way with every storable value."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str) and 10 <= len(value) <= 64:
        text = value.upper()
        leap = _LEAP_SECOND.match(text)
        try:
            parsed = datetime.fromisoformat(leap.group(1) + "59" + text[leap.end() :] if leap else text)
        except ValueError:
            raise ValueError("must be an ISO 8601 date or date-time") from None
        if len(value) == 10:
            parsed = datetime.combine(parsed.date(), time(0), UTC)
        if leap:  # 23:59:60 is the next minute's first second, as PostgreSQL reads it
            parsed = _shifted(parsed, timedelta(seconds=1), clamp=clamp)
    else:
        raise ValueError("must be an ISO 8601 date or date-time string")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    offset = parsed.utcoffset() or timedelta(0)
    return _shifted(parsed.replace(tzinfo=None), -offset, clamp=clamp).replace(tzinfo=UTC)


def _shifted(moment: datetime, delta: timedelta, *, clamp: bool) -> datetime:
    try:
        return moment + delta
    except OverflowError:  # e.g. 9999-12-31T23:59-23:59 lies beyond year 9999 in UTC
        if not clamp:
            raise ValueError("is out of the supported date range") from None
        edge = datetime.max if delta > timedelta(0) else datetime.min
        return edge.replace(tzinfo=moment.tzinfo)


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


# One definition of "blank" for the check and the JSON schema (whose patterns are unanchored): only
# whitespace of Python's or ECMAScript's kind, spelled out because their `\s` differ (U+001C–U+001F,
# U+0085, U+FEFF), so this server, generated clients and fuzzers agree on every string.
_BLANK = "\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
NOT_BLANK = f"[^{_BLANK}]"
_SOMETHING = re.compile(NOT_BLANK)


def _not_blank(value: str) -> str:
    if not _SOMETHING.search(value):
        raise ValueError("must not be blank")
    return value


def _plain(value: Any) -> Any:
    return value.model_dump() if isinstance(value, BaseModel) else value


def _json_size(value: Any) -> Any:
    if len(orjson.dumps(value, default=_plain)) > JSON_MAX_BYTES:
        raise ValueError("must be at most 64 KiB of JSON")
    return value


def _unique_ids(questions: list[Question]) -> list[Question]:
    ids = [q.id for q in questions]
    if len(ids) != len(set(ids)):
        raise ValueError("question ids must be unique")
    return questions


Text = Annotated[str, PydanticField(strict=True), AfterValidator(_no_nul)]
DateTime = Annotated[datetime, BeforeValidator(parse_datetime)]
Number = Annotated[float, PydanticField(strict=True, allow_inf_nan=False)]
ShortString = Annotated[Text, PydanticField(max_length=500)]

CHOICE_TYPES = ("single_choice", "multi_choice")


class Question(BaseModel):
    """An inline assessment question (CONTRACT §2.3)."""

    # The JSON schema says what `_options_for_choices` enforces, so generated clients and fuzzers agree.
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "if": {"properties": {"type": {"enum": list(CHOICE_TYPES)}}},
            "then": {
                "properties": {"options": {"type": "array", "items": {}, "minItems": 1}},
                "required": ["options"],
            },
        },
    )

    id: Annotated[Text, PydanticField(min_length=1, max_length=100)]
    text: Annotated[Text, PydanticField(min_length=1, max_length=2000)]
    type: Literal["single_choice", "multi_choice", "text", "scale", "boolean", "number"]
    options: list[Any] | None = None
    weight: Annotated[Number, PydanticField(ge=0)] = 1.0
    required: Annotated[bool, PydanticField(strict=True)] = False
    correct: Any = None

    @model_validator(mode="after")
    def _options_for_choices(self) -> Question:
        if self.type in CHOICE_TYPES and not self.options:
            raise ValueError(f"question {self.id!r}: options must be a non-empty array for {self.type}")
        return self


def _text_type(f: Field) -> Any:
    """A string field, its constraints placed before the NUL check so the JSON schema shows them all
    (a constraint after a validator is enforced but left out of the schema)."""
    constraints = PydanticField(
        strict=True,
        max_length=f.max_length,
        pattern=f.pattern,
        min_length=1 if f.required else None,
        json_schema_extra={"pattern": NOT_BLANK} if f.required and not f.pattern else None,
    )
    text = Annotated[str, constraints, AfterValidator(_no_nul)]
    return Annotated[text, AfterValidator(_not_blank)] if f.required else text


def _integral(value: Any) -> Any:
    """JSON Schema's `integer` includes 3.0; booleans and strings stay refused by the strict check."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def field_type(f: Field) -> Any:
    """The Pydantic type of a field's value (without nullability)."""
    kind = f.kind
    if kind == "enum":
        assert f.enum
        return Literal[f.enum]
    if kind in ("string", "text", "id"):
        return _text_type(f)
    if kind == "datetime":
        return DateTime
    if kind in ("number", "pct"):
        low, high = (0, 100) if kind == "pct" else (f.minimum, f.maximum)
        return Annotated[Number, PydanticField(ge=low, le=high, gt=f.exclusive_minimum)]
    if kind == "integer":
        # Constraints before the validator, so the JSON schema shows them (minimum/maximum).
        return Annotated[
            int,
            PydanticField(strict=True, ge=f.minimum if f.minimum is not None else -INT_MAX, le=INT_MAX),
            BeforeValidator(_integral),
        ]
    if kind == "boolean":
        return Annotated[bool, PydanticField(strict=True)]
    if kind == "json_strings":
        return Annotated[list[ShortString], AfterValidator(_json_size)]
    if kind == "json_array":
        return Annotated[list[Any], AfterValidator(_json_size)]
    if kind == "json_object":
        return Annotated[dict[str, Any], AfterValidator(_json_size)]
    if kind == "json_questions":
        return Annotated[list[Question], AfterValidator(_unique_ids), AfterValidator(_json_size)]
    raise AssertionError(kind)


def _describe(f: Field) -> dict[str, Any]:
    return {"description": f.description}


_FORBID = ConfigDict(extra="forbid")


def _read_only(entity: Entity, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """Read-only fields may be sent (the seeds' SDK example does) and are ignored (§2.2)."""
    return {
        f.name: (
            Any,
            PydanticField(
                None,
                description=f"Read-only, ignored when sent. {f.description}",
                json_schema_extra={"readOnly": True},
            ),
        )
        for f in entity.fields
        if f.read_only and f.name not in skip
    }


def _create_model(entity: Entity) -> type[BaseModel]:
    definitions: dict[str, Any] = _read_only(entity)
    for f in entity.writable_fields:
        value_type = field_type(f)
        if f.required and f.ref != "person":  # person references default to the caller
            definitions[f.name] = (value_type, PydanticField(**_describe(f)))
        elif f.nullable:
            definitions[f.name] = (value_type | None, PydanticField(None, **_describe(f)))
        else:
            definitions[f.name] = (value_type, PydanticField(None, **_describe(f)))  # type: ignore[arg-type]
    return create_model(f"{entity.name}Create", __config__=_FORBID, **definitions)


def _update_model(entity: Entity) -> type[BaseModel]:
    definitions: dict[str, Any] = _read_only(entity, skip=("version",))
    for f in entity.writable_fields:
        value_type = field_type(f) | None if f.nullable else field_type(f)
        definitions[f.name] = (value_type, PydanticField(None, **_describe(f)))
    definitions["version"] = (
        Annotated[int, BeforeValidator(_integral), PydanticField(strict=True)] | None,
        PydanticField(
            None, description="Expected current version: a mismatch answers 409 with the current record."
        ),
    )
    return create_model(f"{entity.name}Update", __config__=_FORBID, **definitions)


def _record_type(f: Field) -> Any:
    if f.kind == "datetime":
        return datetime
    if f.kind == "json_questions":
        return list[dict[str, Any]]
    if f.kind in ("string", "text", "id"):
        return str
    return field_type(f)


def _record_model(entity: Entity) -> type[BaseModel]:
    definitions: dict[str, Any] = {}
    for f in entity.fields:
        value_type = _record_type(f)
        definitions[f.name] = (value_type | None if f.nullable else value_type, PydanticField(**_describe(f)))
    return create_model(entity.name, **definitions)


class Models:
    def __init__(self, entity: Entity) -> None:
        self.create = _create_model(entity)
        self.update = _update_model(entity)
        self.record = _record_model(entity)
        self.page = create_model(
            f"{entity.name}Page",
            data=(list[self.record], ...),  # type: ignore[name-defined]
            next_cursor=(str | None, ...),
            has_more=(bool, ...),
            total=(int | None, PydanticField(None, description="Present when count=true.")),
        )


MODELS: dict[str, Models] = {e.name: Models(e) for e in ENTITIES}
