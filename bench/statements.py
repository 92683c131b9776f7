"""Stride's own SQL for the benchmarked reads and for an OKR check-in's tree lock and roll-up, captured
by running its store functions against a recording connection (or compiling its statement constants)
for asyncpg — so the bare app and pgbench run exactly the statements Stride runs, with the same bound
parameters — and EXPLAIN summaries of them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import asyncpg

# Sentinels: each stands for one input of a statement, and is recognised among the compiled values.
TENANT, PERSON, GOAL, AFTER_ID = "T_SENTINEL", "usr_SENTINEL", "pgl_SENTINEL", "pgl_AFTERSENTINEL"
AFTER_AT = datetime(2001, 2, 3, 4, 5, 6, 789000, tzinfo=UTC)
OBJECTIVE, KEY_RESULT, LOCK_NAMESPACE = "obj_SENTINEL", "krs_SENTINEL", "NS_SENTINEL"
INPUTS = {
    TENANT: "tenant",
    PERSON: "person",
    GOAL: "id",
    AFTER_ID: "after_id",
    AFTER_AT: "after_created_at",
    OBJECTIVE: "objective",
    LOCK_NAMESPACE: "namespace",
}
LIST_INPUTS = {KEY_RESULT: "key_result_ids"}  # a one-element list of the sentinel: an array input


@dataclass(frozen=True)
class Statement:
    """SQL with $n placeholders and, per placeholder, either an input name or a constant."""

    sql: str
    params: list[dict[str, Any]]  # {"input": "tenant"} | {"const": 51}

    def values(self, inputs: dict[str, Any]) -> list[Any]:
        return [inputs[p["input"]] if "input" in p else p["const"] for p in self.params]

    def as_json(self) -> dict[str, Any]:
        return {"sql": self.sql, "params": self.params}


class _Recorder:
    """Stands in for a db.reads.Reader (or an AsyncConnection): keeps each statement, answers with no rows."""

    def __init__(self) -> None:
        self.statements: list[Any] = []

    async def execute(self, statement: Any, parameters: Any = None) -> Any:
        # Stride's cached templates arrive with their values apart: bind them for compilation.
        self.statements.append(statement.params(parameters) if parameters else statement)
        return self

    async def fetch(self, statement: Any, parameters: dict[str, Any]) -> list[Any]:
        await self.execute(statement, parameters)
        return []

    async def records(self, statement: Any, parameters: dict[str, Any]) -> list[Any]:
        return await self.fetch(statement, parameters)

    def first(self) -> None:
        return None

    def mappings(self) -> _Recorder:
        return self

    def scalar(self) -> None:
        return None

    def __iter__(self) -> Any:
        return iter(())


def _compile(statement: Any) -> Statement:
    from sqlalchemy.dialects.postgresql import asyncpg as asyncpg_dialect

    compiled = statement.compile(dialect=asyncpg_dialect.dialect())
    params = []
    for name in compiled.positiontup or ():
        value = compiled.params[name]
        known = INPUTS.get(value) if isinstance(value, str | datetime) else None
        if isinstance(value, list) and len(value) == 1 and isinstance(value[0], str):
            known = LIST_INPUTS.get(value[0])
        params.append({"input": known} if known else {"const": value})
    return Statement(compiled.string, params)


def _principal(level: str) -> Any:
    from stride_server.auth.permissions import default_permissions, expand
    from stride_server.auth.principal import Principal

    return Principal(TENANT, PERSON, None, expand(default_permissions(level)), level)


async def capture() -> dict[str, Statement]:
    """The statements of a request: the tenant setting with the caller's person row (stride_enter,
    every request), the list by person and the get (caller: an employee, so the visibility set applies), and
    the first
    and a later page of the tenant's list (caller: the executive, who sees every goal)."""
    from stride_server.core.context import _ENTER
    from stride_server.edm import store
    from stride_server.edm.query import parse_list_query
    from stride_server.edm.registry import BY_NAME

    goals = BY_NAME["PersonGoal"]
    employee, executive = _principal("employee"), _principal("executive")
    recorder = _Recorder()
    await store.fetch(recorder, goals, employee, GOAL)  # type: ignore[arg-type]
    (get,) = recorder.statements
    by_person = parse_list_query(goals, [("person_id", PERSON), ("limit", "50")])
    first = parse_list_query(goals, [("limit", "50")])
    deep = parse_list_query(goals, [("limit", "50")])
    deep.after = [AFTER_AT.isoformat(), AFTER_ID]
    return {
        "enter": _compile(_ENTER.bindparams(tenant_id=TENANT, person_id=PERSON)),
        "list": _compile(store.page_statements(goals, employee, by_person)[0]),
        "get": _compile(get),
        # a person's get as Stride sends it: one statement, its own transaction, stride_enter inside
        "person_get": _compile(
            store._person_get_template(goals, False).params(
                tenant_id=TENANT,
                person_id=PERSON,
                record_id=GOAL,
                visibility_tenant=TENANT,
                visibility_sub=PERSON,
                levels_seeing_all=["head", "executive"],  # a token without a permissions claim
            )
        ),
        "first_page": _compile(store.page_statements(goals, executive, first)[0]),
        "deep_page": _compile(store.page_statements(goals, executive, deep)[0]),
        **_okr_statements(),
    }


