"""Reviews (seed 001, CONTRACT §3.3): create in open cycles, one per user per cycle, the detail shape,
updates of fields, ratings and goals, the status machine, the subject's limits, delete in draft."""

from __future__ import annotations

import itertools

import pytest

from tests.reviews.support import (
    BASE,
    complete_review,
    kpi_items,
    make_cycle,
    make_review,
    make_template,
    put_review,
)

STATUSES = ("draft", "self_assessment", "in_review", "ready_for_review", "completed")
# §3.3: forward one step, draft→in_review, in_review→self_assessment, ready_for_review→in_review,
# completed→in_review (manage:performance).
ALLOWED = {
    ("draft", "self_assessment"),
    ("self_assessment", "in_review"),
    ("in_review", "ready_for_review"),
    ("ready_for_review", "completed"),
    ("draft", "in_review"),
    ("in_review", "self_assessment"),
    ("ready_for_review", "in_review"),
    ("completed", "in_review"),
}
PATHS = {
    "draft": [],
    "self_assessment": ["self_assessment"],
    "in_review": ["in_review"],
    "ready_for_review": ["in_review", "ready_for_review"],
    "completed": ["in_review", "ready_for_review", "completed"],
}

# Seed 001, "Full review detail with KPI ratings and goals" response (the keys it shows).
SEED_DETAIL_KEYS = {"review", "kpi_ratings", "goals", "previous_reviews", "kpi_aggregation"}
SEED_REVIEW_KEYS = {
    "id",
    "status",
    "user_name",
    "reviewer_name",
    "cycle_name",
    "cycle_type",
    "kpi_pass_count",
    "kpi_total_count",
    "strengths",
    "growth_areas",
    "discussion_topics",
}
SEED_KPI_KEYS = {"id", "area", "label", "rating", "notes", "sort_order"}
SEED_GOAL_KEYS = {"id", "goal", "success_measures", "support_needed", "status", "sort_order"}


async def _walk(api, org, review_id: str, status: str, by: str = "exec") -> None:  # type: ignore[no-untyped-def]
    for step in PATHS[status]:
        response = await put_review(api, org, review_id, {"status": step}, by=by)
        assert response.status_code == 200, response.text


async def test_create_review_replays_seed_body(api, org) -> None:  # type: ignore[no-untyped-def]
    await make_template(api, org, kpi_items(2), is_default=True)
    cycle = await make_cycle(api, org)
    # Seed 001, "Create a review for a user in an open cycle" body.
    body = {"cycle_id": cycle["id"], "user_id": org.people["alice"], "reviewer_id": org.people["lead"]}
    response = await api.post(f"{BASE}/reviews", json=body, headers=org.headers("manager"))
    assert response.status_code == 201, response.text
    detail = response.json()
    assert set(detail) == SEED_DETAIL_KEYS
    review = detail["review"]
    assert SEED_REVIEW_KEYS <= set(review)
    assert review["id"].startswith("rev_") and review["status"] == "draft"
    assert (review["user_id"], review["reviewer_id"]) == (org.people["alice"], org.people["lead"])
    assert (review["user_name"], review["reviewer_name"], review["cycle_name"], review["cycle_type"]) == (
        "Alice",
        "Lead",
        "Q1 2026 Review",
        "quarterly",
    )
    assert (
        review["kpi_pass_count"] is None
        and review["kpi_total_count"] is None
        and review["kpi_passed"] is None
    )
    assert all(SEED_KPI_KEYS <= set(k) and k["rating"] is None for k in detail["kpi_ratings"])
    assert detail["goals"] == [] and detail["previous_reviews"] == [] and detail["kpi_aggregation"] is None
    assert response.headers["Location"] == f"{BASE}/reviews/{review['id']}"


async def test_reviewer_defaults_to_the_caller(api, org) -> None:  # type: ignore[no-untyped-def]
    # Seed 001: "reviewer_id defaults to the requesting user if omitted".
    detail = await make_review(api, org, await make_cycle(api, org), "bob", by="lead")
    assert detail["review"]["reviewer_id"] == org.people["lead"]


