"""Creating a tenant and its first person (`stride tenant create`, the demo, the tests)."""

from __future__ import annotations

from sqlalchemy import func, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert

from stride_server.core.context import tenant_transaction
from stride_server.core.ids import new_id
from stride_server.db.engine import create_engine
from stride_server.db.scope import of_tenant
from stride_server.db.tables import people, tenants


async def create_tenant(tenant_id: str, admin_name: str, admin_email: str) -> str:
    """Create the tenant (if new) and an executive person; return the person's id. Re-running with the
    same email returns the existing person."""
    if not tenant_id or len(tenant_id) > 64 or not tenant_id.replace("-", "").replace("_", "").isalnum():
        raise ValueError("tenant id must be 1-64 letters, digits, '-' or '_'")
    engine = create_engine(pool_size=1)
    try:
        async with tenant_transaction(engine, tenant_id) as conn:
            await conn.execute(
                pg_insert(tenants).values(tenant_id=tenant_id, name=tenant_id).on_conflict_do_nothing()
            )
            existing = (
                await conn.execute(
                    select(people.c.id).where(
                        of_tenant(people, tenant_id), func.lower(people.c.email) == admin_email.lower()
                    )
                )
            ).scalar()
            if existing:
                return str(existing)
            person_id = new_id("usr")
            await conn.execute(
                insert(people).values(
                    tenant_id=tenant_id,
                    id=person_id,
                    name=admin_name,
                    email=admin_email,
                    access_level="executive",
                )
            )
            return person_id
    finally:
        await engine.dispose()
