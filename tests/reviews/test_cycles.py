"""Review cycles (seed 001, CONTRACT §3.2): create, the draft/open/closed moves, executives-only
drafts, delete only in draft, and the review progress stats."""

from __future__ import annotations

import pytest

from tests.factories import create_application
from tests.reviews.support import BASE, make_cycle, make_review, put_review

# Seed 001, "Create a new review cycle" body.
SEED_CYCLE = {
    "type": "quarterly",
    "name": "Q1 2026 Review",
    "period_start": "2026-01-01",
    "period_end": "2026-03-31",
    "due_date": "2026-04-15",
}


async def test_create_cycle_replays_seed_body_and_starts_in_draft(api, org) -> None:  # type: ignore[no-untyped-def]
    response = await api.post(f"{BASE}/cycles", json=SEED_CYCLE, headers=org.headers("exec"))
    assert response.status_code == 201
    cycle = response.json()
    assert {k: cycle[k] for k in SEED_CYCLE} == SEED_CYCLE
    assert cycle["status"] == "draft" and cycle["id"].startswith("cyc_")
    assert response.headers["Location"] == f"{BASE}/cycles/{cycle['id']}"
    assert set(cycle) == {
        "id",
        "type",
        "name",
        "period_start",
        "period_end",
        "due_date",
        "status",
        "created_at",
        "updated_at",
    }


async def test_update_cycle_replays_seed_body_opening_it(api, org) -> None:  # type: ignore[no-untyped-def]
    cycle = await make_cycle(api, org, status="draft")
    # Seed 001, "Update cycle fields (name, dates, status)" body.
    response = await api.put(
        f"{BASE}/cycles/{cycle['id']}", json={"status": "open"}, headers=org.headers("exec")
    )
    assert response.status_code == 200 and response.json()["status"] == "open"


async def test_update_cycle_changes_name_and_dates(api, org) -> None:  # type: ignore[no-untyped-def]
    cycle = await make_cycle(api, org, status="draft")
    body = {"name": "Q1 2026 (extended)", "period_end": "2026-04-07", "due_date": None}
    response = await api.put(f"{BASE}/cycles/{cycle['id']}", json=body, headers=org.headers("head"))
    assert response.status_code == 200
    assert {k: response.json()[k] for k in body} == body
    assert response.json()["period_start"] == "2026-01-01"


@pytest.mark.parametrize(("start", "target"), [("draft", "open"), ("open", "closed"), ("closed", "open")])
async def test_allowed_cycle_moves_succeed(api, org, start, target) -> None:  # type: ignore[no-untyped-def]
    cycle = await make_cycle(api, org, status=start)
    response = await api.put(
        f"{BASE}/cycles/{cycle['id']}", json={"status": target}, headers=org.headers("exec")
    )
    assert response.status_code == 200 and response.json()["status"] == target


@pytest.mark.parametrize(("start", "target"), [("draft", "closed"), ("open", "draft"), ("closed", "draft")])
async def test_other_cycle_moves_are_400(api, org, start, target) -> None:  # type: ignore[no-untyped-def]
    cycle = await make_cycle(api, org, status=start)
    response = await api.put(
        f"{BASE}/cycles/{cycle['id']}", json={"status": target}, headers=org.headers("exec")
    )
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["type"].endswith("/invalid-transition")


async def test_resending_the_current_status_is_not_a_move(api, org) -> None:  # type: ignore[no-untyped-def]
    cycle = await make_cycle(api, org, status="open")
    response = await api.put(
        f"{BASE}/cycles/{cycle['id']}",
        json={"status": "open", "name": "Renamed"},
        headers=org.headers("exec"),
    )
    assert response.status_code == 200 and response.json()["name"] == "Renamed"


