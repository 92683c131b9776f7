"""The list-by-person and the keyset deep page use an index on a table of 100k rows, not a scan."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import text
from sqlalchemy.dialects import postgresql

from stride_server.auth.permissions import default_permissions, expand
from stride_server.auth.principal import Principal
from stride_server.core.context import tenant_transaction
from stride_server.db.engine import create_engine
from stride_server.edm.query import encode_cursor, parse_list_query
from stride_server.edm.registry import PERSON_GOAL
from stride_server.edm.store import page_statements
from tests.factories import in_tenant

ROWS = 100_000


def _principal(org, name: str, level: str) -> Principal:  # type: ignore[no-untyped-def]
    return Principal(org.tenant_id, org.people[name], None, expand(default_permissions(level)), level)


def _nodes(plan: dict[str, Any]) -> list[dict[str, Any]]:
    found = [plan]
    for child in plan.get("Plans", []):
        found += _nodes(child)
    return found


async def _explain(conn, statement) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    sql = str(statement.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))
    raw = (await conn.execute(text("EXPLAIN (FORMAT JSON) " + sql.replace(":", r"\:")))).scalar()
    plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]
    return _nodes(plan)


def _goal_access(nodes: list[dict[str, Any]]) -> list[str]:
    return [
        n["Node Type"] + ":" + n.get("Index Name", "")
        for n in nodes
        if n.get("Relation Name") == "person_goals"
    ]


async def test_list_and_deep_page_use_indexes_on_100k_rows(api, org, owner_db) -> None:  # type: ignore[no-untyped-def]
    alice = org.people["alice"]
    await in_tenant(
        owner_db,
        org.tenant_id,
        [
            (
                """INSERT INTO person_goals (tenant_id, id, created_at, updated_at, person_id, title, status,
                                           progress_pct)
           SELECT $1, 'pgl_' || lpad(g::text, 26, '0'), now() - make_interval(secs => g), now(),
                  CASE WHEN g % 100 = 0 THEN $2 ELSE 'usr_' || lpad((g % 997)::text, 26, '0') END,
                  'Goal ' || g, 'in_progress', g % 100
           FROM generate_series(1, $3::int) AS g""",
                (org.tenant_id, alice, ROWS),
            )
        ],
    )
    async with owner_db.acquire() as conn:
        await conn.execute("ANALYZE person_goals")

    engine = create_engine(pool_size=1)
    try:
        async with tenant_transaction(engine, org.tenant_id) as conn:
            # an employee listing their own goals: the visibility rule and the person filter
            by_person = parse_list_query(PERSON_GOAL, [("person_id", alice), ("limit", "50")])
            page, _ = page_statements(PERSON_GOAL, _principal(org, "alice", "employee"), by_person)
            access = _goal_access(await _explain(conn, page))
            assert access and all(
                a.startswith(("Index Scan", "Index Only Scan", "Bitmap")) for a in access
            ), access

            # an executive 90% deep into the tenant's whole list by cursor
            deep_query = parse_list_query(PERSON_GOAL, [("limit", "50")])
            row = (
                await conn.execute(
                    text(
                        "SELECT created_at, id FROM person_goals WHERE tenant_id = :t "
                        "ORDER BY created_at DESC, id DESC "
                        "OFFSET :n LIMIT 1"
                    ),
                    {"t": org.tenant_id, "n": int(ROWS * 0.9)},
                )
            ).one()
            cursor = encode_cursor(deep_query, [row.created_at, row.id])
            deep = parse_list_query(PERSON_GOAL, [("limit", "50"), ("cursor", cursor)])
            page, _ = page_statements(PERSON_GOAL, _principal(org, "exec", "executive"), deep)
            access = _goal_access(await _explain(conn, page))
            assert access == ["Index Scan:ix_person_goals_created"] or all(
                a.startswith("Index") for a in access
            ), access
    finally:
        await engine.dispose()

    # and through HTTP the deep page answers the right rows
    response = await api.get(
        "/api/v1/performance/goals", params={"limit": 50, "cursor": cursor}, headers=org.headers("exec")
    )
    assert response.status_code == 200, response.text
    assert len(response.json()["data"]) == 50
