"""What every update shares: the fields the client sent, the version check (§2.2: `If-Match` → 412,
a stale body `version` → 409 with the current record) and the ETag of a record."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel

from stride_server.core.problems import Conflict, PreconditionFailed


def sent_fields(body: BaseModel, writable: Iterable[str]) -> dict[str, Any]:
    """Only the writable keys the client sent (`model_fields_set`): an explicit null and an omission
    differ, and read-only keys are ignored."""
    dumped, allowed = body.model_dump(), set(writable)
    return {k: dumped[k] for k in body.model_fields_set if k in allowed}


def check_version(
    version: int,
    if_match: str | None,
    body_version: int | None,
    current: dict[str, Any],
    what: str = "record",
) -> None:
    """`version` is the stored one; `current` is what a 409 shows of the record."""
    if if_match is not None and if_match.strip() != "*":
        if if_match.strip().removeprefix("W/").strip('"') != str(version):
            raise PreconditionFailed(f'If-Match {if_match} does not match the current version "{version}".')
    if body_version is not None and body_version != version:
        raise Conflict(
            f"version {body_version} is stale; the {what} is at version {version}.",
            slug="version-conflict",
            current=current,
        )


def etag(record: dict[str, Any]) -> dict[str, str]:
    """The `ETag` header of a versioned record."""
    return {"ETag": f'"{record["version"]}"'} if record.get("version") is not None else {}
