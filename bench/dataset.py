"""The Data API benchmark's database: a dedicated database on the embedded server (or DATABASE_URL's),
migrated, then bulk-loaded with COPY — tenants, a 100-person organisation each, and their PersonGoals
(100 a person at full scale) — and reused by later runs while its contents match the requested scale;
the OKR trees and the review cycle that writes run against are loaded afresh every run."""

from __future__ import annotations

import asyncio
import json
import os
import random
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
from ulid import ULID

ROOT = Path(__file__).resolve().parent.parent
GENERATOR = "datapi-v1"  # bump when the generated data changes shape, so old databases reload
SEED_SOURCES = ("edm", "import")  # how seeded goals are stamped; the benchmark's own creates use "wrk"
CREATED_SOURCE = "wrk"
GOAL_COLUMNS = (
    "tenant_id",
    "id",
    "created_at",
    "updated_at",
    "created_by",
    "updated_by",
    "source",
    "source_type",
    "person_id",
    "title",
    "description",
    "category",
    "period",
    "target_date",
    "status",
    "progress_pct",
)
VERBS = (
    "Improve",
    "Ship",
    "Reduce",
    "Automate",
    "Document",
    "Launch",
    "Mentor on",
    "Own",
    "Streamline",
    "Audit",
)
TOPICS = (
    "onboarding flow",
    "release pipeline",
    "incident response",
    "customer churn",
    "test coverage",
    "quarterly planning",
    "hiring loop",
    "billing accuracy",
    "support backlog",
    "data quality",
    "API latency",
    "design system",
    "security review",
    "cost of cloud spend",
    "sales enablement",
)
CATEGORIES = ("development", "delivery", "leadership", "quality", "customer", "learning")
STATUSES = (
    ("not_started", 0.2),
    ("in_progress", 0.45),
    ("at_risk", 0.1),
    ("completed", 0.2),
    ("cancelled", 0.05),
)
FIRST = (
    "Amara",
    "Daniel",
    "Priya",
    "Lena",
    "Tomas",
    "Aisha",
    "Kenji",
    "Sofia",
    "Marcus",
    "Ines",
    "Ravi",
    "Chloe",
    "Samuel",
    "Yuki",
    "Lucas",
    "Zara",
    "Ethan",
    "Mei",
    "Noah",
    "Fatima",
    "Jonas",
    "Ana",
    "Liam",
    "Grace",
)
LAST = (
    "Okafor",
    "Reyes",
    "Natarajan",
    "Fischer",
    "Becker",
    "Khan",
    "Watanabe",
    "Rossi",
    "Johnson",
    "Duarte",
    "Menon",
    "Martin",
    "Osei",
    "Tanaka",
    "Moreau",
    "Ahmed",
    "Clarke",
    "Lin",
    "Berg",
    "Silva",
    "Park",
)


@dataclass(frozen=True)
class Scale:
    name: str
    tenants: int
    people_per_tenant: int = 100
    goals_per_person: int = 100

    @property
    def people(self) -> int:
        return self.tenants * self.people_per_tenant

    @property
    def goals(self) -> int:
        return self.people * self.goals_per_person

    @property
    def database(self) -> str:
        return "stride_bench" if self.name == "full" else f"stride_bench_{self.name}"


# The figures: 1,000,000 goals over 100 tenants and 10,000 people, so 100 goals a person.
SCALES = {
    "small": Scale("small", tenants=10, goals_per_person=10),
    "full": Scale("full", tenants=100, goals_per_person=100),
}


# ------------------------------------------------------------------------------------ the database
def server_url() -> str:
    """DATABASE_URL's server, else the embedded one under the default data dir."""
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    os.environ.setdefault("STRIDE_DATA_DIR", str(ROOT / ".stride"))
    from stride_server.config import get_settings
    from stride_server.db.embedded import embedded_url

    get_settings.cache_clear()
    return embedded_url(get_settings().data_dir)


