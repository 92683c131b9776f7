"""SQL of review templates and cycles, and the pending-actions counts (CONTRACT §3.1, §3.2, §3.5).

Tenant scoping lives in `of_tenant` (shared by the three review stores) and, for what a caller may
see of cycles, `cycle_scope`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, delete, func, insert, select, type_coerce, update
from sqlalchemy.dialects.postgresql import JSON
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from stride_server.auth.principal import Principal
from stride_server.db.rows import json_array, plain
from stride_server.db.scope import cycle_scope, of_tenant, same_tenant
from stride_server.db.tables import (
    feedback_requests,
    people,
    review_cycles,
    review_template_items,
    review_templates,
    reviews,
)

CYCLE_FIELDS = ("id", "type", "name", "period_start", "period_end", "due_date", "status", "created_at",
                "updated_at")
TEMPLATE_FIELDS = ("id", "name", "access_level", "is_default", "created_at", "updated_at")
STAT_STATUSES = ("completed", "draft", "self_assessment", "in_review", "ready_for_review")


# --------------------------------------------------------------------------------------- templates
def _items_json() -> Any:
    """A template's items as a JSON array, in their order (one statement lists templates with items)."""
    i = review_template_items
    item = func.json_build_object("id", i.c.id, "area", i.c.area, "label", i.c.label,
                                  "is_mandatory", i.c.is_mandatory, "sort_order", i.c.sort_order)
    return type_coerce(
        select(json_array(item, i.c.sort_order, i.c.id)).where(
            same_tenant(i, review_templates), i.c.template_id == review_templates.c.id).scalar_subquery(), JSON,
    ).label("items")


async def list_templates(conn: AsyncConnection, tenant_id: str, template_id: str | None = None,
                         ) -> list[dict[str, Any]]:
    conditions = [of_tenant(review_templates, tenant_id)]
    if template_id is not None:
        conditions.append(review_templates.c.id == template_id)
    statement = (select(*(review_templates.c[n] for n in TEMPLATE_FIELDS), _items_json()).where(*conditions)
                 .order_by(review_templates.c.name, review_templates.c.id))
    return [plain(r) for r in (await conn.execute(statement)).mappings()]


async def existing_templates(conn: AsyncConnection, tenant_id: str, ids: list[str]) -> set[str]:
    rows = await conn.execute(select(review_templates.c.id).where(of_tenant(review_templates, tenant_id),
                                                                  review_templates.c.id.in_(ids)))
    return {r[0] for r in rows}


async def access_level_holder(conn: AsyncConnection, tenant_id: str, access_level: str) -> str | None:
    row = await conn.execute(select(review_templates.c.id).where(of_tenant(review_templates, tenant_id),
                                                                 review_templates.c.access_level == access_level))
    return row.scalar()


async def clear_default(conn: AsyncConnection, tenant_id: str) -> None:
    await conn.execute(update(review_templates).where(of_tenant(review_templates, tenant_id), review_templates.c.is_default)
                       .values(is_default=False, updated_at=func.now()))


async def insert_template(conn: AsyncConnection, values: dict[str, Any]) -> None:
    await conn.execute(insert(review_templates).values(**values))


async def update_template(conn: AsyncConnection, tenant_id: str, template_id: str, values: dict[str, Any]) -> None:
    await conn.execute(update(review_templates).where(of_tenant(review_templates, tenant_id), review_templates.c.id == template_id)
                       .values(**values, updated_at=func.now()))


async def template_item_ids(conn: AsyncConnection, tenant_id: str, template_id: str) -> set[str]:
    i = review_template_items
    rows = await conn.execute(select(i.c.id).where(of_tenant(i, tenant_id), i.c.template_id == template_id))
    return {r[0] for r in rows}


async def replace_template_items(conn: AsyncConnection, tenant_id: str, template_id: str,
                                 items: list[dict[str, Any]]) -> None:
    """The template's items become `items`: kept ids are updated in place, the rest removed."""
    i = review_template_items
    kept = [item["id"] for item in items]
    await conn.execute(delete(i).where(of_tenant(i, tenant_id), i.c.template_id == template_id,
                                       i.c.id.not_in(kept)))
    if items:
        statement = pg_insert(i).values([{**item, "tenant_id": tenant_id, "template_id": template_id}
                                         for item in items])
        await conn.execute(statement.on_conflict_do_update(
            index_elements=["tenant_id", "id"],
            set_={n: statement.excluded[n] for n in ("area", "label", "is_mandatory", "sort_order")}))


