"""Small factories: an organisation per test in its own tenant, with people at every access level,
a reporting tree, squads and departments (the shape every visibility rule of §1.4 talks about).

    exec (executive)
    ├── head (head; heads department Engineering)
    │   └── manager (manager; Engineering)
    │       └── lead (lead; leads squad Alpha)
    │           ├── alice (employee; Alpha)
    │           └── bob (employee; Alpha)
    └── manager2 (manager; department Sales)
        └── carol (employee; squad Beta, Sales)
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

import asyncpg

from stride_server.core.ids import new_id

PEOPLE = (  # name, access level, manager
    ("exec", "executive", None),
    ("head", "head", "exec"),
    ("manager", "manager", "head"),
    ("lead", "lead", "manager"),
    ("alice", "employee", "lead"),
    ("bob", "employee", "lead"),
    ("manager2", "manager", "exec"),
    ("carol", "employee", "manager2"),
)
GROUPS = (  # name, kind, [(member, role)]
    (
        "Engineering",
        "department",
        [("head", "head"), ("manager", "member"), ("lead", "member"), ("alice", "member"), ("bob", "member")],
    ),
    ("Sales", "department", [("manager2", "member"), ("carol", "member")]),
    ("Alpha", "squad", [("lead", "lead"), ("alice", "member"), ("bob", "member")]),
    ("Beta", "squad", [("carol", "member")]),
)


@dataclass
class Org:
    tenant_id: str
    people: dict[str, str] = field(default_factory=dict)  # name -> person id
    groups: dict[str, str] = field(default_factory=dict)  # name -> group id

    def token(self, name: str, **kwargs: Any) -> str:
        from stride_server.auth.tokens import mint

        return mint(self.tenant_id, self.people[name], **kwargs)

    def headers(self, name: str, **kwargs: Any) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(name, **kwargs)}"}

    def app_headers(self, app_id: str, permissions: list[str]) -> dict[str, str]:
        from stride_server.auth.tokens import mint

        token = mint(self.tenant_id, app_id, app_id=app_id, permissions=permissions)
        return {"Authorization": f"Bearer {token}"}


async def in_tenant(
    pool: asyncpg.Pool, tenant_id: str, statements: list[tuple[str, tuple[Any, ...]]]
) -> None:
    """Run statements as the owner with the tenant set, so row-level security is satisfied even where
    the owner is not a superuser."""
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("SELECT set_config('stride.tenant_id', $1, true)", tenant_id)
        for sql, args in statements:
            await conn.execute(sql, *args)


async def build_org(pool: asyncpg.Pool, tenant_id: str | None = None) -> Org:
    org = Org(tenant_id or f"t_{secrets.token_hex(6)}")
    statements: list[tuple[str, tuple[Any, ...]]] = [
        ("INSERT INTO tenants (tenant_id, name) VALUES ($1, $1)", (org.tenant_id,)),
    ]
    for name, _level, _ in PEOPLE:
        org.people[name] = new_id("usr")
    for name, level, manager in PEOPLE:
        statements.append(
            (
                "INSERT INTO people (tenant_id, id, name, email, access_level, manager_id) "
                "VALUES ($1,$2,$3,$4,$5,$6)",
                (
                    org.tenant_id,
                    org.people[name],
                    name.title(),
                    f"{name}@{org.tenant_id}.test",
                    level,
                    org.people[manager] if manager else None,
                ),
            )
        )
    for group, kind, members in GROUPS:
        org.groups[group] = new_id("grp")
        statements.append(
            (
                "INSERT INTO groups (tenant_id, id, kind, name) VALUES ($1,$2,$3,$4)",
                (org.tenant_id, org.groups[group], kind, group),
            )
        )
        for member, role in members:
            statements.append(
                (
                    "INSERT INTO group_members (tenant_id, group_id, person_id, role) VALUES ($1,$2,$3,$4)",
                    (org.tenant_id, org.groups[group], org.people[member], role),
                )
            )
    await in_tenant(pool, org.tenant_id, statements)
    return org


async def add_group(
    pool: asyncpg.Pool, org: Org, name: str, kind: str, members: list[tuple[str, str]]
) -> str:
    group_id = new_id("grp")
    statements: list[tuple[str, tuple[Any, ...]]] = [
        (
            "INSERT INTO groups (tenant_id, id, kind, name) VALUES ($1,$2,$3,$4)",
            (org.tenant_id, group_id, kind, name),
        ),
    ]
    for member, role in members:
        statements.append(
            (
                "INSERT INTO group_members (tenant_id, group_id, person_id, role) VALUES ($1,$2,$3,$4)",
                (org.tenant_id, group_id, org.people[member], role),
            )
        )
    await in_tenant(pool, org.tenant_id, statements)
    org.groups[name] = group_id
    return group_id


async def create_application(pool: asyncpg.Pool, org: Org, permissions: list[str]) -> str:
    import json

    app_id = new_id("app")
    await in_tenant(
        pool,
        org.tenant_id,
        [
            (
                "INSERT INTO applications (tenant_id, id, name, permissions) VALUES ($1,$2,$3,$4::jsonb)",
                (org.tenant_id, app_id, "Integration", json.dumps(permissions)),
            )
        ],
    )
    return app_id
