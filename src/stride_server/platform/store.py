"""SQL of the platform: applications, API keys and their lookup, tenants and their settings."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, exists, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from stride_server.db.rows import first_row, plain, returned_row
from stride_server.db.scope import joined, live_applications, of_tenant
from stride_server.db.tables import api_key_lookup, api_keys, applications, tenants

DEFAULT_FEEDBACK_MIN_RESPONSES = 1  # CONTRACT §3.4, as the seed

_APPLICATION_COLUMNS = tuple(applications.c)
_KEY_COLUMNS = (
    api_keys.c.id,
    api_keys.c.app_id,
    api_keys.c.hint,
    api_keys.c.created_at,
    api_keys.c.revoked_at,
)


# --- applications ---------------------------------------------------------------------------------


async def active_application_permissions(
    conn: AsyncConnection, tenant_id: str, app_id: str, key_id: str | None = None
) -> list[str] | None:
    """The permissions a live application holds now, or None when it does not exist or was deleted, or
    when `key_id` (the key a token was exchanged for) is not a live key of it."""
    conditions = [applications.c.id == app_id, *live_applications(tenant_id)]
    if key_id is not None:
        conditions.append(
            exists().where(
                of_tenant(api_keys, tenant_id),
                api_keys.c.app_id == app_id,
                api_keys.c.id == key_id,
                api_keys.c.revoked_at.is_(None),
            )
        )
    row = await conn.execute(select(applications.c.permissions).where(*conditions))
    found = row.first()
    return list(found[0]) if found else None


async def get_application(
    conn: AsyncConnection, tenant_id: str, app_id: str, *, for_update: bool = False
) -> dict[str, Any] | None:
    statement = select(*_APPLICATION_COLUMNS).where(
        applications.c.id == app_id, *live_applications(tenant_id)
    )
    return await first_row(conn, statement, for_update=for_update)


async def list_applications(conn: AsyncConnection, tenant_id: str) -> list[dict[str, Any]]:
    rows = await conn.execute(
        select(*_APPLICATION_COLUMNS)
        .where(*live_applications(tenant_id))
        .order_by(applications.c.created_at, applications.c.id)
    )
    return [plain(r) for r in rows.mappings()]


async def insert_application(
    conn: AsyncConnection, tenant_id: str, app_id: str, name: str, permissions: list[str], created_by: str
) -> dict[str, Any]:
    statement = insert(applications).values(
        tenant_id=tenant_id, id=app_id, name=name, permissions=permissions, created_by=created_by
    )
    return await returned_row(conn, statement.returning(*_APPLICATION_COLUMNS))


async def update_application(
    conn: AsyncConnection, tenant_id: str, app_id: str, changes: dict[str, Any]
) -> dict[str, Any] | None:
    statement = (
        update(applications)
        .where(applications.c.id == app_id, *live_applications(tenant_id))
        .values(**changes, updated_at=func.now())
        .returning(*_APPLICATION_COLUMNS)
    )
    return await first_row(conn, statement)


async def delete_application(conn: AsyncConnection, tenant_id: str, app_id: str) -> bool:
    """Soft delete: the row stays (records keep their app_id), tokens of it stop working."""
    row = await conn.execute(
        update(applications)
        .where(applications.c.id == app_id, *live_applications(tenant_id))
        .values(is_deleted=True, updated_at=func.now())
        .returning(applications.c.id)
    )
    return row.first() is not None


# --- API keys -------------------------------------------------------------------------------------


async def insert_key(
    conn: AsyncConnection, tenant_id: str, key_id: str, app_id: str, key_hash: str, hint: str
) -> dict[str, Any]:
    """The key and its lookup row, in the caller's transaction: both exist or neither."""
    key = await returned_row(
        conn,
        insert(api_keys)
        .values(tenant_id=tenant_id, id=key_id, app_id=app_id, key_hash=key_hash, hint=hint)
        .returning(*_KEY_COLUMNS),
    )
    await conn.execute(insert(api_key_lookup).values(key_hash=key_hash, tenant_id=tenant_id, key_id=key_id))
    return key


async def list_keys(conn: AsyncConnection, tenant_id: str, app_id: str) -> list[dict[str, Any]]:
    rows = await conn.execute(
        select(*_KEY_COLUMNS)
        .where(of_tenant(api_keys, tenant_id), api_keys.c.app_id == app_id)
        .order_by(api_keys.c.created_at, api_keys.c.id)
    )
    return [plain(r) for r in rows.mappings()]


