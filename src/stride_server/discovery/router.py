"""GET /api/v1/manifest (public)."""

from __future__ import annotations

from functools import lru_cache

from fastapi import APIRouter
from fastapi.responses import Response

from stride_server.core.body import StrideRoute
from stride_server.core.responses import dumps
from stride_server.discovery.manifest import build_manifest

router = APIRouter(route_class=StrideRoute)


@lru_cache
def _manifest_bytes() -> bytes:
    return dumps(build_manifest())


@router.get("/api/v1/manifest", operation_id="manifest-get", tags=["discovery"],
            summary="The Data API's domains, entities and fields (public)")
async def manifest() -> Response:
    return Response(_manifest_bytes(), media_type="application/json")
