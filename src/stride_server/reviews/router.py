"""HTTP routes of the Performance reviews API under /api/performance (seed 001, CONTRACT §3)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from stride_server.auth.tokens import Claims
from stride_server.core.body import StrideRoute
from stride_server.core.context import bearer_claims, open_context
from stride_server.core.responses import json_response, problem_responses
from stride_server.reviews import feedback_service, review_service, service
from stride_server.reviews.feedback_schemas import (
    BulkResult,
    FeedbackBulkCreate,
    FeedbackRequest,
    FeedbackRequestCreate,
    FeedbackSubmit,
    SubmitResult,
    SummaryInsufficient,
    SummarySufficient,
)
from stride_server.reviews.schemas import (
    NO_NUL,
    CurrentGoals,
    Cycle,
    CycleCreate,
    CycleDetail,
    CycleUpdate,
    GoalList,
    History,
    Pending,
    PreviousGoalsUpdate,
    Review,
    ReviewCreate,
    ReviewDetail,
    ReviewStatus,
    ReviewUpdate,
    Template,
    TemplateCreate,
    TemplateUpdate,
)

PREFIX = "/api/performance"
_BODY = (413, 415, 422)


def _problems(*codes: int) -> dict[int | str, dict[str, Any]]:
    """Every status an operation may answer besides its success: unknown query parameters (400),
    token (401), permission (403), invisible or missing (404), a database outage (503), plus its own."""
    return problem_responses(*sorted({400, 401, 403, 404, 503, *codes}))


router = APIRouter(prefix=PREFIX, route_class=StrideRoute, tags=["performance"])
Id = Path(max_length=64, description="The record's id.")


# --------------------------------------------------------------------------------------- templates
@router.get("/templates", operation_id="templates-list", response_model=list[Template],
            summary="List review templates", responses=_problems())
async def list_templates(request: Request, claims: Claims = Depends(bearer_claims)) -> Response:
    """The tenant's review templates with their KPI items. A person's template is their
    `review_template_id`, else the one for their access level, else the default one (CONTRACT §3.1)."""
    async with open_context(request, claims) as ctx:
        return json_response(await service.list_templates(ctx))


@router.post("/templates", operation_id="templates-create", status_code=201, response_model=Template,
             summary="Create a review template (manage:performance)", responses=_problems(409, *_BODY))
async def create_template(request: Request, body: TemplateCreate, claims: Claims = Depends(bearer_claims)) -> Response:
    """A review template: a name, an optional access level, `is_default`, and the KPI items
    reviews snapshot. Needs `manage:performance`."""
    async with open_context(request, claims) as ctx:
        template = await service.create_template(ctx, body)
    return json_response(template, 201, {"Location": f"{PREFIX}/templates/{template['id']}"})


@router.get("/templates/{id}", operation_id="templates-get", response_model=Template,
            summary="Get a review template", responses=_problems())
async def get_template(request: Request, id: str = Id, claims: Claims = Depends(bearer_claims)) -> Response:
    """One review template with its KPI items."""
    async with open_context(request, claims) as ctx:
        return json_response(await service.get_template(ctx, id))


@router.put("/templates/{id}", operation_id="templates-update", response_model=Template,
            summary="Update a review template; `items` replaces its items", responses=_problems(409, *_BODY))
async def update_template(request: Request, body: TemplateUpdate, id: str = Id,
                          claims: Claims = Depends(bearer_claims)) -> Response:
    """Change a template's name, access level or default flag; `items` replaces its items.
    Reviews already created keep the KPIs they snapshotted. Needs `manage:performance`."""
    async with open_context(request, claims) as ctx:
        return json_response(await service.update_template(ctx, id, body))


@router.delete("/templates/{id}", operation_id="templates-delete", status_code=204, response_class=Response,
               summary="Delete a review template no person is assigned", responses=_problems(409))
async def delete_template(request: Request, id: str = Id, claims: Claims = Depends(bearer_claims)) -> Response:
    """Delete a template that no person is assigned (409 otherwise). Needs
    `manage:performance`."""
    async with open_context(request, claims) as ctx:
        await service.delete_template(ctx, id)
    return Response(status_code=204)


# ------------------------------------------------------------------------------------------ cycles
@router.get("/cycles", operation_id="cycles-list", response_model=list[Cycle], responses=_problems(),
            summary="List review cycles (non-executives see only open and closed ones)")
async def list_cycles(request: Request, claims: Claims = Depends(bearer_claims)) -> Response:
    """Review cycles. Executives and `manage:performance` see every cycle, others only open
    and closed ones."""
    async with open_context(request, claims) as ctx:
        return json_response(await service.list_cycles(ctx))


@router.post("/cycles", operation_id="cycles-create", status_code=201, response_model=Cycle,
             summary="Create a review cycle (draft)", responses=_problems(*_BODY))
async def create_cycle(request: Request, body: CycleCreate, claims: Claims = Depends(bearer_claims)) -> Response:
    """A quarterly or annual review cycle, created as `draft`; `period_end` is on or after
    `period_start`. Needs `manage:performance`."""
    async with open_context(request, claims) as ctx:
        cycle = await service.create_cycle(ctx, body)
    return json_response(cycle, 201, {"Location": f"{PREFIX}/cycles/{cycle['id']}"})


@router.get("/cycles/{id}", operation_id="cycles-get", response_model=CycleDetail, responses=_problems(),
            summary="Get a cycle with review progress stats")
async def get_cycle(request: Request, id: str = Id, claims: Claims = Depends(bearer_claims)) -> Response:
    """A cycle with `stats` counted over the reviews of it the caller can see: total, and per
    status."""
    async with open_context(request, claims) as ctx:
        return json_response(await service.get_cycle(ctx, id))


@router.put("/cycles/{id}", operation_id="cycles-update", response_model=Cycle, responses=_problems(*_BODY),
            summary="Update a cycle: name, dates, status (draft→open, open→closed, closed→open)")
async def update_cycle(request: Request, body: CycleUpdate, id: str = Id,
                       claims: Claims = Depends(bearer_claims)) -> Response:
    """Change a cycle's name, dates or status. Status moves draft→open, open→closed and
    closed→open (others are 400); closing releases the cycle's 360 answers to summaries (CONTRACT §3.4a).
    Needs `manage:performance`."""
    async with open_context(request, claims) as ctx:
        return json_response(await service.update_cycle(ctx, id, body))


@router.delete("/cycles/{id}", operation_id="cycles-delete", status_code=204, response_class=Response,
               summary="Delete a draft cycle (400 otherwise)", responses=_problems())
async def delete_cycle(request: Request, id: str = Id, claims: Claims = Depends(bearer_claims)) -> Response:
    """Delete a cycle while it is a draft (400 otherwise). Needs `manage:performance`."""
    async with open_context(request, claims) as ctx:
        await service.delete_cycle(ctx, id)
    return Response(status_code=204)


# ----------------------------------------------------------------------------------------- reviews
@router.get("/goals/current", operation_id="goals-current", response_model=CurrentGoals, responses=_problems(),
            summary="Goals of your most recent completed review")
async def current_goals(request: Request, claims: Claims = Depends(bearer_claims)) -> Response:
    """The goals of the caller's most recent completed review (latest cycle end), with the
    cycle's name; none gives an empty list and an empty name."""
    async with open_context(request, claims) as ctx:
        return json_response(await review_service.current_goals(ctx))


