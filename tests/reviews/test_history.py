"""Previous reviews, annual KPI aggregation, previous-goal outcomes, history, current goals and
pending counts — each in the shape seed 001 shows."""

from __future__ import annotations

from tests.factories import create_application
from tests.reviews.support import (
    BASE,
    complete_review,
    kpi_items,
    make_cycle,
    make_review,
    make_template,
    put_review,
)

A, E, D = "achieving", "exceeding", "developing"
QUARTERS = [
    ("Q1 2026", "2026-01-01", "2026-03-31"),
    ("Q2 2026", "2026-04-01", "2026-06-30"),
    ("Q3 2026", "2026-07-01", "2026-09-30"),
    ("Q4 2026", "2026-10-01", "2026-12-31"),
]


async def _completed(api, org, name, start, end, ratings, *, goals=None, user="alice", **fields):  # type: ignore[no-untyped-def]
    cycle = await make_cycle(api, org, name=name, period_start=start, period_end=end)
    detail = await make_review(api, org, cycle, user, by="lead")
    if goals:
        await put_review(api, org, detail["review"]["id"], {"goals": [{"goal": g} for g in goals]}, by="lead")
    return await complete_review(api, org, detail, ratings, by="lead", **fields)


async def test_a_quarterly_review_shows_the_latest_completed_review_before_it(api, org) -> None:  # type: ignore[no-untyped-def]
    await make_template(api, org, kpi_items(1), is_default=True)
    await _completed(api, org, "Q3 2025 Review", "2025-07-01", "2025-09-30", [D])
    q4 = await _completed(
        api,
        org,
        "Q4 2025 Review",
        "2025-10-01",
        "2025-12-31",
        [A],
        goals=["Learn React"],
        reviewer_notes="Strong quarter.",
        action_items="Continue AI focus.",
    )
    current = await make_review(api, org, await make_cycle(api, org), "alice", by="lead")
    previous = current["previous_reviews"]
    # Seed 001: previous_reviews items {review:{id, cycle_name, reviewer_notes, action_items},
    # kpi_ratings:[{template_item_id, rating}], goals:[{id, goal, status}]}.
    assert previous == [
        {
            "review": {
                "id": q4["review"]["id"],
                "cycle_name": "Q4 2025 Review",
                "reviewer_notes": "Strong quarter.",
                "action_items": "Continue AI focus.",
            },
            "kpi_ratings": [
                {"template_item_id": q4["kpi_ratings"][0]["template_item_id"], "rating": "achieving"}
            ],
            "goals": [{"id": q4["goals"][0]["id"], "goal": "Learn React", "status": None}],
        }
    ]
    assert current["kpi_aggregation"] is None


async def test_an_annual_review_aggregates_the_quarters_of_its_year(api, org) -> None:  # type: ignore[no-untyped-def]
    template = await make_template(api, org, kpi_items(2), is_default=True)
    first, second = (i["id"] for i in template["items"])
    ratings = [[A, A], [A, E], [E, E], [A, D]]
    for (name, start, end), pair in zip(QUARTERS, ratings, strict=True):
        await _completed(api, org, name, start, end, pair)
    await _completed(api, org, "Q4 2025", "2025-10-01", "2025-12-31", [D, D])  # outside the year
    annual = await make_cycle(
        api, org, type="annual", name="2026 Annual", period_start="2026-01-01", period_end="2026-12-31"
    )
    detail = await make_review(api, org, annual, "alice", by="lead")
    assert [p["review"]["cycle_name"] for p in detail["previous_reviews"]] == [q[0] for q in QUARTERS]
    # Seed 001: {"tpl-item-1": {"ratings": {"achieving": 3, "exceeding": 1}, "most_common": "achieving"}}
    assert detail["kpi_aggregation"] == {
        first: {"ratings": {"achieving": 3, "exceeding": 1}, "most_common": "achieving"},
        second: {"ratings": {"developing": 1, "achieving": 1, "exceeding": 2}, "most_common": "exceeding"},
    }


