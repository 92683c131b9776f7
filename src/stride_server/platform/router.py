"""HTTP routes of the platform: applications, API keys, the token exchange, tenant settings."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request, Response, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from stride_server.auth.tokens import Claims
from stride_server.core.body import StrideRoute
from stride_server.core.context import bearer_claims, open_context
from stride_server.core.responses import NO_STORE, json_response, problem_responses
from stride_server.platform import service
from stride_server.platform.schemas import (
    ApiKeyCreated,
    ApiKeyList,
    Application,
    ApplicationCreate,
    ApplicationList,
    ApplicationUpdate,
    TenantSettings,
    Token,
    TokenRequest,
)

router = APIRouter(route_class=StrideRoute)

APPLICATIONS = "/api/v1/platform/applications"

api_key_bearer = HTTPBearer(
    scheme_name="ApiKey",
    auto_error=False,
    description="An application's API key `sk_…` (POST /api/v1/auth/token only).",
)


def _problems(*codes: int) -> dict[int | str, dict[str, Any]]:
    """Every status an operation may answer besides its success: unknown query parameters (400),
    token (401), permission (403), a database outage (503), plus the operation's own."""
    return problem_responses(*sorted({400, 401, 403, 503, *codes}))


_BODY = (413, 415, 422)


# --- applications ---------------------------------------------------------------------------------


@router.get(
    APPLICATIONS,
    operation_id="applications-list",
    tags=["platform"],
    response_model=ApplicationList,
    summary="List the tenant's applications",
    responses=_problems(),
)
async def list_applications(request: Request, claims: Claims = Depends(bearer_claims)) -> Response:
    """The tenant's applications (integrations), live ones only. Needs `manage:platform`."""
    async with open_context(request, claims) as ctx:
        return json_response(await service.list_applications(ctx))


@router.post(
    APPLICATIONS,
    operation_id="applications-create",
    tags=["platform"],
    status_code=201,
    response_model=Application,
    summary="Create an application (an integration)",
    responses=_problems(*_BODY),
)
async def create_application(
    request: Request, body: ApplicationCreate, claims: Claims = Depends(bearer_claims)
) -> Response:
    """An application: an integration whose API keys mint tokens carrying its permissions.
    The caller can grant only permissions it holds itself (403 otherwise). Needs `manage:platform`."""
    async with open_context(request, claims) as ctx:
        application = await service.create_application(ctx, body)
    return json_response(application, 201, {"Location": f"{APPLICATIONS}/{application['id']}"})


@router.get(
    APPLICATIONS + "/{id}",
    operation_id="applications-get",
    tags=["platform"],
    response_model=Application,
    summary="Get an application",
    responses=_problems(404),
)
async def get_application(request: Request, id: str, claims: Claims = Depends(bearer_claims)) -> Response:
    """One application; a deleted or unknown id is 404. Needs `manage:platform`."""
    async with open_context(request, claims) as ctx:
        return json_response(await service.get_application(ctx, id))


@router.patch(
    APPLICATIONS + "/{id}",
    operation_id="applications-update",
    tags=["platform"],
    response_model=Application,
    summary="Update an application (partial)",
    responses=_problems(404, *_BODY),
)
async def update_application(
    request: Request, id: str, body: ApplicationUpdate, claims: Claims = Depends(bearer_claims)
) -> Response:
    """Partial: only the keys sent change. New permissions must be ones the caller holds
    (403 otherwise). Needs `manage:platform`."""
    async with open_context(request, claims) as ctx:
        return json_response(await service.update_application(ctx, id, body))


@router.delete(
    APPLICATIONS + "/{id}",
    operation_id="applications-delete",
    tags=["platform"],
    status_code=204,
    summary="Delete an application (soft) and revoke its keys",
    responses=_problems(404),
)
async def delete_application(request: Request, id: str, claims: Claims = Depends(bearer_claims)) -> Response:
    """Soft delete: every key of the application is revoked, so its tokens fail from now on.
    Needs `manage:platform`."""
    async with open_context(request, claims) as ctx:
        await service.delete_application(ctx, id)
    return Response(status_code=204)


# --- API keys -------------------------------------------------------------------------------------


