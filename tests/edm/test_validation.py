"""Every validation rule of CONTRACT §2.3 answers 422 naming the field; valid bodies pass."""

from __future__ import annotations

import pytest

GOALS, RECORDS = "/api/v1/performance/goals", "/api/v1/performance/learning-records"
OBJECTIVES, KEY_RESULTS = "/api/v1/okr/objectives", "/api/v1/okr/key-results"
COHORTS, ASSESSMENTS = "/api/v1/learning/cohorts", "/api/v1/learning/assessments"


async def post(api, org, path, body, who="exec"):  # type: ignore[no-untyped-def]
    return await api.post(path, json=body, headers=org.headers(who))


async def objective(api, org) -> str:  # type: ignore[no-untyped-def]
    response = await post(api, org, OBJECTIVES, {"title": "O", "period": "2026-Q1"})
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def assert_422(response, field: str) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["type"].endswith("/validation") or problem["type"].endswith("/malformed-json")
    assert field in {e["field"] for e in problem.get("errors", [])} or field in problem["detail"], problem


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (GOALS, {"title": ""}, "title"),
        (GOALS, {"title": "   "}, "title"),
        (GOALS, {"title": "Valid"}, None),
        (GOALS, {"title": "x" * 501}, "title"),
        (GOALS, {"title": "t", "description": "x" * 20_001}, "description"),
        (GOALS, {"title": "t", "period": "2026-Q5"}, "period"),
        (GOALS, {"title": "t", "period": "26-Q1"}, "period"),
        (GOALS, {"title": "t", "status": "done"}, "status"),
        (GOALS, {"title": "t", "progress_pct": 101}, "progress_pct"),
        (GOALS, {"title": "t", "progress_pct": -1}, "progress_pct"),
        (GOALS, {"title": "t", "progress_pct": "50"}, "progress_pct"),
        (GOALS, {"title": "t", "target_date": "next week"}, "target_date"),
        (GOALS, {"title": "t", "target_date": 1767225600}, "target_date"),
        (GOALS, {"title": 5}, "title"),
        (GOALS, {"title": "t", "source_type": "mobile"}, "source_type"),
        (GOALS, {"title": "t", "status": None}, "status"),
        (RECORDS, {"title": "t", "score": 100.5}, "score"),
        (RECORDS, {"title": "t", "passed": "yes"}, "passed"),
        (RECORDS, {"title": "t", "completed_at": "2026-05-01", "expires_at": "2026-04-01"}, "expires_at"),
        (OBJECTIVES, {"title": "t"}, "period"),
        (OBJECTIVES, {"period": "2026-Q1"}, "title"),
        (OBJECTIVES, {"title": "t", "period": "2026-H1", "weight": 0}, "weight"),
        (OBJECTIVES, {"title": "t", "period": "2026-H1", "weight": 1.5}, "weight"),
        (OBJECTIVES, {"title": "t", "period": "2026-H1", "tags": ["a", 1]}, "tags"),
        (OBJECTIVES, {"title": "t", "period": "2026-H1", "tags": "a"}, "tags"),
        (
            OBJECTIVES,
            {"title": "t", "period": "2026-H1", "check_in_frequency": "daily"},
            "check_in_frequency",
        ),
        (OBJECTIVES, {"title": "t", "period": "2026-Annual", "dependencies": {"a": 1}}, "dependencies"),
        (
            OBJECTIVES,
            {"title": "t", "period": "2026-Annual", "parent_objective_id": "obj_01JD3ZZZZZZZZZZZZZZZZZZZZZ"},
            "parent_objective_id",
        ),
        (
            OBJECTIVES,
            {"title": "t", "period": "2026-Annual", "group_id": "grp_01JD3ZZZZZZZZZZZZZZZZZZZZZ"},
            "group_id",
        ),
        (
            OBJECTIVES,
            {"title": "t", "period": "2026-Annual", "owner_id": "usr_01JD3ZZZZZZZZZZZZZZZZZZZZZ"},
            "owner_id",
        ),
        (COHORTS, {"name": "c", "start_date": "2026-05-01", "end_date": "2026-04-01"}, "end_date"),
        (COHORTS, {"name": "c", "session_count": -1}, "session_count"),
        (COHORTS, {"name": "c", "session_count": 2.5}, "session_count"),
        (COHORTS, {"name": "c", "metadata": [1]}, "metadata"),
        (COHORTS, {"name": "c", "completion_required_pct": 120}, "completion_required_pct"),
        (COHORTS, {"name": "c", "facilitator_ids": ["usr_01JD3ZZZZZZZZZZZZZZZZZZZZZ"]}, "facilitator_ids"),
        (ASSESSMENTS, {"name": "a"}, "kind"),
        (ASSESSMENTS, {"kind": "quiz", "name": "a"}, "kind"),
        (ASSESSMENTS, {"kind": "survey", "name": "a", "framework_ids": ["iso"]}, "framework_ids"),
        (ASSESSMENTS, {"kind": "survey", "name": "a", "target_account_id": "acc-1"}, "target_account_id"),
        (ASSESSMENTS, {"kind": "survey", "name": "a", "assessment_tools": ["nmap"]}, "assessment_tools"),
        (
            ASSESSMENTS,
            {
                "kind": "skills",
                "name": "a",
                "questions": [{"id": "q1", "text": "Pick", "type": "single_choice"}],
            },
            "questions",
        ),
        (
            ASSESSMENTS,
            {
                "kind": "skills",
                "name": "a",
                "questions": [
                    {"id": "q1", "text": "A", "type": "text"},
                    {"id": "q1", "text": "B", "type": "text"},
                ],
            },
            "questions",
        ),
        (
            ASSESSMENTS,
            {"kind": "skills", "name": "a", "questions": [{"id": "q1", "text": "A", "type": "essay"}]},
            "questions",
        ),
        (
            ASSESSMENTS,
            {
                "kind": "skills",
                "name": "a",
                "questions": [{"id": "q1", "text": "A", "type": "text", "weight": -1}],
            },
            "questions",
        ),
        (
            ASSESSMENTS,
            {
                "kind": "skills",
                "name": "a",
                "question_bank_id": "qb-1",
                "questions": [{"id": "q1", "text": "A", "type": "text"}],
            },
            "question_bank_id",
        ),
        (ASSESSMENTS, {"kind": "skills", "name": "a", "pass_score": 101}, "pass_score"),
    ],
)
async def test_invalid_bodies_are_422_naming_the_field(api, org, path, body, field) -> None:  # type: ignore[no-untyped-def]
    response = await post(api, org, path, body)
    if field is None:
        assert response.status_code == 201, response.text
    else:
        assert_422(response, field)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"baseline": 10, "target": 5}, "target"),  # increase needs target > baseline
        ({"baseline": 10, "target": 10}, "target"),
        ({"baseline": 5, "target": 10, "direction": "decrease"}, "target"),
        ({"target": 10, "data_source": "connector"}, "connector_id"),
        ({"target": 10, "connector_id": "salesforce"}, "connector_id"),
        ({"target": 10, "data_source": "query"}, "query"),
        ({"target": 10, "query": "select 1"}, "query"),
        ({"target": 5, "metric_type": "boolean"}, "target"),
        ({"target": 1, "baseline": 1, "metric_type": "milestone"}, "target"),
        ({"target": 10, "metric_type": "ratio"}, "metric_type"),
        ({"target": 1e400}, "body"),
    ],
)
async def test_key_result_rules_are_422(api, org, body, field) -> None:  # type: ignore[no-untyped-def]
    parent = await objective(api, org)
    response = await api.post(
        KEY_RESULTS,
        content=_raw({"title": "KR", "objective_id": parent, **body}),
        headers={**org.headers("exec"), "content-type": "application/json"},
    )
    assert response.status_code == 422, response.text
    if field != "body":
        assert_422(response, field)


