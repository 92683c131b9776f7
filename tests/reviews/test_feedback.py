"""360 feedback (seed 001, CONTRACT §3.4): requests, peer selection per access level, submission by
the assigned reviewer once, and the anonymized summary — anonymous by construction."""

from __future__ import annotations

import json
import uuid

import pytest

from stride_server.core.ids import new_id
from tests.factories import in_tenant
from tests.reviews.support import BASE, make_cycle, set_cycle_status, set_min_responses

AREAS = ("organisation", "performance", "communication", "development", "automation")
# Seed 001, "Submit feedback for a pending request" body (request_id filled in per test).
SEED_SUBMIT = {
    "organisation_rating": "achieving",
    "organisation_comment": "Good time management",
    "performance_rating": "exceeding",
    "performance_comment": "Consistently exceeds targets",
    "communication_rating": "achieving",
    "development_rating": "achieving",
    "automation_rating": "achieving",
    "automation_comment": "Great AI adoption",
    "overall_comment": "Strong contributor",
}


async def _request(api, org, cycle, subject, reviewer, by="exec"):  # type: ignore[no-untyped-def]
    body = {
        "cycle_id": cycle["id"],
        "subject_id": org.people[subject],
        "reviewer_id": org.people[reviewer],
        "due_date": "2026-04-01",
    }
    return await api.post(f"{BASE}/feedback/requests", json=body, headers=org.headers(by))


async def _submit(api, org, request_id, reviewer, **answers):  # type: ignore[no-untyped-def]
    return await api.post(
        f"{BASE}/feedback/submit", json={"request_id": request_id, **answers}, headers=org.headers(reviewer)
    )


async def _add_person(owner_db, org, name, level, manager, groups=()):  # type: ignore[no-untyped-def]
    org.people[name] = new_id("usr")
    statements = [
        (
            "INSERT INTO people (tenant_id, id, name, email, access_level, manager_id) "
            "VALUES ($1,$2,$3,$4,$5,$6)",
            (
                org.tenant_id,
                org.people[name],
                name.title(),
                f"{name}@{org.tenant_id}.test",
                level,
                org.people[manager] if manager else None,
            ),
        )
    ]
    statements += [
        (
            "INSERT INTO group_members (tenant_id, group_id, person_id) VALUES ($1,$2,$3)",
            (org.tenant_id, org.groups[group], org.people[name]),
        )
        for group in groups
    ]
    await in_tenant(owner_db, org.tenant_id, statements)


# ---------------------------------------------------------------------------------------- requests
async def test_create_request_replays_seed_body(api, org) -> None:  # type: ignore[no-untyped-def]
    cycle = await make_cycle(api, org)
    response = await _request(api, org, cycle, "alice", "bob", by="lead")
    assert response.status_code == 201, response.text
    request = response.json()
    assert request["id"].startswith("fbq_") and request["status"] == "pending"
    assert (request["cycle_name"], request["subject_name"], request["due_date"]) == (
        "Q1 2026 Review",
        "Alice",
        "2026-04-01",
    )
    listed = (await api.get(f"{BASE}/feedback/requests", headers=org.headers("bob"))).json()
    assert [
        {
            k: r[k]
            for k in (
                "id",
                "cycle_id",
                "cycle_name",
                "subject_id",
                "subject_name",
                "due_date",
                "status",
                "created_at",
            )
        }
        for r in listed
    ] == [
        {
            k: request[k]
            for k in (
                "id",
                "cycle_id",
                "cycle_name",
                "subject_id",
                "subject_name",
                "due_date",
                "status",
                "created_at",
            )
        }
    ]
    assert (await api.get(f"{BASE}/feedback/requests", headers=org.headers("alice"))).json() == []


async def test_feedback_on_oneself_is_422(api, org) -> None:  # type: ignore[no-untyped-def]
    assert (await _request(api, org, await make_cycle(api, org), "alice", "alice")).status_code == 422


async def test_a_duplicate_request_is_409(api, org) -> None:  # type: ignore[no-untyped-def]
    cycle = await make_cycle(api, org)
    assert (await _request(api, org, cycle, "alice", "bob")).status_code == 201
    assert (await _request(api, org, cycle, "alice", "bob")).status_code == 409


