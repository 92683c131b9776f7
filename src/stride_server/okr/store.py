"""SQL of the OKR rules: walking the objective parent chain, locking the trees a write rolls up into,
and recomputing roll-ups."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Text, bindparam, not_, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection

from stride_server.db.reads import Reader
from stride_server.db.rows import advisory_locks_sql, chain_up
from stride_server.db.scope import of_tenant, tenant_sql
from stride_server.db.tables import ENTITY_TABLES

objectives = ENTITY_TABLES["Objective"]


async def ancestor_ids(conn: AsyncConnection, tenant_id: str, objective_id: str) -> list[str]:
    """The objective and every objective above it, nearest first (bounded, so a corrupt chain
    cannot loop forever)."""
    chain = chain_up(objectives, "parent_objective_id", tenant_id, objective_id)
    rows = await conn.execute(select(chain.c.id).limit(1000))
    return [r[0] for r in rows]


# The trees the given objectives and key results roll up into: each start's chain up the parents,
# ending at the root (no parent, or a parent that no longer exists). A corrupt, cyclic chain has no
# root; then every objective on it stands for the tree, which every writer reaching the cycle
# shares. UNION over (start, id, parent) ends the walk on a cycle too.
_TREES = f"""
WITH RECURSIVE start(id) AS (
    SELECT unnest(CAST(:objective_ids AS text[]))
    UNION
    SELECT objective_id FROM key_results WHERE {tenant_sql()} AND id = ANY(:key_result_ids)
), chain(start, id, parent) AS (
    SELECT o.id, o.id, o.parent_objective_id FROM start JOIN objectives AS o ON o.id = start.id
    WHERE {tenant_sql("o")}
  UNION
    SELECT chain.start, o.id, o.parent_objective_id
    FROM chain JOIN objectives AS o ON {tenant_sql("o")} AND o.id = chain.parent
), ends AS (
    SELECT start, id FROM chain
    WHERE parent IS NULL
       OR NOT EXISTS (SELECT 1 FROM chain AS up WHERE up.start = chain.start AND up.id = chain.parent)
)
SELECT id FROM ends
UNION
SELECT id FROM chain WHERE start NOT IN (SELECT start FROM ends)
"""  # noqa: S608 (constant SQL; the tenant predicate from db.scope)
_LOCK_TREES = text(advisory_locks_sql(_TREES))


def tree_lock_namespace(tenant_id: str) -> str:
    """The advisory locks of a tenant's objective trees are named by this and the root's id."""
    return f"stride:okr-tree:{tenant_id}:"


async def lock_trees(
    reader: Reader,
    tenant_id: str,
    *,
    objective_ids: list[str] | None = None,
    key_result_ids: list[str] | None = None,
) -> set[str]:
    """Lock, for the rest of the transaction, the trees that `objective_ids` and the objectives of
    `key_result_ids` belong to, named by their roots, in one statement (sorted, so writers locking
    overlapping trees queue rather than deadlock); returns the roots. The roots are read before the
    locks are granted: a caller re-reads them (`okr.hooks.lock_trees`) until they no longer change."""
    rows = await reader.fetch(
        _LOCK_TREES,
        {
            "tenant": tenant_id,
            "namespace": tree_lock_namespace(tenant_id),
            "objective_ids": objective_ids or [],
            "key_result_ids": key_result_ids or [],
        },
    )
    return {row[0] for row in rows}


_PERIOD = select(objectives.c.period).where(
    of_tenant(objectives, bindparam("tenant", type_=Text())), objectives.c.id == bindparam("id", type_=Text())
)


async def objective_period(reader: Reader, tenant_id: str, objective_id: str) -> str | None:
    rows = await reader.fetch(_PERIOD, {"tenant": tenant_id, "id": objective_id})
    return rows[0][0] if rows else None


# One statement per level: the objective's key_result_ids, last_check_in_at and progress_pct from
# scratch (mean of live key results, else weight-weighted mean of live children, else 0), returning
# its parent and whether its progress changed (the parents above change only if it did).
_RECOMPUTE = text(f"""
WITH kr AS (
    SELECT count(*) AS n, avg(progress_pct::numeric) AS mean, max(last_update_at) AS last_at,
           coalesce(jsonb_agg(id ORDER BY created_at, id), '[]'::jsonb) AS ids
    FROM key_results WHERE {tenant_sql()} AND objective_id = :id AND NOT is_deleted
), child AS (
    SELECT sum(progress_pct::numeric * weight::numeric) AS weighted, sum(weight::numeric) AS weight
    FROM objectives WHERE {tenant_sql()} AND parent_objective_id = :id AND NOT is_deleted
), before AS (
    SELECT progress_pct FROM objectives WHERE {tenant_sql()} AND id = :id
)
UPDATE objectives AS o SET
    key_result_ids = kr.ids,
    last_check_in_at = kr.last_at,
    progress_pct = CASE WHEN kr.n > 0 THEN round(kr.mean, 2)
                        WHEN child.weight > 0 THEN round(child.weighted / child.weight, 2)
                        ELSE 0 END
FROM kr, child
WHERE {tenant_sql("o")} AND o.id = :id
RETURNING o.parent_objective_id, o.progress_pct IS DISTINCT FROM (SELECT progress_pct FROM before) AS changed
""")  # noqa: S608 (constant SQL; the tenant predicate from db.scope)


async def recompute_chain(reader: Reader, tenant_id: str, objective_id: str | None) -> int:
    """Recompute an objective and, while its progress changes, every objective above it. Returns the
    number of levels touched (bounded: a corrupt chain cannot loop)."""
    levels, seen = 0, set()
    while objective_id is not None and objective_id not in seen and levels < 100:
        seen.add(objective_id)
        rows = await reader.records(_RECOMPUTE, {"tenant": tenant_id, "id": objective_id})
        levels += 1
        if not rows or not rows[0]["changed"]:
            break
        objective_id = rows[0]["parent_objective_id"]
    return levels


async def key_results_of(conn: AsyncConnection, tenant_id: str, objective_id: str) -> list[Any]:
    key_results = ENTITY_TABLES["KeyResult"]
    rows = await conn.execute(
        select(key_results.c.id, key_results.c.progress_pct, key_results.c.current).where(
            of_tenant(key_results, tenant_id),
            key_results.c.objective_id == objective_id,
            not_(key_results.c.is_deleted),
        )
    )
    return list(rows)


async def set_statuses(conn: AsyncConnection, tenant_id: str, statuses: dict[str, str]) -> None:
    """Set key results' health in one statement."""
    if not statuses:
        return
    key_results = ENTITY_TABLES["KeyResult"]
    await conn.execute(
        update(key_results)
        .where(of_tenant(key_results, tenant_id), key_results.c.id == bindparam("kr_id"))
        .values(status=bindparam("new_status")),
        [{"kr_id": k, "new_status": v} for k, v in statuses.items()],
    )
