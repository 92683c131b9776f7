"""OKR writes lock only the objective trees they roll up into (okr.hooks.lock_trees): writes of
other trees of the same tenant run in parallel, a write whose tree moves while it waits follows it,
a deadlock between tree locks is a 503 to retry, racing re-parents never form a cycle, and
concurrent check-ins and re-parents lose no roll-up."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from stride_server.auth.principal import Principal
from stride_server.core.context import Context, tenant_transaction
from stride_server.db.engine import with_driver
from stride_server.db.rows import advisory_lock
from stride_server.okr import store
from stride_server.okr.hooks import HOOKS
from tests.okr.test_okr_api import KEY_RESULTS, OBJECTIVES, _recomputed, get, key_result, objective

WAITING = """SELECT count(*) FROM pg_locks AS w WHERE w.locktype = 'advisory' AND NOT w.granted
              AND w.database = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND (NOT $1 OR EXISTS (SELECT 1 FROM pg_locks AS h
                                     WHERE h.pid = w.pid AND h.locktype = 'advisory' AND h.granted))"""


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """Side connections to the test database, for transactions the test holds open."""
    side = create_async_engine(with_driver(database_url, "asyncpg"), pool_size=3)
    try:
        yield side
    finally:
        await side.dispose()


@asynccontextmanager
async def writing(engine, org, entity: str, record_id: str, values: dict[str, Any] | None = None):  # type: ignore[no-untyped-def]
    """An open transaction that has taken the lock the app takes first for a write of `record_id`
    (its `Lock` hook), as a write in progress would hold it."""
    async with tenant_transaction(engine, org.tenant_id) as conn:
        principal = Principal(org.tenant_id, org.people["exec"], None, frozenset(), "executive")
        await HOOKS[entity].lock(Context(principal, conn), record_id, values or {})
        yield conn


async def until_waiting(owner_db, count: int, *must_wait: asyncio.Task[Any], holding: bool = False) -> None:  # type: ignore[no-untyped-def]
    """Until `count` transactions wait for an advisory lock (a write queued behind a tree's lock),
    with `holding`: while holding one already; fails if one of `must_wait` finishes instead, or
    nothing queues within 10 s."""
    deadline = asyncio.get_running_loop().time() + 10
    while (waiting := await owner_db.fetchval(WAITING, holding)) < count:
        finished = [t.result().text for t in must_wait if t.done()]
        assert not finished, f"a write that should wait for the locked tree finished: {finished}"
        assert asyncio.get_running_loop().time() < deadline, f"{waiting} of {count} writes queued"
        await asyncio.sleep(0.01)


def check_in(api, org, kr: dict[str, Any], value: float):  # type: ignore[no-untyped-def]
    return api.post(f"{KEY_RESULTS}/{kr['id']}/check-ins", json={"value": value}, headers=org.headers("exec"))


def re_parent(api, org, child: dict[str, Any], parent: dict[str, Any]):  # type: ignore[no-untyped-def]
    return api.patch(
        f"{OBJECTIVES}/{child['id']}", json={"parent_objective_id": parent["id"]}, headers=org.headers("exec")
    )


async def test_check_in_on_another_tree_does_not_wait_for_a_tree_being_written(  # type: ignore[no-untyped-def]
    api, org, engine, owner_db
) -> None:
    root_a = await objective(api, org)
    kr_a = await key_result(api, org, (await objective(api, org, parent=root_a["id"]))["id"])
    root_b = await objective(api, org)
    kr_b = await key_result(api, org, (await objective(api, org, parent=root_b["id"]))["id"])
    async with writing(engine, org, "KeyResult", kr_a["id"]):  # a check-in of tree A in progress
        same_tree = asyncio.create_task(check_in(api, org, kr_a, 40))
        await until_waiting(owner_db, 1, same_tree)  # tree A's next check-in queues behind it …
        other_tree = await asyncio.wait_for(check_in(api, org, kr_b, 60), timeout=10)
        assert other_tree.status_code == 201, other_tree.text  # … tree B's does not
        assert not same_tree.done()
    assert (await asyncio.wait_for(same_tree, timeout=10)).status_code == 201
    assert (await get(api, org, f"{OBJECTIVES}/{root_a['id']}"))["progress_pct"] == 40
    assert (await get(api, org, f"{OBJECTIVES}/{root_b['id']}"))["progress_pct"] == 60


async def test_a_write_whose_tree_moved_while_it_waited_locks_the_new_tree(  # type: ignore[no-untyped-def]
    api, org, engine, owner_db
) -> None:
    root_a = await objective(api, org)
    leaf_a = await objective(api, org, parent=root_a["id"])
    kr_a = await key_result(api, org, leaf_a["id"])
    root_b = await objective(api, org)
    kr_b = await key_result(api, org, (await objective(api, org, parent=root_b["id"]))["id"])
    locked, release = asyncio.Event(), asyncio.Event()

    async def late_writer_of_b() -> None:
        async with writing(engine, org, "KeyResult", kr_b["id"]):  # reads tree B's root, then waits
            locked.set()
            await release.wait()

    async with writing(engine, org, "KeyResult", kr_b["id"]):  # tree B busy: both writes below queue
        move = asyncio.create_task(re_parent(api, org, root_b, leaf_a))  # tree B joins tree A
        await until_waiting(owner_db, 1, move)
        late = asyncio.create_task(late_writer_of_b())
        await until_waiting(owner_db, 2, move)
    # The move goes first (first in the queue) and commits; the late writer then finds its chain under
    # tree A's root, so it must hold tree A as well: a check-in of tree A now waits for it.
    assert (await asyncio.wait_for(move, timeout=10)).status_code == 200
    await asyncio.wait_for(locked.wait(), timeout=10)
    blocked = asyncio.create_task(check_in(api, org, kr_a, 70))
    await until_waiting(owner_db, 1, blocked)
    release.set()
    await asyncio.wait_for(late, timeout=10)
    assert (await asyncio.wait_for(blocked, timeout=10)).status_code == 201
    assert (await get(api, org, f"{OBJECTIVES}/{root_a['id']}"))["progress_pct"] == 70


async def test_a_deadlock_between_tree_locks_is_run_again_whole(api, org, engine, owner_db) -> None:  # type: ignore[no-untyped-def]
    root_a = await objective(api, org)
    leaf_a = await objective(api, org, parent=root_a["id"])
    kr_a = await key_result(api, org, leaf_a["id"])
    root_b = await objective(api, org)
    kr_b = await key_result(api, org, (await objective(api, org, parent=root_b["id"]))["id"])
    async with writing(engine, org, "KeyResult", kr_a["id"]) as holder_of_a:
        async with writing(engine, org, "KeyResult", kr_b["id"]) as mover:  # moves tree B under A
            await mover.execute(
                text("UPDATE objectives SET parent_objective_id = :parent WHERE id = :id"),
                {"parent": leaf_a["id"], "id": root_b["id"]},
            )
            check_in_b = asyncio.create_task(check_in(api, org, kr_b, 10))
            await until_waiting(owner_db, 1, check_in_b)  # queued behind tree B
        # The check-in now holds tree B and, finding its chain under tree A, waits for A; tree A's
        # holder then asks for B, which the check-in holds. PostgreSQL breaks the deadlock by failing
        # the transaction that waited first: the check-in, which the server rolls back and runs again,
        # whole (db.rows.retrying_conflicts) — it queues behind tree A's holder, not a 500 nor a 503.
        await until_waiting(owner_db, 1, check_in_b, holding=True)
        await advisory_lock(holder_of_a, store.tree_lock_namespace(org.tenant_id) + root_b["id"])
        await until_waiting(owner_db, 1, check_in_b)  # the second run, waiting for the holder
    done = await asyncio.wait_for(check_in_b, timeout=10)
    assert done.status_code == 201, done.text
    history = (await get(api, org, f"{KEY_RESULTS}/{kr_b['id']}"))["history"]
    assert [entry["value"] for entry in history] == [10]  # the failed run left nothing behind


def _assert_one_refused_as_a_cycle(responses: list[Any]) -> int:
    """Exactly one of two cycle-forming re-parents is accepted; the other is the contract's 422."""
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200, 422], [r.text for r in responses]
    refused = next(r for r in responses if r.status_code == 422)
    problem = refused.json()
    assert problem["type"].endswith("/validation")
    assert [e["field"] for e in problem["errors"]] == ["parent_objective_id"]
    return next(i for i, r in enumerate(responses) if r.status_code == 200)


