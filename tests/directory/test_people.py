"""People of the directory through HTTP (CONTRACT §4): CRUD, validation, unique emails, reporting
cycles, permissions, tenant isolation and keyset pagination."""

from __future__ import annotations

import re

import pytest

PEOPLE = "/api/v1/directory/people"
ULID_ID = re.compile(r"^usr_[0-9A-HJKMNP-TV-Z]{26}$")


async def create(api, org, body: dict, who: str = "exec"):  # type: ignore[no-untyped-def]
    response = await api.post(PEOPLE, json=body, headers=org.headers(who))
    assert response.status_code == 201, response.text
    return response.json()


def new_person(org, name: str = "Dana", **extra) -> dict:  # type: ignore[no-untyped-def]
    return {
        "name": name,
        "email": f"{name.lower()}@{org.tenant_id}.test",
        "access_level": "employee",
        **extra,
    }


async def test_create_get_and_list_a_person(api, org) -> None:  # type: ignore[no-untyped-def]
    body = new_person(org, manager_id=org.people["lead"], job_title="Engineer", external_id="HR-1")
    response = await api.post(PEOPLE, json=body, headers=org.headers("exec"))
    assert response.status_code == 201, response.text
    person = response.json()
    assert ULID_ID.match(person["id"])
    assert response.headers["location"] == f"{PEOPLE}/{person['id']}"
    assert set(person) == {
        "id",
        "name",
        "email",
        "access_level",
        "manager_id",
        "job_title",
        "review_template_id",
        "status",
        "external_id",
        "created_at",
        "updated_at",
        "version",
    }
    assert person["status"] == "active" and person["version"] == 1 and person["created_at"].endswith("Z")
    assert person["manager_id"] == org.people["lead"] and person["review_template_id"] is None

    got = await api.get(f"{PEOPLE}/{person['id']}", headers=org.headers("alice"))
    assert got.status_code == 200 and got.json() == person and got.headers["etag"] == '"1"'
    listed = (await api.get(PEOPLE, headers=org.headers("alice"))).json()
    assert person["id"] in {p["id"] for p in listed["data"]} and len(listed["data"]) == 9
    assert listed["has_more"] is False and listed["next_cursor"] is None


async def test_read_only_fields_sent_back_are_ignored(api, org) -> None:  # type: ignore[no-untyped-def]
    person = await create(
        api,
        org,
        {**new_person(org), "id": "usr_01HXEXAMPLE", "version": 7, "created_at": "2020-01-01T00:00:00Z"},
    )
    assert person["id"] != "usr_01HXEXAMPLE" and person["version"] == 1
    again = await api.patch(
        f"{PEOPLE}/{person['id']}", json={**person, "job_title": "Lead"}, headers=org.headers("exec")
    )
    assert again.status_code == 200, again.text
    assert again.json()["job_title"] == "Lead" and again.json()["version"] == 2


async def test_patch_changes_only_sent_fields_and_null_clears(api, org) -> None:  # type: ignore[no-untyped-def]
    person = await create(api, org, new_person(org, job_title="Engineer", manager_id=org.people["lead"]))
    response = await api.patch(
        f"{PEOPLE}/{person['id']}",
        json={"job_title": None, "access_level": "lead"},
        headers=org.headers("exec"),
    )
    assert response.status_code == 200, response.text
    updated = response.json()
    assert updated["job_title"] is None and updated["access_level"] == "lead"
    assert updated["manager_id"] == org.people["lead"] and updated["name"] == "Dana"
    assert updated["version"] == 2 and updated["updated_at"] > person["updated_at"]
    assert response.headers["etag"] == '"2"'


@pytest.mark.parametrize(
    "body, field",
    [
        ({"name": "X", "email": "not-an-email", "access_level": "employee"}, "email"),
        ({"name": "X", "email": "x@y.test", "access_level": "boss"}, "access_level"),
        ({"name": "", "email": "x@y.test", "access_level": "employee"}, "name"),
        ({"name": "   ", "email": "x@y.test", "access_level": "employee"}, "name"),
        ({"name": 5, "email": "x@y.test", "access_level": "employee"}, "name"),
        ({"email": "x@y.test", "access_level": "employee"}, "name"),
        ({"name": "X", "email": "x@y.test", "access_level": "employee", "colour": "red"}, "colour"),
        ({"name": "X", "email": "x@y.test", "access_level": "employee", "status": "gone"}, "status"),
        ({"name": "X" * 201, "email": "x@y.test", "access_level": "employee"}, "name"),
    ],
)
async def test_invalid_person_is_422_naming_the_field(api, org, body, field) -> None:  # type: ignore[no-untyped-def]
    response = await api.post(PEOPLE, json=body, headers=org.headers("exec"))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert field in {e["field"] for e in response.json()["errors"]}


async def test_explicit_null_for_a_required_field_is_422(api, org) -> None:  # type: ignore[no-untyped-def]
    response = await api.patch(
        f"{PEOPLE}/{org.people['alice']}", json={"name": None}, headers=org.headers("exec")
    )
    assert response.status_code == 422


