"""Type-check-only usage (`make lint` runs mypy --strict on it; never executed): the seeds' calls
type-check as written against the generated models, and misuse does not — each `type: ignore[code]`
marks an expected error, and strict mode's unused-ignore check fails if one stops being an error."""

from __future__ import annotations

import stride
from stride.models import Cycle, KeyResult, PersonGoal, SummarySufficient


def seed_calls(client: stride.Client) -> None:
    # Seeds 000, 002, 003: `client.<domain>.<collection>.list()`.
    goals: stride.Page[PersonGoal] = client.performance.goals.list()
    client.performance.learning_records.list()
    client.okr.objectives.list()
    client.okr.key_results.list()
    client.learning.cohorts.list()
    client.learning.assessments.list()
    progress: list[float] = [goal.progress_pct for goal in goals.data]

    # The seeds' create example sends the envelope (ignored by the server) plus the entity's fields.
    key_result: KeyResult = client.okr.key_results.create(
        id="rec_01HXEXAMPLE", tenant_id="example tenant_id", created_at="2026-01-01T00:00:00Z",
        updated_at="2026-01-01T00:00:00Z", app_id="example app_id", created_by="rec_01HXEXAMPLE",
        objective_id="obj_01HXEXAMPLE", title="Integrations live", target=10,
    )
    client.okr.key_results.check_in(key_result.id, value=4, note="Week 1")

    for goal in client.performance.goals.list(status="at_risk", progress_pct={"gte": 50}):
        status: str = goal.status
    client.performance.goals.list(status=["at_risk", "in_progress"], sort=["-updated_at"], limit=20)
    client.performance.goals.list(status="on_fire")  # type: ignore[arg-type]
    client.performance.goals.list(colour="red")  # type: ignore[call-arg]
    client.performance.goals.list(progress_pct={"around": 5})  # type: ignore[dict-item]
    client.performance.learning_records.update("lrn_1", title="x")  # type: ignore[attr-defined]
    client.performance.goals.delete("pgl_1")  # type: ignore[attr-defined]
    client.performance.goals.create(period="2026-Q2")  # type: ignore[call-arg]
    client.performance.goals.create(title="x", progress_pct="high")  # type: ignore[arg-type]

    client.performance.goals.update("pgl_1", progress_pct=60, version=3)
    client.performance.goals.update("pgl_1", category=None, if_match=3)
    client.learning.assessments.responses.create("asm_1", answers=[{"question_id": "q1", "value": "a"}])

    cycles: list[Cycle] = client.reviews.cycles.list()
    detail = client.reviews.reviews.get(cycles[0].id)
    ratings = [rating.rating for rating in detail.kpi_ratings]
    pending_feedback: int = client.reviews.pending.get().pending_feedback
    summary = client.reviews.feedback.summary("usr_1", cycle_id=cycles[0].id)
    if isinstance(summary, SummarySufficient):
        comments: list[str] = summary.overall_comments

    try:
        client.performance.goals.update("pgl_1", title="x", version=1)
    except stride.ConflictError as error:
        current = error.current
    except stride.ValidationError as error:
        fields = [e["field"] for e in error.errors]
    except stride.StrideError as error:
        request_id: str | None = error.request_id
    del progress, status, ratings, pending_feedback, comments, current, fields, request_id


async def async_calls(client: stride.AsyncClient) -> None:
    page: stride.AsyncPage[PersonGoal] = await client.performance.goals.list(mine=True)
    async for goal in client.performance.goals.list(status="completed"):
        title: str = goal.title
    created: PersonGoal = await client.performance.goals.create(title="Async")
    await client.okr.objectives.delete("obj_1", if_match=created.version)
    await client.performance.goals.list()  # awaited: the first page
    client.performance.goals.create(title="x")  # type: ignore[unused-coroutine]
    del page, title


def event_calls(client: stride.Client, body: bytes, headers: dict[str, str]) -> None:
    # CONTRACT §8: events, webhook endpoints, and checking a delivery.
    events: stride.Page[stride.Event] = client.events.list(type=["objective.*", "key_result.created"], limit=50)
    for event in client.events.list(type="review.*", after=events.data[-1].id):
        actor: str | None = event.actor.id
    endpoint: stride.WebhookCreated = client.platform.webhooks.create(url="https://x.example/h", event_types=["*"])
    client.platform.webhooks.create(url="https://x.example/h")  # type: ignore[call-arg]
    client.platform.webhooks.update(endpoint.id, enabled=False, version=endpoint.version)
    client.platform.webhooks.update(endpoint.id, secret="whsec_x")  # type: ignore[call-arg]
    secret: str = client.platform.webhooks.rotate_secret(endpoint.id).secret
    ping_id: str = client.platform.webhooks.ping(endpoint.id).event_id
    for delivery in client.platform.webhooks.deliveries.list(endpoint.id, status="failed"):
        client.platform.webhooks.deliveries.retry(endpoint.id, delivery.id)
    emitted: int = client.platform.reminders.run().emitted
    try:
        received: stride.Event = stride.webhooks.verify(body, headers, secret, tolerance=60)
    except stride.webhooks.WebhookVerificationError as error:
        message: str = error.message
    del actor, ping_id, emitted, received, message


from_api_key = stride.Client("https://stride.example.com", api_key="sk_test", max_retries=5, timeout=10)
