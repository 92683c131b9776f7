"""The Data API's reads run on a driver-level pool that skips asyncpg's reset on release
(db/engine.py create_read_pool): every connection must come back out of its transaction, with no
tenant set — so a statement on it reads nothing — after a success, a 404 and a refused token alike."""

from __future__ import annotations

import httpx

GOALS = "/api/v1/performance/goals"


async def test_read_connections_come_back_with_no_tenant_and_no_transaction(org, other_org) -> None:  # type: ignore[no-untyped-def]
    from stride_server.app import create_app

    app = create_app()
    async with app.router.lifespan_context(app):
        pool = app.state.read_pool
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://stride"
        ) as client:
            alice = {"Authorization": f"Bearer {org.token('alice')}"}
            created = await client.post(GOALS, json={"title": "Ship the pool"}, headers=alice)
            assert created.status_code == 201, created.text
            listed = await client.get(GOALS, headers=alice)
            assert [g["id"] for g in listed.json()["data"]] == [created.json()["id"]]
            assert (await client.get(f"{GOALS}/{created.json()['id']}", headers=alice)).status_code == 200
            assert (await client.get(f"{GOALS}/pgl_missing", headers=alice)).status_code == 404
            stranger = {"Authorization": f"Bearer {other_org.token('exec')}"}
            assert (await client.get(f"{GOALS}/{created.json()['id']}", headers=stranger)).status_code == 404

        assert pool.get_size() >= 1
        connections = [
            await pool.acquire() for _ in range(pool.get_max_size())
        ]  # all, the used ones among them
        try:
            for conn in connections:
                assert not conn.is_in_transaction()
                assert await conn.fetchval("SELECT current_setting('stride.tenant_id', true)") in (None, "")
                assert await conn.fetchval("SELECT count(*) FROM person_goals") == 0  # fail closed
        finally:
            for conn in connections:
                await pool.release(conn)
