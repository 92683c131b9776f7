"""Performance reviews under load: a 5,000-person tenant, a cycle of 5,000 reviews (plus four completed
quarters and an annual cycle behind it), timed over real HTTP against `stride serve` on loopback.

    .venv/bin/python bench/reviews_bench.py [--people 5000] [--repeat 30]

Uses DATABASE_URL's server or the embedded PostgreSQL; works in a throwaway database it drops at the
end. Prints median / p95 / max milliseconds per call. Bounded: every call has a timeout, every loop
a fixed count."""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parent.parent
BASE = "/api/performance"
HOST = "127.0.0.1"  # loopback only
QUARTERS = [
    ("Q1 2025", "2025-01-01", "2025-03-31"),
    ("Q2 2025", "2025-04-01", "2025-06-30"),
    ("Q3 2025", "2025-07-01", "2025-09-30"),
    ("Q4 2025", "2025-10-01", "2025-12-31"),
]
RATINGS = ("not_achieving", "developing", "achieving", "exceeding")
KPIS = 5


def _new_id(prefix: str) -> str:
    from stride_server.core.ids import new_id

    return new_id(prefix)


def _dsn(url: str, database: str | None = None) -> str:
    parts = urlsplit(url)
    path = "/" + database if database else parts.path
    return urlunsplit((parts.scheme.split("+")[0], parts.netloc, path, parts.query, parts.fragment))


def _server_url() -> str:
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    os.environ.setdefault("STRIDE_DATA_DIR", str(ROOT / ".stride"))
    from stride_server.config import get_settings
    from stride_server.db.embedded import embedded_url

    get_settings.cache_clear()
    return embedded_url(get_settings().data_dir)


# ---------------------------------------------------------------------------------------- the org
class Org:
    """exec → 10 heads (one department each) → 10 managers each → 5 leads each (one squad each) →
    employees spread over the squads, up to `size` people."""

    def __init__(self, size: int) -> None:
        self.tenant = f"bench_{secrets.token_hex(4)}"
        self.people: list[tuple[str, str, str, str | None]] = []  # id, name, level, manager
        self.memberships: list[tuple[str, str, str]] = []  # group, person, role
        self.groups: list[tuple[str, str, str]] = []  # id, kind, name
        exec_id = self._person("Exec", "executive", None)
        self.exec = exec_id
        leads: list[tuple[str, str]] = []
        self.managers: list[str] = []
        for h in range(10):
            head = self._person(f"Head {h}", "head", exec_id)
            department = self._group("department", f"Department {h}")
            self.memberships.append((department, head, "head"))
            for m in range(10):
                manager = self._person(f"Manager {h}.{m}", "manager", head)
                self.managers.append(manager)
                self.memberships.append((department, manager, "member"))
                for s in range(5):
                    lead = self._person(f"Lead {h}.{m}.{s}", "lead", manager)
                    squad = self._group("squad", f"Squad {h}.{m}.{s}")
                    self.memberships += [(squad, lead, "lead"), (department, lead, "member")]
                    leads.append((lead, squad))
        self.employees: list[str] = []
        index = 0
        while len(self.people) < size:
            lead, squad = leads[index % len(leads)]
            employee = self._person(f"Employee {index}", "employee", lead)
            self.memberships.append((squad, employee, "member"))
            self.employees.append(employee)
            index += 1

    def _person(self, name: str, level: str, manager: str | None) -> str:
        person_id = _new_id("usr")
        self.people.append((person_id, name, level, manager))
        return person_id

    def _group(self, kind: str, name: str) -> str:
        group_id = _new_id("grp")
        self.groups.append((group_id, kind, name))
        return group_id


async def _insert(
    conn: asyncpg.Connection, table: str, columns: list[str], rows: list[tuple[Any, ...]], types: list[str]
) -> None:
    """Many rows in one statement: INSERT … SELECT FROM unnest(arrays) (works under row-level security)."""
    if not rows:
        return
    arrays = [list(column) for column in zip(*rows, strict=True)]
    unnest = ", ".join(f"${i + 1}::{t}[]" for i, t in enumerate(types))
    await conn.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT * FROM unnest({unnest})", *arrays)  # noqa: S608


