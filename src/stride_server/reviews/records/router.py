"""HTTP routes of reviews under /api/performance/reviews, and the caller's current goals (seed 001,
CONTRACT §3.3)."""

from __future__ import annotations

from fastapi import Depends, Path, Query, Request, Response

from stride_server.auth.tokens import Claims
from stride_server.core.body import StrideRoute, validated_body
from stride_server.core.context import bearer_claims, open_context
from stride_server.core.responses import json_response
from stride_server.db.reads import open_read_context, open_write_context
from stride_server.reviews.records import service
from stride_server.reviews.records.schemas import (
    CurrentGoals,
    GoalList,
    History,
    PreviousGoalsUpdate,
    Review,
    ReviewCreate,
    ReviewDetail,
    ReviewStatus,
    ReviewUpdate,
)
from stride_server.reviews.routing import BODY, ID_MAX, PREFIX, Id, problems, read_by_id_fast, resource_router
from stride_server.reviews.types import NO_NUL

router = resource_router()


@router.get(
    "/goals/current",
    operation_id="goals-current",
    response_model=CurrentGoals,
    responses=problems(),
    summary="Goals of your most recent completed review",
)
async def current_goals(request: Request, claims: Claims = Depends(bearer_claims)) -> Response:
    """The goals of the caller's most recent completed review (latest cycle end), with the
    cycle's name; none gives an empty list and an empty name."""
    async with open_context(request, claims) as ctx:
        return json_response(await service.current_goals(ctx))


@router.get(
    "/reviews",
    operation_id="reviews-list",
    response_model=list[Review],
    responses=problems(),
    summary="List the reviews you can see",
)
async def list_reviews(
    request: Request,
    cycle_id: str | None = Query(None, max_length=64, pattern=NO_NUL),
    status: ReviewStatus | None = None,
    claims: Claims = Depends(bearer_claims),
) -> Response:
    """The reviews visible to the caller (CONTRACT §1.4), optionally of one cycle or status,
    each with the names of its person, reviewer and cycle."""
    async with open_context(request, claims) as ctx:
        return json_response(await service.list_reviews(ctx, cycle_id, status))


@router.post(
    "/reviews",
    operation_id="reviews-create",
    status_code=201,
    response_model=ReviewDetail,
    summary="Create a review in an open cycle (snapshots the user's template KPIs)",
    responses=problems(409, *BODY),
)
async def create_review(
    request: Request, body: ReviewCreate, claims: Claims = Depends(bearer_claims)
) -> Response:
    """A review of a person in an open cycle (400 otherwise), one per person and cycle (409
    otherwise); the reviewer defaults to the caller. Snapshots the person's template items as unrated KPI
    ratings and answers the full detail. Needs `update:performance`."""
    async with open_context(request, claims) as ctx:
        detail = await service.create_review(ctx, body)
    return json_response(detail, 201, {"Location": f"{PREFIX}/reviews/{detail['review']['id']}"})


@router.get(
    "/reviews/history/{userId}",
    operation_id="reviews-history",
    response_model=History,
    summary="A person's completed reviews, oldest first",
    responses=problems(),
)
async def history(
    request: Request,
    user_id: str = Path(alias="userId", max_length=64),
    claims: Claims = Depends(bearer_claims),
) -> Response:
    """The person's completed reviews, oldest first, each with its cycle, KPI pass counts and goal
    outcomes."""
    async with open_context(request, claims) as ctx:
        return json_response(await service.history(ctx, user_id))


async def _get_review(request: Request, claims: Claims, review_id: str) -> Response:
    async with open_read_context(request, claims) as ctx:
        return json_response(await service.get_review(ctx, review_id))


@router.get(
    "/reviews/{id}",
    operation_id="reviews-get",
    response_model=ReviewDetail,
    responses=problems(),
    summary="Full review detail with KPI ratings, goals and previous reviews",
)
async def get_review(request: Request, id: str = Id, claims: Claims = Depends(bearer_claims)) -> Response:
    """The review with its KPI ratings, goals and previous reviews (the last completed one for a
    quarterly review; the year's quarterly ones, with their KPI aggregation, for an annual review)."""
    return await _get_review(request, claims, id)


read_by_id_fast(router, _get_review)


@router.put(
    "/reviews/{id}",
    operation_id="reviews-update",
    response_model=ReviewDetail,
    summary="Update fields, KPI ratings, goals and status (completion computes KPI pass/fail)",
    responses=problems(*BODY),
)
async def update_review(
    request: Request, body: ReviewUpdate, id: str = Id, claims: Claims = Depends(bearer_claims)
) -> Response:
    """Change the status, texts, KPI ratings (by id) and goals (the list replaces the
    review's goals). Completing needs every KPI rated (422 otherwise) and computes the pass counts and
    `kpi_passed`; status moves outside the allowed ones are 400. Needs `update:performance`."""
    return await _update(request, claims, id, body)


async def _update(request: Request, claims: Claims, id: str, body: ReviewUpdate) -> Response:
    async with open_write_context(request, claims, on_templates=service.update_on_templates(body)) as ctx:
        return json_response(await service.update_review(ctx, id, body))


async def _update_fast(request: Request, claims: Claims) -> Response | None:
    """A person's update without FastAPI's parameter machinery (`core.body.StrideRoute.fast`); an id
    over the declared length is left to the declared endpoint's validation."""
    body, id = validated_body(request, ReviewUpdate), request.path_params["id"]
    return None if body is None or len(id) > ID_MAX else await _update(request, claims, id, body)


_update_route = router.routes[-1]
assert isinstance(_update_route, StrideRoute)
_update_route.fast = _update_fast


@router.delete(
    "/reviews/{id}",
    operation_id="reviews-delete",
    status_code=204,
    response_class=Response,
    summary="Delete a draft review (400 otherwise)",
    responses=problems(),
)
async def delete_review(request: Request, id: str = Id, claims: Claims = Depends(bearer_claims)) -> Response:
    """Delete a review while it is a draft (400 otherwise). Needs `manage:performance`."""
    async with open_context(request, claims) as ctx:
        await service.delete_review(ctx, id)
    return Response(status_code=204)


@router.put(
    "/reviews/{id}/previous-goals",
    operation_id="reviews-previous-goals",
    response_model=GoalList,
    summary="Mark goals of earlier reviews completed / not completed",
    responses=problems(*BODY),
)
async def previous_goals(
    request: Request, body: PreviousGoalsUpdate, id: str = Id, claims: Claims = Depends(bearer_claims)
) -> Response:
    """Record the outcome (`completed` or `not_completed`) of goals of the person's earlier
    completed reviews (422 for any other goal); the review's subject cannot set their own (403). Answers the
    updated goals."""
    async with open_context(request, claims) as ctx:
        return json_response(await service.set_previous_goals(ctx, id, body))
