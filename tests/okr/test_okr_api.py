"""OKR behaviour through HTTP: computed key-result fields, history and check-ins, objective roll-ups
up the parent chain, and no lost update under concurrent check-ins (CONTRACT §2.3, §2.4)."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stride_server.okr.progress import objective_progress
from tests.factories import build_org

OBJECTIVES, KEY_RESULTS = "/api/v1/okr/objectives", "/api/v1/okr/key-results"
THIS_YEAR = f"{datetime.now(UTC).year}-Annual"


async def post(api, org, path, body, who="exec"):  # type: ignore[no-untyped-def]
    response = await api.post(path, json=body, headers=org.headers(who))
    assert response.status_code == 201, response.text
    return response.json()


async def get(api, org, path):  # type: ignore[no-untyped-def]
    response = await api.get(path, headers=org.headers("exec"))
    assert response.status_code == 200, response.text
    return response.json()


async def objective(api, org, parent=None, weight=1.0, period=THIS_YEAR):  # type: ignore[no-untyped-def]
    body = {"title": "O", "period": period, "weight": weight}
    if parent:
        body["parent_objective_id"] = parent
    return await post(api, org, OBJECTIVES, body)


async def key_result(api, org, objective_id, **fields):  # type: ignore[no-untyped-def]
    return await post(
        api, org, KEY_RESULTS, {"title": "KR", "objective_id": objective_id, "target": 100, **fields}
    )


async def test_key_result_computed_fields_and_history(api, org) -> None:  # type: ignore[no-untyped-def]
    parent = await objective(api, org, period="2020-Q1")  # long over: expected progress 100
    kr = await key_result(api, org, parent["id"])
    assert kr["progress_pct"] == 0 and kr["status"] == "off_track" and kr["history"] == []
    assert kr["last_update_at"] is None
    path = f"{KEY_RESULTS}/{kr['id']}"
    patched = (
        await api.patch(
            path, json={"current": 95, "progress_pct": 3, "status": "achieved"}, headers=org.headers("alice")
        )
    ).json()
    assert (
        patched["progress_pct"] == 95 and patched["status"] == "on_track"
    )  # computed fields ignore the client
    assert [(h["value"], h["by"], h["note"]) for h in patched["history"]] == [(95, org.people["alice"], None)]
    assert patched["last_update_at"] == patched["history"][0]["at"]
    unchanged = (await api.patch(path, json={"title": "Renamed"}, headers=org.headers("exec"))).json()
    assert len(unchanged["history"]) == 1 and unchanged["last_update_at"] == patched["last_update_at"]
    check_in = await api.post(
        f"{path}/check-ins", json={"value": 100, "note": "Closed the last deal"}, headers=org.headers("bob")
    )
    assert check_in.status_code == 201, check_in.text
    after = check_in.json()
    assert after["status"] == "achieved" and after["progress_pct"] == 100 and after["current"] == 100
    assert (
        after["history"][-1]["note"] == "Closed the last deal"
        and after["history"][-1]["by"] == org.people["bob"]
    )
    again = (
        await api.post(
            f"{path}/check-ins", json={"value": 100, "note": "Still there"}, headers=org.headers("bob")
        )
    ).json()
    assert len(again["history"]) == 3  # a check-in always records
    owner = await get(api, org, f"{OBJECTIVES}/{parent['id']}")
    assert owner["progress_pct"] == 100 and owner["key_result_ids"] == [kr["id"]]
    assert owner["last_check_in_at"] == again["last_update_at"]


async def test_check_in_validation(api, org) -> None:  # type: ignore[no-untyped-def]
    parent = await objective(api, org)
    kr = await key_result(api, org, parent["id"])
    path = f"{KEY_RESULTS}/{kr['id']}/check-ins"
    for body in ({}, {"value": "10"}, {"value": 1, "extra": True}, {"value": 1, "note": "x" * 2001}):
        assert (await api.post(path, json=body, headers=org.headers("exec"))).status_code == 422
    assert (
        await api.post(
            f"{KEY_RESULTS}/krs_01JD3ZZZZZZZZZZZZZZZZZZZZZ/check-ins",
            json={"value": 1},
            headers=org.headers("exec"),
        )
    ).status_code == 404
    assert (
        await api.post(path, json={"value": 1}, headers=org.headers("alice", permissions=["view:okr"]))
    ).status_code == 403


async def test_not_started_before_the_period(api, org) -> None:  # type: ignore[no-untyped-def]
    future = await objective(api, org, period=f"{datetime.now(UTC).year + 1}-Q1")
    kr = await key_result(api, org, future["id"])
    assert kr["status"] == "not_started"
    started = (
        await api.post(f"{KEY_RESULTS}/{kr['id']}/check-ins", json={"value": 0}, headers=org.headers("exec"))
    ).json()
    assert started["status"] == "on_track"


async def test_key_result_ids_follow_create_reparent_delete(api, org) -> None:  # type: ignore[no-untyped-def]
    first, second = await objective(api, org), await objective(api, org)
    a = await key_result(api, org, first["id"], current=50)
    b = await key_result(api, org, first["id"], current=100)
    assert (await get(api, org, f"{OBJECTIVES}/{first['id']}"))["key_result_ids"] == [a["id"], b["id"]]
    assert (await get(api, org, f"{OBJECTIVES}/{first['id']}"))["progress_pct"] == 75
    moved = await api.patch(
        f"{KEY_RESULTS}/{b['id']}", json={"objective_id": second["id"]}, headers=org.headers("exec")
    )
    assert moved.status_code == 200
    one, two = (
        await get(api, org, f"{OBJECTIVES}/{first['id']}"),
        await get(api, org, f"{OBJECTIVES}/{second['id']}"),
    )
    assert one["key_result_ids"] == [a["id"]] and one["progress_pct"] == 50
    assert two["key_result_ids"] == [b["id"]] and two["progress_pct"] == 100
    assert (await api.delete(f"{KEY_RESULTS}/{a['id']}", headers=org.headers("exec"))).status_code == 204
    one = await get(api, org, f"{OBJECTIVES}/{first['id']}")
    assert one["key_result_ids"] == [] and one["progress_pct"] == 0


async def test_roll_up_through_weighted_children_five_levels(api, org) -> None:  # type: ignore[no-untyped-def]
    root = await objective(api, org)
    chain = [root]
    for _ in range(4):
        chain.append(await objective(api, org, parent=chain[-1]["id"], weight=0.5))
    sibling = await objective(api, org, parent=chain[3]["id"], weight=0.25)  # stays at 0
    kr = await key_result(api, org, chain[-1]["id"])
    await api.post(f"{KEY_RESULTS}/{kr['id']}/check-ins", json={"value": 60}, headers=org.headers("exec"))
    progress = [(await get(api, org, f"{OBJECTIVES}/{o['id']}"))["progress_pct"] for o in chain]
    # leaf 60; level 3 has children leaf (0.5 → 60) and sibling (0.25 → 0): 60·0.5/0.75 = 40
    assert progress == [40.0, 40.0, 40.0, 40.0, 60.0]
    # re-weighting the sibling changes the roll-up above it
    await api.patch(f"{OBJECTIVES}/{sibling['id']}", json={"weight": 0.5}, headers=org.headers("exec"))
    assert (await get(api, org, f"{OBJECTIVES}/{root['id']}"))["progress_pct"] == 30
    # deleting the sibling removes it from the roll-up
    await api.delete(f"{OBJECTIVES}/{sibling['id']}", headers=org.headers("exec"))
    assert (await get(api, org, f"{OBJECTIVES}/{root['id']}"))["progress_pct"] == 60
    # moving the leaf elsewhere empties the chain
    await api.patch(
        f"{OBJECTIVES}/{chain[-1]['id']}", json={"parent_objective_id": None}, headers=org.headers("exec")
    )
    assert (await get(api, org, f"{OBJECTIVES}/{root['id']}"))["progress_pct"] == 0


async def _recomputed(api, org) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """Every objective's progress recomputed from scratch, from the key results' stored progress."""
    objectives = (await api.get(OBJECTIVES, params={"limit": 200}, headers=org.headers("exec"))).json()[
        "data"
    ]
    krs = (await api.get(KEY_RESULTS, params={"limit": 200}, headers=org.headers("exec"))).json()["data"]
    by_id = {o["id"]: o for o in objectives}
    memo: dict[str, float] = {}

    def progress(objective_id: str) -> float:
        if objective_id not in memo:
            own = [k["progress_pct"] for k in krs if k["objective_id"] == objective_id]
            children = [
                (progress(o["id"]), o["weight"])
                for o in objectives
                if o["parent_objective_id"] == objective_id
            ]
            memo[objective_id] = objective_progress(own, children)
        return memo[objective_id]

    return {o: progress(o) for o in by_id}


async def test_concurrent_check_ins_lose_no_update(api, org) -> None:  # type: ignore[no-untyped-def]
    root = await objective(api, org)
    middle = await objective(api, org, parent=root["id"], weight=0.6)
    leaves = [await objective(api, org, parent=middle["id"], weight=w) for w in (0.2, 0.9)]
    krs = [await key_result(api, org, leaves[i % 2]["id"]) for i in range(10)]
    krs += [await key_result(api, org, middle["id"]) for _ in range(5)]
    krs += [await key_result(api, org, root["id"]) for _ in range(5)]
    values = random.Random(3).sample(range(1, 100), 20)
    responses = await asyncio.gather(
        *(
            api.post(f"{KEY_RESULTS}/{kr['id']}/check-ins", json={"value": v}, headers=org.headers("exec"))
            for kr, v in zip(krs, values, strict=True)
        )
    )
    assert all(r.status_code == 201 for r in responses), [r.text for r in responses if r.status_code != 201]
    stored = {
        o["id"]: o["progress_pct"]
        for o in (await api.get(OBJECTIVES, params={"limit": 200}, headers=org.headers("exec"))).json()[
            "data"
        ]
    }
    assert stored == await _recomputed(api, org)
    assert stored[leaves[0]["id"]] > 0 and stored[root["id"]] > 0


@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.data())
async def test_random_trees_roll_up_like_a_recomputation(api, owner_db, data) -> None:  # type: ignore[no-untyped-def]
    target = await build_org(owner_db)  # a fresh tenant per example
    created: list[dict[str, Any]] = []
    for _ in range(data.draw(st.integers(min_value=1, max_value=7))):
        parent = data.draw(st.sampled_from([None, *[o["id"] for o in created]]))
        weight = data.draw(st.sampled_from([0.1, 0.25, 0.5, 1.0]))
        created.append(await objective(api, target, parent=parent, weight=weight))
    for _ in range(data.draw(st.integers(min_value=0, max_value=8))):
        owner = data.draw(st.sampled_from(created))["id"]
        kr = await key_result(api, target, owner, baseline=0, target=data.draw(st.sampled_from([3, 7, 100])))
        value = data.draw(st.floats(min_value=-10, max_value=120, allow_nan=False))
        await api.post(
            f"{KEY_RESULTS}/{kr['id']}/check-ins", json={"value": value}, headers=target.headers("exec")
        )
    if data.draw(st.booleans()):  # and one re-parenting (to a root, so no cycle)
        moved = data.draw(st.sampled_from(created))
        await api.patch(
            f"{OBJECTIVES}/{moved['id']}", json={"parent_objective_id": None}, headers=target.headers("exec")
        )
    stored = {
        o["id"]: o["progress_pct"]
        for o in (await api.get(OBJECTIVES, params={"limit": 200}, headers=target.headers("exec"))).json()[
            "data"
        ]
    }
    assert stored == await _recomputed(api, target)


async def test_moving_the_objective_period_updates_key_result_health(api, org) -> None:  # type: ignore[no-untyped-def]
    future = await objective(api, org, period=f"{datetime.now(UTC).year + 1}-Q1")
    kr = await key_result(api, org, future["id"])
    assert kr["status"] == "not_started"
    await api.patch(f"{OBJECTIVES}/{future['id']}", json={"period": "2020-Q1"}, headers=org.headers("exec"))
    assert (await get(api, org, f"{KEY_RESULTS}/{kr['id']}"))["status"] == "off_track"