def with_database(url: str, database: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + database, parts.query, parts.fragment))


def libpq(url: str) -> str:
    """The URL as asyncpg, psql and pgbench read it (no SQLAlchemy driver suffix)."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme.split("+")[0], *parts[1:]))


async def ensure_database(server: str, database: str) -> str:
    conn = await asyncpg.connect(libpq(server))
    try:
        if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", database):
            await conn.execute(f'CREATE DATABASE "{database}"')
    finally:
        await conn.close()
    return with_database(server, database)


def migrate(url: str) -> None:
    from stride_server.db.engine import with_driver
    from stride_server.db.migrate import upgrade

    upgrade(with_driver(url, "asyncpg"))


# ---------------------------------------------------------------------------------- the organisation
@dataclass
class Tenant:
    tenant_id: str
    people: list[tuple[Any, ...]]  # rows of PEOPLE_COLUMNS
    groups: list[tuple[Any, ...]]
    members: list[tuple[Any, ...]]
    levels: dict[str, str]  # person id -> access level


PEOPLE_COLUMNS = (
    "tenant_id",
    "id",
    "name",
    "email",
    "access_level",
    "manager_id",
    "job_title",
    "status",
    "external_id",
    "created_at",
    "updated_at",
)
GROUP_COLUMNS = ("tenant_id", "id", "kind", "name", "created_at", "updated_at")
MEMBER_COLUMNS = ("tenant_id", "group_id", "person_id", "role")
EPOCH = datetime(2023, 1, 1, tzinfo=UTC)


def _ulid_at(prefix: str, moment: datetime, rng: random.Random) -> str:
    ms = int(moment.timestamp() * 1000)
    return f"{prefix}_{ULID.from_bytes(ms.to_bytes(6, 'big') + rng.randbytes(10))}"


def build_tenant(index: int, size: int, rng: random.Random) -> Tenant:
    """1 executive; heads of 3 departments; 9 managers; 18 squad leads; the rest employees, who report to
    a manager and belong to one squad of that manager and to the department above."""
    tenant_id = f"bench_{index:03d}"
    joined = EPOCH - timedelta(days=400)
    people: list[tuple[Any, ...]] = []
    levels: dict[str, str] = {}

    def person(level: str, manager: str | None, title: str) -> str:
        n = len(people)
        moment = joined + timedelta(minutes=n)
        pid = _ulid_at("usr", moment, rng)
        name = f"{FIRST[n % len(FIRST)]} {LAST[(n * 7 + index) % len(LAST)]}"
        email = f"person{n}@{tenant_id.replace('_', '-')}.example"
        people.append(
            (
                tenant_id,
                pid,
                name,
                email,
                level,
                manager,
                title,
                "active",
                f"E{index:03d}{n:04d}",
                moment,
                moment,
            )
        )
        levels[pid] = level
        return pid

    groups: list[tuple[Any, ...]] = []
    members: list[tuple[Any, ...]] = []

    def group(kind: str, name: str) -> str:
        gid = _ulid_at("grp", joined, rng)
        groups.append((tenant_id, gid, kind, name, joined, joined))
        return gid

    executive = person("executive", None, "Chief Executive Officer")
    departments = []
    for d in range(3):
        head = person("head", executive, f"VP Department {d}")
        department = group("department", f"Department {d}")
        members.append((tenant_id, department, head, "head"))
        departments.append((department, head))
    squads = []  # (squad, manager, department)
    for m in range(9):
        department, head = departments[m % 3]
        manager = person("manager", head, "Engineering Manager")
        members.append((tenant_id, department, manager, "member"))
        for s in range(2):
            squad = group("squad", f"Squad {m}-{s}")
            lead = person("lead", manager, "Tech Lead")
            members.append((tenant_id, squad, lead, "lead"))
            members.append((tenant_id, department, lead, "member"))
            squads.append((squad, manager, department))
    while len(people) < size:
        squad, manager, department = squads[len(people) % len(squads)]
        employee = person("employee", manager, "Software Engineer")
        members.append((tenant_id, squad, employee, "member"))
        members.append((tenant_id, department, employee, "member"))
    return Tenant(tenant_id, people, groups, members, levels)


def goal_rows(tenant: Tenant, per_person: int, rng: random.Random, now: datetime) -> list[tuple[Any, ...]]:
    """`per_person` goals for everyone, created at random moments since EPOCH, ids in creation order."""
    span = (now - timedelta(days=1) - EPOCH).total_seconds()
    weights = [w for _, w in STATUSES]
    names = [s for s, _ in STATUSES]
    managers = {p[1]: p[5] for p in tenant.people}
    rows = []
    for person in tenant.people:
        pid = person[1]
        for _ in range(per_person):
            created = EPOCH + timedelta(seconds=rng.random() * span)
            status = rng.choices(names, weights)[0]
            progress = {"not_started": 0.0, "completed": 100.0}.get(status, round(rng.uniform(5, 95), 1))
            quarter = (created.month - 1) // 3 + 1
            period = f"{created.year}-Q{quarter}" if rng.random() < 0.8 else f"{created.year}-Annual"
            target = datetime(created.year + (quarter == 4), (quarter * 3) % 12 + 1, 1, tzinfo=UTC)
            author = pid if rng.random() < 0.7 or managers[pid] is None else managers[pid]
            topic = rng.choice(TOPICS)
            title = f"{rng.choice(VERBS)} {topic}"
            description = (
                f"{title} for the team this {period[5:].lower()}. Success means measurable change in "
                f"{topic}, reviewed with my manager every two weeks."
            )
            updated = created + timedelta(days=rng.random() * 30)
            rows.append(
                (
                    tenant.tenant_id,
                    _ulid_at("pgl", created, rng),
                    created,
                    min(updated, now),
                    author,
                    pid,
                    rng.choice(SEED_SOURCES),
                    rng.choice(("frontend", "api")),
                    pid,
                    title,
                    description,
                    rng.choice(CATEGORIES),
                    period,
                    target,
                    status,
                    progress,
                )
            )
    return rows


# ----------------------------------------------------------------------------------------- loading
async def _is_loaded(conn: asyncpg.Connection, scale: Scale) -> bool:
    if not await conn.fetchval("SELECT to_regclass('bench_meta') IS NOT NULL"):
        return False
    meta = await conn.fetchrow("SELECT generator, tenants, people, goals FROM bench_meta")
    if meta is None or tuple(meta) != (GENERATOR, scale.tenants, scale.people, scale.goals):
        return False
    # The marker is written last; the counts guard against hands that changed the data since.
    people = await conn.fetchval("SELECT count(*) FROM people")
    goals = await conn.fetchval("SELECT count(*) FROM person_goals WHERE source <> $1", CREATED_SOURCE)
    return bool(people == scale.people and goals == scale.goals)


async def _for_tenant(conn: asyncpg.Connection, tenant_id: str) -> None:
    # The tables FORCE row-level security: an owner that is not a superuser sees and writes only the
    # tenant it names (a superuser bypasses RLS, and this costs it nothing).
    await conn.execute("SELECT set_config('stride.tenant_id', $1, false)", tenant_id)
    # Seeding is not a change anyone made: the owner (never the app) may keep the outbox out of it.
    await conn.execute("SELECT set_config('stride.emit', 'off', false)")


async def remove_created_goals(conn: asyncpg.Connection, tenant_ids: list[str]) -> int:
    removed = 0
    for tenant_id in tenant_ids:
        await _for_tenant(conn, tenant_id)
        status = await conn.execute(
            "DELETE FROM person_goals WHERE tenant_id = $1 AND source = $2", tenant_id, CREATED_SOURCE
        )
        removed += int(status.split()[-1])
    return removed


async def _goal_indexes(conn: asyncpg.Connection) -> list[tuple[str, str]]:
    rows = await conn.fetch("""SELECT i.indexname, i.indexdef FROM pg_indexes i
                               JOIN pg_index x ON x.indexrelid = (quote_ident(i.indexname))::regclass
                               WHERE i.tablename = 'person_goals' AND NOT x.indisprimary""")
    return [(r["indexname"], r["indexdef"]) for r in rows]


async def load(url: str, scale: Scale, *, force: bool = False, log: Any = print) -> dict[str, Any]:
    """Load the scale's data unless the database holds it already; always leave it analysed."""
    conn = await asyncpg.connect(libpq(url))
    started = time.perf_counter()
    try:
        await conn.execute("SET maintenance_work_mem = '512MB'")
        reused = not force and await _is_loaded(conn, scale)
        if not reused:
            await _bulk_load(conn, scale, log)
        tenant_ids = [r[0] for r in await conn.fetch("SELECT tenant_id FROM tenants ORDER BY tenant_id")]
        removed = await remove_created_goals(conn, tenant_ids)
        await conn.execute("RESET stride.tenant_id")
        for table in ("tenants", "people", "groups", "group_members", "person_goals"):
            await conn.execute(f"VACUUM (ANALYZE) {table}")
        size = await conn.fetchval("SELECT pg_size_pretty(pg_total_relation_size('person_goals'))")
    finally:
        await conn.close()
    return {
        "reused": reused,
        "seconds": round(time.perf_counter() - started, 1),
        "removed_created": removed,
        "person_goals_size": size,
        "tenants": scale.tenants,
        "people": scale.people,
        "goals": scale.goals,
    }


