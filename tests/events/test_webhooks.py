"""Webhooks (CONTRACT §8.2–§8.3) against a real receiving HTTP server on 127.0.0.1: the secret shown
once, Standard Webhooks signatures (checked with the `standardwebhooks` package), filters, ping,
retries on the schedule, `failed` after the last, auto-disable with its event, rotation's two
signatures, manual retry, per-subject order, and endpoints other tenants cannot reach."""

from __future__ import annotations

import json
from typing import Any

import httpx
from standardwebhooks.webhooks import Webhook

from tests.events.conftest import Receiver
from tests.factories import Org

WEBHOOKS = "/api/v1/platform/webhooks"
OBJECTIVES = "/api/v1/okr/objectives"


async def _endpoint(
    api: httpx.AsyncClient, org: Org, receiver: Receiver, path: str, types: list[str]
) -> dict[str, Any]:
    response = await api.post(
        WEBHOOKS, json={"url": receiver.url(path), "event_types": types}, headers=org.headers("exec")
    )
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


async def _objective(api: httpx.AsyncClient, org: Org, title: str = "Grow") -> dict[str, Any]:
    response = await api.post(
        OBJECTIVES, json={"title": title, "period": "2026-Q1"}, headers=org.headers("exec")
    )
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def _verified(secret: str, received: Any) -> dict[str, Any]:
    """The body, after the `standardwebhooks` package verified its signature (raises otherwise)."""
    return Webhook(secret).verify(received.body.decode(), received.headers)  # type: ignore[no-any-return]


async def test_the_secret_is_shown_once_and_deliveries_are_signed(hooks_api, org, receiver) -> None:  # type: ignore[no-untyped-def]
    created = await hooks_api.post(
        WEBHOOKS,
        json={"url": receiver.url("/signed"), "event_types": ["objective.*"], "description": "OKR sync"},
        headers=org.headers("exec"),
    )
    assert created.status_code == 201, created.text
    assert created.headers["cache-control"].startswith("no-store")
    endpoint = created.json()
    assert endpoint["secret"].startswith("whsec_") and endpoint["id"].startswith("whk_")
    shown = await hooks_api.get(f"{WEBHOOKS}/{endpoint['id']}", headers=org.headers("exec"))
    listed = await hooks_api.get(WEBHOOKS, headers=org.headers("exec"))
    assert "secret" not in shown.json() and all("secret" not in w for w in listed.json()["data"])
    assert endpoint["secret"] not in shown.text + listed.text

    objective = await _objective(hooks_api, org)
    [received] = receiver.wait_for("/signed", 1)
    body = _verified(endpoint["secret"], received)
    assert body["type"] == "objective.created" and body["subject"]["id"] == objective["id"]
    assert received.headers["webhook-id"] == body["id"]
    assert received.headers["content-type"] == "application/json"
    wrong = received.headers | {"webhook-signature": "v1,AAAA"}
    try:
        Webhook(endpoint["secret"]).verify(received.body.decode(), wrong)
        raise AssertionError("a wrong signature verified")
    except Exception as exc:  # standardwebhooks.WebhookVerificationError
        assert "signature" in str(exc).lower()


async def test_filters_match_whole_segments_and_unknown_types_are_422(hooks_api, org, receiver) -> None:  # type: ignore[no-untyped-def]
    await _endpoint(hooks_api, org, receiver, "/krs-only", ["key_result.*"])
    for bad in (["objective.nope"], ["objec.*"], ["*.created"], [], ["review_cycle.created", 3]):
        response = await hooks_api.post(
            WEBHOOKS, json={"url": receiver.url("/x"), "event_types": bad}, headers=org.headers("exec")
        )
        assert response.status_code == 422, (bad, response.text)
    objective = await _objective(hooks_api, org)
    kr = await hooks_api.post(
        "/api/v1/okr/key-results",
        json={"objective_id": objective["id"], "title": "Ten", "metric_type": "number", "target": 10},
        headers=org.headers("exec"),
    )
    assert kr.status_code == 201, kr.text
    [received] = receiver.wait_for("/krs-only", 1)
    assert json.loads(received.body)["type"] == "key_result.created"


async def test_ping_reaches_the_endpoint_whatever_its_types(hooks_api, org, receiver) -> None:  # type: ignore[no-untyped-def]
    endpoint = await _endpoint(hooks_api, org, receiver, "/ping", ["membership.added"])
    response = await hooks_api.post(f"{WEBHOOKS}/{endpoint['id']}/ping", headers=org.headers("exec"))
    assert response.status_code == 202, response.text
    [received] = receiver.wait_for("/ping", 1)
    body = _verified(endpoint["secret"], received)
    assert body["id"] == response.json()["event_id"] and body["type"] == "webhook.ping"
    assert body["data"] == {"webhook_id": endpoint["id"]}


