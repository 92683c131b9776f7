"""HTTP routes of 360 feedback under /api/performance/feedback (seed 001, CONTRACT §3.4, §3.4a)."""

from __future__ import annotations

from fastapi import Depends, Path, Query, Request, Response

from stride_server.auth.tokens import Claims
from stride_server.core.body import StrideRoute, validated_body
from stride_server.core.context import bearer_claims, open_context
from stride_server.core.responses import json_response
from stride_server.db.reads import open_write_context
from stride_server.reviews.feedback import service
from stride_server.reviews.feedback.schemas import (
    BulkResult,
    FeedbackBulkCreate,
    FeedbackRequest,
    FeedbackRequestCreate,
    FeedbackSubmit,
    SubmitResult,
    SummaryInsufficient,
    SummarySufficient,
)
from stride_server.reviews.routing import BODY, problems, resource_router
from stride_server.reviews.types import NO_NUL

router = resource_router()


@router.get(
    "/feedback/requests",
    operation_id="feedback-requests-list",
    response_model=list[FeedbackRequest],
    summary="Your pending feedback requests",
    responses=problems(),
)
async def feedback_requests(request: Request, claims: Claims = Depends(bearer_claims)) -> Response:
    """The caller's pending feedback requests, as the reviewer asked."""
    async with open_context(request, claims) as ctx:
        return json_response(await service.pending_requests(ctx))


@router.post(
    "/feedback/requests",
    operation_id="feedback-requests-create",
    status_code=201,
    response_model=FeedbackRequest,
    summary="Ask one person for feedback on another",
    responses=problems(409, *BODY),
)
async def create_feedback_request(
    request: Request, body: FeedbackRequestCreate, claims: Claims = Depends(bearer_claims)
) -> Response:
    """Ask one person (the reviewer) for 360 feedback on another (the subject) in
    an open cycle (400 otherwise). The reviewer is not the subject (422), and asked once per cycle and
    subject (409). Needs `update:performance`."""
    async with open_context(request, claims) as ctx:
        return json_response(await service.create_request(ctx, body), 201)


@router.post(
    "/feedback/requests/bulk",
    operation_id="feedback-requests-bulk",
    response_model=BulkResult,
    summary="Ask the subject's peers for feedback (selected by access level)",
    responses=problems(*BODY),
)
async def bulk_feedback_requests(
    request: Request, body: FeedbackBulkCreate, claims: Claims = Depends(bearer_claims)
) -> Response:
    """Ask the subject's peers for feedback in an open cycle, chosen by the
    subject's access level (CONTRACT §3.4); peers already asked are skipped. Needs `update:performance`."""
    return await _bulk(request, claims, body)


async def _bulk(request: Request, claims: Claims, body: FeedbackBulkCreate) -> Response:
    async with open_write_context(request, claims, on_templates=True) as ctx:  # all its statements
        return json_response(await service.create_bulk_requests(ctx, body))


async def _bulk_fast(request: Request, claims: Claims) -> Response | None:
    """The bulk request without FastAPI's parameter machinery (`core.body.StrideRoute.fast`)."""
    body = validated_body(request, FeedbackBulkCreate)
    return None if body is None else await _bulk(request, claims, body)


_bulk_route = router.routes[-1]
assert isinstance(_bulk_route, StrideRoute)
_bulk_route.fast = _bulk_fast


@router.post(
    "/feedback/submit",
    operation_id="feedback-submit",
    status_code=201,
    response_model=SubmitResult,
    summary="Submit feedback for a request assigned to you (once)",
    responses=problems(409, *BODY),
)
async def submit_feedback(
    request: Request, body: FeedbackSubmit, claims: Claims = Depends(bearer_claims)
) -> Response:
    """Submit ratings and comments for a pending request assigned to the caller (404 for
    another's, 409 once submitted). The answers are stored apart from the request and count in summaries
    only once the cycle closes (CONTRACT §3.4a)."""
    async with open_context(request, claims) as ctx:
        return json_response(await service.submit(ctx, body), 201)


@router.get(
    "/feedback/summary/{userId}",
    operation_id="feedback-summary",
    response_model=SummarySufficient | SummaryInsufficient,
    responses=problems(),
    summary="Anonymized feedback about a person (managers and above)",
    description="Only responses released by a cycle's close count (§3.4a). Figures show only released "
    "sets holding at least the cycle's minimum of answers the caller did not write; "
    "`by_direction` splits them by peer, upward and downward (§9.3).",
)
async def feedback_summary(
    request: Request,
    user_id: str = Path(alias="userId", max_length=64),
    cycle_id: str | None = Query(None, max_length=64, pattern=NO_NUL),
    claims: Claims = Depends(bearer_claims),
) -> Response:
    async with open_context(request, claims) as ctx:
        return json_response(await service.summary(ctx, user_id, cycle_id))