@pytest.mark.parametrize("through", ["roots", "children"])
async def test_racing_re_parents_that_would_form_a_cycle_refuse_one(  # type: ignore[no-untyped-def]
    api, org, engine, owner_db, through
) -> None:
    for forced in (True, False, False, False):
        a, b = await objective(api, org), await objective(api, org)
        # A under B and B under A; or A under B's child and B under A's child (a longer cycle)
        a_target = b if through == "roots" else await objective(api, org, parent=b["id"])
        b_target = a if through == "roots" else await objective(api, org, parent=a["id"])
        if forced:  # both queue behind a write holding both trees, then race for them
            async with writing(engine, org, "Objective", a["id"], {"parent_objective_id": b["id"]}):
                first = asyncio.create_task(re_parent(api, org, a, a_target))
                await until_waiting(owner_db, 1, first)
                second = asyncio.create_task(re_parent(api, org, b, b_target))
                await until_waiting(owner_db, 2, first, second)
            responses = list(await asyncio.gather(first, second))
        else:
            responses = list(
                await asyncio.gather(re_parent(api, org, a, a_target), re_parent(api, org, b, b_target))
            )
        accepted = _assert_one_refused_as_a_cycle(responses)
        if forced:
            assert accepted == 0  # the first in the queue wins
        moved, kept = (a, b) if accepted == 0 else (b, a)
        assert (await get(api, org, f"{OBJECTIVES}/{kept['id']}"))["parent_objective_id"] is None
        assert (await get(api, org, f"{OBJECTIVES}/{moved['id']}"))["parent_objective_id"] is not None