async def test_review_detail_reads_the_same_for_a_person_an_application_and_a_write(
    api, owner_db, org
) -> None:  # type: ignore[no-untyped-def]
    # A person's GET reads on the read pool; an application's, and a write's answer, on the engine.
    await make_template(api, org, kpi_items(2), is_default=True)
    for (name, start, end), pair in zip(QUARTERS[:2], [[A, E], [D, A]], strict=True):
        await _completed(api, org, name, start, end, pair, goals=["Ship it"])
    annual = await make_cycle(
        api, org, type="annual", name="2026 Annual", period_start="2026-01-01", period_end="2026-12-31"
    )
    created = await make_review(api, org, annual, "alice", by="lead")
    review_id = created["review"]["id"]
    written = await put_review(api, org, review_id, {"goals": [{"goal": "Grow"}], "strengths": "Kind"})
    assert written.status_code == 200
    reader = await create_application(owner_db, org, ["view:performance"])
    as_person = await api.get(f"{BASE}/reviews/{review_id}", headers=org.headers("lead"))
    as_app = await api.get(
        f"{BASE}/reviews/{review_id}", headers=org.app_headers(reader, ["view:performance"])
    )
    assert as_person.json() == as_app.json() == written.json()
    assert len(as_person.json()["previous_reviews"]) == 2 and as_person.json()["kpi_aggregation"]
    assert [g["goal"] for g in as_person.json()["goals"]] == ["Grow"]


async def test_ties_in_the_annual_aggregation_go_to_the_higher_rating(api, org) -> None:  # type: ignore[no-untyped-def]
    template = await make_template(api, org, kpi_items(1), is_default=True)
    for (name, start, end), rating in zip(QUARTERS[:2], [A, E], strict=True):
        await _completed(api, org, name, start, end, [rating])
    annual = await make_cycle(
        api, org, type="annual", name="2026", period_start="2026-01-01", period_end="2026-12-31"
    )
    detail = await make_review(api, org, annual, "alice", by="lead")
    assert detail["kpi_aggregation"][template["items"][0]["id"]]["most_common"] == "exceeding"


async def test_previous_goals_replays_seed_body(api, org) -> None:  # type: ignore[no-untyped-def]
    q4 = await _completed(
        api, org, "Q4 2025 Review", "2025-10-01", "2025-12-31", [], goals=["Learn React", "Ship it"]
    )
    current = await make_review(api, org, await make_cycle(api, org), "alice", by="lead")
    old, old2 = (g["id"] for g in q4["goals"])
    # Seed 001, "PUT /api/performance/reviews/:id/previous-goals" body (with real goal ids).
    body = {
        "outcomes": [{"goal_id": old, "status": "completed"}, {"goal_id": old2, "status": "not_completed"}]
    }
    response = await api.put(
        f"{BASE}/reviews/{current['review']['id']}/previous-goals", json=body, headers=org.headers("lead")
    )
    assert response.status_code == 200, response.text
    assert [(g["id"], g["status"]) for g in response.json()["goals"]] == [
        (old, "completed"),
        (old2, "not_completed"),
    ]
    detail = (await api.get(f"{BASE}/reviews/{current['review']['id']}", headers=org.headers("lead"))).json()
    assert [g["status"] for g in detail["previous_reviews"][0]["goals"]] == ["completed", "not_completed"]


