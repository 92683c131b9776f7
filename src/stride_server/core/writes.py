"""What every update shares: the fields the client sent, the version check (§2.2: `If-Match` → 412,
a stale body `version` → 409 with the current record) and the ETag of a record and of its answers."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi import Response
from pydantic import BaseModel

from stride_server.core.problems import Conflict, PreconditionFailed
from stride_server.core.responses import json_response


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


def record_response(record: dict[str, Any]) -> Response:
    """A versioned record as the answer, with its `ETag`."""
    return json_response(record, headers=etag(record))


def created_response(collection: str, record: dict[str, Any]) -> Response:
    """The 201 of a record just created in `collection` (a path): its `Location` and `ETag`."""
    return json_response(record, 201, {"Location": f"{collection}/{record['id']}", **etag(record)})
