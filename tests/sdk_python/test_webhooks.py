"""Events and webhooks through the SDK (CONTRACT §8) against real deliveries: a server that delivers to a
real receiving HTTP server on 127.0.0.1 (tests/conftest.py), endpoints managed with
`client.platform.webhooks`, deliveries checked with `stride.webhooks.verify`, and `client.events` paged."""

from __future__ import annotations

import datetime
import json
import time
from collections.abc import AsyncIterator, Iterator

import pytest
import stride

from tests.events.conftest import Received, Receiver, eventually
from tests.factories import Org
from tests.sdk_python.conftest import FAST, marker


@pytest.fixture
def hooks(delivering_server: str, org: Org) -> Iterator[stride.Client]:
    """The executive's client on the server that delivers webhooks."""
    with stride.Client(delivering_server, token=org.token("exec"), **FAST) as client:
        yield client


def _endpoint(
    hooks: stride.Client, receiver: Receiver, types: list[str]
) -> tuple[stride.WebhookCreated, str]:
    path = "/" + marker("sdk")
    return hooks.platform.webhooks.create(url=receiver.url(path), event_types=types), path


def _objective(hooks: stride.Client, title: str = "Grow") -> stride.Objective:
    return hooks.okr.objectives.create(title=title, period="2026-Q1")


def _rejected(
    received: Received, secret: str, *, body: bytes | None = None, headers: dict[str, str] | None = None
) -> str:
    """Why `stride.webhooks.verify` refuses the delivery once changed (it must refuse it)."""
    with pytest.raises(stride.webhooks.WebhookVerificationError) as raised:
        stride.webhooks.verify(body or received.body, received.headers | (headers or {}), secret)
    assert isinstance(raised.value, stride.StrideError)
    return str(raised.value)


def test_a_real_delivery_verifies_and_a_changed_one_does_not(
    hooks: stride.Client,
    receiver: Receiver,
) -> None:
    endpoint, path = _endpoint(hooks, receiver, ["objective.*"])
    assert endpoint.id.startswith("whk_") and endpoint.secret.startswith("whsec_")
    objective = _objective(hooks)
    [received] = receiver.wait_for(path, 1)

    event = stride.webhooks.verify(received.body, received.headers, endpoint.secret)
    assert isinstance(event, stride.Event) and event.id == received.headers["webhook-id"]
    assert (event.type, event.subject.type, event.subject.id) == (
        "objective.created",
        "objective",
        objective.id,
    )
    assert event.data["record"]["title"] == "Grow" and event.actor.type == "person"
    assert stride.webhooks.verify(received.body.decode(), received.headers, endpoint.secret) == event

    tampered = received.body.replace(b'"Grow"', b'"Shrink"')
    assert tampered != received.body
    assert "signature" in _rejected(received, endpoint.secret, body=tampered)
    other, _ = _endpoint(hooks, receiver, ["objective.deleted"])
    assert "signature" in _rejected(received, other.secret)
    # Replayed later: re-signed correctly for its old timestamp, yet refused by the tolerance.
    old = int(time.time()) - 301
    replayed = {
        "webhook-timestamp": str(old),
        "webhook-signature": stride.webhooks.sign(endpoint.secret, event.id, old, received.body),
    }
    assert "too old" in _rejected(received, endpoint.secret, headers=replayed)
    assert stride.webhooks.verify(received.body, received.headers | replayed, endpoint.secret, tolerance=400)
    assert "webhook-signature" in _rejected(received, endpoint.secret, headers={"webhook-signature": ""})


def test_endpoints_are_managed_and_a_rotation_signs_with_both_secrets(
    hooks: stride.Client,
    receiver: Receiver,
) -> None:
    endpoint, path = _endpoint(hooks, receiver, ["key_result.created"])
    shown = hooks.platform.webhooks.get(endpoint.id)
    assert isinstance(shown, stride.Webhook) and "secret" not in shown.model_dump()
    assert endpoint.id in [w.id for w in hooks.platform.webhooks.list()]
    with pytest.raises(stride.ValidationError):
        hooks.platform.webhooks.create(url=receiver.url(path), event_types=["objective.nope"])

    updated = hooks.platform.webhooks.update(
        endpoint.id, event_types=["objective.created"], description="OKR sync", version=endpoint.version
    )
    assert (updated.event_types, updated.description, updated.version) == (
        ["objective.created"],
        "OKR sync",
        endpoint.version + 1,
    )
    with pytest.raises(stride.ConflictError):
        hooks.platform.webhooks.update(endpoint.id, enabled=False, version=endpoint.version)
    with pytest.raises(stride.PreconditionFailedError):
        hooks.platform.webhooks.update(endpoint.id, enabled=False, if_match=endpoint.version)

    new = hooks.platform.webhooks.rotate_secret(endpoint.id).secret
    assert new.startswith("whsec_") and new != endpoint.secret
    ping = hooks.platform.webhooks.ping(endpoint.id)
    [received] = receiver.wait_for(path, 1)
    assert len(received.headers["webhook-signature"].split()) == 2
    for secret in (new, endpoint.secret):
        event = stride.webhooks.verify(received.body, received.headers, secret)
        assert (event.id, event.type, event.data) == (
            ping.event_id,
            "webhook.ping",
            {"webhook_id": endpoint.id},
        )

    hooks.platform.webhooks.delete(endpoint.id)
    with pytest.raises(stride.NotFoundError):
        hooks.platform.webhooks.get(endpoint.id)


