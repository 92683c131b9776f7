"""The outbox (CONTRACT §8.1): every committed change writes its event in the same transaction, a
failed request writes none; payloads carry records and changed field names, never a name, an email,
a rating or a comment; `GET /api/v1/events` shows them oldest first to the people and applications
allowed, and nothing of another tenant, application or area."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx
import pytest

from tests.factories import Org, create_application

EVENTS = "/api/v1/events"
GOALS = "/api/v1/performance/goals"


async def _events(api: httpx.AsyncClient, org: Org, **params: Any) -> list[dict[str, Any]]:
    response = await api.get(EVENTS, params=params, headers=org.headers("exec"))
    assert response.status_code == 200, response.text
    return response.json()["data"]  # type: ignore[no-any-return]


def _assert_same_record(record: dict[str, Any], returned: dict[str, Any]) -> None:
    """The event's record is the API's: the same fields and values, date-times the same instant in
    ISO 8601 with Z (the database may print fewer trailing zeros of the fraction)."""
    assert record.keys() == returned.keys()
    for name, value in returned.items():
        if name.endswith("_at") and isinstance(value, str):
            assert record[name].endswith("Z"), name
            assert datetime.fromisoformat(record[name]) == datetime.fromisoformat(value), name
        else:
            assert record[name] == value, name


async def _goal(api: httpx.AsyncClient, org: Org, who: str = "alice") -> dict[str, Any]:
    response = await api.post(GOALS, json={"title": "Ship the outbox"}, headers=org.headers(who))
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


async def test_a_create_writes_its_event_with_the_record_as_the_api_returns_it(api, org) -> None:  # type: ignore[no-untyped-def]
    goal = await _goal(api, org)
    [event] = await _events(api, org, subject_id=goal["id"])
    assert event["type"] == "person_goal.created"
    assert event["id"].startswith("evt_") and len(event["id"]) == 30
    assert event["tenant_id"] == org.tenant_id and event["app_id"] is None
    assert event["actor"] == {"type": "person", "id": org.people["alice"]}
    assert event["subject"] == {"type": "person_goal", "id": goal["id"]}
    _assert_same_record(event["data"]["record"], goal)


async def test_an_update_names_the_changed_fields_and_a_delete_is_its_own_type(api, org) -> None:  # type: ignore[no-untyped-def]
    objectives = "/api/v1/okr/objectives"
    created = await api.post(
        objectives, json={"title": "Grow", "period": "2026-Q1"}, headers=org.headers("exec")
    )
    assert created.status_code == 201, created.text
    path = f"{objectives}/{created.json()['id']}"
    patched = await api.patch(path, json={"title": "Grow well", "category": "x"}, headers=org.headers("exec"))
    assert patched.status_code == 200, patched.text
    assert (await api.delete(path, headers=org.headers("exec"))).status_code == 204
    events = await _events(api, org, subject_id=created.json()["id"])
    assert [e["type"] for e in events] == ["objective.created", "objective.updated", "objective.deleted"]
    assert events[1]["data"]["changed"] == ["category", "title"]
    _assert_same_record(events[1]["data"]["record"], patched.json())
    assert [e["id"] for e in events] == sorted(e["id"] for e in events)


async def test_a_refused_or_failed_write_writes_no_event(api, org) -> None:  # type: ignore[no-untyped-def]
    before = await _events(api, org, type="person_goal.*")
    refused = await api.post(GOALS, json={"title": "x", "progress_pct": 400}, headers=org.headers("alice"))
    assert refused.status_code == 422
    unseen = await api.post(
        GOALS, json={"title": "x", "person_id": org.people["carol"]}, headers=org.headers("alice")
    )
    assert unseen.status_code in (403, 404, 422)
    assert await _events(api, org, type="person_goal.*") == before


async def test_directory_events_carry_ids_and_field_names_never_names_or_emails(api, org) -> None:  # type: ignore[no-untyped-def]
    response = await api.patch(
        f"/api/v1/directory/people/{org.people['bob']}",
        json={"name": "Robert Secretname", "job_title": "Engineer"},
        headers=org.headers("exec"),
    )
    assert response.status_code == 200, response.text
    [event] = await _events(api, org, type="person.updated", subject_id=org.people["bob"])
    assert event["data"] == {"person_id": org.people["bob"], "changed": ["job_title", "name"]}
    everything = str(await _events(api, org, limit=200))
    assert "Secretname" not in everything and "@" not in everything


async def test_reading_events_needs_manage_platform_and_sees_only_its_tenant(api, org, other_org) -> None:  # type: ignore[no-untyped-def]
    goal = await _goal(api, org)
    for who in ("manager", "head", "alice"):
        assert (await api.get(EVENTS, headers=org.headers(who))).status_code == 403
    assert await _events(api, other_org, subject_id=goal["id"]) == []


async def test_an_application_sees_its_own_events_of_the_areas_it_may_view(api, org, owner_db) -> None:  # type: ignore[no-untyped-def]
    goal = await _goal(api, org)
    narrow = await create_application(owner_db, org, ["view:platform", "view:okr"])
    headers = org.app_headers(narrow, ["view:platform", "view:okr"])
    seen = (await api.get(EVENTS, params={"subject_id": goal["id"]}, headers=headers)).json()["data"]
    assert seen == []  # a personal goal needs view:performance, and it is not this application's
    wide = await create_application(owner_db, org, ["view:platform", "update:performance", "update:okr"])
    wide_headers = org.app_headers(wide, ["view:platform", "update:performance", "update:okr"])
    created = await api.post(
        "/api/v1/okr/objectives", json={"title": "Grow", "period": "2026-Q1"}, headers=wide_headers
    )
    assert created.status_code == 201, created.text
    [event] = (
        await api.get(EVENTS, params={"subject_id": created.json()["id"]}, headers=wide_headers)
    ).json()["data"]
    assert event["app_id"] == wide and event["actor"] == {"type": "application", "id": wide}
    assert (await api.get(EVENTS, params={"subject_id": created.json()["id"]}, headers=headers)).json()[
        "data"
    ] == []
    assert (await api.get(EVENTS, headers=org.app_headers(wide, ["update:performance"]))).status_code == 403


@pytest.mark.parametrize(
    "params",
    [
        {"type": "nope.created"},
        {"type": "review_cycle"},
        {"type": "*"},
        {"limit": 0},
        {"limit": 201},
        {"after": "x"},
    ],
)
async def test_bad_filters_are_400(api, org, params) -> None:  # type: ignore[no-untyped-def]
    response = await api.get(EVENTS, params=params, headers=org.headers("exec"))
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_type_filters_take_lists_and_prefixes_and_pages_go_by_id(api, org) -> None:  # type: ignore[no-untyped-def]
    goals = [await _goal(api, org) for _ in range(3)]
    objective = await api.post(
        "/api/v1/okr/objectives", json={"title": "Grow", "period": "2026-Q1"}, headers=org.headers("exec")
    )
    assert objective.status_code == 201
    both = await _events(api, org, type="person_goal.created,objective.*")
    assert {e["subject"]["id"] for e in both} >= {*(g["id"] for g in goals), objective.json()["id"]}
    assert all(e["type"] in ("person_goal.created", "objective.created") for e in both)
    first = (
        await api.get(EVENTS, params={"type": "person_goal.*", "limit": 2}, headers=org.headers("exec"))
    ).json()
    assert first["has_more"] and len(first["data"]) == 2
    rest = await _events(api, org, type="person_goal.*", after=first["next_cursor"])
    ids = [e["id"] for e in first["data"] + rest]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
