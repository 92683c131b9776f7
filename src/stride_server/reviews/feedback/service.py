"""Use cases of 360 feedback (seed 001, CONTRACT §3.4, §3.4a): requests (single and by peer selection)
with their direction, anonymous submission and the anonymized summary (the release at a cycle's close
is `feedback.release`)."""

from __future__ import annotations

import random
import uuid
from collections import Counter
from typing import Any

from stride_server.core.context import Context
from stride_server.core.ids import new_id
from stride_server.core.problems import Conflict, Forbidden, NotFound, Unprocessable, field_error
from stride_server.directory import service as directory
from stride_server.reviews.cycles import service as cycles
from stride_server.reviews.feedback import bulk_store, store
from stride_server.reviews.feedback.anonymity import Disclosure, direction_of, disclose, minimum_for
from stride_server.reviews.feedback.peers import peer_rule
from stride_server.reviews.feedback.schemas import FeedbackBulkCreate, FeedbackRequestCreate, FeedbackSubmit
from stride_server.reviews.rules import FEEDBACK_AREAS, FEEDBACK_DIRECTIONS, RATINGS

SUMMARY_LEVELS = frozenset({"manager", "head", "executive"})
_shuffler = random.SystemRandom()


async def pending_requests(ctx: Context) -> list[dict[str, Any]]:
    ctx.principal.require("view", "performance")
    if ctx.principal.person_id is None:
        return []
    return await store.pending_requests(ctx.conn, ctx.principal.tenant_id, ctx.principal.person_id)


async def create_request(ctx: Context, body: FeedbackRequestCreate) -> dict[str, Any]:
    principal = ctx.principal
    principal.require("update", "performance")
    cycle = await cycles.open_cycle(ctx, body.cycle_id)
    subject = await directory.visible_active_person(ctx, body.subject_id, "subject_id")
    if body.reviewer_id == subject["id"]:
        raise field_error("reviewer_id", "a person cannot give feedback on themself")
    reviewer = await directory.active_person(ctx, body.reviewer_id, "reviewer_id")
    request = await store.insert_request(
        ctx.conn,
        {
            "tenant_id": principal.tenant_id,
            "id": new_id("fbq"),
            "cycle_id": cycle["id"],
            "subject_id": subject["id"],
            "reviewer_id": reviewer["id"],
            "due_date": body.due_date,
            "direction": direction_of(subject, reviewer, body.direction or "peer"),
        },
    )
    if request is None:
        raise Conflict(
            "This reviewer already has a feedback request for this subject in this cycle.",
            slug="duplicate-request",
        )
    return {**request, "cycle_name": cycle["name"], "subject_name": subject["name"]}


async def create_bulk_requests(ctx: Context, body: FeedbackBulkCreate) -> dict[str, int]:
    """Requests to every peer of the subject (§3.4); existing ones are skipped, so a repeat creates 0."""
    principal = ctx.principal
    principal.require("update", "performance")
    cycle = await cycles.open_cycle(ctx, body.cycle_id)
    subject = await directory.visible_active_person(ctx, body.subject_id, "subject_id")
    peers = await bulk_store.select_peers(
        ctx.reader, principal.tenant_id, subject["id"], peer_rule(subject["access_level"])
    )
    created = await bulk_store.insert_requests(
        ctx.reader,
        principal.tenant_id,
        cycle["id"],
        subject["id"],
        body.due_date,
        [(new_id("fbq"), peer["id"], direction_of(subject, peer)) for peer in peers],
    )
    return {"created": created, "total_peers": len(peers)}