async def _bulk_load(conn: asyncpg.Connection, scale: Scale, log: Any) -> None:
    rng = random.Random(20260415)
    now = datetime.now(UTC)
    log(f"loading {scale.goals:,} goals over {scale.tenants} tenants and {scale.people:,} people …")
    await conn.execute("DROP TABLE IF EXISTS bench_meta")
    await conn.execute("TRUNCATE person_goals, group_members, groups, people, tenants CASCADE")
    indexes = await _goal_indexes(conn)
    for name, _ in indexes:  # one sorted build per index beats a million incremental inserts
        await conn.execute(f'DROP INDEX "{name}"')
    loaded = 0
    for index in range(scale.tenants):
        tenant = build_tenant(index, scale.people_per_tenant, rng)
        await _for_tenant(conn, tenant.tenant_id)
        async with conn.transaction():
            await conn.execute(
                "INSERT INTO tenants (tenant_id, name) VALUES ($1, $2)",
                tenant.tenant_id,
                f"Bench tenant {index}",
            )
            await conn.copy_records_to_table("people", records=tenant.people, columns=PEOPLE_COLUMNS)
            await conn.copy_records_to_table("groups", records=tenant.groups, columns=GROUP_COLUMNS)
            await conn.copy_records_to_table("group_members", records=tenant.members, columns=MEMBER_COLUMNS)
            rows = goal_rows(tenant, scale.goals_per_person, rng, now)
            await conn.copy_records_to_table("person_goals", records=rows, columns=GOAL_COLUMNS)
        loaded += len(rows)
        if (index + 1) % 10 == 0 or index + 1 == scale.tenants:
            log(f"  {index + 1}/{scale.tenants} tenants, {loaded:,} goals")
    await conn.execute("RESET stride.tenant_id")
    log(f"  rebuilding {len(indexes)} indexes on person_goals …")
    for _, definition in indexes:
        await conn.execute(definition)
    await conn.execute(
        "CREATE TABLE bench_meta (generator text, tenants int, people int, goals int, "
        "loaded_at timestamptz DEFAULT now())"
    )
    await conn.execute(
        "INSERT INTO bench_meta (generator, tenants, people, goals) VALUES ($1, $2, $3, $4)",
        GENERATOR,
        scale.tenants,
        scale.people,
        scale.goals,
    )


