"""POST/GET /api/v1/learning/assessments/{id}/responses."""

from fastapi import APIRouter, Depends, Query, Request, Response

from stride_server.auth.tokens import Claims
from stride_server.core.body import StrideRoute
from stride_server.core.context import bearer_claims, open_context
from stride_server.core.responses import json_response, problem_responses
from stride_server.edm.registry import ASSESSMENT
from stride_server.learning import service
from stride_server.learning.schemas import AssessmentResponse, AssessmentResponsePage, ResponseCreate

router = APIRouter(route_class=StrideRoute)
_PATH = f"{ASSESSMENT.path}/{{id}}/responses"


@router.post(
    _PATH,
    operation_id="assessment-responses-create",
    tags=["learning"],
    status_code=201,
    response_model=AssessmentResponse,
    summary="Respond to an open assessment (once per person)",
    responses=problem_responses(401, 403, 404, 409, 413, 415, 422),
)
async def create_response(
    request: Request, id: str, body: ResponseCreate, claims: Claims = Depends(bearer_claims)
) -> Response:
    """Answer an assessment's questions while it is open, once per person (409 otherwise); people
    answer, applications cannot (403). The response is scored, passes at the assessment's
    `pass_score`, and counts toward its `response_count` and `completion_pct`; answering a `learning`
    assessment also records the person's LearningRecord."""
    answers = [a.model_dump() for a in body.answers]
    async with open_context(request, claims) as ctx:
        response = await service.submit_response(ctx, id, answers)
    return json_response(response, 201)


@router.get(
    _PATH,
    operation_id="assessment-responses-list",
    tags=["learning"],
    response_model=AssessmentResponsePage,
    summary="List the responses you may see (personal records of their respondents, §1.4)",
    responses=problem_responses(400, 401, 403, 404),
)
async def list_responses(
    request: Request,
    id: str,
    cursor: str | None = None,
    limit: int = Query(50, ge=1, le=200),
    claims: Claims = Depends(bearer_claims),
) -> Response:
    """An assessment's responses, in pages. A response is a personal record of its respondent
    (CONTRACT §1.4): the caller sees those of the people whose personal records it sees, all of them
    with `manage:learning`."""
    async with open_context(request, claims) as ctx:
        return json_response(await service.list_responses(ctx, id, cursor, limit))
