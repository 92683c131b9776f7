"""Permissions (CONTRACT §1.3): the defaults per access level when the token carries none, explicit
`permissions` replacing them, and implication (manage ⊃ update ⊃ view)."""

from __future__ import annotations

import pytest

LEVELS = ("alice", "lead", "manager", "head", "exec")  # employee, lead, manager, head, executive

# Each probe needs exactly one permission; expected status per caller in LEVELS order.
PROBES = {
    "view:okr": ("GET", "/api/v1/okr/objectives", None, (200, 200, 200, 200, 200)),
    "update:okr": ("POST", "/api/v1/okr/objectives", {"title": "O", "period": "2026-Q2"}, (201,) * 5),
    "update:learning": ("POST", "/api/v1/learning/cohorts", {"name": "C"}, (403, 201, 201, 201, 201)),
    "manage:okr": ("GET", "/api/v1/okr/objectives?include_deleted=true", None, (403, 403, 403, 200, 200)),
    "manage:learning": (
        "GET",
        "/api/v1/learning/cohorts?include_deleted=true",
        None,
        (403, 403, 403, 200, 200),
    ),
    "manage:platform": ("GET", "/api/v1/platform/applications", None, (403, 403, 403, 403, 200)),
}


@pytest.mark.parametrize("permission", PROBES)
async def test_default_permissions_follow_the_access_level(api, org, permission) -> None:  # type: ignore[no-untyped-def]
    method, url, body, expected = PROBES[permission]
    for who, status in zip(LEVELS, expected, strict=True):
        response = await api.request(method, url, json=body, headers=org.headers(who))
        assert response.status_code == status, (permission, who, response.text)
        if status == 403:
            assert response.headers["content-type"] == "application/problem+json"
            assert permission in response.json()["detail"]


@pytest.mark.parametrize("permission", PROBES)
async def test_explicit_permissions_replace_the_defaults(api, org, permission) -> None:  # type: ignore[no-untyped-def]
    method, url, body, _ = PROBES[permission]
    granted = await api.request(
        method, url, json=body, headers=org.headers("alice", permissions=[permission])
    )
    assert granted.status_code in (200, 201), (permission, granted.text)
    others = [p for p in PROBES if p.split(":")[1] != permission.split(":")[1]]
    denied = await api.request(method, url, json=body, headers=org.headers("exec", permissions=others))
    assert denied.status_code == 403, (permission, denied.text)


async def test_an_empty_permission_list_grants_nothing(api, org) -> None:  # type: ignore[no-untyped-def]
    headers = org.headers("exec", permissions=[])
    for method, url, body, _ in PROBES.values():
        assert (await api.request(method, url, json=body, headers=headers)).status_code == 403


async def test_unknown_permission_strings_grant_nothing(api, org) -> None:  # type: ignore[no-untyped-def]
    headers = org.headers("alice", permissions=["admin", "*", "manage:*", "view:okr:x", "root:platform"])
    assert (await api.get("/api/v1/okr/objectives", headers=headers)).status_code == 403
    assert (await api.get("/api/v1/platform/applications", headers=headers)).status_code == 403


async def test_manage_implies_update_implies_view(api, org) -> None:  # type: ignore[no-untyped-def]
    headers = org.headers("alice", permissions=["manage:learning"])
    assert (await api.get("/api/v1/learning/cohorts", headers=headers)).status_code == 200
    assert (
        await api.post("/api/v1/learning/cohorts", json={"name": "C"}, headers=headers)
    ).status_code == 201
    assert (
        await api.get("/api/v1/learning/cohorts?include_deleted=true", headers=headers)
    ).status_code == 200
    assert (await api.get("/api/v1/okr/objectives", headers=headers)).status_code == 403  # other area
    update_only = org.headers("alice", permissions=["update:learning"])
    assert (await api.get("/api/v1/learning/cohorts", headers=update_only)).status_code == 200
    assert (
        await api.get("/api/v1/learning/cohorts?include_deleted=true", headers=update_only)
    ).status_code == 403
