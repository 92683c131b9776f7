"""Applications (CONTRACT §1.2): CRUD, validation of permissions, manage:platform, tenant isolation."""

from __future__ import annotations

import re

import pytest

from tests.platform.support import APPLICATIONS, assert_problem, create_app, create_key

APP_ID = re.compile(r"^app_[0-9A-HJKMNP-TV-Z]{26}$")


async def test_create_application_is_201_with_location_and_every_field(api, org) -> None:  # type: ignore[no-untyped-def]
    response = await api.post(
        APPLICATIONS,
        json={"name": "HRIS sync", "permissions": ["view:okr", "update:okr"]},
        headers=org.headers("exec"),
    )
    assert response.status_code == 201, response.text
    app = response.json()
    assert set(app) == {"id", "name", "permissions", "created_by", "created_at", "updated_at"}
    assert APP_ID.match(app["id"])
    assert response.headers["location"] == f"{APPLICATIONS}/{app['id']}"
    assert app["name"] == "HRIS sync" and app["permissions"] == ["view:okr", "update:okr"]
    assert app["created_by"] == org.people["exec"] and app["created_at"].endswith("Z")


async def test_list_get_patch_delete_round_trip(api, org) -> None:  # type: ignore[no-untyped-def]
    first = await create_app(api, org, ["view:okr"], name="First")
    second = await create_app(api, org, [], name="Second")
    listed = await api.get(APPLICATIONS, headers=org.headers("exec"))
    assert listed.status_code == 200
    assert [a["id"] for a in listed.json()["data"]] == [first["id"], second["id"]]
    assert listed.json()["has_more"] is False

    got = await api.get(f"{APPLICATIONS}/{first['id']}", headers=org.headers("exec"))
    assert got.status_code == 200 and got.json() == first

    patched = await api.patch(
        f"{APPLICATIONS}/{first['id']}", json={"name": "Renamed"}, headers=org.headers("exec")
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["name"] == "Renamed" and patched.json()["permissions"] == ["view:okr"]
    assert patched.json()["updated_at"] >= first["updated_at"]

    deleted = await api.delete(f"{APPLICATIONS}/{first['id']}", headers=org.headers("exec"))
    assert deleted.status_code == 204 and deleted.content == b""
    assert_problem(await api.get(f"{APPLICATIONS}/{first['id']}", headers=org.headers("exec")), 404)
    listed = await api.get(APPLICATIONS, headers=org.headers("exec"))
    assert [a["id"] for a in listed.json()["data"]] == [second["id"]]


async def test_patch_replaces_permissions_and_empty_patch_changes_nothing(api, org) -> None:  # type: ignore[no-untyped-def]
    app = await create_app(api, org, ["view:okr"])
    url = f"{APPLICATIONS}/{app['id']}"
    response = await api.patch(
        url, json={"permissions": ["view:learning", "update:learning"]}, headers=org.headers("exec")
    )
    assert response.json()["permissions"] == ["view:learning", "update:learning"]
    assert response.json()["name"] == app["name"]
    unchanged = await api.patch(url, json={}, headers=org.headers("exec"))
    assert unchanged.status_code == 200 and unchanged.json() == response.json()


async def test_duplicate_permissions_are_stored_once(api, org) -> None:  # type: ignore[no-untyped-def]
    app = await create_app(api, org, ["view:okr", "view:okr", "update:okr"])
    assert app["permissions"] == ["view:okr", "update:okr"]


@pytest.mark.parametrize(
    "permission", ["admin", "view:hr", "delete:okr", "view", "view:okr:extra", "VIEW:OKR", "", 7, None]
)
async def test_invalid_permission_is_422(api, org, permission) -> None:  # type: ignore[no-untyped-def]
    response = await api.post(
        APPLICATIONS, json={"name": "x", "permissions": ["view:okr", permission]}, headers=org.headers("exec")
    )
    problem = assert_problem(response, 422)
    assert any(e["field"].startswith("permissions") for e in problem["errors"])
    app = await create_app(api, org, [])
    patched = await api.patch(
        f"{APPLICATIONS}/{app['id']}", json={"permissions": [permission]}, headers=org.headers("exec")
    )
    assert_problem(patched, 422)


@pytest.mark.parametrize(
    "body",
    [
        {"permissions": []},  # name missing
        {"name": "", "permissions": []},
        {"name": "   ", "permissions": []},
        {"name": "x" * 201},
        {"name": 5},
        {"name": "x", "permissions": "view:okr"},
        {"name": "x", "colour": "red"},
    ],
)
async def test_invalid_create_body_is_422(api, org, body) -> None:  # type: ignore[no-untyped-def]
    assert_problem(await api.post(APPLICATIONS, json=body, headers=org.headers("exec")), 422)


@pytest.mark.parametrize("body", [{"name": None}, {"permissions": None}, {"name": ""}, {"id": "app_x"}])
async def test_invalid_patch_body_is_422(api, org, body) -> None:  # type: ignore[no-untyped-def]
    app = await create_app(api, org, [])
    assert_problem(
        await api.patch(f"{APPLICATIONS}/{app['id']}", json=body, headers=org.headers("exec")), 422
    )


def _operations(app_id: str) -> list[tuple[str, str, dict | None]]:
    return [
        ("GET", APPLICATIONS, None),
        ("POST", APPLICATIONS, {"name": "x", "permissions": []}),
        ("GET", f"{APPLICATIONS}/{app_id}", None),
        ("PATCH", f"{APPLICATIONS}/{app_id}", {"name": "y"}),
        ("DELETE", f"{APPLICATIONS}/{app_id}", None),
        ("POST", f"{APPLICATIONS}/{app_id}/keys", None),
        ("GET", f"{APPLICATIONS}/{app_id}/keys", None),
        ("DELETE", f"{APPLICATIONS}/{app_id}/keys/key_01JD3ZZZZZZZZZZZZZZZZZZZZZ", None),
    ]


@pytest.mark.parametrize("who", ["head", "manager", "alice"])
async def test_every_application_operation_needs_manage_platform(api, org, who) -> None:  # type: ignore[no-untyped-def]
    app = await create_app(api, org, ["view:okr"])
    for method, url, body in _operations(app["id"]):
        response = await api.request(method, url, json=body, headers=org.headers(who))
        assert_problem(response, 403)
    still = await api.get(f"{APPLICATIONS}/{app['id']}", headers=org.headers("exec"))
    assert still.status_code == 200 and still.json()["name"] == app["name"]


async def test_explicit_manage_platform_permission_is_enough(api, org) -> None:  # type: ignore[no-untyped-def]
    headers = org.headers("alice", permissions=["manage:platform"])
    response = await api.post(
        APPLICATIONS, json={"name": "x", "permissions": ["view:platform"]}, headers=headers
    )
    assert response.status_code == 201, response.text


async def test_cannot_grant_permissions_the_caller_does_not_hold(api, org) -> None:  # type: ignore[no-untyped-def]
    headers = org.headers("alice", permissions=["manage:platform", "view:okr"])
    response = await api.post(
        APPLICATIONS, json={"name": "x", "permissions": ["view:okr", "manage:okr"]}, headers=headers
    )
    problem = assert_problem(response, 403)
    assert "manage:okr" in problem["detail"]
    app = await create_app(api, org, ["view:okr"], who="exec")
    patched = await api.patch(
        f"{APPLICATIONS}/{app['id']}", json={"permissions": ["manage:directory"]}, headers=headers
    )
    assert_problem(patched, 403)


async def test_applications_of_another_tenant_are_404(api, org, other_org) -> None:  # type: ignore[no-untyped-def]
    app = await create_app(api, org, ["view:okr"])
    key = await create_key(api, org, app["id"])
    for method, url, body in _operations(app["id"])[2:]:
        if method == "DELETE" and url.endswith("/keys/key_01JD3ZZZZZZZZZZZZZZZZZZZZZ"):
            url = f"{APPLICATIONS}/{app['id']}/keys/{key['id']}"
        response = await api.request(method, url, json=body, headers=other_org.headers("exec"))
        assert_problem(response, 404)
    listed = await api.get(APPLICATIONS, headers=other_org.headers("exec"))
    assert listed.status_code == 200 and listed.json()["data"] == []
    # Nothing changed for the owner.
    assert (await api.get(f"{APPLICATIONS}/{app['id']}", headers=org.headers("exec"))).json() == app
    keys = (await api.get(f"{APPLICATIONS}/{app['id']}/keys", headers=org.headers("exec"))).json()["data"]
    assert [k["id"] for k in keys] == [key["id"]] and keys[0]["revoked_at"] is None


async def test_deleted_application_is_gone_for_every_operation(api, org) -> None:  # type: ignore[no-untyped-def]
    app = await create_app(api, org, ["view:okr"])
    assert (await api.delete(f"{APPLICATIONS}/{app['id']}", headers=org.headers("exec"))).status_code == 204
    for method, url, body in _operations(app["id"])[2:]:
        assert_problem(await api.request(method, url, json=body, headers=org.headers("exec")), 404)


async def test_unknown_application_is_404(api, org) -> None:  # type: ignore[no-untyped-def]
    for method, url, body in _operations("app_01JD3ZZZZZZZZZZZZZZZZZZZZZ")[2:]:
        assert_problem(await api.request(method, url, json=body, headers=org.headers("exec")), 404)


async def test_application_operations_need_a_token(api, org) -> None:  # type: ignore[no-untyped-def]
    for method, url, body in _operations("app_01JD3ZZZZZZZZZZZZZZZZZZZZZ"):
        assert_problem(await api.request(method, url, json=body), 401)