async def test_malformed_json_and_wrong_media_type(api, org) -> None:  # type: ignore[no-untyped-def]
    headers = org.headers("exec")
    bad_json = await api.post(
        PEOPLE, content=b'{"name": ', headers={**headers, "content-type": "application/json"}
    )
    assert bad_json.status_code == 422
    as_text = await api.post(PEOPLE, content=b"name=x", headers={**headers, "content-type": "text/plain"})
    assert as_text.status_code == 415


async def test_duplicate_email_is_409_case_insensitively(api, org) -> None:  # type: ignore[no-untyped-def]
    await create(api, org, new_person(org))
    again = await api.post(
        PEOPLE,
        json={**new_person(org, "Other"), "email": f"DANA@{org.tenant_id.upper()}.test"},
        headers=org.headers("exec"),
    )
    assert again.status_code == 409, again.text
    taken = await api.patch(
        f"{PEOPLE}/{org.people['bob']}",
        json={"email": f"Alice@{org.tenant_id}.test"},
        headers=org.headers("exec"),
    )
    assert taken.status_code == 409
    # Changing only the case of one's own email is not a conflict.
    own = await api.patch(
        f"{PEOPLE}/{org.people['bob']}",
        json={"email": f"BOB@{org.tenant_id}.test"},
        headers=org.headers("exec"),
    )
    assert own.status_code == 200 and own.json()["email"] == f"BOB@{org.tenant_id}.test"


async def test_same_email_in_another_tenant_is_fine(api, org, other_org) -> None:  # type: ignore[no-untyped-def]
    await create(api, org, {**new_person(org), "email": "shared@example.test"})
    await create(api, other_org, {**new_person(other_org), "email": "shared@example.test"})


async def test_reporting_cycle_is_422(api, org) -> None:  # type: ignore[no-untyped-def]
    # lead reports (transitively) to head; making head report to lead closes a loop.
    response = await api.patch(
        f"{PEOPLE}/{org.people['head']}",
        json={"manager_id": org.people["alice"]},
        headers=org.headers("exec"),
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == "manager_id"
    self_managed = await api.patch(
        f"{PEOPLE}/{org.people['bob']}", json={"manager_id": org.people["bob"]}, headers=org.headers("exec")
    )
    assert self_managed.status_code == 422
    # Moving sideways in the tree is fine.
    moved = await api.patch(
        f"{PEOPLE}/{org.people['bob']}",
        json={"manager_id": org.people["manager2"]},
        headers=org.headers("exec"),
    )
    assert moved.status_code == 200 and moved.json()["manager_id"] == org.people["manager2"]


async def test_manager_must_be_an_active_person_of_the_tenant(api, org, other_org) -> None:  # type: ignore[no-untyped-def]
    for manager_id in (other_org.people["exec"], "usr_01HXEXAMPLE00000000000000", "nobody"):
        response = await api.post(
            PEOPLE, json=new_person(org, manager_id=manager_id), headers=org.headers("exec")
        )
        assert response.status_code == 422, response.text
    await api.patch(
        f"{PEOPLE}/{org.people['carol']}", json={"status": "inactive"}, headers=org.headers("exec")
    )
    response = await api.post(
        PEOPLE, json=new_person(org, manager_id=org.people["carol"]), headers=org.headers("exec")
    )
    assert response.status_code == 422


async def test_deactivating_keeps_history_and_the_person_readable(api, org) -> None:  # type: ignore[no-untyped-def]
    goal = await api.post(
        "/api/v1/performance/goals", json={"title": "Ship it"}, headers=org.headers("alice")
    )
    assert goal.status_code == 201
    response = await api.patch(
        f"{PEOPLE}/{org.people['alice']}", json={"status": "inactive"}, headers=org.headers("exec")
    )
    assert response.status_code == 200 and response.json()["status"] == "inactive"
    assert response.json()["manager_id"] == org.people["lead"]
    # The person can no longer sign in, but everything about them is still there.
    assert (await api.get(PEOPLE, headers=org.headers("alice"))).status_code == 401
    kept = await api.get(f"/api/v1/performance/goals/{goal.json()['id']}", headers=org.headers("exec"))
    assert kept.status_code == 200
    members = (
        await api.get(f"/api/v1/directory/groups/{org.groups['Alpha']}/members", headers=org.headers("exec"))
    ).json()
    assert org.people["alice"] in {m["person_id"] for m in members["data"]}
    inactive = (await api.get(PEOPLE, params={"status": "inactive"}, headers=org.headers("exec"))).json()
    assert [p["id"] for p in inactive["data"]] == [org.people["alice"]]


@pytest.mark.parametrize("who", ["employee", "head"])
async def test_writes_need_manage_directory(api, org, who) -> None:  # type: ignore[no-untyped-def]
    name = {"employee": "alice", "head": "head"}[who]
    assert (await api.post(PEOPLE, json=new_person(org), headers=org.headers(name))).status_code == 403
    patch = await api.patch(
        f"{PEOPLE}/{org.people['bob']}", json={"job_title": "x"}, headers=org.headers(name)
    )
    assert patch.status_code == 403


async def test_reads_need_view_directory(api, org) -> None:  # type: ignore[no-untyped-def]
    headers = org.headers("alice", permissions=["view:okr"])
    assert (await api.get(PEOPLE, headers=headers)).status_code == 403
    assert (await api.get(f"{PEOPLE}/{org.people['bob']}", headers=headers)).status_code == 403
    assert (await api.get(PEOPLE)).status_code == 401


async def test_explicit_manage_directory_permission_can_write(api, org) -> None:  # type: ignore[no-untyped-def]
    # With the permissions of the level it sets too (§1.3: no one is raised above the caller's rights).
    headers = org.headers(
        "alice", permissions=["manage:directory", "view:performance", "update:okr", "view:learning"]
    )
    assert (await api.post(PEOPLE, json=new_person(org), headers=headers)).status_code == 201


async def test_other_tenants_people_are_404(api, org, other_org) -> None:  # type: ignore[no-untyped-def]
    theirs = other_org.people["alice"]
    assert (await api.get(f"{PEOPLE}/{theirs}", headers=org.headers("exec"))).status_code == 404
    patch = await api.patch(f"{PEOPLE}/{theirs}", json={"job_title": "x"}, headers=org.headers("exec"))
    assert patch.status_code == 404
    # Even for a caller without the write permission: invisible beats forbidden.
    assert (
        await api.patch(f"{PEOPLE}/{theirs}", json={"job_title": "x"}, headers=org.headers("alice"))
    ).status_code == 404
    listed = (await api.get(PEOPLE, params={"limit": 200}, headers=org.headers("exec"))).json()
    assert theirs not in {p["id"] for p in listed["data"]}


@pytest.mark.parametrize("person_id", ["nope", "usr_01HXEXAMPLE00000000000000", "usr_\u00e9", "%00"])
async def test_bad_ids_are_404(api, org, person_id) -> None:  # type: ignore[no-untyped-def]
    assert (await api.get(f"{PEOPLE}/{person_id}", headers=org.headers("exec"))).status_code == 404


async def test_filters_and_search(api, org) -> None:  # type: ignore[no-untyped-def]
    headers = org.headers("exec")

    async def ids(**params) -> set[str]:  # type: ignore[no-untyped-def]
        response = await api.get(PEOPLE, params=params, headers=headers)
        assert response.status_code == 200, response.text
        return {p["id"] for p in response.json()["data"]}

    assert await ids(access_level="manager") == {org.people["manager"], org.people["manager2"]}
    assert await ids(manager_id=org.people["lead"]) == {org.people["alice"], org.people["bob"]}
    assert await ids(email=f"ALICE@{org.tenant_id}.TEST") == {org.people["alice"]}
    assert await ids(q="ALI") == {org.people["alice"]}
    assert await ids(q=org.tenant_id) == set(org.people.values())  # matches the email domain
    assert await ids(q="100%_") == set()
    assert await ids(status="active", access_level="employee") == {
        org.people[n] for n in ("alice", "bob", "carol")
    }


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 0},
        {"limit": 201},
        {"limit": "x"},
        {"access_level": "boss"},
        {"colour": "red"},
        {"cursor": "garbage"},
        {"q": "a\x00b"},
    ],
)
async def test_bad_query_parameters_are_400(api, org, params) -> None:  # type: ignore[no-untyped-def]
    response = await api.get(PEOPLE, params=params, headers=org.headers("exec"))
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"


