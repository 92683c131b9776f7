"""Test fixtures: a fresh PostgreSQL database per run (embedded server, or the one DATABASE_URL
names), migrated once; a real `stride serve` process on a free port spoken to over real HTTP; and
small organisations built per test in their own tenant, so tests never share mutable state."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent
TEST_SECRET = "test-secret-" + secrets.token_hex(16)


def _server_url() -> str:
    """The libpq URL of the server under test (its maintenance database)."""
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    os.environ.setdefault("STRIDE_DATA_DIR", str(ROOT / ".stride"))
    from stride_server.config import get_settings
    from stride_server.db.embedded import embedded_url

    get_settings.cache_clear()
    return embedded_url(get_settings().data_dir)


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def _asyncpg_dsn(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme.split("+")[0], *parts[1:]))


def _run(coro):  # type: ignore[no-untyped-def]
    import asyncio

    return asyncio.run(coro)


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    base = _server_url()
    name = f"stride_test_{os.getpid()}_{secrets.token_hex(3)}"

    async def create() -> None:
        conn = await asyncpg.connect(_asyncpg_dsn(base))
        await conn.execute(f'CREATE DATABASE "{name}"')
        await conn.close()

    async def drop() -> None:
        conn = await asyncpg.connect(_asyncpg_dsn(base))
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.close()

    _run(create())
    url = _with_database(base, name)
    os.environ["DATABASE_URL"] = url
    os.environ["STRIDE_JWT_SECRET"] = TEST_SECRET
    from stride_server.auth.tokens import get_verifier
    from stride_server.config import get_settings
    from stride_server.db.engine import resolved_owner_url
    from stride_server.db.migrate import upgrade

    get_settings.cache_clear()
    resolved_owner_url.cache_clear()
    get_verifier.cache_clear()
    upgrade()
    try:
        yield url
    finally:
        _run(drop())


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(
    env: dict[str, str], *, workers: int = 1, job_worker: bool = False
) -> tuple[subprocess.Popen[bytes], str]:
    """A real `stride serve` process; returns it and its base URL once /healthz answers. Its job worker
    (webhook deliveries, schedules) runs only when asked: servers of one database share its queue."""
    port = _free_port()
    log = (
        open(ROOT / ".stride" / f"server-{port}.log", "wb")
        if (ROOT / ".stride").exists()
        else subprocess.DEVNULL
    )
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "stride_server.cli",
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
            *(() if job_worker else ("--no-worker",)),
        ],
        env={**os.environ, **env},
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"stride serve exited with {process.returncode}")
        try:
            if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                return process, base
        except httpx.HTTPError:
            time.sleep(0.1)
    process.terminate()
    raise RuntimeError("stride serve did not become healthy in 30 s")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="session")
def server(database_url: str) -> Iterator[str]:
    process, base = start_server(
        {
            "DATABASE_URL": database_url,
            "STRIDE_JWT_SECRET": TEST_SECRET,
            "STRIDE_LOG_LEVEL": "warning",
            "STRIDE_POOL_SIZE": "4",
        }
    )
    try:
        yield base
    finally:
        stop_server(process)


@pytest.fixture(scope="session")
async def api(server: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=server, timeout=30) as client:
        yield client


@pytest.fixture(scope="session")
async def owner_db(database_url: str) -> AsyncIterator[asyncpg.Pool]:
    """The owner's connection pool, for building fixtures and inspecting what the app wrote."""
    pool = await asyncpg.create_pool(_asyncpg_dsn(database_url), min_size=1, max_size=4)
    try:
        yield pool
    finally:
        await pool.close()


@pytest.fixture
async def org(owner_db: asyncpg.Pool, api: httpx.AsyncClient):  # type: ignore[no-untyped-def]
    from tests.factories import build_org

    return await build_org(owner_db)


@pytest.fixture
async def other_org(owner_db: asyncpg.Pool, api: httpx.AsyncClient):  # type: ignore[no-untyped-def]
    from tests.factories import build_org

    return await build_org(owner_db)


# --- webhooks: a real receiver on 127.0.0.1 and a server that delivers to it ---------------------------


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """Records every POST; `answer(path)` chooses the status (200 unless told otherwise)."""

    base: str
    requests: list[Received] = field(default_factory=list)
    statuses: dict[str, list[int]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    def answer(self, path: str) -> int:
        with self.lock:
            queue = self.statuses.get(path)
            return queue.pop(0) if queue and len(queue) > 1 else (queue[0] if queue else 200)

    def at(self, path: str) -> list[Received]:
        with self.lock:
            return [r for r in self.requests if r.path == path]

    def wait_for(self, path: str, count: int, timeout: float = 20.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got = self.at(path)
            if len(got) >= count:
                return got
            time.sleep(0.05)
        raise AssertionError(f"{path}: {len(self.at(path))} deliveries after {timeout} s, expected {count}")


@pytest.fixture(scope="session")
def receiver() -> Iterator[Receiver]:
    holder: dict[str, Receiver] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            target = holder["r"]
            with target.lock:
                target.requests.append(
                    Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                )
            status = target.answer(self.path)
            self.send_response(status)
            if 300 <= status < 400:
                self.send_header("Location", target.url("/redirected"))
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    holder["r"] = Receiver(f"http://127.0.0.1:{server.server_address[1]}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield holder["r"]
    finally:
        server.shutdown()


WEBHOOK_ENV = {
    "STRIDE_JWT_SECRET": TEST_SECRET,
    "STRIDE_LOG_LEVEL": "warning",
    "STRIDE_POOL_SIZE": "4",
    "STRIDE_WEBHOOK_ALLOW_PRIVATE": "true",
    "STRIDE_WEBHOOK_RETRY_SCHEDULE": "1,1",
    "STRIDE_WEBHOOK_DISABLE_AFTER": "2",
}


@pytest.fixture(scope="session")
def delivering_server(database_url: str) -> Iterator[str]:
    # The one server of the run with a job worker: every delivery of the test database goes through it.
    process, base = start_server({"DATABASE_URL": database_url, **WEBHOOK_ENV}, job_worker=True)
    try:
        yield base
    finally:
        stop_server(process)