# ------------------------------------------------------------------------------------------ the OKRs
OKR_SOURCE = "bench-okr"
OBJECTIVE_COLUMNS = (
    "tenant_id",
    "id",
    "created_at",
    "updated_at",
    "created_by",
    "updated_by",
    "source",
    "period",
    "title",
    "description",
    "category",
    "owner_id",
    "parent_objective_id",
    "key_result_ids",
    "status",
    "weight",
)
KEY_RESULT_COLUMNS = (
    "tenant_id",
    "id",
    "created_at",
    "updated_at",
    "created_by",
    "updated_by",
    "source",
    "objective_id",
    "title",
    "metric_type",
    "baseline",
    "target",
    "unit",
    "direction",
    "owner_id",
)
# Per tenant, OKR_TREES people with objectives of their own: each a chain OKR_DEPTH levels deep with
# KEY_RESULTS_PER_TREE key results on the leaf, sharing no root with any other chain — the shape
# bench/okr_bench.py builds over HTTP. A check-in locks only the tree it rolls up into, so a tenant's
# check-ins run in parallel unless two land on one person's tree at once, as in a real organisation
# where many people check in on their own OKRs (one company-wide tree would serialise them all).
OKR_TREES, OKR_DEPTH, KEY_RESULTS_PER_TREE = 16, 5, 2


