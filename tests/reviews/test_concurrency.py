"""Races end in a clean 4xx, never a 500 or a duplicate: the unique indexes and row locks decide."""

from __future__ import annotations

import asyncio
from collections import Counter

from tests.reviews.support import BASE, make_cycle, set_cycle_status


async def test_concurrent_creates_of_one_review_give_one_201_and_409s(api, org) -> None:  # type: ignore[no-untyped-def]
    cycle = await make_cycle(api, org)
    body = {"cycle_id": cycle["id"], "user_id": org.people["alice"]}
    responses = await asyncio.gather(
        *(api.post(f"{BASE}/reviews", json=body, headers=org.headers("exec")) for _ in range(6))
    )
    assert Counter(r.status_code for r in responses) == Counter({201: 1, 409: 5})


async def test_concurrent_submissions_of_one_request_count_once(api, org) -> None:  # type: ignore[no-untyped-def]
    cycle = await make_cycle(api, org)
    request = (
        await api.post(
            f"{BASE}/feedback/requests",
            json={
                "cycle_id": cycle["id"],
                "subject_id": org.people["alice"],
                "reviewer_id": org.people["bob"],
            },
            headers=org.headers("exec"),
        )
    ).json()
    body = {"request_id": request["id"], "overall_comment": "once"}
    responses = await asyncio.gather(
        *(api.post(f"{BASE}/feedback/submit", json=body, headers=org.headers("bob")) for _ in range(5))
    )
    assert Counter(r.status_code for r in responses) == Counter({201: 1, 409: 4})
    await set_cycle_status(api, org, cycle, "closed")
    summary = (
        await api.get(f"{BASE}/feedback/summary/{org.people['alice']}", headers=org.headers("exec"))
    ).json()
    assert summary["response_count"] == 1


async def test_concurrent_bulk_requests_create_each_request_once(api, org) -> None:  # type: ignore[no-untyped-def]
    cycle = await make_cycle(api, org)
    body = {"cycle_id": cycle["id"], "subject_id": org.people["alice"]}
    responses = await asyncio.gather(
        *(
            api.post(f"{BASE}/feedback/requests/bulk", json=body, headers=org.headers("exec"))
            for _ in range(4)
        )
    )
    assert {r.status_code for r in responses} == {200}
    assert sum(r.json()["created"] for r in responses) == 2


async def test_concurrent_templates_for_one_access_level_give_one_201(api, org) -> None:  # type: ignore[no-untyped-def]
    responses = await asyncio.gather(
        *(
            api.post(
                f"{BASE}/templates",
                json={"name": f"T{n}", "access_level": "lead", "is_default": True},
                headers=org.headers("exec"),
            )
            for n in range(4)
        )
    )
    assert Counter(r.status_code for r in responses) == Counter({201: 1, 409: 3})
