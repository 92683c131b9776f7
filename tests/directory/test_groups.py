"""Groups and memberships of the directory through HTTP (CONTRACT §4)."""

from __future__ import annotations

import pytest

GROUPS = "/api/v1/directory/groups"


async def create(api, org, body: dict, who: str = "exec"):  # type: ignore[no-untyped-def]
    response = await api.post(GROUPS, json=body, headers=org.headers(who))
    assert response.status_code == 201, response.text
    return response.json()


async def test_group_crud(api, org) -> None:  # type: ignore[no-untyped-def]
    headers = org.headers("exec")
    group = await create(
        api, org, {"kind": "team", "name": "Platform", "parent_id": org.groups["Engineering"]}
    )
    assert group["id"].startswith("grp_") and group["kind"] == "team" and group["version"] == 1
    assert set(group) == {"id", "kind", "name", "parent_id", "created_at", "updated_at", "version"}
    got = await api.get(f"{GROUPS}/{group['id']}", headers=org.headers("alice"))
    assert got.status_code == 200 and got.json() == group

    renamed = await api.patch(
        f"{GROUPS}/{group['id']}", json={"name": "Platform Team", "parent_id": None}, headers=headers
    )
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["name"] == "Platform Team" and renamed.json()["parent_id"] is None
    assert renamed.json()["version"] == 2

    listed = (await api.get(GROUPS, params={"kind": "team"}, headers=headers)).json()
    assert [g["id"] for g in listed["data"]] == [group["id"]]
    deleted = await api.delete(f"{GROUPS}/{group['id']}", headers=headers)
    assert deleted.status_code == 204
    assert (await api.get(f"{GROUPS}/{group['id']}", headers=headers)).status_code == 404
    assert (await api.get(GROUPS, params={"kind": "team"}, headers=headers)).json()["data"] == []
    # The name is free again once the group is gone.
    await create(api, org, {"kind": "team", "name": "Platform Team"})


async def test_list_filters_and_search(api, org) -> None:  # type: ignore[no-untyped-def]
    child = await create(api, org, {"kind": "squad", "name": "Gamma", "parent_id": org.groups["Engineering"]})
    headers = org.headers("alice")
    squads = (await api.get(GROUPS, params={"kind": "squad"}, headers=headers)).json()["data"]
    assert {g["name"] for g in squads} == {"Alpha", "Beta", "Gamma"}
    children = (
        await api.get(GROUPS, params={"parent_id": org.groups["Engineering"]}, headers=headers)
    ).json()
    assert [g["id"] for g in children["data"]] == [child["id"]]
    found = (await api.get(GROUPS, params={"q": "ENGIN"}, headers=headers)).json()["data"]
    assert [g["name"] for g in found] == ["Engineering"]


async def test_duplicate_name_within_a_kind_is_409(api, org) -> None:  # type: ignore[no-untyped-def]
    response = await api.post(GROUPS, json={"kind": "squad", "name": "ALPHA"}, headers=org.headers("exec"))
    assert response.status_code == 409
    # The same name is fine for another kind.
    await create(api, org, {"kind": "team", "name": "Alpha"})
    rename = await api.patch(
        f"{GROUPS}/{org.groups['Beta']}", json={"name": "alpha"}, headers=org.headers("exec")
    )
    assert rename.status_code == 409


async def test_group_cycles_and_bad_parents_are_422(api, org, other_org) -> None:  # type: ignore[no-untyped-def]
    headers = org.headers("exec")
    child = await create(api, org, {"kind": "team", "name": "Child", "parent_id": org.groups["Engineering"]})
    loop = await api.patch(
        f"{GROUPS}/{org.groups['Engineering']}", json={"parent_id": child["id"]}, headers=headers
    )
    assert loop.status_code == 422 and loop.json()["errors"][0]["field"] == "parent_id"
    itself = await api.patch(f"{GROUPS}/{child['id']}", json={"parent_id": child["id"]}, headers=headers)
    assert itself.status_code == 422
    for parent in (other_org.groups["Alpha"], "grp_01HXEXAMPLE00000000000000", "x"):
        response = await api.post(
            GROUPS, json={"kind": "team", "name": "T", "parent_id": parent}, headers=headers
        )
        assert response.status_code == 422, response.text


