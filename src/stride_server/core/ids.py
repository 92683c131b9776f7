"""Server-assigned ids: a type prefix and a 26-character ULID, sortable by creation time."""

from __future__ import annotations

import re

from ulid import ULID

ID_PATTERN = re.compile(r"^[a-z]{3}_[0-9A-HJKMNP-TV-Z]{26}$")


def new_id(prefix: str) -> str:
    return f"{prefix}_{ULID()}"


def is_id(value: str, prefix: str | None = None) -> bool:
    return bool(ID_PATTERN.match(value)) and (prefix is None or value.startswith(prefix + "_"))
