"""Events and webhooks under load (CONTRACT §8, the events issue's targets), on the benchmark's small
data set (10 tenants, 1,000 people, 10,000 goals), `stride serve` with 2 workers, loopback only:

1. **create with the outbox and without it**: wrk -c32 creating goals, ABBA — A with the outbox
   triggers as migrated, B with person_goals' trigger disabled (the owner's ALTER TABLE, for the
   measurement only) — target: with ≥ 0.9× without;
2. **commit-to-receipt latency at 100 events/s sustained**: goals created at a steady 100/s for
   `--seconds`, each delivered to a local receiver by the server's in-process workers; latency is the
   receiver's clock minus the event's `occurred_at` (written before the commit, so it counts the commit
   too) — target p99 ≤ 1 s;
3. **draining a backlog of 10,000 events**: the events written while no worker runs (`stride serve
   --no-worker`), then one `stride worker` started — deliveries/s from its start to the last receipt.

    .venv/bin/python bench/events_bench.py [--duration 10] [--seconds 20] [--backlog 10000]

Prints the figures and writes bench/results/events.json."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import asyncpg
import dataset
import drivers
import httpx
from drivers import Request

RESULTS = drivers.BENCH / "results"
WORK = RESULTS / "events_work"
GOALS = "/api/v1/performance/goals"
WEBHOOKS = "/api/v1/platform/webhooks"
CREATE_BODY = json.dumps({"title": "Outbox goal", "period": "2026-Q2", "source": dataset.CREATED_SOURCE})
TARGET_OUTBOX_RATIO, TARGET_P99_S = 0.9, 1.0


def _say(message: str) -> None:
    print(message, flush=True)


# ------------------------------------------------------------------------------------ the receiver
class Receiver:
    """A local HTTP server answering 200 to every POST, noting when each event arrived."""

    def __init__(self) -> None:
        self.arrivals: list[tuple[float, bytes]] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                at = time.time()
                with receiver.lock:
                    receiver.arrivals.append((at, body))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer((drivers.HOST, 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://{drivers.HOST}:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def count(self) -> int:
        with self.lock:
            return len(self.arrivals)

    def take(self) -> list[tuple[float, bytes]]:
        with self.lock:
            taken, self.arrivals = self.arrivals, []
        return taken

    def wait_for(self, count: int, timeout: float) -> float:
        deadline = time.monotonic() + timeout
        while self.count() < count:
            if time.monotonic() > deadline:
                raise SystemExit(f"the receiver got {self.count()} of {count} events in {timeout:.0f} s")
            time.sleep(0.01)
        return time.time()


# ---------------------------------------------------------------------------------------- helpers
async def _owner(dsn: str, tenant_id: str, *statements: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("SELECT set_config('stride.tenant_id', $1, false)", tenant_id)
        for sql in statements:
            await conn.execute(sql)
    finally:
        await conn.close()


async def _clean(dsn: str, tenant_ids: list[str]) -> None:
    """Goals this benchmark created, their events and endpoints, and the queue's leftovers."""
    conn = await asyncpg.connect(dsn)
    try:
        await dataset.remove_created_goals(conn, tenant_ids)
        for tenant in tenant_ids:
            await conn.execute("SELECT set_config('stride.tenant_id', $1, false)", tenant)
            await conn.execute("DELETE FROM webhooks WHERE tenant_id = $1", tenant)
            await conn.execute("DELETE FROM events WHERE tenant_id = $1", tenant)
        await conn.execute("DELETE FROM procrastinate_jobs WHERE task_name = 'stride.deliver_webhook'")
    finally:
        await conn.close()


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _latencies(arrivals: list[tuple[float, bytes]]) -> list[float]:
    out = []
    for at, body in arrivals:
        occurred = datetime.fromisoformat(json.loads(body)["occurred_at"].replace("Z", "+00:00"))
        out.append(at - occurred.timestamp())
    return out