async def test_previous_goals_must_belong_to_an_earlier_completed_review_of_the_user(api, org) -> None:  # type: ignore[no-untyped-def]
    bobs = await _completed(
        api, org, "Q4 2025 Review", "2025-10-01", "2025-12-31", [], goals=["Bob's"], user="bob"
    )
    earlier = await make_cycle(api, org, name="Q3 2025", period_start="2025-07-01", period_end="2025-09-30")
    unfinished = await make_review(api, org, earlier, "alice", by="lead")  # earlier, but not completed
    pending_goal = (
        await put_review(api, org, unfinished["review"]["id"], {"goals": [{"goal": "Open"}]}, by="lead")
    ).json()["goals"][0]["id"]
    current = await make_review(api, org, await make_cycle(api, org), "alice", by="lead")
    own = (
        await put_review(api, org, current["review"]["id"], {"goals": [{"goal": "Now"}]}, by="lead")
    ).json()
    path = f"{BASE}/reviews/{current['review']['id']}/previous-goals"
    for goal_id in (
        bobs["goals"][0]["id"],
        own["goals"][0]["id"],
        pending_goal,
        "gol_01JD3ZZZZZZZZZZZZZZZZZZZZZ",
    ):
        body = {"outcomes": [{"goal_id": goal_id, "status": "completed"}]}
        assert (await api.put(path, json=body, headers=org.headers("lead"))).status_code == 422
    bad_status = {"outcomes": [{"goal_id": bobs["goals"][0]["id"], "status": "done"}]}
    assert (await api.put(path, json=bad_status, headers=org.headers("lead"))).status_code == 422
    employee = {"outcomes": []}
    assert (await api.put(path, json=employee, headers=org.headers("alice"))).status_code == 403


async def test_the_subject_cannot_mark_their_own_previous_goals(api, org) -> None:  # type: ignore[no-untyped-def]
    """§3.3: "the review's subject may not set outcomes of their own goals (403)" — even a subject who
    holds update:performance (a lead, reviewed by their manager)."""
    cycle = await make_cycle(api, org, name="Q4 2025", period_start="2025-10-01", period_end="2025-12-31")
    detail = await make_review(api, org, cycle, "lead", by="manager")
    await put_review(api, org, detail["review"]["id"], {"goals": [{"goal": "Hire two"}]}, by="manager")
    done = await complete_review(api, org, detail, [], by="manager")
    current = await make_review(api, org, await make_cycle(api, org), "lead", by="manager")
    path = f"{BASE}/reviews/{current['review']['id']}/previous-goals"
    body = {"outcomes": [{"goal_id": done["goals"][0]["id"], "status": "completed"}]}
    refused = await api.put(path, json=body, headers=org.headers("lead"))
    assert refused.status_code == 403, refused.text
    detail = (
        await api.get(f"{BASE}/reviews/{current['review']['id']}", headers=org.headers("manager"))
    ).json()
    assert detail["previous_reviews"][0]["goals"][0]["status"] is None
    assert (await api.put(path, json=body, headers=org.headers("manager"))).status_code == 200


async def test_history_replays_seed_shape_oldest_first(api, org) -> None:  # type: ignore[no-untyped-def]
    await make_template(api, org, kpi_items(4), is_default=True)
    q2 = await _completed(
        api, org, "Q2 2026", "2026-04-01", "2026-06-30", [D, D, A, A], goals=["a", "b", "c"]
    )
    q1 = await _completed(api, org, "Q1 2026", "2026-01-01", "2026-03-31", [A, A, A, D])
    later = await make_review(
        api,
        org,
        await make_cycle(api, org, name="Q3", period_start="2026-07-01", period_end="2026-09-30"),
        "alice",
        by="lead",
    )
    outcomes = {
        "outcomes": [
            {"goal_id": q2["goals"][0]["id"], "status": "completed"},
            {"goal_id": q2["goals"][1]["id"], "status": "completed"},
            {"goal_id": q2["goals"][2]["id"], "status": "not_completed"},
        ]
    }
    await api.put(
        f"{BASE}/reviews/{later['review']['id']}/previous-goals", json=outcomes, headers=org.headers("lead")
    )
    response = await api.get(f"{BASE}/reviews/history/{org.people['alice']}", headers=org.headers("alice"))
    assert response.status_code == 200
    history = response.json()["history"]
    # Seed 001, "GET /api/performance/reviews/history/:userId" response keys.
    assert all(
        set(h)
        == {
            "review_id",
            "cycle_id",
            "cycle_name",
            "cycle_type",
            "period_start",
            "period_end",
            "completed_at",
            "kpi_pass_count",
            "kpi_total_count",
            "kpi_passed",
            "goal_count",
            "goals_completed",
            "goals_not_completed",
        }
        for h in history
    )
    assert [h["review_id"] for h in history] == [q1["review"]["id"], q2["review"]["id"]]
    assert history[0] | {"completed_at": None} == {
        "review_id": q1["review"]["id"],
        "cycle_id": q1["review"]["cycle_id"],
        "cycle_name": "Q1 2026",
        "cycle_type": "quarterly",
        "period_start": "2026-01-01",
        "period_end": "2026-03-31",
        "completed_at": None,
        "kpi_pass_count": 3,
        "kpi_total_count": 4,
        "kpi_passed": 1,
        "goal_count": 0,
        "goals_completed": 0,
        "goals_not_completed": 0,
    }
    assert len(history[0]["completed_at"]) == 10  # a date, as the seed shows "2026-04-01"
    assert {
        k: history[1][k]
        for k in ("kpi_pass_count", "kpi_passed", "goal_count", "goals_completed", "goals_not_completed")
    } == {
        "kpi_pass_count": 2,
        "kpi_passed": 0,
        "goal_count": 3,
        "goals_completed": 2,
        "goals_not_completed": 1,
    }