async def test_second_review_in_same_cycle_is_409(api, org) -> None:  # type: ignore[no-untyped-def]
    # Seed 001: "Returns 409 if a review already exists for the user in this cycle".
    cycle = await make_cycle(api, org)
    await make_review(api, org, cycle, "alice")
    body = {"cycle_id": cycle["id"], "user_id": org.people["alice"]}
    response = await api.post(f"{BASE}/reviews", json=body, headers=org.headers("head"))
    assert response.status_code == 409
    other_cycle = await make_cycle(api, org, name="Q2", period_start="2026-04-01", period_end="2026-06-30")
    await make_review(api, org, other_cycle, "alice")


@pytest.mark.parametrize("status", ["draft", "closed"])
async def test_review_in_a_cycle_that_is_not_open_is_400(api, org, status) -> None:  # type: ignore[no-untyped-def]
    cycle = await make_cycle(api, org, status=status)
    body = {"cycle_id": cycle["id"], "user_id": org.people["alice"]}
    response = await api.post(f"{BASE}/reviews", json=body, headers=org.headers("exec"))
    assert response.status_code == 400 and response.json()["type"].endswith("/cycle-not-open")


@pytest.mark.parametrize(
    ("by", "user", "reviewer", "status"),
    [
        ("alice", "alice", None, 403),  # employees lack update:performance
        ("lead", "carol", None, 404),  # carol is outside the lead's squad
        ("exec", "alice", "alice", 422),  # nobody reviews themself
        ("lead", "lead", None, 422),  # …not even by default
    ],
)
async def test_create_review_refusals(api, org, by, user, reviewer, status) -> None:  # type: ignore[no-untyped-def]
    cycle = await make_cycle(api, org)
    body = {"cycle_id": cycle["id"], "user_id": org.people[user]}
    if reviewer:
        body["reviewer_id"] = org.people[reviewer]
    assert (await api.post(f"{BASE}/reviews", json=body, headers=org.headers(by))).status_code == status


async def test_create_review_with_unknown_ids(api, org) -> None:  # type: ignore[no-untyped-def]
    cycle = await make_cycle(api, org)
    missing = "usr_01JD3ZZZZZZZZZZZZZZZZZZZZZ"
    cases = [
        ({"cycle_id": "cyc_01JD3ZZZZZZZZZZZZZZZZZZZZZ", "user_id": org.people["bob"]}, 404),
        ({"cycle_id": cycle["id"], "user_id": missing}, 404),
        ({"cycle_id": cycle["id"], "user_id": org.people["bob"], "reviewer_id": missing}, 422),
        ({"cycle_id": cycle["id"], "user_id": org.people["bob"], "extra": 1}, 422),
    ]
    for body, status in cases:
        assert (
            await api.post(f"{BASE}/reviews", json=body, headers=org.headers("exec"))
        ).status_code == status


async def test_update_review_replays_seed_body_and_completes(api, org) -> None:  # type: ignore[no-untyped-def]
    await make_template(
        api, org, [{"area": "performance", "label": "Billable hours target"}], is_default=True
    )
    detail = await make_review(api, org, await make_cycle(api, org), "alice", by="lead")
    review_id = detail["review"]["id"]
    await _walk(api, org, review_id, "ready_for_review", by="lead")
    # Seed 001, "Update review fields, KPI ratings, and goals" body (with this review's KPI id).
    body = {
        "status": "completed",
        "strengths": "Strong delivery...",
        "growth_areas": "Could improve...",
        "discussion_topics": "Career progression, training budget",
        "reviewer_notes": "Solid quarter.",
        "kpi_ratings": [{"id": detail["kpi_ratings"][0]["id"], "rating": "achieving", "notes": "Met target"}],
        "goals": [{"goal": "AI cert", "success_measures": "Done", "sort_order": 0}],
    }
    response = await put_review(api, org, review_id, body, by="lead")
    assert response.status_code == 200, response.text
    updated = response.json()
    review = updated["review"]
    assert review["status"] == "completed" and review["completed_at"] is not None
    assert (review["kpi_pass_count"], review["kpi_total_count"], review["kpi_passed"]) == (1, 1, True)
    assert {k: review[k] for k in ("strengths", "growth_areas", "discussion_topics", "reviewer_notes")} == {
        k: body[k] for k in ("strengths", "growth_areas", "discussion_topics", "reviewer_notes")
    }
    assert [(k["rating"], k["notes"]) for k in updated["kpi_ratings"]] == [("achieving", "Met target")]
    goal = updated["goals"][0]
    assert SEED_GOAL_KEYS <= set(goal)
    assert (goal["goal"], goal["success_measures"], goal["support_needed"], goal["status"]) == (
        "AI cert",
        "Done",
        None,
        None,
    )


