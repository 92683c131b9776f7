"""Tenant, app and person isolation (CONTRACT §1.4) on every Data API endpoint: what a caller may
not see answers 404 and never shows up in lists, filters, search, counts or reference checks."""

from __future__ import annotations

import pytest

from stride_server.edm.registry import ENTITIES
from tests.edm.samples import minimal_body
from tests.factories import create_application

GOALS, RECORDS = "/api/v1/performance/goals", "/api/v1/performance/learning-records"
OBJECTIVES = "/api/v1/okr/objectives"


async def create(api, org, path, body, who="exec", headers=None):  # type: ignore[no-untyped-def]
    response = await api.post(path, json=body, headers=headers or org.headers(who))
    assert response.status_code == 201, response.text
    return response.json()


async def _record(api, org, entity) -> dict:  # type: ignore[no-untyped-def,type-arg]
    refs = {}
    if entity.name == "KeyResult":
        refs["objective"] = (
            await create(api, org, OBJECTIVES, minimal_body("Objective", org, {}, "Secret"))
        )["id"]
    return await create(api, org, entity.path, minimal_body(entity.name, org, refs, "Secret"))  # type: ignore[no-any-return]


@pytest.mark.parametrize("entity", ENTITIES, ids=lambda e: e.name)
async def test_other_tenant_sees_nothing(api, org, other_org, entity) -> None:  # type: ignore[no-untyped-def]
    record = await _record(api, org, entity)
    outsider = other_org.headers("exec")
    path = f"{entity.path}/{record['id']}"
    assert (await api.get(path, headers=outsider)).status_code == 404
    assert (await api.get(path, params={"include_deleted": "true"}, headers=outsider)).status_code == 404
    if "update" in entity.operations:
        assert (await api.patch(path, json={}, headers=outsider)).status_code == 404
    if "delete" in entity.operations:
        assert (await api.delete(path, headers=outsider)).status_code == 404
    listed = await api.get(entity.path, params={"count": "true", "q": "secret"}, headers=outsider)
    assert listed.status_code == 200 and listed.json()["data"] == [] and listed.json()["total"] == 0
    by_id = await api.get(entity.path, params={"id": record["id"], "count": "true"}, headers=outsider)
    assert by_id.json()["data"] == [] and by_id.json()["total"] == 0
    # the owner still sees it
    assert (await api.get(path, headers=org.headers("exec"))).status_code == 200


async def test_foreign_references_are_422_not_leaks(api, org, other_org) -> None:  # type: ignore[no-untyped-def]
    foreign_objective = await create(
        api, other_org, OBJECTIVES, minimal_body("Objective", other_org, {}, "Secret")
    )
    foreign_person = other_org.people["alice"]
    goal = await api.post(
        GOALS,
        json={"title": "g", "linked_objective_id": foreign_objective["id"]},
        headers=org.headers("alice"),
    )
    assert goal.status_code == 422
    for_foreign_person = await api.post(
        GOALS, json={"title": "g", "person_id": foreign_person}, headers=org.headers("exec")
    )
    assert for_foreign_person.status_code == 422
    missing = await api.post(
        GOALS, json={"title": "g", "person_id": "usr_01JD3ZZZZZZZZZZZZZZZZZZZZZ"}, headers=org.headers("exec")
    )
    assert missing.status_code == 422
    assert missing.json()["detail"].replace(
        "usr_01JD3ZZZZZZZZZZZZZZZZZZZZZ", "X"
    ) == for_foreign_person.json()["detail"].replace(foreign_person, "X")


# Who sees alice's personal records (§1.4 rule 3): herself, her reporting chain (lead, manager, head,
# exec), the lead of her squad, the head of her department, executives; not bob, carol or manager2.
@pytest.mark.parametrize(
    ("viewer", "visible"),
    [
        ("alice", True),
        ("lead", True),
        ("manager", True),
        ("head", True),
        ("exec", True),
        ("bob", False),
        ("carol", False),
        ("manager2", False),
    ],
)
async def test_personal_records_follow_the_org_chart(api, org, viewer, visible) -> None:  # type: ignore[no-untyped-def]
    goal = await create(api, org, GOALS, {"title": "Alice's goal"}, who="alice")
    record = await create(api, org, RECORDS, {"title": "Alice's course"}, who="alice")
    for path, item in ((GOALS, goal), (RECORDS, record)):
        got = await api.get(f"{path}/{item['id']}", headers=org.headers(viewer))
        assert got.status_code == (200 if visible else 404)
        listed = await api.get(
            path, params={"person_id": org.people["alice"], "count": "true"}, headers=org.headers(viewer)
        )
        assert (listed.json()["total"] == 1) is visible
        searched = await api.get(path, params={"q": "alice"}, headers=org.headers(viewer))
        assert (item["id"] in {r["id"] for r in searched.json()["data"]}) is visible