async def template_in_use(conn: AsyncConnection, tenant_id: str, template_id: str) -> bool:
    row = await conn.execute(select(people.c.id).where(of_tenant(people, tenant_id),
                                                       people.c.review_template_id == template_id).limit(1))
    return row.first() is not None


async def delete_template(conn: AsyncConnection, tenant_id: str, template_id: str) -> None:
    await conn.execute(delete(review_templates).where(of_tenant(review_templates, tenant_id),
                                                      review_templates.c.id == template_id))


# ------------------------------------------------------------------------------------------ cycles
def _cycle_columns() -> list[Any]:
    return [review_cycles.c[n] for n in CYCLE_FIELDS]


async def list_cycles(conn: AsyncConnection, principal: Principal) -> list[dict[str, Any]]:
    statement = (select(*_cycle_columns()).where(cycle_scope(principal))
                 .order_by(review_cycles.c.period_start.desc(), review_cycles.c.id.desc()))
    return [plain(r) for r in (await conn.execute(statement)).mappings()]


async def fetch_cycle(conn: AsyncConnection, principal: Principal, cycle_id: str, *,
                      lock_mode: str | None = None) -> dict[str, Any] | None:
    """A visible cycle; `lock_mode` "update" (status changes) or "share" (writes that need it open)."""
    statement = select(*_cycle_columns()).where(cycle_scope(principal), review_cycles.c.id == cycle_id)
    if lock_mode is not None:
        statement = statement.with_for_update(read=lock_mode == "share")
    row = (await conn.execute(statement)).mappings().first()
    return plain(row) if row else None


async def visible_cycles(conn: AsyncConnection, principal: Principal, ids: list[str]) -> set[str]:
    rows = await conn.execute(select(review_cycles.c.id).where(cycle_scope(principal),
                                                               review_cycles.c.id.in_(ids)))
    return {r[0] for r in rows}


async def cycle_stats(conn: AsyncConnection, cycle_id: str, review_condition: ColumnElement[bool],
                      ) -> dict[str, int]:
    """Review counts per status over the cycle's reviews matching `review_condition` (one statement)."""
    counts = [func.count().label("total")]
    counts += [func.count().filter(reviews.c.status == s).label(s) for s in STAT_STATUSES]
    statement = select(*counts).where(review_condition, reviews.c.cycle_id == cycle_id)
    return plain((await conn.execute(statement)).mappings().one())


async def insert_cycle(conn: AsyncConnection, values: dict[str, Any]) -> dict[str, Any]:
    statement = insert(review_cycles).values(**values).returning(*_cycle_columns())
    return plain((await conn.execute(statement)).mappings().one())


async def update_cycle(conn: AsyncConnection, tenant_id: str, cycle_id: str, values: dict[str, Any]) -> dict[str, Any]:
    statement = (update(review_cycles)
                 .where(of_tenant(review_cycles, tenant_id), review_cycles.c.id == cycle_id)
                 .values(**values, updated_at=func.now()).returning(*_cycle_columns()))
    return plain((await conn.execute(statement)).mappings().one())


async def delete_cycle(conn: AsyncConnection, tenant_id: str, cycle_id: str) -> None:
    await conn.execute(delete(review_cycles).where(of_tenant(review_cycles, tenant_id),
                                                   review_cycles.c.id == cycle_id))


# ------------------------------------------------------------------------------------ pending (§3.5)
async def pending_counts(conn: AsyncConnection, principal: Principal) -> dict[str, int]:
    """The caller's pending actions, in one statement of four counts."""
    tenant, me = principal.tenant_id, principal.sub
    open_cycles = select(review_cycles.c.id).where(of_tenant(review_cycles, tenant),
                                                   review_cycles.c.status == "open")
    pending_reviews = select(func.count()).select_from(reviews).where(
        of_tenant(reviews, tenant), reviews.c.reviewer_id == me, reviews.c.status != "completed",
        reviews.c.cycle_id.in_(open_cycles))
    self_assessments = select(func.count()).select_from(reviews).where(
        of_tenant(reviews, tenant), reviews.c.user_id == me, reviews.c.status == "self_assessment")
    pending_feedback = select(func.count()).select_from(feedback_requests).where(
        of_tenant(feedback_requests, tenant), feedback_requests.c.reviewer_id == me,
        feedback_requests.c.status == "pending")
    cycles_open = select(func.count()).select_from(open_cycles.subquery())
    statement = select(
        pending_reviews.scalar_subquery().label("pending_reviews"),
        self_assessments.scalar_subquery().label("self_assessments"),
        pending_feedback.scalar_subquery().label("pending_feedback"),
        cycles_open.scalar_subquery().label("open_cycles"),
    )
    return plain((await conn.execute(statement)).mappings().one())