async def test_ratings_update_by_id_and_only_the_keys_sent(api, org) -> None:  # type: ignore[no-untyped-def]
    await make_template(api, org, kpi_items(2), is_default=True)
    detail = await make_review(api, org, await make_cycle(api, org), "bob")
    first, second = (k["id"] for k in detail["kpi_ratings"])
    review_id = detail["review"]["id"]
    await put_review(
        api, org, review_id, {"kpi_ratings": [{"id": first, "rating": "developing", "notes": "n"}]}
    )
    response = await put_review(
        api,
        org,
        review_id,
        {"kpi_ratings": [{"id": first, "rating": "exceeding"}, {"id": second, "notes": "only notes"}]},
    )
    ratings = {k["id"]: (k["rating"], k["notes"]) for k in response.json()["kpi_ratings"]}
    assert ratings == {first: ("exceeding", "n"), second: (None, "only notes")}


async def test_rating_an_unknown_kpi_id_is_422(api, org) -> None:  # type: ignore[no-untyped-def]
    detail = await make_review(api, org, await make_cycle(api, org), "bob")
    body = {"kpi_ratings": [{"id": "kpi_01JD3ZZZZZZZZZZZZZZZZZZZZZ", "rating": "achieving"}]}
    response = await put_review(api, org, detail["review"]["id"], body)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "kpi_ratings.0.id"


@pytest.mark.parametrize("rating", ["great", 3, "ACHIEVING"])
async def test_a_rating_off_the_scale_is_422(api, org, rating) -> None:  # type: ignore[no-untyped-def]
    await make_template(api, org, kpi_items(1), is_default=True)
    detail = await make_review(api, org, await make_cycle(api, org), "bob")
    body = {"kpi_ratings": [{"id": detail["kpi_ratings"][0]["id"], "rating": rating}]}
    assert (await put_review(api, org, detail["review"]["id"], body)).status_code == 422


async def test_goals_replace_the_list_and_sent_ids_are_kept(api, org) -> None:  # type: ignore[no-untyped-def]
    detail = await make_review(api, org, await make_cycle(api, org), "bob")
    review_id = detail["review"]["id"]
    first = await put_review(api, org, review_id, {"goals": [{"goal": "A"}, {"goal": "B"}, {"goal": "C"}]})
    a, b, _ = first.json()["goals"]
    assert [g["sort_order"] for g in first.json()["goals"]] == [0, 1, 2]
    second = await put_review(
        api,
        org,
        review_id,
        {"goals": [{"id": b["id"], "goal": "B2", "sort_order": 0}, {"goal": "D", "sort_order": 1}]},
    )
    goals = second.json()["goals"]
    assert [(g["goal"], g["id"] == b["id"]) for g in goals] == [("B2", True), ("D", False)]
    assert a["id"] not in {g["id"] for g in goals}


async def test_a_goal_id_of_another_review_is_422(api, org) -> None:  # type: ignore[no-untyped-def]
    cycle = await make_cycle(api, org)
    mine = await make_review(api, org, cycle, "bob")
    theirs = await make_review(api, org, cycle, "alice")
    goal = (await put_review(api, org, theirs["review"]["id"], {"goals": [{"goal": "Theirs"}]})).json()[
        "goals"
    ][0]
    response = await put_review(
        api, org, mine["review"]["id"], {"goals": [{"id": goal["id"], "goal": "Mine now"}]}
    )
    assert response.status_code == 422
    still = (await api.get(f"{BASE}/reviews/{theirs['review']['id']}", headers=org.headers("exec"))).json()
    assert still["goals"][0]["goal"] == "Theirs"


