"""`stride demo`: create or refresh the `demo` tenant — a realistic organisation (people at every access
level, departments, squads, a reporting tree) and records of every Data API entity, written through the
same rules as the API — then print a token per access level and an example call. Idempotent: people
are keyed by email, groups by name, records by title (and person), so a second run adds nothing."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from stride_server.auth.principal import load_principal
from stride_server.auth.tokens import Claims, mint
from stride_server.core.context import Context, tenant_transaction
from stride_server.core.problems import Conflict
from stride_server.db.engine import create_engine
from stride_server.directory import service as directory
from stride_server.directory import store as directory_store
from stride_server.directory.bootstrap import create_tenant
from stride_server.directory.import_file import Row
from stride_server.directory.importer import import_rows
from stride_server.directory.schemas import GroupCreate
from stride_server.edm import service as edm
from stride_server.edm.query import parse_list_query
from stride_server.edm.registry import BY_NAME
from stride_server.edm.schemas import MODELS
from stride_server.learning.service import submit_response as respond
from stride_server.wiring import wire

TENANT, DOMAIN, SOURCE = "demo", "northwind.example", "demo"
TOKEN_TTL = 7 * 24 * 3600
CEO = ("Amara Okafor", "Chief Executive Officer")
EXECUTIVES = [("Daniel Reyes", "Chief Technology Officer"), ("Priya Natarajan", "Chief Operating Officer")]
# department: (reports to, head, [(manager, [(squad, lead, member title, [members])])])
ORG: dict[str, tuple[str, tuple[str, str], list[Any]]] = {
    "Engineering": (
        "Daniel Reyes",
        ("Lena Fischer", "VP Engineering"),
        [
            (
                ("Tomas Becker", "Engineering Manager, Platform"),
                [
                    (
                        "Platform",
                        ("Kenji Watanabe", "Staff Engineer"),
                        "Software Engineer",
                        ["Sofia Rossi", "Marcus Johnson", "Ines Duarte", "Oliver Grant"],
                    ),
                    (
                        "Payments",
                        ("Hannah Schulz", "Tech Lead"),
                        "Software Engineer",
                        ["Ravi Menon", "Chloe Martin", "Samuel Osei", "Yuki Tanaka"],
                    ),
                ],
            ),
            (
                ("Aisha Khan", "Engineering Manager, Product"),
                [
                    (
                        "Mobile",
                        ("Lucas Moreau", "Tech Lead"),
                        "Mobile Engineer",
                        ["Zara Ahmed", "Ethan Clarke", "Mei Lin", "Noah Fischer"],
                    ),
                    (
                        "Data",
                        ("Fatima Zahra", "Data Lead"),
                        "Data Engineer",
                        ["Jonas Berg", "Ana Silva", "Liam OBrien", "Grace Park"],
                    ),
                ],
            ),
        ],
    ),
    "Product": (
        "Daniel Reyes",
        ("Maya Cohen", "VP Product"),
        [
            (
                ("Arjun Patel", "Group Product Manager"),
                [
                    (
                        "Discovery",
                        ("Elena Petrova", "Lead Product Designer"),
                        "Product Designer",
                        ["Tom Walker", "Nadia Haddad", "Leo Costa"],
                    )
                ],
            )
        ],
    ),
    "Sales": (
        "Priya Natarajan",
        ("Robert King", "VP Sales"),
        [
            (
                ("Julia Novak", "Sales Manager, EMEA"),
                [
                    (
                        "EMEA Sales",
                        ("Pierre Dubois", "Sales Team Lead"),
                        "Account Executive",
                        ["Sara Lindqvist", "Marco Bianchi", "Emma Wilson", "Jan Kowalski"],
                    )
                ],
            ),
            (
                ("Carlos Mendoza", "Sales Manager, Americas"),
                [
                    (
                        "Americas Sales",
                        ("Olivia Brown", "Sales Team Lead"),
                        "Account Executive",
                        ["Diego Ramirez", "Ashley Taylor", "Kwame Mensah", "Lily Chen"],
                    )
                ],
            ),
        ],
    ),
    "Customer Success": (
        "Priya Natarajan",
        ("Hiroshi Sato", "VP Customer Success"),
        [
            (
                ("Rachel Adams", "Customer Success Manager"),
                [
                    (
                        "Onboarding",
                        ("Ben Carter", "Onboarding Lead"),
                        "Onboarding Specialist",
                        ["Aaliyah Jones", "Felix Wagner", "Isabel Garcia"],
                    ),
                    (
                        "Support",
                        ("Nora Eriksen", "Support Lead"),
                        "Support Engineer",
                        ["Omar Farouk", "Chiara Romano", "Mateo Lopez", "Ingrid Holm"],
                    ),
                ],
            )
        ],
    ),
    "People": (
        "Priya Natarajan",
        ("Grace Liu", "VP People"),
        [
            (
                ("Samir Haddad", "People Operations Manager"),
                [
                    (
                        "People Ops",
                        ("Holly Evans", "People Partner Lead"),
                        "People Partner",
                        ["Victor Hale", "Amina Yusuf", "Erik Larsen"],
                    )
                ],
            )
        ],
    ),
}
# One person per access level gets a token: (access level, name).
TOKEN_PEOPLE = (
    ("executive", "Amara Okafor"),
    ("head", "Lena Fischer"),
    ("manager", "Tomas Becker"),
    ("lead", "Kenji Watanabe"),
    ("employee", "Sofia Rossi"),
)


def email_of(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return f"{ascii_name.lower().replace(' ', '.')}@{DOMAIN}"


def people_rows() -> list[dict[str, str]]:
    """The organisation as import rows (every column present, so a refresh resets it)."""

    def row(
        name: str, level: str, title: str, manager: str | None, squad: str = "", department: str = ""
    ) -> dict:
        return {
            "name": name,
            "email": email_of(name),
            "access_level": level,
            "job_title": title,
            "manager_email": email_of(manager) if manager else "",
            "squad": squad,
            "department": department,
            "status": "active",
        }

    rows = [row(CEO[0], "executive", CEO[1], None)]
    rows += [row(name, "executive", title, CEO[0]) for name, title in EXECUTIVES]
    for department, (exec_name, (head, head_title), managers) in ORG.items():
        rows.append(row(head, "head", head_title, exec_name, department=department))
        for (manager, manager_title), squads in managers:
            rows.append(row(manager, "manager", manager_title, head, department=department))
            for squad, (lead, lead_title), member_title, members in squads:
                rows.append(row(lead, "lead", lead_title, manager, squad, department))
                for i, member in enumerate(members):
                    title = f"Senior {member_title}" if i % 3 == 0 else member_title
                    rows.append(row(member, "employee", title, lead, squad, department))
    return rows


def squads() -> Iterator[tuple[str, str, str, list[str]]]:
    """(department, squad, lead, members) for every squad."""
    for department, (_, _, managers) in ORG.items():
        for _, squad_list in managers:
            for squad, (lead, _), _, members in squad_list:
                yield department, squad, lead, members


class Seeder:
    """Creates what is missing, through the Data API's service, as the person who would have."""

    def __init__(self, conn: Any, ids: dict[str, str]) -> None:
        self.conn, self.ids = conn, ids
        self.contexts: dict[str, Context] = {}
        self.existing: dict[str, dict[tuple[Any, ...], dict[str, Any]]] = {}
        self.created = 0

    async def as_person(self, name: str) -> Context:
        if name not in self.contexts:
            claims = Claims(self.ids[name], TENANT, None, None, {})
            self.contexts[name] = Context(await load_principal(self.conn, claims), self.conn)
        return self.contexts[name]

    async def _load(self, entity_name: str) -> dict[tuple[Any, ...], dict[str, Any]]:
        if entity_name not in self.existing:
            entity, found, cursor = BY_NAME[entity_name], {}, None
            ctx = await self.as_person(CEO[0])  # an executive sees every record
            while True:
                params = [("source", SOURCE), ("limit", "200"), *([("cursor", cursor)] if cursor else [])]
                page = await edm.list_records(ctx, entity, parse_list_query(entity, params))
                for record in page["data"]:
                    found[self._key(record)] = record
                if not page["has_more"]:
                    break
                cursor = page["next_cursor"]
            self.existing[entity_name] = found
        return self.existing[entity_name]

    @staticmethod
    def _key(record: dict[str, Any]) -> tuple[Any, ...]:
        return (record.get("person_id"), record.get("title") or record.get("name"))

    async def ensure(self, entity_name: str, actor: str, body: dict[str, Any]) -> dict[str, Any]:
        existing = await self._load(entity_name)
        key = self._key(body)
        if key not in existing:
            entity = BY_NAME[entity_name]
            model = MODELS[entity_name].create.model_validate(
                {**body, "source": SOURCE, "source_type": "system"}
            )
            existing[key] = await edm.create_record(await self.as_person(actor), entity, model)
            self.created += 1
        return existing[key]


