"""The Principal: who is calling (a directory person or an application), in which tenant, with
which permissions. Loaded once per request inside the request's tenant transaction."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from stride_server.auth.permissions import default_permissions, expand
from stride_server.auth.tokens import Claims
from stride_server.core.problems import Forbidden, Unauthorized


@dataclass(frozen=True)
class Principal:
    tenant_id: str
    sub: str
    app_id: str | None
    permissions: frozenset[str]
    access_level: str | None  # None for an application

    @property
    def is_person(self) -> bool:
        return self.access_level is not None

    @property
    def person_id(self) -> str | None:
        return self.sub if self.is_person else None

    def can(self, action: str, area: str) -> bool:
        return f"{action}:{area}" in self.permissions

    def require(self, action: str, area: str) -> None:
        if not self.can(action, area):
            raise Forbidden(f"This operation needs the {action}:{area} permission.")

    def may_assign_level(self, access_level: str) -> bool:
        """§1.3: setting a person's access level needs every default permission of that level, so no
        caller can make someone more powerful than itself (and through them, itself)."""
        return expand(default_permissions(access_level)) <= self.permissions

    def require_level(self, access_level: str) -> None:
        if not self.may_assign_level(access_level):
            missing = sorted(expand(default_permissions(access_level)) - self.permissions)
            raise Forbidden(
                f"Setting access level {access_level} needs every permission of that level; "
                f"you lack {', '.join(missing)}."
            )

    @property
    def sees_all_personal(self) -> bool:
        """§1.4 rule 3: executives, `manage:performance`, and applications holding the view permission
        see every personal record of the tenant (their app scope still applies)."""
        if not self.is_person:
            return self.can("view", "performance")
        return self.access_level == "executive" or self.can("manage", "performance")


async def load_principal(conn: AsyncConnection, claims: Claims) -> Principal:
    from stride_server.db.reads import Reader
    from stride_server.directory import store as directory

    if claims.is_application:
        return await application_principal(conn, claims)
    return person_principal(claims, await directory.get_person(Reader(conn), claims.tenant_id, claims.sub))


async def application_principal(conn: AsyncConnection, claims: Claims) -> Principal:
    from stride_server.platform import store as platform

    current = None
    key_id = claims.raw.get("key_id")
    if claims.app_id == claims.sub and (key_id is None or isinstance(key_id, str)):
        # A token exchanged for an API key names its key: revoking the key stops the token at once.
        current = await platform.active_application_permissions(conn, claims.tenant_id, claims.app_id, key_id)
    if current is None:
        raise Unauthorized(
            "The token's application does not exist or was deleted, or its API key was revoked."
        )
    # A token keeps no more than the application holds now: narrowing an app takes effect at once.
    granted = expand(claims.permissions or ()) & expand(current)
    return Principal(claims.tenant_id, claims.sub, claims.app_id, granted, None)


def person_principal(claims: Claims, person: Mapping[str, Any] | None) -> Principal:
    """The Principal of a person token, from the person's row (None when there is none)."""
    if person is None or person["status"] != "active":
        raise Unauthorized("The token's subject is not an active person of this tenant.")
    listed = (
        claims.permissions if claims.permissions is not None else default_permissions(person["access_level"])
    )
    return Principal(claims.tenant_id, claims.sub, claims.app_id, expand(listed), person["access_level"])