def test_a_failed_attempt_is_listed_retried_and_delivered_again(
    hooks: stride.Client,
    receiver: Receiver,
) -> None:
    endpoint, path = _endpoint(hooks, receiver, ["objective.created"])
    receiver.statuses[path] = [500, 200]  # the first attempt fails, every later one succeeds
    _objective(hooks)
    receiver.wait_for(path, 2)  # the failure, then the scheduled retry

    def settled() -> list[stride.Delivery]:
        attempts = hooks.platform.webhooks.deliveries.list(endpoint.id).to_list()
        assert [(a.attempt, a.status) for a in attempts] == [(2, "succeeded"), (1, "failed")]
        return attempts

    succeeded, failed = eventually(settled)
    assert (failed.response_status, succeeded.response_status) == (500, 200)
    assert [d.id for d in hooks.platform.webhooks.deliveries.list(endpoint.id, status="failed")] == [
        failed.id
    ]
    paged = hooks.platform.webhooks.deliveries.list(endpoint.id, limit=1)
    assert paged.has_more and [d.id for d in paged] == [succeeded.id, failed.id]

    queued = hooks.platform.webhooks.deliveries.retry(endpoint.id, failed.id)
    assert queued.event_id == failed.event_id
    third = receiver.wait_for(path, 3)[-1]
    assert stride.webhooks.verify(third.body, third.headers, endpoint.secret).id == failed.event_id


def test_events_are_listed_oldest_first_across_pages_and_resume_after_an_id(hooks: stride.Client) -> None:
    objective = _objective(hooks, "Paged")
    for n in range(3):
        hooks.okr.objectives.update(objective.id, title=f"Paged {n}")

    first = hooks.events.list(type="objective.*", subject_id=objective.id, limit=2)
    assert isinstance(first, stride.Page) and len(first.data) == 2 and first.has_more
    events = list(first)
    assert [e.type for e in events] == ["objective.created", *["objective.updated"] * 3]
    assert [e.id for e in events] == sorted(e.id for e in events)
    assert [len(page.data) for page in first.iter_pages()] == [2, 2]
    assert events[1].data["changed"] == ["title"]

    resumed = hooks.events.list(subject_id=objective.id, after=events[1].id)
    assert [e.id for e in resumed] == [e.id for e in events[2:]]
    both = hooks.events.list(type=["objective.created", "key_result.*"], subject_id=objective.id)
    assert [e.id for e in both] == [events[0].id]


def test_running_reminders_writes_their_events_once(hooks: stride.Client, org: Org) -> None:
    today = datetime.datetime.now(datetime.UTC).date()
    cycle = hooks.reviews.cycles.create(
        type="quarterly",
        name=marker("cycle"),
        period_start="2026-01-01",
        period_end="2026-03-31",
        due_date=today + datetime.timedelta(days=1),
    )
    hooks.reviews.cycles.update(cycle.id, status="open")
    review = hooks.reviews.reviews.create(cycle_id=cycle.id, user_id=org.people["alice"]).review

    assert hooks.platform.reminders.run().emitted == 1
    assert hooks.platform.reminders.run().emitted == 0  # at most once per repeat_every_days
    [reminder] = hooks.events.list(type="reminder.*", subject_id=review.id)
    assert reminder.type == "reminder.review_due"
    assert reminder.data == {
        "person_id": org.people["exec"],
        "item": {"type": "review", "id": review.id},
        "due_date": (today + datetime.timedelta(days=1)).isoformat(),
        "days_left": 1,
    }


def test_events_need_manage_platform(delivering_server: str, org: Org) -> None:
    with stride.Client(delivering_server, token=org.token("alice"), **FAST) as employee:
        with pytest.raises(stride.PermissionDeniedError):
            employee.events.list()
        with pytest.raises(stride.PermissionDeniedError):
            employee.platform.webhooks.list()


@pytest.fixture
async def async_hooks(delivering_server: str, org: Org) -> AsyncIterator[stride.AsyncClient]:
    async with stride.AsyncClient(delivering_server, token=org.token("exec"), **FAST) as client:
        yield client


async def test_the_async_client_pings_and_pages_events(
    async_hooks: stride.AsyncClient,
    receiver: Receiver,
) -> None:
    path = "/" + marker("async")
    endpoint = await async_hooks.platform.webhooks.create(url=receiver.url(path), event_types=["*"])
    assert endpoint.id in [w.id for w in await async_hooks.platform.webhooks.list()]
    ping = await async_hooks.platform.webhooks.ping(endpoint.id)
    # Subscribed to everything, the endpoint first receives its own creation, then the ping (one subject).
    created, received = receiver.wait_for(path, 2)
    assert stride.webhooks.verify(created.body, created.headers, endpoint.secret).type == "webhook.created"
    assert stride.webhooks.verify(received.body, received.headers, endpoint.secret).id == ping.event_id

    events = [e async for e in async_hooks.events.list(type="webhook.ping", subject_id=endpoint.id, limit=1)]
    assert [(e.id, e.type) for e in events] == [(ping.event_id, "webhook.ping")]
    assert json.loads(received.body)["id"] == ping.event_id
    delivered = await async_hooks.platform.webhooks.deliveries.list(endpoint.id, event_id=ping.event_id)
    assert [d.event_type for d in delivered.data] == ["webhook.ping"]
    await async_hooks.platform.webhooks.delete(endpoint.id)