@dataclass(frozen=True)
class OkrTree:
    owner_id: str  # whose objectives these are; the owner checks in
    key_result_ids: tuple[str, ...]  # on the leaf objective


@dataclass(frozen=True)
class OkrTenant:
    tenant_id: str
    trees: tuple[OkrTree, ...]


def okr_rows(
    tenant_id: str, people: list[Any], period: str, rng: random.Random, now: datetime
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[OkrTree]]:
    """OKR_TREES people's chains (OKR_DEPTH objectives, each the parent of the next) with
    KEY_RESULTS_PER_TREE key results on each leaf; everyone but the executive may own one."""
    owners = rng.sample([p["id"] for p in people if p["access_level"] != "executive"], OKR_TREES)
    objectives: list[tuple[Any, ...]] = []
    key_results: list[tuple[Any, ...]] = []
    trees = []
    moment = now - timedelta(days=30)

    def title() -> str:
        return f"{rng.choice(VERBS)} {rng.choice(TOPICS)}"

    for owner in owners:
        parent = None
        kr_ids: list[str] = []
        for level in range(OKR_DEPTH):
            oid = _ulid_at("obj", moment + timedelta(seconds=len(objectives)), rng)
            if level == OKR_DEPTH - 1:
                kr_ids = [
                    _ulid_at("krs", moment + timedelta(seconds=len(key_results) + k), rng)
                    for k in range(KEY_RESULTS_PER_TREE)
                ]
            name = title()
            objectives.append(
                (
                    tenant_id,
                    oid,
                    moment,
                    moment,
                    owner,
                    owner,
                    OKR_SOURCE,
                    period,
                    name,
                    f"{name}: the outcome I commit to for {period}.",
                    rng.choice(CATEGORIES),
                    owner,
                    parent,
                    json.dumps(kr_ids),
                    "active",
                    round(rng.uniform(0.2, 1.0), 2),
                )
            )
            parent = oid
        key_results += [
            (
                tenant_id,
                kr,
                moment,
                moment,
                owner,
                owner,
                OKR_SOURCE,
                parent,
                f"{title()} by {rng.randint(10, 90)}%",
                "number",
                0.0,
                1000.0,
                "count",
                "increase",
                owner,
            )
            for kr in kr_ids
        ]
        trees.append(OkrTree(owner, tuple(kr_ids)))
    return objectives, key_results, trees


