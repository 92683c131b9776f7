"""Events of the reviews API and of reminders (CONTRACT §8.1, §8.4): cycle and review status moves
are events of their own; review events carry no free text; feedback events carry ids, dates and
statuses — never a rating or a comment; reminders go out for open items due soon, once per item per
`repeat_every_days`, and not at all when the tenant turned them off."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from tests.factories import Org
from tests.reviews.support import BASE, make_cycle, make_review, put_review, set_cycle_status

EVENTS = "/api/v1/events"
REMINDERS = "/api/v1/platform/reminders/run"


async def _events(api: httpx.AsyncClient, org: Org, **params: Any) -> list[dict[str, Any]]:
    response = await api.get(EVENTS, params={"limit": 200, **params}, headers=org.headers("exec"))
    assert response.status_code == 200, response.text
    return response.json()["data"]  # type: ignore[no-any-return]


async def test_cycle_and_review_moves_are_events_without_free_text(api, org) -> None:  # type: ignore[no-untyped-def]
    cycle = await make_cycle(api, org)
    review = (await make_review(api, org, cycle, "alice", reviewer="lead"))["review"]
    secret = "Confidential strengths of Alice"
    response = await put_review(
        api, org, review["id"], {"strengths": secret, "status": "in_review"}, by="lead"
    )
    assert response.status_code == 200, response.text
    await set_cycle_status(api, org, cycle, "closed")

    cycle_events = await _events(api, org, subject_id=cycle["id"])
    assert [e["type"] for e in cycle_events] == [
        "review_cycle.created",
        "review_cycle.opened",
        "review_cycle.closed",
    ]
    assert cycle_events[-1]["data"]["cycle"]["status"] == "closed"

    review_events = await _events(api, org, subject_id=review["id"])
    assert [e["type"] for e in review_events] == ["review.created", "review.status_changed", "review.updated"]
    assert review_events[1]["data"] == {
        "review_id": review["id"],
        "user_id": org.people["alice"],
        "reviewer_id": org.people["lead"],
        "from": "draft",
        "to": "in_review",
    }
    assert review_events[2]["data"]["changed"] == ["strengths"]
    assert "strengths" not in review_events[2]["data"]["review"]
    assert secret not in str(await _events(api, org, type="review.*"))
    assert review_events[0]["actor"] == {"type": "person", "id": org.people["exec"]}
    assert review_events[1]["actor"] == {"type": "person", "id": org.people["lead"]}


async def test_feedback_events_never_carry_an_answer(api, org) -> None:  # type: ignore[no-untyped-def]
    cycle = await make_cycle(api, org)
    body = {
        "cycle_id": cycle["id"],
        "subject_id": org.people["alice"],
        "reviewer_id": org.people["bob"],
        "due_date": "2026-04-10",
    }
    request = await api.post(f"{BASE}/feedback/requests", json=body, headers=org.headers("exec"))
    assert request.status_code == 201, request.text
    request_id = request.json()["id"]
    answer = {"request_id": request_id, "performance_rating": "exceeding", "overall_comment": "Unforgettable"}
    submitted = await api.post(f"{BASE}/feedback/submit", json=answer, headers=org.headers("bob"))
    assert submitted.status_code == 201, submitted.text
    events = await _events(api, org, subject_id=request_id)
    assert [e["type"] for e in events] == ["feedback_request.created", "feedback_request.submitted"]
    assert events[1]["data"] == {
        "request_id": request_id,
        "cycle_id": cycle["id"],
        "subject_id": org.people["alice"],
        "reviewer_id": org.people["bob"],
        "direction": "peer",
        "due_date": "2026-04-10",
        "status": "submitted",
    }
    everything = str(await _events(api, org))
    assert "Unforgettable" not in everything and "exceeding" not in everything


async def test_reminders_go_out_once_per_period_for_items_due_soon(api, org) -> None:  # type: ignore[no-untyped-def]
    today = datetime.now(UTC).date()
    cycle = await make_cycle(api, org, due_date=str(today + timedelta(days=2)))
    far = await make_cycle(api, org, name="Far", due_date=str(today + timedelta(days=30)))
    own = (await make_review(api, org, cycle, "alice", reviewer="lead"))["review"]
    moved = await put_review(api, org, own["id"], {"status": "self_assessment"}, by="lead")
    assert moved.status_code == 200, moved.text
    waiting = (await make_review(api, org, cycle, "bob", reviewer="lead"))["review"]
    await make_review(api, org, far, "carol", reviewer="manager2")  # due in 30 days: no reminder
    request = await api.post(
        f"{BASE}/feedback/requests",
        json={
            "cycle_id": cycle["id"],
            "subject_id": org.people["carol"],
            "reviewer_id": org.people["alice"],
            "due_date": str(today - timedelta(days=1)),  # overdue
        },
        headers=org.headers("exec"),
    )
    assert request.status_code == 201, request.text

    assert (await api.post(REMINDERS, headers=org.headers("head"))).status_code == 403
    first = await api.post(REMINDERS, headers=org.headers("exec"))
    assert first.status_code == 200 and first.json() == {"emitted": 3}, first.text
    reminders = {e["type"]: e for e in await _events(api, org, type="reminder.*")}
    assert reminders["reminder.self_assessment_due"]["data"] == {
        "person_id": org.people["alice"],
        "item": {"type": "review", "id": own["id"]},
        "due_date": str(today + timedelta(days=2)),
        "days_left": 2,
    }
    assert reminders["reminder.review_due"]["data"]["person_id"] == org.people["lead"]
    assert reminders["reminder.review_due"]["data"]["item"]["id"] == waiting["id"]
    assert reminders["reminder.feedback_due"]["data"]["days_left"] == -1
    assert reminders["reminder.feedback_due"]["actor"] == {"type": "person", "id": org.people["exec"]}

    again = await api.post(REMINDERS, headers=org.headers("exec"))
    assert again.json() == {"emitted": 0}  # at most once per item per repeat_every_days

    off = await api.put(
        "/api/v1/platform/settings", json={"reminders": {"enabled": False}}, headers=org.headers("exec")
    )
    assert off.status_code == 200 and off.json()["reminders"]["enabled"] is False
    assert off.json()["reminders"]["repeat_every_days"] == 2  # the keys not sent are kept


async def test_webhook_urls_that_reach_inside_are_refused_when_saved(api, org) -> None:  # type: ignore[no-untyped-def]
    for url in (
        "http://example.com/hook",  # plain http
        "https://localhost/hook",  # a name that resolves to 127.0.0.1
        "https://127.0.0.1/hook",
        "https://10.1.2.3/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hook",
        "https://[fd00::1]/hook",
        "https://user:pass@example.com/hook",
        "https://nonexistent.invalid/hook",
    ):
        response = await api.post(
            "/api/v1/platform/webhooks", json={"url": url, "event_types": ["*"]}, headers=org.headers("exec")
        )
        assert response.status_code == 422, (url, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