def _periods(now: datetime) -> tuple[str, str]:
    return f"{now.year}-Q{(now.month - 1) // 3 + 1}", f"{now.year}-Annual"


async def seed_okrs(seed: Seeder, now: datetime) -> dict[str, str]:
    """Company objectives, department objectives under them, and their key results."""
    quarter, year = _periods(now)
    company = [
        ("Grow annual recurring revenue to $40M", CEO[0]),
        ("Deliver a platform customers trust", "Daniel Reyes"),
        ("Make Northwind a great place to grow", "Priya Natarajan"),
    ]
    children: list[
        tuple[str, int, str, str, float, list[Any]]
    ] = [  # (title, parent, owner, dept, weight, KRs)
        (
            "Build a stronger EMEA pipeline",
            0,
            "Robert King",
            "Sales",
            0.6,
            [
                (
                    "Qualified EMEA pipeline",
                    "Julia Novak",
                    "currency",
                    2_000_000,
                    5_000_000,
                    3_100_000,
                    "EUR",
                ),
                ("New EMEA logos signed", "Pierre Dubois", "number", 0, 25, 11, "logos"),
            ],
        ),
        (
            "Launch self-serve checkout",
            0,
            "Maya Cohen",
            "Product",
            0.4,
            [
                ("Self-serve checkout live in all regions", "Arjun Patel", "milestone", 0, 1, 0, None),
                ("Checkout conversion rate", "Elena Petrova", "percentage", 2.1, 3.5, 2.8, "%"),
            ],
        ),
        (
            "Raise platform reliability to 99.95%",
            1,
            "Lena Fischer",
            "Engineering",
            0.5,
            [
                ("Monthly uptime", "Tomas Becker", "percentage", 99.5, 99.95, 99.9, "%"),
                ("P1 incidents per quarter", "Kenji Watanabe", "number", 12, 3, 5, "incidents"),
                ("SOC 2 Type II report issued", "Hannah Schulz", "boolean", 0, 1, None, None),
            ],
        ),
        (
            "Ship the mobile app 3.0",
            1,
            "Aisha Khan",
            "Engineering",
            0.5,
            [
                ("Crash-free sessions", "Lucas Moreau", "percentage", 97, 99.5, 98.9, "%"),
                ("App store rating", "Lucas Moreau", "number", 3.9, 4.6, 4.2, "stars"),
            ],
        ),
        (
            "Every manager runs quarterly reviews",
            2,
            "Grace Liu",
            "People",
            0.5,
            [
                ("Managers with completed quarterly reviews", "Samir Haddad", "percentage", 40, 100, 65, "%"),
                ("Employees with a development goal", "Holly Evans", "percentage", 30, 90, 72, "%"),
            ],
        ),
        (
            "Get customers to value faster",
            2,
            "Hiroshi Sato",
            "Customer Success",
            0.5,
            [
                ("Median days to first value", "Rachel Adams", "number", 21, 7, 12, "days"),
                ("Onboarding CSAT", "Ben Carter", "number", 4.1, 4.7, None, "score"),
            ],
        ),
    ]
    objective_ids: dict[str, str] = {}
    for title, owner in company:
        record = await seed.ensure(
            "Objective",
            owner,
            {
                "title": title,
                "period": year,
                "owner_id": seed.ids[owner],
                "category": "company",
                "check_in_frequency": "monthly",
                "tags": ["company"],
            },
        )
        objective_ids[title] = record["id"]
    for title, parent, owner, department, weight, key_results in children:
        record = await seed.ensure(
            "Objective",
            owner,
            {
                "title": title,
                "period": quarter,
                "owner_id": seed.ids[owner],
                "group_id": seed.ids[department],
                "parent_objective_id": objective_ids[company[parent][0]],
                "weight": weight,
                "category": department.lower(),
                "check_in_frequency": "weekly",
                "tags": [department.lower()],
            },
        )
        objective_ids[title] = record["id"]
        for kr_title, kr_owner, metric, baseline, target, current, unit in key_results:
            await seed.ensure(
                "KeyResult",
                kr_owner,
                {
                    "title": kr_title,
                    "objective_id": record["id"],
                    "owner_id": seed.ids[kr_owner],
                    "metric_type": metric,
                    "baseline": baseline,
                    "target": target,
                    "current": current,
                    "unit": unit,
                    "direction": "decrease" if target < baseline else "increase",
                },
            )
    return objective_ids