@router.get("/reviews", operation_id="reviews-list", response_model=list[Review], responses=_problems(),
            summary="List the reviews you can see")
async def list_reviews(request: Request, cycle_id: str | None = Query(None, max_length=64, pattern=NO_NUL),
                       status: ReviewStatus | None = None, claims: Claims = Depends(bearer_claims)) -> Response:
    """The reviews visible to the caller (CONTRACT §1.4), optionally of one cycle or status,
    each with the names of its person, reviewer and cycle."""
    async with open_context(request, claims) as ctx:
        return json_response(await review_service.list_reviews(ctx, cycle_id, status))


@router.post("/reviews", operation_id="reviews-create", status_code=201, response_model=ReviewDetail,
             summary="Create a review in an open cycle (snapshots the user's template KPIs)",
             responses=_problems(409, *_BODY))
async def create_review(request: Request, body: ReviewCreate, claims: Claims = Depends(bearer_claims)) -> Response:
    """A review of a person in an open cycle (400 otherwise), one per person and cycle (409
    otherwise); the reviewer defaults to the caller. Snapshots the person's template items as unrated KPI
    ratings and answers the full detail. Needs `update:performance`."""
    async with open_context(request, claims) as ctx:
        detail = await review_service.create_review(ctx, body)
    return json_response(detail, 201, {"Location": f"{PREFIX}/reviews/{detail['review']['id']}"})