def _endpoint(base: str, token: str, url: str) -> str:
    response = httpx.post(
        base + WEBHOOKS,
        json={"url": url, "event_types": ["person_goal.created"]},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    if response.status_code != 201:
        raise SystemExit(f"creating the endpoint answered {response.status_code}: {response.text}")
    return str(response.json()["id"])


# ------------------------------------------------------------------------------------- the parts
def create_with_and_without(
    args: argparse.Namespace, url: str, dsn: str, secret: str, requests: list[Request], tenants: list[str]
) -> dict[str, Any]:
    path = drivers.write_requests(WORK / "create.tsv", requests)
    server = drivers.start_stride(url, secret, args.workers, "warning", WORK / "stride_create.log")
    runs: list[dict[str, Any]] = []
    try:
        for outbox in (True, False, False, True):  # ABBA
            switch = "ENABLE" if outbox else "DISABLE"
            asyncio.run(
                _owner(dsn, tenants[0], f"ALTER TABLE person_goals {switch} TRIGGER stride_events_insert")
            )
            options = {"connections": args.connections, "threads": args.threads}
            drivers.wrk(server.base, path, duration=2, **options)
            figures = drivers.wrk(server.base, path, duration=args.duration, **options)
            figures["outbox"] = outbox
            runs.append(figures)
            _say(
                f"  create, outbox {'on ' if outbox else 'off'}  {figures['rps']:8.0f} req/s  "
                f"p50 {figures['p50_ms']:6.2f} ms  p99 {figures['p99_ms']:6.2f} ms  "
                f"non-2xx {figures['non_2xx']}"
            )
    finally:
        asyncio.run(_owner(dsn, tenants[0], "ALTER TABLE person_goals ENABLE TRIGGER stride_events_insert"))
        server.stop()
    on = sum(r["rps"] for r in runs if r["outbox"]) / 2
    off = sum(r["rps"] for r in runs if not r["outbox"]) / 2
    return {"runs": runs, "with_outbox_rps": on, "without_outbox_rps": off, "ratio": on / off}


async def _steady(base: str, tokens: list[str], rate: float, seconds: float) -> int:
    """`rate` creates a second for `seconds`, each started on its tick whatever the others do."""
    async with httpx.AsyncClient(base_url=base, timeout=10) as client:
        tasks = []
        start = time.monotonic()
        for n in range(int(rate * seconds)):
            delay = start + n / rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            headers = {
                "Authorization": f"Bearer {tokens[n % len(tokens)]}",
                "Content-Type": "application/json",
            }
            tasks.append(asyncio.create_task(client.post(GOALS, content=CREATE_BODY, headers=headers)))
        answers = await asyncio.gather(*tasks)
    failed = [a.status_code for a in answers if a.status_code != 201]
    if failed:
        raise SystemExit(f"{len(failed)} creates failed: {failed[:5]}")
    return len(answers)


def latency_at_rate(
    args: argparse.Namespace, url: str, secret: str, tokens: list[str], executive: str, receiver: Receiver
) -> dict[str, Any]:
    env = {"STRIDE_WEBHOOK_ALLOW_PRIVATE": "true"}
    server = drivers.start_stride(
        url, secret, args.workers, "warning", WORK / "stride_latency.log", extra_env=env
    )
    try:
        _endpoint(server.base, executive, receiver.url)
        receiver.take()
        sent = asyncio.run(_steady(server.base, tokens, args.rate, args.seconds))
        receiver.wait_for(sent, 60)
        latencies = _latencies(receiver.take())
    finally:
        server.stop()
    figures = {
        "rate_per_s": args.rate,
        "events": len(latencies),
        "p50_s": _percentile(latencies, 0.5),
        "p90_s": _percentile(latencies, 0.9),
        "p99_s": _percentile(latencies, 0.99),
        "max_s": max(latencies),
    }
    _say(
        f"  commit-to-receipt at {args.rate:.0f}/s: p50 {figures['p50_s'] * 1000:.0f} ms  "
        f"p99 {figures['p99_s'] * 1000:.0f} ms  max {figures['max_s'] * 1000:.0f} ms  "
        f"({len(latencies)} events)"
    )
    return figures


def drain(
    args: argparse.Namespace, url: str, dsn: str, secret: str, tenant: str, executive: str, receiver: Receiver
) -> dict[str, Any]:
    env = {"STRIDE_WEBHOOK_ALLOW_PRIVATE": "true"}
    server = drivers.start_stride(
        url, secret, 1, "warning", WORK / "stride_drain.log", extra_env=env, job_worker=False
    )
    try:
        _endpoint(server.base, executive, receiver.url)
    finally:
        server.stop()
    started = time.monotonic()
    asyncio.run(
        _owner(
            dsn,
            tenant,
            f"""INSERT INTO person_goals (tenant_id, id, person_id, title, source, created_by, updated_by,
                                          created_at, updated_at)
                SELECT '{tenant}', 'gol_' || stride_ulid(clock_timestamp()), p.id, 'Backlog goal',
                       '{dataset.CREATED_SOURCE}', p.id, p.id, now(), now()
                FROM generate_series(1, {args.backlog}) n
                JOIN LATERAL (SELECT id FROM people WHERE tenant_id = '{tenant}'
                              ORDER BY id OFFSET n % 50 LIMIT 1) p ON true""",  # noqa: S608 (constants)
        )
    )
    _say(f"  backlog: {args.backlog:,} events written in {time.monotonic() - started:.1f} s")
    receiver.take()
    worker_env = {
        **os.environ,
        "DATABASE_URL": url,
        "STRIDE_JWT_SECRET": secret,
        **env,
        "STRIDE_LOG_LEVEL": "warning",
    }
    with open(WORK / "worker.log", "wb") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "stride_server.cli", "worker"],
            env=worker_env,
            cwd=drivers.ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    start = time.time()
    try:
        done = receiver.wait_for(args.backlog, 600)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
    arrivals = receiver.take()
    first = min(at for at, _ in arrivals)
    figures = {
        "events": args.backlog,
        "seconds_from_worker_start": done - start,
        "deliveries_per_s": args.backlog / (done - start),
        "deliveries_per_s_after_first": args.backlog / max(done - first, 1e-6),
        "concurrency": int(os.environ.get("STRIDE_WORKER_CONCURRENCY", "16")),
    }
    _say(
        f"  drain: {args.backlog:,} events in {figures['seconds_from_worker_start']:.1f} s from the worker's "
        f"start: {figures['deliveries_per_s']:.0f} deliveries/s "
        f"({figures['deliveries_per_s_after_first']:.0f}/s after the first)"
    )
    return figures


