"""JSON responses serialised with orjson (UTC date-times with `Z`)."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi.responses import Response

_OPTIONS = orjson.OPT_UTC_Z | orjson.OPT_NAIVE_UTC
# A response carrying a token or a secret: kept out of every cache (RFC 6749 §5.1), and out of the
# idempotency table (core.idempotency never stores a `no-store` response).
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def dumps(data: Any) -> bytes:
    return orjson.dumps(data, option=_OPTIONS)


def json_response(data: Any, status_code: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(dumps(data), status_code=status_code, headers=headers, media_type="application/json")


PROBLEM_RESPONSE = {
    "description": "Problem",
    "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
}


def problem_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for the problem+json answers an operation can give, in the order given."""
    return {code: PROBLEM_RESPONSE for code in dict.fromkeys(codes)}
