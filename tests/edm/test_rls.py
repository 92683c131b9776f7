"""The second layer of tenant isolation: PostgreSQL row-level security under the app's own role."""

from __future__ import annotations

import asyncio
import random

from sqlalchemy import text

from stride_server.core.context import tenant_transaction
from stride_server.db.engine import create_engine

OBJECTIVES = "/api/v1/okr/objectives"


async def create(api, org, title):  # type: ignore[no-untyped-def]
    response = await api.post(
        OBJECTIVES, json={"title": title, "period": "2026-Q1"}, headers=org.headers("exec")
    )
    assert response.status_code == 201
    return response.json()["id"]


async def test_unscoped_select_through_app_connection_sees_only_current_tenant(api, org, other_org) -> None:  # type: ignore[no-untyped-def]
    mine = {await create(api, org, "Mine") for _ in range(3)}
    theirs = {await create(api, other_org, "Theirs") for _ in range(2)}
    engine = create_engine(pool_size=1)
    try:
        async with tenant_transaction(engine, org.tenant_id) as conn:
            # deliberately no WHERE: a statement that "forgot" the tenant
            rows = (await conn.execute(text("SELECT id, tenant_id FROM objectives"))).all()
            assert {r.id for r in rows} == mine and {r.tenant_id for r in rows} == {org.tenant_id}
            people = (await conn.execute(text("SELECT DISTINCT tenant_id FROM people"))).all()
            assert [p.tenant_id for p in people] == [org.tenant_id]
            # writing into another tenant is refused by the policy's WITH CHECK
            insert = text("INSERT INTO tenants (tenant_id, name) VALUES (:t, 'x')")
            try:
                async with conn.begin_nested():
                    await conn.execute(insert, {"t": other_org.tenant_id + "_new"})
                raise AssertionError("insert into another tenant was allowed")
            except Exception as exc:  # noqa: BLE001
                assert "row-level security" in str(exc)
        async with tenant_transaction(engine, other_org.tenant_id) as conn:
            rows = (await conn.execute(text("SELECT id FROM objectives"))).all()
            assert {r.id for r in rows} == theirs
    finally:
        await engine.dispose()


async def test_no_tenant_set_reads_nothing(api, org) -> None:  # type: ignore[no-untyped-def]
    await create(api, org, "Hidden")
    engine = create_engine(pool_size=1)
    try:
        async with engine.begin() as conn:
            assert (await conn.execute(text("SELECT count(*) FROM objectives"))).scalar() == 0
            assert (await conn.execute(text("SELECT count(*) FROM people"))).scalar() == 0
            assert (await conn.execute(text("SELECT current_user"))).scalar() == "stride_app"
            await conn.execute(text("RESET ROLE"))  # the role's reset value is the app role itself
            assert (await conn.execute(text("SELECT count(*) FROM objectives"))).scalar() == 0
        # the setting does not outlive its transaction on a pooled connection
        async with tenant_transaction(engine, org.tenant_id):
            pass
        async with engine.begin() as conn:
            assert (await conn.execute(text("SELECT count(*) FROM objectives"))).scalar() == 0
    finally:
        await engine.dispose()


async def test_every_tenant_table_forces_rls(owner_db) -> None:  # type: ignore[no-untyped-def]
    rows = await owner_db.fetch("""
        SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname <> 'alembic_version'""")
    tables = {r["relname"]: (r["relrowsecurity"], r["relforcerowsecurity"]) for r in rows}
    unsecured = {name for name, flags in tables.items() if flags != (True, True)}
    # api_key_lookup: hashes only, read before a tenant is known; the job queue's own tables (the
    # procrastinate library's schema) hold jobs naming a tenant, an endpoint and an event — no records.
    queue = {name for name in unsecured if name.startswith("procrastinate_")}
    assert unsecured - queue == {"api_key_lookup"}, unsecured
    assert queue == {
        "procrastinate_jobs",
        "procrastinate_events",
        "procrastinate_periodic_defers",
        "procrastinate_workers",
    }
    keyed = await owner_db.fetch("""
        SELECT tc.table_name, array_agg(kcu.column_name::text ORDER BY kcu.ordinal_position) AS columns
        FROM information_schema.table_constraints tc
        JOIN information_schema.key_column_usage kcu USING (constraint_schema, constraint_name, table_name)
        WHERE tc.constraint_type = 'PRIMARY KEY' AND tc.table_schema = 'public' GROUP BY tc.table_name""")
    for row in keyed:
        if row["table_name"] not in ("api_key_lookup", "alembic_version", "tenants", *queue):
            assert row["columns"][0] == "tenant_id", row


async def test_500_interleaved_requests_of_two_tenants_never_cross(api, org, other_org) -> None:  # type: ignore[no-untyped-def]
    # the session's server runs with a pool of 4 connections (tests/conftest.py)
    own = {
        org.tenant_id: {await create(api, org, f"A{i}") for i in range(3)},
        other_org.tenant_id: {await create(api, other_org, f"B{i}") for i in range(3)},
    }
    orgs = [org, other_org] * 250
    random.Random(7).shuffle(orgs)
    gate = asyncio.Semaphore(32)

    async def read(which):  # type: ignore[no-untyped-def]
        async with gate:
            response = await api.get(OBJECTIVES, headers=which.headers("exec"))
        assert response.status_code == 200
        return (
            which.tenant_id,
            {r["id"] for r in response.json()["data"]},
            {r["tenant_id"] for r in response.json()["data"]},
        )

    results = await asyncio.gather(*(read(o) for o in orgs))
    assert len(results) == 500
    for tenant, seen, tenants in results:
        assert seen == own[tenant] and tenants == {tenant}
