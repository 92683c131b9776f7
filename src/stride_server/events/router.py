"""HTTP routes of events, webhooks and reminders (CONTRACT §8)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Header, Query, Request, Response

from stride_server.auth.tokens import Claims
from stride_server.core.body import StrideRoute
from stride_server.core.context import bearer_claims, open_context
from stride_server.core.responses import NO_STORE, json_response, problem_responses
from stride_server.core.writes import record_response
from stride_server.events import reminders, service
from stride_server.events.catalog import TYPE_FILTER_PATTERN
from stride_server.events.schemas import (
    DeliveryList,
    EventList,
    Queued,
    RemindersRun,
    Secret,
    Webhook,
    WebhookCreate,
    WebhookCreated,
    WebhookList,
    WebhookUpdate,
)

router = APIRouter(route_class=StrideRoute, tags=["platform"])

WEBHOOKS = "/api/v1/platform/webhooks"
_ONE = WEBHOOKS + "/{id}"


def _problems(*codes: int) -> dict[int | str, dict[str, Any]]:
    return problem_responses(*sorted({400, 401, 403, 503, *codes}))


_BODY = (413, 415, 422)


@router.get(
    "/api/v1/events",
    operation_id="events-list",
    response_model=EventList,
    summary="List events, oldest first",
    responses=_problems(),
)
async def list_events(
    request: Request,
    type: str | None = Query(
        None, max_length=2000, pattern=TYPE_FILTER_PATTERN, description="Comma list of types and `prefix.*`."
    ),
    subject_id: str | None = Query(None, max_length=200),
    after: str | None = Query(
        None, pattern=r"^evt_[0-9A-HJKMNP-TV-Z]{26}$", description="An event id: the events after it."
    ),
    limit: int | None = Query(None, ge=1, le=200, description="1–200, default 50."),
    claims: Claims = Depends(bearer_claims),
) -> Response:
    """The tenant's events (§8.1), keyset by id. Needs `manage:platform` (people) or `view:platform`
    (applications); only events of areas the caller may view, and an application's own."""
    async with open_context(request, claims) as ctx:
        page = await service.list_events(ctx, type_=type, subject_id=subject_id, after=after, limit=limit)
    return json_response(page)


@router.post(
    WEBHOOKS,
    operation_id="webhooks-create",
    status_code=201,
    response_model=WebhookCreated,
    summary="Create a webhook endpoint (the secret is shown once)",
    responses=_problems(*_BODY),
)
async def create_webhook(
    request: Request, body: WebhookCreate, claims: Claims = Depends(bearer_claims)
) -> Response:
    """An endpoint receiving the events its `event_types` match, signed with its secret (Standard
    Webhooks). The secret `whsec_…` is in this response only. Needs `manage:platform`."""
    async with open_context(request, claims) as ctx:
        webhook = await service.create_webhook(ctx, body)
    headers = {"Location": f"{WEBHOOKS}/{webhook['id']}", "ETag": f'"{webhook["version"]}"', **NO_STORE}
    return json_response(webhook, 201, headers)


@router.get(
    WEBHOOKS,
    operation_id="webhooks-list",
    response_model=WebhookList,
    summary="List webhook endpoints (without secrets)",
    responses=_problems(),
)
async def list_webhooks(request: Request, claims: Claims = Depends(bearer_claims)) -> Response:
    """The tenant's endpoints (an application's own only). Needs `manage:platform`."""
    async with open_context(request, claims) as ctx:
        return json_response(await service.list_webhooks(ctx))


@router.get(
    _ONE,
    operation_id="webhooks-get",
    response_model=Webhook,
    summary="Get a webhook endpoint (without its secret)",
    responses=_problems(404),
)
async def get_webhook(request: Request, id: str, claims: Claims = Depends(bearer_claims)) -> Response:
    """One endpoint. Needs `manage:platform`."""
    async with open_context(request, claims) as ctx:
        return record_response(await service.get_webhook(ctx, id))