async def seed(dsn: str, org: Org) -> dict[str, Any]:
    """The org, a default template, four completed quarters, an annual cycle and the open cycle of
    5,000 reviews, and 50 feedback responses about one person."""
    conn = await asyncpg.connect(dsn)
    try:
        async with conn.transaction():
            await conn.execute("SELECT set_config('stride.tenant_id', $1, true)", org.tenant)
            await conn.execute("INSERT INTO tenants (tenant_id, name) VALUES ($1, $1)", org.tenant)
            await _insert(
                conn,
                "people",
                ["tenant_id", "id", "name", "email", "access_level", "manager_id"],
                [(org.tenant, i, n, f"{i.lower()}@bench.test", lvl, m) for i, n, lvl, m in org.people],
                ["text"] * 6,
            )
            await _insert(
                conn,
                "groups",
                ["tenant_id", "id", "kind", "name"],
                [(org.tenant, *g) for g in org.groups],
                ["text"] * 4,
            )
            await _insert(
                conn,
                "group_members",
                ["tenant_id", "group_id", "person_id", "role"],
                [(org.tenant, *m) for m in org.memberships],
                ["text"] * 4,
            )
            template = _new_id("tpl")
            items = [_new_id("tpi") for _ in range(KPIS)]
            await conn.execute(
                "INSERT INTO review_templates (tenant_id, id, name, is_default) "
                "VALUES ($1,$2,'Default',true)",
                org.tenant,
                template,
            )
            await _insert(
                conn,
                "review_template_items",
                ["tenant_id", "id", "template_id", "area", "label", "is_mandatory", "sort_order"],
                [
                    (org.tenant, item, template, "performance", f"KPI {n}", n == 0, n)
                    for n, item in enumerate(items)
                ],
                ["text"] * 5 + ["bool", "int"],
            )
            cycles = {}
            for name, start, end in [
                *QUARTERS,
                ("2025 Annual", "2025-01-01", "2025-12-31"),
                ("Q1 2026", "2026-01-01", "2026-03-31"),
            ]:
                cycles[name] = _new_id("cyc")
                kind = "annual" if "Annual" in name else "quarterly"
                status = "closed" if name in dict((q[0], q) for q in QUARTERS) else "open"
                await conn.execute(
                    "INSERT INTO review_cycles (tenant_id, id, type, name, period_start, period_end, status) "
                    "VALUES ($1,$2,$3,$4,$5::text::date,$6::text::date,$7)",
                    org.tenant,
                    cycles[name],
                    kind,
                    name,
                    start,
                    end,
                    status,
                )
            people = [p[0] for p in org.people]
            managers = {p[0]: p[3] or org.exec for p in org.people}
            reviews, kpis, goals = [], [], []
            for q, (name, _, end) in enumerate(QUARTERS):
                for n, person in enumerate(people):
                    review = _new_id("rev")
                    rated = [RATINGS[(n + q + k) % 4] for k in range(KPIS)]
                    passes = sum(r in ("achieving", "exceeding") for r in rated)
                    reviews.append(
                        (
                            org.tenant,
                            review,
                            cycles[name],
                            person,
                            managers[person],
                            "completed",
                            passes,
                            KPIS,
                            passes * 4 >= KPIS * 3 and rated[0] in ("achieving", "exceeding"),
                            end,
                        )
                    )
                    kpis += [
                        (
                            org.tenant,
                            _new_id("kpi"),
                            review,
                            items[k],
                            "performance",
                            f"KPI {k}",
                            k == 0,
                            rated[k],
                            k,
                        )
                        for k in range(KPIS)
                    ]
                    goals += [
                        (
                            org.tenant,
                            _new_id("gol"),
                            review,
                            f"Goal {g}",
                            ["completed", "not_completed", None][g],
                            g,
                        )
                        for g in range(3)
                    ]
            statuses = ("draft", "self_assessment", "in_review", "ready_for_review")
            current = []
            for n, person in enumerate(people):
                review = _new_id("rev")
                current.append(review)
                reviews.append(
                    (
                        org.tenant,
                        review,
                        cycles["Q1 2026"],
                        person,
                        managers[person],
                        statuses[n % 4],
                        None,
                        None,
                        None,
                        None,
                    )
                )
                kpis += [
                    (org.tenant, _new_id("kpi"), review, items[k], "performance", f"KPI {k}", k == 0, None, k)
                    for k in range(KPIS)
                ]
            annual = _new_id("rev")
            subject = org.employees[0]
            reviews.append(
                (
                    org.tenant,
                    annual,
                    cycles["2025 Annual"],
                    subject,
                    managers[subject],
                    "in_review",
                    None,
                    None,
                    None,
                    None,
                )
            )
            await _insert(
                conn,
                "reviews",
                [
                    "tenant_id",
                    "id",
                    "cycle_id",
                    "user_id",
                    "reviewer_id",
                    "status",
                    "kpi_pass_count",
                    "kpi_total_count",
                    "kpi_passed",
                    "completed_at",
                ],
                [
                    (*r[:9], None if r[9] is None else datetime.fromisoformat(f"{r[9]}T12:00:00+00:00"))
                    for r in reviews
                ],
                ["text"] * 6 + ["int", "int", "bool", "timestamptz"],
            )
            await _insert(
                conn,
                "review_kpi_ratings",
                [
                    "tenant_id",
                    "id",
                    "review_id",
                    "template_item_id",
                    "area",
                    "label",
                    "is_mandatory",
                    "rating",
                    "sort_order",
                ],
                kpis,
                ["text"] * 6 + ["bool", "text", "int"],
            )
            await _insert(
                conn,
                "review_goals",
                ["tenant_id", "id", "review_id", "goal", "status", "sort_order"],
                goals,
                ["text"] * 5 + ["int"],
            )
            reviewers = [p for p in people if p != subject][:50]
            await _insert(
                conn,
                "feedback_requests",
                ["tenant_id", "id", "cycle_id", "subject_id", "reviewer_id", "status"],
                [(org.tenant, _new_id("fbq"), cycles["Q1 2026"], subject, r, "submitted") for r in reviewers],
                ["text"] * 6,
            )
            await _insert(
                conn,
                "feedback_responses",
                [
                    "tenant_id",
                    "id",
                    "cycle_id",
                    "subject_id",
                    "organisation_rating",
                    "organisation_comment",
                    "performance_rating",
                    "overall_comment",
                ],
                [
                    (
                        org.tenant,
                        str(uuid.uuid4()),
                        cycles["Q1 2026"],
                        subject,
                        RATINGS[n % 4],
                        f"organisation comment {n}",
                        RATINGS[(n + 1) % 4],
                        f"overall comment {n}",
                    )
                    for n in range(50)
                ],
                ["text"] * 8,
            )
        await conn.execute("ANALYZE")
    finally:
        await conn.close()
    return {"cycle": cycles["Q1 2026"], "current": current, "annual": annual, "subject": subject}


