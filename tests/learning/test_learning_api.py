"""Cohort completion and assessment responses through HTTP (CONTRACT §2.3, §2.4)."""

from __future__ import annotations

import asyncio

from tests.factories import add_group

RECORDS, COHORTS = "/api/v1/performance/learning-records", "/api/v1/learning/cohorts"
ASSESSMENTS = "/api/v1/learning/assessments"


async def post(api, org, path, body, who="exec"):  # type: ignore[no-untyped-def]
    response = await api.post(path, json=body, headers=org.headers(who))
    assert response.status_code == 201, response.text
    return response.json()


async def get(api, org, path, who="exec"):  # type: ignore[no-untyped-def]
    response = await api.get(path, headers=org.headers(who))
    assert response.status_code == 200, response.text
    return response.json()


async def test_cohort_completion_from_group_members(api, org, owner_db) -> None:  # type: ignore[no-untyped-def]
    group = await add_group(
        owner_db,
        org,
        "Leaders 2026",
        "cohort",
        [("alice", "member"), ("bob", "member"), ("carol", "member"), ("lead", "member")],
    )
    cohort = await post(api, org, COHORTS, {"name": "Leaders", "group_id": group})
    assert cohort["current_completion_pct"] == 0
    path = f"{COHORTS}/{cohort['id']}"
    done = {"title": "Module 1", "linked_cohort_id": cohort["id"], "completed_at": "2026-03-01"}
    await post(api, org, RECORDS, done, who="alice")
    assert (await get(api, org, path))["current_completion_pct"] == 25
    await post(api, org, RECORDS, {**done, "passed": False}, who="bob")  # failed: not completed
    await post(api, org, RECORDS, {**done, "completed_at": None}, who="carol")  # not yet completed
    assert (await get(api, org, path))["current_completion_pct"] == 25
    await post(api, org, RECORDS, {**done, "passed": True}, who="lead")
    await post(api, org, RECORDS, {**done, "title": "Module 2"}, who="alice")  # alice counts once
    assert (await get(api, org, path))["current_completion_pct"] == 50
    # a non-member's record does not count when the cohort has a group
    await post(api, org, RECORDS, done, who="manager")
    assert (await get(api, org, path))["current_completion_pct"] == 50


async def test_cohort_without_group_counts_linked_people(api, org) -> None:  # type: ignore[no-untyped-def]
    cohort = await post(api, org, COHORTS, {"name": "Open cohort"})
    path = f"{COHORTS}/{cohort['id']}"
    await post(api, org, RECORDS, {"title": "M", "linked_cohort_id": cohort["id"]}, who="alice")
    assert (await get(api, org, path))["current_completion_pct"] == 0
    await post(
        api,
        org,
        RECORDS,
        {"title": "M", "linked_cohort_id": cohort["id"], "completed_at": "2026-01-02"},
        who="bob",
    )
    assert (await get(api, org, path))["current_completion_pct"] == 50
    await asyncio.gather(
        *(
            post(
                api,
                org,
                RECORDS,
                {"title": "M", "linked_cohort_id": cohort["id"], "completed_at": "2026-01-02"},
                who=who,
            )
            for who in ("carol", "lead", "manager", "head")
        )
    )
    assert (await get(api, org, path))["current_completion_pct"] == round(100 * 5 / 6, 2)


async def test_cohort_group_change_recomputes_in_the_response(api, org, owner_db) -> None:  # type: ignore[no-untyped-def]
    cohort = await post(api, org, COHORTS, {"name": "C"})
    await post(
        api,
        org,
        RECORDS,
        {"title": "M", "linked_cohort_id": cohort["id"], "completed_at": "2026-01-02"},
        who="alice",
    )
    group = await add_group(owner_db, org, "G", "cohort", [("alice", "member"), ("bob", "member")])
    patched = await api.patch(
        f"{COHORTS}/{cohort['id']}", json={"group_id": group}, headers=org.headers("exec")
    )
    assert patched.json()["current_completion_pct"] == 50


QUIZ = [
    {
        "id": "q1",
        "text": "Capital of France?",
        "type": "single_choice",
        "options": ["Paris", "Lyon"],
        "weight": 3,
        "required": True,
        "correct": "Paris",
    },
    {"id": "q2", "text": "Tell us more", "type": "text"},
    {"id": "q3", "text": "Safe to share passwords?", "type": "boolean", "correct": False},
]


