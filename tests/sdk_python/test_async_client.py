"""`stride.AsyncClient`: the same namespaces as the sync client, with `await` and `async for`, sharing its
request logic (retries with one Idempotency-Key, API-key login, typed errors)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
import stride

from tests.factories import Org
from tests.sdk_python.conftest import FAST, AsyncRecordingTransport, Attempt, marker, problem


@pytest.fixture
async def aclient(server: str, org: Org) -> AsyncIterator[stride.AsyncClient]:
    async with stride.AsyncClient(server, token=org.token("exec"), **FAST) as client:
        yield client


async def test_async_crud_and_pages(aclient: stride.AsyncClient, org: Org) -> None:
    category = marker("async")
    created = [
        await aclient.performance.goals.create(title=f"Async {i}", category=category) for i in range(3)
    ]
    assert all(goal.person_id == org.people["exec"] for goal in created)

    request = aclient.performance.goals.list(category=category, limit=2)
    assert isinstance(request, stride.AsyncPageRequest)
    first = await request
    assert isinstance(first, stride.AsyncPage) and len(first.data) == 2 and first.has_more
    assert [goal.id async for goal in request] == [goal.id for goal in reversed(created)]
    assert [len(page.data) async for page in request.iter_pages()] == [2, 1]
    assert len(await aclient.performance.goals.list(category=category).to_list(2)) == 2

    updated = await aclient.performance.goals.update(created[0].id, status="completed", version=1)
    assert (updated.status, updated.version) == ("completed", 2)
    with pytest.raises(stride.ConflictError) as raised:
        await aclient.performance.goals.update(created[0].id, status="cancelled", version=1)
    assert raised.value.current is not None and raised.value.current["status"] == "completed"
    assert (await aclient.performance.goals.get(created[0].id)).status == "completed"


async def test_async_okr_learning_and_reviews(aclient: stride.AsyncClient, org: Org) -> None:
    objective = await aclient.okr.objectives.create(title="Async objective", period="2026-Q1")
    key_result = await aclient.okr.key_results.create(objective_id=objective.id, title="Done", target=4)
    assert (await aclient.okr.key_results.check_in(key_result.id, value=2)).progress_pct == 50
    await aclient.okr.key_results.delete(key_result.id)
    with pytest.raises(stride.NotFoundError):
        await aclient.okr.key_results.get(key_result.id)

    records = [r async for r in aclient.performance.learning_records.list(person_id=org.people["exec"])]
    assert records == []
    cohort = await aclient.learning.cohorts.create(name="Async cohort")
    assert (await aclient.learning.cohorts.update(cohort.id, status="active")).status == "active"

    cycle = await aclient.reviews.cycles.create(
        type="quarterly", name=marker("cycle"), period_start="2026-01-01", period_end="2026-03-31"
    )
    await aclient.reviews.cycles.update(cycle.id, status="open")
    detail = await aclient.reviews.reviews.create(cycle_id=cycle.id, user_id=org.people["alice"])
    assert detail.review.status == "draft"
    assert [r.id for r in await aclient.reviews.reviews.list(cycle_id=cycle.id)] == [detail.review.id]
    assert (await aclient.reviews.pending.get()).open_cycles >= 1


async def test_concurrent_calls_share_one_client(aclient: stride.AsyncClient) -> None:
    category = marker("gather")
    goals = await asyncio.gather(
        *(aclient.performance.goals.create(title=f"G{i}", category=category) for i in range(6))
    )
    assert len({goal.id for goal in goals}) == 6
    assert len([goal async for goal in aclient.performance.goals.list(category=category, limit=4)]) == 6


async def test_async_retry_reuses_the_idempotency_key_and_api_key_login(
    server: str, org: Org, aclient: stride.AsyncClient
) -> None:
    application = await aclient.platform.applications.create(
        name=marker("app"), permissions=["view:okr", "update:okr"]
    )
    key = await aclient.platform.applications.keys.create(application.id)

    async def lose_first_post(attempt: Attempt, forward) -> httpx.Response | None:  # type: ignore[no-untyped-def]
        if (
            attempt.request.method == "POST"
            and attempt.path.startswith("/api/v1/okr/")
            and attempt.index == 1
        ):
            await forward()
            return problem(503, "Service Unavailable", {"Retry-After": "0"})
        return None

    network = AsyncRecordingTransport(lose_first_post)
    async with (
        httpx.AsyncClient(transport=network) as http,
        stride.AsyncClient(server, api_key=key.key, http_client=http, **FAST) as app,
    ):
        objective = await app.okr.objectives.create(title="Once, from the integration", period="2026-Q2")
        assert objective.app_id == application.id
        assert [o.id async for o in app.okr.objectives.list()] == [objective.id]
    paths = [a.path for a in network.attempts]
    assert paths == [
        "/api/v1/auth/token",
        "/api/v1/okr/objectives",
        "/api/v1/okr/objectives",
        "/api/v1/okr/objectives",
    ]
    keys = [a.request.headers.get("idempotency-key") for a in network.attempts[1:3]]
    assert keys[0] and keys[0] == keys[1]


async def test_async_errors_and_network_failures(server: str, closed_port: int, org: Org) -> None:
    async with stride.AsyncClient(server, token="not-a-jwt") as anonymous:
        with pytest.raises(stride.AuthenticationError):
            await anonymous.okr.objectives.list()
    async with stride.AsyncClient(
        f"http://127.0.0.1:{closed_port}", token=org.token("exec"), max_retries=1, **FAST
    ) as down:
        with pytest.raises(stride.NetworkError):
            await down.learning.cohorts.list()