def _raw(body: dict) -> bytes:  # type: ignore[type-arg]
    import json

    return json.dumps(body).replace("Infinity", "1e400").encode()


@pytest.mark.parametrize(
    "body",
    [
        {"target": 10},
        {"baseline": 100, "target": 20, "direction": "decrease"},
        {"target": 1, "metric_type": "boolean"},
        {"target": 1, "metric_type": "milestone"},
        {"target": 10, "data_source": "connector", "connector_id": "hubspot"},
        {"target": 10, "data_source": "query", "query": "sum(mrr)"},
    ],
)
async def test_valid_key_results_are_created(api, org, body) -> None:  # type: ignore[no-untyped-def]
    parent = await objective(api, org)
    response = await post(api, org, KEY_RESULTS, {"title": "KR", "objective_id": parent, **body})
    assert response.status_code == 201, response.text


async def test_key_result_needs_a_visible_live_objective(api, org, other_org) -> None:  # type: ignore[no-untyped-def]
    foreign = await objective(api, other_org)
    assert_422(
        await post(api, org, KEY_RESULTS, {"title": "KR", "objective_id": foreign, "target": 5}),
        "objective_id",
    )
    mine = await objective(api, org)
    assert (await api.delete(f"{OBJECTIVES}/{mine}", headers=org.headers("exec"))).status_code == 204
    assert_422(
        await post(api, org, KEY_RESULTS, {"title": "KR", "objective_id": mine, "target": 5}), "objective_id"
    )


async def test_objective_parent_cycle_is_422(api, org) -> None:  # type: ignore[no-untyped-def]
    top = await objective(api, org)
    middle = (
        await post(api, org, OBJECTIVES, {"title": "M", "period": "2026-Q1", "parent_objective_id": top})
    ).json()
    bottom = (
        await post(
            api, org, OBJECTIVES, {"title": "B", "period": "2026-Q1", "parent_objective_id": middle["id"]}
        )
    ).json()
    cycle = await api.patch(
        f"{OBJECTIVES}/{top}", json={"parent_objective_id": bottom["id"]}, headers=org.headers("exec")
    )
    assert_422(cycle, "parent_objective_id")
    itself = await api.patch(
        f"{OBJECTIVES}/{top}", json={"parent_objective_id": top}, headers=org.headers("exec")
    )
    assert_422(itself, "parent_objective_id")


async def test_patch_to_another_kind_keeps_kind_rules(api, org) -> None:  # type: ignore[no-untyped-def]
    created = await post(
        api, org, ASSESSMENTS, {"kind": "compliance_audit", "name": "SOC2", "framework_ids": ["soc2"]}
    )
    assert created.status_code == 201, created.text
    response = await api.patch(
        f"{ASSESSMENTS}/{created.json()['id']}", json={"kind": "survey"}, headers=org.headers("exec")
    )
    assert_422(response, "framework_ids")


async def test_cohort_group_must_be_of_kind_cohort(api, org) -> None:  # type: ignore[no-untyped-def]
    squad = org.groups["Alpha"]
    assert_422(await post(api, org, COHORTS, {"name": "c", "group_id": squad}), "group_id")


async def test_date_only_is_midnight_utc(api, org) -> None:  # type: ignore[no-untyped-def]
    response = await post(api, org, GOALS, {"title": "t", "target_date": "2026-04-15"}, who="alice")
    assert response.status_code == 201
    assert response.json()["target_date"] == "2026-04-15T00:00:00Z"
    offset = await post(
        api, org, GOALS, {"title": "t", "target_date": "2026-04-15T10:00:00+02:00"}, who="alice"
    )
    assert offset.json()["target_date"] == "2026-04-15T08:00:00Z"
