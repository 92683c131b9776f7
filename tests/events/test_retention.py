"""Retention (CONTRACT §8.1) and start-up checks (§8.3): events and delivery attempts older than the
tenant's `events_retention_days` are purged by the daily job, others kept; a bad retry schedule stops
`stride worker` and `stride serve` with a clear error and a non-zero exit."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tests.factories import in_tenant

PURGE = (
    "import asyncio\n"
    "from stride_server.db.engine import create_engine\n"
    "from stride_server.events.service import purge_all_tenants\n"
    "async def main():\n"
    "    engine = create_engine()\n"
    "    try:\n"
    "        print(await purge_all_tenants(engine))\n"
    "    finally:\n"
    "        await engine.dispose()\n"
    "asyncio.run(main())\n"
)


async def _goal_event(api, org) -> str:  # type: ignore[no-untyped-def]
    created = await api.post("/api/v1/performance/goals", json={"title": "Old"}, headers=org.headers("alice"))
    assert created.status_code == 201, created.text
    events = await api.get(
        "/api/v1/events", params={"subject_id": created.json()["id"]}, headers=org.headers("exec")
    )
    return str(events.json()["data"][0]["id"])


async def test_the_purge_removes_what_is_older_than_each_tenants_retention(
    api, org, other_org, owner_db
) -> None:  # type: ignore[no-untyped-def]
    old, kept = await _goal_event(api, org), await _goal_event(api, other_org)
    fresh = await _goal_event(api, org)
    backdate = "UPDATE events SET occurred_at = now() - make_interval(days => $2) WHERE id = $1"
    await in_tenant(owner_db, org.tenant_id, [(backdate, (old, 31))])
    await in_tenant(
        owner_db,
        other_org.tenant_id,
        [
            (backdate, (kept, 31)),
            ("UPDATE tenants SET events_retention_days = 60 WHERE tenant_id = $1", (other_org.tenant_id,)),
        ],
    )
    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-c", PURGE],
        env=os.environ,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.strip()) >= 1

    async def ids(tenant, who) -> set[str]:  # type: ignore[no-untyped-def]
        response = await api.get("/api/v1/events", params={"limit": 200}, headers=who.headers("exec"))
        return {e["id"] for e in response.json()["data"]}

    assert old not in await ids(org.tenant_id, org) and fresh in await ids(org.tenant_id, org)
    assert kept in await ids(other_org.tenant_id, other_org)  # 31 days old, kept 60


@pytest.mark.parametrize("command", [["worker"], ["serve", "--port", "1"]])
@pytest.mark.parametrize("schedule", ["5,soon", "-1", "5,,x"])
def test_a_bad_retry_schedule_stops_start_up(command, schedule) -> None:  # type: ignore[no-untyped-def]
    done = subprocess.run(
        [sys.executable, "-m", "stride_server.cli", *command],
        env={**os.environ, "STRIDE_WEBHOOK_RETRY_SCHEDULE": schedule},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2, done.stderr
    assert "STRIDE_WEBHOOK_RETRY_SCHEDULE" in done.stderr
