"""HTTP route of the caller's pending actions, /api/performance/pending (CONTRACT §3.5)."""

from __future__ import annotations

from fastapi import Depends, Request, Response

from stride_server.auth.tokens import Claims
from stride_server.core.context import bearer_claims, open_context
from stride_server.core.responses import json_response
from stride_server.reviews.pending import service
from stride_server.reviews.pending.schemas import Pending
from stride_server.reviews.routing import problems, resource_router

router = resource_router()


@router.get(
    "/pending",
    operation_id="pending-get",
    response_model=Pending,
    responses=problems(),
    summary="Your pending actions",
)
async def pending(request: Request, claims: Claims = Depends(bearer_claims)) -> Response:
    """The caller's pending actions: reviews to write in open cycles, their own self-assessments,
    pending feedback requests, and the open cycles."""
    async with open_context(request, claims) as ctx:
        return json_response(await service.pending(ctx))