async def load_okrs(url: str, tenants: int) -> list[OkrTenant]:
    """Fresh objectives and key results (COPY) for the first `tenants` tenants, every run: check-ins
    append to a key result's history, so reused rows would make every later run slower."""
    conn = await asyncpg.connect(libpq(url))
    rng = random.Random(4242)
    period = f"{datetime.now(UTC).year}-Annual"
    out = []
    try:
        tenant_ids = [r[0] for r in await conn.fetch("SELECT tenant_id FROM tenants ORDER BY tenant_id")]
        for tenant_id in tenant_ids:  # every run starts from no OKRs at all
            await _for_tenant(conn, tenant_id)
            await conn.execute("DELETE FROM key_results WHERE tenant_id = $1", tenant_id)
            await conn.execute("DELETE FROM objectives WHERE tenant_id = $1", tenant_id)
        for tenant_id in tenant_ids[:tenants]:
            await _for_tenant(conn, tenant_id)
            people = await conn.fetch(
                "SELECT id, access_level FROM people WHERE tenant_id = $1 ORDER BY created_at, id", tenant_id
            )
            objectives, key_results, trees = okr_rows(tenant_id, list(people), period, rng, datetime.now(UTC))
            async with conn.transaction():
                await conn.copy_records_to_table("objectives", records=objectives, columns=OBJECTIVE_COLUMNS)
                await conn.copy_records_to_table(
                    "key_results", records=key_results, columns=KEY_RESULT_COLUMNS
                )
            out.append(OkrTenant(tenant_id, tuple(trees)))
        await conn.execute("RESET stride.tenant_id")
        for table in ("objectives", "key_results"):
            await conn.execute(f"VACUUM (ANALYZE) {table}")
    finally:
        await conn.close()
    return out


async def clear_check_ins(dsn: str, okrs: list[OkrTenant]) -> None:
    """Empty the key results' histories, so each measured check-in row starts where the others did:
    a check-in rewrites the history it appends to, and thousands of them a run would make every
    later row slower than the one before."""
    conn = await asyncpg.connect(dsn)
    try:
        for okr in okrs:
            await _for_tenant(conn, okr.tenant_id)
            await conn.execute(
                "UPDATE key_results SET history = '[]' WHERE tenant_id = $1 AND source = $2 "
                "AND history <> '[]'",
                okr.tenant_id,
                OKR_SOURCE,
            )
        await conn.execute("RESET stride.tenant_id")
        await conn.execute("VACUUM key_results, objectives")
    finally:
        await conn.close()


# --------------------------------------------------------------------------------------- the reviews
REVIEW_CYCLE = "Bench review cycle"
REVIEWS_PER_REVIEWER, KPIS_PER_REVIEW, GOALS_PER_REVIEW = 8, 5, 2
REVIEW_COLUMNS = ("tenant_id", "id", "cycle_id", "user_id", "reviewer_id", "status", "discussion_topics")
KPI_COLUMNS = ("tenant_id", "id", "review_id", "area", "label", "is_mandatory", "rating", "sort_order")
REVIEW_GOAL_COLUMNS = ("tenant_id", "id", "review_id", "goal", "success_measures", "sort_order")
RATINGS = ("not_achieving", "developing", "achieving", "exceeding")


@dataclass(frozen=True)
class Reviewer:
    """A bench caller and the reviews they are the assigned reviewer of (in review, so they write)."""

    tenant_id: str
    reviewer_id: str
    review_ids: tuple[str, ...]