async def test_group_with_children_cannot_be_deleted(api, org) -> None:  # type: ignore[no-untyped-def]
    await create(api, org, {"kind": "team", "name": "Child", "parent_id": org.groups["Sales"]})
    response = await api.delete(f"{GROUPS}/{org.groups['Sales']}", headers=org.headers("exec"))
    assert response.status_code == 409


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "tribe", "name": "X"},
        {"kind": "team"},
        {"kind": "team", "name": ""},
        {"kind": "team", "name": "X", "extra": 1},
        {"kind": 1, "name": "X"},
    ],
)
async def test_invalid_group_is_422(api, org, body) -> None:  # type: ignore[no-untyped-def]
    assert (await api.post(GROUPS, json=body, headers=org.headers("exec"))).status_code == 422


async def test_group_writes_need_manage_directory(api, org) -> None:  # type: ignore[no-untyped-def]
    headers = org.headers("head")
    assert (await api.post(GROUPS, json={"kind": "team", "name": "X"}, headers=headers)).status_code == 403
    url = f"{GROUPS}/{org.groups['Alpha']}"
    assert (await api.patch(url, json={"name": "X"}, headers=headers)).status_code == 403
    assert (await api.delete(url, headers=headers)).status_code == 403
    members = f"{url}/members"
    add = await api.post(members, json={"person_id": org.people["carol"]}, headers=headers)
    assert add.status_code == 403
    assert (await api.delete(f"{members}/{org.people['alice']}", headers=headers)).status_code == 403
    assert (await api.get(members, headers=headers)).status_code == 200


async def test_other_tenants_groups_are_404(api, org, other_org) -> None:  # type: ignore[no-untyped-def]
    url = f"{GROUPS}/{other_org.groups['Alpha']}"
    headers = org.headers("exec")
    assert (await api.get(url, headers=headers)).status_code == 404
    assert (await api.patch(url, json={"name": "X"}, headers=headers)).status_code == 404
    assert (await api.delete(url, headers=headers)).status_code == 404
    assert (await api.get(f"{url}/members", headers=headers)).status_code == 404
    add = await api.post(f"{url}/members", json={"person_id": org.people["alice"]}, headers=headers)
    assert add.status_code == 404
    remove = await api.delete(f"{url}/members/{other_org.people['alice']}", headers=headers)
    assert remove.status_code == 404
    # A person of another tenant cannot join one of ours.
    ours = await api.post(
        f"{GROUPS}/{org.groups['Alpha']}/members",
        json={"person_id": other_org.people["alice"]},
        headers=headers,
    )
    assert ours.status_code == 422


async def test_membership_add_change_role_and_remove(api, org) -> None:  # type: ignore[no-untyped-def]
    headers = org.headers("exec")
    members = f"{GROUPS}/{org.groups['Beta']}/members"
    added = await api.post(
        members, json={"person_id": org.people["manager2"], "role": "lead"}, headers=headers
    )
    assert added.status_code == 201, added.text
    assert added.json()["role"] == "lead" and added.json()["name"] == "Manager2"
    again = await api.post(
        members, json={"person_id": org.people["manager2"], "role": "member"}, headers=headers
    )
    assert again.status_code == 200 and again.json()["role"] == "member"

    listed = (await api.get(members, headers=headers)).json()
    assert {(m["person_id"], m["role"]) for m in listed["data"]} == {
        (org.people["carol"], "member"),
        (org.people["manager2"], "member"),
    }
    leads = (await api.get(members, params={"role": "lead"}, headers=headers)).json()
    assert leads["data"] == []

    removed = await api.delete(f"{members}/{org.people['manager2']}", headers=headers)
    assert removed.status_code == 204
    assert (await api.delete(f"{members}/{org.people['manager2']}", headers=headers)).status_code == 404
    assert (await api.delete(f"{members}/nobody", headers=headers)).status_code == 404
    listed = (await api.get(members, headers=headers)).json()
    assert [m["person_id"] for m in listed["data"]] == [org.people["carol"]]


