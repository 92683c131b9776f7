"""SQL of the platform: applications, API keys and their lookup, tenants and their settings."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from stride.db.tables import applications


async def application_is_active(conn: AsyncConnection, tenant_id: str, app_id: str) -> bool:
    row = await conn.execute(
        select(applications.c.id).where(applications.c.tenant_id == tenant_id, applications.c.id == app_id,
                                        applications.c.is_deleted.is_(False))
    )
    return row.first() is not None


async def get_application(conn: AsyncConnection, tenant_id: str, app_id: str) -> dict[str, Any] | None:
    row = (await conn.execute(
        select(applications).where(applications.c.tenant_id == tenant_id, applications.c.id == app_id,
                                   applications.c.is_deleted.is_(False))
    )).mappings().first()
    return dict(row) if row else None
