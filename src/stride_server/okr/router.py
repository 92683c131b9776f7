"""POST /api/v1/okr/key-results/{id}/check-ins: a PATCH of `current` that always records history."""

from typing import Any

from fastapi import APIRouter, Depends, Request, Response

from stride_server.auth.tokens import Claims
from stride_server.core.body import StrideRoute, validated_body
from stride_server.core.context import bearer_claims
from stride_server.core.responses import json_response, problem_responses
from stride_server.db.reads import open_write_context
from stride_server.db.rows import retrying_conflicts
from stride_server.edm import service
from stride_server.edm.registry import KEY_RESULT
from stride_server.edm.schemas import MODELS
from stride_server.okr.schemas import CheckIn

router = APIRouter(route_class=StrideRoute)


@router.post(
    f"{KEY_RESULT.path}/{{id}}/check-ins",
    operation_id="key-results-check-in",
    tags=["okr"],
    status_code=201,
    response_model=MODELS[KEY_RESULT.name].record,
    responses=problem_responses(401, 403, 404, 409, 413, 415, 422),
    summary="Record a check-in: a new current value with a note",
)
async def check_in(
    request: Request, id: str, body: CheckIn, claims: Claims = Depends(bearer_claims)
) -> Response:
    """Set a key result's `current` value and record the check-in, with its note, in `history`,
    even when the value is unchanged; the key result's and its objective's progress follow. Needs
    `update:okr`."""
    return await _check_in(request, claims, id, body)


async def _check_in(request: Request, claims: Claims, id: str, body: CheckIn) -> Response:
    update = MODELS[KEY_RESULT.name].update.model_validate({"current": body.value})
    on_templates = service.on_templates(KEY_RESULT, update)

    async def attempt() -> dict[str, Any]:
        async with open_write_context(request, claims, on_templates=on_templates) as ctx:
            ctx.attributes["check_in"] = {"note": body.note}
            return await service.update_record(ctx, KEY_RESULT, id, update)

    record = await retrying_conflicts(attempt)
    return json_response(
        record, 201, {"Location": f"{KEY_RESULT.path}/{record['id']}", "ETag": f'"{record["version"]}"'}
    )


async def _check_in_fast(request: Request, claims: Claims) -> Response | None:
    """A person's check-in without FastAPI's parameter machinery (`core.body.StrideRoute.fast`)."""
    body = validated_body(request, CheckIn)
    return None if body is None else await _check_in(request, claims, request.path_params["id"], body)


_route = router.routes[-1]
assert isinstance(_route, StrideRoute)
_route.fast = _check_in_fast