@pytest.mark.parametrize("status", ["draft", "closed"])
async def test_a_request_needs_an_open_cycle(api, org, status) -> None:  # type: ignore[no-untyped-def]
    assert (
        await _request(api, org, await make_cycle(api, org, status=status), "alice", "bob")
    ).status_code == 400


@pytest.mark.parametrize(("by", "subject", "status"), [("alice", "bob", 403), ("lead", "carol", 404)])
async def test_request_refusals(api, org, by, subject, status) -> None:  # type: ignore[no-untyped-def]
    assert (
        await _request(api, org, await make_cycle(api, org), subject, "manager", by=by)
    ).status_code == status


async def test_a_reviewer_who_is_not_an_active_person_is_422(api, owner_db, org) -> None:  # type: ignore[no-untyped-def]
    cycle = await make_cycle(api, org)
    await in_tenant(
        owner_db,
        org.tenant_id,
        [("UPDATE people SET status = 'inactive' WHERE id = $1", (org.people["bob"],))],
    )
    assert (await _request(api, org, cycle, "alice", "bob")).status_code == 422


# ------------------------------------------------------------------------------------------- bulk
async def test_bulk_replays_seed_body_and_is_idempotent(api, org) -> None:  # type: ignore[no-untyped-def]
    cycle = await make_cycle(api, org)
    # Seed 001, "Auto-select peers" body.
    body = {"cycle_id": cycle["id"], "subject_id": org.people["alice"], "due_date": "2026-04-01"}
    first = await api.post(f"{BASE}/feedback/requests/bulk", json=body, headers=org.headers("lead"))
    assert first.status_code == 200 and first.json() == {"created": 2, "total_peers": 2}
    again = await api.post(f"{BASE}/feedback/requests/bulk", json=body, headers=org.headers("lead"))
    assert again.json() == {"created": 0, "total_peers": 2}


async def test_bulk_skips_existing_requests(api, org) -> None:  # type: ignore[no-untyped-def]
    cycle = await make_cycle(api, org)
    await _request(api, org, cycle, "alice", "bob")
    body = {"cycle_id": cycle["id"], "subject_id": org.people["alice"]}
    response = await api.post(f"{BASE}/feedback/requests/bulk", json=body, headers=org.headers("exec"))
    assert response.json() == {"created": 1, "total_peers": 2}


@pytest.mark.parametrize(
    ("subject", "peers"),
    [
        ("alice", {"lead", "bob"}),  # employee: the other members of the squad
        ("lead", {"alice", "bob"}),  # lead: squad peers too
        ("carol", set()),  # alone in squad Beta
        ("manager", {"manager2", "lead"}),  # no other manager in Engineering → all managers; + direct reports
        ("manager2", {"manager", "carol"}),
        ("head", {"manager"}),  # other heads (none) + direct reports who are managers
        ("exec", {"head", "manager2"}),  # heads + direct manager reports (head is a head, not a manager)
    ],
)
async def test_bulk_selects_peers_by_access_level(api, org, subject, peers) -> None:  # type: ignore[no-untyped-def]
    cycle = await make_cycle(api, org)
    body = {"cycle_id": cycle["id"], "subject_id": org.people[subject]}
    response = await api.post(f"{BASE}/feedback/requests/bulk", json=body, headers=org.headers("exec"))
    assert response.json() == {"created": len(peers), "total_peers": len(peers)}
    for name in org.people:
        listed = (await api.get(f"{BASE}/feedback/requests", headers=org.headers(name))).json()
        assert bool(listed) == (name in peers), name