@router.post(
    APPLICATIONS + "/{id}/keys",
    operation_id="keys-create",
    tags=["platform"],
    status_code=201,
    response_model=ApiKeyCreated,
    summary="Create an API key (the secret is shown once)",
    responses=_problems(404, 413, 415),
)
async def create_key(request: Request, id: str, claims: Claims = Depends(bearer_claims)) -> Response:
    """A new API key `sk_…` for the application. The secret is in this response only (sent with
    `Cache-Control: no-store`, never stored for an idempotent replay); later lists show its hint. Needs
    `manage:platform` and every permission of the application."""
    async with open_context(request, claims) as ctx:
        key = await service.create_key(ctx, id)
    return json_response(key, 201, NO_STORE)


@router.get(
    APPLICATIONS + "/{id}/keys",
    operation_id="keys-list",
    tags=["platform"],
    response_model=ApiKeyList,
    summary="List an application's API keys (without secrets)",
    responses=_problems(404),
)
async def list_keys(request: Request, id: str, claims: Claims = Depends(bearer_claims)) -> Response:
    """The application's live API keys, with their hints but never their secrets. Needs
    `manage:platform` and every permission of the application."""
    async with open_context(request, claims) as ctx:
        return json_response(await service.list_keys(ctx, id))


@router.delete(
    APPLICATIONS + "/{id}/keys/{key_id}",
    operation_id="keys-revoke",
    tags=["platform"],
    status_code=204,
    summary="Revoke an API key",
    responses=_problems(404),
)
async def revoke_key(
    request: Request, id: str, key_id: str, claims: Claims = Depends(bearer_claims)
) -> Response:
    """Revoke an API key: tokens minted from it fail from now on. Needs `manage:platform` and
    every permission of the application."""
    async with open_context(request, claims) as ctx:
        await service.revoke_key(ctx, id, key_id)
    return Response(status_code=204)


# --- the token exchange ---------------------------------------------------------------------------


@router.post(
    "/api/v1/auth/token",
    operation_id="auth-token",
    tags=["auth"],
    response_model=Token,
    summary="Exchange an API key for a JWT",
    description='Send the key as `Authorization: Bearer sk_…` or as the body `{"api_key": "sk_…"}`. '
    "Unknown or revoked keys, and keys of deleted applications, answer 401. "
    "Available in HS256 mode only (400 otherwise).",
    responses=problem_responses(400, 401, 413, 415, 422, 503),
    # The key in the Authorization header (ApiKey), or none there and the key in the body.
    openapi_extra={"security": [{}]},
)
async def exchange_token(
    request: Request,
    body: TokenRequest | None = None,
    credentials: HTTPAuthorizationCredentials | None = Security(api_key_bearer),
) -> Response:
    api_key = service.choose_api_key(
        credentials.credentials if credentials else None, body.api_key if body else None
    )
    token = await service.exchange_key(request.app.state.engine, api_key)
    return json_response(token, headers=NO_STORE)


# --- tenant settings ------------------------------------------------------------------------------


@router.get(
    "/api/v1/platform/settings",
    operation_id="settings-get",
    tags=["platform"],
    response_model=TenantSettings,
    summary="Read the tenant's settings",
    responses=_problems(),
)
async def get_settings(request: Request, claims: Claims = Depends(bearer_claims)) -> Response:
    """The tenant's settings, e.g. the minimum of 360 answers a summary needs. Needs `view:platform`."""
    async with open_context(request, claims) as ctx:
        return json_response(await service.read_tenant_settings(ctx))


@router.put(
    "/api/v1/platform/settings",
    operation_id="settings-update",
    tags=["platform"],
    response_model=TenantSettings,
    summary="Replace the tenant's settings",
    responses=_problems(*_BODY),
)
async def update_settings(
    request: Request, body: TenantSettings, claims: Claims = Depends(bearer_claims)
) -> Response:
    """Replace the tenant's settings. A review cycle already opened keeps the minimums it
    opened with (CONTRACT §3.4a). Needs `manage:platform`."""
    async with open_context(request, claims) as ctx:
        return json_response(await service.update_tenant_settings(ctx, body))