async def load_reviews(url: str, callers: list[Caller]) -> list[Reviewer]:
    """Fresh every run, in each caller's tenant: an open quarterly cycle and, for each caller who may
    rate others (a lead or manager: `update:performance`), REVIEWS_PER_REVIEWER reviews in review with
    them as reviewer — their direct reports first — each with KPI ratings and goals, as a review
    created in Stride snapshots them."""
    reviewers = [c for c in callers if c.access_level != "employee"]
    rng = random.Random(2026)
    today = datetime.now(UTC).date()
    start = today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1)
    end = (start + timedelta(days=92)).replace(day=1) - timedelta(days=1)  # the quarter's last day
    conn = await asyncpg.connect(libpq(url))
    out = []
    try:
        for tenant_id in sorted({c.tenant_id for c in callers}):
            await _for_tenant(conn, tenant_id)
            async with conn.transaction():
                await conn.execute(
                    "DELETE FROM reviews WHERE tenant_id = $1 AND cycle_id IN "
                    "(SELECT id FROM review_cycles WHERE tenant_id = $1 AND name = $2)",
                    tenant_id,
                    REVIEW_CYCLE,
                )
                await conn.execute(
                    "DELETE FROM review_cycles WHERE tenant_id = $1 AND name = $2", tenant_id, REVIEW_CYCLE
                )
                cycle = _ulid_at("cyc", datetime.now(UTC), rng)
                await conn.execute(
                    "INSERT INTO review_cycles (tenant_id, id, type, name, period_start, period_end, status) "
                    "VALUES ($1, $2, 'quarterly', $3, $4, $5, 'open')",
                    tenant_id,
                    cycle,
                    REVIEW_CYCLE,
                    start,
                    end,
                )
                people = await conn.fetch(
                    "SELECT id, manager_id FROM people WHERE tenant_id = $1 AND access_level <> 'executive' "
                    "ORDER BY id",
                    tenant_id,
                )
                taken: set[str] = set()
                rows: dict[str, list[tuple[Any, ...]]] = {"reviews": [], "kpis": [], "goals": []}
                for caller in (c for c in reviewers if c.tenant_id == tenant_id):
                    reports = [p["id"] for p in people if p["manager_id"] == caller.person_id]
                    others = [p["id"] for p in people if p["id"] != caller.person_id]
                    subjects = [p for p in dict.fromkeys(reports + others) if p not in taken]
                    subjects = subjects[:REVIEWS_PER_REVIEWER]
                    taken.update(subjects)
                    ids = _review_rows(tenant_id, cycle, caller.person_id, subjects, rows, rng)
                    out.append(Reviewer(tenant_id, caller.person_id, ids))
                await conn.copy_records_to_table("reviews", records=rows["reviews"], columns=REVIEW_COLUMNS)
                await conn.copy_records_to_table(
                    "review_kpi_ratings", records=rows["kpis"], columns=KPI_COLUMNS
                )
                await conn.copy_records_to_table(
                    "review_goals", records=rows["goals"], columns=REVIEW_GOAL_COLUMNS
                )
        await conn.execute("RESET stride.tenant_id")
        for table in ("review_cycles", "reviews", "review_kpi_ratings", "review_goals"):
            await conn.execute(f"VACUUM (ANALYZE) {table}")
    finally:
        await conn.close()
    return out


def _review_rows(
    tenant_id: str,
    cycle: str,
    reviewer: str,
    subjects: list[str],
    rows: dict[str, list[tuple[Any, ...]]],
    rng: random.Random,
) -> tuple[str, ...]:
    """Each subject's review, half-rated KPI snapshot and goals, appended to `rows`; the review ids."""
    ids = []
    for subject in subjects:
        review = _ulid_at("rev", datetime.now(UTC), rng)
        ids.append(review)
        topic = rng.choice(TOPICS)
        rows["reviews"].append(
            (tenant_id, review, cycle, subject, reviewer, "in_review", f"Progress on {topic}.")
        )
        rows["kpis"] += [
            (
                tenant_id,
                _ulid_at("kpi", datetime.now(UTC), rng),
                review,
                "performance",
                f"{rng.choice(VERBS)} {rng.choice(TOPICS)}",
                k == 0,
                rng.choice(RATINGS) if k % 2 == 0 else None,
                k,
            )
            for k in range(KPIS_PER_REVIEW)
        ]
        rows["goals"] += [
            (
                tenant_id,
                _ulid_at("gol", datetime.now(UTC), rng),
                review,
                f"{rng.choice(VERBS)} {rng.choice(TOPICS)}",
                "Agreed with my reviewer at the next check-in.",
                g,
            )
            for g in range(GOALS_PER_REVIEW)
        ]
    return tuple(ids)