@router.patch(
    _ONE,
    operation_id="webhooks-update",
    response_model=Webhook,
    summary="Update a webhook endpoint (partial)",
    responses=_problems(404, 409, 412, *_BODY),
)
async def update_webhook(
    request: Request,
    id: str,
    body: WebhookUpdate,
    if_match: str | None = Header(None),
    claims: Claims = Depends(bearer_claims),
) -> Response:
    """Only the keys sent change; `enabled: true` re-enables a disabled endpoint. Conditional with
    `If-Match` (412) or `version` (409). Needs `manage:platform`."""
    async with open_context(request, claims) as ctx:
        return record_response(await service.update_webhook(ctx, id, body, if_match))


@router.delete(
    _ONE,
    operation_id="webhooks-delete",
    status_code=204,
    summary="Delete a webhook endpoint",
    responses=_problems(404),
)
async def delete_webhook(request: Request, id: str, claims: Claims = Depends(bearer_claims)) -> Response:
    """The endpoint and its deliveries log; nothing more is delivered to it. Needs `manage:platform`."""
    async with open_context(request, claims) as ctx:
        await service.delete_webhook(ctx, id)
    return Response(status_code=204)


@router.post(
    _ONE + "/rotate-secret",
    operation_id="webhooks-rotate-secret",
    response_model=Secret,
    summary="Rotate the signing secret",
    responses=_problems(404, 413, 415),
)
async def rotate_secret(request: Request, id: str, claims: Claims = Depends(bearer_claims)) -> Response:
    """A new secret, shown once; the old one keeps signing (a second signature) for 24 h. Needs
    `manage:platform`."""
    async with open_context(request, claims) as ctx:
        return json_response(await service.rotate_secret(ctx, id), headers=NO_STORE)


@router.post(
    _ONE + "/ping",
    operation_id="webhooks-ping",
    status_code=202,
    response_model=Queued,
    summary="Send a webhook.ping event to the endpoint",
    responses=_problems(404, 413, 415),
)
async def ping(request: Request, id: str, claims: Claims = Depends(bearer_claims)) -> Response:
    """Delivers a `webhook.ping` event now, whatever the endpoint's event types. Needs `manage:platform`."""
    async with open_context(request, claims) as ctx:
        return json_response(await service.ping(ctx, id), 202)


@router.get(
    _ONE + "/deliveries",
    operation_id="webhooks-deliveries",
    response_model=DeliveryList,
    summary="The endpoint's delivery attempts, newest first",
    responses=_problems(404),
)
async def list_deliveries(
    request: Request,
    id: str,
    status: Literal["pending", "succeeded", "failed"] | None = Query(None),
    event_id: str | None = Query(None, pattern=r"^evt_[0-9A-HJKMNP-TV-Z]{26}$"),
    cursor: str | None = Query(None, pattern=r"^dlv_[0-9A-HJKMNP-TV-Z]{26}$"),
    limit: int | None = Query(None, ge=1, le=200, description="1–200, default 50."),
    claims: Claims = Depends(bearer_claims),
) -> Response:
    """One row per attempt. Needs `manage:platform`."""
    async with open_context(request, claims) as ctx:
        page = await service.list_deliveries(
            ctx, id, status=status, event_id=event_id, cursor=cursor, limit=limit
        )
    return json_response(page)


@router.post(
    _ONE + "/deliveries/{delivery_id}/retry",
    operation_id="webhooks-delivery-retry",
    status_code=202,
    response_model=Queued,
    summary="Deliver that delivery's event to the endpoint again",
    responses=_problems(404, 413, 415),
)
async def retry_delivery(
    request: Request, id: str, delivery_id: str, claims: Claims = Depends(bearer_claims)
) -> Response:
    """Re-queues the event for this endpoint (a new attempt, and the retry schedule afresh). Needs
    `manage:platform`."""
    async with open_context(request, claims) as ctx:
        return json_response(await service.retry_delivery(ctx, id, delivery_id), 202)


@router.post(
    "/api/v1/platform/reminders/run",
    operation_id="reminders-run",
    response_model=RemindersRun,
    summary="Run the reminders job now",
    responses=_problems(413, 415),
)
async def run_reminders(request: Request, claims: Claims = Depends(bearer_claims)) -> Response:
    """Writes the `reminder.*` events due now for the tenant (§8.4), as the hourly job does. Needs
    `manage:platform`."""
    async with open_context(request, claims) as ctx:
        ctx.principal.require("manage", "platform")
        emitted = await reminders.run_tenant(ctx.conn, ctx.principal.tenant_id)
    return json_response({"emitted": emitted})
