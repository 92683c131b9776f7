"""GET /api/v1/manifest (public)."""

from __future__ import annotations

from functools import lru_cache

from fastapi import APIRouter
from fastapi.responses import Response

from stride_server.core.body import StrideRoute
from stride_server.core.responses import dumps, problem_responses
from stride_server.discovery.manifest import build_manifest

router = APIRouter(route_class=StrideRoute)


@lru_cache
def _manifest_bytes() -> bytes:
    return dumps(build_manifest())


# Public: `security: []` says so explicitly. StrideRoute refuses unknown query parameters (400).
@router.get(
    "/api/v1/manifest",
    operation_id="manifest-get",
    tags=["discovery"],
    summary="The Data API's domains, entities and fields (public)",
    responses=problem_responses(400),
    openapi_extra={"security": []},
)
async def manifest() -> Response:
    """Every domain of the Data API with its entities: description, REST path, SDK namespaces,
    operations and fields (type, format, required, read-only, description, enum), read from the
    registry. Public: no token needed (CONTRACT §6)."""
    return Response(_manifest_bytes(), media_type="application/json")
