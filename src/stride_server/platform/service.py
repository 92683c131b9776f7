"""The rules of the platform: who may manage applications and their API keys, how a key is issued
(shown once, stored as a SHA-256 hash) and exchanged for a JWT (§1.2), and the tenant settings."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from stride_server.auth.permissions import expand
from stride_server.auth.tokens import mint
from stride_server.config import get_settings
from stride_server.core.context import Context, tenant_transaction
from stride_server.core.ids import new_id
from stride_server.core.pages import single_page
from stride_server.core.problems import BadRequest, Forbidden, NotFound, Unauthorized
from stride_server.platform import store
from stride_server.platform.schemas import ApplicationCreate, ApplicationUpdate, TenantSettings

KEY_PREFIX = "sk_"
KEY_BYTES = 32  # 256 bits of randomness: a hash of it cannot be brute-forced, so no slow KDF is needed
MAX_KEY_LENGTH = 256


def hash_key(api_key: str) -> str:
    return hashlib.sha256(api_key.encode()).hexdigest()


def _require_manage(ctx: Context) -> None:
    ctx.principal.require("manage", "platform")


def _require_grantable(ctx: Context, permissions: list[str]) -> None:
    """A caller cannot hand an application more than it holds itself (no escalation through keys)."""
    missing = sorted(expand(permissions) - ctx.principal.permissions)
    if missing:
        raise Forbidden(f"You cannot grant permissions you do not hold: {', '.join(missing)}.")


def _present_application(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "name": row["name"],
        "permissions": list(row["permissions"]),
        "created_by": row["created_by"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }


async def _live_application(ctx: Context, app_id: str, *, for_update: bool = False) -> dict[str, Any]:
    row = await store.get_application(ctx.conn, ctx.principal.tenant_id, app_id, for_update=for_update)
    if row is None:
        raise NotFound(f"No application {app_id}.")
    return row


async def _keyed_application(ctx: Context, app_id: str, *, for_update: bool = False) -> dict[str, Any]:
    """An application whose keys the caller may mint, list or revoke: one whose permissions the caller
    holds itself (§1.2), so a key never carries more than its maker could grant."""
    _require_manage(ctx)
    application = await _live_application(ctx, app_id, for_update=for_update)
    _require_grantable(ctx, list(application["permissions"]))
    return application


# --- applications ---------------------------------------------------------------------------------


async def list_applications(ctx: Context) -> dict[str, Any]:
    _require_manage(ctx)
    rows = await store.list_applications(ctx.conn, ctx.principal.tenant_id)
    return single_page([_present_application(r) for r in rows])


async def create_application(ctx: Context, body: ApplicationCreate) -> dict[str, Any]:
    _require_manage(ctx)
    _require_grantable(ctx, body.permissions)
    row = await store.insert_application(
        ctx.conn, ctx.principal.tenant_id, new_id("app"), body.name, body.permissions, ctx.principal.sub
    )
    return _present_application(row)


async def get_application(ctx: Context, app_id: str) -> dict[str, Any]:
    _require_manage(ctx)
    return _present_application(await _live_application(ctx, app_id))


async def update_application(ctx: Context, app_id: str, body: ApplicationUpdate) -> dict[str, Any]:
    _require_manage(ctx)
    changes = {name: getattr(body, name) for name in body.model_fields_set}
    if "permissions" in changes:
        _require_grantable(ctx, changes["permissions"])
    if not changes:
        return _present_application(await _live_application(ctx, app_id))
    row = await store.update_application(ctx.conn, ctx.principal.tenant_id, app_id, changes)
    if row is None:
        raise NotFound(f"No application {app_id}.")
    return _present_application(row)


async def delete_application(ctx: Context, app_id: str) -> None:
    """Soft delete, and revoke every key: its tokens fail from now on (the Principal checks the app)."""
    _require_manage(ctx)
    if not await store.delete_application(ctx.conn, ctx.principal.tenant_id, app_id):
        raise NotFound(f"No application {app_id}.")
    await store.revoke_keys(ctx.conn, ctx.principal.tenant_id, app_id)


# --- API keys -------------------------------------------------------------------------------------


async def create_key(ctx: Context, app_id: str) -> dict[str, Any]:
    """A fresh secret, returned once; only its SHA-256 is stored (in the key and in the lookup)."""
    # Locked, so a concurrent delete of the application cannot slip between the check and the insert.
    await _keyed_application(ctx, app_id, for_update=True)
    secret = KEY_PREFIX + secrets.token_urlsafe(KEY_BYTES)
    row = await store.insert_key(
        ctx.conn, ctx.principal.tenant_id, new_id("key"), app_id, hash_key(secret), secret[-4:]
    )
    return {
        "id": row["id"],
        "app_id": row["app_id"],
        "key": secret,
        "hint": row["hint"],
        "created_at": row["created_at"],
    }


async def list_keys(ctx: Context, app_id: str) -> dict[str, Any]:
    await _keyed_application(ctx, app_id)
    return single_page(await store.list_keys(ctx.conn, ctx.principal.tenant_id, app_id))


async def revoke_key(ctx: Context, app_id: str, key_id: str) -> None:
    """Idempotent: revoking a revoked key succeeds and keeps the first revocation time."""
    await _keyed_application(ctx, app_id)
    if not await store.key_exists(ctx.conn, ctx.principal.tenant_id, app_id, key_id):
        raise NotFound(f"No key {key_id} on application {app_id}.")
    await store.revoke_keys(ctx.conn, ctx.principal.tenant_id, app_id, key_id)


def choose_api_key(from_header: str | None, from_body: str | None) -> str:
    """The body's key when sent, else the header's: a client holding a JWT for other calls may keep
    sending it in the header and pass the key in the body."""
    api_key = from_body or from_header
    if not api_key or not api_key.startswith(KEY_PREFIX) or len(api_key) > MAX_KEY_LENGTH:
        raise Unauthorized(
            "A valid API key (sk_…) is required, as `Authorization: Bearer sk_…` or the body's `api_key`."
        )
    return api_key


async def exchange_key(engine: AsyncEngine, api_key: str) -> dict[str, Any]:
    """§1.2: an API key for a short-lived JWT of its application. Needs no bearer JWT: the key is
    resolved to its tenant through the lookup table, then checked inside that tenant."""
    settings = get_settings()
    if settings.stride_jwt_public_key or settings.stride_jwks_url:
        # This server only verifies tokens of an external issuer; it holds no key to sign one.
        raise BadRequest(
            "Token exchange needs HS256 mode: this server verifies RS256/ES256 tokens and "
            "cannot mint its own. Obtain tokens from your identity provider.",
            slug="token-exchange-unavailable",
        )
    key_hash = hash_key(api_key)
    async with engine.connect() as conn:
        resolved = await store.resolve_key(conn, key_hash)
    key = None
    if resolved is not None:
        tenant_id, key_id = resolved
        async with tenant_transaction(engine, tenant_id) as conn:
            key = await store.get_usable_key(conn, tenant_id, key_id)
    if key is None or not hmac.compare_digest(key["key_hash"], key_hash):
        raise Unauthorized("Unknown or revoked API key, or its application was deleted.")
    ttl = settings.stride_token_ttl
    # `key_id` names the key the token came from: revoking it stops the token (auth.principal).
    token = mint(
        tenant_id,
        key["app_id"],
        permissions=list(key["permissions"]),
        app_id=key["app_id"],
        ttl=ttl,
        settings=settings,
        extra={"key_id": key_id},
    )
    return {"access_token": token, "token_type": "Bearer", "expires_in": ttl}


# --- tenant settings ------------------------------------------------------------------------------


async def read_tenant_settings(ctx: Context) -> dict[str, Any]:
    ctx.principal.require("view", "platform")
    return await store.tenant_settings(ctx.conn, ctx.principal.tenant_id)


async def update_tenant_settings(ctx: Context, body: TenantSettings) -> dict[str, Any]:
    """The settings sent change; a cycle already opened keeps the minimums it opened with (§3.4a.3)."""
    _require_manage(ctx)
    values = body.model_dump(include=body.model_fields_set)
    if "reminders" in values:
        values["reminders"] = body.reminders.model_dump(include=body.reminders.model_fields_set)
    return await store.set_tenant_settings(ctx.conn, ctx.principal.tenant_id, values)