async def test_failures_retry_on_the_schedule_then_fail_and_disable_the_endpoint(
    hooks_api, org, receiver
) -> None:  # type: ignore[no-untyped-def]
    receiver.statuses["/down"] = [500]
    endpoint = await _endpoint(hooks_api, org, receiver, "/down", ["objective.created"])
    first = await _objective(hooks_api, org, "First")
    receiver.wait_for("/down", 3)  # STRIDE_WEBHOOK_RETRY_SCHEDULE=1,1: three attempts

    async def attempts() -> list[dict[str, Any]]:
        response = await hooks_api.get(f"{WEBHOOKS}/{endpoint['id']}/deliveries", headers=org.headers("exec"))
        assert response.status_code == 200, response.text
        return response.json()["data"]  # type: ignore[no-any-return]

    rows = await attempts()
    assert [r["attempt"] for r in rows] == [3, 2, 1]  # newest first
    assert all(r["status"] == "failed" and r["response_status"] == 500 for r in rows)
    assert rows[0]["next_attempt_at"] is None and rows[1]["next_attempt_at"] is not None

    await _objective(hooks_api, org, "Second")  # the second failed delivery (DISABLE_AFTER=2)
    receiver.wait_for("/down", 6)

    async def disabled() -> None:
        shown = (await hooks_api.get(f"{WEBHOOKS}/{endpoint['id']}", headers=org.headers("exec"))).json()
        assert shown["enabled"] is False

    for _ in range(100):
        try:
            await disabled()
            break
        except AssertionError:
            import asyncio

            await asyncio.sleep(0.1)
    await disabled()
    events = await hooks_api.get(
        "/api/v1/events",
        params={"type": "webhook.disabled", "subject_id": endpoint["id"]},
        headers=org.headers("exec"),
    )
    assert [e["data"] for e in events.json()["data"]] == [{"webhook_id": endpoint["id"]}]
    assert first["id"]

    # Re-enabled and answering: a manual retry of the first delivery succeeds.
    receiver.statuses["/down"] = [200]
    enabled = await hooks_api.patch(
        f"{WEBHOOKS}/{endpoint['id']}", json={"enabled": True}, headers=org.headers("exec")
    )
    assert enabled.status_code == 200 and enabled.json()["enabled"] is True
    retried = await hooks_api.post(
        f"{WEBHOOKS}/{endpoint['id']}/deliveries/{rows[-1]['id']}/retry", headers=org.headers("exec")
    )
    assert retried.status_code == 202, retried.text
    receiver.wait_for("/down", 7)
    for _ in range(100):
        latest = (await attempts())[0]
        if latest["status"] != "pending":
            break
        import asyncio

        await asyncio.sleep(0.1)
    assert latest["status"] == "succeeded" and latest["attempt"] == 4 and latest["response_status"] == 200


async def test_a_redirect_is_a_failure_and_is_not_followed(hooks_api, org, receiver) -> None:  # type: ignore[no-untyped-def]
    receiver.statuses["/moved"] = [302]
    await _endpoint(hooks_api, org, receiver, "/moved", ["objective.created"])
    await _objective(hooks_api, org)
    receiver.wait_for("/moved", 1)
    assert receiver.at("/redirected") == []


async def test_a_rotation_signs_with_both_secrets(hooks_api, org, receiver) -> None:  # type: ignore[no-untyped-def]
    endpoint = await _endpoint(hooks_api, org, receiver, "/rotated", ["objective.created"])
    rotated = await hooks_api.post(f"{WEBHOOKS}/{endpoint['id']}/rotate-secret", headers=org.headers("exec"))
    assert rotated.status_code == 200 and rotated.headers["cache-control"].startswith("no-store")
    new = rotated.json()["secret"]
    assert new != endpoint["secret"] and new.startswith("whsec_")
    await _objective(hooks_api, org)
    [received] = receiver.wait_for("/rotated", 1)
    assert len(received.headers["webhook-signature"].split(" ")) == 2
    _verified(new, received)
    _verified(endpoint["secret"], received)


async def test_one_subjects_deliveries_leave_in_event_order_a_retry_included(
    hooks_api, org, receiver
) -> None:  # type: ignore[no-untyped-def]
    receiver.statuses["/ordered"] = [500, 200]  # the first attempt fails, everything after succeeds
    await _endpoint(hooks_api, org, receiver, "/ordered", ["objective.*"])
    objective = await _objective(hooks_api, org)
    for n in range(4):
        response = await hooks_api.patch(
            f"{OBJECTIVES}/{objective['id']}", json={"title": f"Grow {n}"}, headers=org.headers("exec")
        )
        assert response.status_code == 200
    got = receiver.wait_for("/ordered", 6)
    ids = [json.loads(r.body)["id"] for r in got]
    assert ids[0] == ids[1]  # the failed first attempt, then its retry, before anything later
    assert ids[1:] == sorted(ids[1:]) and len(set(ids)) == 5
    titles = [json.loads(r.body)["data"]["record"]["title"] for r in got[2:]]
    assert titles == [f"Grow {n}" for n in range(4)]


async def test_other_tenants_and_narrower_callers_cannot_reach_an_endpoint(
    hooks_api, org, other_org, receiver
) -> None:  # type: ignore[no-untyped-def]
    endpoint = await _endpoint(hooks_api, org, receiver, "/private", ["objective.created"])
    path = f"{WEBHOOKS}/{endpoint['id']}"
    for method, suffix in (
        ("GET", ""),
        ("PATCH", ""),
        ("DELETE", ""),
        ("POST", "/ping"),
        ("POST", "/rotate-secret"),
    ):
        response = await hooks_api.request(
            method, path + suffix, json={} if method == "PATCH" else None, headers=other_org.headers("exec")
        )
        assert response.status_code == 404, (method, suffix, response.text)
    assert (await hooks_api.get(path, headers=org.headers("head"))).status_code == 403
    await _objective(hooks_api, other_org)
    assert receiver.at("/private") == []
