"""Helpers for the reviews tests: calls of the Performance API that set up cycles, templates,
reviews and feedback through HTTP, asserting the setup itself succeeded."""

from __future__ import annotations

from typing import Any

import httpx

from tests.factories import Org

BASE = "/api/performance"
SEED = "Seed 001"  # the tests quote it where they replay one of its examples


async def make_cycle(
    api: httpx.AsyncClient,
    org: Org,
    *,
    status: str = "open",
    type: str = "quarterly",
    name: str = "Q1 2026 Review",
    period_start: str = "2026-01-01",
    period_end: str = "2026-03-31",
    due_date: str | None = "2026-04-15",
    by: str = "exec",
) -> dict[str, Any]:
    body = {
        "type": type,
        "name": name,
        "period_start": period_start,
        "period_end": period_end,
        "due_date": due_date,
    }
    response = await api.post(f"{BASE}/cycles", json=body, headers=org.headers(by))
    assert response.status_code == 201, response.text
    cycle = response.json()
    if status != "draft":
        for step in ["open"] if status == "open" else ["open", "closed"]:
            moved = await api.put(
                f"{BASE}/cycles/{cycle['id']}", json={"status": step}, headers=org.headers(by)
            )
            assert moved.status_code == 200, moved.text
            cycle = moved.json()
    return cycle


async def set_cycle_status(
    api: httpx.AsyncClient, org: Org, cycle: dict[str, Any], status: str, *, by: str = "exec"
) -> dict[str, Any]:
    """Move a cycle (closing one releases its 360 responses, §3.4a.1)."""
    moved = await api.put(f"{BASE}/cycles/{cycle['id']}", json={"status": status}, headers=org.headers(by))
    assert moved.status_code == 200, moved.text
    return moved.json()  # type: ignore[no-any-return]


async def make_template(
    api: httpx.AsyncClient,
    org: Org,
    items: list[dict[str, Any]],
    **fields: Any,
) -> dict[str, Any]:
    body = {"name": fields.pop("name", "Engineering KPIs"), "items": items, **fields}
    response = await api.post(f"{BASE}/templates", json=body, headers=org.headers("exec"))
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def kpi_items(count: int, mandatory: tuple[int, ...] = ()) -> list[dict[str, Any]]:
    return [
        {"area": "performance", "label": f"KPI {i + 1}", "is_mandatory": i in mandatory, "sort_order": i}
        for i in range(count)
    ]


async def make_review(
    api: httpx.AsyncClient,
    org: Org,
    cycle: dict[str, Any],
    user: str,
    *,
    by: str = "exec",
    reviewer: str | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {"cycle_id": cycle["id"], "user_id": org.people[user]}
    if reviewer is not None:
        body["reviewer_id"] = org.people[reviewer]
    response = await api.post(f"{BASE}/reviews", json=body, headers=org.headers(by))
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


async def put_review(
    api: httpx.AsyncClient, org: Org, review_id: str, body: dict[str, Any], *, by: str = "exec"
) -> httpx.Response:
    return await api.put(f"{BASE}/reviews/{review_id}", json=body, headers=org.headers(by))


async def complete_review(
    api: httpx.AsyncClient,
    org: Org,
    detail: dict[str, Any],
    ratings: list[str],
    *,
    by: str = "exec",
    **fields: Any,
) -> dict[str, Any]:
    """Rate every KPI (in order) and walk the review to completed."""
    review_id = detail["review"]["id"]
    body: dict[str, Any] = {
        "kpi_ratings": [
            {"id": k["id"], "rating": r} for k, r in zip(detail["kpi_ratings"], ratings, strict=True)
        ],
        **fields,
    }
    for status in ("in_review", "ready_for_review"):
        response = await put_review(api, org, review_id, {"status": status}, by=by)
        assert response.status_code == 200, response.text
    response = await put_review(api, org, review_id, {**body, "status": "completed"}, by=by)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


async def set_min_responses(owner_db: Any, org: Org, minimum: int) -> None:
    from tests.factories import in_tenant

    await in_tenant(
        owner_db,
        org.tenant_id,
        [("UPDATE tenants SET feedback_min_responses = $2 WHERE tenant_id = $1", (org.tenant_id, minimum))],
    )
