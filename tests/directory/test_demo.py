"""`stride demo` creates a realistic organisation with records of every entity, and is idempotent."""

from __future__ import annotations

import os
import subprocess
import sys

from stride_server.edm.registry import ENTITIES
from tests.conftest import ROOT, TEST_SECRET

LEVELS = {"employee", "lead", "manager", "head", "executive"}


def run_demo(database_url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url, "STRIDE_JWT_SECRET": TEST_SECRET}
    return subprocess.run(
        [sys.executable, "-m", "stride_server.cli", "demo"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


async def counts(owner_db) -> dict[str, int]:  # type: ignore[no-untyped-def]
    tables = ["people", "groups", "group_members", *(e.table for e in ENTITIES)]
    async with owner_db.acquire() as conn:
        # Table names come from the registry, not from input.
        return {
            t: await conn.fetchval(f"SELECT count(*) FROM {t} WHERE tenant_id = 'demo'")  # noqa: S608
            for t in tables
        }


async def test_demo_seeds_an_organisation_and_is_idempotent(api, owner_db, database_url) -> None:  # type: ignore[no-untyped-def]
    first = run_demo(database_url)
    assert first.returncode == 0, first.stderr
    before = await counts(owner_db)
    assert before["people"] >= 60
    assert all(before[e.table] > 0 for e in ENTITIES), before
    async with owner_db.acquire() as conn:
        levels = {
            r[0]
            for r in await conn.fetch("SELECT DISTINCT access_level FROM people WHERE tenant_id = 'demo'")
        }
        kinds = {
            r[0] for r in await conn.fetch("SELECT DISTINCT kind FROM assessments WHERE tenant_id = 'demo'")
        }
        roles = {
            tuple(r)
            for r in await conn.fetch(
                "SELECT g.kind, m.role FROM group_members m JOIN groups g ON g.tenant_id = m.tenant_id "
                "AND g.id = m.group_id WHERE m.tenant_id = 'demo'"
            )
        }
        children = await conn.fetchval(
            "SELECT count(*) FROM objectives WHERE tenant_id = 'demo' AND parent_objective_id IS NOT NULL"
        )
        cohort_groups = await conn.fetchval(
            "SELECT count(*) FROM cohorts c JOIN groups g ON g.tenant_id = "
            "c.tenant_id AND g.id = c.group_id WHERE c.tenant_id = 'demo' "
            "AND g.kind = 'cohort'"
        )
        top = await conn.fetchval(
            "SELECT count(*) FROM people WHERE tenant_id = 'demo' AND manager_id IS NULL"
        )
    assert levels == LEVELS
    assert len(kinds) >= 3
    assert {("squad", "lead"), ("department", "head"), ("squad", "member")} <= roles
    assert children > 0 and cohort_groups > 0 and top == 1

    # Every level got a token that works.
    tokens = [line.strip() for line in first.stdout.splitlines() if line.strip().startswith("eyJ")]
    assert len(tokens) == 5 and "curl" in first.stdout
    for token in tokens:
        response = await api.get("/api/v1/performance/goals", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200, response.text
        assert response.json()["data"]

    second = run_demo(database_url)
    assert second.returncode == 0, second.stderr
    assert await counts(owner_db) == before