# ---------------------------------------------------------------------------------------- timing
async def timed(label: str, repeat: int, call: Callable[[int], Awaitable[httpx.Response]]) -> None:
    samples = []
    for n in range(repeat):
        started = time.perf_counter()
        response = await call(n)
        samples.append((time.perf_counter() - started) * 1000)
        if response.status_code >= 400:
            raise SystemExit(f"{label}: HTTP {response.status_code} {response.text[:300]}")
    samples.sort()
    p95 = samples[min(len(samples) - 1, int(len(samples) * 0.95))]
    print(
        f"  {label:<58} median {statistics.median(samples):7.1f} ms   p95 {p95:7.1f} ms   "
        f"max {samples[-1]:7.1f} ms   (n={repeat})"
    )


async def run(base: str, org: Org, data: dict[str, Any], repeat: int) -> None:
    from stride_server.auth.tokens import mint

    def headers(person: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {mint(org.tenant, person)}"}

    executive, manager = headers(org.exec), headers(org.managers[0])
    cycle, current, subject = data["cycle"], data["current"], data["subject"]
    async with httpx.AsyncClient(base_url=base, timeout=60) as api:
        await api.get(f"{BASE}/cycles", headers=executive)  # warm the pool
        print(
            f"tenant {org.tenant}: {len(org.people)} people, cycle of {len(current)} reviews, "
            f"{4 * len(org.people)} completed earlier reviews"
        )
        await timed(
            "cycle detail with stats (executive: all 5,000)",
            repeat,
            lambda n: api.get(f"{BASE}/cycles/{cycle}", headers=executive),
        )
        await timed(
            "cycle detail with stats (manager: own tree)",
            repeat,
            lambda n: api.get(f"{BASE}/cycles/{cycle}", headers=manager),
        )
        await timed(
            "review detail, quarterly (+ previous review)",
            repeat,
            lambda n: api.get(f"{BASE}/reviews/{current[n * 97 % len(current)]}", headers=executive),
        )
        await timed(
            "review detail, annual (+ 4 quarters, kpi_aggregation)",
            repeat,
            lambda n: api.get(f"{BASE}/reviews/{data['annual']}", headers=executive),
        )
        await timed(
            "review history (4 completed reviews)",
            repeat,
            lambda n: api.get(f"{BASE}/reviews/history/{org.employees[n]}", headers=executive),
        )
        await timed(
            "feedback summary over 50 responses",
            repeat,
            lambda n: api.get(f"{BASE}/feedback/summary/{subject}", headers=executive),
        )
        await timed(
            "reviews list of the cycle (5,000 rows, executive)",
            max(3, repeat // 5),
            lambda n: api.get(f"{BASE}/reviews", params={"cycle_id": cycle}, headers=executive),
        )
        await timed("pending counts", repeat, lambda n: api.get(f"{BASE}/pending", headers=manager))
        subjects = org.employees[1:501]
        started = time.perf_counter()
        created = 0
        for person in subjects:
            response = await api.post(
                f"{BASE}/feedback/requests/bulk",
                headers=executive,
                json={"cycle_id": cycle, "subject_id": person, "due_date": "2026-04-15"},
            )
            if response.status_code != 200:
                raise SystemExit(f"bulk: HTTP {response.status_code} {response.text[:300]}")
            created += response.json()["created"]
        elapsed = time.perf_counter() - started
        print(
            f"  {'bulk feedback requests for 500 subjects (squad peers)':<58} "
            f"total {elapsed * 1000:7.0f} ms   "
            f"per subject {elapsed * 2:7.1f} ms   ({created} requests created)"
        )
        await timed(
            "bulk feedback requests, repeated (idempotent, creates 0)",
            repeat,
            lambda n: api.post(
                f"{BASE}/feedback/requests/bulk",
                headers=executive,
                json={"cycle_id": cycle, "subject_id": subjects[n]},
            ),
        )
        await timed(
            "bulk feedback requests for a manager (managers + reports)",
            min(repeat, 50),
            lambda n: api.post(
                f"{BASE}/feedback/requests/bulk",
                headers=executive,
                json={"cycle_id": cycle, "subject_id": org.managers[n % len(org.managers)]},
            ),
        )


def start_server(database_url: str, secret: str) -> tuple[subprocess.Popen[bytes], str]:
    import socket

    with socket.socket() as s:
        s.bind((HOST, 0))
        port = int(s.getsockname()[1])
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "STRIDE_JWT_SECRET": secret,
        "STRIDE_LOG_LEVEL": "warning",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "stride_server.cli", "serve", "--host", HOST, "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    base = f"http://{HOST}:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"stride serve exited with {process.returncode}")
        try:
            if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                return process, base
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("stride serve did not become healthy in 60 s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    server = _server_url()
    database = f"stride_bench_{secrets.token_hex(3)}"
    secret = secrets.token_hex(16)

    async def admin(sql: str) -> None:
        conn = await asyncpg.connect(_dsn(server))
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(admin(f'CREATE DATABASE "{database}"'))
    url = urlunsplit((*urlsplit(server)[:2], "/" + database, *urlsplit(server)[3:]))
    os.environ.update(DATABASE_URL=url, STRIDE_JWT_SECRET=secret)
    process = None
    try:
        from stride_server.config import get_settings
        from stride_server.db.engine import resolved_owner_url
        from stride_server.db.migrate import upgrade

        get_settings.cache_clear()
        resolved_owner_url.cache_clear()
        upgrade()
        org = Org(args.people)
        started = time.perf_counter()
        data = asyncio.run(seed(_dsn(url), org))
        print(f"seeded in {time.perf_counter() - started:.1f} s")
        process, base = start_server(url, secret)
        asyncio.run(run(base, org, data, args.repeat))
    finally:
        if process is not None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