@pytest.mark.parametrize(
    "body",
    [
        {**SEED_CYCLE, "period_end": "2025-12-31"},
        {**SEED_CYCLE, "period_start": "2026-01-01T00:00:00Z"},
        {**SEED_CYCLE, "period_start": 20260101},
        {**SEED_CYCLE, "due_date": "15/04/2026"},
        {**SEED_CYCLE, "type": "monthly"},
        {**SEED_CYCLE, "name": "   "},
        {**SEED_CYCLE, "status": "open"},
        {k: v for k, v in SEED_CYCLE.items() if k != "period_end"},
    ],
)
async def test_invalid_cycle_bodies_are_422(api, org, body) -> None:  # type: ignore[no-untyped-def]
    response = await api.post(f"{BASE}/cycles", json=body, headers=org.headers("exec"))
    assert response.status_code == 422, response.text
    assert response.json()["errors"]


async def test_updating_period_end_before_start_is_422(api, org) -> None:  # type: ignore[no-untyped-def]
    cycle = await make_cycle(api, org, status="draft")
    response = await api.put(
        f"{BASE}/cycles/{cycle['id']}", json={"period_end": "2025-06-30"}, headers=org.headers("exec")
    )
    assert response.status_code == 422


async def test_non_executives_see_only_open_and_closed_cycles(api, org) -> None:  # type: ignore[no-untyped-def]
    cycles = {
        status: await make_cycle(api, org, status=status, name=status)
        for status in ("draft", "open", "closed")
    }
    for person in ("alice", "lead", "manager", "manager2"):
        listed = await api.get(f"{BASE}/cycles", headers=org.headers(person))
        assert {c["status"] for c in listed.json()} == {"open", "closed"}, person
        hidden = await api.get(f"{BASE}/cycles/{cycles['draft']['id']}", headers=org.headers(person))
        assert hidden.status_code == 404, person
    for person in ("exec", "head"):  # executives, and manage:performance
        listed = await api.get(f"{BASE}/cycles", headers=org.headers(person))
        assert {c["status"] for c in listed.json()} == {"draft", "open", "closed"}, person


async def test_cycle_writes_need_manage_performance(api, org) -> None:  # type: ignore[no-untyped-def]
    cycle = await make_cycle(api, org, status="open")
    assert (
        await api.post(f"{BASE}/cycles", json=SEED_CYCLE, headers=org.headers("manager"))
    ).status_code == 403
    update = await api.put(f"{BASE}/cycles/{cycle['id']}", json={"name": "x"}, headers=org.headers("lead"))
    assert update.status_code == 403
    draft = await make_cycle(api, org, status="draft")
    # a draft the caller cannot see is missing, not forbidden
    assert (
        await api.delete(f"{BASE}/cycles/{draft['id']}", headers=org.headers("manager"))
    ).status_code == 404
    assert (
        await api.delete(f"{BASE}/cycles/{cycle['id']}", headers=org.headers("manager"))
    ).status_code == 403


async def test_a_draft_cycle_can_be_deleted(api, org) -> None:  # type: ignore[no-untyped-def]
    cycle = await make_cycle(api, org, status="draft")
    assert (await api.delete(f"{BASE}/cycles/{cycle['id']}", headers=org.headers("head"))).status_code == 204
    assert (await api.get(f"{BASE}/cycles/{cycle['id']}", headers=org.headers("exec"))).status_code == 404


@pytest.mark.parametrize("status", ["open", "closed"])
async def test_deleting_a_cycle_not_in_draft_is_400(api, org, status) -> None:  # type: ignore[no-untyped-def]
    # Seed 001: "Delete a draft cycle. Returns 400 if cycle is not in draft status."
    cycle = await make_cycle(api, org, status=status)
    response = await api.delete(f"{BASE}/cycles/{cycle['id']}", headers=org.headers("exec"))
    assert response.status_code == 400
    assert (await api.get(f"{BASE}/cycles/{cycle['id']}", headers=org.headers("exec"))).status_code == 200