async def submit(ctx: Context, body: FeedbackSubmit) -> dict[str, str]:
    """The assigned reviewer answers once. The answers go to the inbox with no reviewer, request or time,
    and reach feedback_responses only when the cycle closes (§3.4a.5): flushed in a later transaction,
    many at once, in random order. Only the request row records that its reviewer submitted."""
    principal = ctx.principal
    principal.require("view", "performance")
    request = None
    if principal.person_id is not None:
        request = await store.fetch_assigned_request(
            ctx.conn, principal.tenant_id, body.request_id, principal.person_id
        )
    if request is None:
        raise NotFound(f"No feedback request {body.request_id} assigned to you.")
    if request["status"] != "pending":
        raise Conflict("This feedback has already been submitted.", slug="already-submitted")
    answers = {k: getattr(body, k) for k in store.RESPONSE_FIELDS}
    if all(v is None or (isinstance(v, str) and not v.strip()) for v in answers.values()):
        raise Unprocessable(
            "Give at least one rating or comment.",
            errors=[{"field": "overall_comment", "message": "the feedback is empty"}],
        )
    await store.hold_cycle(ctx.conn, principal.tenant_id, request["cycle_id"])
    await store.insert_inbox(
        ctx.conn,
        {
            "tenant_id": principal.tenant_id,
            "id": str(uuid.uuid4()),
            "cycle_id": request["cycle_id"],
            "subject_id": request["subject_id"],
            "direction": request["direction"],
            **answers,
        },
    )
    await store.mark_submitted(ctx.conn, principal.tenant_id, request["id"])
    return {"request_id": request["id"], "status": "submitted"}


def _comments(values: list[str | None]) -> list[str]:
    """Non-empty comments, shuffled independently per list so positions link nothing."""
    comments = [v for v in values if v is not None and v.strip()]
    _shuffler.shuffle(comments)
    return comments


def _figures(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The anonymized aggregate: counts per rating and shuffled comments, per area."""
    areas = {}
    for area in FEEDBACK_AREAS:
        counted = Counter(r[f"{area}_rating"] for r in rows if r[f"{area}_rating"] is not None)
        areas[area] = {
            "ratings": {rating: counted[rating] for rating in RATINGS if counted[rating]},
            "comments": _comments([r[f"{area}_comment"] for r in rows]),
        }
    return {"areas": areas, "overall_comments": _comments([r["overall_comment"] for r in rows])}


def _part(rows: list[dict[str, Any]], shown: bool, released: int, minimum: int) -> dict[str, Any]:
    if not shown:
        return {"sufficient": False, "response_count": released, "minimum_required": minimum}
    return {"sufficient": True, "response_count": len(rows), **_figures(rows)}


def summarize(disclosure: Disclosure, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """§3.4 / §9.3: the top level shows the responses of the sets the caller may see (of every
    direction); `by_direction` shows each direction alone, or only its count below its minimum."""
    by_direction = {}
    for direction in FEEDBACK_DIRECTIONS:
        mine = [r for r in rows if r["direction"] == direction]
        by_direction[direction] = _part(
            mine,
            bool(disclosure.shown[direction]),
            disclosure.released[direction],
            disclosure.minimum[direction],
        )
    top = _part(
        rows, bool(disclosure.shown_ids), sum(disclosure.released.values()), disclosure.minimum["peer"]
    )
    return {**top, "by_direction": by_direction}


async def summary(ctx: Context, user_id: str, cycle_id: str | None) -> dict[str, Any]:
    principal = ctx.principal
    principal.require("view", "performance")
    await directory.visible_person(ctx, user_id)
    # Seed 001: "Manager+ access only".
    if principal.access_level not in SUMMARY_LEVELS and not principal.can("manage", "performance"):
        raise Forbidden("The feedback summary is for managers, heads and executives.")
    feedback_minimum, upward_minimum = await store.minimums(ctx.conn, principal.tenant_id, cycle_id)
    sets = await store.released_sets(ctx.conn, principal.tenant_id, user_id, cycle_id, principal.person_id)
    disclosure = disclose(
        sets, {d: minimum_for(d, feedback_minimum, upward_minimum) for d in FEEDBACK_DIRECTIONS}
    )
    rows = await store.responses_of(ctx.conn, principal.tenant_id, disclosure.shown_ids)
    return summarize(disclosure, rows)