async def test_pagination_walks_every_person_once(api, org) -> None:  # type: ignore[no-untyped-def]
    for i in range(7):
        await create(api, org, new_person(org, f"Page{i}"))
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        params = {"limit": 4, **({"cursor": cursor} if cursor else {})}
        page = (await api.get(PEOPLE, params=params, headers=org.headers("exec"))).json()
        seen += [p["id"] for p in page["data"]]
        pages += 1
        if not page["has_more"]:
            assert page["next_cursor"] is None
            break
        cursor = page["next_cursor"]
    assert pages == 4 and len(seen) == 15 == len(set(seen)) and seen == sorted(seen)
    # A cursor replayed with other filters is refused.
    first = (await api.get(PEOPLE, params={"limit": 2}, headers=org.headers("exec"))).json()
    other = await api.get(
        PEOPLE,
        params={"limit": 2, "status": "active", "cursor": first["next_cursor"]},
        headers=org.headers("exec"),
    )
    assert other.status_code == 400


async def test_version_and_if_match_guard_concurrent_edits(api, org) -> None:  # type: ignore[no-untyped-def]
    url = f"{PEOPLE}/{org.people['bob']}"
    stale = await api.patch(url, json={"job_title": "x", "version": 5}, headers=org.headers("exec"))
    assert stale.status_code == 409 and stale.json()["current"]["id"] == org.people["bob"]
    mismatch = await api.patch(
        url, json={"job_title": "x"}, headers={**org.headers("exec"), "If-Match": '"9"'}
    )
    assert mismatch.status_code == 412
    ok = await api.patch(
        url, json={"job_title": "x", "version": 1}, headers={**org.headers("exec"), "If-Match": '"1"'}
    )
    assert ok.status_code == 200 and ok.json()["version"] == 2
