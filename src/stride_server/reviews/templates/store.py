"""SQL of review templates and their items (CONTRACT §3.1). Every statement is tenant-scoped
through `db.scope.of_tenant`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, insert, select, type_coerce, update
from sqlalchemy.dialects.postgresql import JSON
from sqlalchemy.ext.asyncio import AsyncConnection

from stride_server.db.rows import json_array, plain, replace_children, update_by_id
from stride_server.db.scope import of_tenant, same_tenant
from stride_server.db.tables import people, review_template_items, review_templates

TEMPLATE_FIELDS = ("id", "name", "access_level", "is_default", "created_at", "updated_at")


def _items_json() -> Any:
    """A template's items as a JSON array, in their order (one statement lists templates with items)."""
    i = review_template_items
    item = func.json_build_object(
        "id",
        i.c.id,
        "area",
        i.c.area,
        "label",
        i.c.label,
        "is_mandatory",
        i.c.is_mandatory,
        "sort_order",
        i.c.sort_order,
    )
    return type_coerce(
        select(json_array(item, i.c.sort_order, i.c.id))
        .where(same_tenant(i, review_templates), i.c.template_id == review_templates.c.id)
        .scalar_subquery(),
        JSON,
    ).label("items")


async def list_templates(
    conn: AsyncConnection,
    tenant_id: str,
    template_id: str | None = None,
) -> list[dict[str, Any]]:
    conditions = [of_tenant(review_templates, tenant_id)]
    if template_id is not None:
        conditions.append(review_templates.c.id == template_id)
    statement = (
        select(*(review_templates.c[n] for n in TEMPLATE_FIELDS), _items_json())
        .where(*conditions)
        .order_by(review_templates.c.name, review_templates.c.id)
    )
    return [plain(r) for r in (await conn.execute(statement)).mappings()]


async def existing_templates(conn: AsyncConnection, tenant_id: str, ids: list[str]) -> set[str]:
    rows = await conn.execute(
        select(review_templates.c.id).where(
            of_tenant(review_templates, tenant_id), review_templates.c.id.in_(ids)
        )
    )
    return {r[0] for r in rows}


async def access_level_holder(conn: AsyncConnection, tenant_id: str, access_level: str) -> str | None:
    row = await conn.execute(
        select(review_templates.c.id).where(
            of_tenant(review_templates, tenant_id), review_templates.c.access_level == access_level
        )
    )
    return row.scalar()


async def clear_default(conn: AsyncConnection, tenant_id: str) -> None:
    await conn.execute(
        update(review_templates)
        .where(of_tenant(review_templates, tenant_id), review_templates.c.is_default)
        .values(is_default=False, updated_at=func.now())
    )


async def insert_template(conn: AsyncConnection, values: dict[str, Any]) -> None:
    await conn.execute(insert(review_templates).values(**values))


async def update_template(
    conn: AsyncConnection, tenant_id: str, template_id: str, values: dict[str, Any]
) -> None:
    await conn.execute(
        update_by_id(review_templates, of_tenant(review_templates, tenant_id), template_id, values)
    )


async def template_item_ids(conn: AsyncConnection, tenant_id: str, template_id: str) -> set[str]:
    i = review_template_items
    rows = await conn.execute(select(i.c.id).where(of_tenant(i, tenant_id), i.c.template_id == template_id))
    return {r[0] for r in rows}


async def replace_template_items(
    conn: AsyncConnection, tenant_id: str, template_id: str, items: list[dict[str, Any]]
) -> None:
    """The template's items become `items`: kept ids are updated in place, the rest removed."""
    updatable = ("area", "label", "is_mandatory", "sort_order")
    await replace_children(
        conn, review_template_items, tenant_id, ("template_id", template_id), items, updatable
    )


async def template_in_use(conn: AsyncConnection, tenant_id: str, template_id: str) -> bool:
    row = await conn.execute(
        select(people.c.id)
        .where(of_tenant(people, tenant_id), people.c.review_template_id == template_id)
        .limit(1)
    )
    return row.first() is not None


async def delete_template(conn: AsyncConnection, tenant_id: str, template_id: str) -> None:
    await conn.execute(
        delete(review_templates).where(
            of_tenant(review_templates, tenant_id), review_templates.c.id == template_id
        )
    )