@router.get("/reviews/history/{userId}", operation_id="reviews-history", response_model=History,
            summary="A person's completed reviews, oldest first", responses=_problems())
async def history(request: Request, user_id: str = Path(alias="userId", max_length=64),
                  claims: Claims = Depends(bearer_claims)) -> Response:
    """The person's completed reviews, oldest first, each with its cycle, KPI pass counts and goal
    outcomes."""
    async with open_context(request, claims) as ctx:
        return json_response(await review_service.history(ctx, user_id))


@router.get("/reviews/{id}", operation_id="reviews-get", response_model=ReviewDetail, responses=_problems(),
            summary="Full review detail with KPI ratings, goals and previous reviews")
async def get_review(request: Request, id: str = Id, claims: Claims = Depends(bearer_claims)) -> Response:
    """The review with its KPI ratings, goals and previous reviews (the last completed one for a
    quarterly review; the year's quarterly ones, with their KPI aggregation, for an annual review)."""
    async with open_context(request, claims) as ctx:
        return json_response(await review_service.get_review(ctx, id))


@router.put("/reviews/{id}", operation_id="reviews-update", response_model=ReviewDetail,
            summary="Update fields, KPI ratings, goals and status (completion computes KPI pass/fail)",
            responses=_problems(*_BODY))
async def update_review(request: Request, body: ReviewUpdate, id: str = Id,
                        claims: Claims = Depends(bearer_claims)) -> Response:
    """Change the status, texts, KPI ratings (by id) and goals (the list replaces the
    review's goals). Completing needs every KPI rated (422 otherwise) and computes the pass counts and
    `kpi_passed`; status moves outside the allowed ones are 400. Needs `update:performance`."""
    async with open_context(request, claims) as ctx:
        return json_response(await review_service.update_review(ctx, id, body))


@router.delete("/reviews/{id}", operation_id="reviews-delete", status_code=204, response_class=Response,
               summary="Delete a draft review (400 otherwise)", responses=_problems())
async def delete_review(request: Request, id: str = Id, claims: Claims = Depends(bearer_claims)) -> Response:
    """Delete a review while it is a draft (400 otherwise). Needs `manage:performance`."""
    async with open_context(request, claims) as ctx:
        await review_service.delete_review(ctx, id)
    return Response(status_code=204)


@router.put("/reviews/{id}/previous-goals", operation_id="reviews-previous-goals", response_model=GoalList,
            summary="Mark goals of earlier reviews completed / not completed", responses=_problems(*_BODY))
async def previous_goals(request: Request, body: PreviousGoalsUpdate, id: str = Id,
                         claims: Claims = Depends(bearer_claims)) -> Response:
    """Record the outcome (`completed` or `not_completed`) of goals of the person's earlier
    completed reviews (422 for any other goal); the review's subject cannot set their own (403). Answers the
    updated goals."""
    async with open_context(request, claims) as ctx:
        return json_response(await review_service.set_previous_goals(ctx, id, body))


