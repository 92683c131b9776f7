"""Events of the platform surface (CONTRACT §8.1, "every committed change"): applications, API keys,
webhook endpoints and the tenant's settings write ids and the names of what changed — never a key,
a key's hash or a webhook secret; a failed delivery's streak is not a change of the endpoint."""

from __future__ import annotations

from typing import Any

import httpx

from tests.factories import Org

APPLICATIONS = "/api/v1/platform/applications"


async def _events(api: httpx.AsyncClient, org: Org, **params: Any) -> list[dict[str, Any]]:
    response = await api.get("/api/v1/events", params={"limit": 200, **params}, headers=org.headers("exec"))
    assert response.status_code == 200, response.text
    return response.json()["data"]  # type: ignore[no-any-return]


async def test_applications_keys_and_settings_write_events_without_secrets(api, org) -> None:  # type: ignore[no-untyped-def]
    headers = org.headers("exec")
    app = await api.post(
        APPLICATIONS, json={"name": "HRIS sync", "permissions": ["view:okr"]}, headers=headers
    )
    assert app.status_code == 201, app.text
    app_id = app.json()["id"]
    key = await api.post(f"{APPLICATIONS}/{app_id}/keys", headers=headers)
    assert key.status_code == 201, key.text
    renamed = await api.patch(f"{APPLICATIONS}/{app_id}", json={"name": "HRIS"}, headers=headers)
    assert renamed.status_code == 200, renamed.text
    assert (
        await api.delete(f"{APPLICATIONS}/{app_id}/keys/{key.json()['id']}", headers=headers)
    ).status_code == 204
    settings = await api.put("/api/v1/platform/settings", json={"events_retention_days": 45}, headers=headers)
    assert settings.status_code == 200, settings.text

    events = await _events(api, org, type="application.*,api_key.*,settings.*,webhook.*")
    types = [e["type"] for e in events]
    assert types[:4] == ["application.created", "api_key.created", "application.updated", "api_key.revoked"]
    assert types[-1] == "settings.updated"
    assert events[0]["data"] == {"application_id": app_id}
    assert events[2]["data"]["changed"] == ["name"]
    assert events[3]["data"]["app_id"] == app_id and "revoked_at" in events[3]["data"]["changed"]
    assert events[-1]["data"] == {"changed": ["events_retention_days"]}
    assert all(e["actor"] == {"type": "person", "id": org.people["exec"]} for e in events)
    text = str(events)
    assert key.json()["key"] not in text and "key_hash" not in text


async def test_an_endpoints_changes_are_events_its_secrets_are_not(hooks_api, org, receiver) -> None:  # type: ignore[no-untyped-def]
    headers = org.headers("exec")
    created = await hooks_api.post(
        "/api/v1/platform/webhooks",
        json={"url": receiver.url("/platform"), "event_types": ["membership.added"]},
        headers=headers,
    )
    assert created.status_code == 201, created.text
    endpoint = created.json()
    rotated = await hooks_api.post(
        f"/api/v1/platform/webhooks/{endpoint['id']}/rotate-secret", headers=headers
    )
    assert rotated.status_code == 200
    assert (
        await hooks_api.delete(f"/api/v1/platform/webhooks/{endpoint['id']}", headers=headers)
    ).status_code == 204
    events = await _events(hooks_api, org, subject_id=endpoint["id"])
    assert [e["type"] for e in events] == ["webhook.created", "webhook.updated", "webhook.deleted"]
    assert events[1]["data"]["changed"] == ["previous_secret", "previous_secret_until", "secret"]
    text = str(events)
    assert endpoint["secret"] not in text and rotated.json()["secret"] not in text