async def test_squad_lead_sees_members_not_other_squads(api, org) -> None:  # type: ignore[no-untyped-def]
    carol_goal = await create(api, org, GOALS, {"title": "Carol's goal"}, who="carol")
    assert (await api.get(f"{GOALS}/{carol_goal['id']}", headers=org.headers("lead"))).status_code == 404
    assert (await api.get(f"{GOALS}/{carol_goal['id']}", headers=org.headers("manager2"))).status_code == 200


async def test_writes_to_invisible_person_are_refused(api, org) -> None:  # type: ignore[no-untyped-def]
    # bob may not create a goal for alice: he lacks update:performance (403)
    assert (
        await api.post(
            GOALS, json={"title": "g", "person_id": org.people["alice"]}, headers=org.headers("bob")
        )
    ).status_code == 403
    # manager2 has update:performance but does not see alice: same answer as a missing person
    assert (
        await api.post(
            GOALS, json={"title": "g", "person_id": org.people["alice"]}, headers=org.headers("manager2")
        )
    ).status_code == 422
    # the lead of alice's squad may
    assert (
        await api.post(
            GOALS, json={"title": "g", "person_id": org.people["alice"]}, headers=org.headers("lead")
        )
    ).status_code == 201


async def test_self_service_needs_only_view_performance(api, org) -> None:  # type: ignore[no-untyped-def]
    headers = org.headers("alice", permissions=["view:performance"])
    goal = await create(api, org, GOALS, {"title": "Mine"}, headers=headers)
    assert goal["person_id"] == org.people["alice"]
    patched = await api.patch(f"{GOALS}/{goal['id']}", json={"status": "in_progress"}, headers=headers)
    assert patched.status_code == 200
    assert (await api.post(RECORDS, json={"title": "Course"}, headers=headers)).status_code == 201
    no_view = org.headers("alice", permissions=["view:okr"])
    assert (await api.post(GOALS, json={"title": "x"}, headers=no_view)).status_code == 403
    assert (await api.get(GOALS, headers=no_view)).status_code == 403


async def test_apps_see_only_their_own_rows_and_stamp_app_id(api, org, owner_db) -> None:  # type: ignore[no-untyped-def]
    app_a = await create_application(owner_db, org, ["update:okr"])
    app_b = await create_application(owner_db, org, ["update:okr"])
    headers_a = org.app_headers(app_a, ["update:okr"])
    headers_b = org.app_headers(app_b, ["update:okr"])
    human = await create(api, org, OBJECTIVES, {"title": "Human objective", "period": "2026-Q1"})
    mine = await create(
        api, org, OBJECTIVES, {"title": "App objective", "period": "2026-Q1"}, headers=headers_a
    )
    assert mine["app_id"] == app_a and mine["created_by"] == app_a
    listed_a = await api.get(OBJECTIVES, params={"count": "true"}, headers=headers_a)
    assert [r["id"] for r in listed_a.json()["data"]] == [mine["id"]] and listed_a.json()["total"] == 1
    assert (await api.get(f"{OBJECTIVES}/{mine['id']}", headers=headers_b)).status_code == 404
    assert (await api.get(f"{OBJECTIVES}/{human['id']}", headers=headers_a)).status_code == 404
    assert (
        await api.patch(f"{OBJECTIVES}/{mine['id']}", json={"title": "x"}, headers=headers_b)
    ).status_code == 404
    # a human session sees the app's row (reads are filtered only for app tokens)
    assert (await api.get(f"{OBJECTIVES}/{mine['id']}", headers=org.headers("exec"))).status_code == 200
    # an app may not reference a row outside its scope
    kr = await api.post(
        "/api/v1/okr/key-results",
        json={"title": "k", "objective_id": human["id"], "target": 2},
        headers=headers_a,
    )
    assert kr.status_code == 422


async def test_app_without_performance_view_cannot_read_personal_records(api, org, owner_db) -> None:  # type: ignore[no-untyped-def]
    app = await create_application(owner_db, org, ["view:okr"])
    assert (await api.get(GOALS, headers=org.app_headers(app, ["view:okr"]))).status_code == 403
    writer = await create_application(owner_db, org, ["update:performance"])
    headers = org.app_headers(writer, ["update:performance"])
    missing_person = await api.post(GOALS, json={"title": "g"}, headers=headers)
    assert missing_person.status_code == 422
    created = await api.post(GOALS, json={"title": "g", "person_id": org.people["carol"]}, headers=headers)
    assert created.status_code == 201, created.text


async def test_delete_needs_manage_for_records_of_others(api, org) -> None:  # type: ignore[no-untyped-def]
    objective = await create(api, org, OBJECTIVES, {"title": "Exec's", "period": "2026-Q1"})
    path = f"{OBJECTIVES}/{objective['id']}"
    assert (await api.delete(path, headers=org.headers("alice"))).status_code == 403
    own = await create(api, org, OBJECTIVES, {"title": "Alice's", "period": "2026-Q1"}, who="alice")
    assert (await api.delete(f"{OBJECTIVES}/{own['id']}", headers=org.headers("alice"))).status_code == 204
    assert (await api.delete(path, headers=org.headers("head"))).status_code == 204
