"""Sets, not loops: every read of the Performance API is a fixed handful of SQL statements, whatever
the number of reviews, KPIs, goals, previous reviews or responses (counted on the app's engine)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import event

from tests.reviews.support import (
    BASE,
    complete_review,
    kpi_items,
    make_cycle,
    make_review,
    make_template,
    put_review,
)

QUARTERS = [
    ("Q1", "2026-01-01", "2026-03-31"),
    ("Q2", "2026-04-01", "2026-06-30"),
    ("Q3", "2026-07-01", "2026-09-30"),
    ("Q4", "2026-10-01", "2026-12-31"),
]


@pytest.fixture
async def counted(database_url: str) -> AsyncIterator[tuple[httpx.AsyncClient, list[str]]]:
    """The app in-process on its own engine, with every statement it sends recorded."""
    from stride_server.app import create_app
    from stride_server.db.engine import create_engine

    app = create_app()
    app.state.engine = engine = create_engine(pool_size=2)
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://stride"
        ) as client:
            yield client, statements
    finally:
        await engine.dispose()


async def _build(api, org, quarters: int, people: list[str]) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """`quarters` completed quarters per person (5 KPIs, 3 goals each), an annual review, feedback."""
    await make_template(api, org, kpi_items(5), is_default=True)
    reviews: dict[str, str] = {}
    for name, start, end in QUARTERS[:quarters]:
        cycle = await make_cycle(api, org, name=name, period_start=start, period_end=end)
        for person in people:
            detail = await make_review(api, org, cycle, person)
            await put_review(api, org, detail["review"]["id"], {"goals": [{"goal": g} for g in "abc"]})
            reviews[person] = (await complete_review(api, org, detail, ["achieving"] * 5))["review"]["id"]
    annual = await make_cycle(
        api, org, type="annual", name="2026", period_start="2026-01-01", period_end="2026-12-31"
    )
    annual_review = await make_review(api, org, annual, people[0])
    for reviewer in people[1:]:
        request = (
            await api.post(
                f"{BASE}/feedback/requests",
                json={
                    "cycle_id": annual["id"],
                    "subject_id": org.people[people[0]],
                    "reviewer_id": org.people[reviewer],
                },
                headers=org.headers("exec"),
            )
        ).json()
        await api.post(
            f"{BASE}/feedback/submit",
            json={"request_id": request["id"], "overall_comment": "ok", "organisation_rating": "achieving"},
            headers=org.headers(reviewer),
        )
    return {
        "cycle": annual["id"],
        "annual": annual_review["review"]["id"],
        "quarterly": reviews[people[0]],
        "subject": org.people[people[0]],
    }


async def _count(counted, org, paths: list[str]) -> list[int]:  # type: ignore[no-untyped-def]
    client, statements = counted
    counts = []
    for path in paths:
        statements.clear()
        response = await client.get(path, headers=org.headers("manager"))
        assert response.status_code == 200, (path, response.text)
        counts.append(len(statements))
    return counts


async def test_reads_cost_the_same_few_statements_at_any_size(api, org, other_org, counted) -> None:  # type: ignore[no-untyped-def]
    def paths(data: dict[str, Any]) -> list[str]:
        return [
            f"{BASE}/cycles/{data['cycle']}",
            f"{BASE}/reviews/{data['quarterly']}",
            f"{BASE}/reviews/{data['annual']}",
            f"{BASE}/reviews/history/{data['subject']}",
            f"{BASE}/feedback/summary/{data['subject']}",
            f"{BASE}/reviews",
            f"{BASE}/cycles",
            f"{BASE}/templates",
            f"{BASE}/pending",
            f"{BASE}/goals/current",
            f"{BASE}/feedback/requests",
        ]

    small = await _count(counted, org, paths(await _build(api, org, 1, ["alice", "bob"])))
    large = await _count(counted, other_org, paths(await _build(api, other_org, 4, ["alice", "bob", "lead"])))
    assert small == large
    assert max(large) <= 8, large  # tenant + principal + the use case's own statements


async def test_cycle_and_review_details_are_one_statement_and_two(api, org, counted) -> None:  # type: ignore[no-untyped-def]
    data = await _build(api, org, 2, ["alice", "bob"])
    paths = [
        f"{BASE}/cycles/{data['cycle']}",
        f"{BASE}/reviews/{data['quarterly']}",
        f"{BASE}/reviews/{data['annual']}",
    ]
    # after entering the tenant: the cycle with its stats; the review with its KPIs and goals, then
    # its previous reviews
    assert await _count(counted, org, paths) == [2, 3, 3]


async def test_bulk_requests_are_a_fixed_handful_of_statements(api, org, counted) -> None:  # type: ignore[no-untyped-def]
    client, statements = counted
    cycle = await make_cycle(api, org)
    counts = []
    for subject in ("head", "alice", "manager"):  # 1, 2 and 2 peers, from each kind of source
        statements.clear()
        body = {"cycle_id": cycle["id"], "subject_id": org.people[subject]}
        response = await client.post(f"{BASE}/feedback/requests/bulk", json=body, headers=org.headers("exec"))
        assert response.status_code == 200 and response.json()["created"] > 0, response.text
        counts.append(len(statements))
    # entering, the cycle (locked), the subject, the peers, one insert of all their requests
    assert counts == [5, 5, 5]
