"""The value types the reviews resources share (CONTRACT §3): the rating scale, cycle types, dates,
references, names and texts, with the checks PostgreSQL text and the contract's formats need, and the
configuration of every request body."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field

# Every reviews request body refuses unknown keys (422).
REQUEST_BODY = ConfigDict(extra="forbid")

Rating = Literal["not_achieving", "developing", "achieving", "exceeding"]
CycleType = Literal["quarterly", "annual"]

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_date(value: Any) -> Any:
    """CONTRACT §3: "Dates in bodies are YYYY-MM-DD" — no timestamps, numbers or date-times."""
    if not isinstance(value, str) or not _DATE.match(value):
        raise ValueError("must be a date YYYY-MM-DD")
    return value


def _whole_number(value: Any) -> Any:
    """JSON Schema's `integer` includes 3.0; booleans and strings are not integers."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError("must be an integer")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError("must be an integer")
        return int(value)
    return value


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


def not_blank(value: str) -> str:
    value = _no_nul(value).strip()
    if not value:
        raise ValueError("must not be blank")
    return value


# PostgreSQL text cannot hold U+0000: the schema says so (the body parser refuses it anyway).
NO_NUL = r"^[^\x00]*$"
NOT_BLANK = r"^[^\x00]*[^\s\x00][^\x00]*$"
Day = Annotated[date, BeforeValidator(_iso_date)]
Name = Annotated[
    str, Field(strict=True, min_length=1, max_length=200, pattern=NOT_BLANK), AfterValidator(not_blank)
]
Text = Annotated[str, Field(strict=True, max_length=20_000, pattern=NO_NUL), AfterValidator(_no_nul)]
Reference = Annotated[
    str, Field(strict=True, min_length=1, max_length=64, pattern=NO_NUL), AfterValidator(_no_nul)
]
SortOrder = Annotated[int, Field(ge=0, le=1_000_000), BeforeValidator(_whole_number)]