async def test_learning_assessment_responses(api, org, owner_db) -> None:  # type: ignore[no-untyped-def]
    group = await add_group(
        owner_db,
        org,
        "Cohort A",
        "cohort",
        [("alice", "member"), ("bob", "member"), ("carol", "member"), ("lead", "member")],
    )
    cohort = await post(api, org, COHORTS, {"name": "A", "group_id": group})
    quiz = await post(
        api,
        org,
        ASSESSMENTS,
        {
            "kind": "learning",
            "name": "Security basics",
            "questions": QUIZ,
            "pass_score": 75,
            "target_cohort_id": cohort["id"],
        },
    )
    assert quiz["response_count"] == 0 and quiz["completion_pct"] == 0
    path = f"{ASSESSMENTS}/{quiz['id']}/responses"
    closed = await api.post(
        path, json={"answers": [{"question_id": "q1", "value": "Paris"}]}, headers=org.headers("alice")
    )
    assert closed.status_code == 409  # draft
    await api.patch(f"{ASSESSMENTS}/{quiz['id']}", json={"status": "open"}, headers=org.headers("exec"))

    # employees (view:learning) do not see answer keys; update:learning does
    seen_by_alice = await get(api, org, f"{ASSESSMENTS}/{quiz['id']}", who="alice")
    assert all("correct" not in q for q in seen_by_alice["questions"])
    assert [
        q.get("correct")
        for q in (await get(api, org, f"{ASSESSMENTS}/{quiz['id']}", who="lead"))["questions"]
    ] == ["Paris", None, False]
    listed = (await api.get(ASSESSMENTS, params={"id": quiz["id"]}, headers=org.headers("alice"))).json()[
        "data"
    ]
    assert all("correct" not in q for q in listed[0]["questions"])

    missing = await api.post(
        path, json={"answers": [{"question_id": "q2", "value": "hm"}]}, headers=org.headers("alice")
    )
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "answers.q1"
    response = await api.post(
        path,
        json={"answers": [{"question_id": "q1", "value": "Paris"}, {"question_id": "q3", "value": True}]},
        headers=org.headers("alice"),
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["score"] == 75 and body["passed"] is True and body["person_id"] == org.people["alice"]
    record = await get(api, org, f"{RECORDS}/{body['learning_record_id']}", who="alice")
    assert (record["title"], record["provider"], record["score"], record["passed"]) == (
        "Security basics",
        "internal",
        75,
        True,
    )
    assert record["linked_assessment_id"] == quiz["id"] and record["linked_cohort_id"] == cohort["id"]
    assert record["completed_at"] is not None
    again = await api.post(
        path, json={"answers": [{"question_id": "q1", "value": "Paris"}]}, headers=org.headers("alice")
    )
    assert again.status_code == 409
    bob = await api.post(
        path,
        json={"answers": [{"question_id": "q1", "value": "Lyon"}, {"question_id": "q3", "value": False}]},
        headers=org.headers("bob"),
    )
    assert bob.json()["score"] == 25 and bob.json()["passed"] is False

    updated = await get(api, org, f"{ASSESSMENTS}/{quiz['id']}")
    assert updated["response_count"] == 2 and updated["completion_pct"] == 50
    assert (await get(api, org, f"{COHORTS}/{cohort['id']}"))["current_completion_pct"] == 25  # bob failed

    own = await get(api, org, path, who="alice")
    assert [r["person_id"] for r in own["data"]] == [org.people["alice"]]
    everyone = await get(api, org, path, who="lead")
    assert len(everyone["data"]) == 2
    first = (await api.get(path, params={"limit": 1}, headers=org.headers("lead"))).json()
    assert first["has_more"] and len(first["data"]) == 1
    rest = (
        await api.get(path, params={"limit": 1, "cursor": first["next_cursor"]}, headers=org.headers("lead"))
    ).json()
    assert rest["data"][0]["id"] != first["data"][0]["id"] and not rest["has_more"]
    assert (await api.get(path, params={"cursor": "zzz"}, headers=org.headers("lead"))).status_code == 400


async def test_responses_of_other_tenants_are_404(api, org, other_org) -> None:  # type: ignore[no-untyped-def]
    quiz = await post(
        api,
        org,
        ASSESSMENTS,
        {
            "kind": "survey",
            "name": "Pulse",
            "status": "open",
            "questions": [{"id": "q", "text": "Happy?", "type": "boolean"}],
        },
    )
    path = f"{ASSESSMENTS}/{quiz['id']}/responses"
    assert (await api.post(path, json={"answers": []}, headers=other_org.headers("alice"))).status_code == 404
    assert (await api.get(path, headers=other_org.headers("exec"))).status_code == 404
    answered = await api.post(
        path, json={"answers": [{"question_id": "q", "value": True}]}, headers=org.headers("carol")
    )
    assert (
        answered.status_code == 201 and answered.json()["score"] is None and answered.json()["passed"] is None
    )
    assert answered.json()["learning_record_id"] is None  # only kind=learning records completion


async def test_membership_changes_keep_cohort_and_assessment_figures_current(api, org, owner_db) -> None:  # type: ignore[no-untyped-def]
    group = await add_group(owner_db, org, "Cohort B", "cohort", [("alice", "member")])
    cohort = await post(api, org, COHORTS, {"name": "B", "group_id": group})
    survey = await post(
        api,
        org,
        ASSESSMENTS,
        {
            "kind": "survey",
            "name": "Pulse",
            "status": "open",
            "target_group_id": group,
            "questions": [{"id": "q", "text": "Happy?", "type": "boolean"}],
        },
    )
    await post(
        api,
        org,
        RECORDS,
        {"title": "M", "linked_cohort_id": cohort["id"], "completed_at": "2026-01-02"},
        who="alice",
    )
    await api.post(
        f"{ASSESSMENTS}/{survey['id']}/responses",
        json={"answers": [{"question_id": "q", "value": True}]},
        headers=org.headers("alice"),
    )
    assert (await get(api, org, f"{COHORTS}/{cohort['id']}"))["current_completion_pct"] == 100
    assert (await get(api, org, f"{ASSESSMENTS}/{survey['id']}"))["completion_pct"] == 100
    added = await api.post(
        f"/api/v1/directory/groups/{group}/members",
        json={"person_id": org.people["bob"], "role": "member"},
        headers=org.headers("exec"),
    )
    assert added.status_code in (200, 201), added.text
    assert (await get(api, org, f"{COHORTS}/{cohort['id']}"))["current_completion_pct"] == 50
    assert (await get(api, org, f"{ASSESSMENTS}/{survey['id']}"))["completion_pct"] == 50
    removed = await api.delete(
        f"/api/v1/directory/groups/{group}/members/{org.people['bob']}", headers=org.headers("exec")
    )
    assert removed.status_code == 204
    assert (await get(api, org, f"{ASSESSMENTS}/{survey['id']}"))["completion_pct"] == 100
