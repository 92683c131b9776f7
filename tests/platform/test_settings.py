"""Tenant settings (CONTRACT §3.4, §9.3): `feedback_min_responses`, default 1, and `upward_min_responses`,
default 3, set with manage:platform."""

from __future__ import annotations

import pytest

from tests.factories import in_tenant
from tests.platform.support import assert_problem

SETTINGS = "/api/v1/platform/settings"


def _minimums(settings: dict[str, object]) -> dict[str, object]:
    """The 360 minimums of a settings answer (the events settings are tests/events' concern)."""
    return {k: settings[k] for k in ("feedback_min_responses", "upward_min_responses")}


async def test_default_minimum_is_one(api, org) -> None:  # type: ignore[no-untyped-def]
    response = await api.get(SETTINGS, headers=org.headers("exec"))
    assert response.status_code == 200 and _minimums(response.json()) == {
        "feedback_min_responses": 1,
        "upward_min_responses": 3,
    }


async def test_put_changes_only_this_tenant(api, org, other_org, owner_db) -> None:  # type: ignore[no-untyped-def]
    response = await api.put(SETTINGS, json={"feedback_min_responses": 3}, headers=org.headers("exec"))
    assert response.status_code == 200, response.text
    assert _minimums(response.json()) == {"feedback_min_responses": 3, "upward_min_responses": 3}
    assert _minimums((await api.get(SETTINGS, headers=org.headers("exec"))).json()) == {
        "feedback_min_responses": 3,
        "upward_min_responses": 3,
    }
    assert _minimums((await api.get(SETTINGS, headers=other_org.headers("exec"))).json()) == {
        "feedback_min_responses": 1,
        "upward_min_responses": 3,
    }
    async with owner_db.acquire() as conn:
        stored = await conn.fetchval(
            "SELECT feedback_min_responses FROM tenants WHERE tenant_id = $1", org.tenant_id
        )
    assert stored == 3


async def test_an_integral_number_is_an_integer(api, org) -> None:  # type: ignore[no-untyped-def]
    # JSON Schema counts 4.0 as an integer, so the OpenAPI document allows it.
    response = await api.put(SETTINGS, json={"feedback_min_responses": 4.0}, headers=org.headers("exec"))
    assert response.status_code == 200 and _minimums(response.json()) == {
        "feedback_min_responses": 4,
        "upward_min_responses": 3,
    }


async def test_put_creates_a_missing_tenant_row(api, org, owner_db) -> None:  # type: ignore[no-untyped-def]
    await in_tenant(owner_db, org.tenant_id, [("DELETE FROM tenants WHERE tenant_id = $1", (org.tenant_id,))])
    assert _minimums((await api.get(SETTINGS, headers=org.headers("exec"))).json()) == {
        "feedback_min_responses": 1,
        "upward_min_responses": 3,
    }
    response = await api.put(SETTINGS, json={"feedback_min_responses": 2}, headers=org.headers("exec"))
    assert response.status_code == 200 and _minimums(response.json()) == {
        "feedback_min_responses": 2,
        "upward_min_responses": 3,
    }
    assert _minimums((await api.get(SETTINGS, headers=org.headers("exec"))).json()) == {
        "feedback_min_responses": 2,
        "upward_min_responses": 3,
    }


@pytest.mark.parametrize(
    "body",
    [
        {"feedback_min_responses": 0},
        {"feedback_min_responses": -1},
        {"feedback_min_responses": 1001},
        {"feedback_min_responses": 2**40},
        {"feedback_min_responses": "3"},
        {"feedback_min_responses": 2.5},
        {"feedback_min_responses": True},
        {"feedback_min_responses": None},
        {},
        {"feedback_min_responses": 2, "colour": "red"},
        {"feedback_min_responses": 2, "upward_min_responses": 0},
        {"feedback_min_responses": 2, "upward_min_responses": None},
        {"feedback_min_responses": 2, "upward_min_responses": "5"},
    ],
)
async def test_invalid_settings_are_422(api, org, body) -> None:  # type: ignore[no-untyped-def]
    assert_problem(await api.put(SETTINGS, json=body, headers=org.headers("exec")), 422)
    assert _minimums((await api.get(SETTINGS, headers=org.headers("exec"))).json()) == {
        "feedback_min_responses": 1,
        "upward_min_responses": 3,
    }


async def test_the_upward_minimum_changes_only_when_sent(api, org) -> None:  # type: ignore[no-untyped-def]
    both = {"feedback_min_responses": 2, "upward_min_responses": 5}
    assert _minimums((await api.put(SETTINGS, json=both, headers=org.headers("exec"))).json()) == both
    kept = await api.put(SETTINGS, json={"feedback_min_responses": 4}, headers=org.headers("exec"))
    assert _minimums(kept.json()) == {"feedback_min_responses": 4, "upward_min_responses": 5}


@pytest.mark.parametrize("who", ["head", "manager", "alice"])
async def test_settings_need_platform_permissions(api, org, who) -> None:  # type: ignore[no-untyped-def]
    assert_problem(await api.put(SETTINGS, json={"feedback_min_responses": 5}, headers=org.headers(who)), 403)
    assert_problem(await api.get(SETTINGS, headers=org.headers(who)), 403)


async def test_view_platform_reads_but_does_not_write(api, org) -> None:  # type: ignore[no-untyped-def]
    headers = org.headers("alice", permissions=["view:platform"])
    assert (await api.get(SETTINGS, headers=headers)).status_code == 200
    assert_problem(await api.put(SETTINGS, json={"feedback_min_responses": 5}, headers=headers), 403)


async def test_settings_need_a_token(api) -> None:  # type: ignore[no-untyped-def]
    assert_problem(await api.get(SETTINGS), 401)
    assert_problem(await api.put(SETTINGS, json={"feedback_min_responses": 2}), 401)