async def key_exists(conn: AsyncConnection, tenant_id: str, app_id: str, key_id: str) -> bool:
    row = await conn.execute(
        select(api_keys.c.id).where(
            of_tenant(api_keys, tenant_id), api_keys.c.app_id == app_id, api_keys.c.id == key_id
        )
    )
    return row.first() is not None


async def revoke_keys(conn: AsyncConnection, tenant_id: str, app_id: str, key_id: str | None = None) -> int:
    """Revoke one key of an application (or all of them) and drop their lookup rows, so a revoked
    key no longer even resolves to its tenant. Already revoked keys keep their first revoked_at."""
    conditions = [
        of_tenant(api_keys, tenant_id),
        api_keys.c.app_id == app_id,
        api_keys.c.revoked_at.is_(None),
    ]
    if key_id is not None:
        conditions.append(api_keys.c.id == key_id)
    hashes = [
        r[0]
        for r in await conn.execute(
            update(api_keys).where(*conditions).values(revoked_at=func.now()).returning(api_keys.c.key_hash)
        )
    ]
    if hashes:
        await conn.execute(
            delete(api_key_lookup).where(
                api_key_lookup.c.key_hash.in_(hashes), of_tenant(api_key_lookup, tenant_id)
            )
        )
    return len(hashes)


async def resolve_key(conn: AsyncConnection, key_hash: str) -> tuple[str, str] | None:
    """(tenant_id, key_id) of a key hash. Runs before any tenant is known: the lookup table is the
    one table outside row-level security."""
    row = (
        await conn.execute(
            select(api_key_lookup.c.tenant_id, api_key_lookup.c.key_id).where(
                api_key_lookup.c.key_hash == key_hash
            )
        )
    ).first()
    return (row[0], row[1]) if row else None


async def get_usable_key(conn: AsyncConnection, tenant_id: str, key_id: str) -> dict[str, Any] | None:
    """A key that is not revoked, with its live application's id and permissions."""
    row = (
        (
            await conn.execute(
                select(api_keys.c.key_hash, api_keys.c.app_id, applications.c.permissions)
                .select_from(
                    api_keys.join(
                        applications, joined(applications, api_keys, applications.c.id == api_keys.c.app_id)
                    )
                )
                .where(
                    of_tenant(api_keys, tenant_id),
                    api_keys.c.id == key_id,
                    api_keys.c.revoked_at.is_(None),
                    *live_applications(tenant_id),
                )
            )
        )
        .mappings()
        .first()
    )
    return plain(row) if row else None


# --- tenant settings ------------------------------------------------------------------------------

SETTINGS = ("feedback_min_responses", "upward_min_responses", "events_retention_days", "reminders")
DEFAULT_SETTINGS: dict[str, Any] = {
    "feedback_min_responses": DEFAULT_FEEDBACK_MIN_RESPONSES,
    "upward_min_responses": 3,
    "events_retention_days": 30,
    "reminders": {
        "enabled": True,
        "feedback_days_before": 2,
        "self_assessment_days_before": 3,
        "review_days_before": 3,
        "repeat_every_days": 2,
    },
}


def _settings(row: Any) -> dict[str, Any]:
    return {name: dict(row[name]) if name == "reminders" else int(row[name]) for name in SETTINGS}


async def tenant_settings(conn: AsyncConnection, tenant_id: str) -> dict[str, Any]:
    """The tenant's settings (§3.4, §8, §9.3); the defaults when the tenant has no row."""
    row = (
        (
            await conn.execute(
                select(*(tenants.c[name] for name in SETTINGS)).where(of_tenant(tenants, tenant_id))
            )
        )
        .mappings()
        .first()
    )
    return _settings(row) if row else dict(DEFAULT_SETTINGS)


async def set_tenant_settings(
    conn: AsyncConnection, tenant_id: str, values: dict[str, Any]
) -> dict[str, Any]:
    """An upsert of the settings sent (the reminder keys sent merge into the stored ones): a tenant
    whose row was never created (tokens minted by hand) gets one."""
    inserted = dict(values)
    changes: dict[str, Any] = dict(values)
    if "reminders" in values:
        inserted["reminders"] = {**DEFAULT_SETTINGS["reminders"], **values["reminders"]}
        changes["reminders"] = tenants.c.reminders.concat(values["reminders"])
    upsert = insert(tenants).values(tenant_id=tenant_id, name=tenant_id, **inserted)
    statement = upsert.on_conflict_do_update(
        index_elements=[tenants.c.tenant_id],
        set_={**changes, "updated_at": func.now()},
    ).returning(*(tenants.c[name] for name in SETTINGS))
    return _settings((await conn.execute(statement)).mappings().one())
