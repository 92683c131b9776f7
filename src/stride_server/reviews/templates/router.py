"""HTTP routes of review templates under /api/performance/templates (CONTRACT §3.1)."""

from __future__ import annotations

from fastapi import Depends, Request, Response

from stride_server.auth.tokens import Claims
from stride_server.core.context import bearer_claims, open_context
from stride_server.core.responses import json_response
from stride_server.reviews.routing import BODY, PREFIX, Id, problems, resource_router
from stride_server.reviews.templates import service
from stride_server.reviews.templates.schemas import Template, TemplateCreate, TemplateUpdate

router = resource_router()


@router.get(
    "/templates",
    operation_id="templates-list",
    response_model=list[Template],
    summary="List review templates",
    responses=problems(),
)
async def list_templates(request: Request, claims: Claims = Depends(bearer_claims)) -> Response:
    """The tenant's review templates with their KPI items. A person's template is their
    `review_template_id`, else the one for their access level, else the default one (CONTRACT §3.1)."""
    async with open_context(request, claims) as ctx:
        return json_response(await service.list_templates(ctx))


@router.post(
    "/templates",
    operation_id="templates-create",
    status_code=201,
    response_model=Template,
    summary="Create a review template (manage:performance)",
    responses=problems(409, *BODY),
)
async def create_template(
    request: Request, body: TemplateCreate, claims: Claims = Depends(bearer_claims)
) -> Response:
    """A review template: a name, an optional access level, `is_default`, and the KPI items
    reviews snapshot. Needs `manage:performance`."""
    async with open_context(request, claims) as ctx:
        template = await service.create_template(ctx, body)
    return json_response(template, 201, {"Location": f"{PREFIX}/templates/{template['id']}"})


@router.get(
    "/templates/{id}",
    operation_id="templates-get",
    response_model=Template,
    summary="Get a review template",
    responses=problems(),
)
async def get_template(request: Request, id: str = Id, claims: Claims = Depends(bearer_claims)) -> Response:
    """One review template with its KPI items."""
    async with open_context(request, claims) as ctx:
        return json_response(await service.get_template(ctx, id))


@router.put(
    "/templates/{id}",
    operation_id="templates-update",
    response_model=Template,
    summary="Update a review template; `items` replaces its items",
    responses=problems(409, *BODY),
)
async def update_template(
    request: Request, body: TemplateUpdate, id: str = Id, claims: Claims = Depends(bearer_claims)
) -> Response:
    """Change a template's name, access level or default flag; `items` replaces its items.
    Reviews already created keep the KPIs they snapshotted. Needs `manage:performance`."""
    async with open_context(request, claims) as ctx:
        return json_response(await service.update_template(ctx, id, body))


@router.delete(
    "/templates/{id}",
    operation_id="templates-delete",
    status_code=204,
    response_class=Response,
    summary="Delete a review template no person is assigned",
    responses=problems(409),
)
async def delete_template(
    request: Request, id: str = Id, claims: Claims = Depends(bearer_claims)
) -> Response:
    """Delete a template that no person is assigned (409 otherwise). Needs
    `manage:performance`."""
    async with open_context(request, claims) as ctx:
        await service.delete_template(ctx, id)
    return Response(status_code=204)