# ------------------------------------------------------------------------------------ the callers
@dataclass(frozen=True)
class Caller:
    tenant_id: str
    person_id: str
    access_level: str
    goal_ids: tuple[str, ...]  # in creation order

    def some_goals(self, count: int) -> tuple[str, ...]:
        """`count` of the caller's goals spread over its list (old and recent), for get-by-id."""
        step = max(1, len(self.goal_ids) // count)
        return self.goal_ids[::step][:count]


@dataclass(frozen=True)
class DeepPage:
    tenant_id: str
    executive_id: str
    total: int  # live goals of the tenant
    depth: int  # rows before the cursor
    after: tuple[datetime, str]  # (created_at, id) of the last row of the page before


async def pick_callers(url: str, tenants: int, per_tenant: int) -> list[Caller]:
    """Non-executive people (employees, leads, managers: their lists go through the visibility set)
    spread over several tenants, with their own goal ids."""
    conn = await asyncpg.connect(libpq(url))
    try:
        rows = await conn.fetch(
            """SELECT p.tenant_id, p.id, p.access_level,
                      (SELECT array_agg(g.id ORDER BY g.created_at) FROM person_goals g
                        WHERE g.tenant_id = p.tenant_id AND g.person_id = p.id AND NOT g.is_deleted) AS goals
                 FROM people p
                WHERE p.tenant_id IN (SELECT tenant_id FROM tenants ORDER BY tenant_id LIMIT $1)
                  AND p.access_level IN ('employee', 'lead', 'manager')
                ORDER BY p.tenant_id, p.id""",
            tenants,
        )
    finally:
        await conn.close()
    by_tenant: dict[str, list[Any]] = {}
    for row in rows:
        by_tenant.setdefault(row["tenant_id"], []).append(row)
    rng = random.Random(7)
    callers = []
    for members in by_tenant.values():
        managers = [m for m in members if m["access_level"] != "employee"]
        employees = [m for m in members if m["access_level"] == "employee"]
        chosen = rng.sample(managers, 1) + rng.sample(employees, per_tenant - 1)
        callers += [
            Caller(m["tenant_id"], m["id"], m["access_level"], tuple(m["goals"] or ())) for m in chosen
        ]
    return callers


async def deep_pages(url: str, tenants: int, fraction: float = 0.9) -> list[DeepPage]:
    """For each tenant, its executive and the keyset position `fraction` deep into its goal list in the
    default order (-created_at, -id)."""
    conn = await asyncpg.connect(libpq(url))
    pages = []
    try:
        for tenant_id in [
            r[0]
            for r in await conn.fetch("SELECT tenant_id FROM tenants ORDER BY tenant_id LIMIT $1", tenants)
        ]:
            await _for_tenant(conn, tenant_id)
            executive = await conn.fetchval(
                "SELECT id FROM people WHERE tenant_id = $1 AND access_level = "
                "'executive' ORDER BY id LIMIT 1",
                tenant_id,
            )
            total = await conn.fetchval(
                "SELECT count(*) FROM person_goals WHERE tenant_id = $1 AND NOT is_deleted", tenant_id
            )
            depth = int(total * fraction)
            row = await conn.fetchrow(
                """SELECT created_at, id FROM person_goals WHERE tenant_id = $1 AND NOT is_deleted
                                         ORDER BY created_at DESC, id DESC OFFSET $2 LIMIT 1""",
                tenant_id,
                depth - 1,
            )
            pages.append(DeepPage(tenant_id, executive, total, depth, (row["created_at"], row["id"])))
        await conn.execute("RESET stride.tenant_id")
    finally:
        await conn.close()
    return pages


if __name__ == "__main__":  # load only: python bench/dataset.py small|full
    import sys

    chosen = SCALES[sys.argv[1] if len(sys.argv) > 1 else "small"]
    target = asyncio.run(ensure_database(server_url(), chosen.database))
    migrate(target)
    print(asyncio.run(load(target, chosen)))
