"""Who sees an assessment response (CONTRACT §2.4, §1.4.3): "A response is a personal record of its
respondent (§1.4.3): the respondent, the people who see the respondent's personal records, and
`manage:learning` see it; `update:learning` alone does not widen that."

Organisation (tests/factories.py): exec > head > manager > lead > alice, bob; exec > manager2 > carol.
"""

from __future__ import annotations

from typing import Any

from tests.factories import create_application

RECORDS, ASSESSMENTS = "/api/v1/performance/learning-records", "/api/v1/learning/assessments"
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
    {"id": "q3", "text": "Safe to share passwords?", "type": "boolean", "correct": False},
]
FAIL = [{"question_id": "q1", "value": "Lyon"}, {"question_id": "q3", "value": True}]  # score 0
PASS = [{"question_id": "q1", "value": "Paris"}, {"question_id": "q3", "value": False}]  # score 100
HALF = [{"question_id": "q1", "value": "Paris"}, {"question_id": "q3", "value": True}]  # score 75


async def _open_quiz(api, headers: dict[str, str]) -> str:  # type: ignore[no-untyped-def]
    created = await api.post(
        ASSESSMENTS,
        json={
            "kind": "learning",
            "name": "Security basics",
            "status": "open",
            "questions": QUIZ,
            "pass_score": 80,
        },
        headers=headers,
    )
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


async def _respond(api, path: str, answers: list[dict[str, Any]], headers: dict[str, str]) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    response = await api.post(path, json={"answers": answers}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


async def _respondents(api, org, path: str, headers: dict[str, str]) -> set[str]:  # type: ignore[no-untyped-def]
    listed = await api.get(path, params={"limit": 200}, headers=headers)
    assert listed.status_code == 200, listed.text
    names = {person_id: name for name, person_id in org.people.items()}
    return {names[r["person_id"]] for r in listed.json()["data"]}


async def _responded_quiz(api, org) -> tuple[str, dict[str, dict[str, Any]]]:  # type: ignore[no-untyped-def]
    """An open learning quiz answered by exec (failing), alice (passing) and carol."""
    path = f"{ASSESSMENTS}/{await _open_quiz(api, org.headers('exec'))}/responses"
    answers = {"exec": FAIL, "alice": PASS, "carol": HALF}
    return path, {who: await _respond(api, path, body, org.headers(who)) for who, body in answers.items()}


async def test_an_executives_failing_response_is_listed_only_to_whoever_sees_their_records(api, org) -> None:  # type: ignore[no-untyped-def]
    """The finding: a lead listed every response of the tenant, an executive's failing score included."""
    path, responses = await _responded_quiz(api, org)
    assert responses["exec"]["passed"] is False
    expected = {
        "alice": {"alice"},  # the respondent: their own only
        "bob": set(),  # an employee who has not responded
        "carol": {"carol"},
        "lead": {"alice"},  # update:learning; alice's squad lead and manager
        "manager": {"alice"},  # update:learning; alice's reporting chain
        "manager2": {"carol"},  # update:learning, but sees no personal record of alice or exec
        "head": {"exec", "alice", "carol"},  # manage:learning
        "exec": {"exec", "alice", "carol"},
    }
    for who, respondents in expected.items():
        assert await _respondents(api, org, path, org.headers(who)) == respondents, who


async def test_update_learning_alone_does_not_widen_and_manage_learning_does(api, org) -> None:  # type: ignore[no-untyped-def]
    """Head without manage:learning and manage:performance sees only the people of their organisation."""
    path, _ = await _responded_quiz(api, org)
    narrowed = org.headers("head", permissions=["view:learning", "update:learning", "view:performance"])
    assert await _respondents(api, org, path, narrowed) == {"alice"}
    managing = org.headers("manager2", permissions=["view:performance", "manage:learning"])
    assert await _respondents(api, org, path, managing) == {"exec", "alice", "carol"}


async def test_a_response_hidden_as_a_learning_record_is_hidden_as_a_response(api, org) -> None:  # type: ignore[no-untyped-def]
    """The same result, as a LearningRecord and as a response, is visible to the same callers."""
    path, responses = await _responded_quiz(api, org)
    for who in ("alice", "bob", "lead", "manager", "manager2", "head", "exec"):
        listed = {r["id"] for r in (await api.get(path, headers=org.headers(who))).json()["data"]}
        for respondent, response in responses.items():
            record = await api.get(f"{RECORDS}/{response['learning_record_id']}", headers=org.headers(who))
            assert record.status_code in (200, 404), record.text
            assert (record.status_code == 200) == (response["id"] in listed), (who, respondent)
    exec_record = responses["exec"]["learning_record_id"]
    assert (await api.get(f"{RECORDS}/{exec_record}", headers=org.headers("lead"))).status_code == 404


async def test_pages_hold_only_visible_responses(api, org) -> None:  # type: ignore[no-untyped-def]
    path, responses = await _responded_quiz(api, org)
    await _respond(api, path, HALF, org.headers("bob"))
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 1, **({"cursor": cursor} if cursor else {})}
        page = (await api.get(path, params=params, headers=org.headers("lead"))).json()
        seen += [r["person_id"] for r in page["data"]]
        cursor = page["next_cursor"]
        if not page["has_more"]:
            break
    assert seen == [org.people["alice"], org.people["bob"]]
    assert responses["exec"]["person_id"] not in seen


async def test_another_tenants_caller_gets_404(api, org, other_org) -> None:  # type: ignore[no-untyped-def]
    path, _ = await _responded_quiz(api, org)
    for who in ("exec", "head", "alice"):
        assert (await api.get(path, headers=other_org.headers(who))).status_code == 404


async def test_applications_need_view_performance_to_see_responses(api, org, owner_db) -> None:  # type: ignore[no-untyped-def]
    """§1.4.3: "Applications see personal records of their tenant only with the matching `view:`
    permission." A response carries the score of the respondent's LearningRecord, whose area is
    `performance` (§2.1), so the matching permission is `view:performance`, as for that record;
    `view:learning` is what reaching the assessment needs, and `manage:learning` sees every response.
    An application's reads stay limited to rows stamped with its app_id (§1.4 rule 2)."""
    app = await create_application(owner_db, org, ["view:learning", "view:performance", "manage:learning"])
    path = f"{ASSESSMENTS}/{await _open_quiz(api, org.headers('exec', app_id=app))}/responses"
    stamped = {
        who: await _respond(api, path, answers, org.headers(who, app_id=app))
        for who, answers in (("exec", FAIL), ("alice", PASS))
    }

    learning_only = org.app_headers(app, ["view:learning"])
    assert await _respondents(api, org, path, learning_only) == set()
    record = stamped["exec"]["learning_record_id"]
    assert (await api.get(f"{RECORDS}/{record}", headers=learning_only)).status_code == 403

    with_performance = org.app_headers(app, ["view:learning", "view:performance"])
    assert await _respondents(api, org, path, with_performance) == {"exec", "alice"}
    assert (await api.get(f"{RECORDS}/{record}", headers=with_performance)).status_code == 200
    assert await _respondents(api, org, path, org.app_headers(app, ["manage:learning"])) == {"exec", "alice"}

    # another application of the tenant does not see this application's assessment at all (§1.4 rule 2)
    other_app = await create_application(owner_db, org, ["view:learning", "view:performance"])
    assert (
        await api.get(path, headers=org.app_headers(other_app, ["view:learning", "view:performance"]))
    ).status_code == 404