async def test_current_goals_come_from_the_latest_completed_review(api, org) -> None:  # type: ignore[no-untyped-def]
    none = await api.get(f"{BASE}/goals/current", headers=org.headers("alice"))
    # Seed 001: 'Returns { "goals": [], "cycle_name": "" } if the user has no completed reviews.'
    assert none.status_code == 200 and none.json() == {"goals": [], "cycle_name": ""}
    await _completed(api, org, "Q3 2025 Review", "2025-07-01", "2025-09-30", [], goals=["Old"])
    q4 = await _completed(
        api, org, "Q4 2025 Review", "2025-10-01", "2025-12-31", [], goals=["Complete AI certification"]
    )
    await make_review(api, org, await make_cycle(api, org), "alice", by="lead")  # open, not completed
    current = (await api.get(f"{BASE}/goals/current", headers=org.headers("alice"))).json()
    goal = q4["goals"][0]
    assert current == {
        "cycle_name": "Q4 2025 Review",
        "goals": [
            {
                "id": goal["id"],
                "review_id": q4["review"]["id"],
                "goal": "Complete AI certification",
                "success_measures": None,
                "support_needed": None,
                "status": None,
                "sort_order": 0,
            }
        ],
    }


async def test_pending_counts_the_callers_actions(api, org) -> None:  # type: ignore[no-untyped-def]
    cycle = await make_cycle(api, org)
    await make_cycle(api, org, status="closed", name="Old")
    alice = await make_review(api, org, cycle, "alice", by="lead")
    await make_review(api, org, cycle, "bob", by="lead")
    await put_review(api, org, alice["review"]["id"], {"status": "self_assessment"}, by="lead")
    for reviewer in ("lead", "carol", "bob"):
        await api.post(
            f"{BASE}/feedback/requests",
            json={
                "cycle_id": cycle["id"],
                "subject_id": org.people["alice"],
                "reviewer_id": org.people[reviewer],
            },
            headers=org.headers("exec"),
        )
    lead = (await api.get(f"{BASE}/pending", headers=org.headers("lead"))).json()
    # Seed 001, "Pending action items for the current user" response keys.
    assert lead == {"pending_reviews": 2, "self_assessments": 0, "pending_feedback": 1, "open_cycles": 1}
    assert (await api.get(f"{BASE}/pending", headers=org.headers("alice"))).json() == {
        "pending_reviews": 0,
        "self_assessments": 1,
        "pending_feedback": 0,
        "open_cycles": 1,
    }
    await api.put(f"{BASE}/cycles/{cycle['id']}", json={"status": "closed"}, headers=org.headers("exec"))
    closed = (await api.get(f"{BASE}/pending", headers=org.headers("lead"))).json()
    assert closed["pending_reviews"] == 0 and closed["open_cycles"] == 0
