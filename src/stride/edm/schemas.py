"""Pydantic models read from the registry: a create, an update and a record model per entity."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Annotated, Any, Literal

import orjson
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, create_model, model_validator
from pydantic import Field as PydanticField

from stride.edm.registry import ENTITIES, Entity, Field

JSON_MAX_BYTES = 64 * 1024
INT_MAX = 2**31 - 1


def parse_datetime(value: Any) -> datetime:
    """ISO 8601 date-time, or a date-only `2026-04-15` stored as midnight UTC; naive means UTC."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str) and 10 <= len(value) <= 40:
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise ValueError("must be an ISO 8601 date or date-time") from None
        if len(value) == 10:
            parsed = datetime.combine(parsed.date(), time(0), UTC)
    else:
        raise ValueError("must be an ISO 8601 date or date-time string")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except OverflowError:  # e.g. 9999-12-31T23:59-23:59 lies beyond year 9999 in UTC
        raise ValueError("is out of the supported date range") from None


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


def _not_blank(value: str) -> str:
    if not value.strip():
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

    model_config = ConfigDict(extra="forbid")

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


def field_type(f: Field) -> Any:
    """The Pydantic type of a field's value (without nullability)."""
    kind = f.kind
    if kind == "enum":
        assert f.enum
        return Literal[f.enum]
    if kind in ("string", "text", "id"):
        text = Annotated[Text, PydanticField(max_length=f.max_length, pattern=f.pattern)]
        return Annotated[text, AfterValidator(_not_blank)] if f.required else text
    if kind == "datetime":
        return DateTime
    if kind in ("number", "pct"):
        low, high = (0, 100) if kind == "pct" else (f.minimum, f.maximum)
        return Annotated[Number, PydanticField(ge=low, le=high, gt=f.exclusive_minimum)]
    if kind == "integer":
        return Annotated[int, PydanticField(strict=True, ge=f.minimum if f.minimum is not None else -INT_MAX,
                                            le=INT_MAX)]
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
    return {f.name: (Any, PydanticField(None, description=f"Read-only, ignored when sent. {f.description}",
                                        json_schema_extra={"readOnly": True}))
            for f in entity.fields if f.read_only and f.name not in skip}


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
    definitions["version"] = (Annotated[int, PydanticField(strict=True)] | None, PydanticField(
        None, description="Expected current version: a mismatch answers 409 with the current record."))
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
