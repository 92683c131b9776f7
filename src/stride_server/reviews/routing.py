"""What every reviews router shares: the /api/performance prefix, the `performance` tag, the
statuses each operation documents, the `{id}` path parameter, and the fast path of reads by id."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, Path, Request, Response

from stride_server.auth.tokens import Claims
from stride_server.core.body import StrideRoute
from stride_server.core.responses import problem_responses

PREFIX = "/api/performance"
BODY = (413, 415, 422)  # the statuses of an operation that reads a body
ID_MAX = 64
Id = Path(max_length=ID_MAX, description="The record's id.")

ReadById = Callable[[Request, Claims, str], Awaitable[Response]]


def problems(*codes: int) -> dict[int | str, dict[str, Any]]:
    """Every status an operation may answer besides its success: unknown query parameters (400),
    token (401), permission (403), invisible or missing (404), a database outage (503), plus its own."""
    return problem_responses(*sorted({400, 401, 403, 404, 503, *codes}))


def resource_router() -> APIRouter:
    """The router of one reviews resource, mounted by `reviews.router`."""
    return APIRouter(prefix=PREFIX, route_class=StrideRoute, tags=["performance"])


def read_by_id_fast(router: APIRouter, read: ReadById) -> None:
    """The route just declared on `router` (`GET …/{id}`, without query parameters) also takes the
    fast path (`core.body.StrideRoute.fast`): `read` answers straight from the token and the path,
    without FastAPI's parameter machinery. An id over the declared length is left to the declared
    endpoint, whose validation answers it."""
    route = router.routes[-1]
    assert isinstance(route, StrideRoute)

    async def fast(request: Request, claims: Claims) -> Response | None:
        record_id = request.path_params["id"]
        if len(record_id) > ID_MAX:
            return None
        return await read(request, claims, record_id)

    route.fast = fast