async def test_department_managers_are_preferred_and_inactive_people_skipped(api, owner_db, org) -> None:  # type: ignore[no-untyped-def]
    await _add_person(owner_db, org, "manager3", "manager", "head", groups=("Engineering",))
    await _add_person(owner_db, org, "head2", "head", "exec")
    await _add_person(owner_db, org, "dave", "employee", "lead", groups=("Alpha",))
    await in_tenant(
        owner_db,
        org.tenant_id,
        [("UPDATE people SET status = 'inactive' WHERE id = $1", (org.people["dave"],))],
    )
    cycle = await make_cycle(api, org)
    expected = {
        "manager": {"manager3", "lead"},
        "head": {"head2", "manager", "manager3"},
        "alice": {"lead", "bob"},
        "exec": {"head", "head2", "manager2"},
    }
    for subject, peers in expected.items():
        body = {"cycle_id": cycle["id"], "subject_id": org.people[subject]}
        response = await api.post(f"{BASE}/feedback/requests/bulk", json=body, headers=org.headers("exec"))
        assert response.json()["total_peers"] == len(peers), subject
    for name in ("manager3", "head2"):
        subjects = {
            r["subject_name"]
            for r in (await api.get(f"{BASE}/feedback/requests", headers=org.headers(name))).json()
        }
        assert subjects == {s.title() for s, p in expected.items() if name in p}, name


async def test_bulk_needs_update_permission_and_a_visible_subject(api, org) -> None:  # type: ignore[no-untyped-def]
    cycle = await make_cycle(api, org)
    body = {"cycle_id": cycle["id"], "subject_id": org.people["carol"]}
    assert (
        await api.post(f"{BASE}/feedback/requests/bulk", json=body, headers=org.headers("bob"))
    ).status_code == 403
    assert (
        await api.post(f"{BASE}/feedback/requests/bulk", json=body, headers=org.headers("lead"))
    ).status_code == 404


# ----------------------------------------------------------------------------------------- submit
async def test_submit_replays_seed_body_once(api, org) -> None:  # type: ignore[no-untyped-def]
    request = (await _request(api, org, await make_cycle(api, org), "alice", "bob")).json()
    response = await _submit(api, org, request["id"], "bob", **SEED_SUBMIT)
    assert response.status_code == 201 and response.json() == {
        "request_id": request["id"],
        "status": "submitted",
    }
    assert (await api.get(f"{BASE}/feedback/requests", headers=org.headers("bob"))).json() == []
    assert (await _submit(api, org, request["id"], "bob", **SEED_SUBMIT)).status_code == 409


@pytest.mark.parametrize("caller", ["alice", "lead", "exec"])
async def test_only_the_assigned_reviewer_submits(api, org, caller) -> None:  # type: ignore[no-untyped-def]
    request = (await _request(api, org, await make_cycle(api, org), "alice", "bob")).json()
    assert (await _submit(api, org, request["id"], caller, **SEED_SUBMIT)).status_code == 404


async def test_empty_or_off_scale_feedback_is_422(api, org) -> None:  # type: ignore[no-untyped-def]
    request = (await _request(api, org, await make_cycle(api, org), "alice", "bob")).json()
    assert (await _submit(api, org, request["id"], "bob")).status_code == 422
    assert (await _submit(api, org, request["id"], "bob", organisation_rating="superb")).status_code == 422
    assert (await _submit(api, org, request["id"], "bob", reviewer_id="x")).status_code == 422


# ---------------------------------------------------------------------------------------- summary
async def test_summary_with_no_responses_replays_seed_shape(api, org) -> None:  # type: ignore[no-untyped-def]
    response = await api.get(f"{BASE}/feedback/summary/{org.people['alice']}", headers=org.headers("manager"))
    # Seed 001: 'Returns { "sufficient": false, "response_count": 0, "minimum_required": 1 } if no responses.'
    assert response.status_code == 200
    summary = response.json()
    by_direction = summary.pop("by_direction")
    assert summary == {"sufficient": False, "response_count": 0, "minimum_required": 1}
    # §9.3: each direction alone; upward has its own minimum (default 3).
    assert by_direction == {
        "peer": {"sufficient": False, "response_count": 0, "minimum_required": 1},
        "upward": {"sufficient": False, "response_count": 0, "minimum_required": 3},
        "downward": {"sufficient": False, "response_count": 0, "minimum_required": 1},
    }