async def ensure_cohort_group(seed: Seeder, name: str, members: list[str]) -> str:
    ctx = await seed.as_person(CEO[0])  # groups need manage:directory
    group = await directory.find_group(ctx, "cohort", name)
    if group is None:
        group = await directory.create_group(ctx, GroupCreate(kind="cohort", name=name, parent_id=None))
    for member in members:
        await directory.add_member(ctx, group["id"], seed.ids[member], "member")
    return str(group["id"])


QUIZ = [
    {
        "id": "q1",
        "text": "Which conversation comes first when a report misses a goal?",
        "type": "single_choice",
        "options": ["A written warning", "A curious one-to-one", "An email to HR"],
        "correct": "A curious one-to-one",
        "required": True,
    },
    {
        "id": "q2",
        "text": "Good feedback is…",
        "type": "multi_choice",
        "options": ["specific", "timely", "anonymous"],
        "correct": ["specific", "timely"],
        "weight": 2,
    },
    {
        "id": "q3",
        "text": "How confident do you feel giving feedback (1-5)?",
        "type": "scale",
        "options": [1, 2, 3, 4, 5],
    },
]
PULSE = [
    {
        "id": "p1",
        "text": "I would recommend Northwind as a place to work.",
        "type": "scale",
        "options": [1, 2, 3, 4, 5],
        "required": True,
    },
    {"id": "p2", "text": "What should we change first?", "type": "text"},
]


