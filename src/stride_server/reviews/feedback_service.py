"""Use cases of 360 feedback (seed 001, CONTRACT §3.4): requests (single and by peer selection),
anonymous submission, and the anonymized summary."""

from __future__ import annotations

import random
import uuid
from collections import Counter
from typing import Any

from pydantic import BaseModel

from stride_server.core.context import Context
from stride_server.core.ids import new_id
from stride_server.core.problems import Conflict, Forbidden, NotFound, Unprocessable, field_error
from stride_server.directory import store as directory
from stride_server.reviews import feedback_store as store
from stride_server.reviews import service as shared
from stride_server.reviews.peers import peer_rule
from stride_server.reviews.rules import FEEDBACK_AREAS, RATINGS

SUMMARY_LEVELS = frozenset({"manager", "head", "executive"})
_shuffler = random.SystemRandom()


async def pending_requests(ctx: Context) -> list[dict[str, Any]]:
    ctx.principal.require("view", "performance")
    if ctx.principal.person_id is None:
        return []
    return await store.pending_requests(ctx.conn, ctx.principal.tenant_id, ctx.principal.person_id)


async def create_request(ctx: Context, body: BaseModel) -> dict[str, Any]:
    principal, data = ctx.principal, body.model_dump()
    principal.require("update", "performance")
    cycle = await shared.open_cycle(ctx, data["cycle_id"])
    subject = await shared.visible_person(ctx, data["subject_id"], "subject_id")
    if data["reviewer_id"] == subject["id"]:
        raise field_error("reviewer_id", "a person cannot give feedback on themself")
    await shared.active_person(ctx, data["reviewer_id"], "reviewer_id")
    request = await store.insert_request(ctx.conn, {
        "tenant_id": principal.tenant_id, "id": new_id("fbq"), "cycle_id": cycle["id"], "subject_id": subject["id"],
        "reviewer_id": data["reviewer_id"], "due_date": data["due_date"]})
    if request is None:
        raise Conflict("This reviewer already has a feedback request for this subject in this cycle.",
                       slug="duplicate-request")
    return {**request, "cycle_name": cycle["name"], "subject_name": subject["name"]}


async def create_bulk_requests(ctx: Context, body: BaseModel) -> dict[str, int]:
    """Requests to every peer of the subject (§3.4); existing ones are skipped, so a repeat creates 0."""
    principal, data = ctx.principal, body.model_dump()
    principal.require("update", "performance")
    cycle = await shared.open_cycle(ctx, data["cycle_id"])
    subject = await shared.visible_person(ctx, data["subject_id"], "subject_id")
    peers = await store.select_peers(ctx.conn, principal.tenant_id, subject["id"], peer_rule(subject["access_level"]))
    created = await store.insert_requests(ctx.conn, [{
        "tenant_id": principal.tenant_id, "id": new_id("fbq"), "cycle_id": cycle["id"], "subject_id": subject["id"],
        "reviewer_id": peer, "due_date": data["due_date"]} for peer in peers])
    return {"created": created, "total_peers": len(peers)}


async def submit(ctx: Context, body: BaseModel) -> dict[str, str]:
    """The assigned reviewer answers once. The response is stored apart from the request, with a random
    id and no reviewer, request or time: only the request row records that its reviewer submitted."""
    principal, data = ctx.principal, body.model_dump()
    principal.require("view", "performance")
    request = None
    if principal.person_id is not None:
        request = await store.fetch_assigned_request(ctx.conn, principal.tenant_id, data["request_id"],
                                                     principal.person_id)
    if request is None:
        raise NotFound(f"No feedback request {data['request_id']} assigned to you.")
    if request["status"] != "pending":
        raise Conflict("This feedback has already been submitted.", slug="already-submitted")
    answers = {k: data[k] for k in store.RESPONSE_FIELDS}
    if all(v is None or (isinstance(v, str) and not v.strip()) for v in answers.values()):
        raise Unprocessable("Give at least one rating or comment.",
                            errors=[{"field": "overall_comment", "message": "the feedback is empty"}])
    await store.insert_response(ctx.conn, {"tenant_id": principal.tenant_id, "id": str(uuid.uuid4()),
                                           "cycle_id": request["cycle_id"], "subject_id": request["subject_id"],
                                           **answers})
    await store.mark_submitted(ctx.conn, principal.tenant_id, request["id"])
    return {"request_id": request["id"], "status": "submitted"}


def _comments(values: list[str | None]) -> list[str]:
    """Non-empty comments, shuffled independently per list so positions link nothing."""
    comments = [v for v in values if v is not None and v.strip()]
    _shuffler.shuffle(comments)
    return comments


def summarize(rows: list[dict[str, Any]], minimum: int) -> dict[str, Any]:
    """The anonymized aggregate: counts per rating and shuffled comments, per area."""
    if len(rows) < minimum:
        return {"sufficient": False, "response_count": len(rows), "minimum_required": minimum}
    areas = {}
    for area in FEEDBACK_AREAS:
        counted = Counter(r[f"{area}_rating"] for r in rows if r[f"{area}_rating"] is not None)
        areas[area] = {"ratings": {rating: counted[rating] for rating in RATINGS if counted[rating]},
                       "comments": _comments([r[f"{area}_comment"] for r in rows])}
    return {"sufficient": True, "response_count": len(rows), "areas": areas,
            "overall_comments": _comments([r["overall_comment"] for r in rows])}


async def summary(ctx: Context, user_id: str, cycle_id: str | None) -> dict[str, Any]:
    principal = ctx.principal
    principal.require("view", "performance")
    person = await directory.get_person(ctx.conn, principal.tenant_id, user_id)
    if person is None or not await directory.person_is_visible(ctx.conn, principal, user_id):
        raise NotFound(f"No person {user_id}.")
    # Seed 001: "Manager+ access only".
    if principal.access_level not in SUMMARY_LEVELS and not principal.can("manage", "performance"):
        raise Forbidden("The feedback summary is for managers, heads and executives.")
    rows = await store.responses(ctx.conn, principal.tenant_id, user_id, cycle_id)
    return summarize(rows, await store.minimum_responses(ctx.conn, principal.tenant_id))