async def test_cycle_detail_counts_reviews_per_status(api, org) -> None:  # type: ignore[no-untyped-def]
    # Seed 001: "Get cycle detail with review progress stats (total, completed, draft, self_assessment,
    # in_review, ready_for_review)".
    cycle = await make_cycle(api, org)
    moves = {
        "alice": ["self_assessment"],
        "bob": ["in_review"],
        "lead": ["in_review", "ready_for_review"],
        "carol": ["in_review", "ready_for_review", "completed"],
        "manager2": [],
    }
    for person, steps in moves.items():
        detail = await make_review(api, org, cycle, person)
        for step in steps:
            assert (await put_review(api, org, detail["review"]["id"], {"status": step})).status_code == 200
    stats = (await api.get(f"{BASE}/cycles/{cycle['id']}", headers=org.headers("exec"))).json()["stats"]
    assert stats == {
        "total": 5,
        "completed": 1,
        "draft": 1,
        "self_assessment": 1,
        "in_review": 1,
        "ready_for_review": 1,
    }
    # counted over the reviews the caller sees: a squad lead sees its squad (and its own review)
    led = (await api.get(f"{BASE}/cycles/{cycle['id']}", headers=org.headers("lead"))).json()["stats"]
    assert led == {
        "total": 3,
        "completed": 0,
        "draft": 0,
        "self_assessment": 1,
        "in_review": 1,
        "ready_for_review": 1,
    }


async def test_cycle_stats_of_a_manager_count_their_tree_and_their_assigned_reviews_once(
    api, org, other_org
) -> None:  # type: ignore[no-untyped-def]
    # §1.4: a manager sees the reviews of their reporting tree, and those assigned to them to review.
    cycle = await make_cycle(api, org)
    reviewers = {"manager": "head", "lead": "manager", "alice": "lead", "bob": "lead", "carol": "manager"}
    for person, reviewer in {**reviewers, "manager2": "exec", "head": "exec"}.items():
        await make_review(api, org, cycle, person, reviewer=reviewer)
    elsewhere = await make_cycle(api, other_org)
    for person in ("lead", "alice"):  # another tenant's reviews of people in the same places
        await make_review(api, other_org, elsewhere, person)
    stats = (await api.get(f"{BASE}/cycles/{cycle['id']}", headers=org.headers("manager"))).json()["stats"]
    # manager, lead (also assigned: counted once), alice, bob; carol's only because it is assigned
    assert stats == {
        "total": 5,
        "completed": 0,
        "draft": 5,
        "self_assessment": 0,
        "in_review": 0,
        "ready_for_review": 0,
    }
    alone = (await api.get(f"{BASE}/cycles/{cycle['id']}", headers=org.headers("carol"))).json()["stats"]
    assert alone["total"] == 1


async def test_cycle_detail_is_the_same_for_an_application_and_an_executive(api, owner_db, org) -> None:  # type: ignore[no-untyped-def]
    cycle = await make_cycle(api, org)
    for person in ("alice", "bob", "carol"):
        await make_review(api, org, cycle, person)
    reader = await create_application(owner_db, org, ["view:performance"])
    path = f"{BASE}/cycles/{cycle['id']}"
    as_app = await api.get(path, headers=org.app_headers(reader, ["view:performance"]))
    as_exec = await api.get(path, headers=org.headers("exec"))
    assert as_app.status_code == 200 and as_app.json() == as_exec.json()
    assert as_app.json()["stats"]["total"] == 3


async def test_unknown_cycle_is_404(api, org) -> None:  # type: ignore[no-untyped-def]
    response = await api.get(f"{BASE}/cycles/cyc_01JD3ZZZZZZZZZZZZZZZZZZZZZ", headers=org.headers("exec"))
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_person_goals_may_reference_only_cycles_the_caller_sees(api, org) -> None:  # type: ignore[no-untyped-def]
    # CONTRACT §2.3: PersonGoal.review_cycle_id → review cycle (a visible record, else 422).
    open_cycle = await make_cycle(api, org, status="open")
    draft = await make_cycle(api, org, status="draft", name="Next")
    goals = "/api/v1/performance/goals"
    for cycle_id, status in (
        (open_cycle["id"], 201),
        (draft["id"], 422),
        ("cyc_01JD3ZZZZZZZZZZZZZZZZZZZZZ", 422),
    ):
        body = {"title": "Ship the API", "review_cycle_id": cycle_id}
        response = await api.post(goals, json=body, headers=org.headers("alice"))
        assert response.status_code == status, (cycle_id, response.text)
    body = {"title": "Plan next quarter", "review_cycle_id": draft["id"]}
    assert (await api.post(goals, json=body, headers=org.headers("exec"))).status_code == 201
