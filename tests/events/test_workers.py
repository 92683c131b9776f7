"""Job workers (CONTRACT §8.3) on a database of their own, so that no other server's worker takes a
job: `stride serve --no-worker` delivers nothing itself; a `stride worker` without
STRIDE_WEBHOOK_ALLOW_PRIVATE refuses, at delivery, an address that was allowed when the endpoint was
saved; and two `stride worker` processes at once deliver 500 events, each exactly once."""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from typing import Any

import asyncpg
import httpx
import pytest

from tests.conftest import (
    ROOT,
    TEST_SECRET,
    Receiver,
    _asyncpg_dsn,
    _server_url,
    _with_database,
    start_server,
    stop_server,
)
from tests.factories import Org, build_org

ENV = {
    "STRIDE_JWT_SECRET": TEST_SECRET,
    "STRIDE_LOG_LEVEL": "warning",
    "STRIDE_POOL_SIZE": "4",
    "STRIDE_WEBHOOK_ALLOW_PRIVATE": "true",
    "STRIDE_WEBHOOK_RETRY_SCHEDULE": "",
}


@pytest.fixture(scope="module")
def own_database(database_url: str) -> Iterator[str]:
    base = _server_url()
    name = f"stride_workers_{os.getpid()}_{secrets.token_hex(3)}"
    url = _with_database(base, name)

    async def execute(sql: str) -> None:
        conn = await asyncpg.connect(_asyncpg_dsn(base))
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(execute(f'CREATE DATABASE "{name}"'))
    subprocess.run(
        [sys.executable, "-m", "stride_server.cli", "db", "upgrade"],
        env={**os.environ, "DATABASE_URL": url},
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    try:
        yield url
    finally:
        asyncio.run(execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="module")
def quiet_server(own_database: str) -> Iterator[str]:
    process, base = start_server({"DATABASE_URL": own_database, **ENV}, job_worker=False)
    try:
        yield base
    finally:
        stop_server(process)


def _worker(database: str, **env: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "stride_server.cli", "worker"],
        env={**os.environ, "DATABASE_URL": database, **ENV, **env},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _stop(worker: subprocess.Popen[bytes]) -> int:
    worker.send_signal(signal.SIGTERM)
    try:
        return worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()
        raise


@pytest.fixture
async def setup(own_database: str, quiet_server: str) -> AsyncIterator[tuple[httpx.AsyncClient, Org]]:
    pool = await asyncpg.create_pool(_asyncpg_dsn(own_database), min_size=1, max_size=2)
    try:
        org = await build_org(pool)
    finally:
        await pool.close()
    async with httpx.AsyncClient(base_url=quiet_server, timeout=30) as api:
        yield api, org


async def _endpoint(api: httpx.AsyncClient, org: Org, receiver: Receiver, path: str) -> dict[str, Any]:
    response = await api.post(
        "/api/v1/platform/webhooks",
        json={"url": receiver.url(path), "event_types": ["person_goal.created"]},
        headers=org.headers("exec"),
    )
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


async def _goals(api: httpx.AsyncClient, org: Org, count: int) -> None:
    names = ["alice", "bob", "carol", "lead"]

    async def create(n: int) -> None:
        response = await api.post(
            "/api/v1/performance/goals", json={"title": f"Goal {n}"}, headers=org.headers(names[n % 4])
        )
        assert response.status_code == 201, response.text

    for start in range(0, count, 25):
        await asyncio.gather(*(create(n) for n in range(start, min(start + 25, count))))


async def test_a_worker_refuses_a_private_address_at_delivery(setup, own_database, receiver) -> None:  # type: ignore[no-untyped-def]
    api, org = setup
    endpoint = await _endpoint(api, org, receiver, "/inside")
    await _goals(api, org, 1)
    await asyncio.sleep(1)
    assert receiver.at("/inside") == []  # `stride serve --no-worker` delivers nothing itself
    worker = _worker(own_database, STRIDE_WEBHOOK_ALLOW_PRIVATE="false")
    try:
        for _ in range(200):
            rows = (
                await api.get(
                    f"/api/v1/platform/webhooks/{endpoint['id']}/deliveries", headers=org.headers("exec")
                )
            ).json()["data"]
            if rows and rows[0]["status"] != "pending":
                break
            await asyncio.sleep(0.1)
    finally:
        assert _stop(worker) == 0
    assert rows[0]["status"] == "failed" and "refused" in rows[0]["error"], rows
    assert rows[0]["response_status"] is None
    assert receiver.at("/inside") == []


async def test_two_workers_deliver_500_events_each_exactly_once(setup, own_database, receiver) -> None:  # type: ignore[no-untyped-def]
    api, org = setup
    await _endpoint(api, org, receiver, "/twice")
    workers = [_worker(own_database, STRIDE_WORKER_CONCURRENCY="8") for _ in range(2)]
    try:
        await _goals(api, org, 500)
        got = await asyncio.to_thread(receiver.wait_for, "/twice", 500, 60.0)
        await asyncio.sleep(2)  # anything delivered twice would have arrived by now
        got = receiver.at("/twice")
    finally:
        codes = [_stop(w) for w in workers]
    ids = [r.headers["webhook-id"] for r in got]
    assert len(ids) == 500 and len(set(ids)) == 500
    assert {json.loads(r.body)["type"] for r in got} == {"person_goal.created"}
    assert codes == [0, 0]