async def test_summary_counts_ratings_per_area(api, org) -> None:  # type: ignore[no-untyped-def]
    cycle = await make_cycle(api, org)
    answers = {
        "bob": SEED_SUBMIT,
        "lead": {"organisation_rating": "exceeding", "overall_comment": "Reliable"},
        "carol": {"organisation_rating": "achieving", "organisation_comment": "  "},
    }
    for reviewer, body in answers.items():
        request = (await _request(api, org, cycle, "alice", reviewer)).json()
        assert (await _submit(api, org, request["id"], reviewer, **body)).status_code == 201
    await set_cycle_status(api, org, cycle, "closed")
    summary = (
        await api.get(f"{BASE}/feedback/summary/{org.people['alice']}", headers=org.headers("manager"))
    ).json()
    assert set(summary) == {"sufficient", "response_count", "areas", "overall_comments", "by_direction"}
    # The lead is alice's manager: that answer is downward (§3.4a.4), bob's and carol's peer.
    assert [(d, summary["by_direction"][d]["response_count"]) for d in ("peer", "upward", "downward")] == [
        ("peer", 2),
        ("upward", 0),
        ("downward", 1),
    ]
    assert summary["by_direction"]["downward"]["overall_comments"] == ["Reliable"]
    assert summary["sufficient"] is True and summary["response_count"] == 3
    assert set(summary["areas"]) == set(AREAS)
    assert summary["areas"]["organisation"] == {
        "ratings": {"achieving": 2, "exceeding": 1},
        "comments": ["Good time management"],
    }
    assert summary["areas"]["communication"] == {"ratings": {"achieving": 1}, "comments": []}
    assert sorted(summary["overall_comments"]) == ["Reliable", "Strong contributor"]


async def test_summary_respects_the_tenant_minimum(api, owner_db, org) -> None:  # type: ignore[no-untyped-def]
    await set_min_responses(owner_db, org, 3)
    cycle = await make_cycle(api, org)
    for reviewer in ("bob", "lead"):
        request = (await _request(api, org, cycle, "alice", reviewer)).json()
        await _submit(api, org, request["id"], reviewer, overall_comment=f"from {reviewer}")
    await _add_person(owner_db, org, "dave", "employee", "lead", groups=("Alpha",))
    request = (await _request(api, org, cycle, "alice", "dave")).json()
    await _submit(api, org, request["id"], "dave", overall_comment="from dave")
    await set_cycle_status(api, org, cycle, "closed")
    path = f"{BASE}/feedback/summary/{org.people['alice']}"
    summary = (await api.get(path, headers=org.headers("exec"))).json()
    assert {k: summary[k] for k in ("sufficient", "response_count", "minimum_required")} == {
        "sufficient": False,
        "response_count": 3,
        "minimum_required": 3,
    }  # 2 peer + 1 downward, each below 3
    await set_cycle_status(api, org, cycle, "open")
    request = (await _request(api, org, cycle, "alice", "carol")).json()
    await _submit(api, org, request["id"], "carol", overall_comment="third")
    await set_cycle_status(api, org, cycle, "closed")
    summary = (await api.get(path, headers=org.headers("exec"))).json()
    # Nothing of the peer set was shown, so carol's answer joined it (§3.4a.1): 3 peer answers, shown.
    assert summary["sufficient"] is True and summary["response_count"] == 3
    assert sorted(summary["overall_comments"]) == ["from bob", "from dave", "third"]
    assert summary["by_direction"]["downward"] == {
        "sufficient": False,
        "response_count": 1,
        "minimum_required": 3,
    }


async def test_summary_filters_by_cycle(api, org) -> None:  # type: ignore[no-untyped-def]
    q1 = await make_cycle(api, org)
    q2 = await make_cycle(api, org, name="Q2", period_start="2026-04-01", period_end="2026-06-30")
    for cycle, reviewer in ((q1, "bob"), (q2, "lead"), (q2, "carol")):
        request = (await _request(api, org, cycle, "alice", reviewer)).json()
        await _submit(api, org, request["id"], reviewer, overall_comment=reviewer)
    for cycle in (q1, q2):
        await set_cycle_status(api, org, cycle, "closed")
    path = f"{BASE}/feedback/summary/{org.people['alice']}"
    assert (await api.get(path, params={"cycle_id": q2["id"]}, headers=org.headers("exec"))).json()[
        "response_count"
    ] == 2
    assert (await api.get(path, headers=org.headers("exec"))).json()["response_count"] == 3


