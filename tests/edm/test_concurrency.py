"""Concurrent writers: every write is atomic and bumps version; with a version, exactly one wins."""

from __future__ import annotations

import asyncio

OBJECTIVES = "/api/v1/okr/objectives"


async def test_two_writers_with_one_version_exactly_one_wins(api, org) -> None:  # type: ignore[no-untyped-def]
    for _ in range(5):
        created = await api.post(
            OBJECTIVES, json={"title": "Start", "period": "2026-Q1"}, headers=org.headers("exec")
        )
        path = f"{OBJECTIVES}/{created.json()['id']}"
        first, second = await asyncio.gather(
            api.patch(path, json={"title": "First", "version": 1}, headers=org.headers("exec")),
            api.patch(path, json={"title": "Second", "version": 1}, headers=org.headers("head")),
        )
        assert sorted([first.status_code, second.status_code]) == [200, 409]
        winner = first if first.status_code == 200 else second
        loser = second if winner is first else first
        assert loser.json()["current"]["title"] == winner.json()["title"]
        final = (await api.get(path, headers=org.headers("exec"))).json()
        assert final["version"] == 2 and final["title"] == winner.json()["title"]


async def test_if_match_writers_exactly_one_wins(api, org) -> None:  # type: ignore[no-untyped-def]
    created = await api.post(
        OBJECTIVES, json={"title": "Start", "period": "2026-Q1"}, headers=org.headers("exec")
    )
    path = f"{OBJECTIVES}/{created.json()['id']}"
    results = await asyncio.gather(
        *(
            api.patch(path, json={"title": f"W{i}"}, headers={**org.headers("exec"), "If-Match": '"1"'})
            for i in range(6)
        )
    )
    assert sorted(r.status_code for r in results) == [200] + [412] * 5


async def test_last_write_wins_without_versions_but_no_update_is_lost(api, org) -> None:  # type: ignore[no-untyped-def]
    created = await api.post(
        OBJECTIVES, json={"title": "Start", "period": "2026-Q1"}, headers=org.headers("exec")
    )
    path = f"{OBJECTIVES}/{created.json()['id']}"
    results = await asyncio.gather(
        *(api.patch(path, json={"title": f"W{i}"}, headers=org.headers("exec")) for i in range(10))
    )
    assert all(r.status_code == 200 for r in results)
    assert sorted(r.json()["version"] for r in results) == list(range(2, 12))
    assert (await api.get(path, headers=org.headers("exec"))).json()["version"] == 11