async def seed_learning(seed: Seeder, now: datetime) -> dict[str, str]:
    """Cohorts (two with a cohort group), and assessments of every kind."""
    leads = [lead for _, _, lead, _ in squads()]
    managers = [manager for _, (_, _, ms) in ORG.items() for (manager, _), _ in ms]
    academy_group = await ensure_cohort_group(seed, "Leadership Academy", leads)
    bootcamp_group = await ensure_cohort_group(seed, "New Manager Bootcamp", managers)
    start = datetime(now.year, 1, 15, tzinfo=UTC)
    cohorts = {}
    for name, group, program, status, sessions in (
        ("Leadership Academy", academy_group, "LEAD-101", "active", 8),
        ("New Manager Bootcamp", bootcamp_group, "MGR-201", "planned", 4),
        ("Security Champions", None, "SEC-110", "active", 6),
    ):
        record = await seed.ensure(
            "Cohort",
            "Grace Liu",
            {
                "name": name,
                "group_id": group,
                "program_id": program,
                "status": status,
                "session_count": sessions,
                "start_date": start.isoformat(),
                "end_date": (start + timedelta(days=180)).isoformat(),
                "facilitator_ids": [seed.ids["Holly Evans"]],
                "completion_required_pct": 80,
                "metadata": {"location": "hybrid"},
                "tags": ["leadership" if group else "security"],
            },
        )
        cohorts[name] = record["id"]
    people_lead, security_lead = seed.ids["Grace Liu"], seed.ids["Lena Fischer"]
    assessments = [
        {
            "kind": "learning",
            "name": "Leadership Academy: feedback module quiz",
            "status": "open",
            "pass_score": 70,
            "target_cohort_id": cohorts["Leadership Academy"],
            "questions": QUIZ,
            "responsible_user_id": people_lead,
        },
        {
            "kind": "skills",
            "name": "Engineering skills matrix",
            "status": "open",
            "frequency": "annually",
            "target_group_id": seed.ids["Engineering"],
            "responsible_user_id": security_lead,
            "questions": [
                {"id": "s1", "text": "System design (1-5)", "type": "scale", "options": [1, 2, 3, 4, 5]}
            ],
        },
        {
            "kind": "survey",
            "name": "Quarterly engagement pulse",
            "status": "open",
            "frequency": "quarterly",
            "questions": PULSE,
            "responsible_user_id": people_lead,
        },
        {
            "kind": "grc_self_assessment",
            "name": "SOC 2 readiness self-assessment",
            "status": "scheduled",
            "framework_ids": ["soc2"],
            "control_ids": ["CC6.1", "CC7.2"],
            "responsible_user_id": security_lead,
        },
        {
            "kind": "compliance_audit",
            "name": "ISO 27001 internal audit",
            "status": "closed",
            "framework_ids": ["iso27001"],
            "control_ids": ["A.5.1", "A.8.2"],
            "assessment_tools": ["Vanta"],
            "findings": ["Access reviews are quarterly, policy says monthly"],
            "responsible_user_id": security_lead,
        },
        {
            "kind": "security_assessment",
            "name": "Annual penetration test",
            "status": "closed",
            "assessment_tools": ["Nmap", "Burp Suite"],
            "findings": ["Verbose error pages on the admin host"],
            "recommendations": ["Harden the admin host's error handling"],
            "responsible_user_id": security_lead,
        },
        {
            "kind": "customer_feedback",
            "name": "Acme Corp quarterly business review",
            "status": "open",
            "target_account_id": "acct_acme",
            "responsible_user_id": seed.ids["Rachel Adams"],
        },
        {
            "kind": "customer_health",
            "name": "Globex health check",
            "status": "draft",
            "target_account_id": "acct_globex",
            "responsible_user_id": seed.ids["Rachel Adams"],
        },
    ]
    ids = dict(cohorts)
    for body in assessments:
        record = await seed.ensure("Assessment", "Grace Liu", body)
        ids[body["name"]] = record["id"]
    return ids