@pytest.mark.parametrize(("start", "target"), [p for p in itertools.permutations(STATUSES, 2)])
async def test_review_status_machine(api, org, start, target) -> None:  # type: ignore[no-untyped-def]
    detail = await make_review(api, org, await make_cycle(api, org), "alice")
    review_id = detail["review"]["id"]
    await _walk(api, org, review_id, start)
    response = await put_review(api, org, review_id, {"status": target})
    expected = 200 if (start, target) in ALLOWED else 400
    assert response.status_code == expected, response.text
    current = (await api.get(f"{BASE}/reviews/{review_id}", headers=org.headers("exec"))).json()["review"]
    assert current["status"] == (target if expected == 200 else start)


async def test_reopening_a_completed_review_needs_manage_performance(api, org) -> None:  # type: ignore[no-untyped-def]
    await make_template(api, org, kpi_items(1), is_default=True)
    detail = await make_review(api, org, await make_cycle(api, org), "alice", by="lead")
    completed = await complete_review(api, org, detail, ["achieving"], by="lead")
    review_id = completed["review"]["id"]
    assert (await put_review(api, org, review_id, {"status": "in_review"}, by="lead")).status_code == 403
    reopened = await put_review(api, org, review_id, {"status": "in_review"}, by="head")
    assert reopened.status_code == 200
    review = reopened.json()["review"]
    assert (
        review["kpi_pass_count"],
        review["kpi_total_count"],
        review["kpi_passed"],
        review["completed_at"],
    ) == (None, None, None, None)


async def test_a_completed_review_is_read_only(api, org) -> None:  # type: ignore[no-untyped-def]
    detail = await make_review(api, org, await make_cycle(api, org), "alice")
    completed = await complete_review(api, org, detail, [])
    response = await put_review(api, org, completed["review"]["id"], {"reviewer_notes": "late edit"})
    assert response.status_code == 400


async def test_subject_may_edit_goals_and_hand_in_during_self_assessment(api, org) -> None:  # type: ignore[no-untyped-def]
    await make_template(api, org, kpi_items(1), is_default=True)
    detail = await make_review(api, org, await make_cycle(api, org), "alice", by="lead")
    review_id = detail["review"]["id"]
    await _walk(api, org, review_id, "self_assessment", by="lead")
    goals = await put_review(
        api,
        org,
        review_id,
        {"goals": [{"goal": "Learn Rust"}], "discussion_topics": "Training budget"},
        by="alice",
    )
    assert goals.status_code == 200 and goals.json()["goals"][0]["goal"] == "Learn Rust"
    handed_in = await put_review(api, org, review_id, {"status": "in_review"}, by="alice")
    assert handed_in.status_code == 200 and handed_in.json()["review"]["status"] == "in_review"


@pytest.mark.parametrize(
    ("status", "body"),
    [
        ("self_assessment", {"kpi_ratings": "RATE"}),
        ("self_assessment", {"status": "draft"}),
        ("self_assessment", {"strengths": "I am great"}),
        ("in_review", {"status": "ready_for_review"}),
        ("in_review", {"goals": [{"goal": "Edited after hand-in"}]}),
        ("draft", {"status": "self_assessment"}),
    ],
)
async def test_subject_cannot_rate_or_move_their_own_review(api, org, status, body) -> None:  # type: ignore[no-untyped-def]
    await make_template(api, org, kpi_items(1), is_default=True)
    detail = await make_review(api, org, await make_cycle(api, org), "alice", by="lead")
    review_id = detail["review"]["id"]
    await _walk(api, org, review_id, status, by="lead")
    if body.get("kpi_ratings") == "RATE":
        body = {"kpi_ratings": [{"id": detail["kpi_ratings"][0]["id"], "rating": "exceeding"}]}
    assert (await put_review(api, org, review_id, body, by="alice")).status_code == 403