# ------------------------------------------------------------------------------------------- main
def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per wrk run")
    parser.add_argument("--seconds", type=float, default=20.0, help="seconds of the steady 100/s load")
    parser.add_argument("--rate", type=float, default=100.0, help="events a second for the latency run")
    parser.add_argument("--backlog", type=int, default=10_000)
    parser.add_argument("--only", choices=("create", "latency", "drain"), help="run one part only")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    drivers.ensure_wrk()
    WORK.mkdir(parents=True, exist_ok=True)
    scale = dataset.SCALES["small"]
    url = asyncio.run(dataset.ensure_database(dataset.server_url(), scale.database))
    dsn = dataset.libpq(url)
    dataset.migrate(url)
    asyncio.run(dataset.load(url, scale, log=_say))
    callers = asyncio.run(dataset.pick_callers(url, 8, 2))
    tenants = sorted({c.tenant_id for c in callers})

    from stride_server.auth.tokens import mint
    from stride_server.config import Settings

    secret = secrets.token_urlsafe(32)
    settings = Settings(stride_jwt_secret=secret, stride_jwt_public_key=None, stride_jwks_url=None)
    tokens = [mint(c.tenant_id, c.person_id, ttl=7200, settings=settings) for c in callers]
    executive_id = asyncio.run(_executive(dsn, tenants[0]))
    executive = mint(tenants[0], executive_id, ttl=7200, settings=settings)
    requests = [Request("POST", GOALS, t, CREATE_BODY) for t in tokens]
    report: dict[str, Any] = {"started_at": datetime.now(UTC).isoformat(), "workers": args.workers}
    receiver = Receiver()
    try:
        asyncio.run(_clean(dsn, tenants))
        if args.only in (None, "create"):
            _say("create with the outbox and without it (ABBA):")
            report["create"] = create_with_and_without(args, url, dsn, secret, requests, tenants)
            asyncio.run(_clean(dsn, tenants))
        one_tenant = [t for t, c in zip(tokens, callers, strict=True) if c.tenant_id == tenants[0]]
        if args.only in (None, "latency"):
            _say("webhook delivery:")
            report["latency"] = latency_at_rate(args, url, secret, one_tenant, executive, receiver)
            asyncio.run(_clean(dsn, tenants))
        if args.only in (None, "drain"):
            report["drain"] = drain(args, url, dsn, secret, tenants[0], executive, receiver)
    finally:
        asyncio.run(_clean(dsn, tenants))
        receiver.server.shutdown()
    if args.only is not None:
        _say(json.dumps(report, indent=1, default=str))
        return
    report["targets"] = {
        "create_with_outbox_ratio": [round(report["create"]["ratio"], 3), TARGET_OUTBOX_RATIO],
        "latency_p99_s": [round(report["latency"]["p99_s"], 3), TARGET_P99_S],
    }
    ok = report["create"]["ratio"] >= TARGET_OUTBOX_RATIO and report["latency"]["p99_s"] <= TARGET_P99_S
    _say(
        f"\ncreate with/without outbox: {report['create']['with_outbox_rps']:.0f} / "
        f"{report['create']['without_outbox_rps']:.0f} req/s = {report['create']['ratio']:.3f} "
        f"(target ≥ {TARGET_OUTBOX_RATIO})\n"
        f"commit-to-receipt at {args.rate:.0f}/s: p50 {report['latency']['p50_s'] * 1000:.0f} ms, "
        f"p99 {report['latency']['p99_s'] * 1000:.0f} ms (target ≤ {TARGET_P99_S * 1000:.0f} ms)\n"
        f"backlog of {args.backlog:,}: {report['drain']['deliveries_per_s']:.0f} deliveries/s\n"
        f"targets {'met' if ok else 'NOT met'}"
    )
    Path(RESULTS / "events.json").write_text(json.dumps(report, indent=2, default=str))


async def _executive(dsn: str, tenant_id: str) -> str:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("SELECT set_config('stride.tenant_id', $1, false)", tenant_id)
        return str(
            await conn.fetchval(
                "SELECT id FROM people WHERE tenant_id = $1 AND access_level = 'executive' "
                "ORDER BY id LIMIT 1",
                tenant_id,
            )
        )
    finally:
        await conn.close()


if __name__ == "__main__":
    main()