GOALS = {  # department -> goal titles, assigned round-robin
    "Engineering": [
        "Ship the {squad} roadmap for the quarter",
        "Mentor a new joiner in {squad}",
        "Cut flaky tests in {squad} by half",
        "Earn the AWS Solutions Architect certification",
    ],
    "Product": ["Run ten customer discovery interviews", "Publish the checkout design system"],
    "Sales": [
        "Close 120% of quota",
        "Build a partner referral channel",
        "Shorten the sales cycle to 45 days",
    ],
    "Customer Success": ["Keep first response under two hours", "Write five help-centre articles"],
    "People": ["Launch the new onboarding journey", "Roll out quarterly review training"],
}
GOAL_STATES = (
    ("in_progress", 40),
    ("not_started", 0),
    ("at_risk", 20),
    ("completed", 100),
    ("in_progress", 70),
)


async def seed_goals_and_records(
    seed: Seeder, objectives: dict[str, str], learning: dict[str, str], now: datetime
) -> None:
    quarter, _ = _periods(now)
    linked = {
        "Engineering": "Raise platform reliability to 99.95%",
        "Sales": "Build a stronger EMEA pipeline",
        "Product": "Launch self-serve checkout",
        "Customer Success": "Get customers to value faster",
        "People": "Every manager runs quarterly reviews",
    }
    index = 0
    for department, squad, lead, members in squads():
        for person in [lead, *members]:
            titles = GOALS[department]
            status, progress = GOAL_STATES[index % len(GOAL_STATES)]
            await seed.ensure(
                "PersonGoal",
                person,
                {
                    "person_id": seed.ids[person],
                    "title": titles[index % len(titles)].format(squad=squad),
                    "category": "delivery" if index % 2 else "development",
                    "period": quarter,
                    "status": status,
                    "progress_pct": progress,
                    "target_date": (now + timedelta(days=60)).date().isoformat(),
                    "linked_objective_id": objectives[linked[department]] if index % 2 == 0 else None,
                },
            )
            index += 1
    for manager in [m for _, (_, _, ms) in ORG.items() for (m, _), _ in ms]:
        await seed.ensure(
            "PersonGoal",
            manager,
            {
                "person_id": seed.ids[manager],
                "title": "Hold a career conversation with every report",
                "category": "leadership",
                "period": quarter,
                "status": "in_progress",
                "progress_pct": 50,
            },
        )
    await seed_learning_records(seed, learning, now)