@pytest.mark.parametrize(
    ("caller", "subject", "status"),
    [
        ("alice", "alice", 403),  # employees: never, not even about themselves
        ("lead", "alice", 403),  # leads see alice, but the summary is manager-and-above
        ("manager2", "alice", 404),  # alice is outside manager2's tree
        ("manager", "alice", 200),
        ("head", "alice", 200),
        ("exec", "alice", 200),
        ("manager2", "carol", 200),
    ],
)
async def test_summary_is_for_managers_and_above_who_see_the_subject(
    api, org, caller, subject, status
) -> None:  # type: ignore[no-untyped-def]
    response = await api.get(f"{BASE}/feedback/summary/{org.people[subject]}", headers=org.headers(caller))
    assert response.status_code == status


# -------------------------------------------------------------------------------------- anonymity
async def test_comments_are_shuffled_and_carry_nothing_that_identifies_a_reviewer(api, owner_db, org) -> None:  # type: ignore[no-untyped-def]
    for name in ("p1", "p2", "p3", "p4", "p5", "p6"):
        await _add_person(owner_db, org, name, "employee", "lead", groups=("Alpha",))
    cycle = await make_cycle(api, org)
    submitted, request_ids = [], []
    for name in ("p1", "p2", "p3", "p4", "p5", "p6"):
        request = (await _request(api, org, cycle, "alice", name)).json()
        request_ids.append(request["id"])
        comment = f"comment number {len(submitted)}"
        await _submit(api, org, request["id"], name, overall_comment=comment, organisation_comment=comment)
        submitted.append(comment)
    await set_cycle_status(api, org, cycle, "closed")
    orders = []
    for _ in range(6):
        response = await api.get(
            f"{BASE}/feedback/summary/{org.people['alice']}", headers=org.headers("exec")
        )
        summary = response.json()
        assert sorted(summary["overall_comments"]) == sorted(submitted)
        orders.append(tuple(summary["overall_comments"]))
        orders.append(tuple(summary["areas"]["organisation"]["comments"]))
        text = response.text
        for name in ("p1", "p2", "p3", "p4", "p5", "p6"):
            assert org.people[name] not in text and name.title() not in text
        assert not any(request_id in text for request_id in request_ids)
        assert "created_at" not in text and "reviewer" not in text and "request" not in text
    # never all in submission order, and not one fixed order either (6! orders: chance can't fake this)
    assert any(order != tuple(submitted) for order in orders)
    assert len(set(orders)) > 1


async def test_the_response_table_cannot_link_a_response_to_its_reviewer(api, owner_db, org) -> None:  # type: ignore[no-untyped-def]
    cycle = await make_cycle(api, org)
    request = (await _request(api, org, cycle, "alice", "bob")).json()
    await _submit(api, org, request["id"], "bob", **SEED_SUBMIT)
    await set_cycle_status(api, org, cycle, "closed")
    async with owner_db.acquire() as conn:
        columns = {
            r["column_name"]
            for r in await conn.fetch(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'feedback_responses'"
            )
        }
        request_columns = {
            r["column_name"]
            for r in await conn.fetch(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'feedback_requests'"
            )
        }
        await conn.execute("SELECT set_config('stride.tenant_id', $1, false)", org.tenant_id)
        row = dict(
            await conn.fetchrow("SELECT * FROM feedback_responses WHERE tenant_id = $1", org.tenant_id)
        )
        await conn.execute("RESET stride.tenant_id")
    assert columns == {
        "tenant_id",
        "id",
        "cycle_id",
        "subject_id",
        "overall_comment",
        "direction",
        "release_id",
        *(f"{a}_{p}" for a in AREAS for p in ("rating", "comment")),
    }
    assert not {c for c in columns if "reviewer" in c or "request" in c or c.endswith("_at")}
    assert uuid.UUID(row["id"]).version == 4  # random, not time-ordered
    assert org.people["bob"] not in json.dumps(row, default=str) and request["id"] not in json.dumps(
        row, default=str
    )
    # the request records only that its reviewer submitted, not when
    assert "updated_at" not in request_columns and "submitted_at" not in request_columns