async def _tree(api, org) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    """root → l1 → l2 → l3, and a sibling under l1: key results go on the leaves (l3, sibling), so
    every level above rolls up its children by weight."""
    chain = [await objective(api, org)]
    for weight in (0.6, 0.8, 0.5):
        chain.append(await objective(api, org, parent=chain[-1]["id"], weight=weight))
    return [*chain, await objective(api, org, parent=chain[1]["id"], weight=0.3)]


async def test_concurrent_check_ins_and_re_parents_on_two_trees_lose_no_update(api, org) -> None:  # type: ignore[no-untyped-def]
    a, b = await _tree(api, org), await _tree(api, org)
    krs = [
        await key_result(api, org, tree[leaf]["id"]) for tree in (a, b) for leaf in (3, 4) for _ in range(5)
    ]
    values = random.Random(5).sample(range(1, 100), len(krs))
    writes = [check_in(api, org, kr, v) for kr, v in zip(krs, values, strict=True)]
    # Tree B moves under A's l2 while A's l1 moves under B's l2: together a cycle, so one is refused;
    # the check-ins in flight roll up through whichever tree their objective ends up in.
    writes[7:7] = [re_parent(api, org, b[0], a[2])]
    writes[14:14] = [re_parent(api, org, a[1], b[2])]
    responses = await asyncio.gather(*writes)
    moves = [responses[7], responses[14]]
    check_ins = [r for i, r in enumerate(responses) if i not in (7, 14)]
    assert all(r.status_code == 201 for r in check_ins), [r.text for r in check_ins if r.status_code != 201]
    _assert_one_refused_as_a_cycle(moves)
    stored = {
        o["id"]: o["progress_pct"]
        for o in (await api.get(OBJECTIVES, params={"limit": 200}, headers=org.headers("exec"))).json()[
            "data"
        ]
    }
    assert stored == await _recomputed(api, org)
    assert all(stored[tree[leaf]["id"]] > 0 for tree in (a, b) for leaf in (3, 4))