def _okr_statements() -> dict[str, Statement]:
    """What a check-in must run besides its key result's UPDATE: the lock of the objective tree the key
    result rolls up into (read from its chain; taken once here — Stride reads the roots again until
    they hold still) and the recompute of one objective of the chain (run level by level upwards while
    the progress changes)."""
    from stride_server.okr import store as okr

    return {
        "okr_lock": _compile(
            okr._LOCK_TREES.bindparams(
                tenant=TENANT, namespace=LOCK_NAMESPACE, objective_ids=[], key_result_ids=[KEY_RESULT]
            )
        ),
        "okr_recompute": _compile(okr._RECOMPUTE.bindparams(tenant=TENANT, id=OBJECTIVE)),
    }


def cursor_for(after: tuple[datetime, str]) -> str:
    """The next_cursor Stride hands out for the page that ends at `after`, in the default order."""
    from stride_server.edm.query import encode_cursor, parse_list_query
    from stride_server.edm.registry import BY_NAME

    query = parse_list_query(BY_NAME["PersonGoal"], [("limit", "50")])
    return encode_cursor(query, list(after))


# ------------------------------------------------------------------------------------------ EXPLAIN
async def explain(dsn: str, statement: Statement, inputs: dict[str, Any], role: str) -> list[str]:
    """EXPLAIN (ANALYZE, BUFFERS) as Stride runs it: the app role, the tenant set, row-level security on.
    Run twice; the second (warm) plan is kept."""
    conn = await asyncpg.connect(dsn)
    try:
        lines: list[str] = []
        for _ in range(2):
            async with conn.transaction():
                await conn.execute(f'SET LOCAL ROLE "{role}"')
                await conn.execute("SELECT set_config('stride.tenant_id', $1, true)", inputs["tenant"])
                rows = await conn.fetch(
                    "EXPLAIN (ANALYZE, BUFFERS) " + statement.sql, *statement.values(inputs)
                )
                lines = [r[0] for r in rows]
        return lines
    finally:
        await conn.close()


def summarise(plan: list[str]) -> list[str]:
    """The scans (which index, rows, loops), the top node's buffers, and the timings."""
    keep: list[str] = []
    buffers_seen = False
    for line in plan:
        text = line.strip().removeprefix("-> ").strip()
        if "Scan" in text:
            keep.append(text.split("  (cost=")[0] + _actual(text))
        elif text.startswith("Buffers:") and not buffers_seen:
            keep.append("top " + text)
            buffers_seen = True
        elif text.startswith(("Planning Time", "Execution Time")):
            keep.append(text)
    return keep


def _actual(text: str) -> str:
    if "actual time=" not in text:
        return ""
    actual = text.split("actual time=")[1].rstrip(")")
    return f"  [actual {actual}]"


def one_line(plan: list[str]) -> str:
    """The person_goals scan (index, rows), the top node's shared buffers, planning and execution time."""
    scan = next(
        (
            line.strip().removeprefix("-> ").strip()
            for line in plan
            if "Scan" in line and " on person_goals" in line
        ),
        "no scan of person_goals",
    )
    rows = scan.split("rows=")[-1].split()[0].rstrip(")") if "actual" in scan and "rows=" in scan else "?"
    buffers = next((line.split("Buffers:")[1].strip() for line in plan if "Buffers:" in line), "")
    times = {
        line.strip().split(":")[0]: line.split(":")[1].strip()
        for line in plan
        if line.strip().startswith(("Planning Time", "Execution Time"))
    }
    return (
        f"{scan.split('  (cost=')[0]} → {rows} rows; {buffers}; planning {times.get('Planning Time', '?')}, "
        f"execution {times.get('Execution Time', '?')}"
    )
