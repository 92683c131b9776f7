"""Reminders (CONTRACT §8.4): `reminder.*` events for every open item of an open cycle whose due date
— a feedback request's own, the cycle's for reviews and self-assessments — is within the tenant's
days-before or past, at most once per item per `repeat_every_days`. One statement per tenant finds the
items, marks them and writes their events; a transaction-scoped lock keeps two runs from doubling."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Date, exists, func, literal, select, union_all
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from stride_server.core.context import tenant_transaction
from stride_server.db.rows import advisory_lock
from stride_server.db.scope import joined, of_tenant
from stride_server.db.tables import feedback_requests, people, reminder_marks, review_cycles, reviews
from stride_server.platform.store import tenant_settings

log = logging.getLogger("stride.reminders")

# The reviewer still has to act on a review in these statuses; its subject in `self_assessment`.
REVIEWER_STATUSES = ("draft", "in_review", "ready_for_review")


def _items(tenant_id: str, today: date, settings: dict[str, Any]) -> Any:
    """Open items due within their days-before (or past), with whom they wait for."""
    cycles = review_cycles

    def by(days: str) -> date:
        return today + timedelta(days=int(settings[days]))

    feedback = (
        select(
            literal("reminder.feedback_due").label("type"),
            literal("feedback_request").label("item_type"),
            feedback_requests.c.id.label("item_id"),
            feedback_requests.c.reviewer_id.label("person_id"),
            feedback_requests.c.due_date,
        )
        .select_from(
            feedback_requests.join(
                cycles, joined(cycles, feedback_requests, cycles.c.id == feedback_requests.c.cycle_id)
            )
        )
        .where(
            of_tenant(feedback_requests, tenant_id),
            feedback_requests.c.status == "pending",
            cycles.c.status == "open",
            feedback_requests.c.due_date <= by("feedback_days_before"),
        )
    )

    def of_reviews(type_: str, person: Any, statuses: tuple[str, ...], days: str) -> Any:
        return (
            select(
                literal(type_).label("type"),
                literal("review").label("item_type"),
                reviews.c.id.label("item_id"),
                person.label("person_id"),
                cycles.c.due_date,
            )
            .select_from(reviews.join(cycles, joined(cycles, reviews, cycles.c.id == reviews.c.cycle_id)))
            .where(
                of_tenant(reviews, tenant_id),
                reviews.c.status.in_(statuses),
                cycles.c.status == "open",
                cycles.c.due_date <= by(days),
            )
        )

    return union_all(
        feedback,
        of_reviews(
            "reminder.self_assessment_due",
            reviews.c.user_id,
            ("self_assessment",),
            "self_assessment_days_before",
        ),
        of_reviews("reminder.review_due", reviews.c.reviewer_id, REVIEWER_STATUSES, "review_days_before"),
    ).cte("items")


def _statement(tenant_id: str, today: date, settings: dict[str, Any]) -> Any:
    items = _items(tenant_id, today, settings)
    repeat = timedelta(days=int(settings["repeat_every_days"]))
    due = (
        select(items)
        .where(
            exists().where(
                of_tenant(people, tenant_id), people.c.id == items.c.person_id, people.c.status == "active"
            ),
            ~exists().where(
                of_tenant(reminder_marks, tenant_id),
                reminder_marks.c.item_id == items.c.item_id,
                reminder_marks.c.kind == items.c.type,
                reminder_marks.c.sent_at > func.now() - repeat,
            ),
        )
        .cte("due")
        .prefix_with("MATERIALIZED")
    )
    marks = insert(reminder_marks).from_select(
        ["tenant_id", "item_id", "kind", "sent_at"],
        select(literal(tenant_id), due.c.item_id, due.c.type, func.now()),
    )
    marked = marks.on_conflict_do_update(
        index_elements=["tenant_id", "item_id", "kind"], set_={"sent_at": marks.excluded.sent_at}
    ).cte("marked")
    payload = func.jsonb_build_object(
        "person_id",
        due.c.person_id,
        "item",
        func.jsonb_build_object("type", due.c.item_type, "id", due.c.item_id),
        "due_date",
        due.c.due_date,
        "days_left",
        due.c.due_date - literal(today, Date()),
    )
    return select(func.count(func.stride_emit(due.c.type, due.c.item_type, due.c.item_id, payload))).add_cte(
        marked
    )


async def run_tenant(conn: AsyncConnection, tenant_id: str) -> int:
    """The tenant's reminders due now, in the caller's transaction (the tenant set); answers how many."""
    settings = (await tenant_settings(conn, tenant_id))["reminders"]
    if not settings.get("enabled", True):
        return 0
    await advisory_lock(conn, f"stride.reminders:{tenant_id}")
    today = datetime.now(UTC).date()
    return int((await conn.execute(_statement(tenant_id, today, settings))).scalar_one())


async def run_all_tenants(engine: AsyncEngine) -> int:
    from stride_server.events.service import tenant_ids

    emitted = 0
    for tenant in await tenant_ids(engine):
        async with tenant_transaction(engine, tenant) as conn:
            emitted += await run_tenant(conn, tenant)
    log.info("reminders: %d events", emitted)
    return emitted
