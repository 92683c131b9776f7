"""Use cases of reviews (seed 001, CONTRACT §3.3): create with a KPI snapshot, full detail with
previous reviews, updates under the status machine and the subject's limits, completion with KPI
pass/fail, previous-goal outcomes, history and the dashboard's current goals."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func

from stride_server.core.context import Context
from stride_server.core.ids import new_id
from stride_server.core.problems import BadRequest, Conflict, Forbidden, NotFound, Unprocessable, field_error
from stride_server.directory import service as directory
from stride_server.reviews.cycles import service as cycles
from stride_server.reviews.records import detail, store
from stride_server.reviews.records.schemas import (
    GoalIn,
    KpiRatingUpdate,
    PreviousGoalsUpdate,
    ReviewCreate,
    ReviewUpdate,
)
from stride_server.reviews.rules import REOPEN, aggregate_kpis, evaluate_kpis, is_review_move

TEXT_FIELDS = ("strengths", "growth_areas", "discussion_topics", "reviewer_notes", "action_items")
# What the reviewer writes; the subject never edits these on their own review.
REVIEWER_FIELDS = frozenset({"strengths", "growth_areas", "reviewer_notes", "action_items"})
_PUBLIC = (*store.REVIEW_FIELDS, "user_name", "reviewer_name", "cycle_name", "cycle_type")


def _public(review: dict[str, Any]) -> dict[str, Any]:
    return {k: review[k] for k in _PUBLIC}


async def _visible_review(ctx: Context, review_id: str, *, for_update: bool = False) -> dict[str, Any]:
    ctx.principal.require("view", "performance")
    review = await detail.fetch_review(ctx.reader, ctx.principal, review_id, for_update=for_update)
    if review is None:
        raise NotFound(f"No review {review_id}.")
    return review


async def list_reviews(ctx: Context, cycle_id: str | None, status: str | None) -> list[dict[str, Any]]:
    ctx.principal.require("view", "performance")
    return [_public(r) for r in await store.list_reviews(ctx.conn, ctx.principal, cycle_id, status)]


async def get_review(ctx: Context, review_id: str) -> dict[str, Any]:
    """The review with its KPI ratings and goals (one statement) and its previous reviews (one more)."""
    ctx.principal.require("view", "performance")
    review = await detail.fetch_detail(ctx.reader, ctx.principal, review_id)
    if review is None:
        raise NotFound(f"No review {review_id}.")
    previous = await detail.previous_reviews(ctx.reader, review, ctx.principal.tenant_id)
    aggregation = None
    if review["cycle_type"] == "annual":
        aggregation = aggregate_kpis(
            (k["template_item_id"], k["rating"]) for p in previous for k in p["kpi_ratings"]
        )
    return {
        "review": _public(review),
        "kpi_ratings": review["kpi_ratings"],
        "goals": review["goals"],
        "previous_reviews": [
            {
                "review": {k: p[k] for k in ("id", "cycle_name", "reviewer_notes", "action_items")},
                "kpi_ratings": p["kpi_ratings"],
                "goals": p["goals"],
            }
            for p in previous
        ],
        "kpi_aggregation": aggregation,
    }


async def create_review(ctx: Context, body: ReviewCreate) -> dict[str, Any]:
    principal = ctx.principal
    principal.require("update", "performance")
    cycle = await cycles.open_cycle(ctx, body.cycle_id)
    user = await directory.visible_active_person(ctx, body.user_id, "user_id")
    # Seed 001: "reviewer_id defaults to the requesting user if omitted".
    reviewer_id = body.reviewer_id or principal.person_id
    if reviewer_id is None:
        raise field_error("reviewer_id", "is required when the caller is an application")
    await directory.active_person(ctx, reviewer_id, "reviewer_id")
    if reviewer_id == user["id"]:
        raise field_error("reviewer_id", "a person cannot review themself")
    review_id = new_id("rev")
    values = {
        "tenant_id": principal.tenant_id,
        "id": review_id,
        "cycle_id": cycle["id"],
        "user_id": user["id"],
        "reviewer_id": reviewer_id,
    }
    if not await store.insert_review(ctx.conn, values):
        # Seed 001: "Returns 409 if a review already exists for the user in this cycle".
        raise Conflict(f"{user['id']} already has a review in cycle {cycle['id']}.", slug="duplicate-review")
    # Snapshot: later template edits never change this review's KPIs.
    items = await store.template_items_for(ctx.conn, principal.tenant_id, user["id"])
    await store.insert_kpis(
        ctx.conn,
        [
            {
                "tenant_id": principal.tenant_id,
                "id": new_id("kpi"),
                "review_id": review_id,
                "template_item_id": item["id"],
                "area": item["area"],
                "label": item["label"],
                "is_mandatory": item["is_mandatory"],
                "sort_order": item["sort_order"],
            }
            for item in items
        ],
    )
    return await get_review(ctx, review_id)


def _authorize_update(ctx: Context, review: dict[str, Any], sent: set[str], target: str | None) -> None:
    """§3.3: the subject may not change ratings or status of their own review (403), except that during
    self_assessment they may, with view:performance alone, edit its goals and move it to in_review.
    Everyone else needs update:performance; reopening a completed review needs manage:performance."""
    principal, current = ctx.principal, review["status"]
    if principal.person_id == review["user_id"]:
        if "kpi_ratings" in sent:
            raise Forbidden("You cannot rate your own review.")
        if target is not None and (current, target) != ("self_assessment", "in_review"):
            raise Forbidden(
                "You cannot change the status of your own review, except to hand in your "
                "self-assessment (self_assessment → in_review)."
            )
        if sent & REVIEWER_FIELDS:
            raise Forbidden(f"{sorted(sent & REVIEWER_FIELDS)[0]} is written by the reviewer.")
        if current != "self_assessment":
            principal.require("update", "performance")
        return
    principal.require("update", "performance")
    if target is not None and (current, target) == REOPEN:
        principal.require("manage", "performance")


def _merge_kpis(kpis: list[dict[str, Any]], updates: list[KpiRatingUpdate]) -> list[dict[str, Any]]:
    """The KPI rows after `updates` (by id; only the keys sent change). Unknown id → 422."""
    by_id = {k["id"]: dict(k) for k in kpis}
    changed: dict[str, dict[str, Any]] = {}
    for position, update in enumerate(updates):
        row = by_id.get(update.id)
        if row is None:
            raise field_error(f"kpi_ratings.{position}.id", f"{update.id} is not a KPI rating of this review")
        row.update({k: getattr(update, k) for k in ("rating", "notes") if k in update.model_fields_set})
        changed[row["id"]] = row
    return list(changed.values())


def _goal_rows(goals: list[dict[str, Any]], sent: list[GoalIn]) -> list[dict[str, Any]]:
    """The review's new goal list: an item carrying an id of this review keeps it (and its outcome
    unless one is sent); any other id → 422."""
    current = {g["id"]: g for g in goals}
    rows = []
    for position, goal in enumerate(sent):
        if goal.id is not None and goal.id not in current:
            raise field_error(f"goals.{position}.id", f"{goal.id} is not a goal of this review")
        kept = current.get(goal.id or "")
        status = goal.status if "status" in goal.model_fields_set else (kept["status"] if kept else None)
        rows.append(
            {
                "id": goal.id or new_id("gol"),
                "goal": goal.goal,
                "success_measures": goal.success_measures,
                "support_needed": goal.support_needed,
                "status": status,
                "sort_order": goal.sort_order if goal.sort_order is not None else position,
            }
        )
    if len({r["id"] for r in rows}) != len(rows):
        raise field_error("goals", "a goal id appears twice")
    return rows


def _completion(kpis: list[dict[str, Any]]) -> dict[str, Any]:
    """Seed 001: "On status transition to completed, automatically computes KPI pass/fail"."""
    unrated = [k["label"] for k in kpis if k["rating"] is None]
    if unrated:
        raise Unprocessable(
            f"Every KPI must be rated before completion; unrated: {', '.join(unrated[:5])}.",
            errors=[{"field": "kpi_ratings", "message": f"{label}: not rated"} for label in unrated],
        )
    outcome = evaluate_kpis((k["rating"], k["is_mandatory"]) for k in kpis)
    return {
        "kpi_pass_count": outcome.pass_count,
        "kpi_total_count": outcome.total_count,
        "kpi_passed": outcome.passed,
        "completed_at": func.now(),
    }


def update_on_templates(body: ReviewUpdate) -> bool:
    """Whether every statement of the update is a template (db.reads.open_write_context may run it on
    the pool): KPI ratings and goals, when sent, are written on the SQLAlchemy connection."""
    return not {"kpi_ratings", "goals"} & body.model_fields_set


async def update_review(ctx: Context, review_id: str, body: ReviewUpdate) -> dict[str, Any]:
    tenant = ctx.principal.tenant_id
    review = await _visible_review(ctx, review_id, for_update=True)
    sent = set(body.model_fields_set)
    current = review["status"]
    target = body.status if "status" in sent and body.status != current else None
    _authorize_update(ctx, review, sent, target)
    if target is not None and not is_review_move(current, target):
        raise BadRequest(f"A review cannot move from {current} to {target}.", slug="invalid-transition")
    if current == "completed" and target is None and sent - {"status"}:
        raise BadRequest(
            "A completed review is read-only; reopen it (status in_review) to change it.",
            slug="review-completed",
        )
    values: dict[str, Any] = {k: getattr(body, k) for k in TEXT_FIELDS if k in sent}
    kpis = await detail.kpi_rows(ctx.reader, tenant, review_id)
    if "kpi_ratings" in sent:
        changed = _merge_kpis(kpis, body.kpi_ratings)
        await store.update_kpis(ctx.conn, tenant, review_id, changed)
        kpis = [next((c for c in changed if c["id"] == k["id"]), k) for k in kpis]
    if "goals" in sent:
        await store.replace_goals(
            ctx.conn,
            tenant,
            review_id,
            _goal_rows(await detail.goal_rows(ctx.reader, tenant, review_id), body.goals),
        )
    if target == "completed":
        values.update(_completion(kpis))
    elif current == "completed" and target is not None:
        values.update(kpi_pass_count=None, kpi_total_count=None, kpi_passed=None, completed_at=None)
    if target is not None:
        values["status"] = target
    if sent:
        await store.update_review(ctx.reader, tenant, review_id, values)
    return await get_review(ctx, review_id)


async def delete_review(ctx: Context, review_id: str) -> None:
    review = await _visible_review(ctx, review_id, for_update=True)
    ctx.principal.require("manage", "performance")
    if review["status"] != "draft":
        raise BadRequest(
            f"Only draft reviews can be deleted; this one is {review['status']}.", slug="invalid-transition"
        )
    await store.delete_review(ctx.conn, ctx.principal.tenant_id, review_id)


async def set_previous_goals(ctx: Context, review_id: str, body: PreviousGoalsUpdate) -> dict[str, Any]:
    """Mark goals of the user's earlier completed reviews completed / not_completed."""
    review = await _visible_review(ctx, review_id, for_update=True)
    ctx.principal.require("update", "performance")
    if ctx.principal.person_id == review["user_id"]:
        # §3.3: outcomes are the reviewer's judgement; the subject may not mark their own goals.
        raise Forbidden("You cannot set the outcomes of your own goals.")
    outcomes: dict[str, str] = {
        o.goal_id: o.status for o in body.outcomes
    }  # a goal sent twice: the last outcome wins
    found = (
        await store.earlier_goal_ids(ctx.conn, ctx.principal.tenant_id, review, list(outcomes))
        if outcomes
        else set()
    )
    missing = [goal_id for goal_id in outcomes if goal_id not in found]
    if missing:
        raise Unprocessable(
            f"Not a goal of an earlier completed review of this user: {', '.join(missing[:5])}.",
            errors=[
                {"field": "outcomes.goal_id", "message": f"{g} is not a goal of an earlier completed review"}
                for g in missing
            ],
        )
    updated = await store.set_goal_outcomes(ctx.conn, ctx.principal.tenant_id, outcomes) if outcomes else []
    order = {goal_id: position for position, goal_id in enumerate(outcomes)}
    return {"goals": sorted(updated, key=lambda g: order[g["id"]])}


async def history(ctx: Context, user_id: str) -> dict[str, Any]:
    ctx.principal.require("view", "performance")
    await directory.visible_person(ctx, user_id)
    rows = await store.history(ctx.conn, ctx.principal.tenant_id, user_id)
    for row in rows:
        row["completed_at"] = store.as_date(row["completed_at"])
        # Seed 001 shows `"kpi_passed": 1`: history reports it as 1/0 (null without KPIs).
        row["kpi_passed"] = None if row["kpi_passed"] is None else int(row["kpi_passed"])
    return {"history": rows}


async def current_goals(ctx: Context) -> dict[str, Any]:
    ctx.principal.require("view", "performance")
    if ctx.principal.person_id is None:
        return {"goals": [], "cycle_name": ""}
    goals, cycle_name = await store.current_goals(ctx.conn, ctx.principal.tenant_id, ctx.principal.person_id)
    return {"goals": goals, "cycle_name": cycle_name}
