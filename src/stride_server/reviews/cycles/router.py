"""HTTP routes of review cycles under /api/performance/cycles (CONTRACT §3.2)."""

from __future__ import annotations

from fastapi import Depends, Request, Response

from stride_server.auth.tokens import Claims
from stride_server.core.context import bearer_claims, open_context
from stride_server.core.responses import json_response
from stride_server.db.reads import open_read_context
from stride_server.reviews.cycles import service
from stride_server.reviews.cycles.schemas import Cycle, CycleCreate, CycleDetail, CycleUpdate
from stride_server.reviews.routing import BODY, PREFIX, Id, problems, read_by_id_fast, resource_router

router = resource_router()


@router.get(
    "/cycles",
    operation_id="cycles-list",
    response_model=list[Cycle],
    responses=problems(),
    summary="List review cycles (non-executives see only open and closed ones)",
)
async def list_cycles(request: Request, claims: Claims = Depends(bearer_claims)) -> Response:
    """Review cycles. Executives and `manage:performance` see every cycle, others only open
    and closed ones."""
    async with open_context(request, claims) as ctx:
        return json_response(await service.list_cycles(ctx))


@router.post(
    "/cycles",
    operation_id="cycles-create",
    status_code=201,
    response_model=Cycle,
    summary="Create a review cycle (draft)",
    responses=problems(*BODY),
)
async def create_cycle(
    request: Request, body: CycleCreate, claims: Claims = Depends(bearer_claims)
) -> Response:
    """A quarterly or annual review cycle, created as `draft`; `period_end` is on or after
    `period_start`. Needs `manage:performance`."""
    async with open_context(request, claims) as ctx:
        cycle = await service.create_cycle(ctx, body)
    return json_response(cycle, 201, {"Location": f"{PREFIX}/cycles/{cycle['id']}"})


async def _get_cycle(request: Request, claims: Claims, cycle_id: str) -> Response:
    async with open_read_context(request, claims) as ctx:
        return json_response(await service.get_cycle(ctx, cycle_id))


@router.get(
    "/cycles/{id}",
    operation_id="cycles-get",
    response_model=CycleDetail,
    responses=problems(),
    summary="Get a cycle with review progress stats",
)
async def get_cycle(request: Request, id: str = Id, claims: Claims = Depends(bearer_claims)) -> Response:
    """A cycle with `stats` counted over the reviews of it the caller can see: total, and per
    status."""
    return await _get_cycle(request, claims, id)


read_by_id_fast(router, _get_cycle)


@router.put(
    "/cycles/{id}",
    operation_id="cycles-update",
    response_model=Cycle,
    responses=problems(*BODY),
    summary="Update a cycle: name, dates, status (draft→open, open→closed, closed→open)",
)
async def update_cycle(
    request: Request, body: CycleUpdate, id: str = Id, claims: Claims = Depends(bearer_claims)
) -> Response:
    """Change a cycle's name, dates or status. Status moves draft→open, open→closed and
    closed→open (others are 400); closing releases the cycle's 360 answers to summaries (CONTRACT §3.4a).
    Needs `manage:performance`."""
    async with open_context(request, claims) as ctx:
        return json_response(await service.update_cycle(ctx, id, body))


@router.delete(
    "/cycles/{id}",
    operation_id="cycles-delete",
    status_code=204,
    response_class=Response,
    summary="Delete a draft cycle (400 otherwise)",
    responses=problems(),
)
async def delete_cycle(request: Request, id: str = Id, claims: Claims = Depends(bearer_claims)) -> Response:
    """Delete a cycle while it is a draft (400 otherwise). Needs `manage:performance`."""
    async with open_context(request, claims) as ctx:
        await service.delete_cycle(ctx, id)
    return Response(status_code=204)
