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


@router.post(_PATH, operation_id="assessment-responses-create", tags=["learning"], status_code=201,
             response_model=AssessmentResponse, summary="Respond to an open assessment (once per person)",
             responses=problem_responses(401, 403, 404, 409, 413, 415, 422))
async def create_response(request: Request, id: str, body: ResponseCreate,
                          claims: Claims = Depends(bearer_claims)) -> Response:
    answers = [a.model_dump() for a in body.answers]
    async with open_context(request, claims) as ctx:
        response = await service.submit_response(ctx, id, answers)
    return json_response(response, 201)


@router.get(_PATH, operation_id="assessment-responses-list", tags=["learning"],
            response_model=AssessmentResponsePage,
            summary="List the responses you may see (personal records of their respondents, §1.4)",
            responses=problem_responses(400, 401, 403, 404))
async def list_responses(request: Request, id: str, cursor: str | None = None,
                         limit: int = Query(50, ge=1, le=200), claims: Claims = Depends(bearer_claims)) -> Response:
    async with open_context(request, claims) as ctx:
        return json_response(await service.list_responses(ctx, id, cursor, limit))
