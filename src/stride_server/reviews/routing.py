"""What every reviews router shares: the /api/performance prefix, the `performance` tag, the
statuses each operation documents, and the `{id}` path parameter."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Path

from stride_server.core.body import StrideRoute
from stride_server.core.responses import problem_responses

PREFIX = "/api/performance"
BODY = (413, 415, 422)  # the statuses of an operation that reads a body
Id = Path(max_length=64, description="The record's id.")


def problems(*codes: int) -> dict[int | str, dict[str, Any]]:
    """Every status an operation may answer besides its success: unknown query parameters (400),
    token (401), permission (403), invisible or missing (404), a database outage (503), plus its own."""
    return problem_responses(*sorted({400, 401, 403, 404, 503, *codes}))


def resource_router() -> APIRouter:
    """The router of one reviews resource, mounted by `reviews.router`."""
    return APIRouter(prefix=PREFIX, route_class=StrideRoute, tags=["performance"])