async def seed_learning_records(seed: Seeder, learning: dict[str, str], now: datetime) -> None:
    quiz = learning["Leadership Academy: feedback module quiz"]
    for i, (_, _, lead, _) in enumerate(squads()):
        done = i % 3 != 2  # most leads finished the first module
        await seed.ensure(
            "LearningRecord",
            lead,
            {
                "person_id": seed.ids[lead],
                "title": "Leadership Academy: feedback module",
                "provider": "internal",
                "linked_cohort_id": learning["Leadership Academy"],
                "linked_assessment_id": quiz,
                "completed_at": (now - timedelta(days=20 + i)).isoformat() if done else None,
                "score": 70 + 3 * i if done else None,
                "passed": True if done else None,
            },
        )
    engineers = [m for d, _, _, members in squads() if d == "Engineering" for m in members]
    for i, person in enumerate(engineers[:10]):
        completed = now - timedelta(days=400 + 90 * i)
        await seed.ensure(
            "LearningRecord",
            person,
            {
                "person_id": seed.ids[person],
                "title": "AWS Certified Solutions Architect - Associate",
                "provider": "AWS",
                "completed_at": completed.isoformat(),
                "score": 72 + 2 * i,
                "passed": True,
                "expires_at": (completed + timedelta(days=3 * 365)).isoformat(),  # the oldest have expired
                "certification_ref": f"AWS-SAA-{1000 + i}",
            },
        )
    for person in engineers[::4]:
        await seed.ensure(
            "LearningRecord",
            person,
            {
                "person_id": seed.ids[person],
                "title": "Secure coding fundamentals",
                "provider": "OWASP",
                "linked_cohort_id": learning["Security Champions"],
                "completed_at": (now - timedelta(days=30)).isoformat(),
                "passed": True,
            },
        )
    for person in [m for d, _, _, members in squads() if d == "Sales" for m in members]:
        await seed.ensure(
            "LearningRecord",
            person,
            {
                "person_id": seed.ids[person],
                "title": "Negotiation mastery",
                "provider": "Coursera",
                "completed_at": (now - timedelta(days=75)).isoformat(),
                "score": 88,
                "passed": True,
            },
        )
    for i, person in enumerate(engineers[:8]):  # a few answers to the engagement pulse
        try:
            await respond(
                await seed.as_person(person),
                learning["Quarterly engagement pulse"],
                [{"question_id": "p1", "value": 3 + i % 3}],
            )
        except Conflict:
            pass  # answered on an earlier run


async def _directory_ids(conn: Any) -> dict[str, str]:
    """Names of demo people and groups to their ids."""
    ctx = Context(await load_principal(conn, Claims(await _ceo_id(conn), TENANT, None, None, {})), conn)
    ids = {}
    for row in people_rows():
        page = await directory.list_people(ctx, {"email": row["email"]}, None, 1)
        ids[row["name"]] = page["data"][0]["id"]
    for department in ORG:
        group = await directory.find_group(ctx, "department", department)
        assert group is not None
        ids[department] = group["id"]
    return ids


async def _ceo_id(conn: Any) -> str:
    person = await directory_store.email_owner(conn, TENANT, email_of(CEO[0]))
    assert person is not None
    return person


async def seed_demo() -> None:
    wire()
    now = datetime.now(UTC)
    await create_tenant(TENANT, CEO[0], email_of(CEO[0]))  # the tenant and its first executive
    engine = create_engine(pool_size=1)
    try:
        async with tenant_transaction(engine, TENANT) as conn:  # one transaction: all or nothing
            rows = [Row(i, dict(cells)) for i, cells in enumerate(people_rows(), 2)]
            people = await import_rows(conn, TENANT, rows)
            seed = Seeder(conn, await _directory_ids(conn))
            objectives = await seed_okrs(seed, now)
            learning = await seed_learning(seed, now)
            await seed_goals_and_records(seed, objectives, learning, now)
            ids = seed.ids
    finally:
        await engine.dispose()
    _print_usage(people, seed.created, ids)


def _print_usage(people: dict[str, Any], created: int, ids: dict[str, str]) -> None:
    titles = {row["name"]: row["job_title"] for row in people_rows()}
    print(
        f'Demo tenant "{TENANT}" is ready: {people["rows"]} people ({people["created"]} new, '
        f"{people['updated']} updated), {people['groups_created']} new groups, {created} new records."
    )
    print("\nTokens (valid for 7 days), one per access level:")
    tokens = {}
    for level, name in TOKEN_PEOPLE:
        tokens[level] = mint(TENANT, ids[name], ttl=TOKEN_TTL)
        print(f"\n  {level:<9}  {name}, {titles[name]} ({email_of(name)})\n  {tokens[level]}")
    print(
        "\nTry it (with `stride serve` running on port 8000):\n"
        f"  export STRIDE_TOKEN={tokens['employee']}\n"
        '  curl -s -H "Authorization: Bearer $STRIDE_TOKEN" http://127.0.0.1:8000/api/v1/performance/goals\n'
        '  curl -s -H "Authorization: Bearer $STRIDE_TOKEN" "http://127.0.0.1:8000/api/v1/okr/objectives?q=platform"\n'
        "  Explorer: http://127.0.0.1:8000/explorer"
    )