async def test_squad_lead_membership_grants_visibility(api, org) -> None:  # type: ignore[no-untyped-def]
    goal = await api.post(
        "/api/v1/performance/goals", json={"title": "Close Q3"}, headers=org.headers("carol")
    )
    assert goal.status_code == 201
    url = f"/api/v1/performance/goals/{goal.json()['id']}"
    assert (await api.get(url, headers=org.headers("bob"))).status_code == 404
    members = f"{GROUPS}/{org.groups['Beta']}/members"
    await api.post(
        members, json={"person_id": org.people["bob"], "role": "lead"}, headers=org.headers("exec")
    )
    assert (await api.get(url, headers=org.headers("bob"))).status_code == 200
    await api.delete(f"{members}/{org.people['bob']}", headers=org.headers("exec"))
    assert (await api.get(url, headers=org.headers("bob"))).status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        {"person_id": "nobody"},
        {"role": "lead"},
        {"person_id": "usr_01HXEXAMPLE00000000000000", "role": "boss"},
    ],
)
async def test_invalid_membership_is_422(api, org, body) -> None:  # type: ignore[no-untyped-def]
    response = await api.post(
        f"{GROUPS}/{org.groups['Beta']}/members", json=body, headers=org.headers("exec")
    )
    assert response.status_code == 422


async def test_inactive_people_cannot_join(api, org) -> None:  # type: ignore[no-untyped-def]
    await api.patch(
        f"/api/v1/directory/people/{org.people['bob']}",
        json={"status": "inactive"},
        headers=org.headers("exec"),
    )
    response = await api.post(
        f"{GROUPS}/{org.groups['Beta']}/members",
        json={"person_id": org.people["bob"]},
        headers=org.headers("exec"),
    )
    assert response.status_code == 422


async def test_member_pagination(api, org) -> None:  # type: ignore[no-untyped-def]
    url = f"{GROUPS}/{org.groups['Engineering']}/members"
    first = (await api.get(url, params={"limit": 3}, headers=org.headers("exec"))).json()
    assert len(first["data"]) == 3 and first["has_more"]
    rest = (
        await api.get(url, params={"limit": 3, "cursor": first["next_cursor"]}, headers=org.headers("exec"))
    ).json()
    assert len(rest["data"]) == 2 and not rest["has_more"]
    ids = [m["person_id"] for m in first["data"] + rest["data"]]
    assert sorted(ids) == ids and len(set(ids)) == 5


async def test_cohort_completion_follows_its_group_membership(api, org) -> None:  # type: ignore[no-untyped-def]
    headers = org.headers("exec")
    group = await create(api, org, {"kind": "cohort", "name": "Leaders"})
    members = f"{GROUPS}/{group['id']}/members"
    await api.post(members, json={"person_id": org.people["alice"]}, headers=headers)
    cohort = (
        await api.post(
            "/api/v1/learning/cohorts",
            json={"name": "Leaders 2026", "group_id": group["id"]},
            headers=headers,
        )
    ).json()
    record = await api.post(
        "/api/v1/performance/learning-records",
        headers=org.headers("alice"),
        json={
            "title": "Module 1",
            "linked_cohort_id": cohort["id"],
            "completed_at": "2026-01-10",
            "passed": True,
        },
    )
    assert record.status_code == 201, record.text

    async def completion() -> float:
        got = await api.get(f"/api/v1/learning/cohorts/{cohort['id']}", headers=headers)
        return float(got.json()["current_completion_pct"])

    assert await completion() == 100
    await api.post(members, json={"person_id": org.people["bob"]}, headers=headers)
    assert await completion() == 50
    await api.delete(f"{members}/{org.people['bob']}", headers=headers)
    assert await completion() == 100


async def test_applications_need_the_directory_permission(api, org, owner_db) -> None:  # type: ignore[no-untyped-def]
    from tests.factories import create_application

    reader = await create_application(owner_db, org, ["view:directory"])
    headers = org.app_headers(reader, ["view:directory"])
    assert (await api.get(GROUPS, headers=headers)).status_code == 200
    assert (await api.post(GROUPS, json={"kind": "team", "name": "X"}, headers=headers)).status_code == 403
    writer = await create_application(owner_db, org, ["manage:directory"])
    created = await api.post(
        GROUPS, json={"kind": "team", "name": "X"}, headers=org.app_headers(writer, ["manage:directory"])
    )
    assert created.status_code == 201
    other = await create_application(owner_db, org, ["view:okr"])
    assert (await api.get(GROUPS, headers=org.app_headers(other, ["view:okr"]))).status_code == 403