# ---------------------------------------------------------------------------------------- feedback
@router.get("/feedback/requests", operation_id="feedback-requests-list", response_model=list[FeedbackRequest],
            summary="Your pending feedback requests", responses=_problems())
async def feedback_requests(request: Request, claims: Claims = Depends(bearer_claims)) -> Response:
    """The caller's pending feedback requests, as the reviewer asked."""
    async with open_context(request, claims) as ctx:
        return json_response(await feedback_service.pending_requests(ctx))


@router.post("/feedback/requests", operation_id="feedback-requests-create", status_code=201,
             response_model=FeedbackRequest, summary="Ask one person for feedback on another",
             responses=_problems(409, *_BODY))
async def create_feedback_request(request: Request, body: FeedbackRequestCreate,
                                  claims: Claims = Depends(bearer_claims)) -> Response:
    """Ask one person (the reviewer) for 360 feedback on another (the subject) in
    an open cycle (400 otherwise). The reviewer is not the subject (422), and asked once per cycle and
    subject (409). Needs `update:performance`."""
    async with open_context(request, claims) as ctx:
        return json_response(await feedback_service.create_request(ctx, body), 201)


@router.post("/feedback/requests/bulk", operation_id="feedback-requests-bulk", response_model=BulkResult,
             summary="Ask the subject's peers for feedback (selected by access level)",
             responses=_problems(*_BODY))
async def bulk_feedback_requests(request: Request, body: FeedbackBulkCreate,
                                 claims: Claims = Depends(bearer_claims)) -> Response:
    """Ask the subject's peers for feedback in an open cycle, chosen by the
    subject's access level (CONTRACT §3.4); peers already asked are skipped. Needs `update:performance`."""
    async with open_context(request, claims) as ctx:
        return json_response(await feedback_service.create_bulk_requests(ctx, body))


@router.post("/feedback/submit", operation_id="feedback-submit", status_code=201, response_model=SubmitResult,
             summary="Submit feedback for a request assigned to you (once)", responses=_problems(409, *_BODY))
async def submit_feedback(request: Request, body: FeedbackSubmit, claims: Claims = Depends(bearer_claims)) -> Response:
    """Submit ratings and comments for a pending request assigned to the caller (404 for
    another's, 409 once submitted). The answers are stored apart from the request and count in summaries
    only once the cycle closes (CONTRACT §3.4a)."""
    async with open_context(request, claims) as ctx:
        return json_response(await feedback_service.submit(ctx, body), 201)


@router.get("/feedback/summary/{userId}", operation_id="feedback-summary",
            response_model=SummarySufficient | SummaryInsufficient, responses=_problems(),
            summary="Anonymized feedback about a person (managers and above)",
            description="Only responses released by a cycle's close count (§3.4a). Figures show only released "
                        "sets holding at least the cycle's minimum of answers the caller did not write; "
                        "`by_direction` splits them by peer, upward and downward (§9.3).")
async def feedback_summary(request: Request, user_id: str = Path(alias="userId", max_length=64),
                           cycle_id: str | None = Query(None, max_length=64, pattern=NO_NUL),
                           claims: Claims = Depends(bearer_claims)) -> Response:
    async with open_context(request, claims) as ctx:
        return json_response(await feedback_service.summary(ctx, user_id, cycle_id))


# ----------------------------------------------------------------------------------------- pending
@router.get("/pending", operation_id="pending-get", response_model=Pending, responses=_problems(),
            summary="Your pending actions")
async def pending(request: Request, claims: Claims = Depends(bearer_claims)) -> Response:
    """The caller's pending actions: reviews to write in open cycles, their own self-assessments,
    pending feedback requests, and the open cycles."""
    async with open_context(request, claims) as ctx:
        return json_response(await service.pending(ctx))