async def test_a_lead_cannot_complete_their_own_review(api, org) -> None:  # type: ignore[no-untyped-def]
    await make_template(api, org, kpi_items(1), is_default=True)
    detail = await make_review(api, org, await make_cycle(api, org), "lead", by="manager")
    review_id = detail["review"]["id"]
    await _walk(api, org, review_id, "ready_for_review", by="manager")
    rate = {"kpi_ratings": [{"id": detail["kpi_ratings"][0]["id"], "rating": "exceeding"}]}
    assert (await put_review(api, org, review_id, rate, by="lead")).status_code == 403
    assert (await put_review(api, org, review_id, {"status": "completed"}, by="lead")).status_code == 403


async def test_employees_without_update_permission_cannot_edit_others_reviews(api, org) -> None:  # type: ignore[no-untyped-def]
    detail = await make_review(api, org, await make_cycle(api, org), "alice", reviewer="bob")
    # bob sees the review as its reviewer, but holds view:performance only
    assert (
        await api.get(f"{BASE}/reviews/{detail['review']['id']}", headers=org.headers("bob"))
    ).status_code == 200
    assert (
        await put_review(api, org, detail["review"]["id"], {"strengths": "x"}, by="bob")
    ).status_code == 403


async def test_a_draft_review_can_be_deleted(api, org) -> None:  # type: ignore[no-untyped-def]
    detail = await make_review(api, org, await make_cycle(api, org), "alice")
    review_id = detail["review"]["id"]
    assert (
        await api.delete(f"{BASE}/reviews/{review_id}", headers=org.headers("manager"))
    ).status_code == 403
    assert (await api.delete(f"{BASE}/reviews/{review_id}", headers=org.headers("head"))).status_code == 204
    assert (await api.get(f"{BASE}/reviews/{review_id}", headers=org.headers("exec"))).status_code == 404


@pytest.mark.parametrize("status", ["self_assessment", "in_review", "completed"])
async def test_deleting_a_review_not_in_draft_is_400(api, org, status) -> None:  # type: ignore[no-untyped-def]
    detail = await make_review(api, org, await make_cycle(api, org), "alice")
    await _walk(api, org, detail["review"]["id"], status)
    assert (
        await api.delete(f"{BASE}/reviews/{detail['review']['id']}", headers=org.headers("exec"))
    ).status_code == 400


async def test_list_reviews_filters_by_cycle_and_status(api, org) -> None:  # type: ignore[no-untyped-def]
    q1 = await make_cycle(api, org)
    q2 = await make_cycle(api, org, name="Q2", period_start="2026-04-01", period_end="2026-06-30")
    a1 = await make_review(api, org, q1, "alice")
    await make_review(api, org, q1, "bob")
    a2 = await make_review(api, org, q2, "alice")
    await _walk(api, org, a2["review"]["id"], "in_review")
    by_cycle = (
        await api.get(f"{BASE}/reviews", params={"cycle_id": q1["id"]}, headers=org.headers("exec"))
    ).json()
    assert {r["user_name"] for r in by_cycle} == {"Alice", "Bob"}
    assert all(r["cycle_name"] == "Q1 2026 Review" and r["reviewer_name"] == "Exec" for r in by_cycle)
    by_status = await api.get(f"{BASE}/reviews", params={"status": "in_review"}, headers=org.headers("exec"))
    assert [r["id"] for r in by_status.json()] == [a2["review"]["id"]]
    both = await api.get(
        f"{BASE}/reviews", params={"status": "draft", "cycle_id": q1["id"]}, headers=org.headers("exec")
    )
    assert a1["review"]["id"] in {r["id"] for r in both.json()} and len(both.json()) == 2
    bad = await api.get(f"{BASE}/reviews", params={"status": "finished"}, headers=org.headers("exec"))
    assert bad.status_code == 400
    unknown = await api.get(f"{BASE}/reviews", params={"sort": "name"}, headers=org.headers("exec"))
    assert unknown.status_code == 400
